"""The WeasyPrint and pydyf versions the code supports, checked when rendering starts.

The layout checks (fit.py, design.py) read WeasyPrint's box tree and the PDF repairs (pdf.py,
place.py) edit the objects WeasyPrint writes through pydyf (weasy.py, pydyf_internals.py): both
are internals that change between versions without notice. Another version may render without
an error and still give other PDFs, or let a check find nothing and pass, so a version outside
these ranges stops the command with a message instead.

Read with importlib.metadata: checking costs no import of WeasyPrint. The ranges are those of
pyproject.toml (tests/test_internals.py holds them equal).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import metadata

from generator.base.errors import BuildError

SUPPORTED: dict[str, tuple[str, str]] = {
    "weasyprint": ("70", "71"),
    "pydyf": ("0.13", "0.14"),
}
"""Each distribution's supported versions: at least the first, below the second (pyproject.toml:
``weasyprint>=70,<71``)."""

NAMES = {"weasyprint": "WeasyPrint", "pydyf": "pydyf"}


def _release(version: str) -> tuple[int, ...]:
    """The release numbers of a version string: '70.0' -> (70, 0), '0.13.0rc1' -> (0, 13, 0)."""
    numbers = []
    for part in version.strip().split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.group() != part:
            break
    return tuple(numbers)


def _below(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)) < b + (0,) * (width - len(b))


def unsupported(name: str, installed: str | None) -> str:
    """Why the installed version (None: not installed) of ``name`` cannot be used, or '' when it
    can: 'WeasyPrint 69.0 is installed; booklet needs WeasyPrint >=70,<71 ...'."""
    low, high = SUPPORTED[name]
    label = NAMES[name]
    wanted = f"{label} >={low},<{high}"
    how = ("install the versions of requirements.lock with `make deps` (or: .venv/bin/pip install --require-hashes "
           "-r requirements.lock)")
    if installed is None:
        return f"{label} is not installed; booklet needs {wanted}: {how}"
    release = _release(installed)
    if not release or _below(release, _release(low)) or not _below(release, _release(high)):
        return (f"{label} {installed} is installed; booklet needs {wanted} (it relies on that version's layout and "
                f"PDF internals, which change between versions): {how}")
    return ""


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check(installed: dict[str, str | None] | None = None) -> None:
    """BuildError naming each unsupported library, its installed and its supported versions, and
    how to install the right ones. ``installed``: the versions to judge (name -> version, None for
    not installed), by default those installed."""
    found = {name: _installed(name) for name in SUPPORTED} if installed is None else installed
    problems = [why for name in SUPPORTED if (why := unsupported(name, found.get(name)))]
    if problems:
        raise BuildError("; ".join(problems))


@cache
def check_installed() -> None:
    """``check`` of the installed versions, once per process (a failure is raised each time)."""
    check()

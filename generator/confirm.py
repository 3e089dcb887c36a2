"""`booklet confirm SERVICE`: record that a person checked a service with the organisation.

Sets `last_verified:` in the service's file to today (or a given date) and removes its
`unconfirmed:` notes (they said what was not yet confirmed), changing nothing else: ruamel.yaml
reads and writes the file keeping comments, order, quoting and line breaks, and the result is
compared with the original line by line; if anything but those fields would change, nothing is
written and the command says why.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from .clock import today
from .errors import BuildError
from .files import write_atomic


@dataclass(frozen=True)
class Confirmed:
    path: Path
    previous: str
    """The date that was there ('' when the field was missing)."""
    removed: tuple[str, ...]
    """The `unconfirmed:` notes removed from the file."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never reflow a long line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the content's style: "  - item" under a key
    return yaml


def confirm(root: Path, service: str, on: date) -> Confirmed:
    folder = root / "content/services"
    path = folder / f"{service}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        close = difflib.get_close_matches(service, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise BuildError(f"no service '{service}' (no content/services/{service}.yaml); {hint}"
                         "'booklet list' shows every service's id")
    if on > today():
        raise BuildError(f"--date {on.isoformat()} is in the future; expected the day the service was checked")
    text = path.read_text("utf-8")
    yaml = _yaml()
    data = yaml.load(text)
    if not hasattr(data, "get"):
        raise BuildError(f"{path}: expected a mapping of fields; run 'booklet check'")
    previous = data.get("last_verified")
    removed = tuple(str(note) for note in data.get("unconfirmed") or ())
    if "unconfirmed" in data:
        del data["unconfirmed"]
    data["last_verified"] = on
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    new = buffer.getvalue()
    _only_those_fields_changed(path, text, new)
    write_atomic(path, new.encode("utf-8"))
    return Confirmed(path, previous.isoformat() if isinstance(previous, date) else str(previous or ""), removed)


def _only_those_fields_changed(path: Path, old: str, new: str) -> None:
    """Refuse to write when the round trip would change a line other than last_verified or the
    removed unconfirmed: block (a YAML style ruamel.yaml does not keep)."""
    removable, inside = set(), False  # the lines of the top-level unconfirmed: block
    for line in old.splitlines():
        if line and not line[0].isspace():
            inside = line.startswith("unconfirmed:")
        if inside:
            removable.add(line)
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        body = line[1:]
        if body.startswith("last_verified:") or (line.startswith("-") and body in removable):
            continue
        raise BuildError(f"{path}: writing the date would also change the line {body.strip()!r}; "
                         "set last_verified: by hand in this file")

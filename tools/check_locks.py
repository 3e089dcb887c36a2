#!/usr/bin/env python3
"""Every lock and constraints file installs on any machine: each requirement is ``name==version``
from the package index with its ``--hash`` lines, and nothing else.

A lock once named a wheel in a temporary folder of the machine that wrote it
(``page-validation @ file:///tmp/pv/...whl``): CI passed there, where the file was, and nobody
else could install. This check refuses such a line, and every other way a lock can depend on
one machine or one network place: a direct reference (``name @ url``), a path, a URL, an
editable install, an included file, an index, a find-links folder, a requirement without a
hash or with a version that is not exact. Given both locks, it also requires the test lock to
pin every runtime package at the runtime lock's version, so the tests check what a build uses.

Standard library only: ``.ci/run`` runs it with the machine's python3 before installing
anything, ``make lock`` before it writes a lock, and ``tests/test_locks.py`` on every lock.

    python3 tools/check_locks.py                 # every lock and constraints file in the project
    python3 tools/check_locks.py a.lock b.lock   # these files (the first is the runtime lock)

Exit status 1 with one ``file:line: problem`` per line when a file fails, 0 otherwise.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = "requirements.lock"
"""What `make build` installs: the packages that make the PDFs and web pages."""
TEST_LOCK = "requirements-test.lock"
"""What `make test` installs: the runtime lock's packages at the same versions, and the test tools."""
LOCK_PATTERNS = ("*.lock", "requirements*.txt", "*constraints*.txt")
"""The files pip may be given with -r or -c; every one found in the project is checked."""
SKIP_DIRS = {".git", ".venv", "venv", "output", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PIN = re.compile(rf"^(?P<name>{_NAME})(?:\[[A-Za-z0-9._,\s-]*\])?==(?P<version>[A-Za-z0-9.+!_-]+)(?:\s*;\s*(?P<marker>.+))?$")
_HASH = re.compile(r"^--hash=(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$")
EXPECTED = "expected name==version with --hash lines, from the package index"


@dataclass(frozen=True)
class Pin:
    """One requirement of a lock: where it is written, its normalised name and exact version."""

    path: str
    line: int
    name: str
    version: str


def normalise(name: str) -> str:
    """PEP 503: 'Ruamel.YAML' and 'ruamel-yaml' are the same project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(text: str) -> list[tuple[int, str]]:
    """pip's reading of a requirements file: comments removed, backslash continuations joined;
    each logical line with the number of the line it starts on."""
    out: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s+)#.*$", "", raw)
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        joined = " ".join(p.strip() for p in parts).strip()
        parts = []
        if joined:
            out.append((start, joined))
    if parts and " ".join(parts).strip():
        out.append((start, " ".join(p.strip() for p in parts).strip()))
    return out


def _why_not_a_pin(spec: str) -> str:
    """What is wrong with a requirement that is not name==version, in the words of the problem."""
    if spec.startswith(("-e", "--editable")):
        return "an editable install"
    if spec.startswith(("-r", "--requirement", "-c", "--constraint")):
        return "includes another file"
    if spec.startswith(("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-index")):
        return "names a package source; the lock takes packages from the default index only"
    if spec.startswith("-"):
        return f"an option ({spec.split()[0].split('=')[0]}) where a requirement should be"
    if "file:" in spec:
        return "a local file"
    if "://" in spec or re.search(r"\s@\s|^\S+@\S", spec):
        return "a direct reference to a URL"
    if spec.startswith((".", "/", "~")) or "/" in spec.split(";")[0] or "\\" in spec:
        return "a path"
    if "===" in spec:
        return "an arbitrary-equality pin (===)"
    if "==" in spec and "*" in spec:
        return "a version with a wildcard, not an exact version"
    if "==" not in spec:
        return "no exact version"
    return "not a requirement pip reads as name==version"


def check_text(text: str, path: str) -> tuple[list[str], list[Pin]]:
    """The problems of one lock file's text, each as 'path:line: problem', and its pins."""
    problems: list[str] = []
    pins: list[Pin] = []
    seen: dict[str, int] = {}
    for line, logical in logical_lines(text):
        tokens = logical.split()
        spec_tokens = []
        for token in tokens:
            if token.startswith("--hash"):
                break
            spec_tokens.append(token)
        spec = " ".join(spec_tokens)
        options = tokens[len(spec_tokens):]
        shown = spec or logical
        match = _PIN.match(spec)
        if not match:
            problems.append(f"{path}:{line}: {shown}: {_why_not_a_pin(spec)}; {EXPECTED}")
            continue
        bad = [o for o in options if not _HASH.match(o)]
        if bad:
            problems.append(f"{path}:{line}: {match['name']}: '{bad[0]}' is not a sha256 hash; {EXPECTED}")
            continue
        if not options:
            problems.append(f"{path}:{line}: {match['name']}=={match['version']}: no --hash; {EXPECTED}")
            continue
        name = normalise(match["name"])
        if name in seen and not match["marker"]:
            problems.append(f"{path}:{line}: {match['name']}: pinned twice (first on line {seen[name]})")
            continue
        seen.setdefault(name, line)
        pins.append(Pin(path, line, name, match["version"]))
    return problems, pins


def check_agreement(runtime: list[Pin], test: list[Pin]) -> list[str]:
    """The test lock pins every package of the runtime lock, at the same version."""
    by_name = {p.name: p for p in test}
    problems = []
    for pin in runtime:
        other = by_name.get(pin.name)
        if other is None:
            problems.append(f"{test[0].path if test else TEST_LOCK}:1: {pin.name} is missing; the runtime lock "
                            f"pins it ({pin.path}:{pin.line}: {pin.version}), and the tests must check what a build uses")
        elif other.version != pin.version:
            problems.append(f"{other.path}:{other.line}: {pin.name}=={other.version}, but {pin.path}:{pin.line} pins "
                            f"{pin.version}; the tests must check what a build uses")
    return problems


def lock_files(root: Path = ROOT) -> list[Path]:
    """Every lock and constraints file in the project, in a stable order."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if any(fnmatch.fnmatch(name, pattern) for pattern in LOCK_PATTERNS):
                found.append(Path(folder) / name)
    return found


def check_files(paths: list[Path], root: Path = ROOT) -> list[str]:
    """Every problem of these files; the runtime and test locks, when both are among them, are
    also checked against each other."""
    return _check(paths, root)[0]


def _check(paths: list[Path], root: Path) -> tuple[list[str], int]:
    """The problems of these files, and how many pins they hold."""
    problems: list[str] = []
    pins: dict[str, list[Pin]] = {}
    for path in paths:
        shown = os.path.relpath(path, root) if path.is_absolute() and path.is_relative_to(root) else str(path)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"{shown}:1: cannot be read ({e})")
            continue
        found, file_pins = check_text(text, shown)
        problems += found
        pins[path.name] = file_pins
    if RUNTIME_LOCK in pins and TEST_LOCK in pins:
        problems += check_agreement(pins[RUNTIME_LOCK], pins[TEST_LOCK])
    return problems, sum(len(p) for p in pins.values())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a).resolve() for a in args] if args else lock_files()
    if not paths:
        print("check_locks: no lock file found", file=sys.stderr)
        return 1
    missing = [p for p in (ROOT / RUNTIME_LOCK, ROOT / TEST_LOCK) if not args and not p.exists()]
    found, count = _check(paths, ROOT)
    problems = [f"{p.name}:1: missing; `make lock` writes it" for p in missing] + found
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_locks: {len(problems)} problem{'s' if len(problems) != 1 else ''}: a lock must install on any "
              "machine from the package index alone", file=sys.stderr)
        return 1
    print(f"check_locks: {len(paths)} file{'s' if len(paths) != 1 else ''}, {count} pins by name, version and hash")
    return 0


if __name__ == "__main__":
    sys.exit(main())

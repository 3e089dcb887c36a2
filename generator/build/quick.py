"""Fingerprints of a build's inputs, and the no-change fast path, with the standard library only.

`booklet build` with nothing changed must answer in well under half a second, and importing
the validator and the renderer (pydantic, babel, phonenumbers, qrcode, Pillow, Jinja2) takes
longer than that on its own. So the command first hashes what any PDF is made from (the
content, this package, the project's layouts, the library versions, SOURCE_DATE_EPOCH, the print shop's
profile) and compares it with what the last successful build of the same request recorded in
``<out>/.booklet-requests.json``. When both match and every PDF it wrote is still there, byte for
byte, it repeats that build's notices (services on hold, warning counts) and stops.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from generator import __version__
from generator.base.files import write_atomic

REQUESTS = ".booklet-requests.json"


def _hash_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


NOT_IN_PDFS = ("cli/", "serve.py", "tools/", "outputs/", "base/notes.py", "base/workers.py", "build/report.py")
"""The package's code that cannot change a PDF's bytes (paths under generator/; a folder ends
with "/"): the command line, the preview server, the editor's tools (the link checker, the
review sheet, confirming a check) and the other outputs (the web pages, the HSDS export). A
change there renders no PDF (each PDF's fingerprint leaves it out); the web pages, made by
every build, are written again. Everything else (content, translations, the view model, the
HTML, paper, the build's run) may, and a change to it renders every PDF again. A new module is
counted as able to change a PDF until it is named here."""


def code_fingerprint(layouts: Path, *, pdfs_only: bool = False) -> str:
    """Everything besides the content that shapes the output: this package, the project's
    layouts (templates, CSS, fonts, phrase catalogues) and the versions of the libraries that
    render and assemble. ``pdfs_only``: what shapes a PDF, without the code of NOT_IN_PDFS (each
    PDF's own fingerprint). The layouts are hashed on each call (a few milliseconds): `booklet
    serve` builds again in the same process after a layout is edited."""
    digest = hashlib.sha256(_package_fingerprint(pdfs_only).encode())
    digest.update(_hash_files(layouts.rglob("*"), layouts).encode())
    return digest.hexdigest()


def _in_pdfs(rel: str) -> bool:
    return not any(rel == blind or (blind.endswith("/") and rel.startswith(blind)) for blind in NOT_IN_PDFS)


@cache
def _package_fingerprint(pdfs_only: bool = False) -> str:
    """This package's code (``pdfs_only``: what can change a PDF) and the library versions:
    fixed for the life of a process."""
    package = Path(__file__).resolve().parent.parent  # generator/
    files = [p for p in package.rglob("*.py") if not pdfs_only or _in_pdfs(p.relative_to(package).as_posix())]
    digest = hashlib.sha256(_hash_files(files, package).encode())
    versions = " ".join(f"{name} {version}" for name, version in library_versions().items())
    digest.update(f"{__version__} {versions}".encode())
    return digest.hexdigest()


RENDERING_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "qrcode", "pillow", "babel", "jinja2", "markdown-it-py", "phonenumbers")
"""The libraries whose version can change a PDF's bytes (pinned in requirements.lock)."""


@cache
def library_versions() -> dict[str, str]:
    """The installed versions of RENDERING_LIBRARIES: part of every fingerprint, and recorded in
    the manifest, so a PDF's record says which locked versions made it."""
    versions = {}
    for name in RENDERING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def content_digests(root: Path) -> dict[str, str]:
    """Each content file (path in the project: its SHA-256): what a build is made from, file by
    file, so that a build that renders nothing can say which files changed since the last one."""
    found = {}
    for path in sorted((root / "content").rglob("*")):
        if path.is_file():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def inputs_fingerprint(root: Path, layouts: Path, cmyk_profile: Path | None, site_url: str | None = None,
                       content: dict[str, str] | None = None) -> str:
    """Every input at once: the code and the project's layouts, the content (``content``: its
    digests, when already read), the reproducible-build date, the profile and a site address given
    on the command line."""
    digest = hashlib.sha256(code_fingerprint(layouts).encode())
    digest.update((site_url or "").encode() + b"\0")
    for rel, sha in (content if content is not None else content_digests(root)).items():
        digest.update(f"{rel}\0{sha}\0".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    if cmyk_profile is not None and cmyk_profile.is_file():
        digest.update(cmyk_profile.read_bytes())
    return digest.hexdigest()


def _read(out: Path) -> dict:
    try:
        data = json.loads((out / REQUESTS).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def unchanged(out: Path, key: str, inputs: str) -> dict | None:
    """The record of the last build of this request (its notices, the files it was asked for,
    how to print them), if nothing it used or made has changed."""
    record = _read(out).get(key)
    if not isinstance(record, dict) or record.get("inputs") != inputs:
        return None
    for relpath, sha256 in record.get("outputs", {}).items():
        try:
            if hashlib.sha256((out / relpath).read_bytes()).hexdigest() != sha256:
                return None
        except OSError:
            return None
    if not all(isinstance(record.get(name, []), list) for name in ("notices", "advice")):
        return None
    return record


def asked(record: dict) -> list[str]:
    """The PDFs a recorded build was asked for (its outputs but the web pages and the manifest)."""
    return [path for path in record.get("outputs", {}) if path.endswith(".pdf") and not path.startswith("site/")]


def nothing_changed(paths: list[str], many: int = 4) -> list[str]:
    """What a build says of the files it was asked for and did not render, nothing having
    changed: one line per file, or one for them all when there are more than ``many``."""
    if len(paths) > many:
        return [f"nothing changed since the last build of {paths[0]} and of {len(paths) - 1} more files"]
    return [f"nothing changed since the last build of {path}" for path in paths]


def last_content(out: Path) -> dict[str, dict[str, str]]:
    """Per PDF, the content (content_digests) of the last build that wrote or confirmed it."""
    found: dict[str, dict[str, str]] = {}
    for record in _read(out).values():  # oldest first: a later build of the same file replaces
        if isinstance(record, dict) and isinstance(record.get("content"), dict):
            for path in asked(record):
                found[path] = record["content"]
    return found


def remember(out: Path, key: str, inputs: str, outputs: dict[str, str], notices: list[str],
             content: dict[str, str] | None = None, advice: list[str] | None = None) -> None:
    """Record a successful build of this request (called with the output folder locked): what
    it made, what it repeats, the content it was made from and how to print what it was asked
    for. The latest record comes last."""
    data = _read(out)
    data.pop(key, None)
    data[key] = {"inputs": inputs, "outputs": dict(sorted(outputs.items())), "notices": notices,
                 "content": content or {}, "advice": advice or []}
    write_atomic(out / REQUESTS, json.dumps(data, indent=1).encode("utf-8"))

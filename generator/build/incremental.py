"""What is already built: the manifest, an edition up to date, the lock on the output folder,
what changed since a git revision, and why a build rendered nothing asked for."""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from generator import __version__
from generator.base.edition import Edition
from generator.base.errors import BuildError
from generator.base.files import write_atomic
from generator.base.formats import FORMATS
from generator.base.request import DEFAULT_CMYK_PROFILE
from generator.build.checks import load_checked
from generator.build.plan import edition_fingerprint, made_from, prepare
from generator.build.quick import library_versions, nothing_changed
from generator.build.report import MANY
from generator.content.catalogue import Catalogue
from generator.i18n.translator import ContentTranslator, content_translator
from generator.render.selection import appearances, printed_ids


def _up_to_date(out: Path, entry: dict | None, key: str, value: str) -> bool:
    if not entry or entry.get(key) != value:
        return False
    path = out / entry["path"]
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    except OSError:
        return False


def read_manifest(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / "manifest.json").read_text("utf-8"))
        return {entry["path"]: entry for entry in data.get("documents", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out: Path, entries: dict[str, dict]) -> None:
    documents = [entries[k] for k in sorted(entries)]
    payload = {"generator": f"booklet {__version__}", "libraries": library_versions(), "documents": documents}
    write_atomic(out / "manifest.json", (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def changed_since_filter(root: Path, ref: str, layouts: Path, code: str) -> Callable[[Edition, str], bool]:
    """Which editions differ from what the content at git revision ``ref`` would give.

    The content of ``ref`` is checked out into a temporary folder and each edition's HTML is
    made from it with today's code: an edition is built when its fingerprint differs (or it is
    new). When the code or layouts changed since ``ref``, everything is built.
    """
    try:
        changed = subprocess.run(["git", "-C", str(root), "diff", "--name-only", ref, "--", "generator", "layouts"],
                                 capture_output=True, text=True, check=True).stdout.split()
        archive = subprocess.run(["git", "-C", str(root), "archive", ref, "content"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        detail = detail.decode() if isinstance(detail, bytes) else detail
        raise BuildError(f"--changed-since {ref}: git could not read that revision ({detail.strip() or exc})") from None
    if changed:
        return lambda edition, fingerprint: True
    old_root = Path(tempfile.mkdtemp(prefix="booklet-ref-"))
    atexit.register(shutil.rmtree, old_root, True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old_root, filter="data")
    old = load_checked(old_root)
    if old.errors:  # the old content did not build: everything is new
        return lambda edition, fingerprint: True
    before: dict[str, str] = {}
    translators: dict[str, ContentTranslator] = {}

    def differs(edition: Edition, fingerprint: str) -> bool:
        key = edition.relpath
        if key not in before:
            try:
                tr = translators.setdefault(edition.lang, content_translator(old_root, edition.lang))
                view, html, kind = prepare(old, edition.source, tr, layouts)
                profile = DEFAULT_CMYK_PROFILE if edition.print_shop and DEFAULT_CMYK_PROFILE.is_file() else None
                before[key] = edition_fingerprint(edition, made_from(view, edition.source, kind, layouts, html), profile, code)
            except (KeyError, BuildError):  # the audience, situation or centre is new
                before[key] = ""
        return before[key] != fingerprint

    return differs


class OutputLock:
    """One build at a time per output folder: a second one stops with a clear message instead
    of interleaving its writes. The lock dies with the process, even on kill -9."""

    def __init__(self, out: Path):
        self.path = out / ".booklet.lock"
        self.file: IO[str] | None = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise BuildError(f"another build is writing to {self.path.parent} ({holder}); wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC")
        handle.flush()
        self.file = handle
        for stale in self.path.parent.rglob(".*.tmp"):  # left by a build that was killed mid-write
            stale.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


def unchanged_reasons(cat: Catalogue, asked: list[Edition], before: dict[str, dict[str, str]], now: dict[str, str]) -> list[str]:
    """Why a build rendered none of the files asked for: one line per file (per reason when
    there are many files), from the content files changed since the last build that made it
    (``before``: quick.last_content; ``now``: quick.content_digests)."""
    said: dict[str, list[str]] = {}
    unchanged: list[str] = []
    for edition in asked:
        path = edition.relpath
        if path not in before:
            said.setdefault("up to date: what it shows has not changed since it was built", []).append(path)
            continue
        changed = sorted(rel for rel in set(before[path]) | set(now) if before[path].get(rel) != now.get(rel))
        if not changed:
            unchanged.append(path)
            continue
        reasons = [_why_not_shown(cat, edition, rel) for rel in changed[:3]]
        more = len(changed) - 3
        said.setdefault("; ".join(reasons) + (f"; and {more} other changed file{'s' if more != 1 else ''}" if more > 0 else ""),
                        []).append(path)
    lines = nothing_changed(unchanged, MANY)
    for reason, paths in said.items():
        if len(paths) > MANY:
            lines.append(f"{paths[0]} and {len(paths) - 1} more: {reason}")
        else:
            lines.extend(f"{path}: {reason}" for path in paths)
    return lines


def _why_not_shown(cat: Catalogue, edition: Edition, rel: str) -> str:
    """Why a changed content file did not change what one edition prints, in a few words."""
    parts = Path(rel).parts  # ('content', 'services', 'unia.yaml')
    kind, ident = (parts[1], Path(parts[2]).stem) if len(parts) == 3 else ("", Path(rel).stem)
    aid, fmt = edition.audience, edition.format
    here = "what it prints"
    if kind == "services":
        if ident not in cat.services:
            return f"{ident} was removed, and {edition.relpath} did not show it"
        if cat.services[ident].hold is not None:
            return f"{ident} is on hold: left out of every booklet until its hold: is cleared"
        shown = printed_ids(cat, edition)
        if ident in shown or ident in cat.booklet.talk and FORMATS[fmt].source in ("booklet", "leaflet"):
            return f"what changed in {ident} is not in {here} (a review note, a source, a comment?)"
        where = appearances(cat, ident)
        if aid in where:
            kind_name = FORMATS[fmt].source
            return (f"{ident} is in {aid} ({', '.join(where[aid])}), not on its {kind_name} (it shows "
                    f"{', '.join(shown) or 'no service'}{_chosen_by(cat, aid, kind_name)})")
        if where:
            return f"{ident} is not in {aid}; it appears in {', '.join(where)}"
        return f"{ident} is not in {aid}, nor in any audience (it is in no situation of an audience: 'booklet check' says so)"
    if kind == "situations":
        audience = cat.audiences[aid]
        if any(ref.situation == ident for ref in audience.situations):
            return f"what changed in the situation {ident} is not in {here}"
        holders = [a for a in sorted(cat.audiences) if any(ref.situation == ident for ref in cat.audiences[a].situations)]
        return f"the situation {ident} is not in {aid}" + (f"; it is in {', '.join(holders)}" if holders else "")
    if kind == "audiences":
        return f"{ident} is another audience" if ident != aid else f"what changed in {rel} is not in {here}"
    if kind == "translations":
        return f"{rel} holds the {ident} translations; this file is in {edition.lang}" if ident != edition.lang else \
            f"what changed in the {ident} translations is not in {here}"
    if kind == "centres" and ident != edition.centre:
        return f"{ident} is a centre's own set ('booklet build --centre {ident}'); this file is not"
    return f"what changed in {rel} is not in {here}"


def _chosen_by(cat: Catalogue, aid: str, kind_name: str) -> str:
    """How a short piece chose its services, and where to choose them."""
    selection = FORMATS[kind_name].selection
    if selection and getattr(cat.audiences[aid], selection) is not None:
        return f": the {selection}: list of content/audiences/{aid}.yaml"
    default = {"poster": "the lead: services first, then list order, three with a number to call",
               "card": "the lead: services with a number to call"}.get(kind_name, "every service of its situations")
    return f": {default}; to choose, list them under {selection}: in content/audiences/{aid}.yaml"

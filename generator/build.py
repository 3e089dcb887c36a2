"""The orchestrator: check the content, then build each edition in memory and write it in one step."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .errors import BuildError, ContentError
from .i18n import ContentTranslator, content_translator
from .pdf import html_to_pdf
from .render import LAYOUTS, render_booklet
from .validate import Catalogue, load_catalogue
from .view import Edition, Words, booklet_view

FORMATS = ("booklet",)


@dataclass
class Built:
    """One PDF as recorded in output/manifest.json."""

    path: str
    audience: str
    lang: str
    format: str
    pages: int
    sha256: str
    bytes: int
    qr_urls: list[str]


def check(root: Path) -> Catalogue:
    """Load and validate; raise ContentError with every error when there is any."""
    cat = load_catalogue(root)
    if cat.errors:
        raise ContentError(cat.problems)
    return cat


def editions(cat: Catalogue, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None) -> list[Edition]:
    chosen = list(audiences) if audiences else sorted(cat.audiences)
    unknown = [a for a in chosen if a not in cat.audiences]
    if unknown:
        raise BuildError(f"no audience {', '.join(repr(a) for a in unknown)}; expected one of: {', '.join(sorted(cat.audiences))}")
    enabled = cat.booklet.languages
    lang_list = list(langs) if langs else list(enabled)
    bad = [lang for lang in lang_list if lang not in enabled]
    if bad:
        raise BuildError(f"language {', '.join(repr(b) for b in bad)} is not enabled; expected one of: {', '.join(enabled)} "
                         "(the languages: list of content/booklet.yaml)")
    return [Edition(a, lang, fmt) for a in chosen for lang in lang_list for fmt in FORMATS]


def render_edition(cat: Catalogue, edition: Edition, layouts: Path = LAYOUTS,
                   tr: ContentTranslator | None = None) -> tuple[bytes, int, dict]:
    """One edition, entirely in memory: the PDF bytes, its page count and the view it showed."""
    tr = tr or content_translator(cat.root, edition.lang)
    view = booklet_view(cat, edition, Words(edition.lang), tr)
    html = render_booklet(view, generator=f"booklet {__version__} (WeasyPrint)", keywords=edition.audience, layouts=layouts)
    pdf, pages = html_to_pdf(html, layouts=layouts, pdf_identifier=hashlib.md5(edition.relpath.encode()).digest(),
                             rtl=view["dir"] == "rtl")
    return pdf, pages, view


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_manifest(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / "manifest.json").read_text("utf-8"))
        return {entry["path"]: entry for entry in data.get("documents", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out: Path, entries: dict[str, dict]) -> None:
    documents = [entries[k] for k in sorted(entries)]
    payload = {"generator": f"booklet {__version__}", "documents": documents}
    write_atomic(out / "manifest.json", (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def translation_problems(cat: Catalogue, langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per language, the content fields that would fall back to English, and why."""
    from .i18n import content_fields

    fields = content_fields(cat)
    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        if lang == "en":
            continue
        tr = content_translator(cat.root, lang)
        for f in fields:
            tr(f.context, f.text)
        if tr.fallbacks:
            out[lang] = dict(sorted(tr.fallbacks.items()))
    return out


def build(
    root: Path,
    out: Path,
    audiences: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    progress: Callable[[Edition, Built], None] | None = None,
    on_start: Callable[[list[Edition]], None] | None = None,
    strict: bool = False,
) -> tuple[Catalogue, list[Built]]:
    """Check everything first; write nothing if the content has errors (or, with ``strict``,
    warnings, stale or missing translations)."""
    cat = check(root)
    todo = editions(cat, audiences, langs)
    if strict:
        if cat.warnings:
            raise ContentError([dataclasses.replace(p, severity="error") for p in cat.warnings])
        problems = translation_problems(cat, sorted({e.lang for e in todo}))
        if problems:
            lines = [f"{lang}: {context}: {why} translation" for lang, fields in problems.items() for context, why in fields.items()]
            raise BuildError("translations are not complete (--strict):\n" + "\n".join(lines))
    if on_start:
        on_start(todo)
    manifest = read_manifest(out)
    done: list[Built] = []
    translators = {lang: content_translator(root, lang) for lang in sorted({e.lang for e in todo})}
    for edition in todo:
        pdf, pages, view = render_edition(cat, edition, tr=translators[edition.lang])
        write_atomic(out / edition.relpath, pdf)
        built = Built(edition.relpath, edition.audience, edition.lang, edition.format, pages,
                      hashlib.sha256(pdf).hexdigest(), len(pdf), view["qr_urls"])
        manifest[built.path] = asdict(built)
        write_manifest(out, manifest)
        done.append(built)
        if progress:
            progress(edition, built)
    return cat, done

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

from . import __version__, fit
from .errors import BuildError, ContentError
from .i18n import ContentTranslator, content_translator
from .impose import impose, impose_cards, impose_leaflet
from .pdf import DEFAULT_CMYK_PROFILE, html_to_pdf
from .render import LAYOUTS, render_booklet
from .validate import Catalogue, load_catalogue
from .view import Edition, Words, booklet_view

FORMATS = ("booklet", "booklet-imposed", "leaflet", "poster", "card")


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
    region: str | None = None
    discreet: bool = False
    centre: str | None = None
    print_shop: bool = False


def check(root: Path) -> Catalogue:
    """Load and validate; raise ContentError with every error when there is any."""
    cat = load_catalogue(root)
    if cat.errors:
        raise ContentError(cat.problems)
    return cat


def editions(cat: Catalogue, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
             formats: Iterable[str] | None = None, region: str | None = None, discreet: bool = False,
             centre: str | None = None, print_shop: bool = False) -> list[Edition]:
    """The documents to build, in a stable order (each booklet before its imposed sheets)."""
    if centre is not None:
        if centre not in cat.centres:
            known = ", ".join(sorted(cat.centres)) or "none yet (content/centres/ is empty)"
            raise BuildError(f"no centre '{centre}'; expected one of: {known}")
        c = cat.centres[centre]
        audiences = audiences or c.audiences
        langs = langs or c.languages
        region = c.region
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
    format_list = list(formats) if formats else (["booklet", "poster"] if print_shop else list(FORMATS))
    if print_shop and sorted(format_list) == ["booklet", "poster"]:
        format_list = ["booklet"]
    if print_shop and format_list not in (["booklet"], ["poster"]):
        raise BuildError("--print-shop makes A5 booklet pages with bleed for the shop to impose; expected --format booklet")
    bad = [f for f in format_list if f not in FORMATS]
    if bad:
        raise BuildError(f"format {', '.join(repr(b) for b in bad)} is not known; expected one of: {', '.join(FORMATS)}")
    format_list.sort(key=FORMATS.index)
    if "card" in format_list and cat.booklet.full_list_url is None:
        if formats and "card" in formats:
            raise BuildError("a wallet card's QR code leads to the full list: set full_list_url: in content/booklet.yaml "
                             "to the page where the list is published")
        format_list.remove("card")  # not configured: the other formats are built
    return [Edition(a, lang, fmt, region, discreet, centre, print_shop) for a in chosen for lang in lang_list for fmt in format_list]


def render_source(cat: Catalogue, edition: Edition, layouts: Path = LAYOUTS,
                  tr: ContentTranslator | None = None, cmyk_profile: Path | None = None) -> tuple[bytes, int, dict]:
    """Render the document an edition is made from: PDF bytes, page count, view."""
    tr = tr or content_translator(cat.root, edition.lang)
    source = edition.source
    view = booklet_view(cat, source, Words(edition.lang), tr)
    kind = "booklet" if source.format == "booklet" else source.format
    html = render_booklet(view, generator=f"booklet {__version__} (WeasyPrint)",
                          keywords="" if edition.discreet else edition.audience, layouts=layouts, kind=kind)
    what = f"{source.relpath}"
    check = {
        "leaflet": lambda doc: fit.check_leaflet(doc, what),
        "poster": lambda doc: fit.check_single_page(doc, what, "poster"),
        "card": lambda doc: fit.check_single_page(doc, what, "card"),
    }.get(kind)
    if edition.print_shop:
        cmyk_profile = cmyk_profile or DEFAULT_CMYK_PROFILE
        if not cmyk_profile.is_file():
            raise BuildError(f"no CMYK colour profile at {cmyk_profile}: pass the print shop's profile with --cmyk-profile FILE.icc, "
                             "or install Debian's libgs-common for a generic one")
    pdf, pages = html_to_pdf(html, layouts=layouts, pdf_identifier=hashlib.md5(source.relpath.encode()).digest(),
                             rtl=view["dir"] == "rtl", cmyk_profile=cmyk_profile if edition.print_shop else None, check=check)
    return pdf, pages, view


def finish(edition: Edition, source: tuple[bytes, int, dict]) -> tuple[bytes, int]:
    """Turn the rendered source into the edition's format (imposition for booklet-imposed)."""
    pdf, pages, view = source
    if edition.format == "booklet-imposed":
        return impose(pdf, rtl=view["dir"] == "rtl"), -(-pages // 4) * 2
    if edition.format == "leaflet":
        return impose_leaflet(pdf, rtl=view["dir"] == "rtl"), 2
    if edition.format == "card":
        return impose_cards(pdf), 1
    return pdf, pages


def render_edition(cat: Catalogue, edition: Edition, layouts: Path = LAYOUTS,
                   tr: ContentTranslator | None = None) -> tuple[bytes, int, dict]:
    """One edition, entirely in memory: the PDF bytes, its page count and the view it showed."""
    source = render_source(cat, edition, layouts, tr)
    pdf, pages = finish(edition, source)
    return pdf, pages, source[2]


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
    formats: Iterable[str] | None = None,
    region: str | None = None,
    discreet: bool = False,
    centre: str | None = None,
    print_shop: bool = False,
    cmyk_profile: Path | None = None,
) -> tuple[Catalogue, list[Built]]:
    """Check everything first; write nothing if the content has errors (or, with ``strict``,
    warnings, stale or missing translations)."""
    cat = check(root)
    todo = editions(cat, audiences, langs, formats, region, discreet, centre, print_shop)
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
    last: tuple[Edition, tuple[bytes, int, dict]] | None = None  # a booklet and its imposition share one rendering
    for edition in todo:
        if last is None or last[0] != edition.source:
            last = (edition.source, render_source(cat, edition, tr=translators[edition.lang], cmyk_profile=cmyk_profile))
        pdf, pages = finish(edition, last[1])
        view = last[1][2]
        write_atomic(out / edition.relpath, pdf)
        built = Built(edition.relpath, edition.audience, edition.lang, edition.format, pages,
                      hashlib.sha256(pdf).hexdigest(), len(pdf), view["qr_urls"],
                      edition.region, edition.discreet, edition.centre, edition.print_shop)
        manifest[built.path] = asdict(built)
        write_manifest(out, manifest)
        done.append(built)
        if progress:
            progress(edition, built)
    return cat, done

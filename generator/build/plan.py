"""What a build makes and from what: the editions asked for, each source edition's view, HTML
in every arrangement and fingerprint, and the job a worker renders (cheap: the main process)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator import __version__
from generator.base.edition import Edition
from generator.base.errors import BuildError
from generator.base.formats import FORMATS, PRINT_SHOP
from generator.base.request import DEFAULT_CMYK_PROFILE, EVERYTHING, BuildRequest
from generator.content.catalogue import Catalogue
from generator.i18n.translator import ContentTranslator, content_translator
from generator.paper import design
from generator.render.html import render_back_cover, render_booklet
from generator.render.view import booklet_view
from generator.render.viewmodel import BookletView
from generator.render.words import Words


class Cancelled(Exception):
    """The build was stopped before its end (``cancel`` was set): what it wrote is whole, the
    rest was not made (`booklet serve` builds again at once)."""


CANCEL_POLL = 0.05
"""Seconds between two looks at ``cancel`` while the workers render."""


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
    fingerprint: str = ""
    """Of everything this PDF was made from: a build skips it while that is unchanged."""
    inputs: str = ""
    """Of all inputs of the build that wrote or confirmed it (the quick no-change check)."""
    design: list[str] = dataclasses.field(default_factory=list)
    """What the design checks found on its pages (generator/paper/design.py): layout warnings."""
    arrangement: dict = dataclasses.field(default_factory=dict)
    """Which of its format's arrangements (formats.py: variants) was printed: {} when it has one."""
    site_page: str = ""
    """Its web page under output/site/ (a neutral code: this is where the code is named), and"""
    site_pdf: str = ""
    """its copy there to download ("" for a print shop's file, which the pages do not offer)."""


def editions(cat: Catalogue, request: BuildRequest = EVERYTHING) -> list[Edition]:
    """The documents a request asks for, in a stable order (each booklet before its imposed sheets)."""
    audiences, langs, region = request.audiences, request.langs, request.region
    if request.centre is not None:
        if request.centre not in cat.centres:
            known = ", ".join(sorted(cat.centres)) or "none yet (content/centres/ is empty)"
            raise BuildError(f"no centre '{request.centre}'; expected one of: {known}")
        c = cat.centres[request.centre]
        audiences = audiences or tuple(c.audiences)
        langs = langs or tuple(c.languages)
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
    format_list = list(request.formats) or list(PRINT_SHOP if request.print_shop else FORMATS)
    bad = [f for f in format_list if f not in FORMATS]
    if bad:
        raise BuildError(f"format {', '.join(repr(b) for b in bad)} is not known; expected one of: {', '.join(FORMATS)}")
    if request.print_shop and not set(format_list) <= set(PRINT_SHOP):
        refused = ", ".join(f for f in format_list if f not in PRINT_SHOP)
        raise BuildError(f"--print-shop makes A5 booklet pages and A3 posters with bleed for a print shop, not {refused}; "
                         "expected --format booklet, --format poster or both")
    order = list(FORMATS)
    format_list.sort(key=order.index)
    return [Edition(a, lang, fmt, region, request.discreet, request.centre, request.print_shop)
            for a in chosen for lang in lang_list for fmt in format_list]


def _profile(edition: Edition, cmyk_profile: Path | None) -> Path | None:
    if not edition.print_shop:
        return None
    profile = cmyk_profile or DEFAULT_CMYK_PROFILE
    if not profile.is_file():
        raise BuildError(f"no CMYK colour profile at {profile}: pass the print shop's profile with --cmyk-profile FILE.icc, "
                         "or install Debian's libgs-common for a generic one")
    return profile


@dataclass(frozen=True)
class Job:
    """One rendering, and the editions made from it: everything a worker process needs."""

    source: Edition
    editions: tuple[Edition, ...]
    html: str
    kind: str
    rtl: bool
    cmyk_profile: Path | None
    layouts: Path
    """The project's layouts (a worker process is told the folder: it has no other way to know it)."""
    expect: design.Expect = design.Expect()
    """What the document's text must say (its own format's name, the emergency numbers)."""
    alternatives: tuple[str, ...] = ()
    """Other HTML of the same content, tried in order when ``html`` does not fit its format or
    leaves a panel blank (a leaflet's roomier and more compact arrangements)."""
    view: BookletView | None = None
    """The view the HTML was made from, for a leaflet whose flap holds fewer of its situations
    than it has: the worker makes the HTML again with those that fit (fit.FlapOverflow)."""
    variants: tuple[dict, ...] = ({},)
    """The arrangement each HTML was made in (``html`` in the first, then ``alternatives``)."""
    places: tuple[int, ...] = ()
    """A centre's edition: where each place for the centre's contacts after the first starts
    among the arrangements (view.centre_arrangements); a place is tried only when the contacts
    fit in no arrangement of the places before it."""


def prepare(cat: Catalogue, source: Edition, tr: ContentTranslator, layouts: Path) -> tuple[BookletView, str, str]:
    """The view and the HTML of a source edition with the project's layouts: cheap, done in the main process."""
    view = booklet_view(cat, source, Words(source.lang, layouts), tr)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():  # reproducible-builds.org convention
        stamp = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=UTC)
        view["date"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    kind = FORMATS[source.format].source
    return view, _render(view, source, kind, layouts, arrangements(view, kind)[0]), kind


def arrangements(view: BookletView, kind: str) -> tuple[dict, ...]:
    """The arrangements to try, in order: the format's (formats.py: variants), or the document's
    own (a centre's booklet: its contacts on the cover, else after it)."""
    return view.get("arrangements") or FORMATS[kind].variants


def alternatives(view: BookletView, source: Edition, kind: str, layouts: Path) -> tuple[str, ...]:
    """The other arrangements, in the order to try them."""
    return tuple(_render(view, source, kind, layouts, variant) for variant in arrangements(view, kind)[1:])


def _render(view: BookletView, source: Edition, kind: str, layouts: Path, variant: dict) -> str:
    return render_booklet(view | variant, generator=f"booklet {__version__} (WeasyPrint)",
                          keywords="" if source.discreet else source.audience, layouts=layouts, kind=kind)


VIEW_IN_WORKER = ("leaflet", "booklet")
"""Formats whose worker needs the view: a leaflet lays its flap out again, a booklet adds its back cover."""


def job_for(cat: Catalogue, edition: Edition, layouts: Path, tr: ContentTranslator | None = None,
            cmyk_profile: Path | None = None, more: tuple[Edition, ...] = ()) -> tuple[Job, BookletView]:
    """The job that makes one edition (and ``more`` editions of the same source, as a build
    groups them), with every arrangement of its format, as a build makes it; and its view."""
    view, html, kind = prepare(cat, edition.source, tr or content_translator(cat.root, edition.lang), layouts)
    job = Job(edition.source, (edition, *more), html, kind, view["dir"] == "rtl", _profile(edition, cmyk_profile), layouts,
              design.Expect.of(view), alternatives(view, edition.source, kind, layouts), view if kind in VIEW_IN_WORKER else None,
              arrangements(view, kind), tuple(view.get("centre_places") or ()))
    return job, view


def made_from(view: BookletView, source: Edition, kind: str, layouts: Path, html: str,
              others: tuple[str, ...] | None = None) -> str:
    """All the HTML a source edition's PDF may be laid out from: the first arrangement, every
    other one the worker may choose instead (a leaflet that prints the short texts, a card
    without glosses) and a booklet's back cover (the lines to talk to are printed only there).
    A PDF whose content changed only in an arrangement not tried first is still rebuilt."""
    parts = [html, *(others if others is not None else alternatives(view, source, kind, layouts))]
    if any(variant.get("back_cover") for variant in arrangements(view, kind)):
        parts.append(render_back_cover(view, generator="", layouts=layouts, notes_pages=0))
    return "\0".join(parts)


def edition_fingerprint(edition: Edition, html: str, cmyk_profile: Path | None, code: str) -> str:
    """What one PDF is made from: its HTML (``made_from``: every arrangement's, which carries all
    the content it shows), its format and edition, the code and layouts (``code``:
    quick.code_fingerprint of the project's layouts without the code that cannot change a PDF, hashed once per build), and the print
    shop's profile."""
    digest = hashlib.sha256(code.encode())
    digest.update(repr(edition).encode() + b"\0" + html.encode())
    if cmyk_profile is not None:
        digest.update(cmyk_profile.read_bytes())
    return digest.hexdigest()


def shard(todo: list[Edition], spec: str | None) -> list[Edition]:
    """A stable share of the set for one of n CI runners: 'i/n' takes every n-th rendering from
    the i-th on (editions made from one rendering stay together)."""
    if not spec:
        return todo
    try:
        i, n = (int(x) for x in spec.split("/"))
        if not 1 <= i <= n:
            raise ValueError
    except ValueError:
        raise BuildError(f"--shard '{spec}' is not of the form i/n with 1 <= i <= n, such as 1/4") from None
    sources = sorted({e.source.relpath for e in todo})
    mine = set(sources[i - 1 :: n])
    return [e for e in todo if e.source.relpath in mine]

"""The orchestrator: check the content, then build each edition in memory and write it in one step."""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import gc
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from . import __version__, design, fields, fit
from .checks import load_checked
from .content.catalogue import Catalogue
from .edition import Edition
from .errors import BuildError, ContentError, existing_layouts
from .files import layouts_of, write_atomic
from .formats import FORMATS, PRINT_SHOP
from .i18n.translator import ContentTranslator, content_translator
from .paper.versions import check_installed
from .quick import code_fingerprint, content_digests, inputs_fingerprint, library_versions, nothing_changed, remember
from .render import render_back_cover, render_booklet
from .request import DEFAULT_CMYK_PROFILE, EVERYTHING, BuildRequest
from .selection import appearances, printed_ids
from .site import write_site
from .view import booklet_view
from .viewmodel import BookletView
from .words import Words, direction
from .workers import Workers

# WeasyPrint is imported where a PDF is made, not at start-up: `check`, `list` and a build with
# nothing to render never pay for loading it (and a build with nothing changed loads even less: quick.py).


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
    """What the design checks found on its pages (generator/design.py): layout warnings."""
    arrangement: dict = dataclasses.field(default_factory=dict)
    """Which of its format's arrangements (formats.py: variants) was printed: {} when it has one."""
    site_page: str = ""
    """Its web page under output/site/ (a neutral code: this is where the code is named), and"""
    site_pdf: str = ""
    """its copy there to download ("" for a print shop's file, which the pages do not offer)."""


def check(root: Path) -> Catalogue:
    """Load and validate the content and its translations (checks.load_checked); raise
    ContentError with every error when there is any."""
    cat = load_checked(root)
    if cat.errors:
        raise ContentError(cat.problems)
    return cat


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


SHEET_PAGES = 4
"""Pages of a folded sheet of the booklet (the imposed booklet and the print shop's)."""

VIEW_IN_WORKER = ("leaflet", "booklet")
"""Formats whose worker needs the view: a leaflet lays its flap out again, a booklet adds its back cover."""


class _Retrim(Exception):  # noqa: N818 - a signal between a job's checks and the job, never shown
    """The leaflet's flap holds only the first ``fits`` situations of what you can do."""

    def __init__(self, fits: int) -> None:
        super().__init__(fits)
        self.fits = fits


GC_YOUNG = 50_000
"""Allocations between two collections of the youngest generation while a job lays out (Python's
default: 700). WeasyPrint makes and drops hundreds of thousands of small objects per document;
at the default the cycle collector ran about 100 times per A5 booklet and took a tenth of its
time (bench/bench.py). Collecting less often changes no byte of any PDF."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector set to run less often, for the time of a job's layout."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def run_job(job: Job) -> list[tuple[Edition, bytes, int, list[str], dict]]:
    """Lay one source out once and write each of its editions: the pages as they are, or placed
    on sheets (imposition, folding, cards). Returns each edition's PDF, its number of pages, what
    the design checks found on the laid-out pages and which arrangement (formats.py) was printed.
    Runs in a worker process."""
    with fewer_collections():
        return _run_job(job)


def _run_job(job: Job) -> list[tuple[Edition, bytes, int, list[str], dict]]:
    from .impose import layout_for
    from .pdf import html_to_pdfs

    fmt = FORMATS[job.kind]
    outputs = [(hashlib.md5(edition.relpath.encode()).digest(), layout_for(edition.format, job.rtl)) for edition in job.editions]
    found: dict[int, list[design.Problem]] = {}  # what the design checks found on each laid-out arrangement
    failures: dict[int, BuildError | None] = {}  # per arrangement tried (its number): why it did not fit

    trimmed: list[int] = []  # how many situations the flap holds, once it was found to hold fewer than all

    def tail_from(start: int) -> Callable[[int, int], tuple[str, int] | None]:
        def tail(order: int, pages: int) -> tuple[str, int] | None:
            """A booklet's notes pages and back cover, laid out after its pages: as many notes pages
            as fill its last folded sheet, then the back cover (the pages they must take)."""
            if not job.variants[start + order].get("back_cover") or job.view is None:
                return None
            notes = -(pages + 1) % SHEET_PAGES
            return render_back_cover(job.view, generator=f"booklet {__version__} (WeasyPrint)", layouts=job.layouts,
                                     notes_pages=notes), notes + 1
        return tail

    tried: list[int] = []  # the number of each arrangement laid out, within the place tried (html_to_pdfs)

    def checks_from(start: int) -> Callable[[Any], int]:
        def checks(document: Any) -> int:
            """Raises BuildError when the content does not fit; counts the layout warnings that make
            another arrangement worth trying (their kinds: design.REARRANGE, such as a blank panel)."""
            number = start + tried[-1]
            failures[number] = None
            if fmt.fit is not None:
                try:
                    fit.check(fmt, document, job.source.relpath)
                except fit.FlapOverflow as exc:
                    if not trimmed and job.view is not None and all(failures[n] for n in failures if n != number):
                        raise _Retrim(exc.fits) from None  # no arrangement fitted yet: make every one again with what fits
                    failures[number] = exc
                    raise
                except BuildError as exc:
                    failures[number] = exc
                    if fmt.front and fit.front_overflow(exc):
                        fronts[front_of(number)] = exc  # as laid out in every arrangement that agrees on Format.front
                    raise
            # A back cover of its own when the last folded sheet has room for it; when the pages fill
            # whole sheets it would take a sheet more (3 notes pages and itself): the colophon ends the
            # last page instead, unless that too runs onto a sheet more (then the back cover is as short).
            back_cover = job.variants[number].get("back_cover")
            costly = len(document.pages) % SHEET_PAGES == 0 if back_cover else \
                back_cover is not None and len(document.pages) % SHEET_PAGES != 0
            # with a back cover, its own words (the colophon: "this booklet") are on it, laid out after these pages
            expect = dataclasses.replace(job.expect, own=()) if back_cover else job.expect  # as Expect.of
            found[id(document)] = design.check(document, job.kind, expect)
            warnings = sum(problem.kind in design.REARRANGE for problem in found[id(document)]) + costly
            short[number] = warnings == 1 and any(p.kind is design.Kind.MISSING_PANELS for p in found[id(document)])
            return warnings
        return checks

    fronts: dict[tuple, BuildError] = {}  # a front that does not fit, by what it depends on (Format.front): any pass
    short: dict[int, bool] = {}  # per arrangement that fits: its one warning is that it fills fewer pages than its panels

    def front_of(number: int) -> tuple:
        return tuple(job.variants[number].get(key) for key in fmt.front)

    def implied_from(start: int) -> Callable[[int, int | None], BuildError | bool]:
        def implied(order: int, best: int | None) -> BuildError | bool:
            """What an arrangement would give, when those laid out decide it: the error of a front
            laid out alike; or True: it takes no more room than the best so far, which leaves a
            panel blank, so it would leave one blank too."""
            number = start + order
            if fmt.front and (error := fronts.get(front_of(number))) is not None:
                failures[number] = error
                return error
            # The first arrangement with a blank panel rules out those that take no more room (they would
            # leave one blank too); a later one, when all it leaves blank is its last panels (its only
            # warning: one that takes no more room fills no more, and has that warning too).
            if best is not None and fmt.room is not None and (best == 0 or short.get(start + best)):
                most = fmt.room(job.variants[start + best])
                return all(this <= that for this, that in zip(fmt.room(job.variants[number]), most, strict=True))
            return False
        return implied

    chosen: list[Any] = []
    bounds = [0, *job.places, len(job.variants)]

    def lay_out(candidates: list[str]) -> list[tuple[bytes, int]]:
        """The first place for a centre's contacts (all arrangements when there is none) whose
        arrangements fit; the next place only when what did not fit was the contacts."""
        for start, end in zip(bounds, bounds[1:], strict=False):
            try:
                written = html_to_pdfs(candidates[start:end], outputs, layouts=job.layouts, rtl=job.rtl,
                                       cmyk_profile=job.cmyk_profile, check=checks_from(start), chosen=chosen,
                                       implied=implied_from(start), tail=tail_from(start), tried=tried)
            except BuildError:
                if end < len(candidates) and any(isinstance(failures.get(n), fit.CentreOverflow) for n in range(start, end)):
                    continue  # the contacts fit in no arrangement of this place: try the next
                raise
            chosen[0] += start
            return written
        raise AssertionError("unreachable: the last place raises")

    try:
        try:
            written = lay_out([job.html, *job.alternatives])
        except _Retrim as retrim:  # the flap holds only the first situations: the rest is in the booklet
            assert job.view is not None
            trimmed.append(retrim.fits)
            failures.clear()
            view = job.view | {"todo": job.view["todo"][:retrim.fits], "todo_more": True}
            written = lay_out([_render(view, job.source, job.kind, job.layouts, variant) for variant in job.variants])
    except BuildError as exc:
        raise _why_not(job, failures, exc) from None
    order, document = chosen
    arrangement = dict(job.variants[order])
    if trimmed:
        arrangement["flap_situations"] = trimmed[0]  # the flap holds these first situations; the rest is in the booklet
    return [(edition, pdf, pages, design.messages(found.get(id(document), [])), arrangement)
            for edition, (pdf, pages) in zip(job.editions, written, strict=True)]


def _why_not(job: Job, failures: dict[int, BuildError | None], error: BuildError) -> BuildError:
    """The error of a document that fits in no arrangement: where a centre's contacts were tried
    and the room each place had, when the last place tried failed for them; otherwise that of the
    most compact arrangement (last_resort) of the last place tried, which says what to shorten.
    An ``error`` that is not about fitting is itself."""
    if not any(f is error for f in failures.values()):
        return error
    tried = max(failures, default=0)
    start = max((b for b in (0, *job.places) if b <= tried), default=0)
    last = [f for n, f in failures.items() if n >= start and f is not None]
    overflows = [f for f in failures.values() if isinstance(f, fit.CentreOverflow)]
    if overflows and any(isinstance(f, fit.CentreOverflow) for f in last):
        return BuildError(fit.combined(overflows))
    resort = next((n for n in range(start, len(job.variants)) if job.variants[n].get("last_resort")), None)
    compact = failures.get(resort) if resort is not None else None
    return compact or error


def job_for(cat: Catalogue, edition: Edition, layouts: Path, tr: ContentTranslator | None = None,
            cmyk_profile: Path | None = None, more: tuple[Edition, ...] = ()) -> tuple[Job, BookletView]:
    """The job that makes one edition (and ``more`` editions of the same source, as a build
    groups them), with every arrangement of its format, as a build makes it; and its view."""
    view, html, kind = prepare(cat, edition.source, tr or content_translator(cat.root, edition.lang), layouts)
    job = Job(edition.source, (edition, *more), html, kind, view["dir"] == "rtl", _profile(edition, cmyk_profile), layouts,
              design.Expect.of(view), alternatives(view, edition.source, kind, layouts), view if kind in VIEW_IN_WORKER else None,
              arrangements(view, kind), tuple(view.get("centre_places") or ()))
    return job, view


def sheet_problems(cat: Catalogue, edition: Edition, pages: int) -> list[str]:
    """A booklet that takes more A4 sheets a copy than its audience allows (``sheets:``)."""
    limit = cat.audiences[edition.audience].sheets if edition.audience in cat.audiences else None
    sheets = -(-pages // SHEET_PAGES)
    if edition.format != "booklet" or limit is None or sheets <= limit:
        return []
    return [f"{pages} pages take {sheets} A4 sheets a copy (four A5 pages a sheet); content/audiences/{edition.audience}.yaml "
            f"allows {limit} (sheets: {limit}): shorten its texts by {pages - limit * SHEET_PAGES} pages, or raise the limit"]


def centre_problems(view: BookletView, edition: Edition) -> list[str]:
    """A centre's wallet card without the centre's line: none of its contacts has a phone."""
    centre = view.get("centre")
    if not centre or not FORMATS[edition.format].neutral or centre["card_line"] is not None:
        return []
    return [f"the card has no line for the centre: no contact in {centre['source']} has a phone to call; add one "
            "(phones: - number: ...) to the contact a resident calls, or hand out the card without it"]


def render_edition(cat: Catalogue, edition: Edition, layouts: Path,
                   tr: ContentTranslator | None = None, cmyk_profile: Path | None = None) -> tuple[bytes, int, BookletView]:
    """One edition, entirely in memory: the PDF bytes, its page count and the view it showed."""
    job, view = job_for(cat, edition, layouts, tr, cmyk_profile)
    [(_edition, pdf, pages, _design, _arrangement)] = run_job(job)
    return pdf, pages, view


# ------------------------------------------------------------------ fingerprints: rebuild only what changed


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


def translation_problems(cat: Catalogue, langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per language, the content fields that would fall back to English, and why."""
    from .content.texts import content_fields

    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        if lang == "en":
            continue
        tr = content_translator(cat.root, lang)
        for f in content_fields(cat, lang):
            tr(f.context, f.text)
        if tr.fallbacks:
            out[lang] = dict(sorted(tr.fallbacks.items()))
    return out


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


def build(root: Path, out: Path, request: BuildRequest = EVERYTHING,
          progress: Callable[[Edition, Built], None] | None = None,
          on_start: Callable[[list[Edition]], None] | None = None,
          on_checked: Callable[[Catalogue, list[Edition]], None] | None = None,
          unchanged: Callable[[Edition], None] | None = None,
          cancel: threading.Event | None = None, workers: Workers | None = None) -> tuple[Catalogue, list[Built]]:
    """Check everything first; write nothing if the content has errors (or, with ``strict``,
    warnings, stale or missing translations). Then render what changed since the last build
    (``force``: everything; ``changed_since``: what differs from the content at that git
    revision), on ``jobs`` processes, and write each PDF as it comes. A successful build of the
    whole request is recorded under its key for the no-change fast path (quick.py).
    ``on_checked`` is called with the content and the editions once the output folder is
    locked, before anything is rendered (booklet serve writes the web pages there). The layouts
    are the project's own (``<root>/layouts``): NoLayouts when it has none.

    ``progress`` is told of each PDF written, ``unchanged`` of each found up to date. Once
    ``cancel`` is set the build stops at its next step (within CANCEL_POLL seconds while PDFs
    are rendered: their worker processes are ended) and raises Cancelled; every PDF written
    before is whole and recorded. With ``cancel`` or ``workers`` (a pool kept between builds),
    every rendering is done in a worker process, where it can be stopped."""
    layouts = existing_layouts(layouts_of(root))
    # Hashed before anything is read: a record never claims newer content than what was built.
    content = content_digests(root)
    inputs = inputs_fingerprint(root, layouts, request.profile, request.site_url, content)
    code = code_fingerprint(layouts, pdfs_only=True)
    check_installed()  # a WeasyPrint or pydyf the code does not support: say so before anything is rendered
    cat = check(root)
    if request.site_url:
        try:
            cat.booklet = cat.booklet.model_copy(update={"site_url": fields.parse_url(request.site_url)})
        except ValueError as exc:
            raise BuildError(f"--site-url: {exc}") from None
    todo = shard(editions(cat, request), request.shard)
    if request.strict:
        blocking = [p for p in cat.warnings if p.kind != "due"]  # a check due again is not yet stale
        if blocking:
            raise ContentError([dataclasses.replace(p, severity="error") for p in blocking])
        problems = translation_problems(cat, sorted({e.lang for e in todo}))
        if problems:
            lines = [f"{lang}: {context}: {why} translation" for lang, fields in problems.items() for context, why in fields.items()]
            raise BuildError("translations are not complete (--strict):\n" + "\n".join(lines))
    only = changed_since_filter(root, request.changed_since, layouts, code) if request.changed_since else None
    profile = _profile(todo[0], request.cmyk_profile) if todo and todo[0].print_shop else None
    with OutputLock(out):
        if on_checked:
            on_checked(cat, todo)
        run = _Run(cat, root, layouts, out, request, inputs, code, profile, only, progress, unchanged, cancel, workers)
        done = run.build(todo, on_start)
        run.check_cancel()
        pages = write_site(cat, root, out, todo, run.manifest or read_manifest(out), layouts=layouts)
        if only is None:
            outputs = {e.relpath: run.manifest[e.relpath]["sha256"] for e in todo if e.relpath in run.manifest}
            outputs.update(pages)
            outputs["manifest.json"] = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
            layout = [f"warning: {e.relpath}: layout: {p}" for e in todo for p in run.manifest.get(e.relpath, {}).get("design", [])]
            entries = [run.manifest[e.relpath] for e in todo if e.relpath in run.manifest]
            remember(out, request.key, inputs, outputs, notices(cat, todo) + layout, content, how_to_print(entries))
        return cat, done


def rewrite_site(root: Path, out: Path) -> dict[str, str]:
    """Write output/site/ again for every PDF the manifest lists, rendering nothing: after the
    shards of a CI build are put together, so each page lists all of its set's PDFs and the
    indexes every page."""
    layouts = existing_layouts(layouts_of(root))
    cat = check(root)
    with OutputLock(out):
        manifest = read_manifest(out)
        made = [Edition(e["audience"], e["lang"], e["format"], e.get("region"), e.get("discreet", False), e.get("centre"),
                        e.get("print_shop", False)) for e in manifest.values()]
        return write_site(cat, root, out, made, manifest, layouts=layouts)


def notices(cat: Catalogue, made: Iterable[Edition] = ()) -> list[str]:
    """What every build repeats: each fact on hold (printed in no booklet), how many other
    warnings `booklet check` lists, and wallet cards made without their QR code."""
    held = [str(p) for p in sorted(cat.warnings) if p.kind == "hold"]
    rest = len(cat.warnings) - len(held)
    if rest:
        held.append(f"{rest} more warning{'s' if rest != 1 else ''} (review notes and the like): run 'booklet check' to list them")
    if not cat.booklet.site_url and any(FORMATS[e.format].links_to_site for e in made):
        held.append("notice: wallet cards are built without their QR code: set site_url: in content/booklet.yaml (or pass "
                    "--site-url) to the address where output/site/ is published, and each card's code leads to its page")
    return held


SHOP_ADVICE = "Send it to the print shop as it is: PDF/X-4 with 3 mm bleed and crop marks, CMYK colours."


def how_to_print(entries: Iterable[Built | dict]) -> list[str]:
    """Once per build, how to print each file asked for (its record in the manifest, or the
    Built): one line per kind of file (the office booklet, the leaflet, the cards, the print
    shop's file) naming the files, with the sheets of paper a copy takes, and which way a
    right-to-left leaflet folds."""
    groups: dict[tuple[str, bool], list[dict]] = {}
    for entry in entries:
        record = asdict(entry) if isinstance(entry, Built) else entry
        groups.setdefault((record["format"], bool(record.get("print_shop"))), []).append(record)
    lines = []
    order = list(FORMATS)
    for (fmt, shop), records in sorted(groups.items(), key=lambda g: (g[0][1], order.index(g[0][0]))):
        form = FORMATS[fmt]
        records.sort(key=lambda r: r["path"])
        named = [f"{r['path']} ({_copy(form, r['pages'], shop)})" for r in records[:MANY]]
        if len(records) > MANY:
            named.append(f"and {len(records) - MANY} more (their pages: manifest.json)")
        advice = SHOP_ADVICE if shop else form.phrases.printing
        rtl = sorted({r["lang"] for r in records if direction(r["lang"]) == "rtl"})
        if rtl and form.imposition == "leaflet" and not shop:
            advice += (f" Right to left ({', '.join(rtl)}): it folds the other way: with the inside facing you, fold the "
                       "left third in first, then the right third, which carries the front, over it.")
        lines.append(f"  {form.phrases.name}{' for a print shop' if shop else ''}: {', '.join(named)}. {advice}")
    return ["How to print:", *lines] if lines else []


MANY = 4
"""How to print names this many files of a kind; the rest are counted."""


def _copy(form: Any, pages: int, shop: bool) -> str:
    """What one copy of a file takes: sheets of paper for an office file, else its pages."""
    if form.paper is None or shop:
        return f"{pages} page{'s' if pages != 1 else ''}"
    sheets = -(-pages // 2) if form.duplex and form.duplex.startswith("Duplex") else pages
    return f"{sheets} {form.paper} sheet{'s' if sheets != 1 else ''} a copy"


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


SERIAL_BELOW = 2
"""Renderings per worker process below which starting the processes costs more than it saves.
Measured 2026-12-07 on two cores (CPU time, medians of two runs of `booklet build --force`, the
workplace set of the shipped content; the machine shared, load 10-15, so CPU not wall time):
a worker costs about 0.95 s to start (spawn, WeasyPrint, its first layout; 0.75 s of it loading
WeasyPrint), and a real rendering about 1.05 s (booklet, leaflet, poster, card of one language:
4.9 s alone, 6.8 s with two workers; two languages: 9.1 s alone, 10.8 s with two). Two workers
save floor(n/2) renderings of wall time and cost one start-up: a tie at two or three renderings,
a second saved from four. Tiny documents (a test's sample project, 0.3 s a rendering in a warm
process) would need about ten; tests that build them pass -j 1."""


@dataclass
class _Run:
    """One build with the output folder locked: what it renders, and the manifest it keeps."""

    cat: Catalogue
    root: Path
    layouts: Path
    out: Path
    request: BuildRequest
    inputs: str
    code: str
    """quick.code_fingerprint of the layouts (pdfs_only), part of each edition's fingerprint."""
    profile: Path | None
    only: Callable[[Edition, str], bool] | None
    progress: Callable[[Edition, Built], None] | None
    unchanged: Callable[[Edition], None] | None = None
    cancel: threading.Event | None = None
    workers: Workers | None = None
    """Worker processes kept between builds (booklet serve); else the build starts its own."""
    manifest: dict[str, dict] = dataclasses.field(default_factory=dict)
    done: list[Built] = dataclasses.field(default_factory=list)

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled

    def build(self, todo: list[Edition], on_start: Callable[[list[Edition]], None] | None) -> list[Built]:
        self.check_cancel()
        self.manifest = read_manifest(self.out)
        if (not self.request.force and self.only is None
                and all(_up_to_date(self.out, self.manifest.get(e.relpath), "inputs", self.inputs) for e in todo)):
            return []  # nothing changed since the last build: nothing to render
        if on_start:
            on_start(todo)
        confirmed: list[str] = []  # unchanged PDFs: each file stays, its record learns the new inputs
        jobs = self.pending(todo, confirmed)
        # A worker process first spends about a second loading WeasyPrint: for a few renderings
        # (one audience in one language) this process renders them sooner on its own.
        workers = min(self.request.jobs, len({e.source for e in todo}) // SERIAL_BELOW)
        if workers <= 1 and self.cancel is None and self.workers is None:
            for job, view, prints in jobs:
                self.record(run_job(job), view, prints)
        else:
            pool = self.workers or Workers(workers)
            try:
                self.render(pool, jobs, max(1, workers))
            except BaseException:  # Ctrl-C, SIGTERM, a cancel, a document that does not fit:
                pool.stop()  # the renderings in flight are of no use; their processes end now
                raise
            finally:
                if pool is not self.workers:
                    pool.close()
        for relpath in confirmed:
            self.manifest[relpath]["inputs"] = self.inputs
        write_manifest(self.out, self.manifest)
        return self.done

    def render(self, pool: Workers, jobs: Iterator[tuple[Job, BookletView, dict[Edition, str]]], workers: int) -> None:
        """Workers render; this process writes. At most two jobs per worker wait at once, so
        memory stays flat however many PDFs the set holds."""
        waiting: dict[Future, tuple[BookletView, dict[Edition, str]]] = {}

        def collect() -> None:
            finished: set[Future] = set()
            while not finished:
                finished, _ = wait(waiting, timeout=CANCEL_POLL if self.cancel is not None else None,
                                   return_when=FIRST_COMPLETED)
                self.check_cancel()
            for future in finished:
                self.record(future.result(), *waiting.pop(future))

        for job, view, prints in jobs:
            self.check_cancel()
            waiting[pool.submit(run_job, job)] = (view, prints)
            while len(waiting) >= 2 * workers:
                collect()
        while waiting:
            collect()

    def pending(self, todo: list[Edition], confirmed: list[str]) -> Iterator[tuple[Job, BookletView, dict[Edition, str]]]:
        """The renderings to make, one per source edition, with the editions each one gives."""
        translators = {lang: content_translator(self.root, lang) for lang in sorted({e.lang for e in todo})}
        groups: dict[Edition, list[Edition]] = {}
        for edition in todo:
            groups.setdefault(edition.source, []).append(edition)
        for source, members in groups.items():
            view, html, kind = prepare(self.cat, source, translators[source.lang], self.layouts)
            others = alternatives(view, source, kind, self.layouts)
            whole = made_from(view, source, kind, self.layouts, html, others)
            prints = {e: edition_fingerprint(e, whole, self.profile, self.code) for e in members}
            if self.only is not None:
                members = [e for e in members if self.only(e, prints[e])]
            elif not self.request.force:
                members = [e for e in members if not _up_to_date(self.out, self.manifest.get(e.relpath), "fingerprint", prints[e])]
            confirmed.extend(e.relpath for e in prints if e not in members and e.relpath in self.manifest)
            if self.unchanged is not None:
                for edition in prints:
                    if edition not in members:
                        self.unchanged(edition)
            if members:
                yield (Job(source, tuple(members), html, kind, view["dir"] == "rtl", self.profile, self.layouts,
                           expect=design.Expect.of(view), alternatives=others,
                           view=view if kind in VIEW_IN_WORKER else None, variants=arrangements(view, kind),
                           places=tuple(view.get("centre_places") or ())), view, prints)

    def record(self, result: list[tuple[Edition, bytes, int, list[str], dict]], view: BookletView, prints: dict[Edition, str]) -> None:
        """Write each PDF of a finished job, then the manifest that describes it."""
        for edition, pdf, pages, found, arrangement in result:
            write_atomic(self.out / edition.relpath, pdf)
            found = [*found, *sheet_problems(self.cat, edition, pages), *centre_problems(view, edition)]
            built = Built(edition.relpath, edition.audience, edition.lang, edition.format, pages,
                          hashlib.sha256(pdf).hexdigest(), len(pdf), view["qr_urls"],
                          edition.region, edition.discreet, edition.centre, edition.print_shop, prints[edition], self.inputs,
                          found, arrangement,
                          "" if edition.print_shop else edition.page, "" if edition.print_shop else edition.site_pdf)
            self.manifest[built.path] = asdict(built)
            write_manifest(self.out, self.manifest)
            self.done.append(built)
            if self.progress:
                self.progress(edition, built)

"""A job rendered in a worker: each arrangement laid out until one fits without a blank panel,
the fit and design checks, the pages on paper; one edition in memory (render_edition)."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator import __version__
from generator.base.edition import Edition
from generator.base.errors import BuildError
from generator.base.formats import FORMATS
from generator.build.plan import Job, _render, job_for
from generator.content.catalogue import Catalogue
from generator.i18n.translator import ContentTranslator
from generator.paper import design, fit
from generator.render.html import render_back_cover
from generator.render.viewmodel import BookletView

SHEET_PAGES = 4
"""Pages of a folded sheet of the booklet (the imposed booklet and the print shop's)."""


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
    from generator.paper.impose import layout_for
    from generator.paper.pdf import html_to_pdfs

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

"""The orchestrator: check the content, then build each edition in memory and write it in one step."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.base.edition import Edition
from generator.base.errors import BuildError, ContentError, existing_layouts
from generator.base.files import layouts_of, write_atomic
from generator.base.request import EVERYTHING, BuildRequest
from generator.base.workers import Workers
from generator.build.checks import load_checked
from generator.build.incremental import OutputLock, _up_to_date, changed_since_filter, read_manifest, write_manifest
from generator.build.plan import (
    CANCEL_POLL,
    VIEW_IN_WORKER,
    Built,
    Cancelled,
    Job,
    _profile,
    alternatives,
    arrangements,
    edition_fingerprint,
    editions,
    made_from,
    prepare,
    shard,
)
from generator.build.quick import code_fingerprint, content_digests, inputs_fingerprint, remember
from generator.build.report import how_to_print, notices, translation_problems
from generator.build.run import centre_problems, run_job, sheet_problems
from generator.content import values as fields
from generator.content.catalogue import Catalogue
from generator.i18n.translator import content_translator
from generator.outputs.site import write_site
from generator.paper import design
from generator.paper.versions import check_installed
from generator.render.viewmodel import BookletView


def check(root: Path) -> Catalogue:
    """Load and validate the content and its translations (checks.load_checked); raise
    ContentError with every error when there is any."""
    cat = load_checked(root)
    if cat.errors:
        raise ContentError(cat.problems)
    return cat


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

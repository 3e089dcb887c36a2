"""`booklet build`, `booklet serve` and `booklet site`: the PDFs and the web pages.

Only the standard library, click and build/quick.py load before a build starts: a build with
nothing changed answers from fingerprints before the validator and the renderer are imported."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.base.formats import NAMES as FORMATS
from generator.base.request import BuildRequest, available_cores
from generator.build import quick

if TYPE_CHECKING:

    from generator.base.edition import Edition
    from generator.build.plan import Built
from generator.cli.app import _layouts, _root, main


@main.command(epilog="""\b
Examples:
  booklet build                                            everything that changed
  booklet build --audience workplace --lang fr --format booklet
  booklet build --discreet --audience asylum-centre        neutral cover, names and metadata
  booklet build --print-shop --format booklet              PDF/X-4 with bleed for a print shop
  booklet build --centre my-centre                         a reception centre's own set""")
@click.option("--audience", "audiences", multiple=True, metavar="ID", help="Build only this audience (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Build only this language (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: output/ in the project folder).")
@click.option("--strict", is_flag=True, help="Fail on warnings and on stale or missing translations instead of printing English.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS), help="Build only this format (repeatable).")
@click.option("--region", type=click.Choice(["brussels", "flanders", "wallonia"]),
              help="Regional edition: leave out services that serve only other regions.")
@click.option("--discreet", is_flag=True, help="Neutral cover, back and metadata: safe to carry.")
@click.option("--centre", metavar="ID", help="A reception centre's set: its audiences, languages, region and contacts.")
@click.option("--print-shop", is_flag=True, help="PDF/X-4 for a print shop: 3 mm bleed, crop marks, CMYK colours.")
@click.option("--cmyk-profile", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The print shop's CMYK ICC profile (output intent); default: Ghostscript's generic CMYK profile.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that render at once (default: the number of cores).")
@click.option("--force", is_flag=True, help="Render everything, even what has not changed since the last build.")
@click.option("--shard", "shard_spec", metavar="I/N", help="Build only the I-th of N stable shares of the set (for a CI matrix).")
@click.option("--changed-since", metavar="REF", help="Build only what differs from the content at git revision REF.")
@click.option("--site-url", metavar="URL", help="Where output/site/ is published (https; default: site_url: in content/booklet.yaml). "
              "Wallet cards' QR codes lead there.")
@click.pass_context
def build(ctx: click.Context, audiences: tuple[str, ...], langs: tuple[str, ...], out: Path | None, strict: bool,
          formats: tuple[str, ...], region: str | None, discreet: bool, centre: str | None, print_shop: bool,
          cmyk_profile: Path | None, jobs: int | None, force: bool, shard_spec: str | None, changed_since: str | None, site_url: str | None) -> None:
    """Check the content, then build the PDFs and output/manifest.json."""
    with _terminate_as_interrupt():
        _build(_root(ctx), out, BuildRequest(audiences, langs, formats, region, discreet, centre, print_shop, cmyk_profile,
                                             strict, shard_spec, site_url, jobs or available_cores(), force, changed_since))


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, `kill`) stops a build as Ctrl-C does: the file being written
    is removed, not left half-made for the next build to clean."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _build(root: Path, out: Path | None, request: BuildRequest) -> None:
    out = out or root / "output"
    started = time.perf_counter()
    layouts = _layouts(root)
    if not request.force and not request.changed_since:
        record = quick.unchanged(out, request.key, quick.inputs_fingerprint(root, layouts, request.profile, request.site_url))
        if record is not None:
            files = quick.asked(record)
            lines = [*record.get("notices", []), *quick.nothing_changed(files), *record.get("advice", [])]
            for line in lines:
                click.echo(line, err=True)
            click.echo(f"Done: nothing changed, no PDF rendered, in {time.perf_counter() - started:.2f} s", err=True)
            return
    before = quick.last_content(out)

    from generator.build.incremental import read_manifest, unchanged_reasons
    from generator.build.make import build as run_build
    from generator.build.plan import editions, shard
    from generator.build.report import how_to_print, notices, translation_problems

    tty = sys.stderr.isatty()
    progress_bar = None

    def on_start(todo: list[Edition]) -> None:
        nonlocal progress_bar
        if tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress_bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn(), transient=True)
            progress_bar.start()
            progress_bar.add_task("Building", total=len(todo))

    def on_done(edition: Edition, built: Built) -> None:
        lines = [f"built {built.path} ({built.pages} pages)"] + [f"warning: {built.path}: layout: {p}" for p in built.design]
        if progress_bar is not None:
            progress_bar.advance(progress_bar.task_ids[0])
            for line in lines:
                progress_bar.console.print(line, markup=False, highlight=False)
        else:
            for line in lines:
                click.echo(line, err=True)

    try:
        cat, done = run_build(root, out, request, progress=on_done, on_start=on_start)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    for line in notices(cat, editions(cat, request)):
        click.echo(line, err=True)
    for lang, fields in translation_problems(cat, sorted({b.lang for b in done})).items():
        kinds = {why: sum(1 for w in fields.values() if w == why) for why in ("stale", "missing")}
        click.echo(f"warning: {lang}: {len(fields)} text{'s' if len(fields) != 1 else ''} printed in English "
                   f"({kinds['stale']} stale, {kinds['missing']} missing translation{'s' if len(fields) != 1 else ''}): "
                   "run 'booklet translations' to list them", err=True)
    asked = shard(editions(cat, request), request.shard)
    if not done:
        for line in unchanged_reasons(cat, asked, before, quick.content_digests(root)):
            click.echo(line, err=True)
    manifest = read_manifest(out)
    for line in how_to_print([manifest[e.relpath] for e in asked if e.relpath in manifest]):
        click.echo(line, err=True)
    elapsed = time.perf_counter() - started
    if not done:
        click.echo(f"Done: nothing changed, no PDF rendered, in {elapsed:.2f} s", err=True)
        return
    click.echo(f"Done: {len(done)} PDF{'s' if len(done) != 1 else ''} in {out} in {elapsed:.1f} s"
               f" ({len(cat.warnings)} warning{'s' if len(cat.warnings) != 1 else ''})", err=True)


@main.command()
@click.option("--audience", "audiences", multiple=True, metavar="ID", help="Build only this audience (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Build only this language (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: output/ in the project folder).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this computer only by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0: any free one).")
@click.pass_context
def serve(ctx: click.Context, audiences: tuple[str, ...], langs: tuple[str, ...], out: Path | None, host: str, port: int) -> None:
    """Serve the web pages and PDFs, build, and build again when content/ or layouts/ change: the
    web pages first (the open page reloads itself, and shows a content error with its
    file:line:column), then the PDFs, with their progress on the terminal. A change saved while
    PDFs are made stops that build and starts again. Ctrl-C or kill stops it, with every worker."""
    from generator.serve import serve as run_server

    root = _root(ctx)
    _layouts(root)  # before the server starts: a missing folder is an error, not a page
    request = BuildRequest(audiences, langs, jobs=available_cores())
    with _terminate_as_interrupt():  # kill (SIGTERM) stops it as Ctrl-C does, its worker processes with it
        try:
            run_server(root, out or root / "output", request, host, port, lambda line: click.echo(line, err=True))
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
        finally:
            from generator.base.workers import end_resource_tracker

            end_resource_tracker()  # the workers are gone: this process leaves none of its own behind


@main.command(epilog="""\b
Example:
  booklet site --out output    after CI joined its shards' PDFs""")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder holding the PDFs and manifest.json (default: output/ in the project folder).")
@click.pass_context
def site(ctx: click.Context, out: Path | None) -> None:
    """Write the web pages (OUT/site/) again for every PDF in OUT/manifest.json, rendering nothing."""
    from generator.build.make import rewrite_site

    root = _root(ctx)
    out = out or root / "output"
    if not (out / "manifest.json").is_file():
        raise click.UsageError(f"no manifest.json in {out}; run 'booklet build' first")
    written = rewrite_site(root, out)
    click.echo(f"Done: {len(written)} web page{'s' if len(written) != 1 else ''} in {out / 'site'}", err=True)

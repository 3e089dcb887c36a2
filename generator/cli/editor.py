"""The editor's tools: `booklet confirm`, `verify`, `review-sheet`, `fields` and `export --hsds`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.base.clock import today

if TYPE_CHECKING:

    pass
from generator.cli.app import _checked, _layouts, _root, main


@main.command(epilog="""\b
Examples:
  booklet confirm unia                       checked today
  booklet confirm unia --date 2026-11-28     checked on that day
  booklet confirm police-watch --done 'print them'
                                             and the note asking to print the hours is done
A note that asks for something to be done ("... and print them") is kept until you say it is
done: the command asks on a terminal; elsewhere, name it with --done (words from it, or its
place as 'booklet check' writes it: 'unconfirmed[0]', 'review[2]').""")
@click.argument("service")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the service was checked (default: today), as YYYY-MM-DD.")
@click.option("--done", "done", multiple=True, metavar="NOTE",
              help="A note that is done, to remove: words from it, or its place ('unconfirmed[0]', 'review[2]'). Repeatable.")
@click.pass_context
def confirm(ctx: click.Context, service: str, on: datetime | None, done: tuple[str, ...]) -> None:
    """Record that SERVICE was checked with the organisation: set its last_verified:, remove the
    unconfirmed: notes the call settled (and the notes said to be done), changing nothing else in
    its file; list what it prints, which the call should have confirmed, and the notes still open."""
    from generator.content.validate import load_catalogue
    from generator.tools import confirm as recording

    root = _root(ctx)
    day = on.date() if on else today()
    notes = recording.notes_of(root, service)
    picked = recording.chosen(service, notes, done)
    before = load_catalogue(root)
    rel = recording.service_file(root, service).relative_to(root).as_posix()
    if service in before.services:
        svc = before.services[service]
        click.echo(f"{svc.name} prints, and the call should have confirmed:")
        for fact in recording.printed_facts(service, svc, _layouts(root)):
            click.echo(f"  {fact}")
    terminal = sys.stdin.isatty() and sys.stdout.isatty()

    def said_done(note: recording.Note) -> bool:
        if note in picked:
            return True
        if not (terminal and note.action):
            return False
        click.echo(f"{rel}: {note.place} asks for something to be done: {note.action}")
        return click.confirm("Is it done?", default=False)

    recorded = recording.confirm(root, service, day, said_done)
    click.echo(f"{rel}: last_verified: {recorded.previous or '(none)'} -> {day.isoformat()}")
    for note in recorded.removed:
        click.echo(f"{rel}: removed {note.field}: {note.flat}")
    for note in recorded.kept:
        click.echo(f"{rel}: kept unconfirmed: {note.flat}")
        click.echo(f"  It asks for something to be done: {note.action}")
        click.echo(f"  Once it is done: {recording.done_hint(service, note, recording.notes_of(root, service))}")
    cat = load_catalogue(root)
    still = [p for p in sorted(cat.problems) if p.path == rel and p.kind in ("review", "hold")]
    for problem in still:
        click.echo(f"still open: {problem}")
    if not still and not recorded.kept:
        click.echo("No review note is open for this service.")
    if any(p.severity == "error" for p in cat.problems if p.path == rel):
        raise click.ClickException(f"{rel} has errors: run 'booklet check'")


@main.command(epilog="""\b
Examples:
  booklet verify                       every address (results younger than a day are reused)
  booklet verify --max-age 0 --quiet   check everything again, print only the problems
  booklet verify --json report.json    the results grouped by service, for other tools
  booklet verify --offline             what the cache and the addresses themselves tell""")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder holding the cache, verify/results.json (default: output/ in the project folder).")
@click.option("--max-age", type=click.FloatRange(min=0), default=24.0, show_default=True, metavar="HOURS",
              help="Reuse a cached result younger than this; 0 checks every address again.")
@click.option("--offline", is_flag=True, help="Use no network: report the cached results and what can be checked without it.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Also write the results as JSON to this file ('-': standard output, instead of the table).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None, metavar="SECONDS",
              help="Per connect, read and write of each request (default: 10).")
@click.option("--quiet", is_flag=True, help="Print only the problems and the summary, not the table.")
@click.pass_context
def verify(ctx: click.Context, out: Path | None, max_age: float, offline: bool, json_path: Path | None, timeout: float,
           quiet: bool) -> None:
    """Check every web address in content/ (links, forms, QR targets, sources) over HTTPS: broken,
    moved and redirected addresses, each with its file:line:column. Exits 1 when a printed
    address is broken or could not be checked in time. Results are cached in OUT/verify/results.json."""
    import json
    from dataclasses import replace
    from datetime import timedelta

    from generator.content.validate import load_catalogue
    from generator.tools import verify as checker

    root = _root(ctx)
    out = out or root / "output"
    cat = load_catalogue(root)
    policy = replace(checker.DEFAULT, timeout=timeout) if timeout else checker.DEFAULT
    report = checker.verify(cat, out, max_age=timedelta(hours=max_age), offline=offline, policy=policy)
    table, problems = checker.report_lines(report)
    if json_path is not None:
        data = json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n"
        if str(json_path) == "-":
            click.echo(data, nl=False)
        else:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(data, "utf-8")
    to_err = json_path is not None and str(json_path) == "-"
    if report.no_network:
        click.echo(checker.summary(report), err=to_err)
        raise click.ClickException("no network: none of the sites answered (names do not resolve or connections fail); "
                                   "nothing was cached. Check the connection, or run 'booklet verify --offline'")
    if not quiet and not to_err:
        for line in table:
            click.echo(line)
    for line in problems:
        click.echo(line, err=to_err)
    click.echo(checker.summary(report), err=to_err)
    late = [] if offline else report.unchecked_printed()
    if late:
        click.echo(f"error: {len(late)} printed address{'es' if len(late) != 1 else ''} not checked "
                   f"(time limits): nothing is known of {'them' if len(late) != 1 else 'it'}", err=to_err)
    if report.broken_printed() or late:
        ctx.exit(1)


@main.command(epilog="""\b
Example:
  booklet fields > docs/fields.md    refresh the reference kept in the repository""")
def fields() -> None:
    """Print the reference of every field of the content files (Markdown), generated from the
    schema: what each field is, its type, whether it is required."""
    from generator.content.fieldref import reference

    click.echo(reference(), nl=False)


@main.command(epilog="""\b
Examples:
  booklet export --hsds export/hsds               English
  booklet export --hsds export/hsds-fr --lang fr  the same identifiers, in French""")
@click.option("--hsds", "hsds_dir", type=click.Path(file_okay=False, path_type=Path), required=True, metavar="DIR",
              help="Write one Open Referral HSDS 3.0 service document per service into DIR (DIR/<id>.json).")
@click.option("--lang", default="en", show_default=True, metavar="CODE", help="The language of names and descriptions.")
@click.pass_context
def export(ctx: click.Context, hsds_dir: Path, lang: str) -> None:
    """Export the services for other directories and referral tools, as HSDS 3.0 JSON (valid
    against its schema; identifiers stable across runs and languages). Services on hold are left out."""
    from generator.outputs.hsds import export as write_hsds

    root = _root(ctx)
    layouts = _layouts(root)
    cat = _checked(root)
    if lang not in cat.booklet.languages:
        raise click.UsageError(f"language '{lang}' is not enabled; expected one of: {', '.join(cat.booklet.languages)}")
    written = write_hsds(cat, hsds_dir, lang, layouts=layouts)
    held = sorted(sid for sid, svc in cat.services.items() if svc.hold)
    left = f"; left out, on hold: {', '.join(held)}" if held else ""
    click.echo(f"Done: {len(written)} service{'s' if len(written) != 1 else ''} in {hsds_dir}{left}", err=True)


@main.command("review-sheet", epilog="""\b
Examples:
  booklet verify && booklet review-sheet     then print output/review/call-sheet.pdf
  booklet review-sheet --markdown todo.md    the same list for a GitHub issue""")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder: writes OUT/review/call-sheet.pdf and .html, reads OUT/verify/results.json "
                   "(default: output/ in the project folder).")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Also write the list as Markdown (for a GitHub issue) to this file ('-': standard output).")
@click.pass_context
def review_sheet(ctx: click.Context, out: Path | None, markdown_path: Path | None) -> None:
    """The call sheet for the person who phones the organisations: per service to call, on one page,
    the numbers and hours and each question for the phone (facts on hold, stale checks, printed
    facts not confirmed, broken addresses from the last 'booklet verify', review notes that say
    'confirm' or 'ask' or ask a question), the most urgent first, with boxes to tick; then the
    research notes (no call needed) in an appendix."""
    from generator.tools import review
    from generator.tools.verify import load_results

    root = _root(ctx)
    out = out or root / "output"
    layouts = _layouts(root)
    cat = _checked(root)
    if markdown_path is not None:
        text = review.markdown(review.entries(cat, load_results(out), layouts))
        if str(markdown_path) == "-":
            click.echo(text, nl=False)
        else:
            markdown_path.parent.mkdir(parents=True, exist_ok=True)
            markdown_path.write_text(text, "utf-8")
    written = review.write(cat, out, layouts=layouts)
    for name in written.too_long:
        click.echo(f"warning: the call sheet gives {name} more than one page: its questions are long; shorten the "
                   "background in its unconfirmed: and review: notes (the questions for the phone stay)", err=True)
    notes = f", and {written.research} research note{'s' if written.research != 1 else ''} in the appendix" if written.research else ""
    click.echo(f"Done: {written.calls} service{'s' if written.calls != 1 else ''} to call{notes}: {written.pdf} and {written.html}",
               err=True)

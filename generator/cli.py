"""The `booklet` command: thin, it parses flags and calls check/build.

Exit codes: 0 success, 1 content or build errors, 2 usage errors (click's own).

Only the standard library, click and generator.quick load at start-up: a build with nothing
changed answers from fingerprints before the validator and the renderer are imported.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .build import quick
from .clock import today
from .errors import BookletError, existing_layouts
from .files import layouts_of
from .formats import NAMES as FORMATS
from .request import BuildRequest, available_cores

if TYPE_CHECKING:

    from .build.plan import Built
    from .content.catalogue import Catalogue
    from .content.texts import TextField
    from .edition import Edition
    from .i18n.checks import Coverage


def _root(ctx: click.Context) -> Path:
    return ctx.obj["root"]


def _layouts(root: Path) -> Path:
    """The project's layouts (<root>/layouts), for the commands that lay something out or word
    it; a clear error (exit code 1) when the project has none."""
    return existing_layouts(layouts_of(root))


@click.group(epilog="""\b
The editor's path:
  booklet check                                       every problem, errors last
  booklet build --audience asylum-centre --lang en    one audience in one language
  booklet serve                                       the pages, rebuilt as you edit
  booklet confirm unia                                after phoning Unia
Every command: booklet COMMAND --help""")
@click.version_option(__version__, prog_name="booklet")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Project folder holding content/ and layouts/ (and output/).")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Build print-ready booklets of support services from the YAML under content/."""
    if not (root / "content").is_dir():
        raise click.UsageError(f"no content/ folder in {root.resolve()}; run from the project folder or pass --root")
    try:
        today()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    ctx.obj = {"root": root}



@main.command(epilog="""\b
Examples:
  booklet check                                  everything; review notes counted per file
  booklet check --errors-only                    only what stops a build
  booklet check --file content/services/unia.yaml
  booklet check --audience asylum-centre --reviews
  booklet check | grep unia                      one line per problem when piped
  BOOKLET_TODAY=2027-03-01 booklet check         what will be due by then""")
@click.option("--strict", is_flag=True, help="Treat warnings (review notes, holds, stale checks) as errors.")
@click.option("--reviews", is_flag=True, help="List every review note, unconfirmed fact, check due again and why each fact is "
              "on hold, and when each service was last checked (counted, one line each, by default).")
@click.option("-v", "--verbose", is_flag=True, help="Everything in full: as --reviews, and the translations per language.")
@click.option("--errors-only", is_flag=True, help="Show only errors.")
@click.option("--file", "files", multiple=True, metavar="PATH", help="Report only on this content file (repeatable).")
@click.option("--audience", "audience", metavar="ID", help="Report only on this audience's files: it, its situations and their services.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the counts and every problem as JSON to this file (for the weekly workflow).")
@click.pass_context
def check(ctx: click.Context, strict: bool, reviews: bool, verbose: bool, errors_only: bool, files: tuple[str, ...],
          audience: str | None, json_path: Path | None) -> None:
    """Validate all content without rendering; report every problem at once, errors last.

    On a terminal each line is wrapped to its width; piped, each problem is one line."""
    from .checks import load_checked
    from .errors import collapsed_count, report, use_colour
    from .paper.versions import check_installed

    check_installed()  # what a build will need: the supported WeasyPrint and pydyf
    root = _root(ctx)
    cat = load_checked(root)
    scope = _scope(root, cat, files, audience)
    problems = [p for p in cat.problems if scope is None or p.path in scope]
    if json_path is not None:
        _write_check_json(json_path, problems)
    reviews = reviews or verbose
    shown = [p for p in problems if p.severity == "error"] if errors_only else problems
    colour = use_colour()
    say = _printer(colour)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    # warnings and notes first, then the errors: the last lines on the screen are what stops a build
    for line in report([p for p in shown if p.severity == "warning"], colour=colour, reviews=reviews):
        say(line)
    if not errors_only:
        every = cat.with_salvaged()  # a file with an error is still counted and dated
        services = {ident: svc for ident, svc in every.services.items() if scope is None or f"content/services/{ident}.yaml" in scope}
        unconfirmed = sorted((svc.name for svc in services.values() if svc.unconfirmed and not svc.hold), key=str.casefold)
        if unconfirmed:
            say(f"{len(unconfirmed)} service{'s' if len(unconfirmed) != 1 else ''} not confirmed with the organisation "
                f"(no 'Checked' date on the card): {', '.join(unconfirmed)}")
        if services:
            for line in _last_checked(cat, services, listed=reviews):
                say(line)
        if scope is None:
            for line in _translation_summary(every, verbose):
                say(line)
    for p in sorted(errors):
        say(p.render(colour))
    where = "" if scope is None else f" in {len(scope)} file{'s' if len(scope) != 1 else ''}"
    count = f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}"
    folded = 0 if reviews or errors_only else collapsed_count(warnings)
    if folded:
        count += f" ({len(warnings) - folded} listed, {folded} counted per file)" if folded < len(warnings) else " (counted per file)"
    if errors and colour:
        count = click.style(count, fg="red", bold=True)
    say(f"{_count(cat.count('services'), 'service')}, {_count(cat.count('situations'), 'situation')}, "
        f"{_count(cat.count('audiences'), 'audience')}, {_count(cat.count('centres'), 'centre')}{where}: {count}")
    failing = [p for p in warnings if p.kind != "due"]  # a check due again is not yet stale
    if strict and failing:
        due = len(warnings) - len(failing)
        but = f"; {_count(due, 'check')} due again {'do' if due != 1 else 'does'} not count" if due else ""
        say(f"failing: {_count(len(errors), 'error') + ' and ' if errors else ''}{_count(len(failing), 'warning')} (--strict{but})")
    if errors or (strict and failing):
        ctx.exit(1)


def _printer(colour: bool) -> Callable[[str], None]:
    """How `check` writes a line: on a terminal, wrapped to its width (COLUMNS, else the
    terminal's), the rows after the first indented; piped, as one line, so that grep finds a
    problem whole."""
    import re
    import shutil
    import textwrap

    if not sys.stdout.isatty():
        return lambda line: click.echo(line, color=colour)
    width = max(40, shutil.get_terminal_size((80, 24)).columns)

    def say(line: str) -> None:
        text = click.unstyle(line)
        rows = textwrap.wrap(text, width=width, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False) or [""]
        for style, styled, reset in re.findall(r"((?:\x1b\[[0-9;]*m)+)(.*?)(\x1b\[0m)", line):  # colour what was coloured
            at = next((i for i, row in enumerate(rows) if styled in row), None)
            if at is not None:
                rows[at] = rows[at].replace(styled, style + styled + reset, 1)
        click.echo("\n".join(rows), color=colour)

    return say


def _last_checked(cat: Catalogue, services: dict, *, listed: bool) -> list[str]:
    """When the services were last checked: with ``listed``, one line per service, oldest first;
    else one line with the range, how many are due or stale, and how to list them."""
    # how old each check is, as the validator judged it (its stale and due warnings)
    aged = {p.path: p.kind for p in cat.warnings if p.kind in ("stale", "due")}
    marks = {"stale": " (more than 12 months: stale)", "due": " (more than 6 months: due)"}
    dated = sorted(services.items(), key=lambda item: (item[1].last_verified, item[0]))
    if listed:
        lines = ["Last checked, oldest first:"]
        for ident, svc in dated:
            mark = marks.get(aged.get(f"content/services/{ident}.yaml", ""), "")
            lines.append(f"  {svc.last_verified.isoformat()}  {ident}{mark}")
        return lines
    oldest, newest = dated[0][1].last_verified.isoformat(), dated[-1][1].last_verified.isoformat()
    when = f"on {oldest}" if oldest == newest else f"between {oldest} and {newest}"
    ages = [aged.get(f"content/services/{ident}.yaml") for ident in services]
    stale, due = ages.count("stale"), ages.count("due")
    state = ", ".join(part for part in (f"{stale} stale" if stale else "", f"{due} due again" if due else "") if part) or "none due"
    return [f"Last checked: {_count(len(services), 'service')} {when}, {state} (booklet check --reviews lists them)"]


def _write_check_json(path: Path, problems: list) -> None:
    """Counts (errors, warnings, warnings by kind) and every problem, for tools."""
    import json
    from dataclasses import asdict

    kinds: dict[str, int] = {}
    for p in problems:
        if p.severity == "warning":
            kinds[p.kind or "other"] = kinds.get(p.kind or "other", 0) + 1
    data = {"errors": sum(1 for p in problems if p.severity == "error"),
            "warnings": sum(1 for p in problems if p.severity == "warning"),
            "warnings_by_kind": dict(sorted(kinds.items())), "problems": [asdict(p) for p in sorted(problems)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _scope(root: Path, cat: Catalogue, files: tuple[str, ...], audience: str | None) -> set[str] | None:
    """The content files a report is narrowed to (paths relative to the project), or None for all."""
    if not files and not audience:
        return None
    scope: set[str] = set()
    for name in files:
        path = Path(name)
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise click.UsageError(f"--file {name}: not a file of the project in {root.resolve()}") from None
        if not (root / rel).is_file():
            raise click.UsageError(f"--file {name}: no such file")
        scope.add(rel)
    if audience:
        if audience not in cat.audiences:
            known = ", ".join(sorted(cat.audiences)) or "none"
            raise click.UsageError(f"no audience '{audience}'; expected one of: {known}")
        scope.add(f"content/audiences/{audience}.yaml")
        for ref in cat.audiences[audience].situations:
            scope.add(f"content/situations/{ref.situation}.yaml")
            situation = cat.situations.get(ref.situation)
            for sid in (ref.services or (situation.services if situation else ())):
                scope.add(f"content/services/{sid}.yaml")
        scope.add("content/booklet.yaml")
    return scope


def _translation_summary(cat: Catalogue, verbose: bool) -> list[str]:
    """How many texts would print in English for want of a translation: one line for every
    language (languages with the same counts together), or with ``verbose`` one per language; and
    the command that lists them. Not warnings: a build prints the English, and says so."""
    from .i18n.checks import coverage

    found: dict[tuple[int, int], list[str]] = {}
    for lang in cat.booklet.languages[1:]:
        result = coverage(cat, cat.root, lang)
        if result.stale or result.missing:
            found.setdefault((len(result.stale), len(result.missing)), []).append(lang)
    if not found:
        return []

    def counts(stale: int, missing: int) -> str:
        return ", ".join(part for part in (f"{stale} stale" if stale else "", f"{missing} missing" if missing else "") if part)

    if verbose:
        return [f"Printed in English: {lang}: {counts(*key)} (booklet translations --details lists them)"
                for key, langs in sorted(found.items()) for lang in langs]
    groups = "; ".join(f"{', '.join(langs)}: {counts(*key)}" for key, langs in sorted(found.items()))
    return [f"Printed in English for want of a translation: {groups} (booklet translations lists them)"]


@main.command("list", epilog="""\b
Examples:
  booklet list                   the ids to use with --audience and in situations' services:,
                                 and where each service is printed
  booklet list --service unia    where Unia is printed, and where it is not""")
@click.option("--service", "service", metavar="ID", help="Only this service: its situations, and the audiences and formats it is printed in.")
@click.pass_context
def list_(ctx: click.Context, service: str | None) -> None:
    """List audiences, situations and services, with the audiences and formats each service is
    printed in (the booklet and web page show every service of the audience's situations; the
    leaflet, poster and card those they select)."""
    from .build.make import check as run_check
    from .selection import appearances

    cat = run_check(_root(ctx))
    if service is not None:
        _list_service(cat, service)
        return
    import shutil
    import textwrap

    width = shutil.get_terminal_size((100, 24)).columns

    pad = max(len(i) for i in (*cat.audiences, *cat.situations, *cat.services)) + 2

    def row(ident: str, text: str) -> str:
        """One entry; a text too long for the terminal goes on under itself, never cut."""
        if 2 + pad + len(text) <= width or width - pad - 2 < 20:
            return f"  {ident:<{pad}}{text}"
        return textwrap.fill(text, width=width, initial_indent=f"  {ident:<{pad}}", subsequent_indent=" " * (pad + 2),
                             break_on_hyphens=False)

    click.echo("Audiences:")
    for ident, a in sorted(cat.audiences.items()):
        click.echo(row(ident, f"{a.title}  ({_count(len(a.situations), 'situation')})"))
    click.echo("Situations:")
    for ident, s in sorted(cat.situations.items()):
        click.echo(row(ident, f"{s.title}  ({_count(len(s.services), 'service')})"))
    click.echo("Services (where each is printed):")
    for ident, svc in sorted(cat.services.items()):
        flags = " [on hold]" if svc.hold else (" [unconfirmed]" if svc.unconfirmed else (" [review]" if svc.review else ""))
        click.echo(row(ident, f"{svc.name}{flags}: {_where(cat, ident, appearances(cat, ident))}"))


def _where(cat: Catalogue, ident: str, found: dict[str, list[str]]) -> str:
    """Where a service is printed, in one line: 'asylum-centre (booklet, leaflet), complete (every format)'."""
    from .selection import SHORT_FORMATS

    if cat.services[ident].hold:
        return "printed nowhere while on hold"
    parts = [f"{aid} ({'every format' if len(formats) == len(SHORT_FORMATS) else ', '.join(formats)})"
             for aid, formats in found.items()]
    if ident in cat.booklet.talk:
        parts.append("the back of every booklet and leaflet (talk:)")
    return ", ".join(parts) or "printed nowhere (in no situation of an audience)"


def _list_service(cat: Catalogue, ident: str) -> None:
    """`booklet list --service ID`: where one service is printed, and where it is not."""
    import difflib

    from .selection import appearances

    if ident not in cat.services:
        guess = difflib.get_close_matches(ident, list(cat.services), n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise click.UsageError(f"no service '{ident}'; {hint}expected one of: {', '.join(sorted(cat.services))}")
    svc = cat.services[ident]
    found = appearances(cat, ident)
    situations = [sid for sid, s in sorted(cat.situations.items()) if ident in s.services]
    click.echo(f"{ident}: {svc.name} (content/services/{ident}.yaml)")
    click.echo(f"In situations: {', '.join(situations) or 'none'}")
    if svc.hold:
        click.echo(f"On hold: printed nowhere until its hold: is cleared ({svc.hold})")
        return
    click.echo("Printed in:" if found or ident in cat.booklet.talk else "Printed nowhere: it is in no situation of an audience")
    for aid, formats in found.items():
        audience = cat.audiences[aid]
        lead = " (one of its lead: services)" if audience.lead and any(c.service == ident for c in audience.lead) else ""
        click.echo(f"  {aid}: {', '.join(formats)}, and its web page{lead}")
    if ident in cat.booklet.talk:
        click.echo("  every audience: the back cover of each booklet and the back of each leaflet (talk: in content/booklet.yaml)")
    missing = [aid for aid in sorted(cat.audiences) if aid not in found]
    if missing:
        talk = " (as a card among the services)" if ident in cat.booklet.talk else ""
        click.echo(f"Not in{talk}: {', '.join(missing)}")
    shy = {aid: [f for f in ("leaflet", "poster", "card") if f not in formats] for aid, formats in found.items()}
    for aid, formats in shy.items():
        if formats:
            click.echo(f"Not on the {', '.join(formats)} of {aid}: each shows the services its list in "
                       f"content/audiences/{aid}.yaml names ({', '.join(f + ':' for f in formats)}), else its lead: first")


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

    from .build.incremental import read_manifest, unchanged_reasons
    from .build.make import build as run_build
    from .build.plan import editions, shard
    from .build.report import how_to_print, notices, translation_problems

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
    from . import confirm as recording
    from .validate import load_catalogue

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

    from . import verify as checker
    from .validate import load_catalogue

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
    from .fieldref import reference

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
    from .hsds import export as write_hsds

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
    from . import review
    from .verify import load_results

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


def _checked(root: Path) -> Catalogue:
    """The content, checked; its errors stop the command (with their file:line:column)."""
    from .build.make import check as run_check

    return run_check(root)


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
    from .serve import serve as run_server

    root = _root(ctx)
    _layouts(root)  # before the server starts: a missing folder is an error, not a page
    request = BuildRequest(audiences, langs, jobs=available_cores())
    with _terminate_as_interrupt():  # kill (SIGTERM) stops it as Ctrl-C does, its worker processes with it
        try:
            run_server(root, out or root / "output", request, host, port, lambda line: click.echo(line, err=True))
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
        finally:
            from .workers import end_resource_tracker

            end_resource_tracker()  # the workers are gone: this process leaves none of its own behind


@main.command(epilog="""\b
Example:
  booklet site --out output    after CI joined its shards' PDFs""")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder holding the PDFs and manifest.json (default: output/ in the project folder).")
@click.pass_context
def site(ctx: click.Context, out: Path | None) -> None:
    """Write the web pages (OUT/site/) again for every PDF in OUT/manifest.json, rendering nothing."""
    from .build.make import rewrite_site

    root = _root(ctx)
    out = out or root / "output"
    if not (out / "manifest.json").is_file():
        raise click.UsageError(f"no manifest.json in {out}; run 'booklet build' first")
    written = rewrite_site(root, out)
    click.echo(f"Done: {len(written)} web page{'s' if len(written) != 1 else ''} in {out / 'site'}", err=True)


@main.command(epilog="""\b
Examples:
  booklet translations                         coverage, and what is stale or missing
  booklet translations --export fr -o fr.po    for a translator
  booklet translations --import fr.po          take the translator's work back""")
@click.option("--export", "export_lang", metavar="LANG", help="Write the content's PO catalogue for LANG, for translators.")
@click.option("--import", "import_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Merge a translator's PO file into content/translations/.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="With --export: the file to write (default: standard output).")
@click.option("--update-templates", is_flag=True, help="Extract the layouts' phrases into layouts/locale/messages.pot and merge them into each language's catalogue.")
@click.option("--details", is_flag=True, help="List every stale and missing field.")
@click.pass_context
def translations(ctx: click.Context, export_lang: str | None, import_file: Path | None, output: Path | None,
                 update_templates: bool, details: bool) -> None:
    """Coverage of the translations, and the PO round trip for translators."""
    from .build.make import check as run_check
    from .i18n import exchange
    from .i18n.po import po_bytes
    from .i18n.syntax import msgfmt_path

    root = _root(ctx)
    cat = run_check(root)
    enabled = cat.booklet.languages
    if export_lang:
        if export_lang not in enabled or export_lang == "en":
            raise click.UsageError(f"language '{export_lang}' is not a translated language; expected one of: {', '.join(enabled[1:])}")
        data = po_bytes(exchange.export_catalogue(cat, root, export_lang))
        if output:
            output.write_bytes(data)
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(data.decode("utf-8"), nl=False)
        return
    if import_file:
        if msgfmt_path() is None:
            click.echo(f"note: msgfmt (GNU gettext) not found: {import_file} is checked with babel's parser only; "
                       "install gettext (Debian's package) for the full check", err=True)
        lang, taken, unchanged = exchange.import_file(cat, root, import_file)
        click.echo(f"{lang}: {taken} translation{'s' if taken != 1 else ''} taken, {unchanged} unchanged "
                   f"(content/translations/{lang}.po)")
        return
    if update_templates:
        for path in exchange.update_ui_catalogues(_layouts(root), enabled):
            click.echo(f"updated {path.relative_to(root) if path.is_relative_to(root) else path}")
        return
    _print_coverage(cat, root, _layouts(root), enabled, details)


LISTED = 20
"""How many stale or missing entries `booklet translations` lists under its table (--details: all)."""


def _listing(lang: str, result: Coverage) -> tuple[list[str], list[str]]:
    """The stale and the missing entries of one coverage, one line each: 'file:line: field: lang: why'."""
    def line(f: TextField, why: str) -> str:
        name = f.context.partition(":")[2] if not f.context.startswith("ui:") else repr(_short(f.text, 60))
        return f"{f.path}{f':{f.line}' if f.line else ''}: {name or f.context}: {lang}: {why}"

    return ([line(f, "stale (the English changed)") for f in result.stale], [line(f, "missing") for f in result.missing])


def _print_coverage(cat: Catalogue, root: Path, layouts: Path, langs: tuple[str, ...], details: bool = False) -> None:
    """The coverage table, then the stale and missing entries (stale first): the first LISTED,
    or all with ``details``."""
    import sys

    from rich.console import Console
    from rich.table import Table

    from .i18n.checks import coverage, ui_coverage

    table = Table(title="Translations", title_justify="left")
    for name in ("language", "kind", "strings", "translated", "reviewed", "machine drafts", "stale", "missing", "coverage"):
        table.add_column(name, justify="left" if name in ("language", "kind") else "right")
    stale: list[str] = []
    missing: list[str] = []
    for lang in langs:
        if lang == "en":
            continue
        for kind, result in (("content", coverage(cat, root, lang)), ("layouts", ui_coverage(layouts, lang))):
            table.add_row(lang, kind, str(result.total), str(result.translated), str(result.reviewed), str(result.drafts),
                          str(len(result.stale)), str(len(result.missing)), f"{result.percent:.0f} %")
            more_stale, more_missing = _listing(lang, result)
            stale += more_stale
            missing += more_missing
    console = Console() if sys.stdout.isatty() else Console(width=120)  # a terminal's own width; piped: unwrapped
    console.print(table)
    listed = stale + missing
    shown = listed if details else listed[:LISTED]
    for line in shown:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if len(shown) < len(listed):
        console.print(f"... and {len(listed) - len(shown)} more: run 'booklet translations --details'", markup=False,
                      highlight=False, soft_wrap=True)




def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def run(argv: list[str] | None = None) -> int:
    """Entry point for tests: returns the exit code instead of exiting."""
    try:
        code = main.main(args=argv, prog_name="booklet", standalone_mode=False)
    except BookletError as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return code if isinstance(code, int) else 0

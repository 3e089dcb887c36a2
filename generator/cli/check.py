"""`booklet check` and `booklet list`: every problem of the content, and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:

    from generator.content.catalogue import Catalogue
from generator.cli.app import _count, _printer, _root, main


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
    from generator.base.errors import collapsed_count, report, use_colour
    from generator.build.checks import load_checked
    from generator.paper.versions import check_installed

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
    from generator.i18n.checks import coverage

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
    from generator.build.make import check as run_check
    from generator.render.selection import appearances

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
    from generator.render.selection import SHORT_FORMATS

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

    from generator.render.selection import appearances

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

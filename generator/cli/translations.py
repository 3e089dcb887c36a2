"""`booklet translations`: coverage per language, templates, export and import of PO files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:

    from generator.content.catalogue import Catalogue
    from generator.content.texts import TextField
    from generator.i18n.checks import Coverage
from generator.cli.app import _layouts, _root, _short, main


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
    from generator.build.make import check as run_check
    from generator.i18n import exchange
    from generator.i18n.po import po_bytes
    from generator.i18n.syntax import msgfmt_path

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

    from rich.console import Console
    from rich.table import Table

    from generator.i18n.checks import coverage, ui_coverage

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

"""The `booklet` command group and what its commands share: the project folder, the layouts,
printing to the terminal. Exit codes: 0 success, 1 content or build errors, 2 usage errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__
from generator.base.clock import today
from generator.base.errors import BookletError, existing_layouts
from generator.base.files import layouts_of

if TYPE_CHECKING:

    from generator.content.catalogue import Catalogue


def _root(ctx: click.Context) -> Path:
    return ctx.obj["root"]


def _layouts(root: Path) -> Path:
    """The project's layouts (<root>/layouts), for the commands that lay something out or word
    it; a clear error (exit code 1) when the project has none."""
    return existing_layouts(layouts_of(root))


class Shown(click.ClickException):
    """A BookletError as click shows an error: "Error: " and its message, then its exit code."""

    def __init__(self, error: BookletError):
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it on the class; ours varies

    def format_message(self) -> str:
        return self.error.format_message()


class Group(click.Group):
    """The command group: an error a user can cause (errors.BookletError, raised below the command
    line, which knows nothing of click) is shown without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BookletError as exc:
            raise Shown(exc) from exc


@click.group(cls=Group, epilog="""\b
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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _checked(root: Path) -> Catalogue:
    """The content, checked; its errors stop the command (with their file:line:column)."""
    from generator.build.make import check as run_check

    return run_check(root)


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def run(argv: list[str] | None = None) -> int:
    """Entry point for tests: returns the exit code instead of exiting."""
    try:
        code = main.main(args=argv, prog_name="booklet", standalone_mode=False)
    except BookletError as exc:
        Shown(exc).show()
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

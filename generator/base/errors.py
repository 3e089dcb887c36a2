"""Problems found in content, and the exceptions the CLI turns into exit codes."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

RED, YELLOW, BOLD, RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"
"""The terminal's colours of a problem's label (what click.style writes; no click down here)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or doubtful) in the content, located in a file."""

    path: str
    line: int
    column: int
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"
    kind: Literal["", "hold", "review", "unconfirmed", "stale", "due", "translation"] = ""
    """What sort of warning: a fact on hold is repeated by every build; the others are listed by
    `booklet check`. Told apart by this, never by the wording of the message."""
    detail: str = ""
    """The long part of the message (why a fact is on hold), after ': '; `booklet check` leaves
    it out unless asked (--reviews), every build repeats it."""

    def __str__(self) -> str:
        return self.render()

    def render(self, colour: bool = False, *, brief: bool = False) -> str:
        """'path:line:column: error: field: message', as compilers write it (editors and CI jump
        to the place); on a terminal the label is coloured: errors red, warnings yellow. ``brief``:
        without the detail."""
        label = f"{self.severity}:"
        if colour:
            label = f"{RED if self.severity == 'error' else YELLOW}{BOLD}{label}{RESET}"
        field = f" {self.field}:" if self.field else ""
        detail = f": {self.detail}" if self.detail and not brief else ""
        return f"{self.path}:{self.line}:{self.column}: {label}{field} {self.message}{detail}"


def use_colour(err: bool = False) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    stream = sys.stderr if err else sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def report(problems: list[Problem], *, colour: bool = False, reviews: bool = True) -> list[str]:
    """The lines that report problems: warnings first, errors last (the last lines a person sees).
    Without ``reviews``, review notes, unconfirmed facts and checks due again are counted per file
    under one line that says how to list them, and a fact on hold is one line without its reason."""
    warnings = sorted(p for p in problems if p.severity == "warning")
    errors = sorted(p for p in problems if p.severity == "error")
    lines: list[str] = []
    collapsed: dict[str, dict[str, int]] = {}
    for p in warnings:
        if not reviews and p.kind in COLLAPSED:
            collapsed.setdefault(p.path, {}).setdefault(p.kind, 0)
            collapsed[p.path][p.kind] += 1
        elif not reviews and p.detail:
            lines.append(f"{p.render(colour, brief=True)} (booklet check --reviews says why)")
        else:
            lines.append(p.render(colour))
    if collapsed:
        n = sum(sum(kinds.values()) for kinds in collapsed.values())
        lines.append(f"{n} warning{'s' if n != 1 else ''} counted per file (booklet check --reviews lists them):")
    for path, kinds in sorted(collapsed.items()):
        counts = ", ".join(f"{n} {COLLAPSED[kind][0 if n == 1 else 1]}" for kind, n in kinds.items())
        lines.append(f"{path}: {counts}")
    lines.extend(p.render(colour) for p in errors)
    return lines


COLLAPSED = {"review": ("review note", "review notes"), "unconfirmed": ("unconfirmed fact", "unconfirmed facts"),
             "due": ("check due again", "checks due again")}
"""Warnings shown as a count per file unless asked for: what a person works through over time."""


def collapsed_count(problems: list[Problem]) -> int:
    """How many of these warnings `report` counts per file instead of listing (without --reviews)."""
    return sum(1 for p in problems if p.severity == "warning" and p.kind in COLLAPSED)


class BookletError(Exception):
    """Base of the errors a user can cause; the command line prints them without a traceback
    ("Error: " and ``format_message()``) and exits with ``exit_code`` (cli/app.py)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        return self.message

    def __str__(self) -> str:
        return self.message


class ContentError(BookletError):
    """The content has errors; carries every problem found in one run."""

    def __init__(self, problems: list[Problem], message: str = ""):
        self.problems = sorted(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(message or f"{count} error{'s' if count != 1 else ''} in the content")

    def format_message(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [p.render(use_colour(err=True)) for p in errors]
        warnings = len(self.problems) - len(errors)
        more = f" (and {warnings} warning{'s' if warnings != 1 else ''}: 'booklet check' lists them)" if warnings else ""
        lines.append(self.message + more)
        return "\n".join(lines)


class ImportRefused(ContentError):
    """A translator's PO file that `booklet translations --import` does not take: the fault is in
    that file (or in the stored catalogue it would be merged into), not in the content."""

    def __init__(self, problems: list[Problem], imported: str, stored: str):
        count = sum(1 for p in problems if p.severity == "error")
        errors = f"{count} error{'s' if count != 1 else ''}"
        if all(p.path == imported for p in problems):
            name = Path(imported).name
            message = (f"{errors} in {name}, the file you import: nothing was taken ({stored} is as it was); "
                       f"fix {name} at the lines above (or send it back to its translator) and import it again")
        else:
            message = (f"{errors} in {stored}, the catalogue the file would be merged into: nothing was taken; "
                       f"fix {stored} at the lines above ('booklet check' lists them too), then import again")
        super().__init__(problems, message)

    def format_message(self) -> str:
        return "\n".join([*(p.render(use_colour(err=True)) for p in self.problems), self.message])


class BuildError(BookletError):
    """Rendering or writing failed for a reason that is not a content error."""


class NoLayouts(BookletError):
    """The project folder has no layouts/: its templates, stylesheets, fonts and phrase catalogues
    are read from there, never from the installed package."""

    def __init__(self, folder: Path):
        self.folder = folder
        super().__init__(f"no layouts folder: {folder} does not exist. A project holds its own layouts/ "
                         "(templates, stylesheets, fonts, phrase catalogues) next to content/: copy the booklet "
                         "project's layouts/ there, or pass --root with the project folder")


def existing_layouts(folder: Path) -> Path:
    """``folder`` when it is a folder; NoLayouts naming it otherwise."""
    if not folder.is_dir():
        raise NoLayouts(folder)
    return folder

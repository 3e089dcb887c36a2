"""Problems found in content, and the exceptions the CLI turns into exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import click


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

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{field} {prefix}{self.message}"


class BookletError(click.ClickException):
    """Base of the errors a user can cause; the CLI prints them without a traceback."""

    exit_code = 1


class ContentError(BookletError):
    """The content has errors; carries every problem found in one run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the content")

    def format_message(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(self.message)
        return "\n".join(lines)


class BuildError(BookletError):
    """Rendering or writing failed for a reason that is not a content error."""

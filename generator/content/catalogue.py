"""The content, read and checked: the ``Catalogue`` every layer above the content is handed.

Pure data: the valid objects of each kind of file, the documents they were read from (for
file:line:column), the problems found and which files are damaged or salvaged. Filled in by
``generator.content.validate.load_catalogue``; nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.base.errors import Problem
from generator.content.load import Document
from generator.content.model import Audience, BookletText, Centre, Service, Situation


@dataclass
class Catalogue:
    """Everything under content/, checked."""

    root: Path
    services: dict[str, Service] = field(default_factory=dict)
    situations: dict[str, Situation] = field(default_factory=dict)
    audiences: dict[str, Audience] = field(default_factory=dict)
    centres: dict[str, Centre] = field(default_factory=dict)
    booklet: BookletText = field(default_factory=BookletText)
    documents: dict[tuple[str, str], Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[tuple[str, str]] = field(default_factory=set)
    """Files that exist but could not be read (a YAML syntax error): their own error is reported,
    and a reference to them is not reported again as missing."""
    damaged: set[tuple[str, str]] = field(default_factory=set)
    """Files with errors of their own (unreadable, or not valid against the schema): nothing is
    built from them."""
    salvaged: dict[tuple[str, str], Salvaged] = field(default_factory=dict)
    """Damaged files read as far as they are right (``salvage``): their warnings are reported all
    the same, and they are counted, so an error in a file hides none of the rest of it."""

    def count(self, kind: str) -> int:
        """How many files of that kind were read, valid or not."""
        return len({ident for k, ident in (*self.documents, *self.unreadable) if k == kind})

    def with_salvaged(self) -> Catalogue:
        """This catalogue with the damaged files' salvaged parts added, for checks that report
        warnings (never for a build: those files have errors)."""
        if not self.salvaged:
            return self
        more: dict[str, dict[str, Any]] = {kind: dict(getattr(self, kind)) for kind in KINDS}
        booklet = self.booklet
        for (kind, ident), part in self.salvaged.items():
            if kind == "booklet":
                booklet = part.obj
            else:
                more[kind][ident] = part.obj
        return replace(self, booklet=booklet, **more)  # type: ignore[arg-type]

    def dropped(self, kind: str, ident: str) -> frozenset[str]:
        """The top-level fields of a damaged file left out (or stood in for) when it was salvaged."""
        part = self.salvaged.get((kind, ident))
        return part.dropped if part else frozenset()

    def exists(self, kind: str, ident: str) -> bool:
        """A file of that kind and id is there, whether or not it is valid."""
        return (kind, ident) in self.documents or (kind, ident) in self.unreadable

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def doc(self, kind: str, ident: str) -> Document:
        return self.documents[(kind, ident)]


@dataclass(frozen=True)
class Salvaged:
    """What could be read of a file with errors: the object without its broken items, and the
    top-level fields left out or stood in for (checks about those fields are not made)."""

    obj: Any
    dropped: frozenset[str]


KINDS: dict[str, type[BaseModel]] = {"services": Service, "situations": Situation, "audiences": Audience, "centres": Centre}

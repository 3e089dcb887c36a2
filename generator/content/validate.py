"""Load every content file, check it against the schema and across files, and collect all problems.

Nothing stops at the first problem: `load_catalogue` reads every file and returns every error and
warning it found, each with file, line, column and field, so an editor can fix them in one pass.

This module reads the files and runs the checks; each job is a module of generator/content/:
``schema`` (pydantic's errors in an editor's words), ``salvage`` (a damaged file read as far as
it is right, for its warnings), ``rules`` (the rules across files and the warnings),
``links`` (links written in text go where the structured fields say). The translation files are
checked above the content layer (generator/build/checks.py).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.base import clock
from generator.base.errors import Problem
from generator.base.files import leads_out
from generator.content.catalogue import KINDS, Catalogue, Salvaged
from generator.content.links import text_link_problems
from generator.content.load import Document, LoadError, read
from generator.content.model import BookletText
from generator.content.rules import cross_check
from generator.content.salvage import salvage
from generator.content.schema import translate

# ------------------------------------------------------------------ loading


def _validate(doc: Document, model: type[BaseModel], ident: str | None, problems: list[Problem]) -> Any:
    try:
        obj = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(translate(dict(e), model, doc) for e in exc.errors(include_url=False))
        return None
    if ident is not None and doc.data.get("id") not in (None, ident):
        problems.append(doc.problem(("id",), f"'{doc.data['id']}' does not match the file name; expected '{ident}'"))
    return obj


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What an id is (model.Id): lower-case letters and digits, in words joined by '-'."""


def _file_refused(file: Path, rel: str, ident: str, content: Path) -> Problem | None:
    """Why a content file is not read: a symbolic link leading out of content/, or a file name
    that is not an id (the id names the file's pages and PDFs: 'x"y <z>#?' would break their
    links, '..' would make a centre's booklet the general edition's)."""
    if leads_out(file, content):
        return Problem(rel, 1, 1, "", "a symbolic link leading out of content/ (or a broken one); expected the file itself "
                                      "in content/: not read")
    if not _ID.fullmatch(ident):
        near = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", ident.lower())).strip("-") or "name"
        return Problem(rel, 1, 1, "id", f"the file name '{file.name}' does not make an id; expected lower-case letters "
                                        f"and digits in words joined by '-', such as '{near}{file.suffix}': not read")
    return None


def load_catalogue(root: Path, today: date | None = None) -> Catalogue:
    """Read and check all of content/ under ``root``; problems are collected, never raised. The
    translation files are checked above this layer (generator/build/checks.py: load_checked)."""
    today = today or clock.today()
    cat = Catalogue(root)
    content = root / "content"
    for kind, model in KINDS.items():
        folder = content / kind
        files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
        target: dict[str, Any] = getattr(cat, kind)
        seen: dict[str, str] = {}
        for file in files:
            ident = file.stem
            rel = file.relative_to(root).as_posix()
            refused = _file_refused(file, rel, ident, content)
            if refused is not None:
                cat.problems.append(refused)
                continue
            if ident in seen:
                cat.problems.append(Problem(rel, 1, 1, "id", f"duplicate id '{ident}' (also {seen[ident]}); expected each id once"))
                continue
            seen[ident] = rel
            try:
                doc = read(file, root)
            except LoadError as exc:
                cat.problems.append(exc.problem)
                cat.unreadable.add((kind, ident))
                cat.damaged.add((kind, ident))
                continue
            cat.documents[(kind, ident)] = doc
            obj = _validate(doc, model, ident, cat.problems)
            if obj is not None:
                target[ident] = obj
            else:
                _keep_salvaged(cat, kind, ident, doc, model)
    booklet_file = content / "booklet.yaml"
    if booklet_file.exists() and leads_out(booklet_file, content):
        cat.problems.append(_file_refused(booklet_file, "content/booklet.yaml", "booklet", content))  # type: ignore[arg-type]
    elif booklet_file.exists():
        try:
            doc = read(booklet_file, root)
            cat.documents[("booklet", "booklet")] = doc
            obj = _validate(doc, BookletText, None, cat.problems)
            if obj is not None:
                cat.booklet = obj
            else:
                _keep_salvaged(cat, "booklet", "booklet", doc, BookletText)
        except LoadError as exc:
            cat.problems.append(exc.problem)
            cat.damaged.add(("booklet", "booklet"))
    if not cat.audiences and not any(p.path.startswith("content/audiences") for p in cat.problems):  # noqa: SIM102
        cat.problems.append(Problem("content/audiences", 1, 1, "", "no audience files; expected at least one content/audiences/<id>.yaml"))
    shadow = cat.with_salvaged()  # the damaged files' warnings are reported all the same
    cross_check(cat, shadow, today)
    salvaged = {cat.doc(kind, ident).path for kind, ident in cat.salvaged}
    # a link in a damaged file's text may point at the very item that was left out: its errors wait for the fix
    cat.problems.extend(p for p in text_link_problems(shadow) if p.severity == "warning" or p.path not in salvaged)
    cat.problems.sort()
    return cat


def _keep_salvaged(cat: Catalogue, kind: str, ident: str, doc: Document, model: type[BaseModel]) -> None:
    """Record a file with errors of its own, and what of it can be read for its warnings."""
    cat.damaged.add((kind, ident))
    found = salvage(doc, model, ident if kind != "booklet" else None)
    if found is not None:
        obj, pruned, dropped = found
        cat.salvaged[(kind, ident)] = Salvaged(obj, dropped)
        cat.documents[(kind, ident)] = pruned


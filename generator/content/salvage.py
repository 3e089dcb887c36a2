"""A content file with errors, read as far as it is right: its items with errors left out and
its broken required fields stood in for, so that its warnings are reported all the same (a file
with errors is never built)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.base import clock
from generator.content.load import Document, Loc
from generator.content.schema import is_pydantic_tag

STAND_INS: dict[str, dict[str, Any]] = {
    "Service": {"name": "?", "summary": "?", "regions": ["federal"]},
    "Situation": {"title": "?"},
    "Audience": {"title": "?"},
    "Centre": {"name": "?"},
}
"""Values that stand in for a broken required field while a damaged file is salvaged (last_verified:
today, so that no check is said to be due); a field with none (an audience's situations, a
centre's contacts) leaves the file unsalvaged."""


def salvage(doc: Document, model: type[BaseModel], ident: str | None) -> tuple[Any, Document, frozenset[str]] | None:
    """Read a file that does not validate as far as it is right: each item of a list that holds
    an error is left out (the whole phone line with a wrong number, one period of hours), and a
    top-level field with an error is left out, or stood in for when required (STAND_INS). Returns
    the object, the document with the same items left out (a warning on what remains names its
    own line and field, as written), and the top-level fields dropped; None when nothing sensible
    remains. Only for warnings: a file with errors is never built."""
    data = copy.deepcopy(doc.data)
    if not isinstance(data, dict):
        return None
    pruned = Document(doc.path, data, doc.positions, doc.key_positions)
    dropped: set[str] = set()
    stand_ins = dict(STAND_INS.get(model.__name__, {}))
    if "last_verified" in model.model_fields:
        stand_ins["last_verified"] = clock.today()
    for _ in range(10):
        try:
            obj = model.model_validate(data, context={"salvage": True})
        except ValidationError as exc:
            cuts: list[Loc] = []
            standing: set[str] = set()
            for err in exc.errors(include_url=False):
                loc: Loc = tuple(p for p in err["loc"] if isinstance(p, int) or not is_pydantic_tag(p))
                ints = [i for i, part in enumerate(loc) if isinstance(part, int)]
                if ints:
                    cuts.append(loc[: ints[-1] + 1])
                elif loc and loc[0] in stand_ins and data.get(str(loc[0])) != stand_ins[str(loc[0])]:
                    standing.add(str(loc[0]))
                elif loc and loc[0] in data and loc[0] not in stand_ins:
                    cuts.append(loc[:1])
                else:
                    return None  # the file as a whole, or a required field with no stand-in
            for cut in sorted(set(cuts), key=_loc_key, reverse=True):  # later items first: earlier ones keep their index
                if cut[0] not in standing:
                    _cut(pruned, cut)
                    dropped.add(str(cut[0]))
            for name in standing:
                data[name] = copy.deepcopy(stand_ins[name])
                dropped.add(name)
            continue
        if ident is not None and data.get("id") not in (None, ident):
            return None
        return obj, pruned, frozenset(dropped)
    return None


def _loc_key(loc: Loc) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in loc)


def _cut(doc: Document, cut: Loc) -> None:
    """Leave out the value at ``cut`` (a list item or a mapping's key) from ``doc``'s data; the
    document remembers it, so that what follows keeps its place in the file (Document.original)."""
    parent: Any = doc.data
    for part in cut[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = cut[-1]
    if isinstance(last, int) and isinstance(parent, list) and 0 <= last < len(parent):
        del parent[last]
    elif isinstance(last, str) and isinstance(parent, dict) and last in parent:
        del parent[last]
    else:
        return
    doc.cuts.append(cut)

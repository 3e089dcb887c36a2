"""The schema's errors in an editor's words: each error pydantic finds in a content file,
as a located ``Problem`` saying what is wrong and what was expected ('unknown field 'hours';
did you mean ...', 'expected a list ... write it as ...')."""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel

from generator.base.errors import Problem
from generator.content import model as model_module
from generator.content.load import Document, Loc


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the field at ``loc`` (for listing the allowed field names)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = next((f for name, f in current.model_fields.items() if (f.alias or name) == part), None)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in typing.get_args(annotation) or ():
        found = _inner_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def _home_of(parent: type[BaseModel], key: str) -> tuple[str, str] | None:
    """The field of ``parent`` whose items (a model) have a field ``key``, with the first required
    field of those items, when ``parent`` has no such field itself: where a misplaced key belongs."""
    for name, info in parent.model_fields.items():
        inner = _inner_model(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel) and key in _field_names(inner):
            required = [f.alias or n for n, f in inner.model_fields.items() if f.is_required()]
            return info.alias or name, (required or _field_names(inner))[0]
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value) if not isinstance(value, str) else f"'{value}'"


_MODEL_NAMES = {name for name, obj in vars(model_module).items() if isinstance(obj, type) and issubclass(obj, BaseModel)}


def is_pydantic_tag(part: str) -> bool:
    """Parts pydantic adds to an error's location that are not keys of the file: the member of
    a union ('ServiceRef', 'function-plain[parse_time()]', 'str')."""
    return part in _MODEL_NAMES or "[" in part or part in ("str", "int", "none", "list[...]", "tuple[...]")


def translate(err: dict[str, Any], model: type[BaseModel], doc: Document) -> Problem:
    loc: Loc = tuple(p for p in err["loc"] if isinstance(p, int) or not is_pydantic_tag(p))
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = _field_names(parent) if parent else []
        key = str(loc[-1]) if loc else "?"
        home = _home_of(parent, key) if parent else None
        if home is not None:  # a field of a list's items, one level too high ('hours' beside 'phones')
            container, first = home
            return doc.problem(loc, f"unknown field '{key}' here; '{key}' belongs under each item of '{container}': "
                               f"{container}: - {first}: … {key}: …", key=True)
        guess = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        return doc.problem(loc, f"unknown field '{key}'; {hint}expected one of: {', '.join(allowed)}", key=True)
    if kind == "missing":
        allowed = _allowed_values(model, loc)
        example = _EXAMPLES.get(str(loc[-1]) if loc else "", "")
        if allowed:
            return doc.problem(loc, f"is required but missing; expected one or more of: {', '.join(allowed)}"
                               + (f", written as {example}" if example else ""))
        return doc.problem(loc, "is required but missing; expected a value here" + (f", written as {example}" if example else ""))
    if kind in ("value_error", "assertion_error"):
        message = str(err.get("ctx", {}).get("error") or err["msg"])
        return doc.problem(loc, message)
    if kind == "literal_error":
        return doc.problem(loc, f"{_describe(value)} is not allowed; expected one of {err['ctx']['expected']}")
    if kind in ("string_type", "str_type"):
        hint = " (a ': ' inside text starts a mapping: put the text in quotes)" if isinstance(value, dict) else ""
        return doc.problem(loc, f"expected text, got {_describe(value)}{hint}")
    if kind in ("tuple_type", "list_type"):
        example = _EXAMPLES.get(next((p for p in reversed(loc) if isinstance(p, str)), ""), "")
        return doc.problem(loc, f"expected a list, got {_describe(value)}" + (f"; write it as {example}" if example else ""))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        held = _model_at(model, loc)
        example = _EXAMPLES.get(next((p for p in reversed(loc) if isinstance(p, str)), ""), "")
        what = _MODEL_WORDS.get(held.__name__, "a mapping of fields") if held else "a mapping of fields"
        return doc.problem(loc, f"expected {what}, got {_describe(value)}" + (f"; write it as {example}" if example else ""))
    if kind in ("bool_type", "bool_parsing"):
        return doc.problem(loc, f"expected true or false, got {_describe(value)}")
    if kind.startswith("date"):
        return doc.problem(loc, f"{_describe(value)} is not a date; expected YYYY-MM-DD such as 2026-11-28")
    if kind == "string_too_short":
        return doc.problem(loc, "is empty; expected some text")
    if kind == "too_short":
        return doc.problem(loc, "is empty; expected at least one item")
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "postcode":
            return doc.problem(loc, f"{_describe(value)} is not a Belgian postcode; expected four digits such as '1000'")
        return doc.problem(loc, f"{_describe(value)} is not a valid id; expected lower-case words joined by '-', such as 'federal-ombudsman'")
    return doc.problem(loc, f"{err['msg']}; got {_describe(value)}")


_EXAMPLES = {
    "hours": 'hours: - {days: mo-fr, from: "09:00", to: "17:00"} (one line per period; part: morning instead of times)',
    "phones": "phones: - number: 02 212 30 00 (then hours: under it)",
    "links": "links: - url: https://www.unia.be/ with kind: website under it",
    "addresses": 'addresses: - street: Rue Haute 320 with postcode: "1000" and city: Bruxelles under it',
    "chats": "chats: - url: https://... with hours: under it",
    "lists": "lists: - heading: ... with items: - ... under it",
    "regions": "regions: [federal]",
    "languages": "languages: [nl, fr]",
    "situations": "situations: [reception-centre, work]",
    "emergency": "emergency: - number: '112' with label: ... under it",
    "contacts": "contacts: - name: Social service with summary: and phones: under it",
}
"""How each field with a shape is written, as a person types it: shown when the shape is wrong."""

_MODEL_WORDS = {"Hours": "an opening period", "PhoneLine": "a phone line", "Link": "a web page", "Address": "an address",
                "Chat": "a chat", "Block": "a list", "ServiceRef": "a situation", "CentreContact": "a contact"}


def _allowed_values(model: type[BaseModel], loc: Loc) -> list[str]:
    """The allowed values of an enumerated field (a Literal, or a list of them), else []."""
    parent = _model_at(model, loc[:-1]) if loc else None
    if parent is None or not loc:
        return []
    info = next((f for name, f in parent.model_fields.items() if (f.alias or name) == loc[-1]), None)
    if info is None:
        return []

    def literals(annotation: Any) -> list[str]:
        if typing.get_origin(annotation) is typing.Literal:
            return [str(a) for a in typing.get_args(annotation)]
        return [v for arg in typing.get_args(annotation) for v in literals(arg)]

    return literals(info.annotation)

"""The field reference of the content files, generated from the schema itself (generator/content/model.py:
each field's type and the docstring under it), so that it cannot drift from what the validator
accepts. `booklet fields` prints it; docs/fields.md is its copy in the repository (a test keeps
the two identical: run `booklet fields > docs/fields.md` after changing the schema)."""

from __future__ import annotations

import datetime
import functools
import typing
from typing import Any

from pydantic import BaseModel

from generator.content import model

FILES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("content/services/<id>.yaml", model.Service),
    ("content/situations/<id>.yaml", model.Situation),
    ("content/audiences/<id>.yaml", model.Audience),
    ("content/centres/<id>.yaml", model.Centre),
    ("content/booklet.yaml", model.BookletText),
)
"""Each kind of file and the class that checks it, in the order an editor meets them."""

NAMES = {"Hours": "opening period", "PhoneLine": "phone line", "Chat": "chat", "Link": "web page", "Address": "address",
         "Block": "list", "ServiceRef": "situation", "CentreContact": "contact"}
SCALARS = {"PhoneNumber": "phone number", "Url": "https address", "Email": "email address", "Language": "language code (ISO 639-1)",
           "Days": "days (`mo-fr`, `sa`, `[mo, th]`)", "Minutes": "time `HH:MM`", "Text": "text", "Prose": "text, translated", "Id": "id (`lower-case-words`)"}


def _type(annotation: Any) -> str:
    """A field's type in words: 'list of phone lines', 'one of: federal, brussels, ...'."""
    alias = getattr(annotation, "__name__", "")
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        alias_name = _alias_of(annotation)
        return SCALARS[alias_name] if alias_name else _type(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return "one of: " + ", ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin in (tuple, list):
        inner = typing.get_args(annotation)[0]
        words = _type(inner)
        return f"list of {_plural(words)}" if inner in _models() else f"list of {words}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping of {_type(key)} to {_type(value)}"
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        parts = [a for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(_type(a) for a in parts)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return NAMES.get(annotation.__name__, annotation.__name__)
    return {"str": "text", "bool": "`true` or `false`", "int": "whole number", "date": "date `YYYY-MM-DD`"}.get(alias, alias or str(annotation))


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith("s") else "s")


def _alias_of(annotation: Any) -> str:
    for name in SCALARS:
        if getattr(model, name, None) == annotation:
            return name
    return ""


def _models() -> set[type[BaseModel]]:
    return {obj for obj in vars(model).values() if isinstance(obj, type) and issubclass(obj, BaseModel)}


def _rows(cls: type[BaseModel]) -> tuple[list[str], list[type[BaseModel]]]:
    """The table of one class, and the classes its fields hold (described after it)."""
    rows = ["| Field | Type | Required | What it is |", "|---|---|---|---|"]
    nested: list[type[BaseModel]] = []
    for name, info in cls.model_fields.items():
        key = info.alias or name
        for arg in _all_args(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in nested:
                nested.append(arg)
        required = "yes" if info.is_required() else ""
        plain = info.is_required() or info.default_factory is not None or info.default in (None, (), {}, "")
        default = "" if plain else f" Default: `{_show(info.default)}`."
        description = " ".join((info.description or "").split()) + default
        rows.append(f"| `{key}` | {_type(_declared(cls, name))} | {required} | {description.strip()} |")
    return rows, nested


def _declared(cls: type[BaseModel], name: str) -> Any:
    """The annotation as written in the class (keeps the named aliases such as PhoneNumber)."""
    return _hints(cls).get(name, cls.model_fields[name].annotation)


@functools.cache
def _hints(cls: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(cls, globalns=vars(model), include_extras=True)


def _all_args(annotation: Any) -> list[Any]:
    args = list(typing.get_args(annotation))
    return [annotation, *[a for arg in args for a in _all_args(arg)]]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def reference() -> str:
    """The whole reference, as Markdown."""
    out = ["# Content fields", "",
           "Generated from `generator/content/model.py` by `booklet fields`; do not edit by hand. Every field",
           "not marked required may be left out. Text fields are plain text with `*emphasis*`, `**strong**`",
           "and `[links](https://...)` allowed. A *text, translated* is offered to translators (`booklet translations",
           "--export`) and printed in each booklet's language; a *text* is printed as written.", ""]
    described: set[type[BaseModel]] = set()
    for path, cls in FILES:
        out += [f"## {path}", "", " ".join((cls.__doc__ or "").split()), ""]
        queue = [cls]
        while queue:
            current = queue.pop(0)
            if current in described:
                continue
            described.add(current)
            rows, nested = _rows(current)
            if current is not cls:
                out += [f"### {NAMES.get(current.__name__, current.__name__).capitalize()} (in {path})", "",
                        " ".join((current.__doc__ or "").split()), ""]
            out += rows + [""]
            queue += [n for n in nested if n not in described]
    return "\n".join(out).rstrip() + "\n"

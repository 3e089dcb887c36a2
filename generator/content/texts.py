"""The texts of the content a reader reads, found by reading the schema.

A field is translated when generator/content/model.py declares it ``Prose`` (``Annotated[str, ...,
Translatable()]``): ``text_paths`` reads the models, so a new field declared so is offered to
translators, counted in the coverage and checked for its links with no second list to update.
Every other text field of the schema is named in ``UNTRANSLATED`` with why (tests/test_i18n.py
fails on a text field that is in neither).

Each text is a ``TextField``: its context (``services/myria:lists[0].items[2]``, the msgctxt of
its entry in content/translations/<lang>.po), its English text, its file and place in the file.
The order is the reading order of a file: a model's own texts and its lists of prose (models
whose every text is translated, such as a list with its heading) in the order of the model, then
the texts of the contact means it holds (phone lines, chats, links, addresses, a centre's
contacts: models that also hold facts), in the order of the model. That order is the order of an
exported catalogue and where an imported entry new to a stored catalogue is put.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from generator.content.catalogue import Catalogue
from generator.content.load import Document, Loc, format_loc
from generator.content.model import Audience, BookletText, Centre, Service, Situation, Translatable

MODELS: dict[str, type[BaseModel]] = {"services": Service, "situations": Situation, "audiences": Audience,
                                      "booklet": BookletText, "centres": Centre}
"""Each kind of content file and its model, in the order of a catalogue's entries."""

UNTRANSLATED: dict[str, str] = {
    "Service.id": "an id: the file's name, never printed",
    "Situation.id": "an id: the file's name, never printed",
    "Audience.id": "an id: the file's name, never printed",
    "Centre.id": "an id: the file's name, never printed",
    "Service.name": "the organisation's own name, printed as it writes it (full_name says what it is, translated)",
    "Service.names": "the organisation's official names in other languages, each already in its language",
    "Centre.name": "the centre's own name, printed as written",
    "Service.languages": "language codes",
    "Centre.languages": "language codes",
    "BookletText.languages": "language codes",
    "Service.emails": "email addresses",
    "CentreContact.emails": "email addresses",
    "Service.sources": "addresses of the evidence, never printed",
    "Situation.sources": "addresses of the evidence, never printed",
    "PhoneLine.source": "the address of the evidence, never printed",
    "Link.source": "the address of the evidence, never printed",
    "Link.url": "a web address (printed and in a QR code as it is)",
    "Chat.url": "a web address",
    "BookletText.site_url": "a web address",
    "BookletText.exit_url": "a web address",
    "Service.review": "a note for the editors, never printed",
    "Situation.review": "a note for the editors, never printed",
    "Audience.review": "a note for the editors, never printed",
    "Centre.review": "a note for the editors, never printed",
    "BookletText.review": "a note for the editors, never printed",
    "Service.unconfirmed": "a note for the editors and the call sheet, never printed",
    "Service.hold": "a note for the editors: the service is not printed",
    "PhoneLine.hold": "a note for the editors: the line is not printed",
    "Lead.why": "why a service leads, for the editors (booklet list), never printed",
    "Lead.service": "an id",
    "ServiceRef.situation": "an id",
    "ServiceRef.services": "ids",
    "Situation.services": "ids",
    "Audience.leaflet": "ids",
    "Audience.poster": "ids",
    "Audience.card": "ids",
    "Centre.audiences": "ids",
    "BookletText.talk": "ids",
    "Address.street": "a place's name, printed as the organisation writes it",
    "Address.postcode": "four digits",
    "Address.city": "a place's name, printed as the organisation writes it",
    "Hours.days": "day codes, printed in the layouts' words",
    "BookletText.topic_words": "words of each language, already in that language",
}
"""Every text field of the schema that is not translated, with why."""


@dataclass(frozen=True)
class TextField:
    """One text of the content, in English, where it is."""

    context: str  # 'services/myria:lists[0].items[2]'
    text: str  # the English text
    path: str  # content file, for messages
    loc: tuple[str | int, ...]
    line: int = 0


def is_translatable(info: Any) -> bool:
    """A pydantic field (or an annotation) declared ``Prose``, alone, optional or in a list."""
    if any(isinstance(m, Translatable) for m in getattr(info, "metadata", ())):
        return True
    annotation = getattr(info, "annotation", info)
    if typing.get_origin(annotation) is typing.Annotated and any(isinstance(m, Translatable) for m in annotation.__metadata__):
        return True
    return any(is_translatable(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis)


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (alone, optional or in a list), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _holds_facts(model: type[BaseModel]) -> bool:
    """A model with a text that is not translated (a number, an address, a url): a contact means."""
    for info in model.model_fields.values():
        inner = inner_model(info.annotation)
        if inner is not None:
            if _holds_facts(inner):
                return True
        elif _has_str(info.annotation) and not is_translatable(info):
            return True
    return False


def _has_str(annotation: Any) -> bool:
    return annotation is str or any(_has_str(arg) for arg in typing.get_args(annotation))


@cache
def text_paths(model: type[BaseModel]) -> tuple[str, ...]:
    """The dotted names of the translated fields of a model and of the models it holds, in
    reading order (the module's docstring): Service gives ('full_name', ..., 'lists.heading',
    'lists.items', 'notes', 'phones.label', ...)."""
    prose: list[str] = []
    facts: list[str] = []
    for name, info in model.model_fields.items():
        inner = inner_model(info.annotation)
        if inner is not None:
            nested = [f"{name}.{path}" for path in text_paths(inner)]
            (facts if _holds_facts(inner) else prose).extend(nested)
        elif is_translatable(info):
            prose.append(name)
    return (*prose, *facts)


def fields_of(kind: str, ident: str, obj: object, doc: Document | None = None) -> Iterator[TextField]:
    """The texts of one content file (``kind`` as in MODELS; 'booklet' for content/booklet.yaml)."""
    path = f"content/{kind}/{ident}.yaml" if kind != "booklet" else "content/booklet.yaml"
    prefix = f"{kind}/{ident}:" if kind != "booklet" else "booklet:"

    def emit(value: object, loc: Loc) -> Iterator[TextField]:
        if value is None:
            return
        if isinstance(value, str):
            yield TextField(prefix + format_loc(doc.original(loc) if doc else loc), value, path, loc, doc.where(loc)[0] if doc else 0)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                yield from emit(item, loc + (i,))

    def walk(value: object, names: list[str], loc: Loc) -> Iterator[TextField]:
        """Follow a dotted field name ('contacts.phones.label') through lists of objects."""
        head, rest = names[0], names[1:]
        inner = getattr(value, head)
        if not rest:
            yield from emit(inner, loc + (head,))
            return
        for i, sub in enumerate(inner):
            yield from walk(sub, rest, loc + (head, i))

    for name in text_paths(MODELS[kind]):
        yield from walk(obj, name.split("."), ())


def content_fields(cat: Catalogue, lang: str | None = None) -> list[TextField]:
    """Every translatable text of the content, in a stable order; with ``lang``, only those a
    document in that language can print (a centre's contacts only in the centre's languages)."""
    out: list[TextField] = []
    for kind in ("services", "situations", "audiences"):
        items: dict[str, Any] = getattr(cat, kind)
        for ident in sorted(items):
            out.extend(fields_of(kind, ident, items[ident], cat.documents.get((kind, ident))))
    out.extend(fields_of("booklet", "booklet", cat.booklet, cat.documents.get(("booklet", "booklet"))))
    for ident in sorted(cat.centres):
        if lang is not None and lang not in cat.centres[ident].languages:
            continue
        out.extend(fields_of("centres", ident, cat.centres[ident], cat.documents.get(("centres", ident))))
    return out

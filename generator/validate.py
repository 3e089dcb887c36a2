"""Load every content file, check it against the schema and across files, and collect all problems.

Nothing stops at the first problem: `load_catalogue` reads every file and returns every error and
warning it found, each with file, line, column and field, so an editor can fix them in one pass.
"""

from __future__ import annotations

import copy
import difflib
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ValidationError

from . import clock
from . import model as model_module
from .content.catalogue import KINDS, Catalogue, Salvaged
from .errors import Problem
from .fields import DAYS, TEXT_URL, Phone, parse_email, tel_number, text_facts, text_links, visible_text
from .files import leads_out
from .formats import FORMATS
from .load import Document, LoadError, Loc, read
from .model import Audience, BookletText, PhoneLine, Service
from .qr import QR_MAX_MM, qr_modules, qr_width_mm

STALE_AFTER = timedelta(days=365)
"""A check older than this is stale: a warning, and an error under --strict."""
DUE_AFTER = timedelta(days=183)
"""A check older than this (six months) is due again: a warning, even under --strict."""


# ------------------------------------------------------------------ pydantic errors, in our words


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


def _is_pydantic_tag(part: str) -> bool:
    """Parts pydantic adds to an error's location that are not keys of the file: the member of
    a union ('ServiceRef', 'function-plain[parse_time()]', 'str')."""
    return part in _MODEL_NAMES or "[" in part or part in ("str", "int", "none", "list[...]", "tuple[...]")


def translate(err: dict[str, Any], model: type[BaseModel], doc: Document) -> Problem:
    loc: Loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _is_pydantic_tag(p))
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
                loc: Loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _is_pydantic_tag(p))
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
    """Read and check all of content/ under ``root``; problems are collected, never raised."""
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
    _cross_check(cat, shadow, today)
    salvaged = {cat.doc(kind, ident).path for kind, ident in cat.salvaged}
    # a link in a damaged file's text may point at the very item that was left out: its errors wait for the fix
    cat.problems.extend(p for p in text_link_problems(shadow) if p.severity == "warning" or p.path not in salvaged)
    booklet = ("booklet", "booklet")
    if booklet not in cat.damaged or (booklet in cat.salvaged and "languages" not in cat.dropped(*booklet)):  # languages known
        from .i18n import centre_translation_problems, translation_file_problems  # late import: i18n reads the checked content

        cat.problems.extend(translation_file_problems(shadow))
        cat.problems.extend(centre_translation_problems(shadow))
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


def _cross_check(cat: Catalogue, shadow: Catalogue, today: date) -> None:
    """References between files, and the warnings an editor should act on. ``shadow`` is ``cat``
    with the salvaged parts of damaged files: their references and warnings are checked too, but a
    check that leans on what a damaged file says (a lead service's phones) waits for the fix."""
    add = cat.problems.append
    for sid, situation in shadow.situations.items():
        doc = cat.doc("situations", sid)
        seen: set[str] = set()
        for i, ref in enumerate(situation.services):
            if ref in seen:
                add(doc.problem(("services", i), f"'{ref}' is listed twice; expected each service once"))
            seen.add(ref)
            if ref not in cat.services and not cat.exists("services", ref):
                add(doc.problem(("services", i), f"no service '{ref}' (expected content/services/{ref}.yaml){_near(ref, cat.services)}"))
    for aid, audience in shadow.audiences.items():
        doc = cat.doc("audiences", aid)
        for i, choice in enumerate(audience.situations):
            chosen = shadow.situations.get(choice.situation)
            if chosen is None:
                if not cat.exists("situations", choice.situation):
                    add(doc.problem(("situations", i), f"no situation '{choice.situation}' (expected content/situations/{choice.situation}.yaml){_near(choice.situation, shadow.situations)}"))
                continue
            for j, sref in enumerate(choice.services or ()):
                if sref not in chosen.services:
                    add(doc.problem(("situations", i, "services", j),
                                    f"'{sref}' is not a service of content/situations/{choice.situation}.yaml; expected one of: {', '.join(chosen.services)}"))
    for aid, audience in cat.audiences.items():
        doc = cat.doc("audiences", aid)
        offered = {sid for ref in audience.situations if ref.situation in cat.situations
                   for sid in (ref.services if ref.services is not None else cat.situations[ref.situation].services)}
        if any(ref.situation not in cat.situations for ref in audience.situations):
            continue  # a situation has its own error: what it offers is not known
        for name in sorted({f.selection for f in FORMATS.values() if f.selection}):
            for i, sid in enumerate(getattr(audience, name) or ()):
                if sid not in offered:
                    add(doc.problem((name, i), f"'{sid}' is not a service of this audience's situations; expected one of: "
                                    f"{', '.join(sorted(offered))}"))
        _check_lead(doc, audience, offered, cat.services, add)
        on_card = [(("card", i), sid) for i, sid in enumerate(audience.card)] if audience.card is not None else \
            [(("lead", i, "service"), c.service) for i, c in enumerate(audience.lead or ())]
        for loc, sid in on_card:
            service = cat.services.get(sid)
            word = cat.booklet.card_topic(service) if service and sid in offered else None
            if service and word:
                label = f"card_name '{service.card_name}'" if service.card_name else f"name '{service.name}'"
                add(doc.problem(loc, f"'{sid}' goes on the wallet card, which is carried on the body, and its {label} says what "
                                f"it is about ('{word}', a topic word of content/booklet.yaml); expected a neutral 'card_name:' "
                                f"in content/services/{sid}.yaml, such as 'Helpline, day and night'"))
    _check_glosses(shadow, add)
    _check_printed_somewhere(shadow, add)
    for cid, centre in shadow.centres.items():
        doc = cat.doc("centres", cid)
        for i, lang in enumerate(centre.languages):
            if lang not in shadow.booklet.languages and "languages" not in cat.dropped("booklet", "booklet"):
                add(doc.problem(("languages", i), f"'{lang}' is not an enabled language; expected one of: {', '.join(shadow.booklet.languages)}"))
        for i, aid in enumerate(centre.audiences):
            if aid not in shadow.audiences and not cat.exists("audiences", aid):
                add(doc.problem(("audiences", i), f"no audience '{aid}' (expected content/audiences/{aid}.yaml){_near(aid, cat.audiences)}"))
    # Warnings: what a person should look at before printing.
    for kind, items in (("services", shadow.services), ("situations", shadow.situations), ("audiences", shadow.audiences),
                        ("centres", shadow.centres)):
        for ident, item in items.items():
            doc = cat.doc(kind, ident)
            for i, note in enumerate(item.review):
                add(doc.problem(("review", i), f"needs review: {note}", severity="warning", kind="review"))
    for ident, service in shadow.services.items():
        doc = cat.doc("services", ident)
        if today - service.last_verified > STALE_AFTER:
            add(doc.problem(("last_verified",), f"last verified {service.last_verified.isoformat()}, more than 12 months ago; expected a fresh check", severity="warning", kind="stale"))
        elif today - service.last_verified > DUE_AFTER:
            add(doc.problem(("last_verified",), f"last verified {service.last_verified.isoformat()}, more than 6 months ago; "
                            "check it again with the organisation, then run 'booklet confirm'", severity="warning", kind="due"))
        for i, note in enumerate(service.unconfirmed):
            add(doc.problem(("unconfirmed", i), f"not confirmed with the organisation, so its card shows no 'Checked' date: {note}", severity="warning", kind="unconfirmed"))
        if service.hold:
            add(doc.problem(("hold",), "on hold, left out of every booklet", severity="warning", kind="hold", detail=service.hold))
        for i, line in enumerate(service.phones):
            _free_needs_source(doc, ("phones", i), line, add)
            if line.hold:
                add(doc.problem(("phones", i, "hold"), f"'{line.number.written}' on hold, not printed", severity="warning", kind="hold",
                                detail=line.hold))
            if line.number.kind == "premium" and not line.cost:
                # Printing a charged number without its price is a harm; on hold it is only a reminder.
                printed = not (line.hold or service.hold)
                add(doc.problem(("phones", i, "number"), f"'{line.number.written}' is a charged number and its cost is not stated; expected 'cost:'",
                                severity="error" if printed else "warning"))
        for i, chat in enumerate(service.chats):
            if chat.url is None:
                add(doc.problem(("chats", i), "chat has no web address; expected 'url:'", severity="warning"))
    booklet = shadow.booklet
    dropped = cat.dropped("booklet", "booklet")
    if ("booklet", "booklet") in cat.documents and (("booklet", "booklet") not in cat.damaged or ("booklet", "booklet") in cat.salvaged):
        doc = cat.doc("booklet", "booklet")
        for i, note in enumerate(booklet.review):
            add(doc.problem(("review", i), f"needs review: {note}", severity="warning", kind="review"))
        for i, line in enumerate(booklet.emergency):
            _free_needs_source(doc, ("emergency", i), line, add)
            if not line.label:
                add(doc.problem(("emergency", i), f"'{line.number.written}' has no label; expected 'label:' saying what it is for, such as 'Police'"))
        wordless = [lang for lang in booklet.languages if lang != "en" and lang not in booklet.topic_words]
        if wordless and "topic_words" not in dropped:  # one warning, as it is one field to fill in
            these = "that language" if len(wordless) == 1 else "these languages"
            add(doc.problem(("topic_words",), f"no topic words for {', '.join(repr(lang) for lang in wordless)}: nothing "
                            f"translated on a wallet card in {these} can be checked for words that could out its carrier, "
                            "so its cards print the English labels, no gloss and no note; expected topic_words: "
                            f"{{{': [...], '.join(wordless)}: [...]}}", severity="warning"))
        for i, sid in enumerate(booklet.talk):
            service = cat.services.get(sid)
            if ("services", sid) in cat.damaged:
                continue  # its own error first: what it says is not known
            if service is None:
                add(doc.problem(("talk", i), f"'{sid}' is not a service; expected one of: {', '.join(sorted(cat.services))}"))
            elif not any(not line.hold and line.call and any(h.days == DAYS and h.start == 0 and h.end == 24 * 60 for h in line.hours)
                         for line in service.phones):
                add(doc.problem(("talk", i), f"'{sid}' has no line to call day and night; expected a service with a phone "
                                "line open 24 hours a day, 7 days a week (hours: mo-su 00:00-24:00)"))
        if not booklet.emergency and "emergency" not in dropped:
            add(doc.problem(("emergency",), "no emergency numbers; expected 'emergency:' with 112 and 101, each with its label and source",
                            severity="warning"))
    for aid, audience in shadow.audiences.items():
        if audience.lead is None and "lead" not in cat.dropped("audiences", aid):
            add(cat.doc("audiences", aid).problem((), "no 'lead:'; the leaflet's front, the poster, the card and the "
                "booklet's cover take the first services with a phone in list order. Expected the services a reader in "
                "crisis should meet first, each with why: lead: - {service: <id>, why: free, national, day and night}",
                severity="warning"))
        if audience.lead is None and audience.leaflet and audience.leaflet[0] in cat.services and aid in cat.audiences:
            lead = cat.services[audience.leaflet[0]]
            if lead.hold is None and not lead.has_phone_with_hours():
                add(cat.doc("audiences", aid).problem(("leaflet", 0),
                    f"'{audience.leaflet[0]}' leads the leaflet's front panel and the booklet's cover but has no phone line "
                    "with hours; expected first a service a reader can call, with its hours"))
    for ident, service in shadow.services.items():
        doc = cat.doc("services", ident)
        for i, link in enumerate(service.links[:1]):
            width = qr_width_mm(qr_modules(link.url))
            if width > QR_MAX_MM:
                add(doc.problem(("links", i, "url"),
                                f"address of {len(link.url)} characters makes a QR code {width:g} mm wide, more than {QR_MAX_MM:g} mm; "
                                "expected a shorter address (the organisation's page one level up, or a short link it publishes)"))


def _check_glosses(cat: Catalogue, add: Callable[[Problem], None]) -> None:
    """A printed service without full_name: its name (in Latin script, often French or Dutch) is
    all an Arabic, Farsi or Ukrainian reader gets of what it is. A warning (an error under --strict)."""
    printed = {sid for audience in cat.audiences.values() for ref in audience.situations if ref.situation in cat.situations
               for sid in (ref.services if ref.services is not None else cat.situations[ref.situation].services)}
    for sid in sorted(printed):
        service = cat.services.get(sid)
        if cat.dropped("services", sid) & {"name", "full_name"}:
            continue  # its own error is about its name
        if service is not None and service.hold is None and not service.full_name:
            add(cat.doc("services", sid).problem(("name",), f"no 'full_name:' under the name '{service.name}': a reader who does not "
                "read it learns what the service is only from that line, translated; expected what it is in a few plain "
                "words, such as 'full_name: Federal Migration Centre'", severity="warning"))


def _check_printed_somewhere(cat: Catalogue, add: Callable[[Problem], None]) -> None:
    """A service that no audience prints (in no situation an audience holds, nor a line to talk
    to of content/booklet.yaml) is work a volunteer did for nothing, silently: a warning (an
    error under --strict). A service on hold has its own warning."""
    printed = {sid for audience in cat.audiences.values() for ref in audience.situations if ref.situation in cat.situations
               for sid in (ref.services if ref.services is not None else cat.situations[ref.situation].services)}
    printed |= set(cat.booklet.talk)
    unknown = [(kind, ident) for kind, ident in cat.damaged if kind in ("situations", "audiences", "booklet")
               and ((kind, ident) not in cat.salvaged or cat.dropped(kind, ident) & {"services", "situations", "talk"})]
    if unknown:
        return  # a situation, audience or talk: list with an error of its own may be what prints a service
    for sid in sorted(set(cat.services) - printed):
        if cat.services[sid].hold is None and ("services", sid) in cat.documents:
            add(cat.doc("services", sid).problem((), f"'{sid}' is printed nowhere: it is in no situation of an audience "
                "(nor under talk: in content/booklet.yaml); expected its id in the services: list of a situation, "
                "content/situations/<id>.yaml, that an audience holds", severity="warning"))


def _check_lead(doc: Document, audience: Audience, offered: set[str], services: dict[str, Service],
                add: Callable[[Problem], None]) -> None:
    """The lead: services of this audience, each once, each with a line to call; the first with hours."""
    seen: dict[str, int] = {}
    for i, choice in enumerate(audience.lead or ()):
        sid = choice.service
        if sid in seen:
            add(doc.problem(("lead", i, "service"), f"'{sid}' is chosen twice (first at lead[{seen[sid]}])"))
            continue
        seen[sid] = i
        if sid not in offered:
            add(doc.problem(("lead", i, "service"), f"'{sid}' is not a service of this audience's situations; expected one of: "
                            f"{', '.join(sorted(offered))}"))
            continue
        service = services.get(sid)
        if service is None or service.hold is not None:
            continue  # a missing file has its own error; a service on hold is left out (its own warning)
        if not service.has_phone_to_call():
            add(doc.problem(("lead", i, "service"), f"'{sid}' leads the poster and the card but has no phone line a reader "
                            "can call; expected a service with a number to call"))
        elif i == 0 and not service.has_phone_with_hours():
            add(doc.problem(("lead", i, "service"), f"'{sid}' leads the leaflet's front panel and the booklet's cover but "
                            "has no phone line with hours; expected first a service a reader can call, with its hours"))


def _free_needs_source(doc: Document, loc: Loc, line: PhoneLine, add: Callable[[Problem], None]) -> None:
    if line.free and line.source is None and line.number.kind != "toll_free":
        add(doc.problem((*loc, "free"), f"'{line.number.written}' is marked free without a source; expected 'source:' "
                        "with the page that says the call is free"))


def _near(name: str, known: dict[str, Any]) -> str:
    guess = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean '{guess[0]}'?" if guess else ""


# ------------------------------------------------------------------ links written in text


@dataclass
class _Stated:
    """What the structured fields of one scope state: numbers (by tel: link), emails, pages."""

    phones: dict[str, Phone] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)

    def add(self, other: _Stated) -> _Stated:
        self.phones.update(other.phones)
        self.emails |= other.emails
        return self


def text_link_problems(cat: Catalogue) -> list[Problem]:
    """Every link written in content text, and every web address it shows, goes only where the
    structured fields say (what the reader's translations carry is checked against this English:
    i18n.changed_facts).

    - tel: a number of the ``phones:`` of the same service (or centre), or an emergency number,
      in a service's (centre's) text; any number of the content's phones in a situation's,
      audience's or the booklet's text (a step may send the reader to a service's line). Never a
      number on hold. A link that shows a number dials that number. It is marked like its line.
    - mailto: an address of the ``emails:`` of the same service (centre); of any, elsewhere.
    - https: a page of the ``links:`` or ``chats:`` of any service or centre; a page the content
      cites only as a source is a warning (a reader is sent to evidence, not to help).
    """
    from .i18n import content_fields  # late import: i18n reads the checked content

    emergency = _Stated({line.number.tel: line.number for line in cat.booklet.emergency})
    own: dict[str, _Stated] = {}
    held: set[str] = set()
    pages: set[str] = set()
    for ident, service in cat.services.items():
        own[f"services/{ident}:"] = _Stated({p.number.tel: p.number for p in service.phones if not (p.hold or service.hold)},
                                           set(e.lower() for e in service.emails))
        held |= {p.number.tel for p in service.phones if p.hold or service.hold}
        pages |= {link.url for link in service.links} | {c.url for c in service.chats if c.url}
    for ident, centre in cat.centres.items():
        for i, contact in enumerate(centre.contacts):
            own[f"centres/{ident}:contacts[{i}]."] = _Stated({p.number.tel: p.number for p in contact.phones if not p.hold},
                                                            set(e.lower() for e in contact.emails))
            held |= {p.number.tel for p in contact.phones if p.hold}
            pages |= {link.url for link in contact.links}
    everything = _Stated().add(emergency)
    for stated in own.values():
        everything.add(stated)
    held -= set(everything.phones)
    sources = _sources(cat) - pages
    problems: list[Problem] = []
    for f in content_fields(cat):
        owner = f.context.partition(":")[0]  # 'services/unia', 'booklet'
        doc = cat.documents.get(("booklet", "booklet") if owner == "booklet" else tuple(owner.split("/", 1)))  # type: ignore[arg-type]
        if doc is None:
            continue
        scope = next((prefix for prefix in own if f.context.startswith(prefix)), None)
        stated = _Stated().add(own[scope]).add(emergency) if scope else everything
        whose = ("this service's" if scope.startswith("services/") else "this contact's") if scope else ""

        def add(message: str, severity: str = "error", loc: tuple = f.loc, doc: Document = doc) -> None:
            problems.append(doc.problem(loc, message, severity=severity))

        for link in text_links(f.text):
            href = link.href
            if href.startswith("tel:"):
                try:
                    number = tel_number(href)
                except ValueError as exc:
                    add(f"links to {href}: {exc}")
                    continue
                if number.tel not in stated.phones:
                    if number.tel in held:
                        add(f"links to {href}, a number on hold; expected a number that is printed")
                    elif scope:
                        known = ", ".join(p.national for p in stated.phones.values())
                        add(f"links to {href}, which is not a number of {whose} phones: nor an emergency number; "
                            f"expected one of: {known}")
                    else:
                        add(f"links to {href}, which is not a number of the content's phones: (of a service, a centre "
                            "or emergency: in content/booklet.yaml); expected a number stated there")
                    continue
                shown = [x for x in text_facts(link.label) if x.kind in ("phone", "number")]
                if any(x.key not in (number.e164, number.e164.lstrip("+")) for x in shown):
                    add(f"shows {link.label} but dials {number.national}; expected the number it shows")
            elif href.startswith("mailto:"):
                try:
                    address = parse_email(unquote(href.removeprefix("mailto:")))
                except ValueError as exc:
                    add(f"links to {href}: {exc}")
                    continue
                if address.lower() not in stated.emails:
                    where = f"{whose} emails:" if scope else "the emails: of any service or centre"
                    add(f"links to {href}, which is not an address of {where}; expected an address stated there")
            else:
                _page_problem(f"links to {href}", href, pages, sources, add)
        for match in TEXT_URL.finditer(visible_text(f.text)):
            url = match.group(0).rstrip(".,;:!?")
            _page_problem(f"gives the address {url}", url, pages, sources, add)
    return problems


def _page_problem(what: str, url: str, pages: set[str], sources: set[str], add: Callable[..., None]) -> None:
    if url in pages:
        return
    if url in sources:
        add(f"{what}, which the content cites only as a source, not as a page for readers; "
            "expected a page of the links: or chats: of a service", "warning")
    else:
        add(f"{what}, which is not in the links: or chats: of any service or centre; expected an address stated there")


def _sources(cat: Catalogue) -> set[str]:
    """Every address the content cites as where a fact comes from."""
    found: set[str] = set()
    for service in cat.services.values():
        found |= set(service.sources) | {p.source for p in service.phones if p.source}
        found |= {link.source for link in service.links if link.source}
    for situation in cat.situations.values():
        found |= set(situation.sources)
    found |= {p.source for p in cat.booklet.emergency if p.source}
    return found

"""The rules across content files, and the warnings an editor should act on: references
between files (situations, audiences, centres, leads, the wallet card's services), services
printed nowhere or without a full name, checks that are due or stale, review notes, holds,
charged numbers without their cost, QR codes too wide. Run by validate.load_catalogue on the
files that were read."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from generator.base.errors import Problem
from generator.base.formats import FORMATS
from generator.content.catalogue import Catalogue
from generator.content.load import Document, Loc
from generator.content.model import Audience, PhoneLine, Service
from generator.content.qr import QR_MAX_MM, qr_modules, qr_width_mm
from generator.content.values import DAYS

STALE_AFTER = timedelta(days=365)
"""A check older than this is stale: a warning, and an error under --strict."""
DUE_AFTER = timedelta(days=183)
"""A check older than this (six months) is due again: a warning, even under --strict."""


def cross_check(cat: Catalogue, shadow: Catalogue, today: date) -> None:
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

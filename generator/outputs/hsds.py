"""`booklet export --hsds DIR`: the directory as Open Referral HSDS 3.0 service documents.

One JSON document per service (DIR/<service-id>.json), in the shape of the HSDS 3.0 `service`
object with its organization inlined, valid against the specification's compiled schema
(tests/vendor/hsds-3.0/). What goes where:

- service: name (the organisation's own name in the export's language when it has one), alternate_name (the
  full name), description (summary, then the notes a reader should know), url (its website, else
  its first link), email (the first; the others as contacts), status `active`, and
  `assured_date` = last_verified, only when no printed fact is still unconfirmed;
- phones: the number in international format (a short number such as 112 as dialled), `type`
  voice or text, `extension` = the phone menu choice, `description` = label, free or charged
  call (with the stated cost), hours and note in words, `languages` = the service's;
- schedules: one per opening period, WEEKLY with `byday` (MO,TU,...), `opens_at`/`closes_at`
  (HH:MM:SS; midnight at the end of a day is 24:00:00), `description` naming the line or chat;
- languages: ISO 639-1 code and the language's name in the export's language;
- service_areas: Belgium, or the regions served;
- service_at_locations: each street address as a physical location (province from the postcode),
  and each form, chat or other web page as a virtual location with its address.

A service on hold is not exported (its facts are too doubtful to print, so too doubtful to
share), nor is a phone line on hold. Steps, tips and situations have no home in HSDS; they stay in
the booklets and web pages.

Identifiers are UUIDs derived (uuid5) from our ids and the facts they name, never random, so a
second export writes byte-identical files and a re-ordered list keeps its identifiers.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import phonenumbers
from babel import Locale

from generator.base.files import write_atomic
from generator.content.catalogue import Catalogue
from generator.content.model import Hours, PhoneLine, Service
from generator.i18n.translator import content_translator
from generator.render.view import LINK_LABELS, Fields, Translate, phone_view, service_view
from generator.render.words import LOCALES, Words

NAMESPACE = uuid.UUID("0b7c7a52-5d7e-5f2e-9d0c-6b6f6f6b6c65")
"""The namespace of every identifier this tool exports (fixed: identifiers never change)."""

BYDAY = {"mo": "MO", "tu": "TU", "we": "WE", "th": "TH", "fr": "FR", "sa": "SA", "su": "SU"}
PROVINCES = ((1300, "Brussels-Capital Region"), (1500, "Walloon Brabant"), (2000, "Flemish Brabant"), (3000, "Antwerp"),
             (3500, "Flemish Brabant"), (4000, "Limburg"), (5000, "Liège"), (6000, "Namur"), (6600, "Hainaut"),
             (7000, "Luxembourg"), (8000, "Hainaut"), (9000, "West Flanders"), (10000, "East Flanders"))
"""A postcode's province: the first bound above it (https://en.wikipedia.org/wiki/Postal_codes_in_Belgium)."""
REGIONS = {"federal": "Belgium", "brussels": "Brussels-Capital Region", "flanders": "Flanders", "wallonia": "Wallonia"}


def ident(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def province(postcode: str) -> str:
    number = int(postcode)
    return next(name for bound, name in PROVINCES if number < bound)


def export(cat: Catalogue, folder: Path, lang: str = "en", *, layouts: Path) -> list[Path]:
    """Write one document per service not on hold; returns the files written. The document of a
    service put on hold since an earlier export is deleted. The fixed phrases (link labels, days)
    are the project's layouts' (layouts/locale/)."""
    words = Words(lang, layouts)
    tr = content_translator(cat.root, lang)
    written = []
    for sid, svc in sorted(cat.services.items()):
        if svc.hold:
            continue
        data = service_document(sid, svc, words, tr)
        path = folder / f"{sid}.json"
        write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        written.append(path)
    for sid, svc in cat.services.items():  # put on hold since an earlier export: no longer shared
        if svc.hold:
            (folder / f"{sid}.json").unlink(missing_ok=True)
    return written


def service_document(sid: str, svc: Service, w: Words, tr: Translate) -> dict[str, Any]:
    view = service_view(sid, svc, w, tr)
    t = Fields(tr, f"services/{sid}:")
    sid_uuid = ident("service", sid)
    org_uuid = ident("organization", sid)
    description = "\n\n".join([view["summary"], *view["notes"]])
    website = next((link.url for link in svc.links if link.kind == "website"), svc.links[0].url if svc.links else None)
    languages = [_language(sid, code, w) for code in svc.languages]
    doc: dict[str, Any] = {
        "id": sid_uuid,
        "organization_id": org_uuid,
        "name": view["name"],
    }
    if view["full_name"] or view["other_name"]:
        doc["alternate_name"] = view["full_name"] or view["other_name"]
    doc["description"] = description
    if website:
        doc["url"] = website
    if svc.emails:
        doc["email"] = svc.emails[0]
    doc["status"] = "active"
    if not svc.unconfirmed:
        doc["assured_date"] = svc.last_verified.isoformat()
    doc["organization"] = {"id": org_uuid, "name": view["name"], "description": view["summary"]}
    if website:
        doc["organization"]["website"] = website
    if svc.emails:
        doc["organization"]["email"] = svc.emails[0]
    doc["phones"] = [_phone(sid, sid_uuid, i, line, w, t, languages) for i, line in enumerate(svc.phones) if not line.hold]
    doc["schedules"] = _schedules(sid, sid_uuid, svc, w)
    doc["languages"] = [dict(lang, service_id=sid_uuid) for lang in languages]
    doc["service_areas"] = [{"id": ident("area", sid, region), "service_id": sid_uuid, "name": REGIONS[region]}
                            for region in svc.regions]
    doc["service_at_locations"] = _locations(sid, sid_uuid, svc, w, t)
    doc["contacts"] = [{"id": ident("contact", sid, email), "service_id": sid_uuid, "email": email} for email in svc.emails[1:]]
    return {key: value for key, value in doc.items() if value != []}


def _language(sid: str, code: str, w: Words) -> dict[str, Any]:
    name = Locale.parse(LOCALES.get(w.lang, w.lang)).languages.get(code, code)
    return {"id": ident("language", sid, code), "name": name, "code": code}


def _number(line: PhoneLine) -> str:
    """International format (+32 800 12 800), for directories outside Belgium too; a short
    number (1712, 112) works only within the country and is written as dialled."""
    if line.number.kind == "short":
        return line.number.national
    return phonenumbers.format_number(phonenumbers.parse(line.number.e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _phone(sid: str, sid_uuid: str, i: int, line: PhoneLine, w: Words, t: Fields, languages: list[dict]) -> dict[str, Any]:
    view = phone_view(i, line, w, t)
    parts = [view["label"], *view["tags"], *view["hours"], view["note"]]
    phone: dict[str, Any] = {
        "id": ident("phone", sid, line.number.e164),
        "service_id": sid_uuid,
        "number": _number(line),
    }
    if line.menu is not None:
        phone["extension"] = line.menu
    phone["type"] = "voice" if line.call else "text"
    phone["description"] = ". ".join(p[:1].upper() + p[1:].rstrip(".") for p in parts if p) + "."
    if languages:
        phone["languages"] = [dict(lang, id=ident("language", sid, line.number.e164, lang["code"]), phone_id=phone["id"])
                              for lang in languages]
    return phone


def _hhmmss(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _schedule(key: tuple[str, ...], sid_uuid: str, hours: Hours, what: str, w: Words) -> dict[str, Any]:
    schedule: dict[str, Any] = {"id": ident("schedule", *key), "service_id": sid_uuid, "freq": "WEEKLY",
                                "byday": ",".join(BYDAY[d] for d in hours.days)}
    if hours.start is not None and hours.end is not None:
        schedule["opens_at"] = _hhmmss(hours.start)
        schedule["closes_at"] = _hhmmss(hours.end)
    schedule["description"] = f"{what}: {w.hours((hours,))[0]}"
    return schedule


def _schedules(sid: str, sid_uuid: str, svc: Service, w: Words) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in svc.phones:
        if line.hold:
            continue
        what = f"{line.label or 'Phone'} {_number(line)}"
        out.extend(_schedule((sid, line.number.e164, str(j)), sid_uuid, h, what, w) for j, h in enumerate(line.hours))
    for i, chat in enumerate(svc.chats):
        what = w._("Anonymous chat") if chat.anonymous else w._("Chat")
        out.extend(_schedule((sid, "chat", chat.url or str(i), str(j)), sid_uuid, h, what, w) for j, h in enumerate(chat.hours))
    return out


def _locations(sid: str, sid_uuid: str, svc: Service, w: Words, t: Fields) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, address in enumerate(svc.addresses):
        key = (sid, address.postcode, address.street)
        location_id = ident("location", *key)
        location: dict[str, Any] = {"id": location_id, "location_type": "physical", "name": f"{address.street}, {address.postcode} {address.city}",
                                    "addresses": [{"id": ident("address", *key), "location_id": location_id,
                                                   "address_1": address.street, "city": address.city,
                                                   "state_province": province(address.postcode), "postal_code": address.postcode,
                                                   "country": "BE", "address_type": "physical"}]}
        note = t(f"addresses[{i}].note", address.note)
        if note:
            location["description"] = note
        out.append({"id": ident("service_at_location", *key), "service_id": sid_uuid, "location_id": location_id, "location": location})
    pages = [(link.url, t(f"links[{i}].label", link.label) or w._(LINK_LABELS[link.kind])) for i, link in enumerate(svc.links)]
    pages += [(chat.url, w._("Anonymous chat") if chat.anonymous else w._("Chat")) for chat in svc.chats if chat.url]
    for url, label in pages:
        location_id = ident("location", sid, url)
        out.append({"id": ident("service_at_location", sid, url), "service_id": sid_uuid, "location_id": location_id,
                    "location": {"id": location_id, "location_type": "virtual", "url": url, "name": label}})
    return out

"""Select what one booklet shows and turn it into a ready-to-print view model.

Templates only place what this module prepares: phone numbers already formatted, opening hours
already in words, QR codes already drawn. Every fixed phrase goes through ``gettext`` so that the
language catalogues can translate it.
"""

from __future__ import annotations

import gettext as _gettext
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list

from .fields import DAYS, display_url, format_minutes
from .model import Audience, Hours, PhoneLine, Service, Situation
from .qr import make_qr, qr_width_mm
from .validate import Catalogue

# ------------------------------------------------------------------ words for structured data


@dataclass(frozen=True)
class Edition:
    """One output document: which audience, in which language and format."""

    audience: str
    lang: str = "en"
    format: str = "booklet"

    @property
    def relpath(self) -> str:
        return f"{self.lang}/{self.audience}-{self.format}.pdf"



@dataclass
class Words:
    """Locale-aware wording of days, times, dates and languages."""

    lang: str
    translations: _gettext.NullTranslations = field(default_factory=_gettext.NullTranslations)

    def __post_init__(self) -> None:
        self.locale = Locale.parse(self.lang if self.lang != "en" else "en_BE")
        self._ = self.translations.gettext

    def day(self, code: str, width: str = "wide") -> str:
        return self.locale.days["format"][width][DAYS.index(code)]

    def days(self, days: tuple[str, ...]) -> str:
        """('mo','tu','we','fr') -> 'Monday to Wednesday, Friday'."""
        _ = self._
        if days == DAYS:
            return _("every day")
        runs: list[list[str]] = []
        for _key, group in groupby(enumerate(days), key=lambda p: DAYS.index(p[1]) - p[0]):
            runs.append([d for _i, d in group])
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(_("{first} to {last}").format(first=self.day(run[0]), last=self.day(run[-1])))
            else:
                parts.extend(self.day(d) for d in run)
        return format_list(parts, style="standard", locale=self.locale)

    def clock(self, minutes: int) -> str:
        t = format_minutes(minutes)
        return "24:00" if t is None else format_time(t, "HH:mm", locale=self.locale)

    def period(self, h: Hours) -> str:
        _ = self._
        if h.part is not None:
            return {"morning": _("mornings"), "afternoon": _("afternoons"), "evening": _("evenings")}[h.part]
        return f"{self.clock(h.start)}–{self.clock(h.end)}"  # type: ignore[arg-type]

    def hours(self, hours: tuple[Hours, ...]) -> list[str]:
        """Opening hours in words, one line per set of days, in week order."""
        _ = self._
        if any(h.days == DAYS and h.start == 0 and h.end == 24 * 60 for h in hours):
            return [_("24 hours a day, 7 days a week")]
        by_days: dict[tuple[str, ...], list[Hours]] = {}
        for h in sorted(hours, key=lambda h: (DAYS.index(h.days[0]), h.start or 0)):
            by_days.setdefault(h.days, []).append(h)
        lines = []
        for days, periods in by_days.items():
            times = format_list([self.period(p) for p in periods], style="standard", locale=self.locale)
            lines.append(f"{self.days(days)}: {times}")
        return lines

    def date(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def languages(self, codes: tuple[str, ...]) -> str:
        names = [self.locale.languages.get(c, c) for c in codes]
        return format_list(names, style="standard", locale=self.locale)


# ------------------------------------------------------------------ the view model


def _phone_view(line: PhoneLine, w: Words) -> dict:
    _ = w._
    tags = []
    if line.number.kind == "toll_free":
        tags.append(_("free call"))
    elif line.number.kind == "premium":
        tags.append(_("charged call") + (f": {line.cost}" if line.cost else ""))
    apps = [{"whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal", "sms": "SMS"}[a] for a in line.apps]
    if apps and not line.call:
        label = line.label or _("Messages")
    else:
        label = line.label or _("Phone")
    return {
        "label": label,
        "display": line.number.national,
        "href": line.number.tel,
        "apps": format_list(apps, locale=w.locale) if apps else "",
        "tags": tags,
        "hours": w.hours(line.hours),
        "note": line.note or "",
    }


LINK_LABELS = {
    "form": "Online form",
    "website": "Website",
    "contact": "Contact page",
    "map": "Map of centres",
    "appointment": "Online appointment",
    "chat": "Chat",
    "info": "Information",
}


def service_view(service: Service, w: Words) -> dict:
    _ = w._
    links = [
        {"label": link.label or _(LINK_LABELS[link.kind]), "url": link.url, "short": display_url(link.url), "note": link.note or ""}
        for link in service.links
    ]
    qr = make_qr(service.links[0].url) if service.links else None
    return {
        "name": service.name,
        "full_name": service.full_name or "",
        "summary": service.summary,
        "lists": [{"heading": b.heading or "", "entries": list(b.items)} for b in service.lists],
        "phones": [_phone_view(p, w) for p in service.phones if not p.hold],
        "emails": [{"address": e, "href": f"mailto:{e}"} for e in service.emails],
        "chats": [
            {
                "label": _("Anonymous chat") if c.anonymous else _("Chat"),
                "hours": w.hours(c.hours),
                "url": c.url or "",
                "short": display_url(c.url) if c.url else "",
                "note": c.note or "",
            }
            for c in service.chats
        ],
        "links": links,
        "addresses": [{"street": a.street, "city": f"{a.postcode} {a.city}", "note": a.note or ""} for a in service.addresses],
        "languages": w.languages(service.languages) if service.languages else "",
        "notes": list(service.notes),
        "qr": qr,
        "qr_mm": qr_width_mm(qr) if qr else 0,
        "qr_label": links[0]["label"] if links else "",
        "qr_display": re.findall(r"[^./]*[./]?", qr.display)[:-1] if qr else [],
        "checked": w.date(service.last_verified),
    }


def situation_view(ident: str, situation: Situation, services: list[Service], w: Words) -> dict:
    return {
        "id": ident,
        "title": situation.title,
        "summary": situation.summary or "",
        "lists": [{"heading": b.heading or "", "entries": list(b.items)} for b in situation.lists],
        "steps": list(situation.steps),
        "tips": list(situation.tips),
        "services": [service_view(s, w) for s in services],
    }


def printable(service: Service) -> bool:
    """Services on hold (a doubt that makes printing them unsafe) are left out of every booklet."""
    return service.hold is None


def booklet_view(cat: Catalogue, edition: Edition, words: Words | None = None) -> dict:
    """Everything the template of one booklet needs, and nothing it must look up."""
    w = words or Words(edition.lang)
    audience: Audience = cat.audiences[edition.audience]
    sections = []
    shown: dict[str, Service] = {}
    for ref in audience.situations:
        situation = cat.situations[ref.situation]
        ids = ref.services if ref.services is not None else situation.services
        services = [cat.services[i] for i in ids if printable(cat.services[i])]
        shown.update({i: cat.services[i] for i in ids if printable(cat.services[i])})
        sections.append(situation_view(ref.situation, situation, services, w))
    oldest = min((s.last_verified for s in shown.values()), default=None)
    qr_urls = sorted({s.links[0].url for s in shown.values() if s.links})
    return {
        "lang": edition.lang,
        "dir": "rtl" if edition.lang in ("ar", "fa", "he", "ur") else "ltr",
        "title": audience.title,
        "subtitle": audience.subtitle or "",
        "intro": list(audience.intro),
        "introduction": list(cat.booklet.introduction) if audience.general else [],
        "fallback": cat.booklet.fallback or "",
        "colophon": list(cat.booklet.colophon),
        "contents": audience.contents,
        "sections": sections,
        "checked": w.date(oldest) if oldest else "",
        "qr_urls": qr_urls,
        "service_count": len(shown),
    }

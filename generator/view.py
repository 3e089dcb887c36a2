"""Select what one booklet shows and turn it into a ready-to-print view model.

Templates only place what this module prepares: phone numbers already formatted, opening hours
already in words, QR codes already drawn. Every fixed phrase goes through ``gettext`` so that the
language catalogues can translate it.
"""

from __future__ import annotations

import gettext as _gettext
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.lists import format_list

from .content.catalogue import Catalogue
from .errors import BuildError
from .fields import DAYS, display_url, format_minutes, mailto
from .formats import FORMATS, N_, Format
from .i18n.translator import ContentTranslator, ui_translations
from .metrics import widest_unbreakable_em
from .model import Audience, BookletText, Centre, Hours, PhoneLine, Service, ServiceRef, Situation
from .qr import make_qr, qr_width_mm


@dataclass(frozen=True)
class Edition:
    """One output document: which audience, in which language and format, for which edition."""

    audience: str
    lang: str = "en"
    format: str = "booklet"
    region: str | None = None
    """Leave out services that serve only other regions."""
    discreet: bool = False
    """A neutral outside: nothing on the cover, back or file metadata that outs its carrier."""
    centre: str | None = None
    """A reception centre's edition, with its own contacts on the inside cover."""
    print_shop: bool = False
    """PDF/X-4 with bleed, crop marks and CMYK colours, for a print shop."""

    @property
    def relpath(self) -> str:
        return f"{self._folder}{self._stem}-{self.format}{self._suffix}.pdf"

    @property
    def page(self) -> str:
        """Where this edition's web page is, under output/site/ (generator/site.py writes it, a
        wallet card's QR code leads to it): ``<lang>/<code>.html``, a short code that names no
        topic (browser history, a shared link and a scanned card show it), the same in every
        language; the manifest says which edition each code is."""
        return f"{self.lang}/{self.code}.html"

    @property
    def site_pdf(self) -> str:
        """This PDF's address under output/site/, next to its page: ``<lang>/<code>-<format>.pdf``."""
        return f"{self.lang}/{self.code}-{self.format}.pdf"

    @property
    def code(self) -> str:
        """Six hex digits from the audience, region, centre and edition (not the language nor
        the format): stable from build to build, and no word of the topic."""
        key = "/".join((self.audience, self.region or "", self.centre or "", "discreet" if self.discreet else ""))
        return hashlib.sha256(key.encode()).hexdigest()[:6]

    @property
    def _folder(self) -> str:
        return (f"centres/{self.centre}/" if self.centre else "") + f"{self.lang}/" + ("discreet/" if self.discreet else "")

    @property
    def _stem(self) -> str:
        """The audience id; for a discreet edition a neutral name that says nothing of its topic
        (a file shared by phone shows its name), stable for the audience: the manifest says which
        audience it is."""
        if self.discreet:
            return f"your-rights-{hashlib.sha256(self.audience.encode()).hexdigest()[:4]}"
        return self.audience

    @property
    def _suffix(self) -> str:
        suffix = f"-{self.region}" if self.region and not self.centre else ""
        return suffix + ("-print" if self.print_shop else "")

    @property
    def source(self) -> Edition:
        """The edition whose rendering this one is made from (imposition reuses the booklet)."""
        return replace(self, format=FORMATS[self.format].source)



# Belgian variants where babel has them: dates, times and lists as written in Belgium.
LOCALES = {"en": "en_BE", "fr": "fr_BE", "nl": "nl_BE", "de": "de_BE"}


def direction(lang: str) -> str:
    """'rtl' for a language babel writes right to left (Arabic, Farsi, Pashto), else 'ltr'."""
    try:
        return "rtl" if Locale.parse(LOCALES.get(lang, lang)).character_order == "right-to-left" else "ltr"
    except (ValueError, LookupError):  # not a language babel knows: as most are
        return "ltr"


@dataclass
class Words:
    """Locale-aware wording of days, times, dates and languages, with the fixed phrases of the
    project's layouts (layouts/locale/) and widths measured in its fonts (layouts/fonts/)."""

    lang: str
    layouts: Path
    translations: _gettext.NullTranslations | None = None

    def __post_init__(self) -> None:
        self.locale = Locale.parse(LOCALES.get(self.lang, self.lang))
        if self.translations is None:
            self.translations = ui_translations(self.layouts, self.lang)
        self._ = self.translations.gettext

    def day(self, code: str, width: str = "wide") -> str:
        return self.locale.days["format"][width][DAYS.index(code)]

    def days(self, days: tuple[str, ...], width: str = "wide") -> str:
        """('mo','tu','we','fr') -> 'Monday to Wednesday, Friday' ('Mon to Wed and Fri' abbreviated)."""
        _ = self._
        if days == DAYS:
            return _("every day")
        runs: list[list[str]] = []
        for _key, group in groupby(enumerate(days), key=lambda p: DAYS.index(p[1]) - p[0]):
            runs.append([d for _i, d in group])
        ranged = any(len(run) >= 3 for run in runs)
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(_("{first} to {last}").format(first=self.day(run[0], width), last=self.day(run[-1], width)))
            elif ranged:
                # TRANSLATORS: one day in a list that also holds a range of days, as "Friday" in
                # "Monday to Wednesday and Friday". Where the range has its own words ("du lundi au
                # mercredi"), the day needs its own too: French "le {day}", Spanish "el {day}".
                # Elsewhere leave it as "{day}".
                parts.extend(_("{day}").format(day=self.day(d, width)) for d in run)
            else:
                parts.extend(self.day(d, width) for d in run)
        return format_list(parts, style="standard", locale=self.locale)

    def clock(self, minutes: int) -> str:
        t = format_minutes(minutes)
        return "24:00" if t is None else format_time(t, "HH:mm", locale=self.locale)

    def period(self, h: Hours) -> str:
        _ = self._
        if h.part is not None:
            return {"morning": _("mornings"), "afternoon": _("afternoons"), "evening": _("evenings")}[h.part]
        start, end = format_minutes(h.start), format_minutes(h.end)  # type: ignore[arg-type]
        if self.locale.character_order == "right-to-left":
            # "17:00–13:00" is how a dash range reads right to left: words leave no doubt
            # TRANSLATORS: an opening period in a right-to-left language, e.g. "from 13:00 to 17:00"
            return _("from {start} to {end}").format(start=self.clock(h.start), end=self.clock(h.end))  # type: ignore[arg-type]
        if start is None or end is None:  # '24:00' has no time of day: write the range out
            return f"{self.clock(h.start)}–{self.clock(h.end)}"  # type: ignore[arg-type]
        return format_interval(start, end, "Hm", locale=self.locale)

    def hours(self, hours: tuple[Hours, ...], width: str = "wide") -> list[str]:
        """Opening hours in words, one line per set of days, in week order (days' names
        abbreviated where room is short: a wallet card)."""
        _ = self._
        if any(h.days == DAYS and h.start == 0 and h.end == 24 * 60 for h in hours):
            return [_("24 hours a day, 7 days a week")]
        by_days: dict[tuple[str, ...], list[Hours]] = {}
        for h in sorted(hours, key=lambda h: (DAYS.index(h.days[0]), h.start or 0)):
            by_days.setdefault(h.days, []).append(h)
        lines = []
        for days, periods in by_days.items():
            times = format_list([self.period(p) for p in periods], style="standard", locale=self.locale)
            line = _("{days}: {times}").format(days=self.days(days, width), times=times)
            lines.append(line[:1].upper() + line[1:])
        return lines

    def date(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def languages(self, codes: tuple[str, ...]) -> str:
        names = [self.locale.languages.get(c, c) for c in codes]
        return format_list(names, style="standard", locale=self.locale)


# ------------------------------------------------------------------ the view model

# Hebrew, Arabic (with its supplements and presentation forms), Syriac, Thaana, N'Ko...
RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

Translate = Callable[[str, str], str]  # (context, English) -> text in the booklet's language


def _english(context: str, text: str) -> str:
    return text


SHORT_START_CHARS = 700
"""A section whose title, summary, steps and tips hold fewer characters is kept together on a page."""

COLUMN_LIST_MIN = 6
COLUMN_ENTRY_MAX = 40


class Fields:
    """Translates the fields of one content item: t('summary', service.summary)."""

    def __init__(self, tr: Translate, prefix: str):
        self.tr, self.prefix = tr, prefix

    def __call__(self, loc: str, text: str | None) -> str:
        return self.tr(self.prefix + loc, text) if text else ""

    def items(self, loc: str, items: tuple[str, ...]) -> list[str]:
        return [self(f"{loc}[{i}]", item) for i, item in enumerate(items)]

    def blocks(self, blocks: tuple) -> list[dict]:
        out = []
        for i, b in enumerate(blocks):
            entries = self.items(f"lists[{i}].items", b.items)
            # A long list of short entries (the cities of the care centres) reads as well in two columns, in half the height.
            columns = len(entries) >= COLUMN_LIST_MIN and max(len(e) for e in entries) <= COLUMN_ENTRY_MAX
            out.append({"heading": self(f"lists[{i}].heading", b.heading), "entries": entries, "columns": columns,
                        "everywhere": b.everywhere})
        return out


def phone_tags(i: int, line: PhoneLine, w: Words, t: Fields, field: str = "phones") -> list[str]:
    """What a call costs, as printed beside the number: 'free call', 'charged call: <cost>'."""
    _ = w._
    tags = []
    if line.number.kind == "toll_free" or line.free:
        tags.append(_("free call"))
    elif line.number.kind == "premium":
        cost = t(f"{field}[{i}].cost", line.cost)
        tags.append(_("charged call: {cost}").format(cost=cost) if cost else _("charged call"))
    return tags


def tel_marks(cat: Catalogue, w: Words, tr: Translate, centre: Centre | None = None, centre_id: str = "") -> dict[str, list[str]]:
    """The marks of every printed phone number of the content, by the tel: link that dials it:
    a tel: link written in text (validation makes sure it dials one of these) is marked like
    the number's own line ('free call', 'charged call: ...')."""
    marks: dict[str, list[str]] = {}
    for i, line in enumerate(cat.booklet.emergency):
        marks.setdefault(line.number.tel, phone_tags(i, line, w, Fields(tr, "booklet:"), "emergency"))
    for ident in sorted(cat.services):
        service = cat.services[ident]
        if service.hold:
            continue
        for i, line in enumerate(service.phones):
            if not line.hold:
                marks.setdefault(line.number.tel, phone_tags(i, line, w, Fields(tr, f"services/{ident}:")))
    for c, contact in enumerate(centre.contacts if centre else ()):
        for i, line in enumerate(contact.phones):
            marks.setdefault(line.number.tel, phone_tags(i, line, w, Fields(tr, f"centres/{centre_id}:contacts[{c}].")))
    return marks


def phone_view(i: int, line: PhoneLine, w: Words, t: Fields, field: str = "phones") -> dict:
    _ = w._
    tags = phone_tags(i, line, w, t, field)
    apps = [{"whatsapp": "WhatsApp", "telegram": "Telegram", "signal": "Signal", "sms": "SMS"}[a] for a in line.apps]
    default = _("Messages") if apps and not line.call else _("Phone")
    return {
        "label": t(f"{field}[{i}].label", line.label) or default,
        "display": line.number.national,
        "href": line.number.tel,
        "apps": format_list(apps, locale=w.locale) if apps else "",
        "tags": tags,
        "hours": w.hours(line.hours),
        "note": t(f"{field}[{i}].note", line.note),
    }


LINK_LABELS = {
    "form": N_("Online form"),
    "website": N_("Website"),
    "contact": N_("Contact page"),
    "map": N_("Map of centres"),
    "appointment": N_("Online appointment"),
    "chat": N_("Chat"),
    "info": N_("Information"),
}


def service_view(ident: str, service: Service, w: Words, tr: Translate = _english) -> dict:
    _ = w._
    t = Fields(tr, f"services/{ident}:")
    links = [
        {"label": t(f"links[{i}].label", link.label) or _(LINK_LABELS[link.kind]), "url": link.url,
         "short": display_url(link.url), "note": t(f"links[{i}].note", link.note)}
        for i, link in enumerate(service.links)
    ]
    qr = make_qr(service.links[0].url) if service.links else None
    own = service.names.get(w.lang)
    name = own or service.name
    full_name = t("full_name", service.full_name)
    return {
        "id": ident,
        "anchor": f"svc-{ident}" if ident else "",
        "repeat": False,
        "name": name,
        "name_latin": not RTL_SCRIPT.search(name),
        "other_name": service.name if own and own != service.name else "",
        "full_name": "" if full_name.casefold() in name.casefold() else full_name,
        "summary": t("summary", service.summary),
        "short": t("short", service.short) or t("summary", service.summary),
        "lists": t.blocks(service.lists),
        "phones": [phone_view(i, p, w, t) for i, p in enumerate(service.phones) if not p.hold],
        "emails": [{"address": e, "href": mailto(e)} for e in service.emails],
        "chats": [
            {
                "label": _("Anonymous chat") if c.anonymous else _("Chat"),
                "hours": w.hours(c.hours),
                "url": c.url or "",
                "short": display_url(c.url) if c.url else "",
                "note": t(f"chats[{i}].note", c.note),
            }
            for i, c in enumerate(service.chats)
        ],
        "links": links,
        "addresses": [{"street": a.street, "city": f"{a.postcode} {a.city}", "note": t(f"addresses[{i}].note", a.note)}
                      for i, a in enumerate(service.addresses)],
        "languages": w.languages(service.languages) if service.languages else "",
        "notes": t.items("notes", service.notes),
        "qr": qr,
        "qr_mm": qr_width_mm(qr) if qr else 0,
        "qr_label": links[0]["label"] if links else "",
        # the printed address in parts that break only after "/" or "." (a word joiner after each hyphen: render.WJ)
        "qr_display": [part.replace("-", "-\u2060") for part in re.findall(r"[^./]*[./]?", qr.display)[:-1]] if qr else [],
        # the QR column's width needs (cards have a fixed table layout): see metrics.py
        "qr_url_em": widest_unbreakable_em(qr.display, w.layouts) if qr else 0,
        "qr_label_em": widest_unbreakable_em(links[0]["label"], w.layouts, bold=True) if links else 0,
        "checked": "" if service.unconfirmed else w.date(service.last_verified),
    }


def situation_view(ident: str, situation: Situation, services: list[tuple[str, Service]], w: Words,
                   tr: Translate = _english) -> dict:
    t = Fields(tr, f"situations/{ident}:")
    summary, lists = t("summary", situation.summary), t.blocks(situation.lists)
    steps, tips = t.items("steps", situation.steps), t.items("tips", situation.tips)
    start = [summary, *steps, *tips, *(e for b in lists for e in b["entries"])]
    return {
        "id": ident,
        "short_start": sum(len(text) for text in start) <= SHORT_START_CHARS,
        "title": t("title", situation.title),
        "summary": summary,
        "lists": lists,
        "steps": steps,
        "tips": tips,
        "services": [service_view(sid, s, w, tr) for sid, s in services],
    }


def emergency_view(lines: tuple[PhoneLine, ...], w: Words, tr: Translate = _english) -> list[dict]:
    """The emergency numbers (content/booklet.yaml), worded like any phone line."""
    return [phone_view(i, line, w, Fields(tr, "booklet:"), "emergency") for i, line in enumerate(lines)]


def call_first(services: list[dict], leads: list[str], shown: dict[str, Service]) -> dict | None:
    """The number a situation opens with (the NHS habit: "call this" under the heading, before
    the explanations): the first of the audience's lead among its services, else its first
    service with a phone line with hours, else its first with a line to call; None without one."""
    ids = [v["id"] for v in services if v["phones"]]
    chosen = next((i for i in leads if i in ids), None) \
        or next((i for i in ids if shown[i].has_phone_with_hours()), None) \
        or next((i for i in ids if shown[i].has_phone_to_call()), None)
    return next((v for v in services if v["id"] == chosen), None)


def mark_repeats(sections: list[dict]) -> None:
    """A service already printed in full earlier in the same booklet comes back as one line
    (its name, main number and "see page N"): the first card keeps its anchor, later ones repeat."""
    seen: set[str] = set()
    for section in sections:
        for v in section["services"]:
            if v["id"] in seen:
                v["repeat"] = True
            seen.add(v["id"])


def _thirds(count: int) -> list[int]:
    """Where to start the second and third of three nearly equal runs of ``count`` items."""
    if count < 3:
        return []
    size = -(-count // 3)
    return [size, min(2 * size, count - 1)]


def lead_ids(audience: Audience, shown: dict[str, Service]) -> list[str]:
    """The services that lead this edition's short pieces, most important first: the audience's
    ``lead:`` (an editor's choice, for need) that this edition prints and a reader can call; the
    first with hours ahead of the rest. Without ``lead:``, the first of ``leaflet:`` (or of the
    audience's services) that has a phone line with hours: list order, which validation warns of."""
    if audience.lead:
        chosen = [c.service for c in audience.lead if c.service in shown and shown[c.service].has_phone_to_call()]
        first = next((i for i in chosen if shown[i].has_phone_with_hours()), None)
        return ([first] if first else []) + [i for i in chosen if i != first]
    if not audience.leaflet:
        return [i for i in shown if shown[i].has_phone_with_hours()][:1]
    listed = [i for i in audience.leaflet if i in shown]
    first = next((i for i in listed if shown[i].has_phone_with_hours()), listed[0] if listed else None)
    return [first] if first else []


NON_LATIN = re.compile("[\u0400-\u04ff\u0590-\u08ff\u1200-\u139f\ufb1d-\ufdff\ufe70-\ufeff]")
"""Letters of the scripts the content is translated into other than Latin (Cyrillic, Hebrew,
Arabic with its forms, Ethiopic)."""


def card_words(view: dict, service: Service, booklet: BookletText, w: Words, tr: Translate = _english) -> dict:
    """A wallet card's words for a service, from its view. Its name: the neutral ``card_name``
    when it has one (validation makes sure a name that says what the service is about has one),
    else its name, and none when the name is its number ('1712': never named twice). Under a
    Latin name, what it is in the reader's script (its translated ``full_name``) when the card's
    language is written in another script. Under the number its cost and hours; a note only
    where the hours are missing (the note of that line says where to find them): a card has no
    room for notes about a website, a menu or the staff, which the booklet prints. A translated
    label or note that holds a topic word of its language is not printed (the English label, or
    nothing). In a language with no topic words of its own, nothing translated can be checked:
    the card prints the English label, no gloss and no note."""
    lang = w.lang
    name = view["name"]
    checked = lang == "en" or lang in booklet.topic_words
    if service.card_name:
        translated = Fields(tr, f"services/{view['id']}:")("card_name", service.card_name)
        name = service.card_name if not checked or booklet.topic_word(translated, lang) else translated
    phones = view["phones"][:1]
    if phones and name.replace(" ", "") == phones[0]["display"].replace(" ", ""):
        name = ""
    gloss = view["full_name"]
    if not checked or service.card_name or not gloss or NON_LATIN.search(name) or not NON_LATIN.search(gloss) \
            or booklet.topic_word(gloss, lang) or booklet.topic_word(gloss, "*"):
        gloss = ""
    lines = [line for line in service.phones if not line.hold][:1]
    for p, line in zip(phones, lines, strict=True):
        p["hours"] = w.hours(line.hours, width="abbreviated")
    return {
        "name": name,
        "name_latin": not RTL_SCRIPT.search(name),
        "gloss": gloss,
        "card_notes": [p["note"] for p, line in zip(phones, lines, strict=True)
                       if checked and p["note"] and not p["hours"] and not booklet.topic_word(line.note or "")
                       and not booklet.topic_word(p["note"], lang)],
    }


def printable(service: Service, region: str | None = None) -> bool:
    """Services on hold (a doubt that makes printing them unsafe) are left out of every booklet;
    a regional edition also leaves out services that serve only other regions."""
    if service.hold is not None:
        return False
    return region is None or "federal" in service.regions or region in service.regions


DISCREET_TITLE = N_("Your rights in Belgium")
DISCREET_SUBTITLE = N_("Where to get help")


def site_page_url(site_url: str, lang: str, audience: str) -> str:
    """The web page a wallet card's QR code leads to: the audience's discreet page, whose address
    and title say nothing of its topic (a card is carried on the body, and a scanned code shows
    its address on the phone)."""
    return f"{site_url.rstrip('/')}/{Edition(audience, lang, discreet=True).page}"


def _centre_contacts(ident: str, centre: Centre, w: Words, tr: Translate = _english) -> list[tuple[Service, dict]]:
    """Each contact of a reception centre as a service (its fields were checked when the centre
    was loaded) and its view, translated like the rest of the content (context
    'centres/<id>:contacts[0].summary'); a text without a translation is shown as written."""
    contacts = []
    for i, contact in enumerate(centre.contacts):
        as_service = Service.model_construct(
            name=contact.name, summary=contact.summary, regions=(centre.region,), phones=contact.phones,
            emails=contact.emails, links=contact.links, addresses=contact.addresses, notes=contact.notes,
            last_verified=centre.last_verified,
        )
        prefix = f"centres/{ident}:contacts[{i}]."

        def own(context: str, text: str, prefix: str = prefix) -> str:
            return tr(prefix + context.split(":", 1)[1], text)

        view = service_view("", as_service, w, own)
        view["name"] = own(":name", contact.name)
        view["name_latin"] = not RTL_SCRIPT.search(view["name"])
        contacts.append((as_service, view))
    return contacts


def centre_view(ident: str, centre: Centre, w: Words, tr: Translate = _english, source: str = "") -> dict:
    """A reception centre's own contacts, as every format prints them (``source``: where they are
    written, 'content/centres/<id>.yaml:4', named when they do not fit)."""
    return {"name": centre.name, "contacts": [view for _service, view in _centre_contacts(ident, centre, w, tr)],
            "source": source, "card_line": None}


def centre_card_line(ident: str, centre: Centre, booklet: BookletText, w: Words, tr: Translate = _english,
                     source: str = "", name_at: str = "") -> dict | None:
    """A wallet card's line for a reception centre: its first contact with a line to call, named
    "Your centre: <the centre's name>" (the centre's name is printed as written: a name that says
    what the card is about is a BuildError naming ``name_at``, its file, line and column, as a
    card is carried on the body), with its number, cost and hours like a service's line
    (card_words). None when no contact has a line to call."""
    _ = w._
    found = next(((s, v) for s, v in _centre_contacts(ident, centre, w, tr) if s.has_phone_to_call()), None)
    if found is None:
        return None
    word = booklet.topic_word(centre.name, "*")
    if word:
        raise BuildError(f"{name_at}: name: '{centre.name}' says what the wallet card is about ('{word}', a topic word of "
                         f"content/booklet.yaml), and the card, carried on the body, prints it (\"Your centre: "
                         f"{centre.name}\"); expected a name that says nothing of the topic, or the centre's set without "
                         "cards (--format booklet --format leaflet --format poster)")
    service, view = found
    view = {**view, "id": "centre", "emails": []}
    view.update(card_words(view, service, booklet, w, tr))
    name = _("Your centre: {name}").format(name=centre.name)
    return view | {"name": name, "name_latin": not RTL_SCRIPT.search(name), "gloss": "", "source": source}


def _situations(cat: Catalogue, audience: Audience, region: str | None) -> list[tuple[ServiceRef, Situation, list[tuple[str, Service]]]]:
    """The audience's situations that an edition prints, each with its printable services."""
    found = []
    for ref in audience.situations:
        situation = cat.situations[ref.situation]
        ids = ref.services if ref.services is not None else situation.services
        services = [(i, cat.services[i]) for i in ids if printable(cat.services[i], region)]
        if not services and situation.services:
            continue  # every service of this situation serves other regions only (or is on hold)
        found.append((ref, situation, services))
    return found


def _picked(cat: Catalogue, audience: Audience, name: str, shown: dict[str, Service], leads: list[str]) -> list[str]:
    """The services a format with a selection (leaflet, poster, card) shows, in order: those the
    audience lists for it ('leaflet: [...]'), else its default (formats.py), the lead first."""
    fmt = FORMATS[name]
    assert fmt.selection is not None
    chosen = getattr(audience, fmt.selection)
    lead = leads[0] if leads else None
    if chosen is not None:
        picked = [i for i in chosen if i in shown]
    elif fmt.default_count is not None and fmt.neutral and audience.lead:  # a card: only what an editor chose
        picked = list(leads)
    elif fmt.default_count is not None:  # a poster: the lead, then list order
        picked = leads + [i for i in shown if i not in leads]
    else:
        picked = list(shown)
    if fmt.lead == "first" and lead in shown:  # the leaflet's front leads with the chosen service
        picked = [lead] + [i for i in picked if i != lead]
    if chosen is None and fmt.default_count is not None:  # a line needs a number to call
        picked = [i for i in picked if shown[i].has_phone_to_call()]
        if fmt.neutral:  # never a name that says what the service is about (validation names them)
            picked = [i for i in picked if not cat.booklet.card_topic(shown[i])]
        picked = picked[:fmt.default_count]
    return picked


def printed_ids(cat: Catalogue, edition: Edition) -> list[str]:
    """The services whose card an edition prints, in order (as booklet_view selects them): a
    booklet's, every printable service of its situations; a leaflet's, poster's or card's, those
    its selection picks. Not the lines to talk to of content/booklet.yaml (a booklet's back cover,
    a leaflet's back), nor the emergency numbers."""
    audience = cat.audiences[edition.audience]
    shown: dict[str, Service] = {}
    for _ref, _situation, services in _situations(cat, audience, edition.region):
        shown.update(services)
    fmt = FORMATS[edition.format]
    if fmt.selection is None:
        return list(shown)
    return _picked(cat, audience, fmt.name, shown, lead_ids(audience, shown))


SHORT_FORMATS = ("booklet", "leaflet", "poster", "card")
"""The formats a service can be in or not (the imposed booklet holds the booklet's pages)."""


def appearances(cat: Catalogue, sid: str) -> dict[str, list[str]]:
    """Where a service is printed: per audience (general editions), the formats that show it."""
    found: dict[str, list[str]] = {}
    for aid in sorted(cat.audiences):
        formats = [name for name in SHORT_FORMATS if sid in printed_ids(cat, Edition(aid, format=name))]
        if formats:
            found[aid] = formats
    return found


CENTRE_ARRANGEMENTS = ({"centre_on_cover": True}, {"centre_on_cover": False})
"""A centre's booklet tries its contacts on the cover first, and after it when the cover would
run onto a second page (design.py: the cover must hold on one page)."""


def centre_arrangements(fmt: Format, highlights: list[dict], chosen: bool) -> tuple[tuple[dict, ...], tuple[int, ...]]:
    """The arrangements of a centre's edition of a format, in the order to try them, and where
    each place after the first starts among them (formats.py: centre_places): every arrangement
    of the format with the contacts in the first place, then in the next. Contacts that take the
    place of a service (a wallet card's line, a poster's band) name it (``centre_replaces``); a card
    that would drop a service line to make room (max_lines) does so only there, saying so."""
    if fmt.source == "booklet":
        return CENTRE_ARRANGEMENTS, ()
    out: list[dict] = []
    starts: list[int] = []
    for number, place in enumerate(fmt.centre_places or ({},)):
        if number:
            starts.append(len(out))
        for variant in fmt.variants:
            shown = highlights if chosen or not variant.get("max_lines") else highlights[:variant["max_lines"]]
            if "replaces" not in place.values():
                if len(shown) < len(highlights):
                    continue  # a line left out to make room for the centre's: the next place says which
                out.append(variant | place)
            elif len(shown) > 1:  # in the place of the last service shown, never of the only one
                out.append(variant | place | {"centre_replaces": shown[-1]["id"]})
    return tuple(out), tuple(starts)


def booklet_view(cat: Catalogue, edition: Edition, words: Words, tr: ContentTranslator | None = None) -> dict:
    """Everything the template of one booklet needs, and nothing it must look up (in English
    without ``tr``, the run's translator of the edition's language)."""
    run_tr = tr if tr is not None else ContentTranslator.english()
    tr = run_tr.fresh()  # this document's own record of drafts and fallbacks
    w = words
    _ = w._
    audience: Audience = cat.audiences[edition.audience]
    t = Fields(tr, f"audiences/{edition.audience}:")
    g = Fields(tr, "booklet:")
    sections = []
    shown: dict[str, Service] = {}
    for ref, situation, services in _situations(cat, audience, edition.region):
        shown.update(services)
        sections.append(situation_view(ref.situation, situation, services, w, tr))
    leads = lead_ids(audience, shown)
    lead = leads[0] if leads else None
    highlights: list[dict] = []
    chosen_by_editor = False
    fmt = FORMATS[edition.format]
    if fmt.selection is not None:
        chosen = getattr(audience, fmt.selection)
        picked = _picked(cat, audience, fmt.name, shown, leads)
        shown = {i: shown[i] for i in picked}
        highlights = [service_view(i, shown[i], w, tr) for i in picked]
        if not fmt.prints_emails:  # a poster or card prints no person's own address
            for h in highlights:
                h["emails"] = []
        if fmt.neutral:  # a wallet card is carried on the body: nothing on it says what it is about
            for h in highlights:
                h.update(card_words(h, shown[h["id"]], cat.booklet, w, tr))
        chosen_by_editor = chosen is not None
        if fmt.qr_symbol_mm is not None:  # a poster is read from further away: bigger codes
            for h in highlights:
                if h["qr"]:
                    h["qr_mm"] = qr_width_mm(h["qr"], symbol_min_mm=fmt.qr_symbol_mm)
    else:
        mark_repeats(sections)
        for section in sections:  # every situation opens with a number to call, whatever page its cards start on
            section["call_first"] = call_first(section["services"], leads, shown)
    oldest = min((s.last_verified for s in shown.values()), default=None)
    qr_urls = sorted({s.links[0].url for s in shown.values() if s.links})
    centre = cat.centres[edition.centre] if edition.centre else None
    centre_box: dict | None = None
    arrangements: tuple[dict, ...] | None = None
    places: tuple[int, ...] = ()
    if centre and edition.centre:
        qr_urls = sorted(set(qr_urls) | {c.links[0].url for c in centre.contacts if c.links})
        doc = cat.documents.get(("centres", edition.centre))
        path = f"content/centres/{edition.centre}.yaml"
        line, _column = doc.where(("contacts",), key=True) if doc else (1, 1)
        source = f"{path}:{line}"  # where the contacts are written, named when they do not fit
        centre_box = centre_view(edition.centre, centre, w, tr, source)
        if not fmt.prints_emails:  # a poster or card prints no person's own address
            for contact in centre_box["contacts"]:
                contact["emails"] = []
        if fmt.neutral:  # a wallet card: one line, for the centre's first contact with a phone
            name_at = "{}:{}:{}".format(path, *(doc.where(("name",)) if doc else (1, 1)))
            centre_box["card_line"] = centre_card_line(edition.centre, centre, cat.booklet, w, tr, source, name_at)
        if fmt.source == "booklet" or (fmt.centre_places and (not fmt.neutral or centre_box["card_line"])):
            arrangements, places = centre_arrangements(fmt, highlights, chosen_by_editor)
    if fmt.neutral:  # a wallet card is carried on the body
        title, subtitle, intro = _(DISCREET_SUBTITLE), "", []
    elif edition.discreet:
        title, subtitle, intro = _(DISCREET_TITLE), _(DISCREET_SUBTITLE), [_(fmt.phrases.discreet_intro)]
    else:
        title, subtitle, intro = t("title", audience.title), t("subtitle", audience.subtitle), t.items("intro", audience.intro)
    checked = w.date(oldest) if oldest else ""
    lead_view = next((v for s in sections for v in s["services"] if v["id"] == lead and not v["repeat"]), None)
    view = {
        "lang": edition.lang,
        "format": fmt.source,
        "format_words": {f.name: [_(f.phrases.this)] for f in FORMATS.values() if f.renders_as is None},
        "dir": direction(w.lang),
        "emergency": emergency_view(cat.booklet.emergency, w, tr),
        # lines to talk to, day and night, whatever happened: on the back cover
        "talk": [service_view(i, cat.services[i], w, tr) for i in cat.booklet.talk
                 if i in cat.services and printable(cat.services[i], edition.region)],
        "lead": lead_view if fmt.lead == "cover" else None,
        "about": _(fmt.phrases.about),
        "checked_note": _(fmt.phrases.checked_note).format(date=checked),
        "draft_note": _(fmt.phrases.draft_note),
        "title": title,
        "subtitle": subtitle,
        "intro": intro,
        "discreet": edition.discreet,
        "introduction": g.items("introduction", cat.booklet.introduction) if audience.general else [],
        # the audience's own, unless the edition must not say what it is about (its own names its topic)
        "fallback": t("fallback", audience.fallback) if audience.fallback and not (edition.discreet or fmt.neutral)
                    else g("fallback", cat.booklet.fallback),
        "colophon": g.items("colophon", cat.booklet.colophon),
        "contents": audience.contents,
        "centre": centre_box,
        # a centre's edition: the arrangements to try (build.arrangements), and where each place
        # for its contacts after the first starts among them (formats.py: centre_places)
        "arrangements": arrangements,
        "centre_places": places,
        "sections": sections,
        "todo": [s for s in sections if s["steps"] or s["tips"]],  # what you can do: the leaflet's flap
        "highlights": highlights,
        # Where a leaflet arranged to share its inside cards evenly over the three inside panels
        # turns to the next panel (indices of highlights[1:]).
        "panel_turns": _thirds(len(highlights) - 1),
        "chosen": chosen_by_editor,  # the leaflet's, poster's or card's services were listed in the audience's file
        "full_list": make_qr(site_page_url(cat.booklet.site_url, edition.lang, edition.audience))
                     if fmt.links_to_site and cat.booklet.site_url else None,
        "checked": checked,
        # The document's date is the newest check of what it shows: the same content gives the same file.
        "date": max(s.last_verified for s in shown.values()).isoformat() + "T00:00:00Z" if shown else "",
        "qr_urls": qr_urls,
        "draft": bool(tr.used_drafts),
        # the marks of tel: links written in text, worded with a translator whose record is dropped
        # (a number's cost translated for the marks is not a text this document prints)
        "tel_marks": tel_marks(cat, w, run_tr.fresh(), centre, edition.centre or ""),
    }
    run_tr.absorb(tr)  # the run's record, for the build's report of texts printed in English
    return view

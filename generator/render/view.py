"""Select what one booklet shows and turn it into a ready-to-print view model.

Templates only place what this module prepares: phone numbers already formatted, opening hours
already in words, QR codes already drawn. Every fixed phrase goes through ``gettext`` so that the
language catalogues can translate it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from babel.lists import format_list

from generator.base.edition import Edition, site_page_url
from generator.base.errors import BuildError
from generator.base.formats import FORMATS, N_, Format
from generator.content.catalogue import Catalogue
from generator.content.model import Audience, BookletText, Centre, PhoneLine, Service, Situation
from generator.content.qr import make_qr, qr_width_mm
from generator.content.values import display_url, mailto
from generator.i18n.translator import ContentTranslator
from generator.render.metrics import widest_unbreakable_em
from generator.render.selection import lead_ids, picked_ids, printable, situations
from generator.render.viewmodel import (
    BlockView,
    BookletView,
    CardWords,
    CentreBox,
    LinkView,
    PhoneView,
    ServiceView,
    SituationView,
)
from generator.render.words import NON_LATIN, RTL_SCRIPT, Words, direction

# ------------------------------------------------------------------ the view model


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

    def blocks(self, blocks: tuple) -> list[BlockView]:
        out: list[BlockView] = []
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


def phone_view(i: int, line: PhoneLine, w: Words, t: Fields, field: str = "phones") -> PhoneView:
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


def service_view(ident: str, service: Service, w: Words, tr: Translate = _english) -> ServiceView:
    _ = w._
    t = Fields(tr, f"services/{ident}:")
    links: list[LinkView] = [
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
                   tr: Translate = _english) -> SituationView:
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


def emergency_view(lines: tuple[PhoneLine, ...], w: Words, tr: Translate = _english) -> list[PhoneView]:
    """The emergency numbers (content/booklet.yaml), worded like any phone line."""
    return [phone_view(i, line, w, Fields(tr, "booklet:"), "emergency") for i, line in enumerate(lines)]


def call_first(services: list[ServiceView], leads: list[str], shown: dict[str, Service]) -> ServiceView | None:
    """The number a situation opens with (the NHS habit: "call this" under the heading, before
    the explanations): the first of the audience's lead among its services, else its first
    service with a phone line with hours, else its first with a line to call; None without one."""
    ids = [v["id"] for v in services if v["phones"]]
    chosen = next((i for i in leads if i in ids), None) \
        or next((i for i in ids if shown[i].has_phone_with_hours()), None) \
        or next((i for i in ids if shown[i].has_phone_to_call()), None)
    return next((v for v in services if v["id"] == chosen), None)


def mark_repeats(sections: list[SituationView]) -> None:
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






def card_words(view: ServiceView, service: Service, booklet: BookletText, w: Words, tr: Translate = _english) -> CardWords:
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




DISCREET_TITLE = N_("Your rights in Belgium")
DISCREET_SUBTITLE = N_("Where to get help")




def _centre_contacts(ident: str, centre: Centre, w: Words, tr: Translate = _english) -> list[tuple[Service, ServiceView]]:
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


def centre_view(ident: str, centre: Centre, w: Words, tr: Translate = _english, source: str = "") -> CentreBox:
    """A reception centre's own contacts, as every format prints them (``source``: where they are
    written, 'content/centres/<id>.yaml:4', named when they do not fit)."""
    return {"name": centre.name, "contacts": [view for _service, view in _centre_contacts(ident, centre, w, tr)],
            "source": source, "card_line": None}


def centre_card_line(ident: str, centre: Centre, booklet: BookletText, w: Words, tr: Translate = _english,
                     source: str = "", name_at: str = "") -> ServiceView | None:
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












CENTRE_ARRANGEMENTS = ({"centre_on_cover": True}, {"centre_on_cover": False})
"""A centre's booklet tries its contacts on the cover first, and after it when the cover would
run onto a second page (design.py: the cover must hold on one page)."""


def centre_arrangements(fmt: Format, highlights: list[ServiceView], chosen: bool) -> tuple[tuple[dict, ...], tuple[int, ...]]:
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


def booklet_view(cat: Catalogue, edition: Edition, words: Words, tr: ContentTranslator | None = None) -> BookletView:
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
    for ref, situation, services in situations(cat, audience, edition.region):
        shown.update(services)
        sections.append(situation_view(ref.situation, situation, services, w, tr))
    leads = lead_ids(audience, shown)
    lead = leads[0] if leads else None
    highlights: list[ServiceView] = []
    chosen_by_editor = False
    fmt = FORMATS[edition.format]
    if fmt.selection is not None:
        chosen = getattr(audience, fmt.selection)
        picked = picked_ids(cat, audience, fmt.name, shown, leads)
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
    centre_box: CentreBox | None = None
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
    view: BookletView = {
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

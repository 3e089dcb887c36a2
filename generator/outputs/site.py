"""The web pages (output/site/): the same view model, phrases and translations as the PDFs, for
the phone in the reader's hand.

One page per audience and language (and edition: a discreet page has the discreet booklet's
neutral title), at an address that names no topic (``<lang>/<code>.html``: view.py's
Edition.page; output/manifest.json says which edition each code is), an index per language, a
root index that names every language in itself, a page per language on hiding a visit, and a
404 page. A page opens with the emergency numbers, a "call first" box with the audience's lead
services (the editor's choice, as on paper), and a list of its situations; then the situations,
steps, tips and every service with tel:, mailto: and https: links (WhatsApp and Telegram for a
line that takes messages only), and the PDFs of its set; every page names its versions in every
language (hreflang) and links to them. The PDFs are hard links to those of the build (no second
copy on disk), so the folder can be published as it is. Pages load nothing from another site
(system fonts, inline style, one inline script whose hash the page's Content-Security-Policy
allows, plus the service worker sw.js) and work without JavaScript. The script adds the quick
exit (Escape, Shift three times, or the "Leave this page" button, which is always on screen:
the page is hidden and replaced in the history by a neutral site), "open now" from the
structured hours in Belgian time, and the service worker that keeps the pages a reader opened
for when there is no signal.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.units import format_unit

from generator.base.edition import Edition
from generator.base.files import write_atomic
from generator.base.formats import FORMATS, N_
from generator.content.catalogue import Catalogue
from generator.content.model import Hours, PhoneLine
from generator.content.values import DAYS
from generator.i18n.translator import ContentTranslator, content_translator, ui_translations
from generator.render.html import environment, isolate_ltr, keep_together
from generator.render.selection import lead_ids
from generator.render.view import booklet_view
from generator.render.viewmodel import BookletView, PhoneView
from generator.render.words import Words, direction

SITE = "site"
PRIVACY = "privacy.html"
"""Each language's page on hiding a visit (a neutral name: it stays in a browser's history)."""
WORKER = "sw.js"

# How a web page names itself (the PDFs' phrases name their format: generator/base/formats.py).
ABOUT = N_("This page lists services that can help when your rights are not respected in Belgium.")
CHECKED_NOTE = N_("The information on this page was checked on {date} or later. Phone numbers, hours and addresses "
                  "can change: when in doubt, check the organisation's website.")
DRAFT_NOTE = N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                "mistake, please tell the people who gave you the address of this page.")
LEAVE = N_("Leave this page")
KEYS = N_("Or press Esc, or Shift three times.")
HIDE = N_("Hide your visit")
SKIP = N_("Skip to the help")
CALL_FIRST = N_("Call first")
WHAT_HAPPENED = N_("What happened?")
OPEN_NOW = N_("open now")
CLOSES_AT = N_("closes at {time}")
OPENS_AT = N_("opens {day} {time}")
CLOSED_NOW = N_("closed now")
# The page on hiding a visit (one per language: <lang>/privacy.html).
HIDE_INTRO = N_("Someone who uses this phone or computer after you may see which pages you opened. "
                "Here is how to leave fewer traces.")
HIDE_PRIVATE = N_("Best: open this site in a private window (Chrome: New Incognito tab; Samsung Internet: "
                  "Secret mode; Safari on iPhone: Private). When you close it, the pages are not kept in the history.")
HIDE_HISTORY = N_("Afterwards: open your browser's menu, then History, and delete the pages of this site one by one. "
                  "Deleting all of the history can itself be noticed.")
HIDE_CHROME = N_("Android, Chrome: menu ⋮, History, then × next to each page.")
HIDE_SAMSUNG = N_("Samsung Internet: menu ☰, History, touch and hold a page, then Delete.")
HIDE_SAFARI = N_("iPhone, Safari: the book button, the clock tab (History), swipe left on a page, then Delete.")
HIDE_FILES = N_("Files you downloaded (PDF) stay in Downloads: delete them there too.")
HIDE_OFFLINE = N_("This site keeps the pages you opened on the phone so that they open without internet. "
                  "Deleting this site's data in the browser's settings removes them.")
HIDE_EXIT = N_("The “{leave}” button opens another site in place of this page, "
               "so that the Back button does not bring it back.")
NOT_FOUND = "Page not found"
NOT_FOUND_TEXT = "This address leads to no page. Choose your language to see where to get help:"
APPS = {"whatsapp": ("WhatsApp", "https://wa.me/{digits}"), "telegram": ("Telegram", "https://t.me/+{digits}")}
"""The apps whose chat opens from a number (wa.me and t.me are the apps' own click-to-chat addresses)."""


@dataclass(frozen=True)
class Assets:
    """What every page carries inline, from the project's layouts/site/: the page script and the
    stylesheet, and the service worker (read by each write_site: `booklet serve` shows an edit at once)."""

    script: str
    style: str
    worker: str

    @classmethod
    def of(cls, layouts: Path) -> Assets:
        site = layouts / "site"
        return cls((site / "page.js").read_text("utf-8").strip(), (site / "site.css").read_text("utf-8").strip(),
                   (site / WORKER).read_text("utf-8"))

    @property
    def csp(self) -> str:
        """The pages' Content-Security-Policy: nothing from elsewhere, the page script by its hash, and
        the service worker from this site."""
        digest = base64.b64encode(hashlib.sha256(self.script.encode()).digest()).decode()
        return (f"default-src 'none'; script-src 'sha256-{digest}'; worker-src 'self'; "
                "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'")


def language_name(lang: str) -> str:
    """A language as its readers write it ("Français", "العربية", "فارسی"; not "Français (Belgique)")."""
    name = Locale.parse(lang).display_name or lang
    return name[:1].upper() + name[1:]


def _downloads(out: Path, manifest: dict[str, dict], edition: Edition, w: Words) -> list[dict]:
    """The PDFs of this page's set (same audience, language and edition), in the formats' order,
    each linked next to the page under a neutral name (a hard link to the built file)."""
    _ = w._
    found = []
    for fmt in FORMATS.values():
        pdf = Edition(edition.audience, edition.lang, fmt.name, edition.region, edition.discreet, edition.centre)
        entry = manifest.get(pdf.relpath)
        if entry is None or not (out / pdf.relpath).is_file():
            continue
        _link(out / pdf.relpath, out / SITE / pdf.site_pdf)
        size = format_unit(max(1, round(entry["bytes"] / 1000)), "digital-kilobyte", length="short", locale=w.locale)
        found.append({"href": Path(pdf.site_pdf).name, "name": _(fmt.phrases.name), "printing": _(fmt.phrases.printing),
                      "size": size, "pages": entry["pages"]})
    return found


def _link(source: Path, target: Path) -> None:
    """The site's copy of a PDF: a hard link (no second copy on disk), or a copy where links are
    not possible; replaced atomically, since the build replaces the PDF itself (a new file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and os.path.samefile(source, target):
        return
    tmp = target.with_name(f".{target.name}.link.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def _write(path: Path, html: str, written: dict[str, str], out: Path) -> None:
    data = html.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        write_atomic(path, data)
    written[path.relative_to(out).as_posix()] = hashlib.sha256(data).hexdigest()


def _common(layouts: Path, assets: Assets, lang: str, exit_url: str, root: str) -> dict:
    """What every page's frame needs: the exit bar in the page's language, the inline assets,
    and ``root``, the way from the page to the site's root (the service worker is there)."""
    _ = ui_translations(layouts, lang).gettext
    return {"leave": _(LEAVE), "keys": _(KEYS), "hide": _(HIDE), "skip": _(SKIP), "exit_url": exit_url,
            "privacy": f"{root}{lang}/{PRIVACY}", "root": root,
            "script": assets.script, "style": assets.style, "csp": assets.csp}


def _periods(hours: tuple[Hours, ...]) -> str:
    """A line's hours for the page script's "open now": [[days (0 = Monday)], from, to] in minutes
    of Belgian time; "" when a period has no times (a part of the day) or there are no hours."""
    if not hours or any(h.start is None or h.end is None for h in hours):
        return ""
    return json.dumps([[[DAYS.index(d) for d in h.days], h.start, h.end] for h in hours], separators=(",", ":"))


def _always(line: PhoneLine) -> bool:
    return any(h.days == DAYS and h.start == 0 and h.end == 24 * 60 for h in line.hours)


def _web_lines(views: list[PhoneView], lines: Iterable[PhoneLine], *, printed: bool = True) -> None:
    """What a phone line needs on the web beyond the printed view: its hours for "open now", and
    for a line that takes messages only, the chat links of its apps in place of a tel: link.
    ``printed``: the view left out the lines on hold (a service's; not the emergency numbers)."""
    for view, line in zip(views, [line for line in lines if not (printed and line.hold)], strict=True):
        view["always"] = _always(line)
        view["periods"] = "" if view["always"] else _periods(line.hours)  # "24 hours a day" says it all
        digits = line.number.tel.removeprefix("tel:").lstrip("+")
        view["chats"] = [] if line.call else [
            {"app": APPS[a][0], "href": APPS[a][1].format(digits=digits)} for a in line.apps if a in APPS]
        if not line.call:
            view["href"] = ""  # a number for messages only is never a phone link


def _web_view(cat: Catalogue, edition: Edition, view: BookletView) -> None:
    """Add to a booklet's view what the web page shows beyond the paper: the lines' web details,
    the call-first box (the audience's lead, 24/7 lines first) and the list of situations."""
    _web_lines(view["emergency"], cat.booklet.emergency, printed=False)
    for section in view["sections"]:
        for v in section["services"]:
            _web_lines(v["phones"], cat.services[v["id"]].phones)
    if view["centre"] and edition.centre:
        for v, contact in zip(view["centre"]["contacts"], cat.centres[edition.centre].contacts, strict=True):
            _web_lines(v["phones"], contact.phones)
    first = {v["id"]: v for s in view["sections"] for v in s["services"] if not v["repeat"]}
    shown = {i: cat.services[i] for i in first}
    leads = [first[i] for i in lead_ids(cat.audiences[edition.audience], shown)]
    leads = [v for v in leads if any(p["href"] for p in v["phones"])]
    view["call_first"] = sorted(leads, key=lambda v: not any(p["always"] and p["href"] for p in v["phones"]))
    view["jump"] = [{"id": s["id"], "title": s["title"]} for s in view["sections"]]
    # a number written in a text is marked as its line is, in brackets: it copies as "0800 99 961 (free call)"
    view["tel_marks"] = {tel: [f"({mark})" for mark in marks] for tel, marks in view["tel_marks"].items()}


def write_site(cat: Catalogue, root: Path, out: Path, made: Iterable[Edition], manifest: dict[str, dict], *,
               layouts: Path) -> dict[str, str]:
    """Write the page of every audience, language and edition ``made`` has a PDF of (print-shop
    files aside), listing every PDF of its set that is in the output, then the indexes, the
    pages on hiding a visit, the 404 page and the service worker, with the project's layouts
    (layouts/site/). Returns each written file's path (under ``out``) and sha256."""
    written: dict[str, str] = {}
    assets = Assets.of(layouts)
    made = list(made)
    pages = sorted({Edition(e.audience, e.lang, "booklet", e.region, e.discreet, e.centre) for e in made if not e.print_shop}
                   # a wallet card's code leads to its audience's discreet page: written with the card
                   | {Edition(e.audience, e.lang, "booklet", e.region, True, e.centre) for e in made if e.format == "card"},
                   key=lambda e: (e.lang, e.page))
    codes: dict[str, Edition] = {}
    for edition in pages:  # six hex digits of a hash: make sure no two editions share one
        other = codes.setdefault(edition.code, edition)
        if (other.audience, other.region, other.discreet, other.centre) != (edition.audience, edition.region,
                                                                             edition.discreet, edition.centre):
            raise ValueError(f"two web pages share the code {edition.code}: {other} and {edition}")
    translators: dict[str, ContentTranslator] = {}  # shared with the indexes: each catalogue read once
    for lang in sorted({e.lang for e in pages}):
        translators[lang] = content_translator(root, lang)
    exit_url = cat.booklet.exit_url
    site = out / SITE
    languages = list(cat.booklet.languages)
    paths = {e.page for e in pages}
    for edition in pages:
        w = Words(edition.lang, layouts)
        view = booklet_view(cat, edition, w, translators[edition.lang])
        _web_view(cat, edition, view)
        view |= {"about": w._(ABOUT), "checked_note": w._(CHECKED_NOTE).format(date=view["checked"]),
                 "draft_note": w._(DRAFT_NOTE)}
        if edition.discreet:  # the discreet booklet's intro speaks of a booklet: the page says what it is
            view["intro"] = [view["about"]]
        same = [(lang, Edition(edition.audience, lang, "booklet", edition.region, edition.discreet, edition.centre).page)
                for lang in languages]
        alternates = [{"lang": lang, "dir": direction(lang), "name": language_name(lang), "href": f"../{path}"}
                      for lang, path in same if path in paths or (site / path).is_file()]
        template = environment(layouts, edition.lang).get_template("site/page.html.j2")
        html = template.render(b=view, downloads=_downloads(out, manifest, edition, w), alternates=alternates,
                               words=_open_words(w), languages_index="../index.html", lang_index="index.html",
                               **_common(layouts, assets, edition.lang, exit_url, "../"))
        if view["dir"] == "rtl":
            html = isolate_ltr(html, elements=True)
        _write(site / edition.page, keep_together(html, elements=True), written, out)
    _write_indexes(cat, root, out, written, translators, layouts, assets)
    _remove_old_addresses(site, cat)
    (site / WORKER).parent.mkdir(parents=True, exist_ok=True)
    _write(site / WORKER, assets.worker, written, out)
    return written


def _remove_old_addresses(site: Path, cat: Catalogue) -> None:
    """Pages and PDFs that an earlier version wrote at addresses that name their audience
    (site/<lang>/<audience>.html, .../discreet/..., centres/<id>/...) are deleted, so that
    publishing the folder publishes none of them."""
    named = re.compile(rf"(?:{'|'.join(map(re.escape, cat.audiences))})(?:-[a-z-]+)?\.(?:html|pdf)")
    for path in sorted(site.rglob("*"), reverse=True):
        relative = path.relative_to(site)
        old = relative.parts[0] == "centres" or "discreet" in relative.parts or bool(named.fullmatch(path.name))
        if old and path.is_file():
            path.unlink()
        elif old and path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _open_words(w: Words) -> dict[str, str]:
    """The words of "open now" for the page script, in the page's language."""
    _ = w._
    return {"open": _(OPEN_NOW), "closes": _(CLOSES_AT), "opens": _(OPENS_AT), "closed": _(CLOSED_NOW),
            "days": "|".join(w.day(d) for d in DAYS)}


def _write_indexes(cat: Catalogue, root: Path, out: Path, written: dict[str, str],
                   translators: dict[str, ContentTranslator], layouts: Path, assets: Assets) -> None:
    """site/index.html (every language, named in itself), site/<lang>/index.html (the pages of
    that language that exist: a partial build links only what it or an earlier build made), the
    page on hiding a visit in each of those languages, and site/404.html."""
    site = out / SITE
    languages = []
    present = [lang for lang in cat.booklet.languages if any((site / Edition(a, lang).page).is_file() for a in cat.audiences)]
    for lang in present:
        if lang not in translators:
            translators[lang] = content_translator(root, lang)
        tr = translators[lang]
        w = Words(lang, layouts)
        _ = w._
        found = []
        for aid in sorted(cat.audiences, key=lambda a: (a == "complete", a)):
            edition = Edition(aid, lang)
            if (site / edition.page).is_file():
                audience = cat.audiences[aid]
                prefix = f"audiences/{aid}:"
                found.append({"href": Path(edition.page).name, "title": tr(prefix + "title", audience.title),
                              "subtitle": tr(prefix + "subtitle", audience.subtitle) if audience.subtitle else ""})
        titles = [a["title"] for a in found]
        for a in found:  # two links that read the same lead apart: the subtitle tells them apart
            if titles.count(a["title"]) > 1 and a["subtitle"]:
                a["title"], a["subtitle"] = a["subtitle"], a["title"]
        view = {"lang": lang, "dir": direction(lang), "title": _("Your rights in Belgium"), "subtitle": _("Where to get help")}
        alternates = [{"lang": other, "dir": direction(other), "name": language_name(other), "href": f"../{other}/index.html"}
                      for other in present]
        common = _common(layouts, assets, lang, cat.booklet.exit_url, "../")
        template = environment(layouts, lang).get_template("site/language.html.j2")
        html = template.render(b=view, audiences=found, alternates=alternates, languages_index="../index.html", **common)
        if view["dir"] == "rtl":
            html = isolate_ltr(html, elements=True)
        _write(site / lang / "index.html", html, written, out)
        hide = {"lang": lang, "dir": view["dir"], "title": _(HIDE), "subtitle": "",
                "paragraphs": [_(HIDE_INTRO), _(HIDE_PRIVATE), _(HIDE_HISTORY)],
                "browsers": [_(HIDE_CHROME), _(HIDE_SAMSUNG), _(HIDE_SAFARI)],
                "more": [_(HIDE_FILES), _(HIDE_OFFLINE), _(HIDE_EXIT).format(leave=_(LEAVE))]}
        alternates = [{"lang": other, "dir": direction(other), "name": language_name(other), "href": f"../{other}/{PRIVACY}"}
                      for other in present]
        template = environment(layouts, lang).get_template("site/privacy.html.j2")
        html = template.render(b=hide, alternates=alternates, lang_index="index.html", languages_index="../index.html",
                               **common)
        if view["dir"] == "rtl":
            html = isolate_ltr(html, elements=True)
        _write(site / lang / PRIVACY, html, written, out)
        languages.append({"lang": lang, "dir": view["dir"], "name": language_name(lang), "title": view["title"],
                          "href": f"{lang}/index.html"})
    if languages:
        template = environment(layouts, "en").get_template("site/index.html.j2")
        html = template.render(languages=languages, b={"lang": "en", "dir": "ltr", "title": "Your rights in Belgium", "subtitle": ""},
                               **_common(layouts, assets, "en", cat.booklet.exit_url, ""))
        _write(site / "index.html", html, written, out)
        # Served for any address that leads nowhere, at any depth: its links start from the site's address.
        base = (cat.booklet.site_url or "").rstrip("/") + "/"
        lost = [dict(entry, href=base + entry["href"]) for entry in languages]
        template = environment(layouts, "en").get_template("site/404.html.j2")
        common = _common(layouts, assets, "en", cat.booklet.exit_url, base)
        html = template.render(languages=lost, b={"lang": "en", "dir": "ltr", "title": NOT_FOUND, "subtitle": NOT_FOUND_TEXT},
                               **common)
        _write(site / "404.html", html, written, out)

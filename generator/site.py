"""The web pages (output/site/): the same view model, phrases and translations as the PDFs, for
the phone in the reader's hand.

One page per audience and language (and edition: a discreet page has the discreet booklet's
neutral title and metadata), an index per language listing its pages, and a root index that
names every language in its own language and script. Each page carries the situations, steps,
tips and every service with tel:, mailto: and https: links, and the PDFs of its set with how to
print each; the PDFs are hard links to those of the build (no second copy on disk), so the
folder can be published as it is. Pages load nothing from another site (system fonts, inline
style, one inline script whose hash is the only one the page's Content-Security-Policy allows)
and work without JavaScript; the script adds the quick exit (Escape, or the "Leave this page"
button: the page is hidden and replaced in the history by a neutral site).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.units import format_unit

from .files import write_atomic
from .formats import FORMATS, N_
from .i18n import ContentTranslator, content_translator, ui_translations
from .render import environment, isolate_ltr, keep_together
from .validate import Catalogue
from .view import LOCALES, Edition, Words, booklet_view

SITE = "site"

# How a web page names itself (the PDFs' phrases name their format: generator/formats.py).
ABOUT = N_("This page lists services that can help when your rights are not respected in Belgium.")
CHECKED_NOTE = N_("The information on this page was checked on {date} or later. Phone numbers, hours and addresses "
                  "can change: when in doubt, check the organisation's website.")
DRAFT_NOTE = N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                "mistake, please tell the people who gave you the address of this page.")
LEAVE = N_("Leave this page")
ADVICE = N_("To leave quickly, press the Esc key or the button. This page may stay in your browser's history: "
            "a private window leaves no trace.")


@dataclass(frozen=True)
class Assets:
    """What every page carries inline, from the project's layouts/site/: the exit script and the
    stylesheet (read by each write_site: `booklet serve` shows an edit at once)."""

    script: str
    style: str

    @classmethod
    def of(cls, layouts: Path) -> Assets:
        return cls((layouts / "site" / "exit.js").read_text("utf-8").strip(),
                   (layouts / "site" / "site.css").read_text("utf-8").strip())

    @property
    def csp(self) -> str:
        """The pages' Content-Security-Policy: nothing from elsewhere, and only the exit script, by its hash."""
        digest = base64.b64encode(hashlib.sha256(self.script.encode()).digest()).decode()
        return (f"default-src 'none'; script-src 'sha256-{digest}'; "
                "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'")


def language_name(lang: str) -> str:
    """A language as its readers write it ("Français", "العربية", "فارسی")."""
    name = Locale.parse(LOCALES.get(lang, lang)).display_name or lang
    return name[:1].upper() + name[1:]


def _downloads(out: Path, manifest: dict[str, dict], edition: Edition, w: Words) -> list[dict]:
    """The PDFs of this page's set (same audience, language and edition), in the formats' order,
    each linked next to the page (a hard link to the built file)."""
    _ = w._
    found = []
    for fmt in FORMATS.values():
        pdf = Edition(edition.audience, edition.lang, fmt.name, edition.region, edition.discreet, edition.centre).relpath
        entry = manifest.get(pdf)
        if entry is None or not (out / pdf).is_file():
            continue
        _link(out / pdf, out / SITE / pdf)
        size = format_unit(max(1, round(entry["bytes"] / 1000)), "digital-kilobyte", length="short", locale=w.locale)
        found.append({"href": Path(pdf).name, "name": _(fmt.phrases.name), "printing": _(fmt.phrases.printing),
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


def _common(layouts: Path, assets: Assets, lang: str, exit_url: str) -> dict:
    _ = ui_translations(layouts, lang).gettext
    return {"leave": _(LEAVE), "advice": _(ADVICE), "exit_url": exit_url, "script": assets.script, "style": assets.style,
            "csp": assets.csp}


def write_site(cat: Catalogue, root: Path, out: Path, made: Iterable[Edition], manifest: dict[str, dict], *,
               layouts: Path) -> dict[str, str]:
    """Write the page of every audience, language and edition ``made`` has a PDF of (print-shop
    files aside), listing every PDF of its set that is in the output, then the indexes, with the
    project's layouts (layouts/site/). Returns each written file's path (under ``out``) and sha256."""
    written: dict[str, str] = {}
    assets = Assets.of(layouts)
    made = list(made)
    pages = sorted({Edition(e.audience, e.lang, "booklet", e.region, e.discreet, e.centre) for e in made if not e.print_shop}
                   # a wallet card's code leads to its audience's discreet page: written with the card
                   | {Edition(e.audience, e.lang, "booklet", e.region, True, e.centre) for e in made if e.format == "card"},
                   key=lambda e: (e.lang, e.relpath))
    translators: dict[str, ContentTranslator] = {}  # shared with the indexes: each catalogue read once
    for lang in sorted({e.lang for e in pages}):
        translators[lang] = content_translator(root, lang)
    exit_url = cat.booklet.exit_url
    for edition in pages:
        w = Words(edition.lang, layouts)
        view = booklet_view(cat, edition, w, translators[edition.lang])
        view |= {"about": w._(ABOUT), "checked_note": w._(CHECKED_NOTE).format(date=view["checked"]),
                 "draft_note": w._(DRAFT_NOTE)}
        path = edition.page
        depth = path.count("/")
        template = environment(layouts, edition.lang).get_template("site/page.html.j2")
        html = template.render(b=view, downloads=_downloads(out, manifest, edition, w), home="../" * depth + "index.html",
                               languages_index="../" * depth + "index.html", lang_index="index.html",
                               **_common(layouts, assets, edition.lang, exit_url))
        if view["dir"] == "rtl":
            html = isolate_ltr(html, elements=True)
        _write(out / SITE / path, keep_together(html, elements=True), written, out)
    _write_indexes(cat, root, out, written, translators, layouts, assets)
    return written


def _write_indexes(cat: Catalogue, root: Path, out: Path, written: dict[str, str],
                   translators: dict[str, ContentTranslator], layouts: Path, assets: Assets) -> None:
    """site/index.html (every language, named in itself) and site/<lang>/index.html (the pages
    of that language that exist: a partial build links only what it or an earlier build made)."""
    site = out / SITE
    languages = []
    for lang in cat.booklet.languages:
        if lang not in translators:
            translators[lang] = content_translator(root, lang)
        tr = translators[lang]
        w = Words(lang, layouts)
        _ = w._
        audiences = []
        for aid in sorted(cat.audiences, key=lambda a: (a == "complete", a)):
            path = Edition(aid, lang).page
            if (site / path).is_file():
                audience = cat.audiences[aid]
                prefix = f"audiences/{aid}:"
                audiences.append({"href": Path(path).name, "title": tr(prefix + "title", audience.title),
                                  "subtitle": tr(prefix + "subtitle", audience.subtitle) if audience.subtitle else ""})
        if not audiences:
            continue
        view = {"lang": lang, "dir": "rtl" if w.locale.character_order == "right-to-left" else "ltr",
                "title": _("Your rights in Belgium"), "subtitle": _("Where to get help")}
        template = environment(layouts, lang).get_template("site/language.html.j2")
        html = template.render(b=view, audiences=audiences, languages_index="../index.html",
                               **_common(layouts, assets, lang, cat.booklet.exit_url))
        if view["dir"] == "rtl":
            html = isolate_ltr(html, elements=True)
        _write(site / lang / "index.html", html, written, out)
        languages.append({"lang": lang, "dir": view["dir"], "name": language_name(lang), "title": view["title"],
                          "href": f"{lang}/index.html"})
    if languages:
        template = environment(layouts, "en").get_template("site/index.html.j2")
        html = template.render(languages=languages, b={"lang": "en", "dir": "ltr", "title": "Your rights in Belgium", "subtitle": ""},
                               **_common(layouts, assets, "en", cat.booklet.exit_url))
        _write(site / "index.html", html, written, out)

"""Every script the booklets are printed in has its glyphs (issue 27): Latin, Cyrillic, Arabic
script with Pashto's own letters, Ge'ez (Tigrinya). Read from the PDFs themselves: which fonts
they embed and whether any glyph drawn is the empty box of a missing character (pdfcheck)."""

from __future__ import annotations

import html
import unicodedata

import pypdfium2 as pdfium
import pytest
from babel import Locale
from weasyprint import HTML

from generator.content.validate import load_catalogue
from generator.i18n.po import read_catalogue
from generator.render.words import LOCALES, Words, direction

from .conftest import LAYOUTS, ROOT
from .pdfcheck import missing_glyphs, page_fonts

CATALOGUE = load_catalogue(ROOT)  # read once: every language's test needs the languages its services speak
LANGS = list(CATALOGUE.booklet.languages)
RTL = [lang for lang in LANGS if direction(lang) == "rtl"]
PASHTO_LETTERS = "ټډړښږګځڅڼېۍ"


def render(body: str, lang: str = "en") -> bytes:
    """Text set as the formats set it: common.css's font stack, in regular, bold and note style."""
    direction = "rtl" if lang in RTL else "ltr"
    page = (f'<html lang="{lang}" dir="{direction}"><head><style>@import url(common.css); '
            f'@page {{ size: A4; margin: 10mm }} html {{ font-size: 9pt }} p {{ margin: 0 }}</style></head>'
            f'<body>{body}</body></html>')
    return HTML(string=page, base_url=LAYOUTS.as_uri() + "/").write_pdf()


def test_a_missing_glyph_and_a_font_of_the_machine_are_found():
    """The check can fail: a character no project font has (a Sinhala letter) draws a box; a
    Pashto letter in a stack without Noto Naskh is taken from the machine's DejaVu Sans."""
    pdf = HTML(string='<style>@import url(fonts.css); html { font-family: "Booklet Sans" }</style>'
                      '<p>Call \u0d9e now: \u067c</p>', base_url=LAYOUTS.as_uri() + "/").write_pdf()
    problems = missing_glyphs(pdf)
    assert problems[0] == "page 1: no glyph for U+0D9E 'ඞ' in Booklet-Sans"
    assert len(problems) == 2 and problems[1].startswith("page 1: U+067C 'ټ' set in ")
    assert problems[1].endswith("DejaVu-Sans, not a project font (layouts/fonts.css)")


def web_only(file: str) -> bool:
    """A phrase of the web pages or the HSDS export only: set in the reader's own system fonts."""
    return file in ("generator/outputs/site.py", "generator/outputs/hsds.py") or file.startswith("layouts/site/")


def texts(lang: str) -> list[str]:
    """Everything a booklet in this language may print in words: its layout phrases and content
    translations, and what babel writes for it (days, months, the languages services speak)."""
    found = []
    for path in (LAYOUTS / "locale" / f"{lang}.po", ROOT / "content" / "translations" / f"{lang}.po"):
        if path.exists():
            for message in read_catalogue(path, lang):
                if not message.id or message.locations and all(web_only(file) for file, _line in message.locations):
                    continue
                strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
                found.extend(s for s in strings if s)
    words = Words(lang, LAYOUTS)
    locale = Locale.parse(LOCALES.get(lang, lang))
    for width in ("wide", "abbreviated"):
        found.append(" ".join(locale.days["format"][width].values()))
        found.append(" ".join(locale.months["format"][width].values()))
    found.append(words.languages(tuple(sorted({c for s in CATALOGUE.services.values() for c in s.languages}))))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_character_of_a_language_has_a_glyph_in_the_project_fonts(lang):
    """Each language's whole text, in regular, bold and note style, rendered and read back: every
    glyph is drawn from a project font that has it, and every letter reads back from the PDF."""
    strings = texts(lang)
    if lang != "en":
        assert len(strings) > 100, f"{lang}: its catalogues are missing"
    body = "".join(f"<p>{html.escape(s)}</p><p><b>{html.escape(s)}</b></p><p class='note'>{html.escape(s)}</p>"
                   for s in strings)
    pdf = render(body, lang)
    assert missing_glyphs(pdf) == []
    document = pdfium.PdfDocument(pdf)
    read = "".join(page.get_textpage().get_text_range() for page in document)
    letters = {c for s in strings for c in unicodedata.normalize("NFC", s) if unicodedata.category(c)[0] in "LN"}
    back = set(unicodedata.normalize("NFC", read))
    assert letters - back == set(), f"{lang}: not read back from the PDF"


@pytest.mark.parametrize(("lang", "face", "sample"), [
    ("ps", "Booklet-Arabic", PASHTO_LETTERS), ("ti", "Booklet-Ethiopic", "ሰኑይ"),
    ("ru", "Booklet-Sans", "ПОНЕДЕЛЬНИК"), ("sq", "Booklet-Sans", "ë"), ("de", "Booklet-Sans", "ß")])
def test_the_new_scripts_are_set_in_their_own_fonts(lang, face, sample):
    pdf = render(f"<p>{sample}</p><p><b>{sample}</b></p>", lang)
    assert missing_glyphs(pdf) == []
    assert face in page_fonts(pdf)
    read = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert all(c in read for c in sample)


@pytest.mark.parametrize("lang", [lang for lang in ("ps", "ti", "ru", "so", "sq", "de") if lang in LANGS])
def test_the_shipped_booklets_of_the_new_languages_have_every_glyph(shipped, lang):
    for pdf in sorted((shipped / lang).glob("*-booklet.pdf")):
        assert missing_glyphs(pdf) == [], pdf.name

"""Nothing breaks where it must not (issue 24, item 7): time ranges, phone numbers and hyphenated
names stay on one line, a web address breaks only after "/" or ".", and right to left a Latin
phrase or gloss reads whole and in order, also when it wraps.

The design check (design.check_breaks) is shown to find each fault on a sample set in a column
too narrow for it; the build runs it on every document (tests/test_build.py requires no layout
warning for the shipped content, in every language)."""

from __future__ import annotations

import html as html_module
import io
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from weasyprint import HTML

from generator.base.edition import Edition
from generator.content.validate import load_catalogue
from generator.paper import design
from generator.render.html import LRI, PDI, TIME_RANGE, WJ, isolate_ltr, keep_together
from generator.render.metrics import widest_unbreakable_em
from generator.render.view import booklet_view
from generator.render.words import Words

from .conftest import LAYOUTS, SERVICE

STYLE = ('<style>@import url(fonts.css); html { font-family: "Booklet Sans", "Booklet Arabic", "Booklet Ethiopic"; font-size: 10pt }'
         ' p { margin: 0 0 2mm } .narrow { width: 1mm } .qr-short { width: 17mm }</style>')
SAMPLE = (STYLE + '<p class="narrow">Monday to Friday: 09:00–12:30</p>'
          '<p class="narrow">Call 0800 99 961 first</p>'
          '<p class="narrow">CPVS Bruxelles (CHU Saint-Pierre)</p>'
          '<p class="narrow">Lundi\u00a0: 09:00\u2009–\u200912:30</p>'
          '<p class="narrow">Ask for any-time help</p>'  # a lowercase compound may break at its hyphen
          '<p class="narrow">с 09:00—12:30</p>'  # Russian, as babel writes it: a line may break before an em dash too
          '<a class="qr-short" style="display: block">fedasilinfo.<wbr>be/<wbr>en/<wbr>rules-follow<wbr></a>')


def layout(markup: str):
    return HTML(string=markup, base_url=LAYOUTS.as_uri() + "/").render()


def test_a_line_that_ends_inside_what_must_stay_together_is_found():
    """A column one millimetre wide takes every chance to break a line."""
    assert design.messages(design.check_breaks(layout(SAMPLE))) == [
        'page 1: "09:00–" ends a line; a time range must not break',
        'page 1: "0800" ends a line; a phone number must not break',
        'page 1: "0800 99" ends a line; a phone number must not break',
        'page 1: "Saint-" ends a line; a hyphenated name must not break',
        'page 1: "09:00\u2009–" ends a line; a time range must not break',
        'page 1: "09:00" ends a line; a time range must not break',  # before the em dash
        'page 1: "09:00 —" ends a line; a time range must not break',  # and after it (the lines so far, joined)
        'page 1: "rules-" ends a line; a web address breaks only after "/" or "."',
    ]


def test_kept_together_nothing_breaks_and_the_text_reads_back_as_written():
    markup = keep_together(SAMPLE.replace("rules-follow", "rules-\u2060follow"))  # view.py joins a printed address's hyphens
    document = layout(markup)
    assert design.check_breaks(document) == []
    lines = [text for lines in design.paragraphs(document) for _page, text in lines]
    assert "Saint-\u2060Pierre)" in lines and "09:00–\u206012:30" in lines and "0800 \u206099 \u2060961" in lines
    assert "fedasilinfo.\u200b" in lines and "rules-\u2060follow\u200b" in lines  # still breaks after its dots and slashes
    text = pypdf.PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert WJ not in text  # a copied or searched number, time or name is the one written
    assert "09:00\u2060—\u206012:30" in lines
    for run in ("09:00–12:30", "0800 99 961", "Saint-Pierre", "09:00\u2009–\u200912:30", "09:00—12:30"):
        assert run in text, (run, text)


def test_word_joiners_for_the_pdf_and_nobr_spans_for_the_web_leave_tags_alone():
    page = ('<p title="09:00–12:30">Mon 09:00–12:30 &amp; 13:30–17:00, 0800 99 961, CHU Saint-Pierre, '
            'croix-rouge.be/fr, peut-être</p><style>a{}</style><title>Saint-Pierre</title>')
    assert keep_together(page) == (
        '<p title="09:00–12:30">Mon 09:00–\u206012:30 &amp; 13:30–\u206017:00, 0800 \u206099 \u2060961, CHU Saint-\u2060Pierre, '
        'croix-\u2060rouge.be/fr, peut-être</p><style>a{}</style><title>Saint-Pierre</title>')
    assert keep_together(page, elements=True) == (
        '<p title="09:00–12:30">Mon <span class="nobr">09:00–12:30</span> &amp; <span class="nobr">13:30–17:00</span>, '
        '<span class="nobr">0800 99 961</span>, CHU <span class="nobr">Saint-Pierre</span>, '
        '<span class="nobr">croix-rouge</span>.be/fr, peut-être</p><style>a{}</style><title>Saint-Pierre</title>')


def test_a_printed_web_address_breaks_only_after_its_dots_and_slashes(project):
    project.write("content/services/helpline.yaml", SERVICE.replace("https://www.example.be/report",
                                                                     "https://www.croix-rouge.be/rules-follow"))
    view = booklet_view(load_catalogue(project.root), Edition("workers", "en", "booklet"), Words("en", LAYOUTS))
    card = view["sections"][0]["services"][0]
    assert card["qr_display"] == ["croix-\u2060rouge.", "be/", "rules-\u2060follow"]
    # the QR column is as wide as the widest part the address cannot break inside
    assert card["qr_url_em"] == widest_unbreakable_em("croix-rouge.", LAYOUTS) > widest_unbreakable_em("croix-", LAYOUTS)


# ------------------------------------------------------------------ right to left


def test_right_to_left_isolates_glosses_quoted_phrases_and_english_fallbacks_whole():
    assert isolate_ltr('<p>هل حصلت على Code 207 "no show" (عدم الحضور)؟</p>', elements=True) == \
        '<p>هل حصلت على <bdi>Code 207 "no show"</bdi> (عدم الحضور)؟</p>'
    assert isolate_ltr("<p>مراكز (Zorgcentra na Seksueel Geweld / Centres de prise en charge).</p>", elements=True) == \
        "<p>مراكز <bdi>(Zorgcentra na Seksueel Geweld / Centres de prise en charge)</bdi>.</p>"
    assert isolate_ltr("<p>قسم Equality &amp; Diversity و Unia – Centre</p>", elements=True) == \
        "<p>قسم <bdi>Equality &amp; Diversity</bdi> و <bdi>Unia – Centre</bdi></p>"
    # an English fallback (an element with no right-to-left letter) keeps its full stop; a sentence's stays outside
    assert isolate_ltr('<p class="note">Not an LGBTQI+ organisation.</p><p>منظمة <a>Unia</a>. منظمة LGBTI+.</p>',
                       elements=True) == \
        '<p class="note"><bdi>Not an LGBTQI+ organisation.</bdi></p><p>منظمة <a><bdi>Unia</bdi></a>. منظمة <bdi>LGBTI+</bdi>.</p>'
    # for WeasyPrint: one word between LRI and PDI, several in an element (a line of its own when it wraps)
    assert isolate_ltr("<p>منظمة LGBTI+ و UZ Gent</p>") == f'<p>منظمة {LRI}LGBTI+{PDI} و <span dir="ltr">UZ Gent</span></p>'


def _visual_lines(pdf: bytes) -> list[str]:
    """Each line of the first page as it is seen, left to right (from where pdfium finds each glyph)."""
    page = pdfium.PdfDocument(pdf)[0].get_textpage()
    rows: dict[int, list[tuple[float, float, str]]] = {}
    for i in range(page.count_chars()):
        char = page.get_text_range(i, 1)
        left, bottom, right, _top = page.get_charbox(i, loose=True)
        if char.strip() and right > left:
            key = next((k for k in rows if abs(k - bottom) <= 3), round(bottom))
            rows.setdefault(key, []).append((left, right, char))
    lines = []
    for key in sorted(rows, reverse=True):
        text, end = "", None
        for left, right, char in sorted(rows[key]):
            text += (" " if end is not None and left - end > 1.5 else "") + char
            end = right
        lines.append(text)
    return lines


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_a_gloss_that_wraps_keeps_its_brackets_and_a_quoted_phrase_its_quotes(lang):
    """Before, the second line of a wrapped gloss lost its isolate: "(charge des violences sexuelles"."""
    word = {"ar": "مراكز الرعاية", "fa": "مراکز مراقبت"}[lang]
    body = (f'<p>{word} (Zorgcentra na Seksueel Geweld / Centres de prise en charge des violences sexuelles) {word}</p>'
            f'<p>{word} Code 207 "no show" {word}</p>')
    markup = (f'<html lang="{lang}" dir="rtl">' + STYLE + '<body style="width: 75mm">'
              + keep_together(isolate_ltr(body)) + "</body></html>")
    lines = _visual_lines(layout(markup).write_pdf())
    latin = [" ".join(re.findall(r"[A-Za-z0-9()\"/ ]+", line)).strip() for line in lines]
    assert len([line for line in latin if line]) >= 3, lines  # the gloss wraps
    # pdfium reads a bracket glyph as "(" or ")" (one glyph serves both ways): where it sits is what counts
    brackets = re.compile(r"[()]")
    first = next(line for line in latin if "Zorgcentra" in line)
    last = next(line for line in latin if "sexuelles" in line)
    assert brackets.sub("(", first).startswith("(Zorgcentra"), lines
    assert brackets.sub(")", last).endswith("sexuelles)"), lines
    assert 'Code 207 "no show"' in " ".join(latin), lines


# ------------------------------------------------------------------ the shipped pages


def test_every_time_range_and_phone_number_on_the_web_pages_is_kept_on_one_line(shipped):
    found = 0
    for page in sorted((shipped / "site").glob("*/*.html")):
        html = page.read_text("utf-8")
        body = html[html.index("<body"):]
        outside = re.sub(r'<span class="nobr">.*?</span>', "", body)
        text = html_module.unescape(re.sub(r"<[^>]+>", " ", outside))
        assert not TIME_RANGE.search(text), (page, TIME_RANGE.search(text))
        found += body.count('<span class="nobr">')
    assert found > 0


def test_the_pdfs_read_back_without_word_joiners(shipped):
    for pdf in (shipped / "en").glob("*-booklet.pdf"):
        text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
        assert WJ not in text and LRI not in text, pdf
    assert Path(shipped / "en").is_dir()

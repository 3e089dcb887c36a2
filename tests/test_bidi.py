"""Right-to-left pages show left-to-right text whole and in order: read back from where each glyph
sits on the Arabic and Farsi pages (pdfium), not from the HTML that made them."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.base.edition import Edition
from generator.content.model import Hours
from generator.render.html import LRI, PDI, isolate_ltr
from generator.render.words import Words

from .conftest import LAYOUTS


def _glyphs(pdf: Path) -> list[tuple[int, str, list[tuple[str, float]]]]:
    """Per page: its text in the order the PDF draws it, with each character's left edge."""
    out = []
    doc = pdfium.PdfDocument(pdf)
    for n in range(len(doc)):
        page = doc[n].get_textpage()
        count = page.count_chars()
        chars = [(page.get_text_range(i, 1), page.get_charbox(i)[0]) for i in range(count)]
        out.append((n, "".join(c for c, _ in chars), chars))
    return out


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_lgbti_plus_keeps_its_plus_sign_on_the_right(shipped, lang):
    pdf = shipped / lang / "complete-booklet.pdf"
    found = 0
    for page, text, chars in _glyphs(pdf):
        # the PDF may draw the '+' before or after the letters: where it sits is what counts
        for match in re.finditer(r"\+?LGBTI\+?", text):
            word = match.group(0)
            if "+" not in word:
                continue
            plus = match.start() if word.startswith("+") else match.end() - 1
            letters = [chars[i][1] for i in range(match.start(), match.end()) if i != plus]
            assert letters == sorted(letters), f"page {page + 1}: the letters of LGBTI are out of order"
            assert chars[plus][1] > max(letters), f"page {page + 1}: the '+' is drawn left of LGBTI"
            found += 1
    assert found >= 1


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_hours_read_from_the_first_time_to_the_second(shipped, lang):
    """'from 09:00 to 12:30' in words: on a right-to-left line the first time is to the right of
    the second, and each time's digits run left to right."""
    pdf = shipped / lang / "complete-booklet.pdf"
    word = {"ar": "إلى", "fa": "تا"}[lang]
    found = 0
    for _page, text, chars in _glyphs(pdf):
        for match in re.finditer(rf"(\d\d?:\d\d) {word} (\d\d?:\d\d)", text):
            first, second = match.span(1), match.span(2)
            first_xs = [chars[i][1] for i in range(*first)]
            second_xs = [chars[i][1] for i in range(*second)]
            assert first_xs == sorted(first_xs) and second_xs == sorted(second_xs)
            assert min(first_xs) > max(second_xs), f"{match.group(0)} reads the wrong way on page {_page + 1}"
            found += 1
    assert found >= 5


def test_right_to_left_hours_are_written_with_words():
    hours = Hours.model_validate({"days": "mo-fr", "from": "13:00", "to": "17:00"})
    assert Words("ar", LAYOUTS).period(hours) == "من 13:00 إلى 17:00"
    assert Words("fa", LAYOUTS).period(hours) == "از 13:00 تا 17:00"
    assert Words("en", LAYOUTS).period(hours) == "13:00–17:00"  # left to right: unchanged


def test_isolation_wraps_runs_and_leaves_tags_styles_and_punctuation_alone():
    html = ('<p class="a b">منظمة LGBTI+. مستشفى (UZ Gent)، info@unia.be و 0800 12 800</p>'
            '<a href="https://x.be/LGBTI+">رابط</a><style>p{font:1em a}</style><title>LGBTI+</title>')
    # a run of several words is an element (its second line keeps its direction when it wraps), with its brackets
    assert isolate_ltr(html) == (f'<p class="a b">منظمة {LRI}LGBTI+{PDI}. مستشفى <span dir="ltr">(UZ Gent)</span>، '
                                 f'{LRI}info@unia.be{PDI} و <span dir="ltr">0800 12 800</span></p><a href="https://x.be/LGBTI+">رابط</a>'
                                 '<style>p{font:1em a}</style><title>LGBTI+</title>')
    assert isolate_ltr("<p>منظمة LGBTI+ &lt;b&gt;</p>", elements=True) == "<p>منظمة <bdi>LGBTI+ &lt;b&gt;</bdi></p>"


def test_an_english_text_with_markup_is_isolated_whole_with_its_full_stop():
    """A content text printed in English for a missing translation, with bold, a link or a number
    and its marks: one left-to-right element around all of it (else its runs read right to left,
    its full stop at the far left); a text with a right-to-left letter is isolated run by run."""
    html = ('<body><p class="what">Ask for the <strong>social worker</strong>.</p>'
            '<p>Call <a href="tel:+3281234567">081 23 45 67</a> <span class="tag">تماس رایگان</span> first.</p>'
            '<p>منظمة <strong>Unia</strong>.</p><p class="x"><span class="hours">Monday</span> <a>x</a></p>')
    assert isolate_ltr(html, elements=True) == (
        '<body><p class="what"><bdi><bdi>Ask for the</bdi> <strong><bdi>social worker</bdi></strong>.</bdi></p>'
        '<p><bdi><bdi>Call</bdi> <a href="tel:+3281234567"><bdi>081 23 45 67</bdi></a> <span class="tag">تماس رایگان</span> '
        '<bdi>first</bdi>.</bdi></p><p>منظمة <strong><bdi>Unia</bdi></strong>.</p>'
        '<p class="x"><span class="hours"><bdi>Monday</bdi></span> <a><bdi>x</bdi></a></p>')
    assert isolate_ltr(html).startswith('<body><p class="what"><span dir="ltr"><span dir="ltr">Ask for the</span> <strong>')


def test_right_to_left_web_pages_isolate_with_bdi(shipped):
    page = (shipped / "site" / Edition("complete", "ar").page).read_text("utf-8")
    assert "<bdi>LGBTI+</bdi>" in page and LRI not in page
    assert "<bdi>" not in (shipped / "site" / Edition("complete", "en").page).read_text("utf-8")

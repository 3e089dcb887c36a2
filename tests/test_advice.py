"""The sexual-violence advice (issue 26): the care centre's text no longer sends a reader to 1712
first (a Dutch-language line, working days only); it sends them to the centres, open day and
night, and names 1712 for a question in Dutch on working days. Read back from the web pages and
the booklets in every language, with the text each language's catalogue gives."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from babel.messages.pofile import read_po

from generator.base.edition import Edition

from .conftest import ROOT
from .pdfcheck import pdf_text

LANGS = yaml.safe_load((ROOT / "content/booklet.yaml").read_text("utf-8"))["languages"]
ZSG = yaml.safe_load((ROOT / "content/services/zsg.yaml").read_text("utf-8"))


def summary(lang: str) -> str:
    if lang == "en":
        return ZSG["summary"]
    found = next(m for m in read_po((ROOT / f"content/translations/{lang}.po").open("rb")) if m.context == "services/zsg:summary")
    assert found.id == ZSG["summary"], f"{lang}: the ZSG summary is stale"
    return found.string


def test_the_english_sends_to_the_centres_first_and_to_1712_only_in_dutch_on_working_days():
    text = " ".join(ZSG["summary"].split())
    assert "call 1712 first" not in text
    assert "open day and night: you can go directly, without calling first" in text
    assert "1712 answers in Dutch on working days" in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_prints_the_new_advice(shipped, lang):
    page = html.unescape(re.sub(r"<[^>]+>", "", (shipped / "site" / Edition("sexual-violence", lang).page).read_text("utf-8")))
    want = " ".join(summary(lang).split())
    assert want in " ".join(page.split()), lang
    if lang in ("en", "fr", "nl", "uk", "es", "tr"):  # left-to-right text reads back from the PDF in order
        booklet = " ".join(" ".join(pdf_text(shipped / lang / "sexual-violence-booklet.pdf")).split())
        assert want in booklet, lang

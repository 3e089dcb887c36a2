"""Names and glosses (issue 26): a service whose English heading was a description or a name not on
its door prints its own name, with what it is (full_name) in the reader's language under it; the
expected values are read from the content and its translations, not written here."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from babel.messages.pofile import read_po

from generator.view import Edition

from .conftest import ROOT
from .pdfcheck import pdf_text

OWN_NAMES = ["federal-ombudsman", "red-cross", "igvm"]
LANGS = yaml.safe_load((ROOT / "content/booklet.yaml").read_text("utf-8"))["languages"]


def service(ident: str) -> dict:
    return yaml.safe_load((ROOT / f"content/services/{ident}.yaml").read_text("utf-8"))


def translated(lang: str, context: str, english: str) -> str:
    if lang == "en":
        return english
    catalog = read_po((ROOT / f"content/translations/{lang}.po").open("rb"))
    found = next(m for m in catalog if m.context == context)
    assert found.id == english, f"{lang}: {context} is stale"
    return found.string


@pytest.mark.parametrize("ident", OWN_NAMES)
def test_own_name_without_per_language_names_and_with_a_gloss(ident):
    data = service(ident)
    assert "names" not in data and data["full_name"]
    assert data["full_name"].casefold() not in data["name"].casefold() or ident == "federal-ombudsman"


@pytest.mark.parametrize("lang", LANGS)
def test_own_name_and_translated_gloss_on_the_web_page(shipped, lang):
    # right-to-left pages isolate each Latin run in <bdi>: compare the text without tags
    page = html.unescape(re.sub(r"<[^>]+>", "", (shipped / "site" / Edition("complete", lang).page).read_text("utf-8")))
    for ident in OWN_NAMES:
        data = service(ident)
        gloss = translated(lang, f"services/{ident}:full_name", data["full_name"])
        assert data["name"] in page, (lang, ident)
        if gloss.casefold() not in data["name"].casefold():  # a gloss the name already says is not repeated
            assert gloss in page, (lang, ident, gloss)


@pytest.mark.parametrize("lang", ["en", "fr", "uk", "es"])
def test_own_name_and_translated_gloss_in_the_booklet(shipped, lang):
    text = " ".join(" ".join(pdf_text(shipped / lang / "complete-booklet.pdf")).split())
    for ident in OWN_NAMES:
        data = service(ident)
        gloss = translated(lang, f"services/{ident}:full_name", data["full_name"])
        assert data["name"] in text, (lang, ident)
        if gloss.casefold() not in data["name"].casefold():
            assert " ".join(gloss.split()) in text, (lang, ident, gloss)


def test_see_page_puts_the_number_where_the_phrase_does(shipped):
    """Farsi: "صفحهٔ N را ببینید" (the translation review), the number inside the phrase."""
    catalog = read_po((ROOT / "layouts/locale/fa.po").open("rb"))
    before, after = catalog.get("see page {page}").string.split("{page}")
    text = " ".join(pdf_text(shipped / "fa/complete-booklet.pdf"))
    assert before.strip() in text and after.strip() in text

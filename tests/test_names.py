"""Names and glosses (issue 26): a service whose English heading was a description or a name not on
its door prints its own name, with what it is (full_name) in the reader's language under it; the
expected values are read from the content and its translations, not written here."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from babel.messages.pofile import read_po

from generator.base.edition import Edition
from generator.content.validate import load_catalogue

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


def letters(text: str) -> list[str]:
    """The letters and digits of a text, compared as a multiset: text extraction returns a
    right-to-left line's Latin runs in content-stream order, mirrors brackets, drops ZWNJ and puts
    spaces around an Arabic vowel mark drawn as its own glyph."""
    return [c for c in text if c.isalnum()]


def glosses_under_names(pdf: Path, expected: dict[str, tuple[str, str]]) -> dict[str, str]:
    """service id -> (name, gloss): 'ok' where a line of the PDF (or two: a long name wraps) holds
    the name's letters and the lines right under it begin with the gloss's letters; else what is there."""
    lines = [letters(line) for page in pdfium.PdfDocument(str(pdf)) for line in page.get_textpage().get_text_range().splitlines()]
    found = {}
    for ident, (name, gloss) in expected.items():
        want_name, want_gloss = Counter(letters(name)), letters(gloss)
        found[ident] = "name not found"
        for j in range(len(lines)):
            span = next((k for k in (1, 2) if Counter(c for line in lines[j : j + k] for c in line) == want_name), 0)
            if span:
                under = [c for line in lines[j + span : j + span + 3] for c in line][: len(want_gloss)]
                found[ident] = "ok" if Counter(under) == Counter(want_gloss) else "under the name: " + "".join(under)
                if found[ident] == "ok":
                    break
    return found


def test_every_printed_service_has_a_full_name():
    """Issue 26: no printed service of the shipped content lacks its gloss (the check's warning)."""
    cat = load_catalogue(ROOT)
    assert [str(p) for p in cat.warnings if "full_name" in p.message] == []


@pytest.mark.parametrize("lang", ["ar", "fa", "uk"])
def test_the_translated_gloss_is_printed_under_every_latin_name(shipped, lang):
    """An Arabic, Farsi or Ukrainian reader reads what each service is, in their language, right
    under its name in Latin script: every service of the complete booklet, read back from the PDF."""
    cat = load_catalogue(ROOT)
    idents = {sid for ref in cat.audiences["complete"].situations
              for sid in (ref.services if ref.services is not None else cat.situations[ref.situation].services)}
    expected = {}
    for ident in sorted(idents):
        data = service(ident)
        if data.get("hold"):
            continue
        name = (data.get("names") or {}).get(lang, data["name"])
        expected[ident] = (name, translated(lang, f"services/{ident}:full_name", data["full_name"]))
    assert len(expected) >= 20
    found = glosses_under_names(shipped / lang / "complete-booklet.pdf", expected)
    assert {ident: why for ident, why in found.items() if why != "ok"} == {}

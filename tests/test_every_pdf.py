"""Every PDF the content makes, checked the expensive way.

`make check-all` (CHECK_ALL=1) builds the whole set, wallet cards included (with a stand-in
site_url), plus the discreet and a regional edition, and checks every file: tagged
throughout, PDF/UA-1 as the independent validator page-validation checks it, every QR code scans
to what the manifest says it shows, every phone link lies over its number. `make test` runs the
same checks on a sample: one audience in a left-to-right and a right-to-left language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest

from generator.base.edition import site_page_url

from .conftest import EVERYTHING, SITE
from .pdfcheck import decode_qr_codes, misplaced_phone_links, missing_glyphs, pdfua_failures, tagging


@pytest.fixture(scope="module")
def built(shipped) -> Path:
    return shipped


def documents(out: Path) -> list[dict]:
    """Every PDF of the shared build (`make check-all`), or the sample: the workplace set in
    English and Farsi, in its full and discreet editions."""
    docs = json.loads((out / "manifest.json").read_text())["documents"]
    return docs if EVERYTHING else [d for d in docs if d["audience"] == "workplace" and d["lang"] in ("en", "fa")]


def test_the_set_is_complete(built):
    formats = {d["format"] for d in documents(built)}
    assert formats == {"booklet", "booklet-imposed", "leaflet", "poster", "card"}
    assert any(d["discreet"] for d in documents(built))


def test_every_pdf_is_tagged_throughout(built):
    problems = []
    for doc in documents(built):
        path = built / doc["path"]
        reader = pypdf.PdfReader(path)
        if reader.trailer["/Root"].get("/Lang") != doc["lang"] or not reader.metadata.title:
            problems.append(f"{doc['path']}: language or title missing")
        problems += [f"{doc['path']}: {p}" for p in tagging(path).problems]
    assert problems == []


def test_every_pdf_passes_the_pdfua1_validator(built):
    problems = [f"{doc['path']}: {failure}" for doc in documents(built) for failure in pdfua_failures(built / doc["path"])]
    assert problems == [], "\n".join(problems)


def test_every_character_has_its_glyph_in_a_project_font(built):
    problems = [f"{doc['path']}: {problem}" for doc in documents(built) for problem in missing_glyphs(built / doc["path"])]
    assert problems == [], "\n".join(problems)


def test_every_qr_code_scans_to_what_the_pdf_shows(built):
    problems = []
    for doc in documents(built):
        codes = decode_qr_codes(built / doc["path"])
        expected = {site_page_url(SITE, doc["lang"], doc["audience"])} if doc["format"] == "card" else set(doc["qr_urls"])
        if {c.text for c in codes} != expected:
            problems.append(f"{doc['path']}: scanned {sorted({c.text for c in codes})}, expected {sorted(expected)}")
        problems += [f"{doc['path']}: page {c.page}: {c.text} is {c.width_mm:.1f} mm, level {c.ec_level}, quiet zone "
                     f"{'clear' if c.quiet_zone_clear else 'not clear'}"
                     for c in codes if c.width_mm < 20 or c.ec_level not in ("M", "Q", "H") or not c.quiet_zone_clear]
    assert problems == []


def test_every_phone_link_lies_over_its_number(built):
    problems, checked = [], 0
    for doc in documents(built):
        count, wrong = misplaced_phone_links(built / doc["path"])
        checked += count
        problems += [f"{doc['path']}: {w}" for w in wrong]
    assert problems == [] and checked > 20


def test_every_edition_passes_the_design_checks(built):
    """Cards, discreet and regional editions too: no layout warning (generator/paper/design.py), but
    one: a regional leaflet may leave a panel blank. The Brussels sexual-violence leaflet has four
    services where the national one has nine; with nothing more to print, the build tries larger
    type and the general introduction, and then says so in a warning rather than pad the panel."""
    found = {doc["path"]: [p for p in doc["design"] if not (doc["region"] and doc["format"] == "leaflet" and "blank" in p)]
             for doc in documents(built)}
    assert {path: problems for path, problems in found.items() if problems} == {}

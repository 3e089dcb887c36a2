"""Printing: what a file asks of the printer dialog (PDF viewer preferences), and the print shop's
booklet padded to whole folded sheets.

The sides and flip of each format are written here once more, on purpose, rather than read from
formats.py: a change to the table must change this list too (formats.py says why each flip is
the right one for how the sheet is folded or cut).
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest

from generator.base.formats import FORMATS
from generator.cli import run
from generator.paper.impose import booklet_order
from generator.paper.place import padded_order

from .conftest import EVERYTHING, SERVICE, Project
from .pdfcheck import pdf_text, pdfua_failures, tagging

DUPLEX = {
    "booklet": None,  # A5 pages for a screen or a print shop: no sides to choose
    "booklet-imposed": "/DuplexFlipShortEdge",  # landscape A4, folded along the short middle line
    "leaflet": "/DuplexFlipShortEdge",  # landscape A4, folded twice along lines parallel to the short edges
    "poster": "/Simplex",  # one sheet, one side
    "card": "/Simplex",  # one sheet of ten cards, one side, cut
}


def _preferences(path: Path) -> dict:
    root = pypdf.PdfReader(path).trailer["/Root"]
    return dict(root.get("/ViewerPreferences") or {})


def test_every_format_has_its_printing_decided():
    assert set(DUPLEX) == set(FORMATS)
    for name, fmt in FORMATS.items():
        assert (f"/{fmt.duplex}" if fmt.duplex else None) == DUPLEX[name], name
        assert fmt.actual_size, f"{name}: printed at actual size"


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("fmt", list(DUPLEX))
def test_viewer_preferences_of_each_format(shipped, fmt, lang):
    prefs = _preferences(shipped / f"{lang}/workplace-{fmt}.pdf")
    assert prefs.get("/Duplex") == DUPLEX[fmt]
    assert prefs.get("/PrintScaling") == "/None"  # never shrunk to fit: folds and cut marks stay in place
    assert bool(prefs.get("/DisplayDocTitle"))  # WeasyPrint's (PDF/UA-1) is kept
    assert prefs.get("/Direction") == ("/R2L" if lang == "fa" else None)


def test_every_built_file_carries_its_formats_preferences(shipped):
    """All PDFs of the shared build (discreet ones too), as the manifest names their format."""
    documents = json.loads((shipped / "manifest.json").read_text())["documents"]
    assert {entry["format"] for entry in documents} == set(DUPLEX)
    if not EVERYTHING:  # `make test`: one file per format, edition and script direction; `make check-all`: all
        sample = {(e["format"], e["discreet"], e["lang"] in ("ar", "fa")): e for e in documents}
        documents = list(sample.values())
    for entry in documents:
        prefs = _preferences(shipped / entry["path"])
        assert prefs.get("/Duplex") == DUPLEX[entry["format"]], entry["path"]
        assert prefs.get("/PrintScaling") == "/None", entry["path"]


# ------------------------------------------------------------------ the print shop's booklet


@pytest.mark.parametrize("pages", range(0, 14))
def test_padded_order_puts_blanks_before_the_back_cover(pages):
    order = padded_order(pages, 4)
    assert len(order) % 4 == 0 and len(order) - pages < 4
    assert [p for p in order if p is not None] == list(range(1, pages + 1))
    if pages:
        assert order[-1] == pages and None not in order[:pages - 1]


def test_the_imposed_booklet_pads_the_same_way():
    for pages in range(1, 14):
        placed = [p for side in booklet_order(pages) for p in side]
        assert placed.count(None) == padded_order(pages, 4).count(None)


def _lines(project: Project, audience: str, count: int) -> None:
    """An audience whose booklet is longer the more services it lists."""
    ids = [f"{audience}-{i:02d}" for i in range(count)]
    for i, sid in enumerate(ids):
        project.write(f"content/services/{sid}.yaml", SERVICE.replace("name: Helpline", f"name: {audience.title()} line {i}"))
    project.write(f"content/situations/{audience}.yaml", f"title: Did this happen?\nsummary: Something happened.\n"
                                                         f"services: [{', '.join(ids)}]\n")
    project.write(f"content/audiences/{audience}.yaml", f"title: Your rights\nsituations:\n  - work\n  - {audience}\n")


def _is_blank(page: pypdf.PageObject) -> bool:
    contents = page.get_contents()
    return contents is None or not contents.get_data().strip()


def test_print_shop_booklet_is_padded_to_whole_folded_sheets(project, tmp_path):
    _lines(project, "some", 6)
    _lines(project, "many", 9)
    office, shop = tmp_path / "office", tmp_path / "shop"
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--out", str(office)]) == 0
    assert run(["--root", str(project.root), "build", "-j", "1", "--print-shop", "--format", "booklet", "--format", "poster",
                "--out", str(shop)]) == 0
    manifest = {e["path"]: e for e in json.loads((shop / "manifest.json").read_text())["documents"]}
    counts = {}
    notes = 0
    for audience in ("workers", "some", "many"):
        laid_out = pypdf.PdfReader(office / f"en/{audience}-booklet.pdf")
        path = shop / f"en/{audience}-booklet-print.pdf"
        printed = pypdf.PdfReader(path)
        n, total = len(laid_out.pages), len(printed.pages)
        counts[audience] = n
        assert total % 4 == 0 and total - n < 4, f"{audience}: {n} pages laid out, {total} printed"
        assert manifest[f"en/{audience}-booklet-print.pdf"]["pages"] == total
        # the pages that would be blank before the back cover are the reader's notes pages: none is blank
        # (a booklet without a back cover of its own, a centre's, gets blanks: test_padded_order_*)
        assert not any(_is_blank(page) for page in printed.pages)
        text = pdf_text(path)
        notes += sum(" ".join(t.split()) == "My numbers and notes" for t in text)
        assert text[-1] == pdf_text(office / f"en/{audience}-booklet.pdf")[-1]
        assert "The information in this booklet was checked on" in text[-1]
        assert text[:n - 1] == pdf_text(office / f"en/{audience}-booklet.pdf")[:n - 1]
        # PDF/X: every page, the blanks too, has the trim and bleed boxes of the others
        for page in printed.pages:
            assert (list(page.trimbox), list(page.bleedbox), list(page.mediabox)) == (
                list(printed.pages[0].trimbox), list(printed.pages[0].bleedbox), list(printed.pages[0].mediabox))
        assert printed.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFX"
        # still tagged in full: the blanks hold nothing to tag; only PDF/UA's own identification
        # is missing (a print shop's file declares PDF/X-4, not PDF/UA-1)
        assert tagging(path).problems == []
        assert [f for f in pdfua_failures(path) if not f.startswith("PDFUA1-ID-")] == []
        prefs = _preferences(path)
        assert prefs.get("/PrintScaling") == "/None" and "/Duplex" not in prefs
    # audiences of different lengths, every one on whole folded sheets, some with notes pages
    assert len({n for n in counts.values()}) >= 2 and all(n % 4 == 0 for n in counts.values()), counts
    assert notes >= 1
    assert len(pypdf.PdfReader(shop / "en/many-poster-print.pdf").pages) == 1  # a poster is not padded
    assert "/Duplex" not in _preferences(shop / "en/many-poster-print.pdf")  # a print shop's file: PDF 1.6, no /Duplex


# ------------------------------------------------------------------ the sheet of wallet cards


def test_cut_marks_stand_3mm_off_the_cards(shipped):
    """Every cut mark on the sheet of ten cards is a hairline in line with a cut, starting 3 mm
    outside the cards (a mark nearer the trim is cut into, or left on the card), read from the
    page's content stream."""
    import re as _re

    from generator.paper.impose import CARD_GRID, CARD_MM, card_positions

    mm = 72 / 25.4
    page = pypdf.PdfReader(shipped / "en/workplace-card.pdf").pages[0]
    data = page.get_contents().get_data().decode("latin-1")
    marks = [tuple(map(float, m)) for m in _re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", data)]
    cols, rows = CARD_GRID
    x0, y0 = card_positions()[(rows - 1) * cols]
    left, bottom = x0, y0
    right, top = x0 + cols * CARD_MM[0] * mm, y0 + rows * CARD_MM[1] * mm
    assert len(marks) == 2 * (cols + 1) + 2 * (rows + 1)
    for x1, y1, x2, y2 in marks:
        if x1 == x2:  # a vertical mark above or below the cards
            gap = min(abs(y - edge) for y in (y1, y2) for edge in (bottom, top))
            assert not bottom < y1 < top and not bottom < y2 < top
        else:
            gap = min(abs(x - edge) for x in (x1, x2) for edge in (left, right))
            assert not left < x1 < right and not left < x2 < right
        assert gap >= 3 * mm - 0.01, (x1, y1, x2, y2, gap / mm)


# ------------------------------------------------------------------ the booklet's last pages


def test_a_booklets_back_cover_and_notes_pages_fill_its_last_sheet(shipped):
    """Every booklet of the shared build ends on whole folded sheets with no blank page: with a
    back cover of its own (the emergency numbers, where to turn, the colophon), after ruled pages
    for the reader's notes where the last sheet has room; or, when its content fills whole
    sheets, with the colophon on its last page. Read back from the PDFs, in every language."""
    from generator.content.validate import load_catalogue

    from .conftest import ROOT

    cat = load_catalogue(ROOT)
    documents = json.loads((shipped / "manifest.json").read_text())["documents"]
    covers = notes = 0
    for entry in documents:
        if entry["format"] != "booklet" or entry["discreet"] or entry["centre"]:
            continue
        pages = [" ".join(t.split()) for t in pdf_text(shipped / entry["path"])]
        assert all(pages), f"{entry['path']}: a blank page"
        if not entry["arrangement"].get("back_cover"):
            assert len(pages) % 4 == 0, f"{entry['path']}: {len(pages)} pages and no back cover"
            continue
        assert len(pages) % 4 == 0, f"{entry['path']}: {len(pages)} pages"
        back = pages[-1]
        assert "112" in back and "101" in back, f"{entry['path']}: the back cover has no emergency number"
        for sid in cat.booklet.talk:  # the lines to talk to, day and night
            number = cat.services[sid].phones[0].number.national
            assert all(group in back for group in number.split()), f"{entry['path']}: {sid} is not on the back cover"
        if entry["lang"] == "en":
            audience = cat.audiences[entry["audience"]]
            assert " ".join((audience.fallback or cat.booklet.fallback).split()) in back
            assert "This booklet lists services" in back
        covers += 1
        if entry["lang"] == "en":
            ruled = [p for p in pages if p.startswith("My numbers and notes")]
            assert all(p == "My numbers and notes" for p in ruled)
            notes += len(ruled)
    assert covers >= 16


def test_the_pages_left_to_fill_the_last_sheet_are_for_the_readers_notes(project, capsys):
    """A short booklet (a cover and a page of content): one ruled page for the reader's numbers
    and notes, then the back cover, four pages in all; its imposed copy is one sheet with no blank."""
    project.write("content/booklet.yaml", 'emergency:\n  - {number: "112", label: Emergency}\n')
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--format", "booklet-imposed"]) == 0, \
        capsys.readouterr().err
    pages = [" ".join(t.split()) for t in pdf_text(project.root / "output/en/workers-booklet.pdf")]
    assert len(pages) == 4 and pages[2] == "My numbers and notes"
    assert pages[3].startswith("In danger now? Call 112 Emergency") and "This booklet lists services" in pages[3]
    assert "This booklet lists services" not in " ".join(pages[:3])
    assert len(pdf_text(project.root / "output/en/workers-booklet-imposed.pdf")) == 2  # one sheet, both sides


def test_a_line_to_talk_to_must_answer_day_and_night(project):
    """content/booklet.yaml talk: services printed on the back cover, each with a line open 24/7."""
    from generator.content.validate import load_catalogue

    project.write("content/booklet.yaml", "talk: [helpline, nowhere]\n")
    errors = [str(p) for p in load_catalogue(project.root).errors]
    assert errors == [
        "content/booklet.yaml:1:8: error: talk[0]: 'helpline' has no line to call day and night; expected a service with "
        "a phone line open 24 hours a day, 7 days a week (hours: mo-su 00:00-24:00)",
        "content/booklet.yaml:1:18: error: talk[1]: 'nowhere' is not a service; expected one of: helpline"]
    text = (project.root / "content/services/helpline.yaml").read_text()
    project.write("content/services/helpline.yaml", text.replace('{days: mo-fr, from: "09:30", to: "13:00"}',
                                                                  '{days: mo-su, from: "00:00", to: "24:00"}'))
    project.write("content/booklet.yaml", "talk: [helpline]\n")
    assert load_catalogue(project.root).errors == []

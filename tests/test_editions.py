"""Formats and editions: imposition, regional, discreet and reception-centre editions, tagging."""

from __future__ import annotations

import json
import re

import pypdf
import pypdfium2 as pdfium
import pytest

from generator.base.edition import Edition
from generator.base.formats import FORMATS
from generator.cli import run
from generator.content.validate import load_catalogue
from generator.paper.impose import booklet_order
from generator.render.words import Words

from .conftest import LAYOUTS, ROOT, SERVICE, many_services
from .pdfcheck import decode_qr_codes, misplaced_phone_links, missing_glyphs, pdf_text, tagging, text_in_reading_order

A4_LANDSCAPE = (841.89, 595.28)


# ------------------------------------------------------------------ imposition


@pytest.mark.parametrize(
    ("pages", "rtl", "expected"),
    [
        (4, False, [(4, 1), (2, 3)]),
        (8, False, [(8, 1), (2, 7), (6, 3), (4, 5)]),
        (8, True, [(1, 8), (7, 2), (3, 6), (5, 4)]),
        # 6 pages: two blanks before the back cover, which stays page 6 on the back
        (6, False, [(6, 1), (2, None), (None, 3), (4, 5)]),
        (1, False, [(1, None), (None, None)]),
    ],
)
def test_booklet_order(pages, rtl, expected):
    assert booklet_order(pages, rtl) == expected


def test_folding_the_imposed_stack_gives_reading_order():
    for pages in range(1, 30):
        sides = booklet_order(pages)
        total = len(sides) * 2
        # Fold: the spreads read, in order, the right half of the first front, then each inner spread
        reading = [sides[0][1]]
        for sheet in range(len(sides) // 2):
            back, next_front = sides[2 * sheet + 1], sides[2 * sheet + 2] if 2 * sheet + 2 < len(sides) else None
            reading.append(back[0])
            reading.append(back[1] if next_front is None else next_front[1])
        assert len([p for side in sides for p in side]) == total
        assert sorted(p for side in sides for p in side if p) == list(range(1, pages + 1))
        assert sides[0][0] == pages  # the back cover is the outside of the first sheet


@pytest.fixture(scope="module")
def imposed(shipped):
    """The session's shared build (conftest.shipped): read, never written."""
    return shipped


def _footer_number(page: pdfium.PdfPage, left: float, right: float) -> int | None:
    """The page number printed in the footer of one half of an imposed sheet."""
    text = page.get_textpage().get_text_bounded(left=left, bottom=0, right=right, top=45).split()
    numbers = [int(t) for t in text if t.isdigit()]
    return numbers[-1] if numbers else None


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_imposed_sheets_read_back_in_booklet_order(imposed, lang):
    booklet = pypdf.PdfReader(imposed / f"{lang}/asylum-centre-booklet.pdf")
    count = len(booklet.pages)
    sheets = pdfium.PdfDocument(imposed / f"{lang}/asylum-centre-booklet-imposed.pdf")
    assert len(sheets) == -(-count // 4) * 2
    half = A4_LANDSCAPE[0] / 2
    expected = booklet_order(count, rtl=lang == "ar")
    # a back cover of its own and the notes pages before it carry no number: the last numbered page is the content's
    pages = pdfium.PdfDocument(imposed / f"{lang}/asylum-centre-booklet.pdf")
    numbered = max(n for n in range(2, count + 1) if _footer_number(pages[n - 1], 0, pages[n - 1].get_width()) == n)
    arrangement = next(d for d in json.loads((imposed / "manifest.json").read_text())["documents"]
                       if d["path"] == f"{lang}/asylum-centre-booklet.pdf")["arrangement"]
    assert numbered == count or arrangement.get("back_cover")
    for index, (left, right) in enumerate(expected):
        page = sheets[index]
        assert (round(page.get_width(), 2), round(page.get_height(), 2)) == A4_LANDSCAPE
        for number, (x0, x1) in ((left, (0, half)), (right, (half, 2 * half))):
            printed = _footer_number(page, x0, x1)
            if number is None or number == 1 or number > numbered:
                # blank pages, the cover, the notes pages and a back cover of its own carry no number
                assert printed is None, (index, number, printed)
            else:
                assert printed == number, (index, number, printed)


# ------------------------------------------------------------------ regional edition


def test_regional_edition_leaves_out_other_regions_and_keeps_federal(tmp_path):
    cat = load_catalogue(ROOT)
    assert run(["--root", str(ROOT), "build", "-j", "1", "--audience", "complete", "--lang", "en", "--format", "booklet",
                "--region", "wallonia", "--out", str(tmp_path)]) == 0
    text = " ".join(" ".join(pdf_text(tmp_path / "en/complete-booklet-wallonia.pdf")).split())
    from .test_build import printed_services

    services = {sid: cat.services[sid] for sid in printed_services(cat, "complete")}  # of the national edition
    wanted = {sid for sid, s in services.items() if "federal" in s.regions or "wallonia" in s.regions}
    assert wanted
    for sid, service in services.items():
        lines = [line for line in service.phones if not line.hold]
        number = lines[0].number.national if lines else None
        if number and len(number) > 6:  # short numbers (1712) are also named in other services' text
            assert (number in text) == (sid in wanted), (sid, service.regions)
        if sid in wanted:
            assert service.names.get("en", service.name).split(" (")[0] in text, sid
    # the QR codes, one per service shown: none of a service that serves only other regions
    [entry] = json.loads((tmp_path / "manifest.json").read_text())["documents"]
    assert set(entry["qr_urls"]) == {services[sid].links[0].url for sid in wanted if services[sid].links}


# ------------------------------------------------------------------ discreet edition

OUTING = ("lgbt", "queer", "trans", "gay", "lesb", "rainbow", "sexual", "лгбт", "‏lgbt")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("audience", ["asylum-centre", "sexual-violence"])
def test_discreet_edition_has_a_neutral_outside_and_the_same_contacts(tmp_path, audience, lang):
    assert run(["--root", str(ROOT), "build", "-j", "1", "--audience", audience, "--lang", lang, "--format", "booklet",
                "--discreet", "--out", str(tmp_path)]) == 0
    [path] = list((tmp_path / lang / "discreet").glob("*.pdf"))
    # the file's name is shared with the file (by phone): it says nothing of the topic
    assert not [w for w in (*OUTING, "violence", "asylum", "discreet") if w in path.name.lower()], path.name
    manifest = json.loads((tmp_path / "manifest.json").read_text())["documents"]
    assert [(d["path"], d["audience"], d["discreet"]) for d in manifest] == [(path.relative_to(tmp_path).as_posix(), audience, True)]
    pages = pdf_text(path)
    outside = (pages[0] + " " + pages[-1]).lower()
    assert not [w for w in OUTING if w in outside], outside
    meta = pypdf.PdfReader(path).metadata
    assert not [w for w in OUTING if w in f"{meta.title} {meta.subject} {meta.get('/Keywords', '')}".lower()]
    inside = " ".join(pages[1:-1])
    from .test_build import printed_services

    cat = load_catalogue(ROOT)
    for sid in printed_services(cat, audience):  # the same contacts as the full edition
        for line in (line for line in cat.services[sid].phones if not line.hold):
            assert line.number.national in inside, (sid, line.number.national)


# ------------------------------------------------------------------ reception-centre edition

CENTRE = """\
name: Centre Test
region: wallonia
languages: [en, fr]
contacts:
  - name: Social service of the centre
    summary: Ask for the social worker at the reception desk.
    phones:
      - number: 081 23 45 67
        hours:
          - {days: mo-fr, from: "09:00", to: "16:00"}
  - name: Complaints
    summary: Write to the head of the centre.
    emails: [direction@example.be]
last_verified: 2026-01-20
"""


def test_centre_edition_prints_its_contacts_translated_on_the_cover(project, capsys):
    from .test_i18n import fill

    project.write("content/booklet.yaml", "languages: [en, fr]\n")
    project.write("content/centres/test-centre.yaml", CENTRE + "audiences: [workers]\n")
    # the centre's texts are content: exported for translators with the rest, in its languages only
    catalog = fill(project, overrides={"centres/test-centre:contacts[0].name": "Service social du centre",
                                       "centres/test-centre:contacts[0].summary": "Demandez l'assistante sociale à l'accueil."})
    assert {m.context for m in catalog if m.context and m.context.startswith("centres/")} == {
        "centres/test-centre:contacts[0].name", "centres/test-centre:contacts[0].summary",
        "centres/test-centre:contacts[1].name", "centres/test-centre:contacts[1].summary"}
    assert run(["--root", str(project.root), "build", "-j", "1", "--centre", "test-centre", "--format", "booklet"]) == 0
    assert "printed in English" not in capsys.readouterr().err
    manifest = {d["path"]: d for d in json.loads((project.root / "output/manifest.json").read_text())["documents"]}
    for lang in ("en", "fr"):
        pages = pdf_text(project.root / f"output/centres/test-centre/{lang}/workers-booklet.pdf")
        cover = " ".join(pages[0].split())  # a short list of contacts goes on the cover
        assert "CENTRE TEST" in cover.upper() and "081 23 45 67" in cover and "direction@example.be" in cover
        assert manifest[f"centres/test-centre/{lang}/workers-booklet.pdf"]["arrangement"] == {"centre_on_cover": True}
    french = " ".join(pdf_text(project.root / "output/centres/test-centre/fr/workers-booklet.pdf")[0].split())
    assert "Service social du centre" in french and "Demandez l'assistante sociale à l'accueil." in french
    assert "Social service" not in french


def test_a_centre_can_list_any_of_the_shipped_languages(real_copy, capsys):
    """Issue 27: a reception centre hands out booklets in any of the project's languages, the
    new scripts among them; `booklet translations` shows each language's coverage."""
    from generator.content.validate import load_catalogue

    languages = load_catalogue(real_copy.root).booklet.languages
    assert {"ps", "ti", "so", "ru", "sq", "de"} <= set(languages)
    real_copy.write("content/centres/test-centre.yaml", CENTRE.replace("[en, fr]", f"[{', '.join(languages)}]"))
    assert run(["--root", str(real_copy.root), "check"]) == 0
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if "test-centre.yaml" in line and ": error:" in line]
    assert run(["--root", str(real_copy.root), "translations"]) == 0
    table = capsys.readouterr().out
    for lang in languages[1:]:
        assert re.search(rf"\b{lang}\b.*\bcontent\b", table), lang
    assert run(["--root", str(real_copy.root), "build", "-j", "1", "--centre", "test-centre", "--lang", "ps", "--lang", "ti",
                "--format", "booklet"]) == 0
    for lang in ("ps", "ti"):
        path = real_copy.root / f"output/centres/test-centre/{lang}/asylum-centre-booklet.pdf"
        first = " ".join(" ".join(pdf_text(path)[:2]).split())
        assert "081 23 45 67" in first and "direction@example.be" in first, lang
        assert missing_glyphs(path) == [], lang
    root = pypdf.PdfReader(real_copy.root / "output/centres/test-centre/ps/asylum-centre-booklet.pdf").trailer["/Root"]
    assert root["/ViewerPreferences"]["/Direction"] == "/R2L"


def test_a_centre_text_without_translation_is_named_and_refused_under_strict(project, capsys):
    project.write("content/booklet.yaml", "languages: [en, fr]\n")
    project.write("content/centres/test-centre.yaml", CENTRE + "audiences: [workers]\n")
    assert run(["--root", str(project.root), "check"]) == 0
    out = capsys.readouterr().out
    assert ("content/centres/test-centre.yaml:6:14: warning: contacts[0].summary: no fr translation: the centre's fr "
            "booklets, leaflets and posters show it in English; translate it with 'booklet translations --export fr'") in out
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    assert run(["--root", str(project.root), "build", "-j", "1", "--centre", "test-centre", "--format", "booklet", "--strict"]) == 1
    assert not (project.root / "output/centres").exists()


def test_many_centre_contacts_go_to_the_top_of_the_next_page_with_what_follows(project):
    contact = CENTRE.split("contacts:\n")[1].split("last_verified")[0]
    many = CENTRE.replace(contact, contact * 3).replace("[en, fr]", "[en]")
    project.write("content/centres/test-centre.yaml", many + "audiences: [workers]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--centre", "test-centre", "--format", "booklet"]) == 0
    pages = pdf_text(project.root / "output/centres/test-centre/en/workers-booklet.pdf")
    assert "CENTRE TEST" not in pages[0].upper()
    second = " ".join(pages[1].split())
    assert second.count("Social service of the centre") == 3
    assert "Did this happen?" in second  # the first section follows on the same page
    manifest = json.loads((project.root / "output/manifest.json").read_text())["documents"]
    assert manifest[0]["arrangement"] == {"centre_on_cover": False}


def test_centre_in_another_region_drops_regional_services(project):
    project.write("content/services/helpline.yaml", SERVICE.replace("regions: [federal]", "regions: [flanders]"))
    project.write("content/services/walloon.yaml", SERVICE.replace("name: Helpline", "name: Walloon line")
                  .replace("regions: [federal]", "regions: [wallonia]"))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, walloon]\n")
    project.write("content/centres/test-centre.yaml", CENTRE.replace("[en, fr]", "[en]") + "audiences: [workers]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--centre", "test-centre", "--format", "booklet"]) == 0
    text = " ".join(pdf_text(project.root / "output/centres/test-centre/en/workers-booklet.pdf"))
    assert "Walloon line" in text and "Helpline" not in text


def test_centre_errors(project, capsys):
    project.write("content/centres/bad.yaml", CENTRE.replace("[en, fr]", "[en, de]") + "audiences: [nobody]\n")
    assert run(["--root", str(project.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "content/centres/bad.yaml:3:17: error: languages[1]: 'de' is not an enabled language; expected one of: en" in out
    assert "content/centres/bad.yaml:15:13: error: audiences[0]: no audience 'nobody' (expected content/audiences/nobody.yaml)" in out
    assert run(["--root", str(project.root), "build", "-j", "1", "--centre", "elsewhere"]) == 1


# ------------------------------------------------------------------ accessibility


def _figures(path) -> list[str]:
    root = pypdf.PdfReader(path).trailer["/Root"]["/StructTreeRoot"]
    found: list[str] = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)

    walk(root)
    return found


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_booklets_are_tagged_with_language_title_bookmarks_and_alt_text(imposed, lang):
    path = imposed / f"{lang}/asylum-centre-booklet.pdf"
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == lang
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title
    assert len(reader.outline) >= 1
    figures = _figures(path)
    assert figures and all(alt and alt != "None" for alt in figures)


@pytest.mark.parametrize("fmt", ["booklet", "booklet-imposed", "leaflet", "poster"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_format_is_tagged_in_full(imposed, fmt, lang):
    """Imposed sheets too: all content tagged or an artifact, every MCID and link in the tree."""
    path = imposed / f"{lang}/asylum-centre-{fmt}.pdf"
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang and reader.metadata.title
    found = tagging(path)
    assert found.problems == []
    assert len(found.used) > 20


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_imposed_booklet_reads_in_booklet_order(imposed, lang):
    """Pages stand where the paper needs them; a screen reader still reads page 1, 2, 3..."""
    booklet = pdf_text(imposed / f"{lang}/asylum-centre-booklet.pdf")
    assert text_in_reading_order(imposed / f"{lang}/asylum-centre-booklet-imposed.pdf") == booklet


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_leaflet_reads_panel_by_panel_in_order(imposed, lang, tmp_path):
    from generator.base.edition import Edition
    from generator.build import plan
    from generator.i18n.translator import content_translator
    from generator.paper.pdf import html_to_pdf

    edition = Edition("asylum-centre", lang, "leaflet")
    view, html, kind = plan.prepare(load_catalogue(ROOT), edition, content_translator(ROOT, lang), LAYOUTS)
    # the build prints the first arrangement that fills every panel (formats.py: variants) and records which
    entry = json.loads((imposed / "manifest.json").read_text())["documents"]
    [arrangement] = [e["arrangement"] for e in entry if e["path"] == f"{lang}/asylum-centre-leaflet.pdf"]
    arrangement = dict(arrangement)
    fits = arrangement.pop("flap_situations", None)  # the flap held these first situations (build.py)
    if fits is not None:
        view = view | {"todo": view["todo"][:fits], "todo_more": True}
    assert arrangement in FORMATS["leaflet"].variants
    panels, _pages = html_to_pdf(plan._render(view, edition, kind, LAYOUTS, arrangement), layouts=LAYOUTS, rtl=view["dir"] == "rtl")
    source = tmp_path / f"{lang}-leaflet-panels.pdf"
    source.write_bytes(panels)
    read = text_in_reading_order(imposed / f"{lang}/asylum-centre-leaflet.pdf")
    assert read == pdf_text(source)  # front, flap, inside left to right, back: not the sheet's order
    assert len(read) == 6


@pytest.mark.parametrize("fmt", ["booklet-imposed", "leaflet"])
def test_links_move_with_their_page_onto_the_sheet(imposed, fmt):
    """Every phone link on a sheet still lies over the number it dials, and bookmarks point at
    the sheet that shows their heading."""
    path = imposed / f"en/asylum-centre-{fmt}.pdf"
    checked, wrong = misplaced_phone_links(path)
    assert wrong == [] and checked >= 3
    reader = pypdf.PdfReader(path)
    sheets = {page.indirect_reference.idnum for page in reader.pages}

    def destinations(items):
        for item in items:
            yield from destinations(item) if isinstance(item, list) else [item]

    marks = list(destinations(reader.outline))
    assert all(mark.page.idnum in sheets for mark in marks)
    if fmt == "booklet-imposed":
        assert len(marks) > 10


def test_structure_check_finds_untagged_and_dangling_content(imposed, tmp_path):
    """The check above can fail: content left out of the tree, or a tree pointing at nothing."""
    writer = pypdf.PdfWriter(clone_from=imposed / "en/asylum-centre-booklet-imposed.pdf")
    stack = [writer.root_object["/StructTreeRoot"]]
    cut = None
    while stack and cut is None:
        element = stack.pop().get_object()
        kids = element.get("/K")
        kids = kids.get_object() if kids is not None else None
        if isinstance(kids, pypdf.generic.ArrayObject):
            for kid in kids:
                if isinstance(kid, pypdf.generic.DictionaryObject) and kid.get("/Type") == "/MCR":
                    cut = int(kid["/MCID"])
                    kid[pypdf.generic.NameObject("/MCID")] = pypdf.generic.NumberObject(9999)
                    break
                stack.append(kid)
    assert cut is not None
    writer.write(tmp_path / "broken.pdf")
    problems = tagging(tmp_path / "broken.pdf").problems
    assert any(f"MCID {cut} " in p and "is in no structure element" in p for p in problems)
    assert any("refers to MCID 9999" in p and "which is not there" in p for p in problems)
    # pages merged the old way (pypdf's merge) keep no tree at all
    plain = pypdf.PdfWriter()
    sheet = plain.add_blank_page(width=842, height=595)
    sheet.merge_page(pypdf.PdfReader(imposed / "en/asylum-centre-booklet.pdf").pages[0])
    plain.write(tmp_path / "merged.pdf")
    assert tagging(tmp_path / "merged.pdf").problems == ["no structure tree"]


# ------------------------------------------------------------------ print shop

MM = 72 / 25.4


def test_print_shop_file_is_pdf_x4_with_bleed_crop_marks_and_cmyk(tmp_path):
    assert run(["--root", str(ROOT), "build", "-j", "1", "--audience", "workplace", "--lang", "en", "--print-shop",
                "--out", str(tmp_path)]) == 0
    path = tmp_path / "en/workplace-booklet-print.pdf"
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        trim = [round(float(v), 2) for v in page.trimbox]
        bleed = [round(float(v), 2) for v in page.bleedbox]
        assert trim == [0, 0, 419.53, 595.28]
        assert bleed == [round(-3 * MM, 2), round(-3 * MM, 2), round(419.53 + 3 * MM, 2), round(595.28 + 3 * MM, 2)]
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4  # a CMYK profile
    assert b"PDF/X-4" in reader.xmp_metadata.stream.get_data()
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert tagging(path).problems == []  # crop marks and bleed are artifacts
    cat = load_catalogue(ROOT)
    shown = {sid for ref in cat.audiences["workplace"].situations for sid in cat.situations[ref.situation].services}
    newest = max(cat.services[sid].last_verified for sid in shown)
    assert reader.metadata["/CreationDate"].startswith("D:" + newest.strftime("%Y%m%d"))  # the content's date, not the clock
    codes = decode_qr_codes(path)
    assert codes and all(c.quiet_zone_clear for c in codes)


def test_print_shop_builds_the_booklet_and_the_poster_asked_for(tmp_path, capsys):
    assert run(["--root", str(ROOT), "build", "-j", "1", "--audience", "workplace", "--lang", "en", "--print-shop",
                "--format", "booklet", "--format", "poster", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "en").glob("*.pdf")) == ["workplace-booklet-print.pdf", "workplace-poster-print.pdf"]
    poster = pypdf.PdfReader(tmp_path / "en/workplace-poster-print.pdf")
    assert [round(float(v), 2) for v in poster.pages[0].bleedbox][:2] == [round(-3 * MM, 2)] * 2
    assert poster.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFX"


def test_print_shop_refuses_imposition_and_a_missing_profile(tmp_path, capsys):
    assert run(["--root", str(ROOT), "build", "-j", "1", "--print-shop", "--format", "booklet-imposed", "--out", str(tmp_path)]) == 1
    assert ("--print-shop makes A5 booklet pages and A3 posters with bleed for a print shop, not booklet-imposed; "
            "expected --format booklet, --format poster or both") in capsys.readouterr().err
    assert run(["--root", str(ROOT), "build", "-j", "1", "--print-shop", "--cmyk-profile", str(tmp_path / "none.icc")]) == 2


def test_office_files_are_not_print_shop_files(imposed):
    reader = pypdf.PdfReader(imposed / "en/asylum-centre-booklet.pdf")
    assert "/OutputIntents" not in reader.trailer["/Root"]
    page = reader.pages[0]
    assert [round(float(v), 2) for v in page.trimbox] == [round(float(v), 2) for v in page.mediabox]


# ------------------------------------------------------------------ leaflet and poster

A3 = (841.89, 1190.55)


def _panel_text(page: pdfium.PdfPage, left_mm: float, right_mm: float) -> str:
    return " ".join(page.get_textpage().get_text_bounded(left=left_mm * MM, bottom=0, right=right_mm * MM, top=600).split())


@pytest.fixture(scope="module")
def folded(shipped):
    return shipped


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_leaflet_panels_fold_in_reading_order(folded, lang):
    doc = pdfium.PdfDocument(folded / f"{lang}/asylum-centre-leaflet.pdf")
    assert len(doc) == 2
    for page in doc:
        assert (round(page.get_width(), 2), round(page.get_height(), 2)) == A4_LANDSCAPE
    outside, inside = doc[0], doc[1]
    rtl = lang == "ar"
    # Outside: flap (97 mm) | back (100 mm) | front (100 mm), mirrored for right-to-left
    front = (0, 100) if rtl else (197, 297)
    back = (100, 200) if rtl else (97, 197)
    from generator.base.edition import Edition
    from generator.render.view import booklet_view

    cat = load_catalogue(ROOT)
    view = booklet_view(cat, Edition("asylum-centre", lang, "leaflet"), Words(lang, LAYOUTS))
    oldest = min(cat.services[v["id"]].last_verified for v in view["highlights"])
    back_text = _panel_text(outside, *back)  # the back holds the lines to talk to and the colophon, no card
    assert not any(v["phones"] and v["phones"][0]["display"].split()[-1] in back_text.split()
                   for v in view["highlights"]), back_text
    assert str(oldest.day) in _panel_text(outside, *back)  # ... with the date of the check (the oldest of its cards)
    assert view["checked"] in _panel_text(outside, *back) or rtl
    front_text = _panel_text(outside, *front)
    lead = view["highlights"][0]  # the service that leads (tests/test_design.py: which one)
    assert lead["phones"] and all(group in front_text for group in lead["phones"][0]["display"].split())  # (pdfium reads
    # a right-to-left line's number groups in visual order)
    assert "112" in front_text and "101" in front_text  # the emergency numbers too
    assert ("Your rights in Belgium" in front_text) if not rtl else ("حقوقك في بلجيكا" in front_text)
    first_inside = (197, 297) if rtl else (0, 100)
    assert _panel_text(inside, *first_inside), "the first inside panel is empty"


def test_leaflet_shows_every_contact_and_its_qr_code(folded):
    from generator.base.edition import Edition
    from generator.render.view import booklet_view

    cat = load_catalogue(ROOT)
    text = " ".join(pdf_text(folded / "en/asylum-centre-leaflet.pdf"))
    shown = [v["id"] for v in booklet_view(cat, Edition("asylum-centre", "en", "leaflet"), Words("en", LAYOUTS))["highlights"]]
    from .test_build import printed_services

    assert set(shown) == set(printed_services(cat, "asylum-centre")) or cat.audiences["asylum-centre"].leaflet
    services = [cat.services[s] for s in shown]
    for service in services:
        for line in service.phones:
            assert (line.number.national in text) == (not line.hold)
    urls = {c.text for c in decode_qr_codes(folded / "en/asylum-centre-leaflet.pdf")}
    assert {s.links[0].url for s in services if s.links} <= urls


def test_poster_is_one_a3_page_with_big_codes(folded):
    """The first three of the audience's services with a phone (no poster: list), whichever they are today."""
    from generator.base.edition import Edition
    from generator.render.view import booklet_view

    reader = pypdf.PdfReader(folded / "en/asylum-centre-poster.pdf")
    assert len(reader.pages) == 1
    assert (round(float(reader.pages[0].mediabox.width), 2), round(float(reader.pages[0].mediabox.height), 2)) == A3
    shown = booklet_view(load_catalogue(ROOT), Edition("asylum-centre", "en", "poster"), Words("en", LAYOUTS))["highlights"]
    assert 0 < len(shown) <= 3
    codes = decode_qr_codes(folded / "en/asylum-centre-poster.pdf")
    assert {c.text for c in codes} == {v["qr"].url for v in shown if v["qr"]} and all(c.width_mm >= 40 for c in codes)
    text = pdf_text(folded / "en/asylum-centre-poster.pdf")[0]
    assert all(v["phones"][0]["display"] in text for v in shown)


def test_too_many_contacts_for_a_poster_is_a_clear_error(project, capsys):
    ids = [f"line-{i}" for i in range(8)]
    many_services(project, ids, "poster")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "poster"]) == 1
    err = capsys.readouterr().err
    # the message is that of the most compact arrangement tried (formats.py: variants)
    assert ("Error: en/workers-poster.pdf: the content takes 2 pages, the format has one; line-6, line-7 "
            "do not fit: list fewer services under poster: in the audience's file") in err
    assert not (project.root / "output/en/workers-poster.pdf").exists()


def test_too_many_contacts_for_a_leaflet_is_a_clear_error(project, capsys):
    ids = [f"line-{i:02d}" for i in range(24)]
    many_services(project, ids)
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet"]) == 1
    err = capsys.readouterr().err
    assert "Error: en/workers-leaflet.pdf: the contacts need 5 panels, the leaflet has 4; line-21, line-22, line-23 do not fit: list fewer services under leaflet: in the audience's file" in err


def test_leaflet_and_poster_choices_must_be_services_of_the_audience(project, capsys):
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\nposter: [unia]\n")
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/audiences/workers.yaml:3:10: error: poster[0]: 'unia' is not a service of this audience's situations; "
            "expected one of: helpline") in capsys.readouterr().out


def test_a_long_web_address_widens_its_qr_column_instead_of_breaking_a_word(project):
    """Cards use a fixed table layout; the QR column is measured from the font (generator/render/metrics.py)
    so that a web address still breaks only after its dots and slashes."""
    long_part = "mmmmwwwwmmmmwwwwmmmmwwww."
    project.write("content/services/helpline.yaml", SERVICE.replace("https://www.example.be/report",
                                                                     f"https://www.{long_part}be/report"))
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\nleaflet: [helpline]\nposter: [helpline]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--format", "leaflet", "--format", "poster"]) == 0
    for fmt in ("booklet", "leaflet", "poster"):
        lines = [line for page in pdf_text(project.root / f"output/en/workers-{fmt}.pdf") for line in page.splitlines()]
        assert any(long_part in line for line in lines), (fmt, [line for line in lines if "mmmm" in line or "wwww" in line])


# ------------------------------------------------------------------ wallet cards

A4_PORTRAIT = (595.28, 841.89)
SITE = "https://www.example.org/services"


def test_wallet_cards_ten_to_a_sheet_each_leading_to_its_web_page(shipped):
    """Read from the shared build (conftest.shipped: site_url is SITE there too)."""
    path = shipped / "en/asylum-centre-card.pdf"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    assert (round(float(reader.pages[0].mediabox.width), 2), round(float(reader.pages[0].mediabox.height), 2)) == A4_PORTRAIT
    codes = decode_qr_codes(path)
    # the code leads to the audience's discreet page: its address says nothing of the topic, and it is written
    from generator.base.edition import Edition
    from generator.render.view import booklet_view

    neutral = Edition("asylum-centre", "en", discreet=True).page
    assert re.fullmatch(r"en/[0-9a-f]{6}\.html", neutral)
    assert [c.text for c in codes] == [f"https://www.example.org/services/{neutral}"] * 10
    # the first of the audience's services with a phone (no card: list), whichever it is today
    lead = booklet_view(load_catalogue(ROOT), Edition("asylum-centre", "en", "card"), Words("en", LAYOUTS))["highlights"][0]["phones"][0]["display"]
    page = shipped / "site" / neutral
    assert lead in page.read_text("utf-8") and "LGBT" not in page.read_text("utf-8").split("<body>")[0]
    assert all(c.quiet_zone_clear and c.width_mm >= 20 for c in codes)
    text = pdf_text(path)[0]
    assert text.count(lead) == 10
    assert "LGBT" not in text  # a card is carried in a wallet: neutral title
    assert tagging(path).problems == []
    read = text_in_reading_order(path)  # the first card is tagged, its nine copies are artifacts
    assert len(read) == 1 and read[0].count(lead) == 1


def test_every_shipped_card_fits_in_every_language(shipped):
    """With their QR code (site_url set), none of the cards may fail to fit (Arabic and Farsi
    lines are taller: the sexual-violence card did not fit until the card had its own line height).
    The shared build makes every card (conftest.IN_EVERY_LANGUAGE), and stops on one that does not fit."""
    cat = load_catalogue(ROOT)
    documents = json.loads((shipped / "manifest.json").read_text())["documents"]
    cards = {d["path"] for d in documents if d["format"] == "card" and not d["discreet"] and not d["region"]}
    assert cards == {f"{lang}/{audience}-card.pdf" for audience in cat.audiences for lang in cat.booklet.languages}
    assert all((shipped / path).is_file() for path in cards)


def test_a_card_without_site_url_has_no_code_and_the_build_says_so(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 0
    err = capsys.readouterr().err
    assert ("notice: wallet cards are built without their QR code: set site_url: in content/booklet.yaml (or pass --site-url) "
            "to the address where output/site/ is published, and each card's code leads to its page") in err
    card = project.root / "output/en/workers-card.pdf"
    assert decode_qr_codes(card) == [] and pdf_text(card)[0].count("0800 12 800") == 10
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    assert "wallet cards" not in capsys.readouterr().err  # said only when cards are made
    # --site-url gives them their code; it must be an https address
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card", "--site-url", "https://help.example.org/list/"]) == 0
    assert {c.text for c in decode_qr_codes(card)} == {f"https://help.example.org/list/{Edition('workers', 'en', discreet=True).page}"}
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card", "--site-url", "http://help.example.org"]) == 1
    assert ("Error: --site-url: 'http://help.example.org' is not an https address; expected it to start with https://"
            in capsys.readouterr().err)


def test_too_many_lines_for_a_card(project, capsys):
    ids = [f"line-{i}" for i in range(9)]
    many_services(project, ids, "card")
    project.write("content/booklet.yaml", f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 1
    # each line prints its name, number, cost and hours: three fit
    assert ("Error: en/workers-card.pdf: the content takes 3 pages, the format has one; line-3, line-4, line-5, line-6, "
            "line-7, line-8 do not fit: list fewer services under card: in the audience's file") in capsys.readouterr().err


def test_wallet_card_leaves_a_services_notes_to_the_booklet(project):
    project.write("content/services/helpline.yaml", SERVICE + "notes:\n  - Not an LGBTQI+ organisation.\n  - The line answers in Dutch only.\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card", "--format", "booklet"]) == 0
    card = " ".join(pdf_text(project.root / "output/en/workers-card.pdf")[0].split())
    assert card.count("0800 12 800 free call Mon to Fri: 09:30–13:00") == 10  # its number, cost and hours
    assert "Dutch only" not in card and "LGBT" not in card  # no room for notes; one would out its carrier
    booklet = " ".join(" ".join(pdf_text(project.root / "output/en/workers-booklet.pdf")).split())
    assert "Not an LGBTQI+ organisation." in booklet and "The line answers in Dutch only." in booklet


def test_shipped_wallet_cards_print_their_notes_but_none_that_outs_the_carrier(shipped):
    """Read from the shared build (conftest.shipped)."""
    from generator.base.edition import Edition
    from generator.render.view import booklet_view

    from .test_build import plain

    cat = load_catalogue(ROOT)
    for audience in ("workplace", "asylum-centre"):
        text = " ".join(pdf_text(shipped / f"en/{audience}-card.pdf")[0].split())
        assert "112" in text and "101" in text and cat.booklet.topic_word(text) is None
        for v in booklet_view(cat, Edition(audience, "en", "card"), Words("en", LAYOUTS))["highlights"]:
            assert v["phones"][0]["display"] in text, v["id"]
            for note in v["card_notes"]:
                assert plain(note) in text, (v["id"], note)


def test_a_card_that_chose_its_own_lines_keeps_two_when_three_do_not_fit(project, capsys):
    """Without a card: list, the card takes the first three services with a phone; when their
    lines' notes (printed where hours are missing) make three lines too long even set compactly,
    it keeps two (with card: listed, it is an error)."""
    note = "A note long enough to take several lines on a wallet card, however small its type is set. " * 2
    ids = ["line-0", "line-1", "line-2"]
    many_services(project, ids)
    hours = '    hours:\n      - {days: mo-fr, from: "09:30", to: "13:00"}\n'
    for sid in ids:
        path = project.root / f"content/services/{sid}.yaml"
        path.write_text(path.read_text().replace(hours, f"    note: {note.strip()}\n"))
    project.write("content/booklet.yaml", f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 0, capsys.readouterr().err
    text = pdf_text(project.root / "output/en/workers-card.pdf")[0]
    assert text.count("Line 0") == 10 and text.count("Line 1") == 10 and "Line 2" not in text
    manifest = json.loads((project.root / "output/manifest.json").read_text())["documents"]
    assert [d["arrangement"] for d in manifest] == [{"compact": True, "max_lines": 2, "last_resort": True}]


WHO_CAN_HELP = {"en": "Who can help", "ar": "من يمكنه مساعدتك", "fa": "چه کسانی می‌توانند کمک کنند"}


def test_every_shipped_leaflet_panel_stands_alone(shipped):
    """No panel opens with the rest of another's text: the inside's first panel starts with "Who
    can help", and the flap (outside, beside the back) holds what you can do and nothing of the
    cards; read back from the folded sheets of the shared build."""
    import json as _json

    documents = {d["path"]: d for d in _json.loads((shipped / "manifest.json").read_text())["documents"]}
    checked = 0
    for pdf in sorted(shipped.glob("*/*-leaflet.pdf")):
        lang = pdf.parent.name
        if lang not in WHO_CAN_HELP:
            continue
        rtl = lang in ("ar", "fa")
        outside, inside = pdfium.PdfDocument(pdf)[0], pdfium.PdfDocument(pdf)[1]
        first_inside = _panel_text(inside, *((197, 297) if rtl else (0, 100)))
        words = WHO_CAN_HELP[lang].replace("\u200c", "").split()
        first_inside = first_inside.replace("\u200c", "")
        assert all(w in first_inside.split()[:12] for w in words) if rtl else first_inside.startswith(words[0]), \
            f"{pdf.relative_to(shipped)}: the inside opens with '{first_inside[:60]}'"
        flap = _panel_text(outside, *((200, 297) if rtl else (0, 97)))
        arrangement = documents[str(pdf.relative_to(shipped))]["arrangement"]
        if "flap_situations" in arrangement:  # the rest is in the booklet, and the flap says so
            assert "booklet" in flap or rtl, f"{pdf.relative_to(shipped)}: the flap does not point to the booklet"
        checked += 1
    assert checked >= 6


def test_a_flap_holds_the_situations_that_fit_and_points_to_the_booklet(project, capsys):
    """Too many situations with steps for the flap: the leaflet prints the first that fit whole,
    then a line pointing to the booklet; none runs on into the inside panels."""
    steps = "".join(f"  - Step {i}, write down what happened, when and where, and keep every letter you get.\n"
                    for i in range(5))
    titles = [f"Situation {chr(65 + i)}?" for i in range(6)]
    project.write("content/services/second.yaml", SERVICE.replace("name: Helpline", "name: Second Line"))
    for i, title in enumerate(titles):
        project.write(f"content/situations/s{i}.yaml", f"title: {title}\nsummary: S.\nsteps:\n{steps}services: [helpline, second]\n")
    project.write("content/audiences/workers.yaml", "title: Your rights\nsituations: [" +
                  ", ".join(f"s{i}" for i in range(6)) + "]\nlead:\n  - {service: helpline, why: Free.}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet"]) == 0, capsys.readouterr().err
    pdf = project.root / "output/en/workers-leaflet.pdf"
    entry = json.loads((project.root / "output/manifest.json").read_text())["documents"][0]
    fits = entry["arrangement"]["flap_situations"]
    assert 0 < fits < len(titles)
    outside, inside = pdfium.PdfDocument(pdf)[0], pdfium.PdfDocument(pdf)[1]
    flap = _panel_text(outside, 0, 97)
    assert [t for t in titles if t in flap] == titles[:fits]
    pointer = "There is more on what you can do, in other situations too, in the booklet “Your rights”."
    assert pointer in flap and flap.index(pointer) > flap.index(titles[fits - 1])
    inside_text = " ".join(_panel_text(inside, a, a + 100) for a in (0, 100, 197))
    assert not any(t in inside_text for t in titles) and inside_text.startswith("Who can help")


def test_every_shipped_leaflet_back_panel_carries_the_lines_to_talk_to(shipped):
    """The lines to talk to, day and night (content/booklet.yaml talk:), on the back panel that
    shows when the leaflet lies folded, read back from that panel of every shipped leaflet."""
    cat = load_catalogue(ROOT)
    numbers = [cat.services[sid].phones[0].number.national for sid in cat.booklet.talk]
    assert numbers
    checked = 0
    for pdf in sorted(shipped.glob("*/*-leaflet.pdf")):
        rtl = pdf.parent.name in ("ar", "fa")
        back = _panel_text(pdfium.PdfDocument(pdf)[0], *((100, 200) if rtl else (97, 197)))
        for number in numbers:
            assert all(group in back.split() for group in number.split()), f"{pdf.relative_to(shipped)}: {number}"
        checked += 1
    assert checked >= 6

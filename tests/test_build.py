"""End to end: the real content's PDFs (the session's shared build, conftest.shipped), read back."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import TextBox

from generator.base.edition import Edition
from generator.base.formats import FORMATS
from generator.build.plan import editions
from generator.build.run import render_edition
from generator.cli import run
from generator.content.catalogue import Catalogue
from generator.content.validate import load_catalogue
from generator.i18n.translator import content_translator
from generator.paper.pdf import LayoutsOnlyFetcher
from generator.paper.weasy import page_box
from generator.render.html import render_booklet
from generator.render.view import booklet_view
from generator.render.words import Words, direction

from .conftest import EVERYTHING, FOLDED_SAMPLE, IN_EVERY_LANGUAGE, LAYOUTS, ROOT, built_pdfs
from .pdfcheck import decode_qr_codes, link_targets, pdf_text

A5_PT = (419.53, 595.28)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT)


@pytest.fixture(scope="module")
def built(shipped) -> Path:
    return shipped


def printed_services(cat: Catalogue, audience: str) -> list[str]:
    """The services an audience's booklet must show, worked out from the content alone."""
    ids: list[str] = []
    for ref in cat.audiences[audience].situations:
        for sid in ref.services if ref.services is not None else cat.situations[ref.situation].services:
            if cat.services[sid].hold is None and sid not in ids:
                ids.append(sid)
    return ids


AUDIENCES = sorted(p.stem for p in (ROOT / "content/audiences").glob("*.yaml"))
LANGS = list(load_catalogue(ROOT).booklet.languages)
RTL = tuple(lang for lang in LANGS if direction(lang) == "rtl")


def folded(audience: str, lang: str) -> bool:
    """Whether the shared build makes this audience's leaflet and poster in this language
    (booklets and cards: always, conftest.IN_EVERY_LANGUAGE)."""
    if EVERYTHING:
        return True
    return lang in FOLDED_SAMPLE and (FOLDED_SAMPLE[lang] is None or audience in FOLDED_SAMPLE[lang])


def expected_paths() -> dict[str, tuple[str, str, str]]:
    """What the shared build makes (conftest.shipped), worked out from the content alone."""
    expected = {}
    for a in AUDIENCES:
        for lang in LANGS:
            for fmt in FORMATS:
                if fmt in IN_EVERY_LANGUAGE or folded(a, lang):
                    expected[f"{lang}/{a}-{fmt}.pdf"] = (a, lang, fmt)
    return expected


def ui_phrase(lang: str, english: str) -> str:
    """The layout phrase as the language's catalogue translates it."""
    from generator.i18n.translator import ui_translations

    return ui_translations(LAYOUTS, lang).gettext(english)


def test_the_three_audiences_and_the_complete_booklet_exist():
    assert {"asylum-centre", "workplace", "sexual-violence", "complete"} <= set(AUDIENCES)


def test_manifest_describes_every_pdf(built):
    manifest = json.loads((built / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["documents"] if not e["discreet"] and not e["region"]}
    expected = expected_paths()
    assert set(entries) == set(expected)
    for path, entry in entries.items():
        data = (built / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pages"] == len(pdfium.PdfDocument(data))
        assert (entry["audience"], entry["lang"], entry["format"]) == expected[path]
        assert entry["qr_urls"], path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_phone_number_and_email_is_printed_whole(built, catalogue, audience, lang):
    text = "\n".join(pdf_text(built / f"{lang}/{audience}-booklet.pdf"))
    flat = " ".join(text.split())
    services = printed_services(catalogue, audience)
    assert services
    for sid in services:
        service = catalogue.services[sid]
        if lang not in RTL:  # Arabic-script text extracts in visual order; names are checked in LTR languages
            assert service.names.get(lang, service.name).split(" (")[0] in flat, sid
        for line in service.phones:
            if line.hold:
                assert line.number.national not in text, f"{sid}: held number printed"
            else:
                assert line.number.national in text, f"{sid}: {line.number.national}"
        for email in service.emails:
            assert email in text, f"{sid}: {email}"


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_each_language_prints_its_own_words(built, lang):
    text = " ".join(" ".join(pdf_text(built / f"{lang}/asylum-centre-booklet.pdf")).split())
    for english in ("Who can help", "free call", "Checked: {date}"):
        phrase = ui_phrase(lang, english).split("{")[0].strip()
        assert phrase != english.split("{")[0].strip(), f"{lang}: '{english}' is not translated"
        if lang not in RTL:
            assert phrase in text, f"{lang}: {phrase!r}"
    assert "Who can help" not in text
    assert "Did this happen in your reception centre?" not in text


@pytest.mark.parametrize("lang", RTL)
def test_right_to_left_pages_are_mirrored(built, lang):
    path = built / f"{lang}/asylum-centre-booklet.pdf"
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert root["/ViewerPreferences"]["/Direction"] == "/R2L"
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    codes = decode_qr_codes(path, pages=[2, 3])
    assert codes
    for code in codes:  # the QR column sits on the left in right-to-left pages, on the right otherwise
        assert code.x_mm < width_mm / 2, code
    for code in decode_qr_codes(built / "en/asylum-centre-booklet.pdf", pages=[2, 3]):
        assert code.x_mm > width_mm / 2, code


@pytest.mark.parametrize("audience", AUDIENCES)
def test_services_on_hold_are_left_out(built, catalogue, audience):
    """Whatever the shipped content holds back today (perhaps nothing): none of it is printed.
    That holding back works is proven below, on a project with a service and a line on hold."""
    text = "\n".join(pdf_text(built / f"en/{audience}-booklet.pdf"))
    for service in catalogue.services.values():
        for line in service.phones:
            if service.hold or line.hold:
                assert line.number.national not in text


def test_a_service_and_a_line_on_hold_are_not_printed(project):
    from .conftest import SERVICE

    project.write("content/services/helpline.yaml", SERVICE.replace("emails:", (
        "  - number: 02 212 30 00\n    hold: Found in no source.\nemails:")))
    project.write("content/services/held.yaml", SERVICE.replace("name: Helpline", "name: Held line")
                  .replace("0800 12 800", "0800 99 961") + "hold: Two sources give different numbers.\n")
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, held]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    text = " ".join(" ".join(pdf_text(project.root / "output/en/workers-booklet.pdf")).split())
    assert "Helpline" in text and "0800 12 800" in text
    assert "02 212 30 00" not in text
    assert "Held line" not in text and "0800 99 961" not in text


def plain(markdown: str) -> str:
    """A content text as the PDF prints it: no emphasis marks or link targets, one space between words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text).split())


def test_structured_hours_are_printed_in_words(built, catalogue):
    """Every printed line's hours as Words words them (tests/test_words.py checks the wording
    itself), its note and free mark, each card's languages and date of check, read back from the
    complete booklet. Expected values come from the content: a changed hour or a confirmed
    service changes what is expected, not whether the test passes."""
    from generator.render.words import Words

    text = " ".join(" ".join(pdf_text(built / "en/complete-booklet.pdf")).split())
    view = booklet_view(catalogue, Edition("complete"), Words("en", LAYOUTS))
    cards = [v["id"] for s in view["sections"] for v in s["services"] if not v["repeat"]]
    w = Words("en", LAYOUTS)
    assert cards and any(line.hours for sid in cards for line in catalogue.services[sid].phones)
    for sid in cards:
        service = catalogue.services[sid]
        for line in (line for line in service.phones if not line.hold):
            for words in w.hours(line.hours):
                assert words in text, (sid, words)
            if line.note:
                assert plain(line.note) in text, (sid, line.note)
            if line.number.kind == "toll_free":
                assert f"{line.number.national} free call" in text, sid
        if service.languages:
            assert f"Speaks: {w.languages(service.languages)}" in text, sid
        if not service.unconfirmed:
            assert f"Checked: {w.date(service.last_verified)}" in text, sid


QR_CASES = [(a, "en") for a in AUDIENCES] + [("asylum-centre", lang) for lang in LANGS if lang != "en"]


@pytest.mark.parametrize(("audience", "lang"), QR_CASES)
def test_qr_codes_scan_to_the_content_urls(built, catalogue, audience, lang):
    path = built / f"{lang}/{audience}-booklet.pdf"
    found = decode_qr_codes(path)
    expected = {catalogue.services[s].links[0].url for s in printed_services(catalogue, audience) if catalogue.services[s].links}
    assert {q.text for q in found} == expected
    for q in found:
        assert q.ec_level in ("M", "Q", "H"), q
        assert q.width_mm >= 20, q
        assert q.quiet_zone_clear, q


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_links_are_clickable(built, catalogue, audience, lang):
    targets = link_targets(built / f"{lang}/{audience}-booklet.pdf")
    for sid in printed_services(catalogue, audience):
        service = catalogue.services[sid]
        for line in service.phones:
            if not line.hold:
                assert line.number.tel in targets, line.number.tel
        for email in service.emails:
            assert f"mailto:{email}" in targets
        for link in service.links:
            assert link.url in targets


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_pages_are_a5_with_metadata(built, catalogue, audience, lang):
    reader = pypdf.PdfReader(built / f"{lang}/{audience}-booklet.pdf")
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A5_PT
    meta = reader.metadata
    tr = content_translator(ROOT, lang)
    assert meta.title == tr(f"audiences/{audience}:title", catalogue.audiences[audience].title)
    assert meta.subject == tr(f"audiences/{audience}:subtitle", catalogue.audiences[audience].subtitle)
    assert meta.creator.startswith("booklet ")
    assert reader.trailer["/Root"]["/Lang"] == lang


def _service_pages(html: str) -> dict[object, set[int]]:
    """For every service card, the pages its boxes land on."""
    document = HTML(string=html, base_url=LAYOUTS.as_uri() + "/", url_fetcher=LayoutsOnlyFetcher(LAYOUTS)).render()
    pages: dict[object, set[int]] = {}

    def walk(box, number):
        element = getattr(box, "element", None)
        if element is not None and element.tag == "article" and "service" in (element.get("class") or ""):
            pages.setdefault(element, set()).add(number)
        for child in getattr(box, "children", []) or []:
            walk(child, number)

    for number, page in enumerate(document.pages, 1):
        walk(page_box(page), number)
    return pages


def test_no_service_is_split_across_pages(catalogue):
    view = booklet_view(catalogue, Edition("complete"), Words("en", LAYOUTS))
    html = render_booklet(view, generator="test", keywords="test", layouts=LAYOUTS)
    pages = _service_pages(html)
    # each service is printed in full once; later appearances are one line (see test_a_service_printed_earlier...)
    assert len(pages) == len({v["id"] for s in view["sections"] for v in s["services"]})
    split = {el.findtext(".//h4") or "?": p for el, p in pages.items() if len(p) > 1}
    assert split == {}


def test_body_text_is_at_least_9pt_and_nothing_under_7pt(catalogue):
    view = booklet_view(catalogue, Edition("complete"), Words("en", LAYOUTS))
    html = render_booklet(view, generator="test", keywords="test", layouts=LAYOUTS)
    document = HTML(string=html, base_url=LAYOUTS.as_uri() + "/", url_fetcher=LayoutsOnlyFetcher(LAYOUTS)).render()
    chars_by_size: dict[float, int] = {}

    def walk(box):
        if isinstance(box, TextBox) and box.text.strip():
            size = round(box.style["font_size"] * 0.75, 2)  # CSS px -> pt
            chars_by_size[size] = chars_by_size.get(size, 0) + len(box.text.strip())
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page_box(page))
    body_size = max(chars_by_size, key=chars_by_size.get)
    assert body_size >= 9.5, chars_by_size
    assert min(chars_by_size) >= 7, chars_by_size


def test_editions_cover_every_audience(catalogue):
    assert [e.relpath for e in editions(catalogue)] == [f"{lang}/{a}-{fmt}.pdf" for a in AUDIENCES for lang in LANGS
                                                         for fmt in FORMATS]


def test_render_is_deterministic(catalogue):
    first, pages1, _ = render_edition(catalogue, Edition("workplace"), LAYOUTS)
    second, pages2, _ = render_edition(catalogue, Edition("workplace"), LAYOUTS)
    assert pages1 == pages2
    assert first == second


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_clean_build_logs_nothing(catalogue, caplog, lang):
    """Like WeasyPrint's own assert_no_logs: an ignored CSS rule or a missing font shows here."""
    with caplog.at_level("WARNING"):
        render_edition(catalogue, Edition("complete", lang), LAYOUTS)
    assert [r.getMessage() for r in caplog.records] == []


# ------------------------------------------------------------------ design: what the reader holds

SHEETS_PER_COPY = {"asylum-centre": 3, "sexual-violence": 2, "workplace": 2, "complete": 6}
"""The print budget the organisation set (issue 27); each audience's file says it (sheets:)."""


def test_each_audience_states_its_sheets_per_copy(catalogue):
    assert {a: catalogue.audiences[a].sheets for a in SHEETS_PER_COPY} == SHEETS_PER_COPY


def test_a_booklet_over_its_sheets_is_a_layout_warning(project, capsys):
    from .conftest import many_services

    many_services(project, [f"line-{i}" for i in range(10)])
    project.write("content/audiences/workers.yaml", (project.root / "content/audiences/workers.yaml").read_text() + "sheets: 1\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    pages = len(pypdf.PdfReader(project.root / "output/en/workers-booklet.pdf").pages)
    assert pages > 4
    assert (f"warning: en/workers-booklet.pdf: layout: {pages} pages take {-(-pages // 4)} A4 sheets a copy (four A5 pages "
            f"a sheet); content/audiences/workers.yaml allows 1 (sheets: 1): shorten its texts by {pages - 4} pages, or "
            "raise the limit") in capsys.readouterr().err


def test_every_pdf_passes_the_design_checks(built):
    """The build lays out every audience in every language and format; the design checks
    (generator/paper/design.py) find nothing: no heading alone or at a page's foot, no inner page under
    40 % filled, no blank leaflet panel, no poster a quarter blank, the format's own word, 112 and 101."""
    manifest = json.loads((built / "manifest.json").read_text())
    found = {e["path"]: e["design"] for e in manifest["documents"] if e["design"]}
    assert found == {}


@pytest.mark.parametrize("audience", sorted(SHEETS_PER_COPY))
def test_sheets_per_copy(built, audience):
    """Imposed A4 sheets (two sides each) for one copy, in every language."""
    for lang in LANGS:
        sides = len(pypdf.PdfReader(built / f"{lang}/{audience}-booklet-imposed.pdf").pages)
        assert sides / 2 <= SHEETS_PER_COPY[audience], (lang, sides / 2)


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_numbers_on_every_cover_leaflet_and_poster(built, catalogue, lang):
    numbers = [line.number.national for line in catalogue.booklet.emergency]
    assert numbers == ["112", "101"]
    for audience in AUDIENCES:
        texts = [pdf_text(built / f"{lang}/{audience}-booklet.pdf", slice(1))[0]]  # the cover
        if folded(audience, lang):  # the poster, and the leaflet's outside: back and front
            texts += [pdf_text(built / f"{lang}/{audience}-poster.pdf")[0], pdf_text(built / f"{lang}/{audience}-leaflet.pdf", slice(1))[0]]
        for fmt_text in texts:
            for number in numbers:
                assert re.search(rf"(?<!\d){number}(?!\d)", fmt_text), (audience, number)


def _see_also(v: dict) -> str:
    """The one line a service printed in full earlier comes back as, up to its page number."""
    phone = v["phones"][:1]
    return " ".join([v["name"], *(p for line in phone for p in (line["display"], *line["tags"])), "see page"])


def test_a_service_printed_earlier_comes_back_as_one_line_with_its_page(built, catalogue):
    """In the shipped booklets, whichever services are in two situations of an audience today."""
    for audience in AUDIENCES:
        view = booklet_view(catalogue, Edition(audience), Words("en", LAYOUTS))
        pages = [" ".join(p.split()) for p in pdf_text(built / f"en/{audience}-booklet.pdf")]
        text = " ".join(pages)
        for v in (v for s in view["sections"] for v in s["services"] if v["repeat"]):
            repeats = [(i, m) for i, page in enumerate(pages, 1) for m in re.finditer(re.escape(_see_also(v)) + r" (\d+)", page)]
            assert repeats, (audience, v["id"])
            for on_page, match in repeats:
                target = int(match.group(1))
                assert target <= on_page or on_page == 1, (audience, v["id"])  # the cover points forward to the card
                assert plain(v["summary"])[:40] in pages[target - 1], (audience, v["id"], target)  # the full card is there
            for email in catalogue.services[v["id"]].emails:
                assert text.count(email) == 1, (audience, email)  # printed in full once


def test_a_service_in_two_situations_is_printed_in_full_once(project):
    project.write("content/situations/other.yaml", "title: Did this happen too?\nsummary: Something else.\nservices: [helpline]\n")
    project.write("content/audiences/workers.yaml", "title: Your rights\nsituations: [work, other]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    pages = [" ".join(p.split()) for p in pdf_text(project.root / "output/en/workers-booklet.pdf")]
    repeats = [(i, m) for i, page in enumerate(pages, 1) for m in re.finditer(r"Helpline 0800 12 800 free call see page (\d+)", page)]
    assert repeats
    for on_page, match in repeats:
        target = int(match.group(1))
        assert target <= on_page or on_page == 1
        assert "info@example.be" in pages[target - 1] and "Listens and helps." in pages[target - 1]
        assert target < on_page or pages[target - 1].index("info@example.be") < match.start()  # the card comes first
    assert " ".join(pages).count("info@example.be") == 1


def test_notes_travel_with_the_card_to_leaflet_and_poster(built, catalogue):
    """Each card's notes, numbers and hours, and the audience's steps and tips, as the content has them today."""
    leaflet = " ".join(" ".join(pdf_text(built / "en/asylum-centre-leaflet.pdf")).split())
    poster = " ".join(" ".join(pdf_text(built / "en/workplace-poster.pdf")).split())
    for text, edition in ((leaflet, Edition("asylum-centre", "en", "leaflet")), (poster, Edition("workplace", "en", "poster"))):
        view = booklet_view(catalogue, edition, Words(edition.lang, LAYOUTS))
        assert view["highlights"]
        for v in view["highlights"]:
            for note in catalogue.services[v["id"]].notes:
                assert plain(note) in text, (edition.format, v["id"], note)
            for phone in v["phones"]:
                assert phone["display"] in text and all(h in text for h in phone["hours"]), (edition.format, v["id"])
    # the flap holds the situations that fit whole (the manifest says how many), the rest is in the booklet
    fits = next(d for d in json.loads((built / "manifest.json").read_text())["documents"]
                if d["path"] == "en/asylum-centre-leaflet.pdf")["arrangement"].get("flap_situations")
    situations = booklet_view(catalogue, Edition("asylum-centre", "en", "leaflet"), Words("en", LAYOUTS))["todo"]
    todo = [plain(item) for s in situations[:fits] for item in s["steps"] + s["tips"]]
    assert todo and all(item in leaflet for item in todo), [item for item in todo if item not in leaflet]
    left = [plain(item) for s in situations[len(situations) if fits is None else fits:] for item in s["steps"] + s["tips"]]
    assert not any(item in leaflet for item in left)
    assert "this leaflet" in leaflet.lower() and "this booklet" not in leaflet.lower()
    assert "this poster" in poster.lower() and "this booklet" not in poster.lower()


def test_one_audience_built_alone_gives_the_same_bytes_as_in_the_whole_set(built, tmp_path):
    """Nothing of one PDF depends on what else the build makes (the machine-translation note, the
    translators' record, the fonts' subsets): Farsi workplace booklet, imposed booklet and leaflet
    built on their own are byte-identical to those of the shared build."""
    alone = tmp_path / "alone"
    assert run(["--root", str(built.parent), "build", "-j", "1", "--audience", "workplace", "--lang", "fa", "--format", "booklet",
                "--format", "booklet-imposed", "--format", "leaflet", "--out", str(alone)]) == 0
    made = sorted(p.relative_to(alone).as_posix() for p in built_pdfs(alone))
    assert made == ["fa/workplace-booklet-imposed.pdf", "fa/workplace-booklet.pdf", "fa/workplace-leaflet.pdf"]
    for path in made:
        assert (alone / path).read_bytes() == (built / path).read_bytes(), path

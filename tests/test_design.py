"""The design checks (generator/paper/design.py) fail on what they are meant to catch.

The build runs them on every document it lays out (tests/test_build.py requires none for the
shipped content); here each check is shown to fail on a layout that has the fault, such as the
layout before sections flowed, where every situation started a new page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import CSS, HTML

from generator.base.edition import Edition
from generator.build.plan import prepare
from generator.cli import run
from generator.content.validate import load_catalogue
from generator.i18n.translator import content_translator
from generator.paper import design
from generator.render.view import booklet_view
from generator.render.words import Words

from .conftest import LAYOUTS, ROOT, SERVICE


def laid_out(audience: str, fmt: str, css: str = "", lang: str = "en"):
    cat = load_catalogue(ROOT)
    view, html, kind = prepare(cat, Edition(audience, lang, fmt), content_translator(ROOT, lang), LAYOUTS)
    document = HTML(string=html, base_url=LAYOUTS.as_uri() + "/").render(stylesheets=[CSS(string=css)] if css else [])
    return document, view, kind


def test_the_shipped_layout_passes():
    document, view, kind = laid_out("asylum-centre", "booklet")  # its first arrangement: with a back cover
    assert design.check(document, kind, design.Expect.of(view, {"back_cover": True})) == []
    assert design.check(document, kind, design.Expect.of(view)) == [
        design.Problem(design.Kind.NAMES, "does not name its own format ('this booklet')")]


def test_every_situation_on_a_new_page_leaves_pages_half_empty():
    """The layout before this check: each situation started a new page."""
    document, _view, _kind = laid_out("asylum-centre", "booklet", ".situation { break-before: page; }")
    problems = design.check_pages(document, "booklet")
    assert any("filled (at least 40% expected for an inner page)" in p.message and p.kind is design.Kind.UNDER_FILLED
               for p in problems), problems


def test_a_heading_left_at_the_foot_of_a_page_is_found():
    document, _view, _kind = laid_out("sexual-violence", "booklet", "h3.contacts-title { break-after: page !important; } div.keep { break-inside: auto !important; }")
    problems = design.messages(design.check_pages(document, "booklet"))
    assert any("holds only headings ('Who can help')" in p or "ends with the heading 'Who can help'" in p for p in problems), problems


def test_a_leaflet_with_a_blank_panel_is_found():
    # Only the first inside card is left: the inside panels after it stay blank.
    document, _view, _kind = laid_out("sexual-violence", "leaflet", ".who .contact-card ~ .contact-card { display: none; }")
    problems = design.check_pages(document, "leaflet")
    assert any("blank" in p.message for p in problems), problems
    assert {p.kind for p in problems} & design.REARRANGE, problems  # the build tries another arrangement


def test_a_poster_a_third_blank_is_found():
    document, _view, _kind = laid_out("workplace", "poster", ".contact-card:not(:first-of-type) { display: none; }")
    problems = design.check_pages(document, "poster")
    assert any("more than 25% of the sheet is blank" in p.message and p.kind is design.Kind.BLANK_SHEET for p in problems), problems


def test_the_build_chooses_by_kind_not_by_the_words_of_a_message():
    """A heading alone that says "blank" is no blank panel: it is reported, and no reason to try
    another arrangement (build.py counts the kinds in design.REARRANGE, not words in messages)."""
    document = HTML(string="<html><body><h2>Leave this line blank</h2><p style='break-before: page'>Text.</p>"
                           "<p style='break-before: page'>More.</p></body></html>").render()
    problems = design.check_pages(document, "booklet")
    assert [(p.kind, str(p)) for p in problems][0] == (design.Kind.HEADINGS_ONLY, "page 1 holds only headings ('Leave this line blank')")
    assert "blank" in problems[0].message and not [p for p in problems if p.kind in design.REARRANGE], problems


@pytest.mark.parametrize("lang", ["en", "fr", "nl", "fa"])
def test_a_leaflet_that_calls_itself_a_booklet_is_found(lang):
    document, view, _kind = laid_out("workplace", "leaflet", lang=lang)
    expect = design.Expect.of(view)
    text = design.document_text(document)
    assert design.check_words(text, expect.own, expect.others, expect.emergency) == []
    booklet_phrase = view["format_words"]["booklet"][0]
    wrong = text.replace(expect.own[0], booklet_phrase).replace(expect.own[0].capitalize(), booklet_phrase.capitalize())
    problems = design.messages(design.check_words(wrong, expect.own, expect.others, expect.emergency))
    assert f"names another format: '{booklet_phrase}'" in problems, problems


def test_missing_emergency_numbers_are_found():
    assert design.check_words("Call 0800 99 961", (), (), ("112", "101")) == [
        design.Problem(design.Kind.EMERGENCY, "does not print the emergency number 112"),
        design.Problem(design.Kind.EMERGENCY, "does not print the emergency number 101")]


def test_layout_warnings_are_reported_by_the_build(project, capsys):
    """A leaflet with a single short service cannot fill its panels: the build says so, naming the panels."""
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet"]) == 0
    err = capsys.readouterr().err
    assert "warning: en/workers-leaflet.pdf: layout: the leaflet fills 3 of its 6 panels; panels 3, 4, 5 are blank" in err, err


# ------------------------------------------------------------------ content rules that serve the design


def test_the_leaflet_must_lead_with_a_service_that_has_a_phone(project, capsys):
    project.write("content/services/webform.yaml", """\
        name: Web form
        summary: A form.
        regions: [federal]
        links:
          - url: https://www.example.be/form
            kind: form
        last_verified: 2026-01-15
        """)
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, webform]\n")
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\nleaflet: [webform, helpline]\n")
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/audiences/workers.yaml:3:11: error: leaflet[0]: 'webform' leads the leaflet's front panel and the booklet's cover "
            "but has no phone line with hours; expected first a service a reader can call, with its hours") in capsys.readouterr().out


def test_a_free_mark_needs_its_source(project, capsys):
    project.write("content/booklet.yaml", """\
        emergency:
          - number: "112"
            label: Ambulance and fire brigade
            free: true
            hours:
              - {days: mo-su, from: "00:00", to: "24:00"}
        """)
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/booklet.yaml:4:11: error: emergency[0].free: '112' is marked free without a source; expected 'source:' with the page "
            "that says the call is free") in capsys.readouterr().out


def test_a_short_description_is_one_line(project, capsys):
    project.write("content/services/helpline.yaml", SERVICE.replace("summary: Listens and helps.",
                                                                     "summary: Listens and helps.\nshort: " + "x" * 81))
    assert run(["--root", str(project.root), "check"]) == 1
    assert "short: is 81 characters long; expected one line of at most 80 characters" in capsys.readouterr().out


def test_without_a_leaflet_list_the_front_leads_with_the_first_service_that_has_a_phone(project):
    project.write("content/services/webform.yaml", "name: Web form\nsummary: A form.\nregions: [federal]\nlinks:\n"
                  "  - url: https://www.example.be/form\n    kind: form\nlast_verified: 2026-01-15\n")
    project.write("content/services/no-hours.yaml", SERVICE.replace("name: Helpline", "name: No hours")
                  .replace('    hours:\n      - {days: mo-fr, from: "09:30", to: "13:00"}\n', ""))
    project.write("content/situations/work.yaml", "title: T\nservices: [webform, no-hours, helpline]\n")
    cat = load_catalogue(project.root)
    view = booklet_view(cat, Edition("workers", "en", "leaflet"), Words("en", LAYOUTS))
    lead = view["highlights"][0]
    assert lead["id"] == "helpline"  # the web form has no phone, the other line no hours
    assert lead["phones"] and lead["phones"][0]["hours"]
    assert [v["id"] for v in view["highlights"]] == ["helpline", "webform", "no-hours"]


def test_root_is_the_project():
    assert (Path(ROOT) / "content/booklet.yaml").exists()


def test_a_balanced_leaflet_turns_the_panel_after_each_third_of_its_inside_cards():
    from generator.base.formats import FORMATS
    from generator.build.plan import _render
    from generator.render.view import _thirds

    assert [_thirds(n) for n in (2, 3, 6, 7, 8)] == [[], [1, 2], [2, 4], [3, 6], [3, 6]]
    cat = load_catalogue(ROOT)
    edition = Edition("workplace", "fa", "leaflet")
    view, _html, kind = prepare(cat, edition, content_translator(ROOT, "fa"), LAYOUTS)
    # in 9 pt: in 10 pt (roomy) the Farsi flap's steps take more than the flap (fit.FlapOverflow)
    balanced = next(v for v in FORMATS["leaflet"].variants if v.get("balanced") and not v.get("roomy"))
    document = HTML(string=_render(view, edition, kind, LAYOUTS, balanced), base_url=LAYOUTS.as_uri() + "/").render()
    assert len(document.pages) == 6
    assert not any(p.kind in design.REARRANGE for p in design.check_pages(document, "leaflet"))


def _runs(html: str) -> list[str]:
    document = HTML(string=f"<html><body>{html}</body></html>").render()
    return design.messages(design.check_type(list(design.text_runs(document))))


def test_the_type_check_finds_emergency_numbers_weaker_than_a_title_or_a_number():
    good = ('<h1 style="font-size: 18pt">Your rights</h1><div class="emergency"><a class="num" style="font-size: 24pt">112</a>'
            '</div><h4 class="name" style="font-size: 11pt">Unia</h4><a class="num" style="font-size: 12pt">0800 12 800</a>')
    assert _runs(good) == []
    assert _runs(good.replace("24pt", "18pt")) == [
        "the emergency numbers (18 pt) are not larger than 'Your rights' (18 pt); 112 and 101 must be larger than any "
        "title or name"]
    assert _runs(good.replace("24pt", "11pt").replace('h1 style="font-size: 18pt"', 'h1 style="font-size: 10pt"')) == [
        "the emergency numbers (11 pt) are smaller than '0800 12 800' (12 pt); 112 and 101 must be at least as large as any "
        "other number",
        "the emergency numbers (11 pt) are not larger than 'Unia' (11 pt); 112 and 101 must be larger than any title or name"]
    assert _runs(good.replace("12pt", "11pt")) == [
        "the number '0800 12 800' (11 pt) is not larger than 'Unia' (11 pt); a number to call must be larger than the "
        "names of services"]


def test_the_type_check_counts_the_sizes_of_a_document():
    sizes = [24, 18, 12, 11, 10, 8.5, 7.5]
    html = "".join(f'<p style="font-size: {s}pt">Text {s}</p>' for s in sizes)
    assert _runs(html) == []
    assert _runs(html + '<p style="font-size: 9pt">Another</p>') == [
        "8 type sizes (24, 18, 12, 11, 10, 9, 8.5, 7.5 pt); at most 7 expected (a scale: emergency numbers, title, numbers "
        "and headings, names, text, small print, fine print)"]


def test_leaflet_arrangements_that_agree_on_the_front_lay_it_out_alike():
    """build.py does not lay out an arrangement whose front agrees (Format.front) with one whose
    front did not fit: the shipped stylesheet must give the front the same lines in both."""
    from generator.base.formats import FORMATS
    from generator.build.plan import _render

    leaflet = FORMATS["leaflet"]
    cat = load_catalogue(ROOT)
    edition = Edition("workplace", "fr", "leaflet")
    view, _html, kind = prepare(cat, edition, content_translator(ROOT, "fr"), LAYOUTS)

    def front(number: int) -> list[design.Line]:
        html = _render(view, edition, kind, LAYOUTS, leaflet.variants[number])
        return design.page_lines(HTML(string=html, base_url=LAYOUTS.as_uri() + "/").render().pages[0])

    key = [tuple(v.get(k) for k in leaflet.front) for v in leaflet.variants]
    assert key[0] == key[2] == key[10] and key[8] == key[9] and key[0] != key[1] != key[8]
    assert front(0) == front(2) and front(8) == front(9)
    assert front(0) != front(1)  # 10 pt and 9 pt: not alike


def test_the_arrangements_the_first_leaflet_arrangement_rules_out_take_no_more_room():
    """A leaflet whose first arrangement leaves a panel blank is not laid out in those that take
    no more room (Format.room): smaller type, parts flowing on, one-line cards; never in larger type,
    with cards shared over the inside panels or with the introduction."""
    from generator.base.formats import FORMATS

    leaflet = FORMATS["leaflet"]
    assert leaflet.room is not None
    first = leaflet.room(leaflet.variants[0])
    ruled_out = [n for n, v in enumerate(leaflet.variants)
                 if n and all(a <= b for a, b in zip(leaflet.room(v), first, strict=True))]
    assert ruled_out == list(range(1, 8))

"""A reception centre's contacts on every format of its set (issue 29, item 3): built as a
volunteer builds them (`booklet build --centre ID`) and read back from each PDF."""

from __future__ import annotations

import json
import re

from generator.cli import run

from .conftest import SERVICE, many_services
from .pdfcheck import pdf_text, text_in_reading_order, visual_lines
from .test_editions import CENTRE

ONE_LANGUAGE = CENTRE.replace("[en, fr]", "[en]") + "audiences: [workers]\n"
"""The centre of test_editions, for the small project (English only): a social service with a
phone and its hours, a complaints contact with an email only."""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _arrangements(project) -> dict[str, dict]:
    manifest = json.loads((project.root / "output/manifest.json").read_text())["documents"]
    return {d["format"]: d["arrangement"] for d in manifest}


def _build(project, *args: str) -> int:
    return run(["--root", str(project.root), "build", "--centre", "test-centre", "-j", "1", *args])


def test_every_format_of_a_centre_set_prints_the_centres_contacts(project, capsys):
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE)
    assert _build(project) == 0
    out = project.root / "output/centres/test-centre/en"
    booklet = _flat(pdf_text(out / "workers-booklet.pdf")[0])
    assert "CENTRE TEST" in booklet.upper() and "081 23 45 67" in booklet and "direction@example.be" in booklet
    # the leaflet: on the back panel (the last read), with its summaries, numbers, hours and emails
    back = _flat(text_in_reading_order(out / "workers-leaflet.pdf")[-1])
    assert back.startswith("YOUR CENTRE: CENTRE TEST Social service of the centre Ask for the social worker at the "
                           "reception desk. 081 23 45 67 Monday to Friday: 09:00–16:00 Complaints Write to the head of "
                           "the centre. direction@example.be This leaflet lists services"), back
    # the poster: a band of their own; a contact with a number shows its name, number and hours,
    # one without says what it is for; no email on a wall
    poster = _flat(pdf_text(out / "workers-poster.pdf")[0])
    assert ("Your centre: Centre Test Social service of the centre 081 23 45 67Monday to Friday: 09:00–16:00 "
            "Complaints Write to the head of the centre.") in poster, poster
    assert "Ask for the social worker" not in poster and "direction@example.be" not in poster
    # the wallet card: one line, the first contact with a phone, on each of the ten cards
    card = _flat(pdf_text(out / "workers-card.pdf")[0])
    assert card.count("Helpline 0800 12 800 free call Mon to Fri: 09:30–13:00 Your centre: Centre Test "
                      "081 23 45 67Mon to Fri: 09:00–16:00") == 10, card
    assert _arrangements(project) == {
        "booklet": {"centre_on_cover": True}, "booklet-imposed": {"centre_on_cover": True},
        "leaflet": {"spread": True, "roomy": True, "centre_panel": "back"},
        "poster": {"compact": False, "centre_band": "added"},
        "card": {"compact": False, "centre_line": "added"}}


def test_an_untranslated_centre_text_keeps_its_full_stop_in_a_right_to_left_leaflet(project, capsys):
    """A centre text with no Farsi translation is printed in English on the Farsi leaflet, whole
    and in order, its full stop after its last word, also when it holds bold or a link: read as
    the sheet is seen, left to right, from where each glyph is (run by run, the sentence read
    '.by email or head of the centre Write to the')."""
    project.write("content/booklet.yaml", "languages: [en, fa]\n")
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE.replace("[en]", "[fa]").replace(
        "Write to the head of the centre.", "Write to the **head of the centre** or [by email](mailto:direction@example.be)."))
    assert _build(project, "--format", "leaflet") == 0
    assert "texts printed in English" in capsys.readouterr().err
    outside = visual_lines(project.root / "output/centres/test-centre/fa/workers-leaflet.pdf", 0)
    assert "Write to the head of the centre or by email." in outside, outside
    assert "Ask for the social worker at the reception" in outside and "desk." in outside, outside
    assert not [line for line in outside if re.match(r"\.[A-Za-z]", line)], outside  # an English sentence's full stop


CONTACT = CENTRE.split("contacts:\n")[1].split("last_verified")[0]
LONG = CONTACT.replace("Ask for the social worker at the reception desk.",
                       "Ask for the social worker at the reception desk, who can also help you with an appointment "
                       "outside the centre, a letter in a language you read or a question about your file.")
CROWDED = ONE_LANGUAGE.replace(CONTACT, LONG * 8)
"""Sixteen contacts: eight with a number and a long summary, eight with an email."""


def test_a_centre_whose_contacts_fit_on_no_panel_of_the_leaflet_is_an_error_naming_its_file(project, capsys):
    project.write("content/centres/test-centre.yaml", CROWDED)
    assert _build(project, "--format", "leaflet") == 1
    assert capsys.readouterr().err.strip() == (
        "Error: centres/test-centre/en/workers-leaflet.pdf: the contacts of content/centres/test-centre.yaml:4 do not fit "
        "on the leaflet's back panel: 16 contacts, room for 6; nor on its front panel: room for 6; shorten their "
        "summaries or notes, or list fewer contacts")
    assert not (project.root / "output/centres").exists()
    # six fit: the number each place has room for is measured, not guessed
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE.replace(CONTACT, LONG * 3))
    assert _build(project, "--format", "leaflet") == 0
    assert _arrangements(project)["leaflet"]["centre_panel"] == "back"


def test_a_centre_whose_contacts_fit_on_the_front_panel_only_goes_there(project):
    """A back panel full of the lines to talk to and a long colophon: the centre's contacts go
    on the front, and the manifest says so."""
    project.write("content/services/nightline.yaml", SERVICE.replace("name: Helpline", "name: Nightline").replace(
        '{days: mo-fr, from: "09:30", to: "13:00"}', '{days: mo-su, from: "00:00", to: "24:00"}'))
    project.write("content/booklet.yaml", "talk: [nightline]\ncolophon:\n  - "
                  + "Printed by volunteers who check every number by phone. " * 36 + "\n")
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE)
    assert _build(project, "--format", "leaflet") == 0
    panels = [_flat(text) for text in text_in_reading_order(project.root / "output/centres/test-centre/en/workers-leaflet.pdf")]
    assert "YOUR CENTRE: CENTRE TEST" in panels[0] and "YOUR CENTRE" not in panels[-1]
    assert _arrangements(project)["leaflet"]["centre_panel"] == "front"


def test_a_centre_poster_with_no_room_for_its_band_is_an_error_naming_its_file(project, capsys):
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE.replace(CONTACT, LONG * 16))
    assert _build(project, "--format", "poster") == 1
    assert capsys.readouterr().err.strip() == (
        "Error: centres/test-centre/en/workers-poster.pdf: the contacts of content/centres/test-centre.yaml:4 do not fit "
        "on the poster: 32 contacts, room for 18; shorten their summaries or notes, or list fewer services under "
        "poster: in the audience's file")


def test_a_full_wallet_card_gives_its_last_line_to_the_centre_and_says_which(project):
    many_services(project, ["line-0", "line-1", "line-2"], "card")
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE)
    assert _build(project, "--format", "card") == 0
    card = _flat(pdf_text(project.root / "output/centres/test-centre/en/workers-card.pdf")[0])
    assert "Line 1" in card and "Line 2" not in card and card.count("Your centre: Centre Test 081 23 45 67") == 10
    assert _arrangements(project)["card"] == {"compact": False, "centre_line": "replaces", "centre_replaces": "line-2"}


def test_a_centre_line_that_fits_on_no_card_is_an_error(project, capsys):
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE.replace("name: Centre Test", "name: " + "Centre Test " * 30))
    assert _build(project, "--format", "card") == 1
    assert capsys.readouterr().err.strip() == (
        "Error: centres/test-centre/en/workers-card.pdf: the line of content/centres/test-centre.yaml:4 (its first "
        "contact with a phone: \"Your centre\", its number and hours) does not fit on the wallet card beside the lines "
        "of its services; shorten the centre's name or that contact's hours, or list fewer services under card: in "
        "the audience's file")


def test_a_centre_name_that_says_the_topic_stays_off_the_card(project, capsys):
    project.write("content/centres/test-centre.yaml", ONE_LANGUAGE.replace("name: Centre Test", "name: Rainbow Centre"))
    assert _build(project, "--format", "card") == 1
    assert capsys.readouterr().err.strip() == (
        "Error: content/centres/test-centre.yaml:1:7: name: 'Rainbow Centre' says what the wallet card is about "
        "('rainbow', a topic word of content/booklet.yaml), and the card, carried on the body, prints it (\"Your centre: "
        "Rainbow Centre\"); expected a name that says nothing of the topic, or the centre's set without cards "
        "(--format booklet --format leaflet --format poster)")
    assert _build(project, "--format", "booklet", "--format", "leaflet", "--format", "poster") == 0


def test_a_centre_card_without_a_line_for_the_centre_says_so(project, capsys):
    no_phone = ONE_LANGUAGE.replace(CONTACT, CONTACT.split("    phones:")[0] + "    emails: [social@example.be]\n")
    project.write("content/centres/test-centre.yaml", no_phone)
    assert _build(project, "--format", "card") == 0
    assert ("warning: centres/test-centre/en/workers-card.pdf: layout: the card has no line for the centre: no contact in "
            "content/centres/test-centre.yaml:4 has a phone to call; add one (phones: - number: ...) to the contact a "
            "resident calls, or hand out the card without it") in capsys.readouterr().err
    assert "Your centre" not in pdf_text(project.root / "output/centres/test-centre/en/workers-card.pdf")[0]


def test_an_edition_without_a_centre_keeps_its_arrangements(project):
    """Without --centre, the arrangements are the format's own, with nothing of a centre's."""
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet", "--format", "card"]) == 0
    assert _arrangements(project) == {"leaflet": {"spread": True, "roomy": True}, "card": {"compact": False}}


"""What a reader meets first is an editor's choice (content/audiences: lead), not list order; a
wallet card says nothing of what its services are about; posters and cards print no email."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from generator.cli import run
from generator.content.validate import load_catalogue
from generator.render.selection import lead_ids, printable

from .conftest import ROOT, SERVICE, SITE, built_pdfs
from .pdfcheck import pdf_text
from .test_editions import _panel_text
from .test_i18n import enable_french, fill

A = "content/audiences/workers.yaml"
LEAD = "lead:\n  - service: {first}\n    why: Free and open every weekday.\n"


def second_line(project, name: str = "Second Line", extra: str = "") -> None:
    """A second service in the situation 'work', with an email and its own number."""
    project.write("content/services/second.yaml", SERVICE.replace("name: Helpline", f"name: {name}")
                  .replace("0800 12 800", "0800 99 961").replace("info@example.be", "jane.doe@example.be") + extra)
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, second]\n")


def audience(project, lead: str | None) -> None:
    project.write(A, "title: Your rights\nsituations: [work]\n" + (lead or ""))


def problems(project, severity: str = "error") -> list[str]:
    cat = load_catalogue(project.root)
    return [str(p) for p in (cat.errors if severity == "error" else cat.warnings)]


def test_an_audience_without_a_lead_is_warned_and_strict_refuses_it(project, capsys):
    audience(project, None)
    message = ("content/audiences/workers.yaml:1:1: warning: no 'lead:'; the leaflet's front, the poster, the card and "
               "the booklet's cover take the first services with a phone in list order. Expected the services a reader in "
               "crisis should meet first, each with why: lead: - {service: <id>, why: free, national, day and night}")
    assert message in problems(project, "warning")
    project.write("content/booklet.yaml", 'emergency:\n  - {number: "112", label: Emergency}\n')
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "poster", "--strict"]) == 1
    assert message.replace("warning:", "error:") in capsys.readouterr().err


@pytest.mark.parametrize(("lead", "message"), [
    ("lead:\n  - service: nowhere\n    why: W.\n",
     "4:14: error: lead[0].service: 'nowhere' is not a service of this audience's situations; expected one of: helpline, second"),
    ("lead:\n  - service: helpline\n    why: W.\n  - service: helpline\n    why: W.\n",
     "6:14: error: lead[1].service: 'helpline' is chosen twice (first at lead[0])"),
    ("lead:\n  - {service: second, why: W.}\n",
     "4:15: error: lead[0].service: 'second' leads the leaflet's front panel and the booklet's cover but has no phone line "
     "with hours; expected first a service a reader can call, with its hours"),
    ("lead:\n  - {service: helpline, why: W.}\n  - {service: second, why: W.}\n",
     "5:15: error: lead[1].service: 'second' leads the poster and the card but has no phone line a reader can call; "
     "expected a service with a number to call"),
    ("lead:\n  - service: helpline\n",
     "4:5: error: lead[0].why: is required but missing; expected a value here"),
])
def test_a_lead_is_a_service_of_the_audience_with_a_number_to_call(project, lead, message):
    second_line(project)
    if "second leads" in message or "'second' leads" in message:
        # no hours on its line (it leads the front), or no phone at all (it goes on the card)
        text = (project.root / "content/services/second.yaml").read_text()
        text = text.replace('    hours:\n      - {days: mo-fr, from: "09:30", to: "13:00"}\n', "")
        if "poster and the card" in message:
            text = text.replace("phones:\n  - number: 0800 99 961\n", "")
        project.write("content/services/second.yaml", text)
    audience(project, lead)
    assert problems(project) == [f"{A}:{message}"]


def test_posters_cards_and_the_leaflet_start_with_the_lead_not_list_order(project, capsys):
    """'second' is last in the situation and first in the lead: it is first on the leaflet's
    front, the poster and the card; the poster and card print no email, the leaflet does."""
    second_line(project)
    audience(project, LEAD.format(first="second") + "  - service: helpline\n    why: Also free.\n")
    project.write("content/booklet.yaml", f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet", "--format", "poster", "--format", "card"]) == 0, \
        capsys.readouterr().err
    out = project.root / "output/en"
    front = _panel_text(pdfium.PdfDocument(out / "workers-leaflet.pdf")[0], 197, 297)  # outside: flap | back | front
    poster = pdf_text(out / "workers-poster.pdf")[0]
    card = pdf_text(out / "workers-card.pdf")[0]
    for text in (poster, card):
        assert text.index("Second Line") < text.index("Helpline"), text
        assert text.index("0800 99 961") < text.index("0800 12 800"), text
        assert "@example.be" not in text  # no person's own address on a wall or in a pocket
    assert "Second Line" in front and "0800 99 961" in front and "Helpline" not in front
    assert "jane.doe@example.be" in "".join(pdf_text(out / "workers-leaflet.pdf"))


def test_without_a_lead_the_card_keeps_list_order(project, capsys):
    second_line(project)
    audience(project, None)
    project.write("content/booklet.yaml", f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 0, capsys.readouterr().err
    card = pdf_text(project.root / "output/en/workers-card.pdf")[0]
    assert card.index("Helpline") < card.index("Second Line")


def test_a_card_never_names_the_topic(project, capsys):
    """A service whose name says what it is about needs a neutral card_name to be on a card; the
    card prints that label (translated), never the name, and none of the service's notes (about
    its website, its staff: the booklet's, not a card's)."""
    second_line(project, name="Sexual Violence Line", extra="notes:\n  - Also for LGBTI+ people.\n  - Leave a message.\n")
    audience(project, LEAD.format(first="second"))
    assert problems(project) == [
        f"{A}:4:14: error: lead[0].service: 'second' goes on the wallet card, which is carried on the body, and its name "
        "'Sexual Violence Line' says what it is about ('sexual', a topic word of content/booklet.yaml); expected a neutral "
        "'card_name:' in content/services/second.yaml, such as 'Helpline, day and night'"]
    text = (project.root / "content/services/second.yaml").read_text()
    project.write("content/services/second.yaml", text.replace("summary:", "card_name: Rape Line\nsummary:"))
    assert "'second' goes on the wallet card, which is carried on the body, and its card_name 'Rape Line' says" in problems(project)[0]
    project.write("content/services/second.yaml", text.replace("summary:", "card_name: Helpline, day and night\nsummary:"))
    assert problems(project) == []
    enable_french(project)  # topic_words: {fr: [viol]}
    fill(project, overrides={"services/second:card_name": "Ligne viol"})  # a translator's label that names the topic
    project.write("content/booklet.yaml", (project.root / "content/booklet.yaml").read_text() + f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card", "--format", "leaflet"]) == 0, capsys.readouterr().err
    card = pdf_text(project.root / "output/en/workers-card.pdf")[0]
    assert "Helpline, day and night" in card and "Sexual" not in card
    assert "Leave a message." not in card and "LGBTI" not in card
    french = pdf_text(project.root / "output/fr/workers-card.pdf")[0]
    assert "Helpline, day and night" in french and "viol" not in french.lower()
    assert "Sexual Violence Line" in pdf_text(project.root / "output/en/workers-leaflet.pdf")[0]  # the leaflet names it


def test_a_language_without_topic_words_is_warned_and_its_cards_print_nothing_unchecked(project, capsys):
    """Issue 27: the Tigrinya sexual-violence card printed 'care centre after sexual violence' as
    the gloss under a Latin name, because Tigrinya had no topic words to check it against."""
    from .test_i18n import fill

    project.write("content/booklet.yaml", f"languages: [en, uk]\nsite_url: {SITE}\n")
    assert ("content/booklet.yaml:1:1: warning: topic_words: no topic words for 'uk': nothing translated on a wallet "
            "card in that language can be checked for words that could out its carrier, so its cards print the English "
            "labels, no gloss and no note; expected topic_words: {uk: [...]}") in problems(project, "warning")
    fill(project, "uk", overrides={"services/helpline:full_name": "Лінія після насильства"})
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "uk", "--format", "card"]) == 0, capsys.readouterr().err
    card = pdf_text(project.root / "output/uk/workers-card.pdf")[0]
    assert "Helpline" in card and "насильства" not in card
    project.write("content/booklet.yaml", f"languages: [en, uk]\nsite_url: {SITE}\ntopic_words: {{uk: [зґвалтуван]}}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "uk", "--format", "card"]) == 0, capsys.readouterr().err
    assert "Лінія після насильства" in pdf_text(project.root / "output/uk/workers-card.pdf")[0]  # checked: not a topic word
    project.write("content/booklet.yaml", "languages: [en, nl, fr]\n")  # one field to fill in: one warning
    assert [w for w in problems(project, "warning") if "topic_words" in w] == [
        "content/booklet.yaml:1:1: warning: topic_words: no topic words for 'nl', 'fr': nothing translated on a wallet "
        "card in these languages can be checked for words that could out its carrier, so its cards print the English "
        "labels, no gloss and no note; expected topic_words: {nl: [...], fr: [...]}"]


def test_the_shipped_short_pieces_start_with_their_audiences_lead(shipped):
    """Every poster, card and leaflet of the shared build starts with the first service of its
    audience's lead that the edition prints and a reader can call, read from the content (so an
    editor's change to the lead or to a service keeps this true)."""
    cat = load_catalogue(ROOT)
    checked = 0
    for pdf in built_pdfs(shipped):
        lang, name = pdf.parent.name, pdf.stem
        fmt = next((f for f in ("leaflet", "poster", "card") if name.endswith(f"-{f}")), None)
        if fmt is None or lang == "discreet" or pdf.parent.parent != shipped:
            continue
        aid = name.removesuffix(f"-{fmt}")
        audience = cat.audiences[aid]
        shown = {sid: cat.services[sid] for ref in audience.situations
                 for sid in (ref.services if ref.services is not None else cat.situations[ref.situation].services)
                 if printable(cat.services[sid])}
        assert audience.lead, f"{aid}: no lead chosen"
        leads = lead_ids(audience, shown)
        first = cat.services[leads[0]]
        label = first.names.get(lang) or first.name
        text = " ".join(pdf_text(pdf)[0].split())
        if fmt == "leaflet":  # the outside: flap | back | front, mirrored right to left
            rtl = lang in ("ar", "fa")
            text = _panel_text(pdfium.PdfDocument(pdf)[0], *((0, 100) if rtl else (197, 297)))
        if fmt == "card":
            label = first.card_name or label if lang == "en" else label
            if first.card_name:
                continue  # translated on a card: its own test above
        if lang in ("ar", "fa"):  # text comes out in visual order: a Latin name's words are reversed
            assert set(label.split()) <= set(text.split()), f"{pdf.relative_to(shipped)}: the lead '{label}' is not first"
            checked += 1
            continue
        others = [cat.services[s] for s in shown if s != leads[0]]
        text = text.replace(" ", "").replace("\x02", "-").replace("\u2011", "-")  # wrapped names; no-break hyphens
        at = text.find(label.replace(" ", ""))
        assert at >= 0, f"{pdf.relative_to(shipped)}: the lead '{label}' is not on the first page"
        for other in others:
            name_at = text.find((other.names.get(lang) or other.name).replace(" ", ""))
            assert name_at < 0 or name_at > at, f"{pdf.relative_to(shipped)}: {other.name} comes before the lead {label}"
        checked += 1
    assert checked >= 12


BIDI = re.compile("[\u2066-\u2069\u200e\u200f\u2060]")  # bidi marks, and word joiners (render.keep_together)
"""Isolation and direction marks, which right-to-left bookmarks carry around Latin runs."""


def _outline(reader, items=None) -> list[tuple[str, int]]:
    """Every bookmark of a PDF with the index of its page, depth first."""
    out: list[tuple[str, int]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += _outline(reader, item)
        else:
            out.append((item.title, reader.get_destination_page_number(item)))
    return out


def test_every_situation_opens_with_a_number_on_its_first_page(shipped):
    """In every booklet of the shared build, every situation whose services have a phone shows
    its call-first number on the page where its heading is (read back from that page), before
    the explanations; the number and the page come from the content and the PDF's bookmarks."""
    import pypdf

    from generator.base.edition import Edition
    from generator.i18n.translator import content_translator
    from generator.render.view import booklet_view
    from generator.render.words import Words

    from .conftest import LAYOUTS

    cat = load_catalogue(ROOT)
    checked = 0
    for lang in cat.booklet.languages:
        tr = content_translator(ROOT, lang)
        for aid in cat.audiences:
            pdf = shipped / lang / f"{aid}-booklet.pdf"
            view = booklet_view(cat, Edition(aid, lang), Words(lang, LAYOUTS), tr)
            reader = pypdf.PdfReader(pdf)
            pages = {BIDI.sub("", title): page for title, page in _outline(reader)}
            for section in view["sections"]:
                if not any(v["phones"] for v in section["services"]):
                    continue
                page = " ".join(reader.pages[pages[BIDI.sub("", section["title"])]].extract_text().split())
                assert section["call_first"], f"{pdf.name}: {section['id']} opens without a number"
                numbers = [section["call_first"]["phones"][0]["display"]]
                if view["dir"] == "rtl":  # read back in visual order, isolated: the groups, in any order
                    found = [n for n in numbers if all(group in page for group in n.split())]
                else:
                    found = [n for n in numbers if n in page]
                assert found, (pdf.name, section["id"], numbers, page[:300])
                checked += 1
    assert checked >= 150


def test_where_to_turn_when_nothing_fits_is_the_audiences_own(shipped):
    """The line for a reader whom no listed service fits comes from the audience when it has one
    (after sexual violence: the care centres, not Myria or Unia, bodies for migration and
    discrimination), else from content/booklet.yaml; read back from the booklet's cover and the
    leaflet's back in English."""
    cat = load_catalogue(ROOT)
    general = " ".join(cat.booklet.fallback.split())
    assert cat.audiences["sexual-violence"].fallback, "the sexual-violence audience has no fallback of its own"
    for aid, audience in cat.audiences.items():
        expected = " ".join((audience.fallback or cat.booklet.fallback).split())
        for name in (f"{aid}-booklet.pdf", f"{aid}-leaflet.pdf"):
            text = " ".join(" ".join(pdf_text(shipped / "en" / name)).split())
            assert expected in text, f"en/{name}: '{expected}' is not printed"
            if audience.fallback:
                assert general not in text, f"en/{name}: prints the general fallback too"
    text = " ".join(" ".join(pdf_text(shipped / "en" / "sexual-violence-booklet.pdf")).split())
    assert "Myria or Unia" not in text


def test_an_audiences_fallback_is_translated(project):
    """An audience's fallback is a field translators get, under its own context."""
    from generator.content.texts import content_fields

    project.write(A, "title: Your rights\nfallback: Call the helpline.\nsituations: [work]\n")
    fields = {f.context: f.text for f in content_fields(load_catalogue(project.root))}
    assert fields["audiences/workers:fallback"] == "Call the helpline."


def test_a_card_prints_cost_and_hours_and_a_lines_note_only_where_hours_are_missing(project, capsys):
    """Under each number: its cost and its hours (days abbreviated), or, for a line without hours,
    its note (where to find them), unless that note names the topic; a name that is the number
    is not printed twice."""
    project.write("content/services/second.yaml", SERVICE.replace("name: Helpline", "name: 0800 99 961")
                  .replace("0800 12 800\n    hours:\n      - {days: mo-fr, from: \"09:30\", to: \"13:00\"}",
                           "0800 99 961\n    note: Check the hours on example.be.")
                  .replace("info@example.be", "jane.doe@example.be"))
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, second]\n")
    audience(project, LEAD.format(first="helpline") + "  - service: second\n    why: Free.\n")
    project.write("content/booklet.yaml", f"site_url: {SITE}\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 0, capsys.readouterr().err
    card = pdf_text(project.root / "output/en/workers-card.pdf")[0].split("All the contacts")[0]
    assert "0800 12 800 free call\nMon to Fri: 09:30–13:00" in card
    assert "0800 99 961 free call\nCheck the hours on example.be." in card
    assert card.count("0800 99 961") == 1 and "jane.doe" not in card
    text = (project.root / "content/services/second.yaml").read_text()
    project.write("content/services/second.yaml", text.replace("Check the hours on example.be.", "Also for LGBTI+ people."))
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "card"]) == 0, capsys.readouterr().err
    card = pdf_text(project.root / "output/en/workers-card.pdf")[0]
    assert "0800 99 961" in card and "LGBTI" not in card

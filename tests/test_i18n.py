"""Translations: coverage, stale detection, the PO round trip, fallbacks, drafts, --strict."""

from __future__ import annotations

import io

import pytest
from babel.messages.pofile import read_po, write_po

from generator.cli import run
from generator.i18n import content_fields, coverage, export_catalogue, ui_coverage, ui_translations
from generator.validate import load_catalogue

from .conftest import ROOT, SERVICE
from .pdfcheck import pdf_text

SUMMARY_CTX = "services/helpline:summary"
DRAFT_NOTE = ("This translation was drafted by machine and has not yet been checked by a person. "
              "If you see a mistake, please tell the people who gave you this booklet.")


def enable_french(project):
    project.write("content/booklet.yaml", "languages: [en, fr]\nfallback: If nothing fits, call Unia.\n")


def fill(project, lang="fr", fuzzy=True, overrides=None):
    """Translate every field as '[fr] <English>' (or as given) and store the catalogue."""
    cat = load_catalogue(project.root)
    catalog = export_catalogue(cat, project.root, lang)
    for message in catalog:
        if message.id:
            message.string = (overrides or {}).get(message.context, f"[{lang}] {message.id}")
            if fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
    buf = io.BytesIO()
    write_po(buf, catalog)
    project.write(f"content/translations/{lang}.po", buf.getvalue())
    return catalog


def test_fields_cover_the_content(project):
    enable_french(project)
    contexts = [f.context for f in content_fields(load_catalogue(project.root))]
    assert contexts == [
        "services/helpline:summary",
        "situations/work:title",
        "situations/work:summary",
        "situations/work:steps[0]",
        "audiences/workers:title",
        "booklet:fallback",
    ]


def test_changing_one_english_sentence_makes_exactly_that_field_stale(project):
    enable_french(project)
    fill(project)
    assert coverage(load_catalogue(project.root), project.root, "fr").percent == 100
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens, advises and helps."))
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert [f.context for f in result.stale] == [SUMMARY_CTX]
    assert result.missing == [] and result.drafts == 5


def test_export_import_round_trip_loses_nothing(project, tmp_path, capsys):
    enable_french(project)
    fill(project)
    stored_before = (project.root / "content/translations/fr.po").read_bytes()
    exported = tmp_path / "fr-export.po"
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)]) == 0
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 0 translations taken, 6 unchanged" in capsys.readouterr().out
    first = {(m.context, m.id, m.string, m.fuzzy) for m in read_po(io.BytesIO(stored_before)) if m.id}
    after = {(m.context, m.id, m.string, m.fuzzy) for m in read_po((project.root / "content/translations/fr.po").open("rb")) if m.id}
    assert after == first


def test_import_takes_a_reviewed_translation(project, tmp_path, capsys):
    enable_french(project)
    fill(project)
    exported = tmp_path / "fr.po"
    run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)])
    catalog = read_po(exported.open("rb"))
    message = next(m for m in catalog if m.context == SUMMARY_CTX)
    message.string = "Écoute et aide."
    message.flags.discard("fuzzy")
    buf = io.BytesIO()
    write_po(buf, catalog)
    exported.write_bytes(buf.getvalue())
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 1 translation taken, 5 unchanged" in capsys.readouterr().out
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert (result.reviewed, result.drafts) == (1, 5)


def test_import_refuses_a_translation_that_drops_a_phone_number(project, tmp_path, capsys):
    enable_french(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Call 0800 12 800 or write to info@example.be."))
    exported = tmp_path / "fr.po"
    run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)])
    text = exported.read_text().replace(
        'msgid "Call 0800 12 800 or write to info@example.be."\nmsgstr ""',
        'msgid "Call 0800 12 800 or write to info@example.be."\nmsgstr "Appelez le 0800 12 300 ou écrivez à info@example.be."')
    exported.write_text(text)
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 1
    err = capsys.readouterr().err
    line = text.splitlines().index('msgctxt "services/helpline:summary"') + 2  # the msgid line
    assert f"{exported}:{line}:1: error: services/helpline:summary: the translation drops or changes '0800 12 800'; expected them as in the English" in err
    assert not (project.root / "content/translations/fr.po").exists()


def test_check_finds_a_stored_translation_that_changes_an_email(project, capsys):
    enable_french(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Write to info@example.be."))
    fill(project, overrides={SUMMARY_CTX: "Écrivez à info@exemple.be."})
    assert run(["--root", str(project.root), "check"]) == 1
    assert "services/helpline:summary: the translation drops or changes 'info@example.be'" in capsys.readouterr().out


def test_a_catalogue_for_a_language_that_is_not_enabled(project, capsys):
    enable_french(project)
    project.write("content/translations/de.po", 'msgid ""\nmsgstr ""\n"Language: de\\n"\n')
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/translations/de.po:1:1: error: 'de' is not an enabled language; expected one of: fr, "
            "or add it to languages: in content/booklet.yaml") in capsys.readouterr().out


def test_build_uses_translations_and_says_drafts_are_drafts(project):
    enable_french(project)
    fill(project)
    assert run(["--root", str(project.root), "build", "--lang", "fr"]) == 0
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "[fr] Listens and helps." in text
    assert "[fr] Did this happen?" in text
    assert "0800 12 800" in text and "info@example.be" in text
    assert ui_translations("fr").gettext(DRAFT_NOTE) in text


def test_reviewed_translations_print_no_draft_note(project):
    enable_french(project)
    fill(project, fuzzy=False)
    assert run(["--root", str(project.root), "build", "--lang", "fr"]) == 0
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "[fr] Listens and helps." in text
    assert ui_translations("fr").gettext(DRAFT_NOTE) not in text


def test_missing_translation_falls_back_to_english_with_a_warning(project, capsys):
    enable_french(project)
    fill(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens well."))
    assert run(["--root", str(project.root), "build", "--lang", "fr"]) == 0
    assert "warning: fr: 1 text printed in English (1 stale, 0 missing translation): run 'booklet translations'" in capsys.readouterr().err
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "Listens well." in text


def test_strict_build_refuses_stale_translations_and_writes_nothing(project, capsys):
    enable_french(project)
    fill(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens well."))
    booklet = project.root / "content/booklet.yaml"  # with emergency numbers, or --strict stops at their warning first
    booklet.write_text(booklet.read_text() + 'emergency:\n  - {number: "112", label: Emergency, hours: [{days: mo-su, from: "00:00", to: "24:00"}]}\n')
    assert run(["--root", str(project.root), "build", "--lang", "fr", "--strict"]) == 1
    assert "fr: services/helpline:summary: stale translation" in capsys.readouterr().err
    assert not (project.root / "output").exists()


def test_coverage_table(project, capsys):
    enable_french(project)
    fill(project)
    assert run(["--root", str(project.root), "translations"]) == 0
    out = capsys.readouterr().out
    assert "│ fr       │ content │       6 │          6 │        0 │              6 │     0 │       0 │    100 % │" in out


REAL_LANGS = [lang for lang in load_catalogue(ROOT).booklet.languages if lang != "en"]


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_every_shipped_language_is_complete(lang):
    cat = load_catalogue(ROOT)
    content = coverage(cat, ROOT, lang)
    layouts = ui_coverage(lang)
    assert (content.percent, layouts.percent) == (100, 100), (content.missing[:3], content.stale[:3], layouts.missing[:3])
    assert content.total == len(content_fields(cat))


def test_one_changed_sentence_is_stale_in_every_language_and_nothing_else(real_copy):
    path = real_copy.root / "content/services/myria.yaml"
    text = path.read_text()
    assert "your lawyer or other partners." in text
    path.write_text(text.replace("your lawyer or other partners.", "your lawyer or other organisations."))
    cat = load_catalogue(real_copy.root)
    for lang in REAL_LANGS:
        result = coverage(cat, real_copy.root, lang)
        assert [f.context for f in result.stale] == ["services/myria:summary"], lang
        assert result.missing == [], lang


def test_a_booklet_says_it_holds_a_draft_only_from_its_own_texts_whatever_else_is_built(project, tmp_path):
    """The same PDF, byte for byte, built alone or with the whole set: only 'workers' shows the
    draft (the helpline's summary); 'youth' (built after it) shows reviewed texts only."""
    enable_french(project)
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line"))
    project.write("content/situations/elsewhere.yaml", "title: Elsewhere?\nservices: [other]\n")
    project.write("content/audiences/youth.yaml", "title: Others\nsituations: [elsewhere]\n")
    catalog = fill(project, fuzzy=False)
    catalog.get("Listens and helps.", context=SUMMARY_CTX).flags.add("fuzzy")
    buf = io.BytesIO()
    write_po(buf, catalog)
    project.write("content/translations/fr.po", buf.getvalue())
    whole, alone = tmp_path / "whole", tmp_path / "alone"
    assert run(["--root", str(project.root), "build", "--lang", "fr", "--format", "booklet", "--out", str(whole)]) == 0
    assert run(["--root", str(project.root), "build", "--lang", "fr", "--format", "booklet", "--audience", "youth",
                "--out", str(alone)]) == 0
    note = "merci de le dire aux personnes qui vous ont donné cette brochure"  # the draft note, in French
    assert note not in " ".join(" ".join(pdf_text(whole / "fr/youth-booklet.pdf")).split())
    assert note in " ".join(" ".join(pdf_text(whole / "fr/workers-booklet.pdf")).split())
    assert (whole / "fr/youth-booklet.pdf").read_bytes() == (alone / "fr/youth-booklet.pdf").read_bytes()

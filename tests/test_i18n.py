"""Translations: coverage, stale detection, the PO round trip, fallbacks, drafts, --strict."""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import normalize, read_po, write_po

from generator.cli import run
from generator.content.texts import content_fields
from generator.content.validate import load_catalogue
from generator.i18n.checks import coverage, ui_coverage
from generator.i18n.exchange import export_catalogue
from generator.i18n.translator import ui_translations

from .conftest import LAYOUTS, ROOT, SERVICE, many_services
from .pdfcheck import pdf_text

SUMMARY_CTX = "services/helpline:summary"
DRAFT_NOTE = ("This translation was drafted by machine and has not yet been checked by a person. "
              "If you see a mistake, please tell the people who gave you this booklet.")


def review_one(path, context, translation):
    """What a translator does in an exported file: one entry translated, reviewed (not fuzzy)."""
    catalog = read_po(path.open("rb"))
    message = next(m for m in catalog if m.context == context)
    message.string = translation
    message.flags.discard("fuzzy")
    buf = io.BytesIO()
    write_po(buf, catalog)
    path.write_bytes(buf.getvalue())


def enable_french(project):
    project.write("content/booklet.yaml", "languages: [en, fr]\nfallback: If nothing fits, call Unia.\ntopic_words: {fr: [viol]}\n")


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
        "services/helpline:full_name",
        "services/helpline:summary",
        "situations/work:title",
        "situations/work:summary",
        "situations/work:steps[0]",
        "audiences/workers:title",
        "booklet:fallback",
    ]


def test_the_translated_fields_are_read_from_the_model_in_reading_order():
    from generator.content.texts import MODELS, text_paths

    # a model's own texts and its lists, then the texts of its contact means, each in the model's order
    assert text_paths(MODELS["services"]) == (
        "full_name", "card_name", "summary", "short", "lists.heading", "lists.items", "notes", "phones.label",
        "phones.note", "phones.cost", "chats.note", "links.label", "links.note", "addresses.note")
    assert text_paths(MODELS["situations"]) == ("title", "summary", "lists.heading", "lists.items", "steps", "tips")
    assert text_paths(MODELS["audiences"]) == ("title", "subtitle", "intro", "fallback")
    assert text_paths(MODELS["centres"]) == (
        "contacts.name", "contacts.summary", "contacts.notes", "contacts.phones.label", "contacts.phones.note",
        "contacts.phones.cost", "contacts.links.label", "contacts.links.note", "contacts.addresses.note")
    # an emergency number's cost is printed translated (view.phone_tags), so it is offered too
    assert text_paths(MODELS["booklet"])[-3:] == ("emergency.label", "emergency.note", "emergency.cost")


def test_a_field_marked_translatable_in_the_model_is_exported_with_no_list_to_update(project, monkeypatch):
    from generator.content import texts
    from generator.content.model import Prose, Service, Text

    class WithMotto(Service):
        motto: Prose | None = None
        """A new text a reader reads: marked, so translated."""
        internal: Text | None = None
        """A new text printed as written: not marked, so not offered."""

    enable_french(project)
    cat = load_catalogue(project.root)
    cat.services["helpline"] = WithMotto.model_construct(**dict(cat.services["helpline"]), motto="Open to all",
                                                          internal="not for translators")
    monkeypatch.setitem(texts.MODELS, "services", WithMotto)
    exported = export_catalogue(cat, project.root, "fr")
    found = {m.context: m.id for m in exported if m.id}
    assert found["services/helpline:motto"] == "Open to all"
    assert not any(context.endswith(":internal") for context in found)
    assert "services/helpline:motto" in [f.context for f in coverage(cat, project.root, "fr").missing]


def test_every_text_field_of_the_schema_is_translated_or_said_to_be_printed_as_written():
    """A new text field must be declared Prose (translated) or be listed in UNTRANSLATED with why."""
    import typing

    from pydantic import BaseModel

    from generator.content import model
    from generator.content.texts import UNTRANSLATED, inner_model, is_translatable

    def holds_text(annotation) -> bool:
        return annotation is str or any(holds_text(a) for a in typing.get_args(annotation))

    models = [obj for obj in vars(model).values() if isinstance(obj, type) and issubclass(obj, BaseModel)
              and obj.__module__ == model.__name__]
    texts, translated = set(), set()
    for cls in models:
        for name, info in cls.model_fields.items():
            if inner_model(info.annotation) is None and holds_text(info.annotation):
                texts.add(f"{cls.__name__}.{name}")
                if is_translatable(info):
                    translated.add(f"{cls.__name__}.{name}")
    neither = texts - translated - set(UNTRANSLATED)
    assert not neither, f"declare each Prose (translated) or list it in content/texts.py UNTRANSLATED with why: {sorted(neither)}"
    assert not translated & set(UNTRANSLATED), "a field is both translated and listed as printed as written"
    assert set(UNTRANSLATED) <= texts, f"UNTRANSLATED names no text field: {sorted(set(UNTRANSLATED) - texts)}"
    assert all(why for why in UNTRANSLATED.values())
    assert {"Service.summary", "PhoneLine.cost", "CentreContact.name", "BookletText.colophon"} <= translated

def test_changing_one_english_sentence_makes_exactly_that_field_stale(project):
    enable_french(project)
    fill(project)
    assert coverage(load_catalogue(project.root), project.root, "fr").percent == 100
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens, advises and helps."))
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert [f.context for f in result.stale] == [SUMMARY_CTX]
    assert result.missing == [] and result.drafts == 6


def test_export_import_round_trip_loses_nothing(project, tmp_path, capsys):
    enable_french(project)
    fill(project)
    stored_before = (project.root / "content/translations/fr.po").read_bytes()
    exported = tmp_path / "fr-export.po"
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)]) == 0
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 0 translations taken, 7 unchanged" in capsys.readouterr().out
    first = {(m.context, m.id, m.string, m.fuzzy) for m in read_po(io.BytesIO(stored_before)) if m.id}
    after = {(m.context, m.id, m.string, m.fuzzy) for m in read_po((project.root / "content/translations/fr.po").open("rb")) if m.id}
    assert after == first


def test_import_takes_a_reviewed_translation(project, tmp_path, capsys):
    enable_french(project)
    fill(project)
    exported = tmp_path / "fr.po"
    run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)])
    review_one(exported, SUMMARY_CTX, "Écoute et aide.")
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 1 translation taken, 6 unchanged" in capsys.readouterr().out
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert (result.reviewed, result.drafts) == (1, 6)


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
    line = text.splitlines().index('msgctxt "services/helpline:summary"') + 3  # the msgstr line
    column = text.splitlines()[line - 1].index("0800 12 300") + 1
    assert f"{exported}:{line}:{column}: error: services/helpline:summary: gives the phone number 0800 12 300, which the English does not" in err
    assert f"{exported}:{line}:1: error: services/helpline:summary: does not give the phone number 0800 12 800, as the English does" in err
    assert not (project.root / "content/translations/fr.po").exists()


def test_check_finds_a_stored_translation_that_changes_an_email(project, capsys):
    enable_french(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Write to info@example.be."))
    fill(project, overrides={SUMMARY_CTX: "Écrivez à info@exemple.be."})
    assert run(["--root", str(project.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "services/helpline:summary: gives the email address info@exemple.be, which the English does not" in out
    assert "services/helpline:summary: does not give the email address info@example.be, as the English does" in out


def test_a_catalogue_for_a_language_that_is_not_enabled(project, capsys):
    enable_french(project)
    project.write("content/translations/de.po", 'msgid ""\nmsgstr ""\n"Language: de\\n"\n')
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/translations/de.po:1:1: error: 'de' is not an enabled language; expected one of: fr, "
            "or add it to languages: in content/booklet.yaml") in capsys.readouterr().out


def test_build_uses_translations_and_says_drafts_are_drafts(project):
    enable_french(project)
    fill(project)
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr"]) == 0
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "[fr] Listens and helps." in text
    assert "[fr] Did this happen?" in text
    assert "0800 12 800" in text and "info@example.be" in text
    assert ui_translations(LAYOUTS, "fr").gettext(DRAFT_NOTE) in text


def test_reviewed_translations_print_no_draft_note(project):
    enable_french(project)
    fill(project, fuzzy=False)
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr"]) == 0
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "[fr] Listens and helps." in text
    assert ui_translations(LAYOUTS, "fr").gettext(DRAFT_NOTE) not in text


def test_missing_translation_falls_back_to_english_with_a_warning(project, capsys):
    enable_french(project)
    fill(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens well."))
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr"]) == 0
    assert "warning: fr: 1 text printed in English (1 stale, 0 missing translation): run 'booklet translations'" in capsys.readouterr().err
    text = " ".join(" ".join(pdf_text(project.root / "output/fr/workers-booklet.pdf")).split())
    assert "Listens well." in text
    # the command the warning names lists what it means
    assert run(["--root", str(project.root), "translations"]) == 0
    out = capsys.readouterr().out
    assert "content/services/helpline.yaml:2: summary: fr: stale (the English changed)\n" in out
    assert "more: run" not in out


def test_strict_build_refuses_stale_translations_and_writes_nothing(project, capsys):
    enable_french(project)
    fill(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens well."))
    booklet = project.root / "content/booklet.yaml"  # with emergency numbers, or --strict stops at their warning first
    booklet.write_text(booklet.read_text() + 'emergency:\n  - {number: "112", label: Emergency, hours: [{days: mo-su, from: "00:00", to: "24:00"}]}\n')
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr", "--strict"]) == 1
    assert "fr: services/helpline:summary: stale translation" in capsys.readouterr().err
    assert not (project.root / "output").exists()


def test_coverage_table(project, capsys):
    enable_french(project)
    fill(project)
    assert run(["--root", str(project.root), "translations"]) == 0
    out = capsys.readouterr().out
    assert "│ fr       │ content │       7 │          7 │        0 │              7 │     0 │       0 │    100 % │" in out


REAL_LANGS = [lang for lang in load_catalogue(ROOT).booklet.languages if lang != "en"]


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_every_shipped_language_is_complete(lang):
    cat = load_catalogue(ROOT)
    content = coverage(cat, ROOT, lang)
    layouts = ui_coverage(LAYOUTS, lang)
    assert (content.percent, layouts.percent) == (100, 100), (content.missing[:3], content.stale[:3], layouts.missing[:3])
    assert content.total == len(content_fields(cat))


def test_one_changed_sentence_is_stale_in_every_language_and_nothing_else(real_copy):
    """Whatever the catalogues hold today: changing one service's summary adds exactly that field
    to what is stale in every language, and changes nothing else."""
    before = {lang: coverage(load_catalogue(real_copy.root), real_copy.root, lang) for lang in REAL_LANGS}
    sid = next(sid for sid, s in load_catalogue(real_copy.root).services.items() if not s.hold and s.summary)
    path = real_copy.root / f"content/services/{sid}.yaml"
    text = path.read_text()
    assert text.count("summary: ") == 1
    path.write_text(text.replace("summary: ", "summary: Changed. ", 1) if "summary: >" not in text
                    else text.replace("summary: >-\n  ", "summary: >-\n  Changed. ", 1))
    cat = load_catalogue(real_copy.root)
    assert cat.services[sid].summary.startswith("Changed. ")
    for lang in REAL_LANGS:
        result = coverage(cat, real_copy.root, lang)
        was = [f.context for f in before[lang].stale]
        assert sorted(f.context for f in result.stale) == sorted({*was, f"services/{sid}:summary"}), lang
        assert [f.context for f in result.missing] == [f.context for f in before[lang].missing if f.context != f"services/{sid}:summary"], lang


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
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr", "--format", "booklet", "--out", str(whole)]) == 0
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "fr", "--format", "booklet", "--audience", "youth",
                "--out", str(alone)]) == 0
    note = "merci de le dire aux personnes qui vous ont donné cette brochure"  # the draft note, in French
    assert note not in " ".join(" ".join(pdf_text(whole / "fr/youth-booklet.pdf")).split())
    assert note in " ".join(" ".join(pdf_text(whole / "fr/workers-booklet.pdf")).split())
    assert (whole / "fr/youth-booklet.pdf").read_bytes() == (alone / "fr/youth-booklet.pdf").read_bytes()


# ------------------------------------------------------------------ the round trip with gettext's own tools

LONG_OLD = ("Listens to you, gives you information about your rights and helps you decide which steps you want to take; "
            "it can contact the \"competent\" authorities, your lawyer or other partners.")
LONG_NEW = LONG_OLD.replace("other partners.", "other organisations.")


def msgfmt() -> str:
    path = shutil.which("msgfmt")
    assert path, "msgfmt is missing: `make test-deps` installs Debian's gettext"
    return path


def export_fr(project, path) -> str:
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(path)]) == 0
    return path.read_text("utf-8")


def test_an_export_with_a_long_stale_entry_passes_msgfmt_and_keeps_the_previous_english(project, tmp_path):
    enable_french(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", json.dumps(LONG_OLD)))
    fill(project)
    stored = project.root / "content/translations/fr.po"
    stored.write_text(stored.read_text().replace("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Marie Dupont <marie@example.org>"))
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", json.dumps(LONG_NEW)))
    exported = tmp_path / "fr.po"
    text = export_fr(project, exported)
    assert "#| msgid" in text
    check = subprocess.run([msgfmt(), "-c", "--check-format", "-o", os.devnull, str(exported)], capture_output=True, text=True,
                           env={**os.environ, "LC_ALL": "C"})
    assert (check.returncode, check.stderr) == (0, ""), check.stderr  # no error, and no warning about the header either
    header = text.split("\n\n")[0]
    for wanted in ("Language: fr\\n", "Plural-Forms: nplurals=", "Content-Type: text/plain; charset=utf-8\\n",
                   "Last-Translator: Marie Dupont <marie@example.org>\\n"):
        assert wanted in header
    # gettext's own parser reads the previous English back whole, byte for byte
    unwrapped = subprocess.run([shutil.which("msgcat") or "msgcat", "--no-wrap", str(exported)], capture_output=True, text=True,
                               check=True).stdout
    assert f"#| msgid {normalize(LONG_OLD, width=0)}\nmsgctxt \"{SUMMARY_CTX}\"\nmsgid {normalize(LONG_NEW, width=0)}\n" in unwrapped


DAMAGES = {
    # a line break typed inside a translation: the rest of it is on a line of its own
    "line break in a translation": ('msgstr "[fr] Listens and helps."', 'msgstr "[fr] Listens\nand helps."', "msgstr"),
    # the English edited in the file: valid PO, but not the English of the field any more
    "edited English": ('msgid "Listens and helps."', 'msgid "Listens and help."', "msgid"),
    # the English edited with a quote that breaks the string
    "broken quote in the English": ('msgid "Listens and helps."', 'msgid "Listens "and" helps."', "msgid"),
}


@pytest.mark.parametrize("checker", ["msgfmt", "babel"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_import_refuses_a_damaged_file_names_the_line_and_changes_nothing(project, tmp_path, capsys, monkeypatch, damage, checker):
    enable_french(project)
    fill(project)
    stored = project.root / "content/translations/fr.po"
    before = stored.read_bytes()
    exported = tmp_path / "fr.po"
    text = export_fr(project, exported)
    old, new, keyword = DAMAGES[damage]
    assert text.count(old) == 1
    text = text.replace(old, new)
    exported.write_text(text, "utf-8")
    if checker == "msgfmt":
        msgfmt()
    else:
        monkeypatch.setattr("generator.i18n.syntax.msgfmt_path", lambda: None)
    capsys.readouterr()
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 1
    captured = capsys.readouterr()
    assert "translation taken" not in captured.out
    lines = text.splitlines()
    broken = lines.index(next(line for line in lines if line.startswith(new.split("\n")[0]))) + 1
    named = {int(m[1]) for m in re.finditer(rf"{re.escape(str(exported))}:(\d+):\d+: error: ", captured.err)}
    assert named & {broken, broken + 1}, captured.err  # the broken line (msgfmt names the line its lexer stopped on)
    assert ("msgfmt (GNU gettext) not found" in captured.err) == (checker == "babel")
    assert stored.read_bytes() == before


def test_import_changes_only_the_lines_of_the_entry_it_takes_and_keeps_the_header(project, tmp_path, capsys):
    """The stored catalogue as another tool wrote it: its own header, its own order, its own
    wrapping. Taking one translation changes that entry's lines and nothing else."""
    enable_french(project)
    catalog = fill(project)
    buf = io.BytesIO()
    write_po(buf, catalog, sort_output=True, width=76)  # ordered by English text, not as the content
    stored_text = buf.getvalue().decode().replace("Last-Translator: FULL NAME <EMAIL@ADDRESS>",
                                                  "Last-Translator: Marie Dupont <marie@example.org>").replace(
        "PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-03-04 10:00+0100")
    stored = project.write("content/translations/fr.po", stored_text.encode())
    before = stored.read_text()
    exported = tmp_path / "fr-export.po"
    export_fr(project, exported)
    review_one(exported, SUMMARY_CTX,
               "Écoute et aide, longuement, patiemment, à toute heure du jour et de la nuit, sans jamais juger personne.")
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 1 translation taken, 6 unchanged" in capsys.readouterr().out
    after = stored.read_text()
    old_blocks, new_blocks = before.split("\n\n"), after.split("\n\n")
    changed = [i for i, (a, b) in enumerate(zip(old_blocks, new_blocks, strict=False)) if a != b]
    diff = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True)))
    assert len(new_blocks) == len(old_blocks) and len(changed) == 1, diff
    assert f'msgctxt "{SUMMARY_CTX}"' in old_blocks[changed[0]] and "Écoute et aide, longuement" in new_blocks[changed[0]], diff
    assert "#, fuzzy" not in new_blocks[changed[0]]
    assert old_blocks[0] == new_blocks[0]  # the header, translator and dates included
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert (result.reviewed, result.drafts) == (1, 6)


def test_import_puts_a_new_entry_after_the_field_before_it(project, tmp_path):
    enable_french(project)
    fill(project)
    stored = project.root / "content/translations/fr.po"
    blocks = stored.read_text().split("\n\n")
    without = [b for b in blocks if 'msgctxt "situations/work:summary"' not in b]
    assert len(without) == len(blocks) - 1
    stored.write_text("\n\n".join(without))
    exported = tmp_path / "fr.po"
    export_fr(project, exported)
    incoming = read_po(exported.open("rb"))
    incoming.get("Something happened.", context="situations/work:summary").string = "Il s'est passé quelque chose."
    buf = io.BytesIO()
    write_po(buf, incoming)
    exported.write_bytes(buf.getvalue())
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    after = stored.read_text().split("\n\n")
    assert [b for b in after if 'msgctxt "situations/work:summary"' not in b] == without
    title = next(i for i, b in enumerate(after) if 'msgctxt "situations/work:title"' in b)
    assert 'msgctxt "situations/work:summary"' in after[title + 1]


def test_translations_lists_twenty_then_says_how_many_more(project, capsys):
    enable_french(project)
    many_services(project, [f"line{i:02d}" for i in range(25)])
    assert run(["--root", str(project.root), "translations"]) == 0
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.endswith(": fr: missing")]
    assert len(listed) == 20
    assert listed[:3] == ["content/services/helpline.yaml:15: full_name: fr: missing", "content/services/helpline.yaml:2: summary: fr: missing",
                          "content/services/line00.yaml:15: full_name: fr: missing"]
    total = len(content_fields(load_catalogue(project.root), "fr"))
    assert f"... and {total - 20} more: run 'booklet translations --details'" in out
    assert run(["--root", str(project.root), "translations", "--details"]) == 0
    assert len([line for line in capsys.readouterr().out.splitlines() if line.endswith(": fr: missing")]) == total


def test_a_stale_entry_sent_back_untouched_stays_stale(project, tmp_path, capsys):
    """An exported stale entry comes back fuzzy with its old translation: taking it would print
    the translation of the old English (here a number that changed) as a draft of the new one."""
    enable_french(project)
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Call 0800 12 800."))
    fill(project, overrides={SUMMARY_CTX: "Appelez le 0800 12 800."})
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Call 0800 99 999."))
    exported = tmp_path / "fr.po"
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)]) == 0
    stored = (project.root / "content/translations/fr.po").read_bytes()
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 0 translations taken" in capsys.readouterr().out
    assert (project.root / "content/translations/fr.po").read_bytes() == stored
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert [f.context for f in result.stale] == [SUMMARY_CTX]


def test_a_stale_entry_confirmed_unchanged_is_taken_as_a_draft_of_the_new_english(project, tmp_path, capsys):
    """Issue 26: a translator who reads the change and finds the translation still right removes
    the '#| msgid' lines (gettext's way of saying the change was seen) and keeps the draft mark:
    the entry is taken, no longer stale, still a draft. Before, it was skipped as 'unchanged'
    because only its translation text was compared, and the English stayed printed."""
    enable_french(project)
    fill(project, overrides={SUMMARY_CTX: "Écoute et aide."})
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens and helps you."))
    exported = tmp_path / "fr.po"
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(exported)]) == 0
    text = exported.read_text("utf-8")
    previous = '#| msgid "Listens and helps."\n'
    assert text.count(previous) == 1 and "#, fuzzy\n" + previous in text
    exported.write_text(text.replace(previous, ""), "utf-8")  # what the translator's editor does on "confirm"
    capsys.readouterr()
    assert run(["--root", str(project.root), "translations", "--import", str(exported)]) == 0
    assert "fr: 1 translation taken, 6 unchanged" in capsys.readouterr().out
    stored = next(m for m in read_po((project.root / "content/translations/fr.po").open("rb")) if m.context == SUMMARY_CTX)
    assert (stored.id, stored.string, stored.fuzzy) == ("Listens and helps you.", "Écoute et aide.", True)
    result = coverage(load_catalogue(project.root), project.root, "fr")
    assert result.stale == [] and (result.reviewed, result.drafts) == (0, 7)

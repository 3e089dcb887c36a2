"""Untrusted text (issue 26): a translation carries exactly the facts of its English, a link
written in text goes only where the structured fields say, an email is an address and nothing
more. Each case with its exact, located message."""

from __future__ import annotations

import io

from babel.messages.pofile import read_po, write_po

from generator.base.edition import Edition
from generator.cli import run
from generator.content.validate import load_catalogue
from generator.i18n.exchange import export_catalogue
from generator.tools import verify

from .conftest import SERVICE
from .pdfcheck import link_targets

S = "content/services/helpline.yaml"
CTX = "services/helpline:summary"
ENGLISH = "Call [0800 12 800](tel:+3280012800) or use [the form](https://www.example.be/report)."
ATTACK = ("Appelez le [0800 12 800](tel:+32900123456) ou voyez [le site web d'Unia](https://unia-be.example/login), "
          "c'est gratuit.")


def bilingual(project, lang="fr", summary=ENGLISH):
    project.write("content/booklet.yaml", f"languages: [en, {lang}]\nfallback: If nothing fits, call Unia.\n")
    project.write(S, SERVICE.replace("Listens and helps.", f"'{summary}'"))


def translated(project, lang, translation, path=None):
    """The exported catalogue with the summary translated (reviewed), written to ``path`` (default:
    the stored catalogue); returns the file's lines."""
    catalog = export_catalogue(load_catalogue(project.root), project.root, lang)
    for message in catalog:
        if message.context == CTX:
            message.string = translation
    buf = io.BytesIO()
    write_po(buf, catalog, width=0)  # one line per string: the expected lines are easy to find
    target = path or project.root / f"content/translations/{lang}.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buf.getvalue())
    return buf.getvalue().decode().split("\n")


def at(lines, text, start=0):
    """'line:column' of ``text`` in a file's lines, from line ``start`` (1-based) on."""
    line = next(i for i, x in enumerate(lines) if text in x and i + 1 >= start)
    return f"{line + 1}:{lines[line].index(text) + 1}"


def msgstr_line(lines, context=CTX):
    return lines.index(f'msgctxt "{context}"') + 3


# ------------------------------------------------------------------ 1. translations


def test_import_refuses_the_attack_and_writes_nothing(project, tmp_path, capsys):
    bilingual(project)
    incoming = tmp_path / "fr.po"
    lines = translated(project, "fr", ATTACK, incoming)
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    err = capsys.readouterr().err
    line = msgstr_line(lines)
    for expected in (
        f"{incoming}:{at(lines, 'https://unia-be.example/login')}: error: {CTX}: links to https://unia-be.example/login, which the English does not",
        f"{incoming}:{at(lines, 'tel:+32900123456')}: error: {CTX}: links to tel:+32900123456, which the English does not",
        f"{incoming}:{line}:1: error: {CTX}: does not link to tel:+3280012800, as the English does",
        f"{incoming}:{line}:1: error: {CTX}: does not link to https://www.example.be/report, as the English does",
    ):
        assert expected in err
    assert ("4 errors in fr.po, the file you import: nothing was taken (content/translations/fr.po is as it was); fix "
            "fr.po at the lines above (or send it back to its translator) and import it again") in err
    assert not (project.root / "content/translations/fr.po").exists()


def test_import_of_the_attack_leaves_a_stored_catalogue_as_it_was(project, tmp_path, capsys):
    bilingual(project)
    translated(project, "fr", "Appelez le [0800 12 800](tel:+3280012800) ou utilisez [le formulaire](https://www.example.be/report).")
    before = (project.root / "content/translations/fr.po").read_bytes()
    incoming = tmp_path / "fr.po"
    translated(project, "fr", ATTACK, incoming)
    assert run(["--root", str(project.root), "translations", "--import", str(incoming)]) == 1
    assert (project.root / "content/translations/fr.po").read_bytes() == before


def test_the_attack_edited_into_the_stored_catalogue_fails_check_and_build(project, tmp_path, capsys):
    bilingual(project)
    lines = translated(project, "fr", ATTACK)
    po = "content/translations/fr.po"
    expected = f"{po}:{at(lines, 'https://unia-be.example/login')}: error: {CTX}: links to https://unia-be.example/login, which the English does not"
    assert run(["--root", str(project.root), "check"]) == 1
    assert expected in capsys.readouterr().out
    out = tmp_path / "out"
    assert run(["--root", str(project.root), "build", "--out", str(out), "--lang", "fr", "--format", "booklet", "-j", "1"]) == 1
    assert expected in capsys.readouterr().err
    assert not list(out.rglob("*.pdf"))


def test_a_translation_may_regroup_a_number_and_write_eastern_arabic_digits(project, capsys):
    bilingual(project, "ar", "Call 0800 12 800 (choose 2) or [0800 12 800](tel:080012800), 24/7.")
    translated(project, "ar", "اتصل بالرقم ٠٨٠٠ ١٢ ٨٠٠ (اختر ٢) أو [080012800](tel:+3280012800) على مدار 24 ساعة، 7 أيام.")
    assert run(["--root", str(project.root), "check"]) == 0


def test_a_changed_or_added_number_is_caught(project, capsys):
    bilingual(project, "fr", "Call 0800 12 800 and choose 2 in the menu.")
    lines = translated(project, "fr", "Appelez le 0800 12 801, choisissez 3 dans le menu, ou écrivez à aide@example.be.")
    assert run(["--root", str(project.root), "check"]) == 1
    out = capsys.readouterr().out
    po, line = "content/translations/fr.po", msgstr_line(lines)
    for expected in (
        f"{po}:{at(lines, '0800 12 801')}: error: {CTX}: gives the phone number 0800 12 801, which the English does not",
        f"{po}:{line}:{lines[line - 1].index('3 dans') + 1}: error: {CTX}: has the number 3, which the English does not",
        f"{po}:{at(lines, 'aide@example.be')}: error: {CTX}: gives the email address aide@example.be, which the English does not",
        f"{po}:{line}:1: error: {CTX}: does not give the phone number 0800 12 800, as the English does",
        f"{po}:{line}:1: error: {CTX}: does not have the number 2, as the English does",
    ):
        assert expected in out


def test_the_shipped_translations_carry_the_facts_of_their_english():
    from .conftest import ROOT

    cat = load_catalogue(ROOT)
    assert [str(p) for p in cat.errors if p.path.startswith("content/translations/")] == []


# ------------------------------------------------------------------ 2. links written in text


def errors(project) -> list[str]:
    return [str(p) for p in load_catalogue(project.root).problems]


def test_tel_in_english_text_to_a_number_the_service_does_not_state(project):
    project.write(S, SERVICE.replace("Listens and helps.", "'Call [0800 12 800](tel:+3290012345).'"))
    assert errors(project) == [
        f"{S}:2:10: error: summary: links to tel:+3290012345, which is not a number of this service's phones: nor an "
        "emergency number; expected one of: 0800 12 800"]


def test_the_number_of_the_security_review_is_no_belgian_number_at_all(project):
    project.write(S, SERVICE.replace("Listens and helps.", "'Call [0800 12 800](tel:+32900123456).'"))
    assert errors(project) == [
        f"{S}:2:10: error: summary: links to tel:+32900123456: '+32900123456' is not a Belgian phone number (wrong length "
        "or prefix); expected a number such as '02 225 44 11'"]


def test_tel_to_something_that_is_no_phone_number(project):
    project.write(S, SERVICE.replace("Listens and helps.", "'Call [t](tel:0900-EVIL-NUMBER).'"))
    assert errors(project) == [
        f"{S}:2:10: error: summary: links to tel:0900-EVIL-NUMBER: '0900-EVIL-NUMBER' is not a Belgian phone number "
        "(it contains letters); expected digits such as '0800 12 800'"]


def test_a_link_that_shows_one_number_and_dials_another(project):
    service = SERVICE.replace("Listens and helps.", "'Call [0800 12 800](tel:+3222123000).'")
    service = service.replace("emails:", "  - number: 02 212 30 00\n    hours: []\nemails:")
    project.write(S, service)
    assert errors(project) == [f"{S}:2:10: error: summary: shows 0800 12 800 but dials 02 212 30 00; expected the number it shows"]


def test_a_step_may_dial_any_stated_number_and_nothing_else(project):
    project.write("content/situations/work.yaml", "title: T\nsteps:\n  - Call [the helpline](tel:080012800).\n"
                  "  - Or [this one](tel:022123000).\nservices: [helpline]\n")
    assert errors(project) == [
        "content/situations/work.yaml:4:5: error: steps[1]: links to tel:022123000, which is not a number of the "
        "content's phones: (of a service, a centre or emergency: in content/booklet.yaml); expected a number stated there"]


def test_web_links_and_mail_links_in_text(project):
    project.write(S, SERVICE.replace("Listens and helps.", "'See [the form](https://www.example.be/report), "
                                     "[evidence](https://www.example.be/law), [this](https://evil.example/) or "
                                     "https://evil.example/x, and write to [us](mailto:info@example.be?cc=spy@evil.example).'")
                  + "sources:\n  - https://www.example.be/law\n")
    assert errors(project) == [
        f"{S}:2:10: error: summary: gives the address https://evil.example/x, which is not in the links: or chats: of any "
        "service or centre; expected an address stated there",
        f"{S}:2:10: error: summary: links to https://evil.example/, which is not in the links: or chats: of any service or "
        "centre; expected an address stated there",
        f"{S}:2:10: warning: summary: links to https://www.example.be/law, which the content cites only as a source, not as "
        "a page for readers; expected a page of the links: or chats: of a service",
        f"{S}:2:10: error: summary: links to mailto:info@example.be?cc=spy@evil.example: 'info@example.be?cc=spy@evil.example' "
        "is not only an email address (it contains '?'); expected an address alone, such as 'info@example.be', without "
        "'?', '&', '%', '#', spaces or line breaks",
    ]


# ------------------------------------------------------------------ 3. emails


def test_an_email_with_a_query_is_refused(project):
    project.write(S, SERVICE.replace("  - info@example.be", "  - help?cc=spy%40evil.example&bcc=x@unia.be"))
    assert errors(project) == [
        f"{S}:10:5: error: emails[0]: 'help?cc=spy%40evil.example&bcc=x@unia.be' is not only an email address (it "
        "contains '?'); expected an address alone, such as 'info@example.be', without '?', '&', '%', '#', spaces or line breaks"]


def test_mailto_is_percent_encoded_and_a_text_tel_link_marked_in_the_pdf_and_the_web_page(project, tmp_path):
    project.write(S, SERVICE.replace("  - info@example.be", "  - info+help@example.be")
                  .replace("Listens and helps.", "'Call [0800 12 800](tel:080012800).'"))
    out = tmp_path / "out"
    assert run(["--root", str(project.root), "build", "--out", str(out), "--lang", "en", "--format", "booklet", "-j", "1"]) == 0
    targets = link_targets(out / "en" / "workers-booklet.pdf")
    assert "mailto:info%2Bhelp@example.be" in targets and "mailto:info+help@example.be" not in targets
    assert "tel:+3280012800" in targets
    page = (out / "site" / Edition("workers", "en").page).read_text("utf-8")
    assert '<a class="addr" href="mailto:info%2Bhelp@example.be" translate="no">info+help@example.be</a>' in page
    assert '<a href="tel:+3280012800"><span class="nobr">0800 12 800</span></a> <span class="tag">(free call)</span>' in page


# ------------------------------------------------------------------ 4. verify


def test_verify_checks_the_addresses_the_translations_print(project):
    bilingual(project)
    lines = translated(project, "fr", "Appelez le [0800 12 800](tel:+3280012800) ou utilisez [le formulaire](https://www.example.be/report).")
    found = {t.url: t for t in verify.targets(load_catalogue(project.root))}
    uses = [(u.path, f"{u.line}:{u.column}", u.field, u.printed) for u in found["https://www.example.be/report"].uses]
    assert ("content/translations/fr.po", at(lines, "https://www.example.be/report", msgstr_line(lines)), CTX, True) in uses
    assert (S, "12:10", "links[0].url", True) in uses


def test_read_back_the_catalogue_written_by_these_helpers(project):
    """The helpers above write what a translator's tool writes: babel reads the summary back."""
    bilingual(project)
    translated(project, "fr", ATTACK)
    catalog = read_po((project.root / "content/translations/fr.po").open("rb"))
    assert next(m for m in catalog if m.context == CTX).string == ATTACK

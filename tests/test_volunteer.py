"""What a volunteer meets when a service is put in the wrong place (issue 29, item 2): a service
printed nowhere is named, and a field one level too high says where it belongs."""

from __future__ import annotations

import pytest

from generator.cli import run
from generator.content.validate import load_catalogue

from .conftest import AUDIENCE, SERVICE


def test_a_service_in_no_situation_is_named_and_strict_refuses_it(project, capsys):
    project.write("content/services/orphan.yaml", SERVICE.replace("name: Helpline", "name: Orphan Line"))
    message = ("content/services/orphan.yaml:1:1: warning: 'orphan' is printed nowhere: it is in no situation of an "
               "audience (nor under talk: in content/booklet.yaml); expected its id in the services: list of a "
               "situation, content/situations/<id>.yaml, that an audience holds")
    assert message in [str(p) for p in load_catalogue(project.root).warnings]
    assert run(["--root", str(project.root), "check", "--strict"]) == 1  # --strict: a warning fails the check
    assert message in capsys.readouterr().out
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, orphan]\n")
    assert not any("printed nowhere" in str(p) for p in load_catalogue(project.root).warnings)


def test_a_line_to_talk_to_is_printed_somewhere(project):
    project.write("content/services/orphan.yaml", SERVICE.replace("name: Helpline", "name: Orphan Line")
                  .replace('{days: mo-fr, from: "09:30", to: "13:00"}', '{days: mo-su, from: "00:00", to: "24:00"}'))
    project.write("content/booklet.yaml", "talk: [orphan]\n")
    cat = load_catalogue(project.root)
    assert cat.errors == [] and not any("printed nowhere" in str(p) for p in cat.warnings)


def test_hours_beside_the_phones_say_they_belong_under_a_phone_line(project):
    project.write("content/services/helpline.yaml", SERVICE + "hours: 9-17\n")
    assert [str(p) for p in load_catalogue(project.root).errors] == [
        f"content/services/helpline.yaml:{len(SERVICE.splitlines()) + 1}:1: error: hours: unknown field 'hours' here; "
        "'hours' belongs under each "
        "item of 'phones': phones: - number: … hours: …"]


# ------------------------------------------------------------------ item 7: `booklet check` on an 80-column terminal

HELD = SERVICE.replace("emails:", (
    "  - number: 0900 12 019\n    cost: 0.50 euro a minute\n"
    "    hold: Two sources give different numbers for this line, and neither is the organisation's own page; the "
    "number was last seen on a directory page in 2019. Call the organisation and ask for its helpdesk number.\n"
    "emails:")).replace("last_verified: 2026-01-15", (
    "last_verified: 2026-01-15\nreview:\n  - Confirm the name.\n  - Ask about Sundays.\n"
    "unconfirmed:\n  - The hours differ between two sources."))
"""The small project's service with a line on hold (a long reason), two review notes and an unconfirmed fact."""

NO_LEAD = "title: Others\nsituations: [work]\n"
"""An audience without lead: (a warning of about 300 characters)."""


def on_a_terminal(root, *args: str, columns: int = 80) -> list[str]:
    """`booklet check` run as in a terminal of that width (a pseudo-terminal): its rows, without colour."""
    import os
    import pty
    import re
    import subprocess
    import sys

    from .conftest import PROJECT_TODAY

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "BOOKLET_TODAY": PROJECT_TODAY}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-c", "from generator.cli import main; main()", "--root", str(root), "check", *args],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=30)
    text = b"".join(chunks).decode("utf-8")
    assert "\x1b[" in text  # a terminal: coloured labels
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r", "").splitlines()


def test_check_fits_an_80_column_terminal_and_pipes_one_line_per_problem(project, capsys):
    project.write("content/services/helpline.yaml", HELD)
    project.write("content/audiences/others.yaml", NO_LEAD)
    rows = on_a_terminal(project.root)
    assert max(len(row) for row in rows) <= 80, [row for row in rows if len(row) > 80]
    assert rows[-2] + " " + rows[-1].lstrip() == ("1 service, 1 situation, 2 audiences, 0 centres: 0 errors, 5 warnings "
                                                  "(2 listed, 3 counted per file)")  # the summary, wrapped under itself
    assert rows[-1].startswith("    ")
    assert "content/audiences/others.yaml:1:1: warning: no 'lead:'; the leaflet's front, the" in rows
    # a fact on hold is one line without its reason; the dates of the checks one line
    text = "\n".join(rows)
    assert "Two sources give" not in text and "Last checked, oldest first" not in text
    assert ("content/services/helpline.yaml:11:11: warning: phones[1].hold: '0900 12 019' on\n"
            "    hold, not printed (booklet check --reviews says why)") in text
    assert "Last checked: 1 service on 2026-01-15, none due (booklet check --reviews lists\n    them)" in text

    # piped: one line per problem, however long, so that grep finds it whole
    assert run(["--root", str(project.root), "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "content/audiences/others.yaml:1:1: warning: no 'lead:'; the leaflet's front, the poster, the card and the "
        "booklet's cover take the first services with a phone in list order. Expected the services a reader in crisis "
        "should meet first, each with why: lead: - {service: <id>, why: free, national, day and night}",
        "content/services/helpline.yaml:11:11: warning: phones[1].hold: '0900 12 019' on hold, not printed "
        "(booklet check --reviews says why)",
        "3 warnings counted per file (booklet check --reviews lists them):",
        "content/services/helpline.yaml: 2 review notes, 1 unconfirmed fact",
        "1 service not confirmed with the organisation (no 'Checked' date on the card): Helpline",
        "Last checked: 1 service on 2026-01-15, none due (booklet check --reviews lists them)",
        "1 service, 1 situation, 2 audiences, 0 centres: 0 errors, 5 warnings (2 listed, 3 counted per file)"]
    # --reviews and --verbose: every note, why the line is on hold, each service's last check
    for flag in ("--reviews", "--verbose"):
        assert run(["--root", str(project.root), "check", flag]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert ("content/services/helpline.yaml:11:11: warning: phones[1].hold: '0900 12 019' on hold, not printed: Two "
                "sources give different numbers for this line, and neither is the organisation's own page; the number "
                "was last seen on a directory page in 2019. Call the organisation and ask for its helpdesk number.") in lines
        assert "content/services/helpline.yaml:20:5: warning: review[1]: needs review: Ask about Sundays." in lines
        assert lines[-3:-1] == ["Last checked, oldest first:", "  2026-01-15  helpline"]
        assert lines[-1] == "1 service, 1 situation, 2 audiences, 0 centres: 0 errors, 5 warnings"


def _warnings_and_count(project, capsys) -> tuple[list[str], str]:
    run(["--root", str(project.root), "check", "--reviews"])
    lines = capsys.readouterr().out.splitlines()
    return [line for line in lines if ": warning: " in line], lines[-1]


def _moved(line: str, shift: int) -> str:
    """A problem line with its line number moved by ``shift`` (lines 1 and 2 stay)."""
    path, number, rest = line.split(":", 2)
    return f"{path}:{int(number) + shift if int(number) > 2 else number}:{rest}"


def test_an_error_in_a_file_hides_none_of_its_warnings_and_it_is_still_counted(project, capsys):
    project.write("content/booklet.yaml", "languages: [en, fr]\ntopic_words: {fr: [viol]}\n")
    project.write("content/services/helpline.yaml", HELD)
    warnings, summary = _warnings_and_count(project, capsys)
    assert len(warnings) == 5 and summary == "1 service, 1 situation, 1 audience, 0 centres: 0 errors, 5 warnings"
    assert run(["--root", str(project.root), "check"]) == 0
    translations = "Printed in English for want of a translation: fr: 7 missing (booklet translations lists them)"
    assert translations in capsys.readouterr().out.splitlines()
    for wrong, error in (
            ("0800 12 800", "content/services/helpline.yaml:6:13: error: phones[0].number: '0800 12 8OO' is not a Belgian "
                            "phone number (it contains letters); expected digits such as '0800 12 800'"),
            ("last_verified: 2026-01-15", "content/services/helpline.yaml:17:16: error: last_verified: '2026-01-32' is not "
                                          "a date; expected YYYY-MM-DD such as 2026-11-28"),
            ("summary: Listens and helps.\n", "content/services/helpline.yaml:1:1: error: summary: is required but "
                                              "missing; expected a value here")):
        broken = {"0800 12 800": "0800 12 8OO", "last_verified: 2026-01-15": "last_verified: 2026-01-32"}.get(wrong, "")
        project.write("content/services/helpline.yaml", HELD.replace(wrong, broken, 1))
        now, count = _warnings_and_count(project, capsys)
        shift = -1 if not broken else 0  # a line less above the notes
        assert now == [_moved(w, shift) for w in warnings], wrong
        assert count == "1 service, 1 situation, 1 audience, 0 centres: 1 error, 5 warnings"
        assert run(["--root", str(project.root), "check"]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[-2:] == [error, count.replace("5 warnings", "5 warnings (2 listed, 3 counted per file)")]
        assert translations in out  # the same with the error


def test_counts_add_up_a_new_service_with_seven_warnings_adds_seven_and_centres_are_counted(project, capsys):
    from tests.test_editions import CENTRE

    assert run(["--root", str(project.root), "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 service, 1 situation, 1 audience, 0 centres: 0 errors, 0 warnings"
    # 3 review notes, 2 unconfirmed facts, a line on hold, a chat without address
    project.write("content/services/seven.yaml", HELD.replace("name: Helpline", "name: Seven")
                  .replace("  - Ask about Sundays.\n", "  - Ask about Sundays.\n  - Ask about holidays.\n")
                  .replace("  - The hours differ between two sources.", "  - The hours differ between two sources.\n  - The email too.")
                  + "chats:\n  - note: Chat on the website.\n")
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, seven]\n")
    assert run(["--root", str(project.root), "check", "--reviews"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if line.startswith("content/services/seven.yaml:") and ": warning: " in line]) == 7
    assert lines[-1] == "2 services, 1 situation, 1 audience, 0 centres: 0 errors, 7 warnings"
    project.write("content/centres/test-centre.yaml", CENTRE.replace("[en, fr]", "[en]") + "audiences: [workers]\n")
    assert run(["--root", str(project.root), "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == ("2 services, 1 situation, 1 audience, 1 centre: 0 errors, 7 warnings "
                                                        "(2 listed, 5 counted per file)")


def test_check_strict_says_why_it_fails_in_its_last_line(project, capsys, monkeypatch):
    project.write("content/booklet.yaml", 'emergency:\n  - {number: "112", label: Emergency}\n')
    assert run(["--root", str(project.root), "check", "--strict"]) == 0
    assert "failing" not in capsys.readouterr().out
    project.write("content/services/helpline.yaml", SERVICE + "review:\n  - Confirm the name.\n  - Ask about Sundays.\n")
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "1 service, 1 situation, 1 audience, 0 centres: 0 errors, 2 warnings (counted per file)",
        "failing: 2 warnings (--strict)"]
    monkeypatch.setenv("BOOKLET_TODAY", "2026-08-01")  # the check is due again: not yet a reason to fail
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "failing: 2 warnings (--strict; 1 check due again does not count)"
    project.write("content/services/helpline.yaml", SERVICE.replace("0800 12 800", "0800 12 8OO") + "review:\n  - Confirm.\n")
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "failing: 1 error and 1 warning (--strict; 1 check due again does not count)"


# ------------------------------------------------------------------ item 8: a damaged PO file names its own line

def _exported(project, tmp_path, capsys) -> tuple[object, list[str], int]:
    """The French catalogue exported for a translator, its lines, and the line of the summary's msgstr."""
    project.write("content/booklet.yaml", "languages: [en, fr]\ntopic_words: {fr: [viol]}\n")
    po = tmp_path / "fr.po"
    assert run(["--root", str(project.root), "translations", "--export", "fr", "-o", str(po)]) == 0
    capsys.readouterr()
    lines = po.read_text("utf-8").split("\n")
    return po, lines, lines.index('msgctxt "services/helpline:summary"') + 3  # msgctxt, msgid, msgstr


@pytest.mark.parametrize("checker", ["msgfmt", "babel"])
def test_a_damaged_po_file_names_its_broken_line_and_blames_itself(project, tmp_path, capsys, monkeypatch, checker):
    from generator.i18n import syntax

    if checker == "babel":
        monkeypatch.setattr(syntax, "msgfmt_path", lambda: None)
    elif syntax.msgfmt_path() is None:
        pytest.skip("GNU gettext's msgfmt is not installed (make test installs it)")
    po, lines, at = _exported(project, tmp_path, capsys)
    assert lines[at - 1] == 'msgstr ""'
    refused = ("1 error in fr.po, the file you import: nothing was taken (content/translations/fr.po is as it was); fix "
               "fr.po at the lines above (or send it back to its translator) and import it again")
    # the closing quote forgotten; then a line break typed inside the translation
    for broken, column in (('msgstr "Écoute et aide.', 8), ('msgstr "Écoute\net aide."', 8)):
        po.write_text("\n".join([*lines[: at - 1], broken, *lines[at:]]), "utf-8")
        assert run(["--root", str(project.root), "translations", "--import", str(po)]) == 1
        err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("note: msgfmt (GNU gettext) not found")]
        assert err[0].startswith(f"Error: {po}:{at}:{column if checker == 'msgfmt' else 1}: error: PO syntax"), (broken, err)
        assert "a string is not closed on its line" in err[0] or "nor a quoted string (a line break inside" in err[0]
        assert err[-1] == refused.replace("1 error", f"{len(err) - 1} error{'s' if len(err) > 2 else ''}")
        assert "in the content" not in "\n".join(err)
        assert not (project.root / "content/translations/fr.po").exists()


# ------------------------------------------------------------------ item 1: a build that renders nothing says why

OTHERS = "title: Others\nsituations: [other]\nlead:\n  - service: unia\n    why: Free.\n"


def _two_audiences(project) -> None:
    """'workers' shows helpline (and second, on its booklet and leaflet only); 'others' shows unia."""
    project.write("content/services/unia.yaml", SERVICE.replace("name: Helpline", "name: Unia"))
    project.write("content/services/second.yaml", SERVICE.replace("name: Helpline", "name: Second line"))
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, second]\n")
    project.write("content/situations/other.yaml", "title: Or this?\nservices: [unia]\n")
    project.write("content/audiences/workers.yaml", AUDIENCE + "poster: [helpline]\n")
    project.write("content/audiences/others.yaml", OTHERS)


def test_a_build_that_renders_nothing_says_why_in_one_line_per_file_and_how_to_print(project, capsys):
    _two_audiences(project)
    build = ["--root", str(project.root), "build", "--audience", "workers", "--format", "leaflet", "--format", "poster", "-j", "1"]
    assert run(build) == 0
    assert "built en/workers-leaflet.pdf" in capsys.readouterr().err
    # the volunteer changed unia, which this audience does not show
    project.write("content/services/unia.yaml", SERVICE.replace("name: Helpline", "name: Unia").replace('"13:00"', '"13:30"'))
    assert run(build) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-6:-1] == [
        "en/workers-leaflet.pdf: unia is not in workers; it appears in others",
        "en/workers-poster.pdf: unia is not in workers; it appears in others",
        "How to print:",
        "  Leaflet (A4, folded in three): en/workers-leaflet.pdf (1 A4 sheet a copy). Print both sides of one A4 sheet, "
        "flipping on the short edge, at actual size (100%). Fold it in three.",
        "  Poster (A3): en/workers-poster.pdf (1 A3 sheet a copy). Print on one A3 sheet at actual size (100%).",
    ]
    assert err[-1].startswith("Done: nothing changed, no PDF rendered")
    # a change that the leaflet does not print (a review note), then nothing at all
    project.write("content/services/helpline.yaml", SERVICE + "review:\n  - Ask about Sundays.\n")
    assert run([*build[:5], "--format", "leaflet", "-j", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert ("en/workers-leaflet.pdf: what changed in helpline is not in what it prints (a review note, a source, a "
            "comment?)") in err
    assert run([*build[:5], "--format", "leaflet", "-j", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-4:-2] == ["nothing changed since the last build of en/workers-leaflet.pdf", "How to print:"]
    assert err[-2].startswith("  Leaflet (A4, folded in three): en/workers-leaflet.pdf (1 A4 sheet a copy). Print both")
    # second, which the audience shows, but not on its poster (whose last build was before the review note too)
    project.write("content/services/second.yaml", SERVICE.replace("name: Helpline", "name: Second line").replace('"13:00"', '"12:00"'))
    assert run([*build[:5], "--format", "poster", "-j", "1"]) == 0
    assert ("en/workers-poster.pdf: what changed in helpline is not in what it prints (a review note, a source, a comment?); "
            "second is in workers (booklet, leaflet), not on its poster (it shows helpline: the poster: list of "
            "content/audiences/workers.yaml)") in capsys.readouterr().err.splitlines()


def test_how_to_print_names_the_files_asked_for_and_how_a_right_to_left_leaflet_folds(project, capsys):
    project.write("content/booklet.yaml", "languages: [en, fa]\ntopic_words: {fa: [x]}\n")
    build = ["--root", str(project.root), "build", "--format", "leaflet", "--format", "booklet-imposed", "-j", "1"]
    assert run([*build, "--lang", "en", "--lang", "fa"]) == 0
    capsys.readouterr()
    assert run([*build, "--lang", "fa"]) == 0
    err = capsys.readouterr().err
    assert "en/workers" not in err  # the English files were not asked for
    assert ("  Booklet to print on A4: fa/workers-booklet-imposed.pdf (1 A4 sheet a copy). Print both sides of A4 paper, "
            "flipping on the short edge, at actual size (100%). Fold the stack in the middle and staple it.") in err
    assert ("  Leaflet (A4, folded in three): fa/workers-leaflet.pdf (1 A4 sheet a copy). Print both sides of one A4 sheet, "
            "flipping on the short edge, at actual size (100%). Fold it in three. Right to left (fa): it folds the other "
            "way: with the inside facing you, fold the left third in first, then the right third, which carries the "
            "front, over it.") in err


def test_list_says_where_each_service_is_printed(project, capsys):
    _two_audiences(project)
    project.write("content/services/orphan.yaml", SERVICE.replace("name: Helpline", "name: Orphan"))
    assert run(["--root", str(project.root), "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[out.index("Services (where each is printed):") + 1:] == [
        "  helpline  Helpline: workers (every format)",
        "  orphan    Orphan: printed nowhere (in no situation of an audience)",
        "  second    Second line: workers (booklet, leaflet)",
        "  unia      Unia: others (every format)"]
    assert run(["--root", str(project.root), "list", "--service", "second"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "second: Second line (content/services/second.yaml)",
        "In situations: work",
        "Printed in:",
        "  workers: booklet, leaflet, and its web page",
        "Not in: others",
        "Not on the poster, card of workers: each shows the services its list in content/audiences/workers.yaml names "
        "(poster:, card:), else its lead: first"]
    assert run(["--root", str(project.root), "list", "--service", "unai"]) == 2
    assert "no service 'unai'; did you mean 'unia'?" in capsys.readouterr().err

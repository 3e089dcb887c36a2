"""booklet confirm: the date of a check is written without touching anything else in the file."""

from __future__ import annotations

from datetime import date, timedelta

from generator.cli import run

from .conftest import PROJECT_TODAY, SERVICE

STYLED = """\
# Checked by phone; keep this comment.
name: "Helpline"   # quoted on purpose
summary: >-
  Listens and helps, in a summary long enough to be folded over two lines by whoever wrote it
  first, and kept folded.
regions: [federal]
languages: [nl, fr]
phones:
  - number: '0800 12 800'
    hours:
      - {days: mo-fr, from: "09:30", to: "13:00"}
emails:
  - info@example.be
links:
  - url: https://www.example.be/report
    kind: form
last_verified: 2026-01-15  # the last call
unconfirmed:
  - The hours were read on the website, not confirmed by phone.
review:
  - Ask whether the line also answers in English.
"""


def test_confirm_sets_the_date_and_clears_unconfirmed_keeping_the_rest(project, capsys):
    path = project.write("content/services/helpline.yaml", STYLED)
    assert run(["--root", str(project.root), "confirm", "helpline", "--date", "2026-01-29"]) == 0
    out = capsys.readouterr().out
    assert "content/services/helpline.yaml: last_verified: 2026-01-15 -> 2026-01-29" in out
    assert "removed unconfirmed: The hours were read on the website, not confirmed by phone." in out
    assert "still open: content/services/helpline.yaml:19:5: warning: review[0]: needs review: Ask whether the line" in out
    expected = STYLED.replace("last_verified: 2026-01-15  # the last call", "last_verified: 2026-01-29  # the last call").replace(
        "unconfirmed:\n  - The hours were read on the website, not confirmed by phone.\n", "")
    assert path.read_text() == expected
    assert run(["--root", str(project.root), "check"]) == 0


def test_confirm_defaults_to_today_and_says_when_nothing_is_open(project, capsys):
    path = project.root / "content/services/helpline.yaml"
    assert run(["--root", str(project.root), "confirm", "helpline"]) == 0
    assert path.read_text() == SERVICE.replace("last_verified: 2026-01-15", f"last_verified: {PROJECT_TODAY}")
    assert "No review note is open for this service." in capsys.readouterr().out


def test_confirm_refuses_an_unknown_service_a_future_date_and_a_style_it_would_change(project, capsys):
    assert run(["--root", str(project.root), "confirm", "helpine"]) == 1
    assert ("Error: no service 'helpine' (no content/services/helpine.yaml); did you mean 'helpline'? "
            "'booklet list' shows every service's id") in capsys.readouterr().err
    tomorrow = (date.fromisoformat(PROJECT_TODAY) + timedelta(days=1)).isoformat()
    assert run(["--root", str(project.root), "confirm", "helpline", "--date", tomorrow]) == 1
    assert f"Error: --date {tomorrow} is in the future; expected the day the service was checked" in capsys.readouterr().err
    odd = SERVICE.replace("summary: Listens and helps.", "summary:    Listens and helps.")  # spacing ruamel.yaml would tidy
    path = project.write("content/services/helpline.yaml", odd)
    assert run(["--root", str(project.root), "confirm", "helpline"]) == 1
    assert ("content/services/helpline.yaml: writing the date would also change the line 'summary:    Listens and helps.'; "
            "set last_verified: by hand in this file") in capsys.readouterr().err
    assert path.read_text() == odd  # nothing written


def test_every_shipped_service_file_can_be_confirmed():
    """The shipped files are in a style ruamel.yaml writes back unchanged, so confirm never refuses one."""
    import io

    from generator.tools.confirm import _yaml

    from .conftest import ROOT

    for path in sorted((ROOT / "content/services").glob("*.yaml")):
        yaml = _yaml()
        buffer = io.StringIO()
        yaml.dump(yaml.load(path.read_text("utf-8")), buffer)
        assert buffer.getvalue() == path.read_text("utf-8"), path.name


ASKS = """\
unconfirmed:
  - The number was read on the website only.
  - >-
    The hours of the second line are printed as "see the website" because two pages disagree.
    Ask the line for its current hours and print them.
review:
  - Does the line answer in English?
  - Confirm the languages, and add 'languages:'.
"""


def asking(project):
    """A service whose notes ask for something to be done, and a line with no hours."""
    return project.write("content/services/helpline.yaml", SERVICE.replace(
        "emails:", "  - number: 02 212 30 00\n    label: Reception\n    note: Check the hours on the website.\nemails:") + ASKS)


def test_confirm_keeps_a_note_that_asks_for_something_until_it_is_said_done(project, capsys):
    path = asking(project)
    assert run(["--root", str(project.root), "confirm", "helpline"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:6] == [
        "Helpline prints, and the call should have confirmed:",
        "  Name: Helpline (Listening line)",
        "  Phone: 0800 12 800, free call: Monday to Friday: 09:30–13:00",
        "  Reception: 02 212 30 00: no hours printed; note: Check the hours on the website.",
        "  Email: info@example.be",
        "  Online form: https://www.example.be/report",
    ]
    assert "content/services/helpline.yaml: removed unconfirmed: The number was read on the website only." in out
    assert ("content/services/helpline.yaml: kept unconfirmed: The hours of the second line are printed as \"see the website\" "
            "because two pages disagree. Ask the line for its current hours and print them.") in out
    assert "  It asks for something to be done: Ask the line for its current hours and print them." in out
    assert "  Once it is done: booklet confirm helpline --done 'print them'" in out
    assert [line.split(": warning: ")[1] for line in out if line.startswith("still open: ")] == [
        "review[0]: needs review: Does the line answer in English?",
        "review[1]: needs review: Confirm the languages, and add 'languages:'."]
    text = path.read_text()
    assert "read on the website only" not in text and "print them" in text and f"last_verified: {PROJECT_TODAY}" in text

    # Done: the volunteer names the note by its words, and a review note by its place.
    assert run(["--root", str(project.root), "confirm", "helpline", "--done", "print them", "--done", "review[1]"]) == 0
    out = capsys.readouterr().out
    assert ("content/services/helpline.yaml: removed unconfirmed: The hours of the second line are printed as \"see the website\" "
            "because two pages disagree. Ask the line for its current hours and print them.") in out
    assert "content/services/helpline.yaml: removed review: Confirm the languages, and add 'languages:'." in out
    assert "kept" not in out
    text = path.read_text()
    assert "unconfirmed:" not in text and "review:\n  - Does the line answer in English?\n" in text
    assert run(["--root", str(project.root), "check"]) == 0


def test_done_must_name_one_note(project, capsys):
    path = asking(project)
    before = path.read_text()
    assert run(["--root", str(project.root), "confirm", "helpline", "--done", "opening hours"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: --done 'opening hours': no note of 'helpline' says that; expected words from one of its "
                          "notes, or its place as 'booklet check' names it. Its notes: unconfirmed[0]: The number was read")
    assert run(["--root", str(project.root), "confirm", "helpline", "--done", "the line"]) == 1
    assert ("Error: --done 'the line': 2 notes of 'helpline' say that (unconfirmed[1], review[0]); give more of the note's "
            "words, or its place, such as 'unconfirmed[0]'") in capsys.readouterr().err
    assert path.read_text() == before  # nothing written


def test_on_a_terminal_confirm_asks_whether_the_action_is_done(project):
    """Run as a volunteer runs it, on a terminal (a pseudo-terminal): it asks about each note
    that asks for something, and does as answered."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    path = asking(project)

    def answer(reply: bytes) -> str:
        main, secondary = pty.openpty()
        proc = subprocess.Popen([str(Path(sys.executable).parent / "booklet"), "--root", str(project.root), "confirm", "helpline"],
                                stdin=secondary, stdout=secondary, stderr=secondary, env={**os.environ, "BOOKLET_TODAY": PROJECT_TODAY})
        os.close(secondary)
        said = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            said += chunk
            if said.endswith(b"Is it done? [y/N]: "):
                os.write(main, reply)
        proc.wait(timeout=30)
        os.close(main)
        assert proc.returncode == 0, said.decode()
        return said.decode().replace("\r\n", "\n")

    said = answer(b"n\n")
    assert said.count("Is it done? [y/N]: ") == 2  # the unconfirmed note that asks, and the review note that asks
    assert ("content/services/helpline.yaml: unconfirmed[1] asks for something to be done: "
            "Ask the line for its current hours and print them.\nIs it done? [y/N]: ") in said
    assert "kept unconfirmed: The hours of the second line" in said and "print them" in path.read_text()
    path = asking(project)
    said = answer(b"y\n")
    assert "removed unconfirmed: The hours of the second line" in said and "removed review: Confirm the languages" in said
    assert "unconfirmed:" not in path.read_text()


def test_what_a_note_asks_is_read_from_its_words():
    from generator.base.notes import action, action_words, asks_the_organisation

    assert asks_the_organisation("Region inferred; confirm with the centre.")
    assert asks_the_organisation("Does the line answer in English?")
    assert asks_the_organisation("Ask 1712 for the hours of the chat.")
    assert not asks_the_organisation("0800 99 961 is confirmed by other official pages; Le Vif confirms it.")
    assert not asks_the_organisation("Unconfirmed: the page says \"Did this happen? You can file a complaint\".")
    assert action("Both give 0475/96 24 15. Ask Police Watch for its current hours and print them.") == (
        "Ask Police Watch for its current hours and print them.")
    assert action_words("Name lost - confirm, then set the name and add its form.") == "set the name and add its form"
    assert action_words("Confirm, and add 'languages:'.") == "add 'languages:'"
    assert action("The hours are not printed because two pages disagree. Confirm them with the centre.") == ""
    assert action("The summary is put together from the page's own words; a set of lists was added.") == ""

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

    from generator.confirm import _yaml

    from .conftest import ROOT

    for path in sorted((ROOT / "content/services").glob("*.yaml")):
        yaml = _yaml()
        buffer = io.StringIO()
        yaml.dump(yaml.load(path.read_text("utf-8")), buffer)
        assert buffer.getvalue() == path.read_text("utf-8"), path.name

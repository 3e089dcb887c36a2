"""What a volunteer meets when a service is put in the wrong place (issue 29, item 2): a service
printed nowhere is named, and a field one level too high says where it belongs."""

from __future__ import annotations

from generator.cli import run
from generator.validate import load_catalogue

from .conftest import SERVICE


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

"""Validation: one bad input per kind of mistake, each with its exact, located message."""

from __future__ import annotations

from datetime import date

import pytest

from generator.content.validate import load_catalogue

from .conftest import PROJECT_TODAY, SERVICE, SITUATION

TODAY = date.fromisoformat(PROJECT_TODAY)  # two weeks after the sample service was checked (conftest.SERVICE)


def errors(project) -> list[str]:
    cat = load_catalogue(project.root, today=TODAY)
    return [str(p) for p in cat.errors]


def warnings(project) -> list[str]:
    cat = load_catalogue(project.root, today=TODAY)
    return [str(p) for p in cat.warnings]


def test_valid_project_has_no_problems(project):
    cat = load_catalogue(project.root, today=TODAY)
    assert [str(p) for p in cat.problems] == []
    line = cat.services["helpline"].phones[0]
    assert (line.number.e164, line.number.national, line.number.kind) == ("+3280012800", "0800 12 800", "toll_free")


S = "content/services/helpline.yaml"

SERVICE_CASES = [
    # (what, replace this, with this, expected message)
    ("letter O in a number", "0800 12 800", "0800 12 8OO",
     f"{S}:6:13: error: phones[0].number: '0800 12 8OO' is not a Belgian phone number (it contains letters); expected digits such as '0800 12 800'"),
    ("number of another country", "0800 12 800", "'+33 1 42 68 53 00'",
     f"{S}:6:13: error: phones[0].number: '+33 1 42 68 53 00' is a number of FR, not a Belgian phone number; expected a number that works from Belgium"),
    ("too short", "0800 12 800", "0800 12",
     f"{S}:6:13: error: phones[0].number: '0800 12' is not a Belgian phone number (wrong length or prefix); expected a number such as '02 225 44 11'"),
    ("invalid short number", "0800 12 800", "12345",
     f"{S}:6:13: error: phones[0].number: '12345' is not a Belgian phone number; expected a number such as '02 225 44 11' or a short number such as '1712'"),
    ("closes before it opens", 'from: "09:30", to: "13:00"', 'from: "13:00", to: "09:30"',
     f"{S}:8:9: error: phones[0].hours[0]: closes at 09:30, before it opens at 13:00; expected 'to' later than 'from'"),
    ("weekday that does not exist", "days: mo-fr", "days: mo-fry",
     f"{S}:8:16: error: phones[0].hours[0].days: 'fry' is not a weekday; expected one of mo, tu, we, th, fr, sa, su"),
    ("backwards day range", "days: mo-fr", "days: fr-mo",
     f"{S}:8:16: error: phones[0].hours[0].days: day range 'fr-mo' runs backwards; expected the earlier day first, such as 'mo-fr'"),
    ("time that is not a time", 'from: "09:30"', 'from: "9h70"',
     f"{S}:8:29: error: phones[0].hours[0].from: '9h70' is not a time; expected HH:MM such as '09:30'"),
    ("overlapping hours", '      - {days: mo-fr, from: "09:30", to: "13:00"}\n',
     '      - {days: mo-fr, from: "09:30", to: "13:00"}\n      - {days: we, from: "12:00", to: "14:00"}\n',
     f"{S}:8:7: error: phones[0].hours: periods 09:30-13:00 and 12:00-14:00 overlap on 'we'; expected separate periods"),
    ("malformed email", "info@example.be", "info(at)example.be",
     f"{S}:10:5: error: emails[0]: 'info(at)example.be' is not a valid email address (An email address must have an @-sign.); expected such as 'info@example.be'"),
    ("http address", "https://www.example.be/report", "http://www.example.be/report",
     f"{S}:12:10: error: links[0].url: 'http://www.example.be/report' is not an https address; expected it to start with https://"),
    ("address with a space", "https://www.example.be/report", "https://www.example.be/my report",
     f"{S}:12:10: error: links[0].url: 'https://www.example.be/my report' contains spaces; expected a web address such as 'https://www.unia.be/'"),
    ("QR target too long", "https://www.example.be/report", "https://www.example.be/" + "a" * 200,
     f"{S}:12:10: error: links[0].url: address of 223 characters makes a QR code 34.5 mm wide, more than 32 mm; expected a shorter address (the organisation's page one level up, or a short link it publishes)"),
    ("unknown link kind", "kind: form", "kind: pamphlet",
     f"{S}:13:11: error: links[0].kind: 'pamphlet' is not allowed; expected one of 'form', 'website', 'contact', 'map', 'appointment', 'chat' or 'info'"),
    ("language not ISO 639-1", "languages: [nl, fr]", "languages: [nl, french]",
     f"{S}:4:17: error: languages[1]: 'french' is not an ISO 639-1 language code; expected two lower-case letters such as 'nl'"),
    ("unknown two-letter language", "languages: [nl, fr]", "languages: [nl, qq]",
     f"{S}:4:17: error: languages[1]: 'qq' is not an ISO 639-1 language code; expected a code such as 'nl', 'fr', 'en'"),
    ("unknown region", "regions: [federal]", "regions: [antwerp]",
     f"{S}:3:11: error: regions[0]: 'antwerp' is not allowed; expected one of 'federal', 'brussels', 'flanders' or 'wallonia'"),
    ("typo in a field name", "emails:", "emials:",
     f"{S}:9:1: error: emials: unknown field 'emials'; did you mean 'emails'? expected one of: id, name, full_name, card_name, names, summary, short, lists, regions, languages, phones, emails, chats, links, addresses, notes, last_verified, sources, review, unconfirmed, hold"),
    ("capitalised field name", "name: Helpline", "Name: Helpline",
     f"{S}:1:1: error: Name: unknown field 'Name'; did you mean 'name'? expected one of: id, name, full_name, card_name, names, summary, short, lists, regions, languages, phones, emails, chats, links, addresses, notes, last_verified, sources, review, unconfirmed, hold"),
    ("typo in a nested field", "  - number: 0800 12 800", "  - numbr: 0800 12 800",
     f"{S}:6:5: error: phones[0].number: is required but missing; expected a value here"),
    ("wrong type", "summary: Listens and helps.", "summary: [Listens, helps]",
     f"{S}:2:10: error: summary: expected text, got a list"),
    ("colon inside text", "summary: Listens and helps.", "summary: Note: it listens.",
     f"{S}:2:14: error: YAML syntax error: a ': ' where none can be: a text that contains ': ' (put the whole text in quotes) or a line indented further than the field above it (YAML: mapping values are not allowed in this context)"),
    ("missing required field", "name: Helpline\n", "",
     f"{S}:1:1: error: name: is required but missing; expected a value here"),
    ("date in the future", "last_verified: 2026-01-15", "last_verified: 2999-01-01",
     f"{S}:14:16: error: last_verified: 2999-01-01 is in the future; expected the date the facts were checked"),
    ("impossible date", "last_verified: 2026-01-15", "last_verified: 2026-02-30",
     f"{S}:14:16: error: last_verified: '2026-02-30' is not a date; expected YYYY-MM-DD such as 2026-11-28"),
    ("id differs from file name", "name: Helpline\n", "id: help-line\nname: Helpline\n",
     f"{S}:1:5: error: id: 'help-line' does not match the file name; expected 'helpline'"),
    ("no way to reach it", "phones:", "phonesx:",
     f"{S}:5:1: error: phonesx: unknown field 'phonesx'; did you mean 'phones'? expected one of: id, name, full_name, card_name, names, summary, short, lists, regions, languages, phones, emails, chats, links, addresses, notes, last_verified, sources, review, unconfirmed, hold"),
]


@pytest.mark.parametrize(("what", "old", "new", "message"), SERVICE_CASES, ids=[c[0] for c in SERVICE_CASES])
def test_bad_service(project, what, old, new, message):
    assert old in SERVICE
    project.write(S, SERVICE.replace(old, new, 1))
    assert message in errors(project)


def test_service_without_any_contact(project):
    project.write(S, "name: X\nsummary: Y.\nregions: [federal]\nlast_verified: 2026-01-15\n")
    assert errors(project) == [
        f"{S}:1:1: error: gives no way to reach it; expected at least one of phones, emails, chats, links, addresses"
    ]


def test_situation_naming_a_missing_service_names_both_files(project):
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, helpine-x, unia]\n")
    assert errors(project) == [
        "content/situations/work.yaml:2:22: error: services[1]: no service 'helpine-x' (expected content/services/helpine-x.yaml); did you mean 'helpline'?",
        "content/situations/work.yaml:2:33: error: services[2]: no service 'unia' (expected content/services/unia.yaml)",
    ]


def test_audience_naming_a_missing_situation(project):
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work, wrok2]\n")
    assert errors(project) == [
        "content/audiences/workers.yaml:2:20: error: situations[1]: no situation 'wrok2' (expected content/situations/wrok2.yaml); did you mean 'work'?"
    ]


def test_audience_subset_must_come_from_the_situation(project):
    project.write("content/services/other.yaml", SERVICE)
    project.write("content/audiences/workers.yaml", "title: T\nsituations:\n  - situation: work\n    services: [helpline, other]\n")
    assert errors(project) == [
        "content/audiences/workers.yaml:4:26: error: situations[0].services[1]: 'other' is not a service of content/situations/work.yaml; expected one of: helpline"
    ]


def test_duplicate_ids(project):
    project.write("content/services/helpline.yml", SERVICE)
    assert errors(project) == [
        "content/services/helpline.yml:1:1: error: id: duplicate id 'helpline' (also content/services/helpline.yaml); expected each id once"
    ]


def test_every_problem_of_every_file_in_one_run(project):
    project.write(S, SERVICE.replace("0800 12 800", "0800 12 8OO").replace("https://", "http://"))
    project.write("content/services/broken.yaml", "name: [\n")
    project.write("content/situations/work.yaml", SERVICE.replace("name:", "title:"))
    found = errors(project)
    assert [m.split(":")[0] for m in found] == [
        "content/services/broken.yaml",
        S,
        S,
        *["content/situations/work.yaml"] * (len(found) - 3),
    ]
    assert len(found) >= 5


def test_a_printed_charged_number_needs_its_cost(project):
    project.write(S, SERVICE.replace("0800 12 800", "0900 12 019"))
    assert errors(project) == [
        f"{S}:6:13: error: phones[0].number: '0900 12 019' is a charged number and its cost is not stated; expected 'cost:'"]
    project.write(S, SERVICE.replace("  - number: 0800 12 800\n", "  - number: 0900 12 019\n    cost: 0.50 euro a minute\n"))
    assert errors(project) == []


def test_no_audience_is_an_error(project):
    (project.root / "content/audiences/workers.yaml").unlink()
    assert errors(project) == ["content/audiences:1:1: error: no audience files; expected at least one content/audiences/<id>.yaml"]


def test_warnings_list_review_notes_holds_stale_dates_and_charged_numbers(project):
    text = (SERVICE.replace("0800 12 800", "0900 12 019").replace("2026-01-15", "2025-01-15")
            + "review:\n  - Check the hours.\nhold: Not sure this number is theirs.\n")
    project.write(S, text)
    assert warnings(project) == [
        f"{S}:6:13: warning: phones[0].number: '0900 12 019' is a charged number and its cost is not stated; expected 'cost:'",
        f"{S}:14:16: warning: last_verified: last verified 2025-01-15, more than 12 months ago; expected a fresh check",
        f"{S}:17:5: warning: review[0]: needs review: Check the hours.",
        f"{S}:18:7: warning: hold: on hold, left out of every booklet: Not sure this number is theirs.",
    ]
    assert errors(project) == []


def test_a_printed_service_without_full_name_is_a_warning_naming_it(project):
    """Issue 26: the gloss under a name in Latin script is what an Arabic, Farsi or Ukrainian reader
    reads of what the service is; a service that is printed has one. On hold: not printed, no warning."""
    project.write(S, SERVICE.replace("full_name: Listening line\n", ""))
    assert warnings(project) == [
        f"{S}:1:7: warning: name: no 'full_name:' under the name 'Helpline': a reader who does not read it learns what "
        "the service is only from that line, translated; expected what it is in a few plain words, such as "
        "'full_name: Federal Migration Centre'"]
    project.write(S, SERVICE.replace("full_name: Listening line\n", "hold: Not sure this number is theirs.\n"))
    assert not [w for w in warnings(project) if "full_name" in w]


def test_a_check_six_months_old_is_due_and_one_a_year_old_is_stale(project, capsys, monkeypatch):
    from generator.cli import run

    project.write(S, SERVICE.replace("2026-01-15", "2025-07-20"))  # 196 days before TODAY
    assert warnings(project) == [f"{S}:14:16: warning: last_verified: last verified 2025-07-20, more than 6 months ago; "
                                 "check it again with the organisation, then run 'booklet confirm'"]
    project.write(S, SERVICE)
    monkeypatch.setenv("BOOKLET_TODAY", "2026-08-01")  # 198 days after the check
    assert run(["--root", str(project.root), "check", "--strict"]) == 0  # due is not yet stale
    out = capsys.readouterr().out
    assert "Last checked: 1 service on 2026-01-15, 1 due again (booklet check --reviews lists them)" in out
    assert run(["--root", str(project.root), "check", "--strict", "--reviews"]) == 0
    assert "  2026-01-15  helpline (more than 6 months: due)" in capsys.readouterr().out
    monkeypatch.setenv("BOOKLET_TODAY", "2027-01-16")  # a year and a day
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "Last checked: 1 service on 2026-01-15, 1 stale (booklet check --reviews lists them)" in out
    assert out.splitlines()[-1] == "failing: 1 warning (--strict)"
    assert run(["--root", str(project.root), "check", "--strict", "--verbose"]) == 1
    assert "  2026-01-15  helpline (more than 12 months: stale)" in capsys.readouterr().out
    monkeypatch.setenv("BOOKLET_TODAY", "2026-02-01")
    assert run(["--root", str(project.root), "check", "--strict", "--reviews"]) == 0
    assert "  2026-01-15  helpline\n" in capsys.readouterr().out
    monkeypatch.setenv("BOOKLET_TODAY", "1 March")
    assert run(["--root", str(project.root), "check"]) == 2
    assert "BOOKLET_TODAY='1 March' is not a date; expected YYYY-MM-DD such as 2027-03-01" in capsys.readouterr().err


def test_messages_show_the_right_form_and_the_allowed_values(project):
    project.write(S, SERVICE.replace('      - {days: mo-fr, from: "09:30", to: "13:00"}', "      - mo-fr 9h-17h")
                  .replace("regions: [federal]\n", ""))
    assert errors(project) == [
        f"{S}:1:1: error: regions: is required but missing; expected one or more of: federal, brussels, flanders, wallonia, "
        "written as regions: [federal]",
        f"{S}:7:9: error: phones[0].hours[0]: expected an opening period, got 'mo-fr 9h-17h'; write it as "
        'hours: - {days: mo-fr, from: "09:00", to: "17:00"} (one line per period; part: morning instead of times)',
    ]


def test_a_yaml_syntax_error_is_explained_and_causes_no_second_error(project):
    project.write("content/services/test-helpline.yaml", SERVICE.replace("phones:\n  - number", "phones:\n   - number")
                  .replace("emails:\n  - info", "emails:\n - info"))
    project.write("content/situations/work.yaml", SITUATION.replace("services: [helpline]", "services: [helpline, test-helpline]"))
    assert errors(project) == [  # and no "no service 'test-helpline'" about the situation that names it
        "content/services/test-helpline.yaml:7:5: error: YAML syntax error: this list item is not lined up with the items "
        "above it; expected each '- ' of a list to start in the same column (YAML: did not find expected '-' indicator)"]


@pytest.mark.parametrize(("text", "message"), [
    ('name: "Helpline\nsummary: y\n', "1:7: error: YAML syntax error: a quote (\" or ') is opened and not closed"),
    ("name: Helpline\nsummary\nregions: [federal]\n", "2:1: error: YAML syntax error: this line has no ':' after its field name"),
    ("name: @home\n", "1:7: error: YAML syntax error: a value starts with a character YAML reserves (such as @ or `)"),
    ("phones:\n  - number: 1\n   - number: 2\n", "3:4: error: YAML syntax error: this list item is not lined up with the items above it"),
])
def test_yaml_syntax_errors_in_words(project, text, message):
    project.write(S, text)
    [found] = errors(project)
    assert found.startswith(f"{S}:{message}")

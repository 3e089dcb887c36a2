"""booklet export --hsds: every document validates against the official HSDS 3.0 schema (with
check-jsonschema, which did not make them), a broken one does not, and the facts read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import run
from generator.outputs.hsds import province

from .conftest import ROOT

SCHEMA = ROOT / "tests/vendor/hsds-3.0/service_with_definitions.json"
CHECK = Path(sys.executable).parent / "check-jsonschema"


def _validate(files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHECK), "--schemafile", str(SCHEMA), *map(str, files)], capture_output=True, text=True)


def _ids(data: object) -> list[str]:
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "id"] + [i for v in data.values() for i in _ids(v)]
    if isinstance(data, list):
        return [i for v in data for i in _ids(v)]
    return []


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("hsds")
    for lang in ("en", "fr"):
        assert run(["--root", str(ROOT), "export", "--hsds", str(out / lang), "--lang", lang]) == 0
    return {"en": out / "en", "fr": out / "fr"}


def test_every_document_is_valid_hsds_and_a_broken_one_is_not(exported, tmp_path):
    files = sorted(exported["en"].glob("*.json")) + sorted(exported["fr"].glob("*.json"))
    result = _validate(files)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = next(doc for doc in (json.loads(f.read_text()) for f in sorted(exported["en"].glob("*.json"))) if doc.get("phones"))
    del broken["status"]
    broken["phones"][0]["id"] = "phone-1"
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = _validate([tmp_path / "broken.json"])
    assert result.returncode == 1
    assert "'status' is a required property" in result.stdout and "'phone-1' is not a 'uuid'" in result.stdout


def test_every_service_not_on_hold_is_there_with_its_assurance_date(exported):
    """The shipped content, whatever its checks say today: a document per service not on hold,
    and `assured_date` its last_verified exactly when nothing printed is still unconfirmed."""
    from generator.content.validate import load_catalogue

    cat = load_catalogue(ROOT)
    shown = {sid for sid, svc in cat.services.items() if not svc.hold}
    assert {p.stem for p in exported["en"].glob("*.json")} == shown
    for sid in shown:
        svc, doc = cat.services[sid], json.loads((exported["en"] / f"{sid}.json").read_text())
        assert doc.get("assured_date") == (None if svc.unconfirmed else svc.last_verified.isoformat()), sid
        assert [p["number"] for p in doc.get("phones", [])] == [_international(line.number) for line in svc.phones if not line.hold], sid


def _international(number) -> str:
    import phonenumbers

    if number.kind == "short":
        return number.national
    return phonenumbers.format_number(phonenumbers.parse(number.e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


SAMPLE = {
    "content/services/helpline.yaml": """\
        name: Helpline
        summary: Listens and helps.
        regions: [federal]
        languages: [nl, fr]
        phones:
          - number: 0800 12 800
            note: The line is shared; choose 2 in the menu.
            menu: 2
            hours:
              - {days: mo-fr, from: "09:30", to: "13:00"}
          - number: 02 212 30 00
            hold: Found in no source.
        links:
          - url: https://www.example.be/report
            kind: form
        last_verified: 2026-01-15
        """,
    "content/services/care-centre.yaml": """\
        name: Care centre
        summary: Care after violence.
        regions: [brussels]
        phones:
          - number: 1712
            hours:
              - {days: [mo, tu, th, fr], from: "09:00", to: "12:00"}
              - {days: we, from: "13:00", to: "16:00"}
        addresses:
          - street: Rue Haute 320
            postcode: "1000"
            city: Bruxelles
        last_verified: 2026-01-10
        unconfirmed:
          - The hours differ between two sources.
        """,
    "content/services/held.yaml": """\
        name: Held line
        summary: Not sure it is theirs.
        regions: [federal]
        phones:
          - number: 0800 99 961
        last_verified: 2026-01-10
        hold: Two sources give different numbers.
        """,
    "content/situations/work.yaml": "title: T\nservices: [helpline, care-centre, held]\n",
}


@pytest.fixture
def sample(project, tmp_path) -> Path:
    """The HSDS export of a small project whose every fact is known here."""
    for rel, text in SAMPLE.items():
        project.write(rel, text)
    out = tmp_path / "hsds"
    assert run(["--root", str(project.root), "export", "--hsds", str(out)]) == 0
    return out


def test_services_and_lines_on_hold_are_left_out(sample):
    assert sorted(p.stem for p in sample.glob("*.json")) == ["care-centre", "helpline"]
    helpline = json.loads((sample / "helpline.json").read_text())
    assert [p["number"] for p in helpline["phones"]] == ["+32 800 12 800"]  # 02 212 30 00 is on hold
    assert "212 30 00" not in json.dumps(helpline)
    result = _validate(sorted(sample.glob("*.json")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_facts_read_back(sample):
    helpline = json.loads((sample / "helpline.json").read_text())
    assert (helpline["name"], helpline["status"], helpline["assured_date"]) == ("Helpline", "active", "2026-01-15")
    [phone] = helpline["phones"]
    assert (phone["number"], phone["extension"], phone["type"]) == ("+32 800 12 800", 2, "voice")
    assert phone["description"].startswith("Phone. Free call. Monday to Friday: 09:30–13:00.")
    [hours] = helpline["schedules"]
    assert {k: hours[k] for k in ("freq", "byday", "opens_at", "closes_at")} == {
        "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:30:00", "closes_at": "13:00:00"}
    assert helpline["service_areas"][0]["name"] == "Belgium"
    form = helpline["service_at_locations"][0]["location"]
    assert (form["location_type"], form["url"]) == ("virtual", "https://www.example.be/report")
    assert [lang["code"] for lang in helpline["languages"]] == ["nl", "fr"]
    centre = json.loads((sample / "care-centre.json").read_text())
    assert "assured_date" not in centre  # a printed fact not yet confirmed: no assurance date
    assert centre["service_areas"][0]["name"] == "Brussels-Capital Region"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in centre["schedules"]] == [
        ("MO,TU,TH,FR", "09:00:00", "12:00:00"), ("WE", "13:00:00", "16:00:00")]
    assert centre["phones"][0]["number"] == "1712"  # a short number, as dialled
    [address] = next(s for s in centre["service_at_locations"] if s["location"]["location_type"] == "physical")["location"]["addresses"]
    assert {k: address[k] for k in ("address_1", "postal_code", "city", "state_province", "country")} == {
        "address_1": "Rue Haute 320", "postal_code": "1000", "city": "Bruxelles",
        "state_province": "Brussels-Capital Region", "country": "BE"}


def test_identifiers_are_stable_across_runs_and_languages(exported, tmp_path):
    from generator.content.validate import load_catalogue

    assert run(["--root", str(ROOT), "export", "--hsds", str(tmp_path), "--lang", "en"]) == 0
    for path in exported["en"].glob("*.json"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
        english, french = json.loads(path.read_text()), json.loads((exported["fr"] / path.name).read_text())
        assert _ids(english) == _ids(french)
        assert len(set(_ids(english))) == len(_ids(english))  # no two objects share an identifier
    # a service whose first line is a free call without a label of its own: worded in French
    cat = load_catalogue(ROOT)
    sid = next(sid for sid, svc in cat.services.items() if not svc.hold and svc.phones and not svc.phones[0].hold
               and svc.phones[0].number.kind == "toll_free" and not svc.phones[0].label and svc.phones[0].call)
    en, fr = (json.loads((exported[lang] / f"{sid}.json").read_text()) for lang in ("en", "fr"))
    assert en["description"] != fr["description"]
    assert en["phones"][0]["description"].startswith("Phone. Free call.")
    assert fr["phones"][0]["description"].startswith("Téléphone. Appel gratuit.")


@pytest.mark.parametrize(("postcode", "name"), [("1000", "Brussels-Capital Region"), ("1299", "Brussels-Capital Region"),
                                                ("1300", "Walloon Brabant"), ("1500", "Flemish Brabant"), ("2000", "Antwerp"),
                                                ("3000", "Flemish Brabant"), ("3500", "Limburg"), ("4500", "Liège"),
                                                ("5000", "Namur"), ("6000", "Hainaut"), ("6600", "Luxembourg"),
                                                ("7000", "Hainaut"), ("8000", "West Flanders"), ("9999", "East Flanders")])
def test_a_postcode_names_its_province(postcode, name):
    assert province(postcode) == name

"""booklet export --hsds: every document validates against the official HSDS 3.0 schema (with
check-jsonschema, which did not make them), a broken one does not, and the facts read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import run
from generator.hsds import province

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
    broken = json.loads((exported["en"] / "unia.json").read_text())
    del broken["status"]
    broken["phones"][0]["id"] = "phone-1"
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = _validate([tmp_path / "broken.json"])
    assert result.returncode == 1
    assert "'status' is a required property" in result.stdout and "'phone-1' is not a 'uuid'" in result.stdout


def test_services_on_hold_are_left_out_and_the_rest_are_there(exported):
    from generator.validate import load_catalogue

    cat = load_catalogue(ROOT)
    shown = {sid for sid, svc in cat.services.items() if not svc.hold}
    assert {p.stem for p in exported["en"].glob("*.json")} == shown
    assert shown != set(cat.services)  # the shipped content has a service on hold: it must be missing


def test_the_facts_read_back(exported):
    unia = json.loads((exported["en"] / "unia.json").read_text())
    assert (unia["name"], unia["status"], unia["assured_date"]) == ("Unia", "active", "2026-11-30")
    [phone] = unia["phones"]
    assert (phone["number"], phone["extension"], phone["type"]) == ("+32 800 12 800", 2, "voice")
    assert phone["description"].startswith("Phone. Free call. Monday to Friday: 09:30–13:00.")
    [hours] = unia["schedules"]
    assert {k: hours[k] for k in ("freq", "byday", "opens_at", "closes_at")} == {
        "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:30:00", "closes_at": "13:00:00"}
    assert unia["service_areas"][0]["name"] == "Belgium"
    form = unia["service_at_locations"][0]["location"]
    assert (form["location_type"], form["url"]) == ("virtual", "https://www.unia.be/fr/signaler-discrimination")
    igvm = json.loads((exported["en"] / "igvm.json").read_text())
    assert igvm["phones"][0]["extension"] == 1
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in igvm["schedules"]] == [
        ("MO,TU,TH,FR", "09:00:00", "12:00:00"), ("WE", "13:00:00", "16:00:00")]
    cpvs = json.loads((exported["en"] / "cpvs-brussels.json").read_text())
    [address] = next(s for s in cpvs["service_at_locations"] if s["location"]["location_type"] == "physical")["location"]["addresses"]
    assert {k: address[k] for k in ("address_1", "postal_code", "city", "state_province", "country")} == {
        "address_1": "Rue Haute 320", "postal_code": "1000", "city": "Bruxelles",
        "state_province": "Brussels-Capital Region", "country": "BE"}
    # a printed fact not yet confirmed: no assurance date
    assert "assured_date" not in json.loads((exported["en"] / "helpline-1712.json").read_text())
    short = json.loads((exported["en"] / "helpline-1712.json").read_text())["phones"][0]
    assert short["number"] == "1712"  # a short number, as dialled


def test_identifiers_are_stable_across_runs_and_languages(exported, tmp_path):
    assert run(["--root", str(ROOT), "export", "--hsds", str(tmp_path), "--lang", "en"]) == 0
    for path in exported["en"].glob("*.json"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
        english, french = json.loads(path.read_text()), json.loads((exported["fr"] / path.name).read_text())
        assert _ids(english) == _ids(french)
        assert len(set(_ids(english))) == len(_ids(english))  # no two objects share an identifier
    en, fr = (json.loads((exported[lang] / "unia.json").read_text()) for lang in ("en", "fr"))
    assert en["description"] != fr["description"] and "Unia" in fr["description"]
    assert fr["phones"][0]["description"].startswith("Téléphone. Appel gratuit.")


@pytest.mark.parametrize(("postcode", "name"), [("1000", "Brussels-Capital Region"), ("1299", "Brussels-Capital Region"),
                                                ("1300", "Walloon Brabant"), ("1500", "Flemish Brabant"), ("2000", "Antwerp"),
                                                ("3000", "Flemish Brabant"), ("3500", "Limburg"), ("4500", "Liège"),
                                                ("5000", "Namur"), ("6000", "Hainaut"), ("6600", "Luxembourg"),
                                                ("7000", "Hainaut"), ("8000", "West Flanders"), ("9999", "East Flanders")])
def test_a_postcode_names_its_province(postcode, name):
    assert province(postcode) == name

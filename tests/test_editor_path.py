"""The README's editor path ("Editing the list: start here", `booklet confirm`, a translation sent
out and taken back), walked on a copy of the shipped content: every step the README invites
leaves content that checks, builds and exports, and the build shows the edit."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from generator.base.clock import today
from generator.cli import run
from generator.content.validate import load_catalogue
from generator.render.words import Words

from .conftest import LAYOUTS, ROOT
from .pdfcheck import pdf_text

AUDIENCE = "workplace"
SCHEMA = ROOT / "tests/vendor/hsds-3.0/service_with_definitions.json"
PERIOD = re.compile(r'from: "(\d\d:\d\d)", to: "(\d\d:\d\d)"')


def _audience_services(cat, audience: str) -> list[str]:
    ids: list[str] = []
    for ref in cat.audiences[audience].situations:
        for sid in ref.services if ref.services is not None else cat.situations[ref.situation].services:
            if sid not in ids:
                ids.append(sid)
    return ids


def _change_an_hour(root: Path, cat) -> str:
    """Close a quarter of an hour earlier the first timed period of the audience's first service
    that has one, as an editor does after a call; returns the service's id."""
    for sid in _audience_services(cat, AUDIENCE):
        if cat.services[sid].hold:
            continue
        path = root / f"content/services/{sid}.yaml"
        text = path.read_text("utf-8")
        match = PERIOD.search(text)
        if match:
            opens, closes = (datetime.strptime(t, "%H:%M") for t in match.groups())
            if closes.strftime("%H:%M") != "00:00" and closes - opens > timedelta(minutes=15):
                earlier = (closes - timedelta(minutes=15)).strftime("%H:%M")
                path.write_text(text[:match.start()] + f'from: "{match[1]}", to: "{earlier}"' + text[match.end():], "utf-8")
                return sid
    raise AssertionError(f"no service of {AUDIENCE} has a timed period to change")


def _add_a_service_to_a_situation(root: Path, cat) -> str:
    """Name an existing service, not yet in the audience, in the `services:` list of one of its
    situations (one the audience shows whole); returns the service's id."""
    shown = set(_audience_services(cat, AUDIENCE))
    newcomer = next(sid for sid, s in sorted(cat.services.items()) if sid not in shown and not s.hold
                    and any(not line.hold for line in s.phones))
    ref = next(ref for ref in cat.audiences[AUDIENCE].situations if ref.services is None)
    path = root / f"content/situations/{ref.situation}.yaml"
    text = path.read_text("utf-8")
    inline = re.search(r"^services: \[(.*)\]$", text, re.MULTILINE)
    if inline:
        text = text[:inline.end() - 1] + f", {newcomer}]" + text[inline.end():]
    else:
        block = re.search(r"^services:\n((?:  - .*\n)+)", text, re.MULTILINE)
        assert block, path
        text = text[:block.end()] + f"  - {newcomer}\n" + text[block.end():]
    path.write_text(text, "utf-8")
    return newcomer


def test_the_editor_path_leaves_content_that_checks_builds_and_exports(tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "layouts", root / "layouts")  # where `--root` may look for them
    cli = ["--root", str(root)]
    cat = load_catalogue(root)

    # 1. change a service, and name an existing one in a situation
    changed = _change_an_hour(root, cat)
    added = _add_a_service_to_a_situation(root, cat)
    # after phoning two organisations
    for sid in ("unia", "police-watch"):
        assert run([*cli, "confirm", sid]) == 0, capsys.readouterr().err
    # a translation sent to a translator and taken back
    exported = tmp_path / "fr.po"
    assert run([*cli, "translations", "--export", "fr", "-o", str(exported)]) == 0
    assert run([*cli, "translations", "--import", str(exported)]) == 0, capsys.readouterr().err

    # 2. check
    capsys.readouterr()
    assert run([*cli, "check"]) == 0, capsys.readouterr().out
    cat = load_catalogue(root)
    assert (cat.services["unia"].last_verified, cat.services["unia"].unconfirmed) == (today(), ())
    kept = cat.services["police-watch"]  # its note asks to print the hours, which no one did: kept (issue 29)
    assert kept.last_verified == today() and [note[-50:] for note in kept.unconfirmed] == [
        "Ask Police Watch for its current hours and print them."[-50:]]

    # 3. build one booklet: the new hour, worded as the booklet words it, and the added service
    out = tmp_path / "out"
    assert run([*cli, "build", "-j", "1", "--audience", AUDIENCE, "--lang", "en", "--format", "booklet", "--out", str(out)]) == 0
    text = " ".join(" ".join(pdf_text(out / f"en/{AUDIENCE}-booklet.pdf")).split())
    line = next(line for line in cat.services[changed].phones if line.hours)
    for words in Words("en", LAYOUTS).hours(line.hours):
        assert words in text, words
    newcomer = cat.services[added]
    assert newcomer.name.split(" (")[0] in text
    assert all(line.number.national in text for line in newcomer.phones if not line.hold)

    # the HSDS export: valid against the official schema, and the calls recorded
    hsds = tmp_path / "hsds"
    assert run([*cli, "export", "--hsds", str(hsds)]) == 0
    documents = sorted(hsds.glob("*.json"))
    check = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(check), "--schemafile", str(SCHEMA), *map(str, documents)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    assert json.loads((hsds / "unia.json").read_text())["assured_date"] == today().isoformat()
    assert "assured_date" not in json.loads((hsds / "police-watch.json").read_text())  # a printed fact still unconfirmed

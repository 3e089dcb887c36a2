"""The booklet command: exit codes, messages without tracebacks, nothing lost on failure."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from generator.base.files import write_atomic
from generator.cli import run
from generator.paper import pdf as pdf_module

from .conftest import ROOT, SERVICE


def test_check_real_content_passes(capsys):
    assert run(["--root", str(ROOT), "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    count = {kind: len(list((ROOT / "content" / kind).glob("*.yaml"))) for kind in ("services", "situations", "audiences", "centres")}
    assert out[-1].startswith(f"{count['services']} services, {count['situations']} situations, "
                              f"{count['audiences']} audiences, {count['centres']} centre{'' if count['centres'] == 1 else 's'}: 0 errors, ")
    from generator.content.validate import load_catalogue

    for sid, service in load_catalogue(ROOT).services.items():  # whatever is on hold today (perhaps nothing)
        if service.hold:
            assert any(f"services/{sid}.yaml" in line and "on hold" in line for line in out), sid


EMERGENCY = 'emergency:\n  - {number: "112", label: Emergency, hours: [{days: mo-su, from: "00:00", to: "24:00"}]}\n'


def test_check_lists_what_is_on_hold_and_strict_fails_on_warnings(project, capsys):
    project.write("content/booklet.yaml", EMERGENCY)  # without emergency numbers, --strict stops at their warning
    assert run(["--root", str(project.root), "check", "--strict"]) == 0
    capsys.readouterr()
    project.write("content/services/held.yaml", SERVICE.replace("name: Helpline", "name: Held line")
                  + "hold: Two sources give different numbers.\n")
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, held]\n")
    assert run(["--root", str(project.root), "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any("content/services/held.yaml" in line and "on hold" in line for line in out), out
    assert run(["--root", str(project.root), "check", "--strict"]) == 1
    assert run(["--root", str(project.root), "list"]) == 0
    assert any("held" in line and "[on hold]" in line for line in capsys.readouterr().out.splitlines())


def test_check_reports_errors_with_exit_1_and_no_traceback(project, capsys):
    project.write("content/services/helpline.yaml", SERVICE.replace("0800 12 800", "0800 12 8OO"))
    assert run(["--root", str(project.root), "check"]) == 1
    captured = capsys.readouterr()
    assert "content/services/helpline.yaml:6:13: error: phones[0].number: '0800 12 8OO' is not a Belgian phone number" in captured.out
    assert "Traceback" not in captured.out + captured.err
    # the broken service is still counted (issue 29)
    assert captured.out.splitlines()[-1] == "1 service, 1 situation, 1 audience, 0 centres: 1 error, 0 warnings"


def test_usage_errors_exit_2(project, capsys):
    assert run(["--root", str(project.root), "check", "--no-such-flag"]) == 2
    assert run(["--root", str(project.root / "nowhere"), "check"]) == 2
    assert "no content/ folder" in capsys.readouterr().err


def test_unknown_audience_is_a_clear_error(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1", "--audience", "nobody"]) == 1
    assert "Error: no audience 'nobody'; expected one of: workers" in capsys.readouterr().err


def test_unknown_language_is_a_clear_error(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "xx"]) == 1
    assert "Error: language 'xx' is not enabled; expected one of: en" in capsys.readouterr().err


def test_build_writes_pdf_and_manifest(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    pdf = project.root / "output/en/workers-booklet.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    manifest = json.loads((project.root / "output/manifest.json").read_text())
    assert [d["path"] for d in manifest["documents"]] == [
        "en/workers-booklet-imposed.pdf", "en/workers-booklet.pdf", "en/workers-card.pdf", "en/workers-leaflet.pdf", "en/workers-poster.pdf"]
    assert manifest["documents"][1]["qr_urls"] == ["https://www.example.be/report"]
    assert "Done: 5 PDFs in" in capsys.readouterr().err
    assert oct(pdf.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    # the record names the versions that made the PDFs: those pinned in requirements.lock
    pinned = dict(re.findall(r"^([a-z0-9-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.MULTILINE))
    assert manifest["libraries"]["weasyprint"] == pinned["weasyprint"]
    assert {name: pinned.get(name.lower()) for name in manifest["libraries"]} == manifest["libraries"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_build_with_errors_writes_nothing_and_keeps_earlier_pdfs(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    out = project.root / "output"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    project.write("content/services/helpline.yaml", SERVICE.replace("https://", "http://"))
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "links[0].url: 'http://www.example.be/report' is not an https address" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_build_with_errors_creates_no_output_folder(project):
    project.write("content/services/helpline.yaml", "name: [\n")
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 1
    assert not (project.root / "output").exists()


def test_failed_render_keeps_the_earlier_pdf(project, monkeypatch):
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    pdf = project.root / "output/en/workers-booklet.pdf"
    before = pdf.read_bytes()

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf_module, "html_to_pdfs", broken)
    assert run(["--root", str(project.root), "build", "-j", "1", "--force"]) == 1  # click turns Ctrl-C into "Aborted!"
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        "workers-booklet-imposed.pdf", "workers-booklet.pdf", "workers-card.pdf", "workers-leaflet.pdf", "workers-poster.pdf"]


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out/a.pdf"
    write_atomic(target, b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


def test_list_names_everything(capsys):
    from generator.content.validate import load_catalogue

    cat = load_catalogue(ROOT)
    assert run(["--root", str(ROOT), "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for ident in [*cat.audiences, *cat.situations, *cat.services]:
        assert any(line.split()[:1] == [ident] for line in lines), ident
    assert "\n".join(lines).count("[on hold]") == sum(1 for s in cat.services.values() if s.hold)


def test_console_script_runs(tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "booklet"
    result = subprocess.run([str(exe), "--root", str(ROOT), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 errors" in result.stdout


def test_charged_and_message_only_numbers_are_labelled(project):
    service = SERVICE.replace(
        "  - number: 0800 12 800\n",
        "  - number: 0900 12 019\n    cost: 0.50 euro a minute\n",
    ).replace("emails:", "  - number: 0489 13 33 55\n    call: false\n    apps: [whatsapp, telegram]\nemails:")
    project.write("content/services/helpline.yaml", service)
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    from .pdfcheck import pdf_text

    text = " ".join(pdf_text(project.root / "output/en/workers-booklet.pdf"))
    assert "0900 12 019 charged call: 0.50 euro a minute" in " ".join(text.split())
    assert "Messages (WhatsApp and Telegram) 0489 13 33 55" in " ".join(text.split())
    assert "free call" not in text


def test_an_audience_can_show_only_some_services_of_a_situation(project):
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line"))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")
    project.write("content/audiences/workers.yaml", "title: T\nsituations:\n  - situation: work\n    services: [other]\n")
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    from .pdfcheck import pdf_text

    text = " ".join(pdf_text(project.root / "output/en/workers-booklet.pdf"))
    assert "Other line" in text and "Helpline" not in text


def test_a_service_listed_twice_in_a_situation(project, capsys):
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, helpline]\n")
    assert run(["--root", str(project.root), "check"]) == 1
    assert ("content/situations/work.yaml:2:22: error: services[1]: 'helpline' is listed twice; expected each service once"
            in capsys.readouterr().out)


def test_an_unconfirmed_service_prints_no_checked_date_and_check_names_it(project, capsys):
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line").replace(
        "last_verified: 2026-01-15", "last_verified: 2026-01-20\nunconfirmed:\n  - The hours differ between two sources."))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")
    assert run(["--root", str(project.root), "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "1 warning counted per file (booklet check --reviews lists them):" in out
    assert "content/services/other.yaml: 1 unconfirmed fact" in out
    assert run(["--root", str(project.root), "check", "--reviews"]) == 0
    out = capsys.readouterr().out
    assert ("content/services/other.yaml:16:5: warning: unconfirmed[0]: not confirmed with the organisation, so its card "
            "shows no 'Checked' date: The hours differ between two sources.") in out
    assert "1 service not confirmed with the organisation (no 'Checked' date on the card): Other line" in out
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    from .pdfcheck import pdf_text

    text = " ".join(" ".join(pdf_text(project.root / "output/en/workers-booklet.pdf")).split())
    assert "Checked: 15 January 2026" in text
    assert "20 January 2026" not in text


def test_a_list_marked_everywhere_is_printed_on_the_leaflet_and_the_others_are_not(project):
    project.write("content/services/helpline.yaml", SERVICE.replace("regions:", (
        "lists:\n  - heading: Offers\n    items: [Counselling by phone]\n"
        "  - heading: Centres\n    everywhere: true\n    items: ['Ghent: UZ Gent', 'Liège: CHU de Liège']\nregions:")))
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "leaflet", "--format", "booklet"]) == 0
    from .pdfcheck import pdf_text

    leaflet = " ".join(" ".join(pdf_text(project.root / "output/en/workers-leaflet.pdf")).split())
    booklet = " ".join(" ".join(pdf_text(project.root / "output/en/workers-booklet.pdf")).split())
    assert "Centres Ghent: UZ Gent Liège: CHU de Liège" in leaflet and "Counselling by phone" not in leaflet
    assert "Counselling by phone" in booklet and "Liège: CHU de Liège" in booklet


def test_a_build_repeats_holds_and_not_review_notes_that_mention_them(project, capsys):
    project.write("content/services/helpline.yaml", SERVICE.replace("emails:", (
        "  - number: 0900 12 019\n    hold: Not found in any source.\n"
        "review:\n  - The old number was on hold last year; check it again.\nemails:")))
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "warning: phones[1].hold: '0900 12 019' on hold, not printed: Not found in any source." in said
    assert "The old number was on hold last year" not in said
    assert "more warnings (review notes and the like): run 'booklet check' to list them" in said


def test_check_puts_errors_last_collapses_review_notes_and_narrows(project, capsys, monkeypatch):
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line")
                  .replace("0800 12 800", "0800 12 8OO") + "review:\n  - Ask about Sundays.\n  - Ask about English.\n")
    project.write("content/services/helpline.yaml", SERVICE + "review:\n  - Confirm the name.\n")
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")
    assert run(["--root", str(project.root), "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    error = "content/services/other.yaml:6:13: error: phones[0].number: '0800 12 8OO' is not a Belgian phone number (it contains letters); expected digits such as '0800 12 800'"
    # the broken file's review notes are counted as when it has no error (issue 29)
    assert lines[-2:] == [error, "2 services, 1 situation, 1 audience, 0 centres: 1 error, 3 warnings (counted per file)"]
    assert "content/services/helpline.yaml: 1 review note" in lines and "content/services/other.yaml: 2 review notes" in lines
    assert not any("Confirm the name" in line for line in lines)
    assert "\x1b[" not in "\n".join(lines)  # not a terminal: no colour
    # --reviews lists every note; --errors-only shows only the error; --file narrows to one file
    assert run(["--root", str(project.root), "check", "--reviews"]) == 1
    assert "content/services/helpline.yaml:17:5: warning: review[0]: needs review: Confirm the name." in capsys.readouterr().out
    assert run(["--root", str(project.root), "check", "--errors-only"]) == 1
    out = capsys.readouterr().out
    assert "review" not in out and "Last checked" not in out and error in out
    assert run(["--root", str(project.root), "check", "--file", str(project.root / "content/services/helpline.yaml")]) == 0
    out = capsys.readouterr().out
    assert "other.yaml" not in out and out.splitlines()[-1].endswith("in 1 file: 0 errors, 1 warning (counted per file)")
    assert run(["--root", str(project.root), "check", "--audience", "workers"]) == 1
    assert error in capsys.readouterr().out
    assert run(["--root", str(project.root), "check", "--audience", "nobody"]) == 2
    assert "no audience 'nobody'; expected one of: workers" in capsys.readouterr().err


def test_check_colours_errors_on_a_terminal_unless_no_color(project, capsys, monkeypatch):
    from generator.base import errors

    project.write("content/services/helpline.yaml", SERVICE.replace("0800 12 800", "0800 12 8OO"))
    monkeypatch.setattr(errors, "use_colour", lambda err=False: True)
    assert run(["--root", str(project.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "\x1b[31m\x1b[1merror:\x1b[0m phones[0].number" in out
    monkeypatch.undo()
    monkeypatch.setenv("NO_COLOR", "1")
    assert errors.use_colour() is False


def test_the_field_reference_is_generated_from_the_schema_and_kept_current():
    from generator.content.fieldref import reference
    from generator.content.model import Service

    text = reference()
    assert (ROOT / "docs/fields.md").read_text("utf-8") == text, "run: booklet fields > docs/fields.md"
    for name in Service.model_fields:  # every field of a service is there, with its description
        assert f"| `{name}` |" in text
    assert "| `regions` | list of one of: `federal`, `brussels`, `flanders`, `wallonia` | yes |" in text
    assert "| `number` | phone number | yes | As written by the organisation;" in text


def test_a_build_says_once_which_file_to_print_and_how(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet-imposed", "--format", "leaflet"]) == 0
    err = capsys.readouterr().err
    assert err.count("How to print:") == 1
    # each file with the sheets of paper a copy takes (issue 29)
    assert ("  Booklet to print on A4: en/workers-booklet-imposed.pdf (1 A4 sheet a copy). Print both sides of A4 paper, "
            "flipping on the short edge, at actual size (100%). Fold the stack in the middle and staple it.") in err
    assert "  Leaflet (A4, folded in three): en/workers-leaflet.pdf (1 A4 sheet a copy). Print both sides of one A4 sheet" in err
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--print-shop"]) == 0
    assert ("  Booklet (A5 pages) for a print shop: en/workers-booklet-print.pdf (4 pages). Send it to the print shop as it is: "
            "PDF/X-4 with 3 mm bleed and crop marks, CMYK colours.") in capsys.readouterr().err

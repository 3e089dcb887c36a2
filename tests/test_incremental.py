"""Builds rebuild only what changed, spread over processes, shard for CI, and are reproducible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf

from generator.cli import run

from .conftest import SERVICE, built_pdfs
from .pdfcheck import pdf_text

BOOKLET = Path(sys.executable).parent / "booklet"


def two_audiences(project):
    """'workers' shows the helpline, 'others' shows another service."""
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line")
                  .replace("0800 12 800", "0800 99 961"))
    project.write("content/situations/elsewhere.yaml", "title: Elsewhere?\nservices: [other]\n")
    project.write("content/audiences/others.yaml", "title: Others\nsituations: [elsewhere]\n")


def built_paths(err: str) -> list[str]:
    return sorted(line.split()[1] for line in err.splitlines() if line.startswith("built "))


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in built_pdfs(folder)}


def test_a_build_with_nothing_changed_renders_nothing(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    before = outputs(project.root / "output")
    manifest = (project.root / "output/manifest.json").read_text()
    capsys.readouterr()
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    assert "Done: nothing changed, no PDF rendered" in capsys.readouterr().err
    assert outputs(project.root / "output") == before
    assert (project.root / "output/manifest.json").read_text() == manifest


FAST_PATH = """
import sys
from generator.cli import main
sys.argv = ["booklet", "--root", sys.argv[1], "build", "-j", "1"]
try:
    main()
except SystemExit:
    pass
heavy = ("pydantic", "yaml", "babel", "phonenumbers", "jinja2", "qrcode", "weasyprint", "pypdf")
print(sorted(name for name in heavy if name in sys.modules))
"""


def test_nothing_changed_answers_before_loading_the_validator_or_renderer(project):
    """The no-change check hashes the inputs with the standard library only (generator/quick.py)
    and repeats the last build's notices: a fact on hold is never silently forgotten."""
    project.write("content/services/helpline.yaml", SERVICE + "hold: Not sure this number is theirs.\n")
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line"))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")

    def build() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", FAST_PATH, str(project.root)], capture_output=True, text=True,
                              check=True, cwd=project.root)

    first = build()
    assert "built en/workers-booklet.pdf" in first.stderr
    second = build()
    assert second.stdout.strip() == "[]"  # nothing heavy was imported
    assert "Done: nothing changed, no PDF rendered" in second.stderr
    notice = "content/services/helpline.yaml:16:7: warning: hold: on hold, left out of every booklet: Not sure this number is theirs."
    assert notice in first.stderr and notice in second.stderr
    # a changed input, or a PDF gone, takes the full path again
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other helpline"))
    third = build()
    assert "built en/workers-booklet.pdf" in third.stderr and "'pydantic'" in third.stdout
    (project.root / "output/en/workers-poster.pdf").unlink()
    assert "built en/workers-poster.pdf" in build().stderr
    assert "nothing changed" in build().stderr
    (project.root / "output/manifest.json").unlink()  # CI publishes it: a build must bring it back
    again = build()
    assert "'pydantic'" in again.stdout and (project.root / "output/manifest.json").is_file()


def test_changing_one_service_rebuilds_only_the_pdfs_that_show_it(project, capsys):
    two_audiences(project)
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    before = outputs(project.root / "output")
    capsys.readouterr()
    project.write("content/services/helpline.yaml", SERVICE.replace("Listens and helps.", "Listens, and helps."))
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    # the poster prints the summary too (the service has no one-line 'short:'): every PDF of the
    # audience that shows the summary is rebuilt, none of the other audience's, nor the wallet
    # card (it shows the name and number, not the summary: its HTML is the same)
    assert built_paths(capsys.readouterr().err) == [
        "en/workers-booklet-imposed.pdf", "en/workers-booklet.pdf", "en/workers-leaflet.pdf", "en/workers-poster.pdf"]
    after = outputs(project.root / "output")
    assert {k for k in after if after[k] != before[k]} <= {k for k in after if k.startswith("en/workers")}
    assert all(after[k] == before[k] for k in after if k.startswith("en/others"))
    # and the next build has nothing to do
    capsys.readouterr()
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0
    assert "nothing changed" in capsys.readouterr().err


def test_a_change_printed_only_on_the_back_cover_rebuilds_the_booklet(project, capsys):
    """The fingerprint covers all a PDF may be laid out from, not only its first arrangement's
    HTML: a line to talk to is printed only on the booklet's back cover (laid out after its pages)."""
    talk = SERVICE.replace("name: Helpline", "name: Night line").replace('{days: mo-fr, from: "09:30", to: "13:00"}',
                                                                         '{days: mo-su, from: "00:00", to: "24:00"}')
    project.write("content/services/night.yaml", talk)
    project.write("content/booklet.yaml", "talk: [night]\n")
    build = ["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]
    assert run(build) == 0
    assert "0800 12 800" in pdf_text(project.root / "output/en/workers-booklet.pdf")[-1]
    capsys.readouterr()
    project.write("content/services/night.yaml", talk.replace("0800 12 800", "0800 99 961"))
    assert run(build) == 0
    assert built_paths(capsys.readouterr().err) == ["en/workers-booklet.pdf"]
    assert "0800 99 961" in pdf_text(project.root / "output/en/workers-booklet.pdf")[-1]


def test_a_damaged_output_is_rebuilt_and_force_rebuilds_all(project, capsys):
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    pdf = project.root / "output/en/workers-booklet.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(b"%PDF-damaged")
    capsys.readouterr()
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    assert built_paths(capsys.readouterr().err) == ["en/workers-booklet.pdf"]
    assert pdf.read_bytes() == good
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--force"]) == 0
    assert built_paths(capsys.readouterr().err) == ["en/workers-booklet.pdf"]


def test_parallel_build_gives_the_same_files_as_a_serial_one(project, tmp_path):
    two_audiences(project)
    assert run(["--root", str(project.root), "build", "-j", "1", "--out", str(tmp_path / "serial")]) == 0
    assert run(["--root", str(project.root), "build", "-j", "2", "--out", str(tmp_path / "parallel")]) == 0
    serial, parallel = outputs(tmp_path / "serial"), outputs(tmp_path / "parallel")
    assert len(serial) == 10 and serial == parallel


def test_shards_split_the_set_without_overlap(project, tmp_path, capsys):
    two_audiences(project)
    seen: list[str] = []
    for i in (1, 2, 3):
        capsys.readouterr()
        assert run(["--root", str(project.root), "build", "-j", "1", "--shard", f"{i}/3", "--out", str(tmp_path / str(i))]) == 0
        seen += built_paths(capsys.readouterr().err)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 10
    assert run(["--root", str(project.root), "build", "-j", "1", "--shard", "4/3"]) == 1
    assert "--shard '4/3' is not of the form i/n with 1 <= i <= n, such as 1/4" in capsys.readouterr().err


def test_changed_since_builds_what_a_git_range_touched(project, capsys):
    two_audiences(project)
    git = ["git", "-C", str(project.root), "-c", "user.email=t@example.be", "-c", "user.name=t"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "content"], check=True)
    subprocess.run(git + ["commit", "-qm", "content"], check=True)
    project.write("content/services/other.yaml",
                  SERVICE.replace("name: Helpline", "name: Other line").replace("0800 12 800", "0800 99 962"))
    assert run(["--root", str(project.root), "build", "-j", "1", "--changed-since", "HEAD"]) == 0
    assert built_paths(capsys.readouterr().err) == [
        "en/others-booklet-imposed.pdf", "en/others-booklet.pdf", "en/others-card.pdf", "en/others-leaflet.pdf", "en/others-poster.pdf"]
    assert run(["--root", str(project.root), "build", "-j", "1", "--changed-since", "no-such-ref"]) == 1
    assert "--changed-since no-such-ref: git could not read that revision" in capsys.readouterr().err


def test_the_same_input_gives_the_same_bytes_on_any_machine_setting(project, tmp_path):
    """Two processes with another time zone, locale and file order give byte-identical PDFs."""
    two_audiences(project)
    runs = [
        {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        {"TZ": "Pacific/Auckland", "LC_ALL": "fr_BE.UTF-8", "LANG": "fr_BE.UTF-8"},
    ]
    both = ("import sys\nfrom generator.cli import run\n"
            "for extra in ([], ['--print-shop']):\n"
            "    assert run(['--root', sys.argv[1], 'build', '-j', '1', '--out', sys.argv[2], *extra]) == 0\n")
    results = []
    for i, env in enumerate(runs):
        out = tmp_path / f"run{i}"
        subprocess.run([sys.executable, "-c", both, str(project.root), str(out)], env={**os.environ, **env}, check=True,
                       capture_output=True)
        results.append(outputs(out))
    # 2 audiences: booklet, imposed, leaflet, poster, card, and the print shop's booklet and poster
    assert len(results[0]) == 14 and results[0] == results[1]


def test_source_date_epoch_sets_the_document_dates(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    meta = pypdf.PdfReader(project.root / "output/en/workers-booklet.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20260101000000")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    meta = pypdf.PdfReader(project.root / "output/en/workers-booklet.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20260115")  # the content's last check


def test_manifest_records_fingerprints(project):
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    entry = json.loads((project.root / "output/manifest.json").read_text())["documents"][0]
    assert len(entry["fingerprint"]) == 64 and len(entry["inputs"]) == 64

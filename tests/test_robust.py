"""Nothing is lost: a killed build, two builds at once, and random content never crash."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from generator.cli import run

from .conftest import SERVICE, many_services

BOOKLET = Path(sys.executable).parent / "booklet"


def four_audiences(project, count: int = 12) -> None:
    many_services(project, [f"line-{i:02d}" for i in range(count)])
    project.write("content/audiences/workers.yaml", "title: T\nsituations: [work]\nleaflet: [line-00]\n")
    for lang_audience in ("a", "b", "c"):
        project.write(f"content/audiences/{lang_audience}.yaml", "title: T\nsituations: [work]\nleaflet: [line-00]\n")


def test_a_second_build_at_the_same_time_is_refused(project, capsys):
    out = project.root / "output"
    out.mkdir()
    with (out / ".booklet.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242, started 2026-11-28 10:00:00 UTC")
        held.flush()
        assert run(["--root", str(project.root), "build", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert f"Error: another build is writing to {out} (pid 4242, started 2026-11-28 10:00:00 UTC); wait for it to finish" in err
    assert not list(out.rglob("*.pdf"))
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0  # released: the next build runs


def test_a_build_killed_midway_leaves_every_pdf_whole_and_the_manifest_readable(project):
    four_audiences(project)
    out = project.root / "output"
    subprocess.run([str(BOOKLET), "--root", str(project.root), "build", "-j", "1", "--out", str(out)], check=True,
                   capture_output=True)
    before = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    # Change every PDF, start a full rebuild and kill it hard while it writes.
    project.write("content/services/line-00.yaml", SERVICE.replace("name: Helpline", "name: Line zero"))
    proc = subprocess.Popen([str(BOOKLET), "--root", str(project.root), "build", "-j", "1", "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and b"built " not in proc.stderr.peek(4096):  # the first PDF is written
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    assert set(after) == set(before)  # nothing deleted
    for path, data in after.items():
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
        pypdf.PdfReader(path)  # and it parses
    assert len(after) == 16
    json.loads((out / "manifest.json").read_text())
    # The next build finishes the job and cleans what the killed one left
    assert run(["--root", str(project.root), "build", "-j", "1", "--out", str(out)]) == 0
    assert not list(out.rglob(".*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["documents"]:
        assert entry["sha256"] == hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest()


@pytest.mark.parametrize("signal_number", [signal.SIGINT])
def test_ctrl_c_leaves_no_temporary_file(project, signal_number):
    four_audiences(project)
    out = project.root / "output"
    proc = subprocess.Popen([str(BOOKLET), "--root", str(project.root), "build", "-j", "1", "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(2.5)
    proc.send_signal(signal_number)
    proc.wait(timeout=60)
    assert not list(out.rglob(".*.tmp"))
    for path in out.rglob("*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF")

"""Nothing is lost: a killed build, two builds at once, and random content never crash."""

from __future__ import annotations

import fcntl
import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from generator.cli import run

from .conftest import SERVICE, built_pdfs, many_services

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
    assert not list(built_pdfs(out))
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0  # released: the next build runs


# A build that stops inside its third write (a PDF, the manifest, then the second PDF: with the
# temporary file on disk and its bytes written, before the flush to disk and the rename) and tells the test so, so that the signal is
# known to arrive mid-write rather than after an arbitrary sleep. Ctrl-C as at a terminal: a test
# run started in the background of a shell inherits SIGINT ignored, and the build would never see it.
PAUSED = """
import os, signal, sys, time
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)
from generator.base import files
from generator.cli import main
marker, writes, real_fsync = Path(sys.argv[2]), [], os.fsync
def fsync(fd):
    writes.append(fd)
    if len(writes) == 3:
        marker.write_text(str(sorted(p.name for p in marker.parent.rglob(".*.tmp"))))
        time.sleep(60)
    real_fsync(fd)
files.os.fsync = fsync
sys.argv = ["booklet", "--root", sys.argv[1], "build", "-j", "1", "--out", sys.argv[3], *sys.argv[4:]]
main()
"""


def stopped_mid_write(project, out: Path, signal_number: int, *options: str) -> subprocess.Popen:
    """Run a build, wait until it is inside a write, and send it the signal."""
    marker = out / "paused"
    out.mkdir(exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", PAUSED, str(project.root), str(marker), str(out), *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not marker.exists() and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), proc.stderr.read().decode() if proc.stderr else ""
    held = marker.read_text()
    assert held.startswith("['.") and ".pdf." in held and held.endswith(".tmp']")  # the half-made PDF is on disk
    marker.unlink()
    proc.send_signal(signal_number)
    proc.wait(timeout=60)
    return proc


def test_a_build_killed_midway_leaves_every_pdf_whole_and_the_manifest_readable(project):
    four_audiences(project)
    out = project.root / "output"
    booklets = ["--format", "booklet", "--format", "booklet-imposed"]
    assert run(["--root", str(project.root), "build", "-j", "1", "--out", str(out), *booklets]) == 0
    before = {p: p.read_bytes() for p in built_pdfs(out)}
    # Change every PDF, start a full rebuild and kill it hard in the middle of a write.
    project.write("content/services/line-00.yaml", SERVICE.replace("name: Helpline", "name: Line zero"))
    proc = stopped_mid_write(project, out, signal.SIGKILL, *booklets)
    assert proc.returncode == -signal.SIGKILL
    assert len(list(out.rglob(".*.tmp"))) == 1  # kill -9 leaves the half-made file: no handler runs
    after = {p: p.read_bytes() for p in built_pdfs(out)}
    assert set(after) == set(before) and len(after) == 8  # nothing deleted
    assert sum(after[p] != before[p] for p in after) == 1  # one rewritten, the second was being written
    for path, data in after.items():
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
        pypdf.PdfReader(path)  # and it parses
    json.loads((out / "manifest.json").read_text())
    # The next build finishes the job and cleans what the killed one left
    assert run(["--root", str(project.root), "build", "-j", "1", "--out", str(out), *booklets]) == 0
    assert not list(out.rglob(".*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["documents"]:
        assert entry["sha256"] == hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest()


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_leaves_no_temporary_file(project, signal_number):
    four_audiences(project)
    out = project.root / "output"
    proc = stopped_mid_write(project, out, signal_number)
    assert proc.returncode != 0 and b"Done:" not in (proc.stderr.read() if proc.stderr else b"")  # it stopped
    assert not list(out.rglob(".*.tmp"))
    assert len(list(built_pdfs(out))) == 1  # the one written before; the second never appeared
    for path in built_pdfs(out):
        assert path.read_bytes().rstrip().endswith(b"%%EOF")

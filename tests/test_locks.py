"""The locks install on any machine: every requirement is name==version from the package index
with its hashes. A lock once named a wheel in a temporary folder of one machine; CI passed there
and nobody else could install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.check_locks import RUNTIME_LOCK, TEST_LOCK, check_files, check_text, lock_files

ROOT = Path(__file__).resolve().parent.parent
GOOD = """\
jinja2==3.1.6 \\
    --hash=sha256:0137fb05990d35f1275a587e9aee6d56da821fc83491a0fb838183be43f66d6d \\
    --hash=sha256:85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67
    # via booklet (pyproject.toml)
markupsafe==3.0.3 \\
    --hash=sha256:0303439a41979d9e74d18ff5e2dd8c43ed6c6001fd40e5bf2e43f7bd9bbc523f
    # via jinja2
"""
HASH = "    --hash=sha256:fef5050dfdc3a295c27fbe82a39ac4fddc24f11ab03faaf308b42a90b39a5bd8\n"
EXPECTED = "expected name==version with --hash lines, from the package index"


def test_every_lock_of_the_project_installs_anywhere():
    found = lock_files(ROOT)
    names = {p.name for p in found}
    assert {RUNTIME_LOCK, TEST_LOCK} <= names, names
    assert check_files(found, ROOT) == []
    # the runtime lock holds no test tool: `make build` installs nothing a volunteer does not need
    _, runtime = check_text((ROOT / RUNTIME_LOCK).read_text(), RUNTIME_LOCK)
    assert {"weasyprint", "pydyf", "jinja2", "pyyaml", "qrcode"} <= {p.name for p in runtime}
    assert not {"pytest", "selenium", "page-validation", "hypothesis", "ruff", "mypy"} & {p.name for p in runtime}


def test_a_local_file_is_refused_naming_its_line():
    text = GOOD + ("page-validation @ file:///tmp/pv/page_validation-0.11.0-cp311-cp311-manylinux_2_17_x86_64.whl"
                   "#sha256=fef5050dfdc3a295c27fbe82a39ac4fddc24f11ab03faaf308b42a90b39a5bd8 \\\n" + HASH)
    problems, pins = check_text(text, "requirements.lock")
    assert problems == [
        "requirements.lock:8: page-validation @ file:///tmp/pv/page_validation-0.11.0-cp311-cp311-manylinux_2_17_x86_64.whl"
        f"#sha256=fef5050dfdc3a295c27fbe82a39ac4fddc24f11ab03faaf308b42a90b39a5bd8: a local file; {EXPECTED}"]
    assert [p.name for p in pins] == ["jinja2", "markupsafe"]


@pytest.mark.parametrize(("line", "why"), [
    ("page-validation @ https://example.org/page_validation-0.11.0.whl \\\n" + HASH, "a direct reference to a URL"),
    ("https://example.org/page_validation-0.11.0.whl \\\n" + HASH, "a direct reference to a URL"),
    ("./wheels/page_validation-0.11.0.whl \\\n" + HASH, "a path"),
    ("/tmp/pv/page_validation-0.11.0.whl \\\n" + HASH, "a path"),
    ("-e .\n", "an editable install"),
    ("--editable git+https://example.org/x.git#egg=x\n", "an editable install"),
    ("-r other.txt\n", "includes another file"),
    ("--find-links /tmp/pv\n", "names a package source; the lock takes packages from the default index only"),
    ("--extra-index-url https://mirror.example/simple\n", "names a package source; the lock takes packages from the default index only"),
    ("page-validation>=0.11 \\\n" + HASH, "no exact version"),
    ("page-validation==0.* \\\n" + HASH, "a version with a wildcard, not an exact version"),
])
def test_other_ways_a_lock_depends_on_one_place_are_refused(line, why):
    problems, _ = check_text(GOOD + line, "requirements-test.lock")
    shown = line.split(" \\\n")[0].strip()
    assert problems == [f"requirements-test.lock:8: {shown}: {why}; {EXPECTED}"]


def test_a_pin_needs_its_hashes():
    problems, _ = check_text(GOOD + "page-validation==0.11.0\n", "requirements.lock")
    assert problems == [f"requirements.lock:8: page-validation==0.11.0: no --hash; {EXPECTED}"]
    problems, _ = check_text(GOOD + "page-validation==0.11.0 --hash=md5:abc\n", "requirements.lock")
    assert problems == [f"requirements.lock:8: page-validation: '--hash=md5:abc' is not a sha256 hash; {EXPECTED}"]


def test_the_test_lock_checks_the_versions_a_build_uses(tmp_path):
    (tmp_path / RUNTIME_LOCK).write_text(GOOD)
    (tmp_path / TEST_LOCK).write_text(GOOD.replace("markupsafe==3.0.3", "markupsafe==3.0.2").replace("jinja2==3.1.6", "pytest==9.0.0"))
    assert check_files([tmp_path / RUNTIME_LOCK, tmp_path / TEST_LOCK], tmp_path) == [
        f"{TEST_LOCK}:1: jinja2 is missing; the runtime lock pins it ({RUNTIME_LOCK}:1: 3.1.6), and the tests must check what a build uses",
        f"{TEST_LOCK}:5: markupsafe==3.0.2, but {RUNTIME_LOCK}:5 pins 3.0.3; the tests must check what a build uses",
    ]


def test_ci_refuses_a_local_file_before_installing_anything(tmp_path):
    """.ci/run on a copy of the project whose lock names a file: it fails naming the line, and
    `make` (which would install) is never run."""
    shutil.copytree(ROOT / ".ci", tmp_path / ".ci")
    shutil.copytree(ROOT / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    for name in (RUNTIME_LOCK, TEST_LOCK):
        shutil.copy(ROOT / name, tmp_path / name)
    lock = tmp_path / TEST_LOCK
    lines = lock.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("page-validation=="))
    lines[at] = "page-validation @ file:///tmp/pv/page_validation-0.11.0-cp311-cp311-manylinux_2_17_x86_64.whl \\\n"
    lock.write_text("".join(lines))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(f"#!/bin/sh\ntouch {tmp_path}/make-ran\n")
    (bin_dir / "make").chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([str(tmp_path / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert (f"{TEST_LOCK}:{at + 1}: page-validation @ file:///tmp/pv/page_validation-0.11.0-cp311-cp311-manylinux_2_17_x86_64.whl"
            f": a local file; {EXPECTED}\n") in result.stderr
    assert not (tmp_path / "make-ran").exists()
    # put back, the same run goes on to make
    shutil.copy(ROOT / TEST_LOCK, lock)
    result = subprocess.run([str(tmp_path / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "make-ran").exists()
    assert textwrap.dedent(result.stdout).startswith("check_locks: 2 files,")

"""The CI workflow is valid, and the commands it runs exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import ROOT

WORKFLOW = ROOT / ".github/workflows/booklets.yml"
BIN = Path(sys.executable).parent


def test_workflow_matches_the_github_actions_schema():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_on_content_changes_and_uses_the_readme_commands():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # PyYAML reads the key 'on' as True
    assert "content/**" in triggers["push"]["paths"] and "layouts/**" in triggers["push"]["paths"]
    steps = [step.get("run", "") for job in flow["jobs"].values() for step in job["steps"]]
    assert any("make test" in s for s in steps)
    assert any("--shard" in s for s in steps) and any("--changed-since" in s for s in steps)
    help_text = subprocess.run([str(BIN / "booklet"), "build", "--help"], capture_output=True, text=True).stdout
    for option in ("--shard", "--changed-since", "--out"):
        assert option in help_text


def test_main_publishes_the_site_with_its_pdfs_to_github_pages():
    flow = yaml.safe_load(WORKFLOW.read_text())
    jobs = flow["jobs"]
    uses = {job: [step.get("uses", "").split("@")[0] for step in spec["steps"]] for job, spec in jobs.items()}
    assert "actions/configure-pages" in uses["pages"]
    assert "actions/upload-pages-artifact" in uses["publish"] and "actions/deploy-pages" in uses["deploy"]
    upload = next(s for s in jobs["publish"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "output/site/"  # the pages, with hard links (here copies) of every PDF
    assert "refs/heads/main" in jobs["deploy"]["if"] and jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    build_step = next(s["run"] for s in jobs["build"]["steps"] if "--shard" in s.get("run", ""))
    assert '--site-url "$SITE_URL/"' in build_step and "needs.pages.outputs.base_url" in str(jobs["build"]["steps"])
    assert any("booklet site --out output" in s.get("run", "") for s in jobs["publish"]["steps"])
    help_text = subprocess.run([str(BIN / "booklet"), "site", "--help"], capture_output=True, text=True).stdout
    assert "--out" in help_text

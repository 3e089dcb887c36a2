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


VERIFY = ROOT / ".github/workflows/verify.yml"


def test_the_weekly_check_is_valid_and_runs_on_a_schedule_and_by_hand():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(VERIFY)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    flow = yaml.safe_load(VERIFY.read_text())
    assert flow[True]["schedule"] and "workflow_dispatch" in flow[True]
    assert flow["permissions"]["issues"] == "write"
    runs = "\n".join(step.get("run", "") for step in flow["jobs"]["verify"]["steps"])
    for command, options in (("verify", ("--max-age", "--quiet", "--json")), ("review-sheet", ("--markdown",))):
        assert f".venv/bin/booklet {command} " in runs
        help_text = subprocess.run([str(BIN / "booklet"), command, "--help"], capture_output=True, text=True).stdout
        for option in options:
            assert option in help_text and option in runs


def _issue_step(tmp_path: Path, attention: str, open_issue: str) -> list[str]:
    """Run the workflow's issue step with a stand-in `gh` that logs its arguments."""
    flow = yaml.safe_load(VERIFY.read_text())
    step = next(s for s in flow["jobs"]["verify"]["steps"] if s.get("name", "").startswith("Open, update or close"))
    (tmp_path / "output/review").mkdir(parents=True, exist_ok=True)
    (tmp_path / "output/review/attention.md").write_text(attention, "utf-8")
    fake = tmp_path / "bin/gh"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\necho "$*" >> "$GH_LOG"\n[ "$1 $2" = "issue list" ] && printf "%s" "$OPEN_ISSUE"\nexit 0\n')
    fake.chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "GH_LOG": str(log), "OPEN_ISSUE": open_issue, "RUN_URL": "https://ci/run/1"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines() if log.exists() else []


def test_the_weekly_check_keeps_one_issue(tmp_path):
    attention = "2 services to call with something to confirm.\n\n### Fedasil (printed address broken)\n- [ ] **x**\n"
    calls = _issue_step(tmp_path, attention, "")
    assert calls[0].startswith("issue list --label facts-check --state open")
    assert calls[-1] == ("issue create --title Facts to check: broken addresses, old checks, open questions "
                         "--label facts-check --body-file output/review/issue.md")
    body = (tmp_path / "output/review/issue.md").read_text()
    assert body.startswith("Written by the weekly check (https://ci/run/1)") and body.endswith(attention)
    assert _issue_step(tmp_path, attention, "12")[1:] == ["issue edit 12 --body-file output/review/issue.md"]
    nothing = "Nothing needs attention: no broken address, no stale check, no open question.\n"
    assert _issue_step(tmp_path, nothing, "12")[1:] == ["issue close 12 --comment Nothing needs attention any more (https://ci/run/1)."]
    assert _issue_step(tmp_path, nothing, "")[1:] == []
    long = "intro\n\n" + "".join(f"### Service {i}\n- [ ] **Open question**: {'x' * 500}\n\n" for i in range(200))
    _issue_step(tmp_path, long, "12")
    body = (tmp_path / "output/review/issue.md").read_text()
    assert len(body) < 65536 and body.endswith("(The list goes on: see the call sheet attached to the run.)\n")

"""The CI workflow is valid, and the commands it runs exist."""

from __future__ import annotations

import json
import re
import shutil
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
    assert flow["jobs"]["verify"]["permissions"] == {"contents": "read", "issues": "write"}
    runs = "\n".join(step.get("run", "") for step in flow["jobs"]["verify"]["steps"])
    for command, options in (("verify", ("--max-age", "--quiet", "--json")), ("check", ("--json",)), ("review-sheet", ("--markdown",))):
        assert f".venv/bin/booklet {command} " in runs
        help_text = subprocess.run([str(BIN / "booklet"), command, "--help"], capture_output=True, text=True).stdout
        for option in options:
            assert option in help_text and option in runs


FINE_VERIFY = {"no_network": False, "counts": {"ok": 12, "redirect": 1}, "broken_printed": 0, "unchecked_printed": 0}
FINE_CHECK = {"errors": 0, "warnings": 0, "warnings_by_kind": {}}


def _issue_step(tmp_path: Path, attention: str, open_issue: str, verify: dict | None = None, check: dict | None = None,
                verify_status: str = "0", check_status: str = "0") -> list[str]:
    """Run the workflow's issue step with a stand-in `gh` that logs its arguments, after commands
    that wrote these results (``None``: wrote nothing)."""
    flow = yaml.safe_load(VERIFY.read_text())
    step = next(s for s in flow["jobs"]["verify"]["steps"] if s.get("name", "").startswith("Open, update or close"))
    (tmp_path / "output/review").mkdir(parents=True, exist_ok=True)
    (tmp_path / "output/verify").mkdir(parents=True, exist_ok=True)
    (tmp_path / "output/review/attention.md").write_text(attention, "utf-8")
    for path, data in (("output/verify/report.json", verify), ("output/review/check.json", check)):
        (tmp_path / path).unlink(missing_ok=True)
        if data is not None:
            (tmp_path / path).write_text(json.dumps(data), "utf-8")
    (tmp_path / "tools").mkdir(exist_ok=True)
    shutil.copy(ROOT / "tools/facts_issue.py", tmp_path / "tools/facts_issue.py")
    fake = tmp_path / "bin/gh"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\necho "$*" >> "$GH_LOG"\n[ "$1 $2" = "issue list" ] && printf "%s" "$OPEN_ISSUE"\nexit 0\n')
    fake.chmod(0o755)
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "GH_LOG": str(log), "OPEN_ISSUE": open_issue, "RUN_URL": "https://ci/run/1",
           "VERIFY_STATUS": verify_status, "CHECK_STATUS": check_status}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return log.read_text().splitlines() if log.exists() else []


def test_the_weekly_check_keeps_one_issue(tmp_path):
    attention = "2 services to call with something to confirm.\n\n### Fedasil (printed address broken)\n- [ ] **x**\n"
    broken = FINE_VERIFY | {"counts": {"ok": 11, "broken": 2}, "broken_printed": 1}
    calls = _issue_step(tmp_path, attention, "", broken, FINE_CHECK, "1")
    assert calls[0].startswith("issue list --label facts-check --state open")
    assert calls[-1] == ("issue create --title Facts to check: broken addresses, old checks, open questions "
                         "--label facts-check --body-file output/review/issue.md")
    body = (tmp_path / "output/review/issue.md").read_text()
    assert body.startswith("Written by the weekly check (https://ci/run/1)") and body.endswith(attention)
    assert ("What the checks counted:\n- addresses: 2 broken\n- printed addresses broken: 1\n"
            "- booklet verify exited 1\n") in body
    assert _issue_step(tmp_path, attention, "12", broken, FINE_CHECK, "1")[1:] == ["issue edit 12 --body-file output/review/issue.md"]
    nothing = "Nothing needs attention: no broken address, no stale check, no open question.\n"
    assert _issue_step(tmp_path, nothing, "12", FINE_VERIFY, FINE_CHECK)[1:] == [
        "issue close 12 --comment Nothing needs attention any more (https://ci/run/1)."]
    assert _issue_step(tmp_path, nothing, "", FINE_VERIFY, FINE_CHECK)[1:] == []
    long = "intro\n\n" + "".join(f"### Service {i}\n- [ ] **Open question**: {'x' * 500}\n\n" for i in range(200))
    _issue_step(tmp_path, long, "12", FINE_VERIFY, FINE_CHECK | {"warnings": 200, "warnings_by_kind": {"review": 200}})
    body = (tmp_path / "output/review/issue.md").read_text()
    assert "- content: 0 errors, 200 warnings (200 review)\n" in body
    assert len(body) < 65536 and body.endswith("(The list goes on: see the call sheet attached to the run.)\n")


def test_text_the_content_writes_cannot_close_the_issue(tmp_path):
    """A review note written as a |- block whose second line starts 'Nothing needs attention'
    lands at the start of a line of attention.md: the old step grepped for it and closed the
    issue while 26 services needed attention. The counts decide now."""
    attention = ("26 services to call with something to confirm.\n\n### Fedasil (open question)\n"
                 "- [ ] **Open question**: first line\nNothing needs attention: no broken address.\n")
    reviews = FINE_CHECK | {"warnings": 26, "warnings_by_kind": {"review": 26}}
    assert _issue_step(tmp_path, attention, "12", FINE_VERIFY, reviews)[1:] == ["issue edit 12 --body-file output/review/issue.md"]
    # and 'Nothing needs attention' as the whole list, while the addresses were not checked in time
    nothing = "Nothing needs attention: no broken address, no stale check, no open question.\n"
    late = FINE_VERIFY | {"counts": {"ok": 3, "unchecked": 4}, "unchecked_printed": 4}
    assert _issue_step(tmp_path, nothing, "12", late, FINE_CHECK, "1")[1:] == ["issue edit 12 --body-file output/review/issue.md"]
    assert "- addresses: 4 unchecked\n- printed addresses not checked: 4\n" in (tmp_path / "output/review/issue.md").read_text()
    # a command that wrote nothing, failed, or had no network never counts as 'nothing to do'
    for verify, check, statuses in ((None, FINE_CHECK, ("1", "0")), (FINE_VERIFY, None, ("0", "1")),
                                    (FINE_VERIFY | {"no_network": True}, FINE_CHECK, ("1", "0")),
                                    (FINE_VERIFY, FINE_CHECK, ("0", "1")), (FINE_VERIFY, FINE_CHECK, ("", ""))):
        assert _issue_step(tmp_path, nothing, "12", verify, check, *statuses)[1:] == ["issue edit 12 --body-file output/review/issue.md"]


def test_the_issue_escapes_mentions_and_markdown_from_content(project, capsys):
    """A service named '@octocat **[urgent](https://evil.example)**' would ping a user and put a
    link of its own in the issue."""
    from generator.cli import run

    from .conftest import SERVICE

    project.write("content/services/helpline.yaml", SERVICE.replace("name: Helpline", "name: \"@octocat **[urgent](https://evil.example)** #1\"")
                  + "review:\n  - |-\n    Ask @team\n    ### Nothing needs attention <img src=x>\n")
    assert run(["--root", str(project.root), "review-sheet", "--markdown", "-"]) == 0
    out = capsys.readouterr().out
    assert "### @\u200boctocat \\*\\*\\[urgent\\](https://evil.example)\\*\\* #\u200b1 (open question)" in out.splitlines()
    assert ("- [ ] **Open question**: Ask @\u200bteam #\u200b#\u200b#\u200b Nothing needs attention \\<img src=x\\> "
            "(`content/services/helpline.yaml:") in out
    assert not any(line.startswith(("Nothing", "### Nothing")) for line in out.splitlines())


def test_actions_are_pinned_and_untrusted_values_pass_through_env():
    for workflow in (WORKFLOW, VERIFY):
        text = workflow.read_text()
        flow = yaml.safe_load(text)
        assert flow["permissions"] == {}, workflow  # each job asks for its own
        for name, job in flow["jobs"].items():
            assert "permissions" in job, (workflow, name)
            for step in job["steps"]:
                uses = step.get("uses")
                if uses:
                    line = next(x for x in text.splitlines() if f"uses: {uses}" in x)
                    assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", uses) and re.search(r"  # v\d+\.\d+\.\d+$", line), line
                if uses and uses.startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (workflow, name)
                assert "${{" not in step.get("run", ""), (workflow, name, step.get("name"))
    result = subprocess.run([str(BIN / "zizmor"), "--offline", str(ROOT / ".github/workflows")], capture_output=True, text=True)
    assert result.returncode == 0 and "No findings to report" in result.stdout, result.stdout + result.stderr


def test_check_json_counts_what_the_workflow_decides_from(project, tmp_path):
    from generator.cli import run

    from .conftest import SERVICE

    report = tmp_path / "check.json"
    assert run(["--root", str(project.root), "check", "--json", str(report)]) == 0
    assert json.loads(report.read_text()) == {"errors": 0, "warnings": 0, "warnings_by_kind": {}, "problems": []}
    project.write("content/services/helpline.yaml", SERVICE + "review:\n  - Nothing needs attention\n")
    assert run(["--root", str(project.root), "check", "--json", str(report)]) == 0
    data = json.loads(report.read_text())
    assert (data["errors"], data["warnings"], data["warnings_by_kind"]) == (0, 1, {"review": 1})
    assert data["problems"][0]["path"] == "content/services/helpline.yaml" and data["problems"][0]["kind"] == "review"

"""booklet review-sheet: the call sheet lists what to confirm, the most urgent first, in a PDF
read back here, in HTML, and in Markdown for the weekly issue."""

from __future__ import annotations

import re

import pypdf

from generator import verify
from generator.cli import run

from .conftest import SERVICE
from .pdfcheck import pdf_text

BROKEN = "https://www.example.be/report"


def _services(project) -> None:
    """Five services, each needing something different (and one nothing)."""
    project.write("content/services/broken-form.yaml", SERVICE.replace("name: Helpline", "name: Broken Form Line"))
    project.write("content/services/old-check.yaml", SERVICE.replace("name: Helpline", "name: Old Check Line")
                  .replace("https://www.example.be/report", "https://www.example.be/old")
                  .replace("2026-01-15", "2024-11-02"))
    project.write("content/services/held-line.yaml", SERVICE.replace("name: Helpline", "name: Held Line")
                  .replace("https://www.example.be/report", "https://www.example.be/held")
                  .replace("    hours:\n", "    hold: Two sources give different numbers.\n    hours:\n")
                  .replace("phones:\n", "phones:\n  - number: 02 212 30 00\n    label: Reception\n"))
    project.write("content/services/question.yaml", SERVICE.replace("name: Helpline", "name: Question Line")
                  .replace("https://www.example.be/report", "https://www.example.be/question")
                  + "review:\n  - Does the line answer in English?\n")
    project.write("content/services/helpline.yaml", SERVICE.replace("https://www.example.be/report", "https://www.example.be/fine"))
    ids = ["broken-form", "old-check", "held-line", "question", "helpline"]
    project.write("content/situations/work.yaml", "title: Did this happen?\nsummary: S.\nservices: [" + ", ".join(ids) + "]\n"
                  "review:\n  - Is the summary in the organisation's words?\n")
    verify._save_results(project.root / "output", {  # as `booklet verify` left them
        BROKEN: verify.Result(BROKEN, "broken", "answered 404 Not Found", 404, checked_at="2026-01-31T08:00:00+00:00"),
        "https://www.example.be/fine": verify.Result("https://www.example.be/fine", "ok", "answered 200 OK", 200,
                                                     checked_at="2026-01-31T08:00:00+00:00"),
    })


def test_the_most_urgent_first_with_numbers_hours_and_what_to_confirm(project, capsys, monkeypatch):
    _services(project)
    monkeypatch.setenv("BOOKLET_TODAY", "2026-02-01")
    assert run(["--root", str(project.root), "review-sheet", "--markdown", "-"]) == 0
    out, err = capsys.readouterr()
    headings = re.findall(r"^### (.+)$", out, re.M)
    assert headings == ["Broken Form Line (printed address broken)", "Held Line (on hold)",
                        "Old Check Line (check more than 12 months old)", "Question Line (open question)",
                        "Did this happen? (open question)"]
    assert out.startswith("4 services to call and 1 other file with something to confirm, the most urgent first.")
    assert (f"- [ ] **Printed address broken**: {BROKEN} (links\\[0\\].url): answered 404 Not Found; checked 2026-01-31 "
            "(`content/services/broken-form.yaml:12`)") in out
    assert "- [ ] **On hold**: 0800 12 800 is not printed: Two sources give different numbers. (`content/services/held-line.yaml:9`)" in out
    assert "- Call Reception: 02 212 30 00 (hours not known)\n- Call Phone (on hold): 0800 12 800 (Monday to Friday: 09:30–13:00)" in out
    assert ("- [ ] **Check more than 12 months old**: Last checked 2 November 2024 (15 months ago): confirm each number, "
            "its hours, the email and the address (`content/services/old-check.yaml:14`)") in out
    assert "- Call Phone: 0800 12 800 (Monday to Friday: 09:30–13:00)" in out
    assert "Done: 4 services to call: " in err

    pdf = project.root / "output/review/call-sheet.pdf"
    text = "\n".join(pdf_text(pdf))
    order = [text.index(name) for name in ("Broken Form Line", "Held Line", "Old Check Line", "Question Line", "Did this happen?")]
    assert order == sorted(order)
    assert "Helpline" not in text.replace("Broken Form Line", "")  # nothing to confirm: not on the sheet
    for fact in ("0800 12 800", "Monday to Friday: 09:30–13:00", "02 212 30 00", "Does the line answer in English?",
                 "answered 404 Not Found", "booklet confirm broken-form", "Other content to review (no one to call)"):
        assert fact in text, fact
    page = pypdf.PdfReader(pdf).pages[0]
    assert (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)) == (210, 297)
    html = (project.root / "output/review/call-sheet.html").read_text("utf-8")
    assert html.index("Broken Form Line") < html.index("Held Line") < html.index("Question Line")
    assert html.count('class="box"') == out.count("- [ ] ")


def test_without_an_address_check_the_sheet_says_so(project, capsys):
    assert run(["--root", str(project.root), "review-sheet", "--markdown", "-"]) == 0
    out = capsys.readouterr().out
    assert out == "Nothing needs attention: no broken address, no stale check, no open question.\n"
    text = "\n".join(pdf_text(project.root / "output/review/call-sheet.pdf"))
    assert "no address check yet: run booklet verify first" in " ".join(text.split())

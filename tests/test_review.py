"""booklet review-sheet: the call sheet lists what to confirm, the most urgent first, in a PDF
read back here, in HTML, and in Markdown for the weekly issue."""

from __future__ import annotations

import re

import pypdf

from generator.cli import run
from generator.tools import verify

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
                        "Did this happen?"]  # no one to call: a research note, after "## Research notes (no call needed)"
    assert out.startswith("4 services to call, and 1 research note to settle at a desk, the most urgent first.")
    assert out.index("## Research notes (no call needed)") < out.index("### Did this happen?")
    assert (f"- [ ] **Printed address broken**: {BROKEN} (links\\[0\\].url): answered 404 Not Found; checked 2026-01-31 "
            "(`content/services/broken-form.yaml:12`)") in out
    assert "- [ ] **On hold**: 0800 12 800 is not printed: Two sources give different numbers. (`content/services/held-line.yaml:9`)" in out
    assert "- Call Reception: 02 212 30 00 (hours not known)\n- Call Phone (on hold): 0800 12 800 (Monday to Friday: 09:30–13:00)" in out
    assert ("- [ ] **Check more than 12 months old**: Last checked 2 November 2024 (15 months ago): confirm each number, "
            "its hours, the email and the address (`content/services/old-check.yaml:14`)") in out
    assert "- Call Phone: 0800 12 800 (Monday to Friday: 09:30–13:00)" in out
    assert "Done: 4 services to call, and 1 research note in the appendix: " in err

    pdf = project.root / "output/review/call-sheet.pdf"
    text = "\n".join(pdf_text(pdf))
    order = [text.index(name) for name in ("Broken Form Line", "Held Line", "Old Check Line", "Question Line", "Did this happen?")]
    assert order == sorted(order)
    assert "Helpline" not in text.replace("Broken Form Line", "")  # nothing to confirm: not on the sheet
    for fact in ("0800 12 800", "Monday to Friday: 09:30–13:00", "02 212 30 00", "Does the line answer in English?",
                 "answered 404 Not Found", "booklet confirm broken-form", "Other content to review (no one to call)",
                 "4 services to call."):
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


LONG = ("The number was read on a page of 2019 and in a press article of 2021, which give different hours for the "
        "evening line; the organisation's own pages give none, and a municipal page gives a third set. ")


def test_one_definition_of_to_call_the_questions_first_and_research_apart(project, capsys):
    """The sheet's count, the command's and the Markdown's are one number; a service whose notes
    ask the organisation nothing is not to call: its notes are research, in the appendix."""
    project.write("content/services/helpline.yaml", SERVICE + "unconfirmed:\n  - The hours were read on the website. Confirm them.\n"
                  "review:\n  - The chat's own page was not found.\n")
    project.write("content/services/desk-only.yaml", SERVICE.replace("name: Helpline", "name: Desk Only Line")
                  + "review:\n  - Region inferred from the page's language.\n  - The form's own address was not found.\n")
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, desk-only]\n")
    assert run(["--root", str(project.root), "review-sheet", "--markdown", "-"]) == 0
    out, err = capsys.readouterr()
    assert err.endswith("Done: 1 service to call, and 3 research notes in the appendix: "
                        f"{project.root}/output/review/call-sheet.pdf and {project.root}/output/review/call-sheet.html\n")
    assert out.startswith("1 service to call, and 3 research notes to settle at a desk, the most urgent first.")
    pages = pdf_text(project.root / "output/review/call-sheet.pdf")
    text = " ".join(" ".join(pages).split())
    assert "1 service to call. Their most urgent question: printed, not confirmed 1." in text
    assert "And 3 research notes to settle at a desk, not on the phone: in the appendix, from page 2." in text
    assert "Also 1 research note for this service, to settle at a desk: page 2." in text
    first, appendix = " ".join(pages[0].split()), " ".join(pages[1].split())
    assert "Printed, not confirmed: The hours were read on the website. Confirm them." in first
    assert "Desk Only Line" not in first and "The chat's own page" not in first  # not on the phone page
    assert appendix.startswith("Appendix: research notes (no call needed)")
    assert appendix.index("Helpline") < appendix.index("Research note: The chat's own page was not found.") < appendix.index(
        "Desk Only Line") < appendix.index("Research note: Region inferred from the page's language.")


def test_a_service_to_call_keeps_to_one_page_or_is_named(project, capsys):
    """Long questions are set compactly to keep a service on one page; when even that runs over,
    the command names the service."""
    many = "".join(f"  - {LONG}Confirm the hours of line {i}.\n" for i in range(9))
    project.write("content/services/helpline.yaml", SERVICE + "unconfirmed:\n" + many)
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other Line")
                  + "unconfirmed:\n  - Confirm the number.\n")
    project.write("content/situations/work.yaml", "title: Did this happen?\nservices: [helpline, other]\n")
    assert run(["--root", str(project.root), "review-sheet"]) == 0
    assert "warning" not in capsys.readouterr().err
    pages = pdf_text(project.root / "output/review/call-sheet.pdf")
    for name, ident in (("Helpline", "helpline"), ("Other Line", "other")):
        starts = [n for n, page in enumerate(pages) if f"UNCONFIRMED {name}" in " ".join(page.split()).replace("PRINTED, NOT CONFIRMED", "UNCONFIRMED")]
        ends = [n for n, page in enumerate(pages) if f"booklet confirm {ident}" in page]
        assert len(starts) == 1 and starts == ends, (name, starts, ends)
    project.write("content/services/helpline.yaml", SERVICE + "unconfirmed:\n" + many * 2)
    assert run(["--root", str(project.root), "review-sheet"]) == 0
    assert ("warning: the call sheet gives Helpline more than one page: its questions are long; shorten the background in its "
            "unconfirmed: and review: notes (the questions for the phone stay)") in capsys.readouterr().err

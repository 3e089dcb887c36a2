"""`booklet review-sheet`: the call sheet for the person who phones the organisations.

For each service with something to confirm: its name, the numbers to call and their hours, its
email, and one line per thing to ask or look at (an open review note, a fact on hold, a stale
check date, a printed fact not yet confirmed, a broken or moved address found by the last
`booklet verify`), each with a box to tick and room to write the answer. The most urgent come
first: a printed address that is broken, then what is held back from print, then stale checks,
unconfirmed facts, moved addresses, checks due again, and open questions. Notes on situations,
audiences and the booklet (no one to call) close the sheet.

Written as an A4 PDF (PDF/UA, to print) and the same as HTML, and as Markdown for the weekly
workflow's GitHub issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .clock import today
from .files import write_atomic
from .pdf import html_to_pdf
from .render import environment
from .validate import Catalogue
from .verify import Result, load_results, targets
from .view import Words

FOLDER = Path("review")
"""Under the output folder: call-sheet.pdf, call-sheet.html."""

URGENCY = ("broken", "hold", "stale", "unconfirmed", "moved", "due", "review", "unsure")
"""Kinds of item, the most urgent first; a service is as urgent as its most urgent item."""
TITLES = {
    "broken": "Printed address broken", "hold": "On hold", "stale": "Check more than 12 months old",
    "unconfirmed": "Printed, not confirmed", "moved": "Address moved", "due": "Check due (more than 6 months)",
    "review": "Open question", "unsure": "Address not checked",
}


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    where: str
    """file:line of the fact, for the editor who will change it."""


@dataclass
class Entry:
    owner: str
    """'fedasil', or 'situations/reception-centre' for content with no one to call."""
    name: str
    path: str
    service: bool = False
    """A service: someone to call, and a check to record with `booklet confirm`."""
    last_verified: date | None = None
    calls: list[dict] = field(default_factory=list)
    emails: tuple[str, ...] = ()
    items: list[Item] = field(default_factory=list)

    @property
    def urgency(self) -> int:
        return min(URGENCY.index(i.kind) for i in self.items)

    @property
    def title(self) -> str:
        return TITLES[URGENCY[self.urgency]]


def entries(cat: Catalogue, results: dict[str, Result], layouts: Path, on: date | None = None) -> list[Entry]:
    """What to confirm, service by service, the most urgent first; then the other content."""
    on = on or today()
    words = Words("en", layouts)
    aged = {p.path: p.kind for p in cat.warnings if p.kind in ("stale", "due")}
    services: dict[str, Entry] = {}
    for ident, svc in cat.services.items():
        doc = cat.doc("services", ident)
        entry = Entry(ident, svc.name, doc.path, True, svc.last_verified, emails=svc.emails)
        for line in svc.phones:
            if line.call:
                entry.calls.append({"label": line.label or "Phone", "number": line.number.national,
                                    "hours": words.hours(line.hours) or ["hours not known"], "hold": line.hold or ""})

        def at(loc: tuple, entry: Entry = entry, doc=doc) -> str:
            return f"{doc.path}:{doc.where(loc)[0]}"

        if svc.hold:
            entry.items.append(Item("hold", f"Not printed until checked: {svc.hold}", at(("hold",))))
        for i, line in enumerate(svc.phones):
            if line.hold:
                entry.items.append(Item("hold", f"{line.number.national} is not printed: {line.hold}", at(("phones", i, "hold"))))
        age = aged.get(doc.path)
        if age:
            months = (on.year - svc.last_verified.year) * 12 + on.month - svc.last_verified.month
            entry.items.append(Item(age, f"Last checked {words.date(svc.last_verified)} ({months} months ago): confirm each "
                                         "number, its hours, the email and the address", at(("last_verified",))))
        for i, note in enumerate(svc.unconfirmed):
            entry.items.append(Item("unconfirmed", note, at(("unconfirmed", i))))
        for i, note in enumerate(svc.review):
            entry.items.append(Item("review", note, at(("review", i))))
        services[f"services/{ident}"] = entry
    others: dict[str, Entry] = {}
    for kind, items in (("situations", cat.situations), ("audiences", cat.audiences), ("centres", cat.centres)):
        for ident, obj in items.items():
            doc = cat.doc(kind, ident)
            entry = Entry(f"{kind}/{ident}", str(getattr(obj, "title", None) or getattr(obj, "name", ident)), doc.path)
            entry.items.extend(Item("review", note, f"{doc.path}:{doc.where(('review', i))[0]}") for i, note in enumerate(obj.review))
            others[f"{kind}/{ident}"] = entry
    if ("booklet", "booklet") in cat.documents:
        doc = cat.doc("booklet", "booklet")
        entry = Entry("booklet", "Every booklet", doc.path)
        entry.items.extend(Item("review", note, f"{doc.path}:{doc.where(('review', i))[0]}") for i, note in enumerate(cat.booklet.review))
        others["booklet"] = entry
    for target in targets(cat):
        result = results.get(target.url)
        if result is None or result.severity not in ("warning", "error"):
            continue
        for use in target.uses:
            found = services.get(use.owner) or others.get(use.owner)
            if found is None:
                continue
            kind = {"broken": "broken", "refused": "broken", "moved": "moved", "offsite": "moved"}.get(result.status, "unsure")
            if kind == "broken" and not use.printed:
                kind = "review"  # a source: address, not printed: a question, not an emergency
            found.items.append(Item(kind, f"{target.url} ({use.field}): {result.detail}; checked {result.checked_at[:10]}",
                                    f"{use.path}:{use.line}"))
    for entry in (*services.values(), *others.values()):
        entry.items.sort(key=lambda i: URGENCY.index(i.kind))
    due = [e for e in services.values() if e.items]
    due.sort(key=lambda e: (e.urgency, e.last_verified or date.min, -len(e.items), e.name.casefold()))
    return due + [e for e in others.values() if e.items]


def write(cat: Catalogue, out: Path, *, layouts: Path) -> tuple[Path, Path, int]:
    """Write the call sheet as PDF and HTML with the project's layouts (layouts/review/); returns
    both paths and the number of services on it."""
    results = load_results(out)
    made = entries(cat, results, layouts)
    folder = out / FOLDER
    pdf, _pages = html_to_pdf(sheet_html(made, results, layouts, for_print=True), layouts=layouts, pdf_identifier=b"call-sheet")
    write_atomic(folder / "call-sheet.html", sheet_html(made, results, layouts).encode("utf-8"))
    write_atomic(folder / "call-sheet.pdf", pdf)
    return folder / "call-sheet.pdf", folder / "call-sheet.html", sum(1 for e in made if e.service)


def sheet_html(made: list[Entry], results: dict[str, Result], layouts: Path, *, for_print: bool = False) -> str:
    checked = sorted({r.checked_at[:10] for r in results.values() if r.checked_at})
    template = environment(layouts, "en").get_template("review/call-sheet.html.j2")
    counts = {kind: sum(1 for e in made if e.items and URGENCY[e.urgency] == kind) for kind in URGENCY}
    return template.render(entries=made, today=Words("en", layouts).date(today()), titles=TITLES, for_print=for_print,
                           verified=checked[-1] if checked else "", counts=counts,
                           style=(layouts / "review" / "call-sheet.css").read_text("utf-8"))


def markdown(made: list[Entry]) -> str:
    """The same list for a GitHub issue: a heading per service, a task per item."""
    if not made:
        return "Nothing needs attention: no broken address, no stale check, no open question.\n"
    calls = sum(1 for e in made if e.service)
    others = len(made) - calls
    lines = [f"{calls} service{'s' if calls != 1 else ''} to call" + (f" and {others} other file{'s' if others != 1 else ''}" if others else "")
             + " with something to confirm, the most urgent first. Print the call sheet with `booklet review-sheet`; after a call, record it with "
             "`booklet confirm SERVICE`.", ""]
    for entry in made:
        lines.append(f"### {_escape(entry.name)} ({entry.title.lower()})")
        lines.append(_code(entry.path) + (f", last checked {entry.last_verified.isoformat()}" if entry.last_verified else ""))
        for call in entry.calls:
            held = " (on hold)" if call["hold"] else ""
            lines.append(f"- Call {_escape(call['label'])}{held}: {_escape(call['number'])} "
                         f"({_escape('; '.join(call['hours']))})")
        lines.append("")
        lines.extend(f"- [ ] **{TITLES[i.kind]}**: {_escape(i.text)} ({_code(i.where)})" for i in entry.items)
        lines.append("")
    return "\n".join(lines)


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")


def _escape(text: str) -> str:
    """Content's text as plain words in the issue: on one line (no heading or list of its own),
    every character that would start Markdown or HTML escaped, and no @mention of a GitHub user
    or #reference to an issue (a zero-width space after @ and #)."""
    text = _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()).replace("&", "&amp;"))
    return text.replace("@", "@\u200b").replace("#", "#\u200b")


def _code(text: str) -> str:
    """A file's place as inline code (a backtick in it cannot close the code early)."""
    return "`" + " ".join(text.split()).replace("`", "'") + "`"

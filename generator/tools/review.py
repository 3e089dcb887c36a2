"""`booklet review-sheet`: the call sheet for the person who phones the organisations.

One definition of a service "to call": it has a question for the phone (PHONE): a fact on
hold, a stale or due check, a printed fact not yet confirmed, a printed address that is broken,
or a review note that asks the organisation something (it says "confirm" or "ask", or asks a
question: generator/base/notes.py). For each, the sheet gives its name, the numbers to call and their
hours, its email, and those questions, each with a box to tick and room to write the answer, on
one page at most (a more compact arrangement when one runs over; still too long: said by the
command). The most urgent come first: a printed address that is broken, then what is held back
from print, then stale checks, unconfirmed facts, checks due again, and open questions.

The research notes (DESK: review notes that ask nothing of the organisation, moved or unchecked
addresses, broken `source:` addresses) are settled at a desk, not on the phone: they follow in
an appendix, smaller, service by service (each service's page says where), then the notes on
situations, audiences, centres and the booklet (no one to call).

The count on the sheet, the command's "Done: N services to call" and the Markdown's first line
are the same number (to_call). Written as an A4 PDF (PDF/UA, to print) and the same as HTML, and
as Markdown for the weekly workflow's GitHub issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.base import notes
from generator.base.clock import today
from generator.base.files import write_atomic
from generator.content.catalogue import Catalogue
from generator.paper.pdf import html_to_pdfs
from generator.render.html import environment
from generator.render.words import Words
from generator.tools.verify import Result, load_results, targets

FOLDER = Path("review")
"""Under the output folder: call-sheet.pdf, call-sheet.html."""

URGENCY = ("broken", "hold", "stale", "unconfirmed", "moved", "due", "review", "unsure", "research")
"""Kinds of item, the most urgent first; a service is as urgent as its most urgent question."""
PHONE = frozenset({"broken", "hold", "stale", "unconfirmed", "due", "review"})
"""Kinds of item asked on the phone; the others (DESK) are research notes, in the appendix."""
DESK = frozenset(URGENCY) - PHONE
TITLES = {
    "broken": "Printed address broken", "hold": "On hold", "stale": "Check more than 12 months old",
    "unconfirmed": "Printed, not confirmed", "moved": "Address moved", "due": "Check due (more than 6 months)",
    "review": "Open question", "unsure": "Address not checked", "research": "Research note",
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
    def questions(self) -> list[Item]:
        """What to ask on the phone (none for content with no one to call)."""
        return [i for i in self.items if i.kind in PHONE] if self.service else []

    @property
    def research(self) -> list[Item]:
        """What to settle at a desk: the appendix."""
        return [i for i in self.items if i not in self.questions]

    @property
    def to_call(self) -> bool:
        return bool(self.questions)

    @property
    def anchor(self) -> str:
        """The id of its research notes in the appendix."""
        return "desk-" + self.owner.replace("/", "-")

    @property
    def urgency(self) -> int:
        return min(URGENCY.index(i.kind) for i in (self.questions or self.items))

    @property
    def title(self) -> str:
        return TITLES[URGENCY[self.urgency]]


def to_call(made: list[Entry]) -> list[Entry]:
    """The services to call: the one count the sheet, the command and the Markdown give."""
    return [e for e in made if e.to_call]


def research(made: list[Entry]) -> list[Entry]:
    """The entries with research notes, in the appendix's order: the services to call in the
    sheet's order, then the other services, then the content with no one to call."""
    return [e for e in made if e.to_call and e.research] + [e for e in made if not e.to_call and e.research]


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
            entry.items.append(Item("review" if notes.asks_the_organisation(note) else "research", note, at(("review", i))))
        services[f"services/{ident}"] = entry
    others: dict[str, Entry] = {}
    for kind, items in (("situations", cat.situations), ("audiences", cat.audiences), ("centres", cat.centres)):
        for ident, obj in items.items():
            doc = cat.doc(kind, ident)
            entry = Entry(f"{kind}/{ident}", str(getattr(obj, "title", None) or getattr(obj, "name", ident)), doc.path)
            entry.items.extend(Item("research", note, f"{doc.path}:{doc.where(('review', i))[0]}") for i, note in enumerate(obj.review))
            others[f"{kind}/{ident}"] = entry
    if ("booklet", "booklet") in cat.documents:
        doc = cat.doc("booklet", "booklet")
        entry = Entry("booklet", "Every booklet", doc.path)
        entry.items.extend(Item("research", note, f"{doc.path}:{doc.where(('review', i))[0]}") for i, note in enumerate(cat.booklet.review))
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
                kind = "research"  # a source: address, not printed: to look up again, not an emergency
            found.items.append(Item(kind, f"{target.url} ({use.field}): {result.detail}; checked {result.checked_at[:10]}",
                                    f"{use.path}:{use.line}"))
    for entry in (*services.values(), *others.values()):
        entry.items.sort(key=lambda i: URGENCY.index(i.kind))
    calls = [e for e in services.values() if e.to_call]
    calls.sort(key=lambda e: (e.urgency, e.last_verified or date.min, -len(e.questions), e.name.casefold()))
    desk = sorted((e for e in services.values() if e.items and not e.to_call), key=lambda e: e.name.casefold())
    return calls + desk + [e for e in others.values() if e.items]


@dataclass(frozen=True)
class Written:
    pdf: Path
    html: Path
    calls: int
    """Services to call (to_call)."""
    research: int
    """Research notes in the appendix."""
    too_long: tuple[str, ...] = ()
    """Services whose questions run over one page even set compactly."""


def write(cat: Catalogue, out: Path, *, layouts: Path) -> Written:
    """Write the call sheet as PDF and HTML with the project's layouts (layouts/review/). Each
    service to call is kept on one page: when one runs over, the sheet is set again more
    compactly (smaller type, less room to write); one still too long is named in the result."""
    results = load_results(out)
    made = entries(cat, results, layouts)
    folder = out / FOLDER
    calls = to_call(made)
    spanning: list[str] = []

    def over_a_page(document: Any) -> int:
        """How many services to call run over more than one page."""
        page_of: dict[str, int] = {}  # where each starts (a box split over pages has its id on each)
        for n, page in enumerate(document.pages):
            for name in page.anchors:
                page_of.setdefault(name, n)
        spanning[:] = [e.name for e in calls if page_of.get(f"call-{e.owner}") != page_of.get(f"end-{e.owner}")]
        return len(spanning)

    arrangements = [sheet_html(made, results, layouts, for_print=True, compact=compact) for compact in (False, True)]
    [(pdf, _pages)] = html_to_pdfs(arrangements, [(b"call-sheet", None)], layouts=layouts, check=over_a_page)
    write_atomic(folder / "call-sheet.html", sheet_html(made, results, layouts).encode("utf-8"))
    write_atomic(folder / "call-sheet.pdf", pdf)
    return Written(folder / "call-sheet.pdf", folder / "call-sheet.html", len(calls),
                   sum(len(e.research) for e in made), tuple(spanning))


def sheet_html(made: list[Entry], results: dict[str, Result], layouts: Path, *, for_print: bool = False,
               compact: bool = False) -> str:
    checked = sorted({r.checked_at[:10] for r in results.values() if r.checked_at})
    template = environment(layouts, "en").get_template("review/call-sheet.html.j2")
    calls = to_call(made)
    counts = {kind: sum(1 for e in calls if URGENCY[e.urgency] == kind) for kind in URGENCY}
    return template.render(calls=calls, desk=research(made), today=Words("en", layouts).date(today()), titles=TITLES,
                           for_print=for_print, compact=compact, verified=checked[-1] if checked else "", counts=counts,
                           notes=sum(len(e.research) for e in made),
                           style=(layouts / "review" / "call-sheet.css").read_text("utf-8"))


def markdown(made: list[Entry]) -> str:
    """The same list for a GitHub issue: a heading per service to call, a task per question;
    then the research notes."""
    if not made:
        return "Nothing needs attention: no broken address, no stale check, no open question.\n"
    calls = to_call(made)
    desk = research(made)
    count = sum(len(e.research) for e in desk)
    lines = [f"{len(calls)} service{'s' if len(calls) != 1 else ''} to call"
             + (f", and {count} research note{'s' if count != 1 else ''} to settle at a desk" if count else "")
             + ", the most urgent first. Print the call sheet with `booklet review-sheet`; after a call, record it with "
             "`booklet confirm SERVICE`.", ""]
    for entry in calls:
        lines.append(f"### {_escape(entry.name)} ({entry.title.lower()})")
        lines.append(_code(entry.path) + (f", last checked {entry.last_verified.isoformat()}" if entry.last_verified else ""))
        for call in entry.calls:
            held = " (on hold)" if call["hold"] else ""
            lines.append(f"- Call {_escape(call['label'])}{held}: {_escape(call['number'])} "
                         f"({_escape('; '.join(call['hours']))})")
        lines.append("")
        lines.extend(f"- [ ] **{TITLES[i.kind]}**: {_escape(i.text)} ({_code(i.where)})" for i in entry.questions)
        lines.append("")
    if desk:
        lines += ["## Research notes (no call needed)", ""]
        for entry in desk:
            lines.append(f"### {_escape(entry.name)}")
            lines.extend(f"- [ ] **{TITLES[i.kind]}**: {_escape(i.text)} ({_code(i.where)})" for i in entry.research)
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

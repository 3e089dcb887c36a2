"""`booklet confirm SERVICE`: record that a person checked a service with the organisation.

Sets `last_verified:` in the service's file to today (or a given date) and removes the
`unconfirmed:` notes that the call settled, changing nothing else: ruamel.yaml reads and writes
the file keeping comments, order, quoting and line breaks, and the result is compared with the
original line by line; if anything but those fields would change, nothing is written and the
command says why.

A note that asks for something to be done once the answer is known ("Ask Police Watch for its
current hours and print them": generator/base/notes.py) is not settled by the call alone: it is kept
unless the volunteer says it is done (asked on a terminal; ``--done`` otherwise), which can also
remove a `review:` note. The command lists what the service prints (numbers, hours, emails,
addresses, web addresses, in English), which is what the call should have confirmed.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from generator.base import notes as reading
from generator.base.clock import today
from generator.base.errors import BuildError
from generator.base.files import write_atomic
from generator.content.model import Service
from generator.render.view import service_view
from generator.render.words import Words

FIELDS = ("unconfirmed", "review")
"""The notes a call can settle, in the order they are listed."""


@dataclass(frozen=True)
class Note:
    field: str
    """'unconfirmed' or 'review'."""
    index: int
    text: str

    @property
    def place(self) -> str:
        """As `booklet check` names it: 'unconfirmed[0]'."""
        return f"{self.field}[{self.index}]"

    @property
    def action(self) -> str:
        """The sentences that ask for something to be done ('' when none does)."""
        return reading.action(self.text)

    @property
    def flat(self) -> str:
        return reading.flat(self.text)


@dataclass(frozen=True)
class Confirmed:
    path: Path
    previous: str
    """The date that was there ('' when the field was missing)."""
    removed: tuple[Note, ...]
    """The notes removed from the file: unconfirmed ones the call settled, and those said done."""
    kept: tuple[Note, ...]
    """The unconfirmed notes kept because they ask for something not said to be done."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never reflow a long line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the content's style: "  - item" under a key
    return yaml


def service_file(root: Path, service: str) -> Path:
    folder = root / "content/services"
    path = folder / f"{service}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml"))
        close = difflib.get_close_matches(service, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise BuildError(f"no service '{service}' (no content/services/{service}.yaml); {hint}"
                         "'booklet list' shows every service's id")
    return path


def _load(path: Path) -> tuple[str, YAML, object]:
    text = path.read_text("utf-8")
    yaml = _yaml()
    data = yaml.load(text)
    if not hasattr(data, "get"):
        raise BuildError(f"{path}: expected a mapping of fields; run 'booklet check'")
    return text, yaml, data


def notes_of(root: Path, service: str) -> list[Note]:
    """The service's unconfirmed: and review: notes, as its file has them now."""
    _text, _yaml_, data = _load(service_file(root, service))
    found: list[Note] = []
    for name in FIELDS:
        items = data.get(name) or ()  # type: ignore[attr-defined]
        if isinstance(items, str):
            items = [items]
        found.extend(Note(name, i, str(item)) for i, item in enumerate(items))
    return found


PLACE = re.compile(r"^(unconfirmed|review)\[(\d+)\]$")


def chosen(service: str, notes: list[Note], given: Iterable[str]) -> set[Note]:
    """The notes that ``--done`` values name: a place as `booklet check` writes it
    ('unconfirmed[0]'), or words found in exactly one note (case and line breaks ignored)."""
    picked: set[Note] = set()
    for value in given:
        words = " ".join(value.split())
        place = PLACE.match(words)
        if place:
            match = [n for n in notes if n.place == words]
        else:
            match = [n for n in notes if words and words.casefold() in n.flat.casefold()]
        if len(match) == 1:
            picked.add(match[0])
            continue
        listing = "; ".join(f"{n.place}: {_clip(n.flat)}" for n in notes) or "none"
        if not match:
            raise BuildError(f"--done {value!r}: no note of '{service}' says that; expected words from one of its notes, "
                             f"or its place as 'booklet check' names it. Its notes: {listing}")
        raise BuildError(f"--done {value!r}: {len(match)} notes of '{service}' say that ({', '.join(n.place for n in match)}); "
                         "give more of the note's words, or its place, such as 'unconfirmed[0]'")
    return picked


def _clip(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def done_hint(service: str, note: Note, notes: list[Note]) -> str:
    """The command that says this note's action is done, with a few words that name it alone."""
    words = reading.action_words(note.text).split()
    for n in range(2, min(len(words), 6) + 1):
        fragment = " ".join(words[:n])
        if sum(1 for other in notes if fragment.casefold() in other.flat.casefold()) == 1 and "'" not in fragment:
            return f"booklet confirm {service} --done '{fragment}'"
    return f"booklet confirm {service} --done '{note.place}'"


def confirm(root: Path, service: str, on: date, done: Callable[[Note], bool] = lambda note: False) -> Confirmed:
    """Record the check of ``on``. An unconfirmed: note is removed unless it asks for something
    to be done and ``done`` does not say it is; a review: note only when ``done`` says so. Nothing
    is written when anything else in the file would change."""
    path = service_file(root, service)
    if on > today():
        raise BuildError(f"--date {on.isoformat()} is in the future; expected the day the service was checked")
    text, yaml, data = _load(path)
    previous = data.get("last_verified")  # type: ignore[attr-defined]
    removed, kept = [], []
    for note in notes_of(root, service):
        if note.field == "unconfirmed" and not note.action or done(note):
            removed.append(note)
        elif note.field == "unconfirmed":
            kept.append(note)
    for name in FIELDS:
        gone = [n.index for n in removed if n.field == name]
        items = data.get(name)  # type: ignore[attr-defined]
        if not gone:
            continue
        if isinstance(items, str) or len(gone) == len(items):
            del data[name]  # type: ignore[attr-defined]
        else:
            for index in sorted(gone, reverse=True):
                del items[index]
    data["last_verified"] = on  # type: ignore[index]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    new = buffer.getvalue()
    _only_those_fields_changed(path, text, new)
    write_atomic(path, new.encode("utf-8"))
    return Confirmed(path, previous.isoformat() if isinstance(previous, date) else str(previous or ""), tuple(removed), tuple(kept))


def _only_those_fields_changed(path: Path, old: str, new: str) -> None:
    """Refuse to write when the round trip would change a line other than last_verified or a
    removed line of the unconfirmed: and review: blocks (a YAML style ruamel.yaml does not keep)."""
    removable, inside = set(), False  # the lines of the top-level unconfirmed: and review: blocks
    for line in old.splitlines():
        if line and not line[0].isspace():
            inside = line.startswith(tuple(f"{name}:" for name in FIELDS))
        if inside:
            removable.add(line)
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        body = line[1:]
        if body.startswith("last_verified:") or (line.startswith("-") and body in removable):
            continue
        raise BuildError(f"{path}: writing the date would also change the line {body.strip()!r}; "
                         "set last_verified: by hand in this file")


def printed_facts(ident: str, service: Service, layouts: Path) -> list[str]:
    """What the service's card prints in English, one line per fact: what a call confirms."""
    if service.hold:
        return [f"nothing: it is on hold ({reading.flat(service.hold)})"]
    view = service_view(ident, service, Words("en", layouts))
    lines = [f"Name: {view['name']}" + (f" ({view['full_name']})" if view["full_name"] else "")]
    for phone in view["phones"]:
        hours = "; ".join(phone["hours"]) or "no hours printed"
        extra = "".join(f", {tag}" for tag in phone["tags"]) + (f", {phone['apps']}" if phone["apps"] else "")
        lines.append(f"{phone['label']}: {phone['display']}{extra}: {hours}" + (f"; note: {phone['note']}" if phone["note"] else ""))
    lines.extend(f"{line.label or 'Phone'}: {line.number.national}: on hold, not printed ({reading.flat(line.hold)})"
                 for line in service.phones if line.hold)
    lines.extend(f"Email: {email['address']}" for email in view["emails"])
    for chat in view["chats"]:
        lines.append(f"{chat['label']}: {chat['url'] or 'no address'}: {'; '.join(chat['hours']) or 'no hours printed'}")
    lines.extend(f"Address: {a['street']}, {a['city']}" for a in view["addresses"])
    lines.extend(f"{link['label']}: {link['url']}" for link in view["links"])
    if view["languages"]:
        lines.append(f"Languages: {view['languages']}")
    for block in view["lists"]:
        if block["everywhere"]:  # a list the reader needs in order to act (the care centres)
            lines.extend(f"{block['heading'] or 'List'}: {entry}" for entry in block["entries"])
    lines.extend(f"Note: {note}" for note in view["notes"])
    return lines

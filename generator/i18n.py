"""Translations: the layouts' fixed phrases and the content's text, in PO catalogues.

Two kinds of catalogue, both standard gettext PO files that translators' tools open:

- ``layouts/locale/<lang>.po`` (in the project folder, next to content/): the fixed phrases of
  the layouts and of ``view.py`` (extracted into ``layouts/locale/messages.pot``), compiled in
  memory at build time.
- ``content/translations/<lang>.po``: every translatable field of the content. Each entry's
  context names the field (``services/myria:summary``) and its msgid is the English text the
  translation was made from: that is the fingerprint. When the English changes, the stored
  msgid no longer matches and the entry is *stale*.

Status of an entry, in gettext's own terms: ``fuzzy`` marks a machine draft (not yet reviewed
by a person); a translation without ``fuzzy`` is reviewed. Drafts are printed (with a note in the
colophon asking readers to report mistakes); stale and missing entries fall back to English with
a warning, and ``--strict`` refuses them.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, denormalize, normalize, read_po, write_po

from .fields import Fact, text_facts
from .files import layouts_of, leads_out, write_atomic
from .load import Document

if TYPE_CHECKING:
    from .content.catalogue import Catalogue
    from .errors import Problem

PACKAGE = Path(__file__).resolve().parent
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100
"""Where msgid and msgstr lines are wrapped in the catalogues this tool writes."""


# ------------------------------------------------------------------ the content's translatable fields


@dataclass(frozen=True)
class Field:
    context: str  # 'services/myria:lists[0].items[2]'
    text: str  # the English text
    path: str  # content file, for messages
    loc: tuple[str | int, ...]
    line: int = 0


def _fields(kind: str, ident: str, obj: object, names: tuple[str, ...], doc: Document | None = None) -> Iterator[Field]:
    path = f"content/{kind}/{ident}.yaml" if kind != "booklet" else "content/booklet.yaml"
    prefix = f"{kind}/{ident}:" if kind != "booklet" else "booklet:"

    def emit(value: object, loc: tuple[str | int, ...]) -> Iterator[Field]:
        if value is None:
            return
        if isinstance(value, str):
            yield Field(prefix + _loc(doc.original(loc) if doc else loc), value, path, loc, doc.where(loc)[0] if doc else 0)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                yield from emit(item, loc + (i,))

    def walk(value: object, path: list[str], loc: tuple[str | int, ...]) -> Iterator[Field]:
        """Follow a dotted field name ('contacts.phones.label') through lists of objects."""
        head, rest = path[0], path[1:]
        inner = getattr(value, head)
        if not rest:
            yield from emit(inner, loc + (head,))
            return
        for i, sub in enumerate(inner):
            yield from walk(sub, rest, loc + (head, i))

    for name in names:
        yield from walk(obj, name.split("."), ())


def _loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


SERVICE_FIELDS = ("full_name", "card_name", "summary", "short", "lists.heading", "lists.items", "notes", "phones.label", "phones.note",
                  "phones.cost", "chats.note", "links.label", "links.note", "addresses.note")
SITUATION_FIELDS = ("title", "summary", "lists.heading", "lists.items", "steps", "tips")
AUDIENCE_FIELDS = ("title", "subtitle", "intro", "fallback")
BOOKLET_FIELDS = ("introduction", "fallback", "colophon", "emergency.label", "emergency.note")
CENTRE_FIELDS = ("contacts.name", "contacts.summary", "contacts.notes", "contacts.phones.label", "contacts.phones.note",
                 "contacts.phones.cost", "contacts.links.label", "contacts.links.note", "contacts.addresses.note")


def content_fields(cat: Catalogue, lang: str | None = None) -> list[Field]:
    """Every translatable text of the content, in a stable order; with ``lang``, only those a
    document in that language can print (a centre's contacts only in the centre's languages)."""
    out: list[Field] = []
    for ident in sorted(cat.services):
        out.extend(_fields("services", ident, cat.services[ident], SERVICE_FIELDS, cat.documents.get(("services", ident))))
    for ident in sorted(cat.situations):
        out.extend(_fields("situations", ident, cat.situations[ident], SITUATION_FIELDS, cat.documents.get(("situations", ident))))
    for ident in sorted(cat.audiences):
        out.extend(_fields("audiences", ident, cat.audiences[ident], AUDIENCE_FIELDS, cat.documents.get(("audiences", ident))))
    out.extend(_fields("booklet", "booklet", cat.booklet, BOOKLET_FIELDS, cat.documents.get(("booklet", "booklet"))))
    for ident in sorted(cat.centres):
        if lang is not None and lang not in cat.centres[ident].languages:
            continue
        out.extend(_fields("centres", ident, cat.centres[ident], CENTRE_FIELDS, cat.documents.get(("centres", ident))))
    return out


# ------------------------------------------------------------------ catalogues on disk


def read_catalogue(path: Path, lang: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=lang, fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def write_catalogue(path: Path, catalog: Catalog) -> None:
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    write_atomic(path, po_bytes(catalog))


def po_bytes(catalog: Catalog, *, sort_output: bool = False, omit_header: bool = False) -> bytes:
    """The catalogue as a PO file, previous msgids (``#| msgid``) included and intact.

    babel writes a previous msgid as a comment re-wrapped by a text wrapper, which breaks the
    quoted string across ``#|`` lines wherever a space falls (``msgfmt -c``: "end-of-line within
    string"). Each previous msgid is therefore written as a short placeholder and replaced by the
    string laid out like a msgid, every line prefixed with ``#|``, as gettext's msgmerge does.
    """
    messages = [m for m in catalog if m.id] + list(catalog.obsolete.values())
    previous: dict[str, str] = {}
    saved: list[tuple[Message, list[str]]] = []
    for n, message in enumerate(messages):
        if message.previous_id:
            saved.append((message, list(message.previous_id)))
            tokens = []
            for keyword, text in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
                token = f"booklet-previous-{n}-{keyword}"
                previous[f'#| {keyword} "{token}"'] = f"#| {keyword} " + normalize(str(text), width=WIDTH).replace("\n", "\n#| ")
                tokens.append(token)
            message.previous_id = tokens
    buf = io.BytesIO()
    try:
        write_po(buf, catalog, width=WIDTH, sort_output=sort_output, omit_header=omit_header, include_previous=True)
    finally:
        for message, ids in saved:
            message.previous_id = ids
    if not previous:
        return buf.getvalue()
    text = buf.getvalue().decode(catalog.charset)
    lines = [previous.get(line, line) for line in text.split("\n")]
    return "\n".join(lines).encode(catalog.charset, "backslashreplace")


def content_catalogue_path(root: Path, lang: str) -> Path:
    return root / "content" / "translations" / f"{lang}.po"


# ------------------------------------------------------------------ status of content translations


@dataclass
class Coverage:
    lang: str
    total: int = 0
    reviewed: int = 0
    drafts: int = 0
    stale: list[Field] = field(default_factory=list)
    missing: list[Field] = field(default_factory=list)

    def count(self, f: Field, message: Message | None) -> None:
        """Count one field: missing, stale (translated from other English), draft or reviewed."""
        self.total += 1
        if message is None or not message.string:
            self.missing.append(f)
        elif message.id != f.text:
            self.stale.append(f)
        elif message.fuzzy:
            self.drafts += 1
        else:
            self.reviewed += 1

    @property
    def translated(self) -> int:
        return self.reviewed + self.drafts

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass
class ContentTranslator:
    """Looks up the translation of one field; falls back to English and remembers why."""

    lang: str
    by_context: dict[str, Message]
    used_drafts: set[str] = field(default_factory=set)
    fallbacks: dict[str, str] = field(default_factory=dict)  # context -> 'missing' | 'stale'

    def __call__(self, context: str, english: str) -> str:
        if self.lang == "en":
            return english
        message = self.by_context.get(context)
        if message is None or not message.string:
            self.fallbacks[context] = "missing"
            return english
        if message.id != english:
            self.fallbacks[context] = "stale"
            return english
        if message.fuzzy:
            self.used_drafts.add(context)
        return str(message.string)

    def fresh(self) -> ContentTranslator:
        """The same translations, recording afresh: what one document used, whatever else the
        run translated before it (a booklet says it holds a draft only from its own texts)."""
        return ContentTranslator(self.lang, self.by_context)

    def absorb(self, other: ContentTranslator) -> None:
        """Add what ``other`` recorded to this translator's record of the whole run."""
        self.used_drafts |= other.used_drafts
        self.fallbacks.update(other.fallbacks)


def content_translator(root: Path, lang: str) -> ContentTranslator:
    catalog = read_catalogue(content_catalogue_path(root, lang), lang) if lang != "en" else Catalog(locale="en")
    return ContentTranslator(lang, {m.context: m for m in catalog if m.id and m.context})


def coverage(cat: Catalogue, root: Path, lang: str) -> Coverage:
    tr = content_translator(root, lang)
    result = Coverage(lang)
    for f in content_fields(cat, lang):
        result.count(f, tr.by_context.get(f.context))
    return result


# ------------------------------------------------------------------ export / import for translators


def _comments(message: Message) -> list[str]:
    """A message's translator comments, without the previous msgid: babel reads gettext's
    ``#| msgid`` lines as comments '| msgid ...', which must not be stored as such."""
    return [c for c in message.user_comments if not c.startswith("|")]


def export_catalogue(cat: Catalogue, root: Path, lang: str) -> Catalog:
    """The catalogue a translator needs: every current English text, with what exists.

    Stale entries come with the new English as msgid, the old one as the previous msgid
    (``#| msgid``) and the ``fuzzy`` flag, as gettext's msgmerge does, so tools show the change.
    The header is the stored catalogue's (translator, team); its Language, Plural-Forms and
    Content-Type (with the charset) are babel's for the language.
    """
    path = content_catalogue_path(root, lang)
    stored = read_catalogue(path, lang) if path.exists() else None
    by_context = {m.context: m for m in stored if m.id and m.context} if stored is not None else {}
    kept = {} if stored is None else {"header_comment": stored.header_comment, "last_translator": stored.last_translator,
                                      "language_team": stored.language_team}
    out = Catalog(locale=lang, project="booklet content", fuzzy=False, creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                  **kept)
    for f in content_fields(cat, lang):
        old = by_context.get(f.context)
        locations = [(f.path, f.line)]
        if old is None or not old.string:
            out.add(f.text, "", context=f.context, locations=locations)
        elif old.id != f.text:
            out.add(f.text, old.string, context=f.context, locations=locations, flags={"fuzzy"},
                    previous_id=old.id, user_comments=_comments(old))
        else:
            out.add(f.text, old.string, context=f.context, locations=locations, flags=set(old.flags),
                    user_comments=_comments(old), auto_comments=old.auto_comments)
    return out


def import_catalogue(root: Path, incoming: Catalog, lang: str, fields: list[Field] | None = None) -> tuple[int, int]:
    """Merge a translator's catalogue into content/translations/<lang>.po.

    Returns (entries taken, entries unchanged). An entry with an empty translation leaves the
    stored one as it is; stored entries the file does not mention are kept. Only the lines of the
    entries taken change: the stored file keeps its header (translator, team, dates), its order,
    its wrapping and every other entry byte for byte, whichever tool wrote it. A field the stored
    file lacks is inserted after the nearest field before it in the content's order (``fields``),
    which also gives each entry taken its location.
    """
    where = {f.context: [(f.path, f.line)] for f in fields or ()}
    order = {f.context: i for i, f in enumerate(fields or ())}
    texts = {f.context: f.text for f in fields or ()}
    path = content_catalogue_path(root, lang)
    stored = read_catalogue(path, lang)
    by_context = {m.context: m for m in stored if m.id and m.context}
    taken: dict[str, Message] = {}
    unchanged = 0
    for message in incoming:
        if not message.id or not message.context or not message.string:
            continue
        old = by_context.get(message.context)
        if old is not None and old.id == message.id and old.string == message.string and old.fuzzy == message.fuzzy:
            unchanged += 1
            continue
        if _left_stale(message, old, texts.get(message.context)):
            unchanged += 1  # still the translation of the old English: it stays stale (English is printed)
            continue
        flags = {f for f in message.flags if f != "fuzzy"} | ({"fuzzy"} if message.fuzzy else set())
        taken[message.context] = Message(
            message.id, message.string, where.get(message.context) or message.locations or (old.locations if old else []),
            flags=flags, auto_comments=message.auto_comments, user_comments=_comments(message), context=message.context)
    if not taken:
        return 0, unchanged
    if not path.exists():
        fresh = Catalog(locale=lang, project="booklet content", fuzzy=False, last_translator=incoming.last_translator,
                        language_team=incoming.language_team, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
        for context in sorted(taken, key=lambda c: order.get(c, len(order))):
            fresh[taken[context].id] = taken[context]  # type: ignore[index]
        write_catalogue(path, fresh)
        return len(taken), unchanged
    write_atomic(path, _spliced(path.read_bytes(), stored, taken, order))
    return len(taken), unchanged


def _left_stale(message: Message, old: Message | None, english: str | None) -> bool:
    """A stale entry sent back as exported: still marked fuzzy, its translation still the stored
    translation of the old English, and still carrying that old English as its previous msgid
    (``#| msgid``). Taking it would print an outdated translation as a draft of the new English;
    it is left stale, and its English is printed until a translator updates it.

    A translator who has read the change and finds the translation still right says so as
    gettext's tools do: by removing the ``#| msgid`` lines (the entry stays a draft if it stays
    fuzzy) or the fuzzy flag (reviewed). Either way the entry is taken, translation unchanged."""
    return (old is not None and message.fuzzy and message.id == english and old.id != message.id
            and old.string == message.string and _previous_msgid(message) == old.id)


def _previous_msgid(message: Message) -> str | None:
    """The previous msgid (``#| msgid``) of an entry read by babel, which keeps those lines as
    translator comments ('| msgid "..."', '| "..."'); None when the entry has none."""
    lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    if not lines or not lines[0].startswith("msgid "):
        return None
    quoted = [lines[0].removeprefix("msgid ").strip()]
    quoted += [line for line in lines[1:] if line.startswith('"')]
    try:
        return denormalize("\n".join(quoted))
    except Exception:  # a damaged comment: as if there were none
        return None


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    """The entries of a PO file as line ranges [start, end): comments, msgctxt, msgid, msgstr and
    their continuation lines; an entry ends at a blank line or where the next one begins."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    after_msgstr = False
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            if start is not None:
                spans.append((start, i))
            start, after_msgstr = None, False
            continue
        if start is not None and after_msgstr and not line.startswith(('"', "msgstr")):
            spans.append((start, i))
            start, after_msgstr = None, False
        if start is None:
            start = i
        if line.startswith("msgstr"):
            after_msgstr = True
    if start is not None:
        spans.append((start, len(lines)))
    return spans


def _spliced(data: bytes, stored: Catalog, taken: dict[str, Message], order: dict[str, int]) -> bytes:
    """The stored file with the entries taken put in place of their stored entries (new fields
    after the stored entry of the nearest field before them), every other byte as it was."""
    charset = stored.charset or "utf-8"
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", data.decode(charset))  # split at \n only, as babel numbers lines
    spans = _spans(lines)
    span_of: dict[str, int] = {}  # context -> the span of its stored entry
    for m in stored:
        if m.id and m.context and m.lineno:
            for k, (start, end) in enumerate(spans):
                if start < m.lineno <= end:
                    span_of[m.context] = k
                    break
    replaced: dict[int, str] = {}
    after: dict[int, list[str]] = {}  # new entries after the entry in span k
    before_first: list[str] = []  # new entries before the first stored entry (after the header)
    at_end: list[str] = []  # new entries of a file that holds no entry yet
    for context in sorted(taken, key=lambda c: order.get(c, len(order))):
        text = _entry_text(taken[context], stored)
        if context in span_of:
            replaced[span_of[context]] = text
            continue
        rank = order.get(context, len(order))
        earlier = [c for c in span_of if order.get(c, len(order)) < rank]
        if earlier:
            after.setdefault(span_of[max(earlier, key=lambda c: order.get(c, len(order)))], []).append(text)
        elif span_of:
            before_first.append(text)
        else:
            at_end.append(text)
    first = min(span_of.values(), default=None)
    out: list[str] = []
    done = 0
    for k, (start, end) in enumerate(spans):
        out.extend(lines[done:start])
        if k == first:
            out.extend(text + "\n" for text in before_first)
        out.extend([replaced[k]] if k in replaced else lines[start:end])
        done = end
        for text in after.get(k, ()):
            if not out[-1].endswith("\n"):
                out.append("\n")
            out.append("\n" + text)
    out.extend(lines[done:])
    if at_end:
        so_far = "".join(out).rstrip("\n")
        out = [so_far + "\n\n" if so_far else "", "\n".join(at_end)]
    return "".join(out).encode(charset, "backslashreplace")


def _entry_text(message: Message, stored: Catalog) -> str:
    """One entry as this tool writes it, without the blank line after it."""
    one = Catalog(locale=stored.locale, fuzzy=False, charset=stored.charset)
    one[message.id] = message  # type: ignore[index]
    return po_bytes(one, omit_header=True).decode(one.charset).rstrip("\n") + "\n"


# ------------------------------------------------------------------ the layouts' fixed phrases


def extract_ui_messages(layouts: Path) -> Catalog:
    """Collect the fixed phrases of the project's templates and of this package's Python code
    (view.py, formats.py, site.py: the phrases marked with _ or N_)."""
    catalog = Catalog(project="booklet layouts", fuzzy=False, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    sources = [
        (layouts, [("**.j2", "jinja2.ext:babel_extract")], {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}),
        (PACKAGE, [("**.py", "python")], {}),
    ]
    for folder, method_map, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), method_map, options_map=options, keywords={"_": None, "gettext": None, "N_": None}
        ):
            where = f"{'layouts' if folder == layouts else 'generator'}/{filename}"
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def ui_catalogue_path(layouts: Path, lang: str) -> Path:
    return layouts / "locale" / f"{lang}.po"


def ui_translations(layouts: Path, lang: str) -> gettext.NullTranslations:
    """The compiled fixed phrases of one language in the project's layouts (drafts included),
    compiled once per folder, language and version of the file (`booklet serve` sees an edit)."""
    path = ui_catalogue_path(layouts, lang)
    try:
        stat = path.stat()
    except OSError:  # no catalogue: the English phrases
        return _compiled(path, "en", None)
    return _compiled(path, lang, (stat.st_mtime_ns, stat.st_size))


@cache
def _compiled(path: Path, lang: str, stamp: tuple[int, int] | None) -> gettext.NullTranslations:
    if lang == "en" or stamp is None:
        return gettext.NullTranslations()
    catalog = read_catalogue(path, lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=True)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def ui_coverage(layouts: Path, lang: str) -> Coverage:
    template = extract_ui_messages(layouts)
    catalog = read_catalogue(ui_catalogue_path(layouts, lang), lang)
    result = Coverage(lang)
    po = f"layouts/locale/{lang}.po"
    for m in template:
        if m.id:
            found = catalog.get(m.id)
            # where to look: the phrase's entry in the language's catalogue, else where the phrase is written
            path, line = (po, found.lineno) if found is not None and found.lineno else (m.locations[0] if m.locations else (po, 0))
            result.count(Field("ui:" + str(m.id), str(m.id), path, (), line or 0), found)
    return result


# ------------------------------------------------------------------ keeping facts intact

_FACT_WORDS: dict[str, tuple[str, str]] = {
    "link": ("links to", "link to"),
    "address": ("gives the address", "give the address"),
    "email": ("gives the email address", "give the email address"),
    "phone": ("gives the phone number", "give the phone number"),
    "number": ("has the number", "have the number"),
}


def changed_facts(english: str, translation: str) -> list[tuple[Fact, bool]]:
    """What a translation changes of its English's facts: each fact it adds (True) or drops
    (False), once, in the order of the text it is in (additions first).

    Compared as sets, not multisets: saying a number once where the English repeats it ('call
    it') sends the reader nowhere new and loses no route, while any target, address, phone number
    or number that is not the English's, or one of the English's that is missing, is a change.
    Phone numbers are compared as the number dialled, however grouped or in whichever digits
    (Eastern Arabic digits included); other numbers without leading zeros ('09:30', '9h30')."""
    ours = {(f.kind, f.key) for f in text_facts(english)}
    theirs = {(f.kind, f.key) for f in text_facts(translation)}
    out: list[tuple[Fact, bool]] = []
    for facts, other, added in ((text_facts(translation), ours, True), (text_facts(english), theirs, False)):
        seen: set[tuple[str, str]] = set()
        for f in facts:
            if (f.kind, f.key) not in other and (f.kind, f.key) not in seen:
                seen.add((f.kind, f.key))
                out.append((f, added))
    return out


def fact_message(fact: Fact, added: bool) -> str:
    """'links to https://..., which the English does not' / 'does not link to ..., as the English does'."""
    does, do = _FACT_WORDS[fact.kind]
    return f"{does} {fact.written}, which the English does not" if added else f"does not {do} {fact.written}, as the English does"


def fact_problems(rel: str, lines: list[str], message: Message, english: str) -> list[Problem]:
    """A located error for each fact a translation adds or drops: at the fact in the msgstr
    (an addition), else at the msgstr line."""
    from .errors import Problem

    problems = []
    for fact, added in changed_facts(english, str(message.string)):
        line, column = msgstr_place(lines, message, fact.written if added else None)
        problems.append(Problem(rel, line, column, str(message.context), fact_message(fact, added)))
    return problems


def msgstr_place(lines: list[str], message: Message, written: str | None) -> tuple[int, int]:
    """Line and column (1-based) of ``written`` in the msgstr lines of ``message`` in a PO file's
    lines; the msgstr line when it is not found there (or not asked for)."""
    first = max((message.lineno or 1) - 1, 0)
    start = next((i for i in range(first, len(lines)) if lines[i].lstrip().startswith("msgstr")), None)
    if start is None:
        return message.lineno or 1, 1
    if written:
        quoted = re.escape(written.replace("\\", "\\\\").replace('"', '\\"'))
        pattern = re.compile(rf"(?<!\d){quoted}(?!\d)" if written[-1:].isdigit() else rf"(?<!\d){quoted}")
        for i in range(start, len(lines)):
            if i > start and not lines[i].lstrip().startswith('"'):
                break
            found = pattern.search(lines[i])
            if found:
                return i + 1, found.start() + 1
    return start + 1, 1


def po_lines(path: Path) -> list[str]:
    """A PO file's lines, numbered as babel numbers them (split at line feeds only)."""
    return path.read_bytes().decode("utf-8", "replace").split("\n")


# ------------------------------------------------------------------ command helpers


def catalogue_bytes(catalog: Catalog) -> bytes:
    return po_bytes(catalog)


def msgfmt_path() -> str | None:
    """GNU gettext's msgfmt (Debian's gettext), when it is installed."""
    return shutil.which("msgfmt")


_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?{_STRING}")
_MSGFMT_LINE = re.compile(r"(\d+):(?:(\d+):)?\s*(.*)")


MAX_PO_BYTES = 1 << 20
"""The largest PO file taken (the catalogues are about 60 KB): babel's line wrapping is quadratic
in an entry's length, so an unbounded file could hold a build or an import for hours."""
MAX_PO_STRING = 4000
"""The most characters in one msgid or msgstr (the longest field is under 1000)."""
_STRING_START = re.compile(r"\s*(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?=[\s\"])")
_CHARSET = re.compile(r"charset=([^\s\\\"]+)", re.IGNORECASE)


def po_safety_problems(data: bytes, rel: str) -> list[Problem]:
    """What makes a PO file unsafe to even parse, found in one pass over its bytes: too large a
    file or string (MAX_PO_BYTES, MAX_PO_STRING), bytes that are not UTF-8, a declared charset
    other than UTF-8 (a file declaring ISO-8859-1 with UTF-8 text would be read as 'Ã  Unia')."""
    from .errors import Problem

    if len(data) > MAX_PO_BYTES:
        return [Problem(rel, 1, 1, "", f"the file has {len(data):,} bytes; expected at most {MAX_PO_BYTES:,} "
                                       "(a catalogue is about 60,000): not read")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [Problem(rel, line, exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1, "",
                        f"byte 0x{data[exc.start]:02x} is not UTF-8; expected a UTF-8 file (charset=UTF-8)")]
    problems: list[Problem] = []
    declared = _CHARSET.search(text)
    if declared and declared[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
        line = text[: declared.start()].count("\n") + 1
        problems.append(Problem(rel, line, 1, "Content-Type",
                                f"declares charset={declared[1]}, but its bytes are UTF-8"
                                f"{' text' if not text.isascii() else ''}; expected charset=UTF-8"))
    keyword, start, size = "", 0, 0
    for number, raw in enumerate(text.split("\n"), 1):
        body = raw.lstrip()
        if body.startswith("#~"):
            body = body[2:].lstrip()
        elif body.startswith("#"):
            continue
        opening = _STRING_START.match(body)
        if opening:
            if size > MAX_PO_STRING:
                problems.append(_too_long(rel, start, keyword, size))
            keyword, start, size = opening[1], number, 0
        quoted = body[opening.end():].strip() if opening else body.strip()
        size += max(0, len(quoted) - 2)  # the text between the quotes
    if size > MAX_PO_STRING:
        problems.append(_too_long(rel, start, keyword, size))
    return problems


def _too_long(rel: str, line: int, keyword: str, size: int) -> Problem:
    from .errors import Problem

    return Problem(rel, line, 1, keyword, f"a string of about {size:,} characters; expected at most {MAX_PO_STRING:,} "
                                          "(a field's text is well under 1,000): the file is not read")


def placeholder_problems(english: str, translated: str) -> list[str]:
    """Why a translated layout phrase cannot safely take ``str.format`` with the English's
    names: a name the English does not have (or one it has left out), a positional field ({0},
    {}), a conversion or format spec ({date!r}, {date:>99999999}), a field with an attribute or
    index ({date.year}), or an unbalanced brace. Empty when it is safe."""
    import string

    def fields(text: str) -> tuple[set[str], list[str]]:
        names: set[str] = set()
        bad: list[str] = []
        for _literal, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            if not name or name.isdigit():
                bad.append(f"{written} is a positional field")
            elif not re.fullmatch(r"[a-z_]+", name):
                bad.append(f"{written} is not a plain name")
            elif spec or conversion:
                bad.append(f"{written} has a format spec or conversion")
            else:
                names.add(name)
        return names, bad

    try:
        wanted, _ = fields(english)
    except ValueError:
        return []  # the English is not a format string: nothing is formatted
    try:
        got, bad = fields(translated)
    except ValueError as exc:
        return [f"{exc} (a lone {{ or }}: write {{{{ or }}}} for a brace)"]
    if bad:
        return bad
    if got != wanted:
        have = ", ".join("{" + n + "}" for n in sorted(got)) or "none"
        return [f"placeholders {have} differ from the English {', '.join('{' + n + '}' for n in sorted(wanted)) or 'none'}"]
    return []


def po_file_problems(path: Path, rel: str) -> list[Problem]:
    """What makes a PO file unsafe to take: the errors of ``msgfmt -c --check-format`` (GNU
    gettext), at the lines msgfmt names; without msgfmt, babel's parse with strict checks (every
    string quoted and closed on its line, no unknown keyword, no msgid without msgstr)."""
    from .errors import Problem

    unsafe = po_safety_problems(path.read_bytes(), rel)
    if unsafe:
        return unsafe
    msgfmt = msgfmt_path()
    if msgfmt is None:
        return _babel_problems(path.read_bytes(), rel)
    try:
        result = subprocess.run([msgfmt, "-c", "--check-format", "-o", os.devnull, str(path)], capture_output=True,
                                text=True, errors="replace", env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""}, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Problem(rel, 1, 1, "msgfmt -c", f"could not run {msgfmt}: {exc}")]
    if result.returncode == 0:
        return []
    found: list[list] = []  # [line, column, message]
    prefix = f"{path}:"
    for text in result.stderr.splitlines():
        if text.startswith(prefix):
            match = _MSGFMT_LINE.match(text[len(prefix):])
            line, column, message = (int(match[1]), int(match[2] or 1), match[3]) if match else (1, 1, text[len(prefix):].strip())
            if not message.startswith("warning:"):
                found.append([line, column, message])
        elif text.startswith((" ", "\t")) and found:  # a message continued on the next line
            found[-1][2] += " " + text.strip()
    if not found:
        last = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        found.append([1, 1, last[0]])
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    problems: list[Problem] = []
    for line, column, message in found:
        above = _open_quote(lines[line - 2]) if 1 < line <= len(lines) + 1 else 0
        if message.startswith("end-of-line within string") and column == 1 and above:
            # msgfmt sees the end of a line once it has read it, and names the start of the next: the string opened above
            line, column = line - 1, above
        if any(p.line == line for p in problems):
            continue  # one problem per line: what follows a broken string is read out of step
        problems.append(Problem(rel, line, column, "PO syntax", f"{_po_words(message)} (msgfmt: {message})"))
    return problems


def _open_quote(text: str) -> int:
    """The column (1-based) of the double quote that opens a string left unclosed on this line, or 0."""
    opened, escaped = 0, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            opened = 0 if opened else i + 1
    return opened


def _po_words(message: str) -> str:
    """What msgfmt's terse message means, in a translator's words, with what was expected."""
    unknown = re.match(r'keyword "(.*)" unknown', message)
    if unknown:
        return (f"'{unknown[1]}' stands outside the quotes: a double quote inside a translation ends it early, or a "
                "keyword is misspelt; expected \\\" for a quote inside the text (or « » “ ”), and the keywords msgctxt, "
                "msgid, msgstr")
    for start, words in _PO_WORDS:
        if message.startswith(start):
            return words
    return f"{message}; expected valid PO syntax"


_PO_WORDS = (
    ("end-of-line within string", "a string is not closed on its line (a line break inside a translation, or the "
                                  "closing double quote missing); expected each line of a string between double quotes, "
                                  "a line break written as \\n"),
    ("missing 'msgstr' section", "this entry has no msgstr line; expected msgstr \"...\" after its msgid (msgstr \"\" "
                                 "leaves it untranslated)"),
    ("syntax error", "this line cannot be read; expected a keyword (msgctxt, msgid, msgstr) and a string in double "
                     "quotes, or a string in double quotes going on from the line above"),
    ("duplicate message definition", "this entry is in the file twice; expected each msgctxt once"),
)


def _babel_problems(data: bytes, rel: str) -> list[Problem]:
    from .errors import Problem

    where = "PO syntax (msgfmt not found: checked by babel)"
    charset = re.search(rb"charset=([\w.:-]+)", data)
    try:
        text = data.decode(charset[1].decode("ascii") if charset else "utf-8")
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        return [Problem(rel, line, 1, where, f"not readable in its charset: {exc}; expected UTF-8 text")]
    problems: list[Problem] = []
    for number, raw in enumerate(text.split("\n"), 1):
        body = raw.strip()
        if body.startswith("#"):
            if not body.startswith(("#|", "#~")):
                continue  # a comment
            body = body[2:].lstrip().removeprefix("|").lstrip()
        if body and not _PO_LINE.fullmatch(body):
            problems.append(Problem(rel, number, 1, where, "not a keyword with a quoted string, nor a quoted string (a line "
                                    "break inside a translation, or a quote missing?); expected each line of a string "
                                    "between double quotes, a line break written as \\n"))
    if problems:
        return problems
    try:
        read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        message = re.sub(r" on \d+$", "", str(exc))  # babel appends its own 0-based line number
        problems.append(Problem(rel, exc.lineno + 1, 1, where, f"{message}; expected valid PO syntax"))
    except Exception as exc:  # babel raises several kinds of errors for a broken file
        problems.append(Problem(rel, 1, 1, where, f"not a readable PO file: {exc}"))
    return problems


def import_file(cat: Catalogue, root: Path, path: Path) -> tuple[str, int, int]:
    """Check a translator's PO file and merge it, all or nothing: a file that ``msgfmt -c``
    rejects (babel's strict parse without msgfmt), an entry whose English is not the current
    English of its field, an unknown field or a translation that adds or drops a link, address,
    email or number of its English refuse the whole file, every problem reported with its line
    (the fact's own place in the msgstr), and content/translations/ is left as it was."""
    import click

    from .errors import ImportRefused, Problem

    rel = str(path)
    named = re.search(rb'^"Language: *([A-Za-z_-]+)', path.read_bytes(), re.MULTILINE)  # before the file is parsed
    stored = "content/translations/" + (f"{named[1].decode()}.po" if named else "")
    if msgfmt_path() is None:
        click.echo(f"note: msgfmt (GNU gettext) not found: {rel} is checked with babel's parser only; "
                   "install gettext (Debian's package) for the full check", err=True)
    problems = po_file_problems(path, rel)
    if problems:
        raise ImportRefused(problems, rel, stored)
    try:
        with path.open("rb") as f:
            incoming = read_po(f)
    except Exception as exc:  # babel raises several kinds of errors for a broken file
        raise ImportRefused([Problem(rel, 1, 1, "", f"not a readable PO file: {exc}")], rel, stored) from None
    lang = str(incoming.locale) if incoming.locale else ""
    stored = f"content/translations/{lang}.po" if lang else "content/translations/"
    if lang not in cat.booklet.languages or lang == "en":
        problems.append(Problem(rel, 1, 1, "Language", f"'{lang}' is not a translated language of this project; expected one of: "
                                f"{', '.join(cat.booklet.languages[1:])} (the languages: list of content/booklet.yaml)"))
    known = {f.context: f for f in content_fields(cat)}
    lines = po_lines(path)
    before = content_translator(root, lang).by_context if lang in cat.booklet.languages and lang != "en" else {}
    for message in incoming:
        if not message.id:
            continue
        field = known.get(message.context or "")
        if _left_stale(message, before.get(message.context or ""), field.text if field else None):
            continue  # not taken (import_catalogue leaves it stale): nothing of it to check
        line = message.lineno or 1
        if not message.context or message.context not in known:
            problems.append(Problem(rel, line, 1, "msgctxt", f"'{message.context}' is not a field of the content; expected a context from 'booklet translations --export'"))
            continue
        english = known[message.context].text
        if message.string and message.id != english:
            was, now = _difference(str(message.id), english)
            problems.append(Problem(rel, line, 1, message.context,
                                    f"the English (msgid) reads {was!r}, not the current English of this field "
                                    f"({known[message.context].path}:{known[message.context].line}); expected {now!r}: "
                                    f"export again with 'booklet translations --export {lang}' and carry the translation over"))
        elif message.string:
            problems.extend(fact_problems(rel, lines, message, english))
    stored_path = content_catalogue_path(root, lang)
    if not problems and stored_path.exists():
        stored_rel = stored_path.relative_to(root).as_posix() if stored_path.is_relative_to(root) else str(stored_path)
        problems.extend(Problem(p.path, p.line, p.column, p.field, f"{p.message} (the stored catalogue: fix it before importing)")
                        for p in po_file_problems(stored_path, stored_rel))
    if problems:
        raise ImportRefused(problems, rel, stored)
    taken, unchanged = import_catalogue(root, incoming, lang, fields=list(known.values()))
    return lang, taken, unchanged


def _short(text: str, size: int = 80) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _difference(a: str, b: str, around: int = 30) -> tuple[str, str]:
    """Two texts cut to where they first differ (with some words before), to show in a message."""
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, same - around)
    lead, size = ("…" if start else ""), 2 * around + 20
    return lead + _short(a[start:], size), lead + _short(b[start:], size)


def update_ui_catalogues(layouts: Path, langs: tuple[str, ...]) -> list[Path]:
    """Extract the phrases of the project's layouts (and of this package's code) to
    layouts/locale/messages.pot and merge them into each language's .po."""
    template = extract_ui_messages(layouts)
    locale = layouts / "locale"
    written = [locale / "messages.pot"]
    locale.mkdir(parents=True, exist_ok=True)
    (locale / "messages.pot").write_bytes(po_bytes(template, sort_output=True))
    for lang in langs:
        if lang == "en":
            continue
        path = ui_catalogue_path(layouts, lang)
        catalog = read_catalogue(path, lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write_catalogue(path, catalog)
        written.append(path)
    return written


LISTED = 20
"""How many stale or missing entries `booklet translations` lists under its table (--details: all)."""


def _listing(lang: str, result: Coverage) -> tuple[list[str], list[str]]:
    """The stale and the missing entries of one coverage, one line each: 'file:line: field: lang: why'."""
    def line(f: Field, why: str) -> str:
        name = f.context.partition(":")[2] if not f.context.startswith("ui:") else repr(_short(f.text, 60))
        return f"{f.path}{f':{f.line}' if f.line else ''}: {name or f.context}: {lang}: {why}"

    return ([line(f, "stale (the English changed)") for f in result.stale], [line(f, "missing") for f in result.missing])


def print_coverage(cat: Catalogue, root: Path, layouts: Path, langs: tuple[str, ...], details: bool = False) -> None:
    """The coverage table, then the stale and missing entries (stale first): the first LISTED,
    or all with ``details``."""
    import sys

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Translations", title_justify="left")
    for name in ("language", "kind", "strings", "translated", "reviewed", "machine drafts", "stale", "missing", "coverage"):
        table.add_column(name, justify="left" if name in ("language", "kind") else "right")
    stale: list[str] = []
    missing: list[str] = []
    for lang in langs:
        if lang == "en":
            continue
        for kind, result in (("content", coverage(cat, root, lang)), ("layouts", ui_coverage(layouts, lang))):
            table.add_row(lang, kind, str(result.total), str(result.translated), str(result.reviewed), str(result.drafts),
                          str(len(result.stale)), str(len(result.missing)), f"{result.percent:.0f} %")
            more_stale, more_missing = _listing(lang, result)
            stale += more_stale
            missing += more_missing
    console = Console() if sys.stdout.isatty() else Console(width=120)  # a terminal's own width; piped: unwrapped
    console.print(table)
    listed = stale + missing
    shown = listed if details else listed[:LISTED]
    for line in shown:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    if len(shown) < len(listed):
        console.print(f"... and {len(listed) - len(shown)} more: run 'booklet translations --details'", markup=False,
                      highlight=False, soft_wrap=True)


# ------------------------------------------------------------------ checks run with `booklet check`

def translation_file_problems(cat: Catalogue) -> list[Problem]:
    """Problems in the translation catalogues: unreadable files, languages that are not enabled,
    unknown fields, translations that add or drop a link, address, email, phone number or number
    of their English (``changed_facts``), broken placeholders."""
    from .errors import Problem

    problems: list[Problem] = []
    enabled = set(cat.booklet.languages)
    folder = cat.root / "content" / "translations"
    fields = {f.context: f for f in content_fields(cat)}
    # a file with errors of its own is read only in part: a translation of what was left out is not 'removed'
    damaged = tuple("booklet:" if kind == "booklet" else f"{kind}/{ident}:" for kind, ident in cat.damaged)
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        rel = path.relative_to(cat.root).as_posix()
        lang = path.stem
        if lang not in enabled or lang == "en":
            problems.append(Problem(rel, 1, 1, "", f"'{lang}' is not an enabled language; expected one of: "
                                    f"{', '.join(sorted(enabled - {'en'}))}, or add it to languages: in content/booklet.yaml"))
            continue
        if leads_out(path, folder):
            problems.append(Problem(rel, 1, 1, "", "a symbolic link leading out of content/ (or a broken one); expected the "
                                                   "file itself in content/translations/: not read"))
            continue
        unsafe = po_safety_problems(path.read_bytes(), rel)
        if unsafe:
            problems.extend(unsafe)
            continue
        try:
            catalog = read_catalogue(path, lang)
        except Exception as exc:  # babel raises several kinds of errors for a broken file
            problems.append(Problem(rel, 1, 1, "", f"not a readable PO file: {exc}"))
            continue
        lines = po_lines(path)
        for message in catalog:
            if not message.id or not message.string:
                continue
            line = message.lineno or 1
            field = fields.get(message.context or "")
            if field is None:
                if str(message.context).startswith(damaged):
                    continue
                problems.append(Problem(rel, line, 1, str(message.context),
                                        "no such field in the content (renamed or removed?); expected a context from 'booklet translations --export'",
                                        "warning"))
                continue
            if message.id == field.text:
                problems.extend(fact_problems(rel, lines, message, field.text))
    layouts = layouts_of(cat.root)  # the project's own catalogues; none to check when it has no layouts/
    for lang in sorted(enabled - {"en"}):
        path = ui_catalogue_path(layouts, lang)
        if not path.exists():
            continue
        rel = path.relative_to(cat.root).as_posix() if path.is_relative_to(cat.root) else str(path)
        unsafe = po_safety_problems(path.read_bytes(), rel)
        if unsafe:
            problems.extend(unsafe)
            continue
        try:
            catalog = read_catalogue(path, lang)
        except Exception as exc:
            problems.append(Problem(rel, 1, 1, "", f"not a readable PO file: {exc}"))
            continue
        lines = po_lines(path)
        for message in catalog:
            if not message.id or not message.string:
                continue
            for why in placeholder_problems(str(message.id), str(message.string)):
                problems.append(Problem(rel, *msgstr_place(lines, message, None), "msgstr",
                                        f"{why}; expected the English's placeholders, each as {{name}}"))
    return problems


def centre_translation_problems(cat: Catalogue) -> list[Problem]:
    """A reception centre's text with no (or a stale) translation in one of the centre's
    languages: its booklet in that language would show it in English. A warning naming the field
    (an error under --strict)."""
    from .errors import Problem

    problems: list[Problem] = []
    stored_by_lang: dict[str, dict[str, Message]] = {}  # each catalogue read once, whatever the number of centres
    for ident, centre in sorted(cat.centres.items()):
        langs = [lang for lang in centre.languages if lang != "en" and lang in cat.booklet.languages]
        for lang in langs:
            if lang not in stored_by_lang:
                stored_by_lang[lang] = content_translator(cat.root, lang).by_context
            stored = stored_by_lang[lang]
            doc = cat.documents.get(("centres", ident))
            for f in _fields("centres", ident, centre, CENTRE_FIELDS, doc):
                message = stored.get(f.context)
                why = "no" if message is None or not message.string else ("a stale" if message.id != f.text else "")
                if not why:
                    continue
                line, column = doc.where(f.loc) if doc else (1, 1)
                problems.append(Problem(f.path, line, column, _loc(f.loc),
                                        f"{why} {lang} translation: the centre's {lang} booklets, leaflets and posters show it in English; "
                                        f"translate it with 'booklet translations --export {lang}'", "warning", "translation"))
    return problems

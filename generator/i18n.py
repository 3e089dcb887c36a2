"""Translations: the layouts' fixed phrases and the content's text, in PO catalogues.

Two kinds of catalogue, both standard gettext PO files that translators' tools open:

- ``layouts/locale/<lang>.po``: the fixed phrases of the layouts and of ``view.py``
  (extracted into ``layouts/locale/messages.pot``), compiled in memory at build time.
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
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .files import LAYOUTS, write_atomic
from .load import Document

if TYPE_CHECKING:
    from .errors import Problem
    from .validate import Catalogue

PACKAGE = Path(__file__).resolve().parent
UI_LOCALE = LAYOUTS / "locale"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)



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
            yield Field(prefix + _loc(loc), value, path, loc, doc.where(loc)[0] if doc else 0)
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


SERVICE_FIELDS = ("full_name", "summary", "short", "lists.heading", "lists.items", "notes", "phones.label", "phones.note",
                  "phones.cost", "chats.note", "links.label", "links.note", "addresses.note")
SITUATION_FIELDS = ("title", "summary", "lists.heading", "lists.items", "steps", "tips")
AUDIENCE_FIELDS = ("title", "subtitle", "intro")
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
    buf = io.BytesIO()
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    write_po(buf, catalog, width=100, sort_output=False, omit_header=False, include_previous=True)
    write_atomic(path, buf.getvalue())


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


def export_catalogue(cat: Catalogue, root: Path, lang: str) -> Catalog:
    """The catalogue a translator needs: every current English text, with what exists.

    Stale entries come with the new English as msgid, the old one as the previous msgid
    (``#| msgid``) and the ``fuzzy`` flag, as gettext's msgmerge does, so tools show the change.
    """
    stored = content_translator(root, lang).by_context
    out = Catalog(locale=lang, project="booklet content", fuzzy=False, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    for f in content_fields(cat, lang):
        old = stored.get(f.context)
        locations = [(f.path, f.line)]
        if old is None or not old.string:
            out.add(f.text, "", context=f.context, locations=locations)
        elif old.id != f.text:
            out.add(f.text, old.string, context=f.context, locations=locations, flags={"fuzzy"},
                    previous_id=old.id, user_comments=old.user_comments)
        else:
            out.add(f.text, old.string, context=f.context, locations=locations, flags=set(old.flags),
                    user_comments=old.user_comments, auto_comments=old.auto_comments)
    return out


def import_catalogue(root: Path, incoming: Catalog, lang: str, fields: list[Field] | None = None) -> tuple[int, int]:
    """Merge a translator's catalogue into content/translations/<lang>.po.

    Returns (entries taken, entries unchanged). An entry with an empty translation leaves the
    stored one as it is; stored entries the file does not mention are kept. The file keeps its
    header (translator, team) and its order, so a merge changes only the lines it must; with
    ``fields`` (the content's, in order), entries follow their order and carry their location, and
    those of fields that no longer exist are kept as obsolete (``#~``), as gettext's msgmerge does.
    """
    where = {f.context: [(f.path, f.line)] for f in fields or ()}
    path = content_catalogue_path(root, lang)
    stored = read_catalogue(path, lang)
    by_context = {m.context: m for m in stored if m.id and m.context}
    taken = unchanged = 0
    for message in incoming:
        if not message.id or not message.context or not message.string:
            continue
        old = by_context.get(message.context)
        if old is not None and old.id == message.id and old.string == message.string and old.fuzzy == message.fuzzy:
            unchanged += 1
            continue
        if old is not None:
            stored.delete(old.id, context=old.context)
        flags = {f for f in message.flags if f != "fuzzy"} | ({"fuzzy"} if message.fuzzy else set())
        stored.add(message.id, message.string, context=message.context, flags=flags, user_comments=message.user_comments,
                   auto_comments=message.auto_comments,
                   locations=where.get(message.context) or message.locations or (old.locations if old else []))
        new = stored.get(message.id, context=message.context)
        if new is not None:
            by_context[message.context] = new
        taken += 1
    write_catalogue(path, _ordered(stored, [f.context for f in fields] if fields is not None else None))
    return taken, unchanged


def _ordered(catalog: Catalog, order: list[str] | None) -> Catalog:
    """The same catalogue, header kept, its entries in the content's order (the stored order
    when none is given); entries of fields that no longer exist become obsolete."""
    out = Catalog(locale=catalog.locale, header_comment=catalog.header_comment, project=catalog.project,
                  version=catalog.version, msgid_bugs_address=catalog.msgid_bugs_address,
                  last_translator=catalog.last_translator, language_team=catalog.language_team, fuzzy=False,
                  creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    messages = [m for m in catalog if m.id]
    rank = {context: i for i, context in enumerate(order or ())}
    if order is not None:
        for m in messages:
            if m.context not in rank:
                out.obsolete[(str(m.id), m.context) if m.context else str(m.id)] = m
        messages = sorted((m for m in messages if m.context in rank), key=lambda m: rank[m.context or ""])
    for m in messages:
        out[m.id] = m  # type: ignore[index]
    for key, m in catalog.obsolete.items():
        out.obsolete.setdefault(key, m)
    return out


# ------------------------------------------------------------------ the layouts' fixed phrases


def extract_ui_messages() -> Catalog:
    """Collect the fixed phrases of the templates and of the Python view code."""
    catalog = Catalog(project="booklet layouts", fuzzy=False, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    sources = [
        (LAYOUTS, [("**.j2", "jinja2.ext:babel_extract")], {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}),
        (PACKAGE, [("**.py", "python")], {}),
    ]
    for folder, method_map, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), method_map, options_map=options, keywords={"_": None, "gettext": None, "N_": None}
        ):
            where = f"{'layouts' if folder == LAYOUTS else 'generator'}/{filename}"
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def ui_catalogue_path(lang: str) -> Path:
    return UI_LOCALE / f"{lang}.po"


@cache
def ui_translations(lang: str) -> gettext.NullTranslations:
    """The compiled fixed phrases of one language (drafts included), once per process."""
    path = ui_catalogue_path(lang)
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    catalog = read_catalogue(path, lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=True)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def ui_coverage(lang: str) -> Coverage:
    template = extract_ui_messages()
    catalog = read_catalogue(ui_catalogue_path(lang), lang)
    result = Coverage(lang)
    for m in template:
        if m.id:
            result.count(Field("ui:" + str(m.id), str(m.id), f"layouts/locale/{lang}.po", ()), catalog.get(m.id))
    return result


# ------------------------------------------------------------------ keeping facts intact

_FACT = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ./-]{5,}\d")


def facts_in(text: str) -> list[str]:
    """Phone numbers, emails and web addresses written in a text."""
    return [m.group(0).rstrip(".,;)") for m in _FACT.finditer(text)]


def dropped_facts(english: str, translation: str) -> list[str]:
    """Facts of the English text that the translation lost or changed."""
    squashed = re.sub(r"[\s./-]", "", translation)
    return [f for f in facts_in(english) if f not in translation and re.sub(r"[\s./-]", "", f) not in squashed]


# ------------------------------------------------------------------ command helpers


def catalogue_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_previous=True)
    return buf.getvalue()


def import_file(cat: Catalogue, root: Path, path: Path) -> tuple[str, int, int]:
    """Check a translator's PO file and merge it; every problem is reported with its line."""
    from .errors import ContentError, Problem

    rel = str(path)
    try:
        with path.open("rb") as f:
            incoming = read_po(f)
    except Exception as exc:  # babel raises several kinds of errors for a broken file
        raise ContentError([Problem(rel, 1, 1, "", f"not a readable PO file: {exc}")]) from None
    lang = str(incoming.locale) if incoming.locale else ""
    problems: list[Problem] = []
    if lang not in cat.booklet.languages or lang == "en":
        problems.append(Problem(rel, 1, 1, "Language", f"'{lang}' is not a translated language of this project; expected one of: "
                                f"{', '.join(cat.booklet.languages[1:])} (the languages: list of content/booklet.yaml)"))
    known = {f.context: f for f in content_fields(cat)}
    for message in incoming:
        if not message.id:
            continue
        line = message.lineno or 1
        if not message.context or message.context not in known:
            problems.append(Problem(rel, line, 1, "msgctxt", f"'{message.context}' is not a field of the content; expected a context from 'booklet translations --export'"))
            continue
        if message.string and message.id == known[message.context].text:
            lost = dropped_facts(str(message.id), str(message.string))
            if lost:
                problems.append(Problem(rel, line, 1, message.context,
                                        f"the translation drops or changes {', '.join(repr(x) for x in lost)}; expected them as in the English"))
    if problems:
        raise ContentError(problems)
    taken, unchanged = import_catalogue(root, incoming, lang, fields=list(known.values()))
    return lang, taken, unchanged


def update_ui_catalogues(langs: tuple[str, ...]) -> list[Path]:
    """Extract the layouts' phrases to messages.pot and merge them into each language's .po."""
    template = extract_ui_messages()
    written = [UI_LOCALE / "messages.pot"]
    buf = io.BytesIO()
    write_po(buf, template, width=100, sort_output=True, omit_header=False)
    UI_LOCALE.mkdir(parents=True, exist_ok=True)
    (UI_LOCALE / "messages.pot").write_bytes(buf.getvalue())
    for lang in langs:
        if lang == "en":
            continue
        path = ui_catalogue_path(lang)
        catalog = read_catalogue(path, lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write_catalogue(path, catalog)
        written.append(path)
    return written


def print_coverage(cat: Catalogue, root: Path, langs: tuple[str, ...], details: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Translations", title_justify="left")
    for name in ("language", "kind", "strings", "translated", "reviewed", "machine drafts", "stale", "missing", "coverage"):
        table.add_column(name, justify="left" if name in ("language", "kind") else "right")
    listed: list[str] = []
    for lang in langs:
        if lang == "en":
            continue
        for kind, result in (("content", coverage(cat, root, lang)), ("layouts", ui_coverage(lang))):
            table.add_row(lang, kind, str(result.total), str(result.translated), str(result.reviewed), str(result.drafts),
                          str(len(result.stale)), str(len(result.missing)), f"{result.percent:.0f} %")
            for f in result.stale:
                listed.append(f"{lang}: {f.path}: {f.context.partition(':')[2] or f.context}: stale (the English changed)")
            for f in result.missing:
                listed.append(f"{lang}: {f.path}: {f.context.partition(':')[2] or f.context}: missing")
    import sys

    console = Console() if sys.stdout.isatty() else Console(width=120)  # a terminal's own width; piped: unwrapped
    console.print(table)
    if details:
        for line in listed:
            console.print(line, markup=False, highlight=False)
    elif listed:
        console.print(f"{len(listed)} stale or missing: run with --details to list them", markup=False, highlight=False)


# ------------------------------------------------------------------ checks run with `booklet check`

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def translation_file_problems(cat: Catalogue) -> list[Problem]:
    """Problems in the translation catalogues: unreadable files, languages that are not enabled,
    unknown fields, translations that lose a phone number, email or address, broken placeholders."""
    from .errors import Problem

    problems: list[Problem] = []
    enabled = set(cat.booklet.languages)
    folder = cat.root / "content" / "translations"
    fields = {f.context: f for f in content_fields(cat)}
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        rel = path.relative_to(cat.root).as_posix()
        lang = path.stem
        if lang not in enabled or lang == "en":
            problems.append(Problem(rel, 1, 1, "", f"'{lang}' is not an enabled language; expected one of: "
                                    f"{', '.join(sorted(enabled - {'en'}))}, or add it to languages: in content/booklet.yaml"))
            continue
        try:
            catalog = read_catalogue(path, lang)
        except Exception as exc:  # babel raises several kinds of errors for a broken file
            problems.append(Problem(rel, 1, 1, "", f"not a readable PO file: {exc}"))
            continue
        for message in catalog:
            if not message.id or not message.string:
                continue
            line = message.lineno or 1
            field = fields.get(message.context or "")
            if field is None:
                problems.append(Problem(rel, line, 1, str(message.context),
                                        "no such field in the content (renamed or removed?); expected a context from 'booklet translations --export'",
                                        "warning"))
                continue
            if message.id == field.text:
                lost = dropped_facts(field.text, str(message.string))
                if lost:
                    problems.append(Problem(rel, line, 1, str(message.context),
                                            f"the translation drops or changes {', '.join(repr(x) for x in lost)}; expected them as in the English"))
    for lang in sorted(enabled - {"en"}):
        path = ui_catalogue_path(lang)
        if not path.exists():
            continue
        rel = path.relative_to(cat.root).as_posix() if path.is_relative_to(cat.root) else str(path)
        try:
            catalog = read_catalogue(path, lang)
        except Exception as exc:
            problems.append(Problem(rel, 1, 1, "", f"not a readable PO file: {exc}"))
            continue
        for message in catalog:
            if not message.id or not message.string:
                continue
            wanted = sorted(_PLACEHOLDER.findall(str(message.id)))
            got = sorted(_PLACEHOLDER.findall(str(message.string)))
            if wanted != got:
                problems.append(Problem(rel, message.lineno or 1, 1, "msgstr",
                                        f"placeholders {', '.join(got) or 'none'} differ from the English {', '.join(wanted)}; expected the same placeholders"))
    return problems


def centre_translation_problems(cat: Catalogue) -> list[Problem]:
    """A reception centre's text with no (or a stale) translation in one of the centre's
    languages: its booklet in that language would show it in English. A warning naming the field
    (an error under --strict)."""
    from .errors import Problem

    problems: list[Problem] = []
    for ident, centre in sorted(cat.centres.items()):
        langs = [lang for lang in centre.languages if lang != "en" and lang in cat.booklet.languages]
        for lang in langs:
            stored = content_translator(cat.root, lang).by_context
            doc = cat.documents.get(("centres", ident))
            for f in _fields("centres", ident, centre, CENTRE_FIELDS, doc):
                message = stored.get(f.context)
                why = "no" if message is None or not message.string else ("a stale" if message.id != f.text else "")
                if not why:
                    continue
                line, column = doc.where(f.loc) if doc else (1, 1)
                problems.append(Problem(f.path, line, column, _loc(f.loc),
                                        f"{why} {lang} translation: the centre's {lang} booklets show it in English; "
                                        f"translate it with 'booklet translations --export {lang}'", "warning", "translation"))
    return problems

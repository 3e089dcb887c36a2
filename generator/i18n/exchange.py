"""The round trip with translators: export a language's catalogue of the content, import a
translator's PO file (checked, all or nothing, then spliced into the stored one), and update the
layouts' catalogues from their phrases."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from generator.base.errors import ImportRefused, Problem
from generator.base.files import write_atomic
from generator.content.catalogue import Catalogue
from generator.content.texts import TextField, content_fields
from generator.i18n.checks import fact_problems
from generator.i18n.po import (
    FIXED_DATE,
    content_catalogue_path,
    extract_ui_messages,
    po_bytes,
    po_lines,
    previous_msgid,
    read_catalogue,
    spliced,
    translator_comments,
    ui_catalogue_path,
    write_catalogue,
)
from generator.i18n.syntax import po_file_problems
from generator.i18n.translator import content_translator


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
                    previous_id=old.id, user_comments=translator_comments(old))
        else:
            out.add(f.text, old.string, context=f.context, locations=locations, flags=set(old.flags),
                    user_comments=translator_comments(old), auto_comments=old.auto_comments)
    return out


def import_catalogue(root: Path, incoming: Catalog, lang: str, fields: list[TextField] | None = None) -> tuple[int, int]:
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
            flags=flags, auto_comments=message.auto_comments, user_comments=translator_comments(message), context=message.context)
    if not taken:
        return 0, unchanged
    if not path.exists():
        fresh = Catalog(locale=lang, project="booklet content", fuzzy=False, last_translator=incoming.last_translator,
                        language_team=incoming.language_team, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
        for context in sorted(taken, key=lambda c: order.get(c, len(order))):
            fresh[taken[context].id] = taken[context]  # type: ignore[index]
        write_catalogue(path, fresh)
        return len(taken), unchanged
    write_atomic(path, spliced(path.read_bytes(), stored, taken, order))
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
            and old.string == message.string and previous_msgid(message) == old.id)


def import_file(cat: Catalogue, root: Path, path: Path) -> tuple[str, int, int]:
    """Check a translator's PO file and merge it, all or nothing: a file that ``msgfmt -c``
    rejects (babel's strict parse without msgfmt), an entry whose English is not the current
    English of its field, an unknown field or a translation that adds or drops a link, address,
    email or number of its English refuse the whole file, every problem reported with its line
    (the fact's own place in the msgstr), and content/translations/ is left as it was."""
    rel = str(path)
    named = re.search(rb'^"Language: *([A-Za-z_-]+)', path.read_bytes(), re.MULTILINE)  # before the file is parsed
    stored = "content/translations/" + (f"{named[1].decode()}.po" if named else "")
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

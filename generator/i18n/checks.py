"""How complete the translations are, and what is wrong in the translation files.

``coverage`` and ``ui_coverage`` count each text as reviewed, a draft, stale or missing;
``translation_file_problems`` and ``centre_translation_problems`` are the problems `booklet check`
reports about content/translations/ and layouts/locale/ (run by the build layer after the
content is validated: generator/build/checks.py). Nothing here prints.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from generator.base.errors import Problem
from generator.base.files import layouts_of, leads_out
from generator.content.catalogue import Catalogue
from generator.content.load import format_loc
from generator.content.texts import TextField, content_fields, fields_of
from generator.content.values import Fact, text_facts
from generator.i18n.po import extract_ui_messages, msgstr_place, po_lines, read_catalogue, ui_catalogue_path
from generator.i18n.syntax import po_safety_problems
from generator.i18n.translator import content_translator


@dataclass
class Coverage:
    lang: str
    total: int = 0
    reviewed: int = 0
    drafts: int = 0
    stale: list[TextField] = field(default_factory=list)
    missing: list[TextField] = field(default_factory=list)

    def count(self, f: TextField, message: Message | None) -> None:
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


def coverage(cat: Catalogue, root: Path, lang: str) -> Coverage:
    tr = content_translator(root, lang)
    result = Coverage(lang)
    for f in content_fields(cat, lang):
        result.count(f, tr.by_context.get(f.context))
    return result


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
            result.count(TextField("ui:" + str(m.id), str(m.id), path, (), line or 0), found)
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
    problems = []
    for fact, added in changed_facts(english, str(message.string)):
        line, column = msgstr_place(lines, message, fact.written if added else None)
        problems.append(Problem(rel, line, column, str(message.context), fact_message(fact, added)))
    return problems


def placeholder_problems(english: str, translated: str) -> list[str]:
    """Why a translated layout phrase cannot safely take ``str.format`` with the English's
    names: a name the English does not have (or one it has left out), a positional field ({0},
    {}), a conversion or format spec ({date!r}, {date:>99999999}), a field with an attribute or
    index ({date.year}), or an unbalanced brace. Empty when it is safe."""

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


# ------------------------------------------------------------------ checks run with `booklet check`

def _read_checked(path: Path, rel: str, lang: str, problems: list[Problem]) -> tuple[Catalog, list[str]] | None:
    """A translation file and its lines, read only when it is safe to (po_safety_problems) and
    readable; otherwise None, with why added to ``problems`` (``rel`` names the file)."""
    unsafe = po_safety_problems(path.read_bytes(), rel)
    if unsafe:
        problems.extend(unsafe)
        return None
    try:
        catalog = read_catalogue(path, lang)
    except Exception as exc:  # babel raises several kinds of errors for a broken file
        problems.append(Problem(rel, 1, 1, "", f"not a readable PO file: {exc}"))
        return None
    return catalog, po_lines(path)


def translation_file_problems(cat: Catalogue) -> list[Problem]:
    """Problems in the translation catalogues: unreadable files, languages that are not enabled,
    unknown fields, translations that add or drop a link, address, email, phone number or number
    of their English (``changed_facts``), broken placeholders."""
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
        read = _read_checked(path, rel, lang, problems)
        if read is None:
            continue
        catalog, lines = read
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
        read = _read_checked(path, rel, lang, problems)
        if read is None:
            continue
        catalog, lines = read
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
    problems: list[Problem] = []
    stored_by_lang: dict[str, dict[str, Message]] = {}  # each catalogue read once, whatever the number of centres
    for ident, centre in sorted(cat.centres.items()):
        langs = [lang for lang in centre.languages if lang != "en" and lang in cat.booklet.languages]
        for lang in langs:
            if lang not in stored_by_lang:
                stored_by_lang[lang] = content_translator(cat.root, lang).by_context
            stored = stored_by_lang[lang]
            doc = cat.documents.get(("centres", ident))
            for f in fields_of("centres", ident, centre, doc):
                message = stored.get(f.context)
                why = "no" if message is None or not message.string else ("a stale" if message.id != f.text else "")
                if not why:
                    continue
                line, column = doc.where(f.loc) if doc else (1, 1)
                problems.append(Problem(f.path, line, column, format_loc(f.loc),
                                        f"{why} {lang} translation: the centre's {lang} booklets, leaflets and posters show it in English; "
                                        f"translate it with 'booklet translations --export {lang}'", "warning", "translation"))
    return problems

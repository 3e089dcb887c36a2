"""PO files on disk: reading, writing and splicing them, and where each lives.

babel reads and writes the catalogues; this module adds what babel gets wrong or does not do:
previous msgids (``#| msgid``) written intact, an entry replaced in a stored file with every
other byte kept (``spliced``), the place of a fact inside a msgstr, and the extraction of the
layouts' fixed phrases (templates and this package's ``_``/``N_`` calls).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from generator.base.files import write_atomic

PACKAGE = Path(__file__).resolve().parent.parent
"""The generator package, whose Python code holds fixed phrases (view.py, formats.py, site.py)."""
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100
"""Where msgid and msgstr lines are wrapped in the catalogues this tool writes."""


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


def ui_catalogue_path(layouts: Path, lang: str) -> Path:
    return layouts / "locale" / f"{lang}.po"


def translator_comments(message: Message) -> list[str]:
    """A message's translator comments, without the previous msgid: babel reads gettext's
    ``#| msgid`` lines as comments '| msgid ...', which must not be stored as such."""
    return [c for c in message.user_comments if not c.startswith("|")]


def previous_msgid(message: Message) -> str | None:
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


def spliced(data: bytes, stored: Catalog, taken: dict[str, Message], order: dict[str, int]) -> bytes:
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

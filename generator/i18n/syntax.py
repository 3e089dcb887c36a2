"""What makes a PO file unsafe to take: too large, not UTF-8, or not valid PO syntax (GNU
gettext's ``msgfmt -c`` when it is installed, babel's strict parse otherwise), each problem at its
line with what was expected, in a translator's words."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from generator.base.errors import Problem


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
    return Problem(rel, line, 1, keyword, f"a string of about {size:,} characters; expected at most {MAX_PO_STRING:,} "
                                          "(a field's text is well under 1,000): the file is not read")


def po_file_problems(path: Path, rel: str) -> list[Problem]:
    """What makes a PO file unsafe to take: the errors of ``msgfmt -c --check-format`` (GNU
    gettext), at the lines msgfmt names; without msgfmt, babel's parse with strict checks (every
    string quoted and closed on its line, no unknown keyword, no msgid without msgstr)."""
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

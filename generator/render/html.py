"""Booklet view model -> HTML, with Jinja2 (autoescape on, undefined names are errors)."""

from __future__ import annotations

import gettext
import html as html_module
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from markdown_it.token import Token
from markupsafe import Markup

from generator.base.formats import FORMATS
from generator.content.qr import qr_width_mm
from generator.content.values import MARKDOWN, mailto, tel_number
from generator.i18n.translator import ui_translations
from generator.render.words import RTL_SCRIPT


def markdown(text: str, marks: Mapping[str, list[str]] | None = None) -> Markup:
    """Content text as safe inline HTML (markdown-it escapes everything it does not render;
    fields.MARKDOWN says what it renders). A mailto: link is percent-encoded as the structured
    emails are; a tel: link dials its number's E.164 form and is followed by the number's marks
    ('free call'), as a phone line is."""
    tokens = MARKDOWN.parseInline(text or "")
    children = list(tokens[0].children or []) if tokens else []
    out: list[Token] = []
    pending: list[str] = []
    for token in children:
        out.append(token)
        href = str(token.attrs.get("href", "")) if token.type == "link_open" else ""
        if href.startswith("mailto:"):
            token.attrs["href"] = mailto(unquote(href.removeprefix("mailto:")))
        elif href.startswith("tel:"):
            try:
                token.attrs["href"] = tel_number(href).tel
            except ValueError:
                pass  # not a phone number: validation refuses the content before anything is rendered
            pending = list((marks or {}).get(str(token.attrs["href"]), ()))
        elif token.type == "link_close" and pending:
            tags = "".join(f' <span class="tag">{html_module.escape(tag)}</span>' for tag in pending)
            out.append(Token("html_inline", "", 0, content=tags))
            pending = []
    return Markup(MARKDOWN.renderer.render(out, MARKDOWN.options, {}))  # noqa: S704 - escaped by markdown-it, html disabled


@jinja2.pass_context
def _md(context: Any, text: str) -> Markup:
    """The |md filter: the document's view (b) carries the marks of its phone numbers."""
    view = context.get("b")
    return markdown(text, view.get("tel_marks") if isinstance(view, dict) else None)


def environment(layouts: Path, lang: str) -> jinja2.Environment:
    """The Jinja2 environment of the project's layouts in one language: one per folder, language
    and version of its phrase catalogue, so templates are parsed once (and reloaded when edited)."""
    return _environment(layouts, ui_translations(layouts, lang))


@cache
def _environment(layouts: Path, translations: gettext.NullTranslations) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md
    env.install_gettext_translations(translations, newstyle=False)  # type: ignore[attr-defined]
    return env


_TAG_OR_TEXT = re.compile(r"(<(style|script|title)\b.*?</\2>|<!--.*?-->|<[^>]*>)", re.S | re.I)
_TOKEN = re.compile(r"[\u060c\u061b\u061f]|[^\s\u060c\u061b\u061f]+|\s+")  # Arabic comma, semicolon, question mark apart
_LEADING = "([{«\"'“‘"
_TRAILING = ".,;:!?)]}»\"'”’،؛؟…"
LRI, PDI = "\u2066", "\u2069"
_OPEN, _CLOSE = "\ue000", "\ue001"  # while isolating: a run of several words (replaced by an element)


_LTR_LETTER = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u0400-\u04ff]")


def _ltr_token(token: str) -> bool:
    """A word of left-to-right text in a right-to-left line: Latin letters or digits, no RTL letter."""
    return not RTL_SCRIPT.search(token) and bool(_LTR_LETTER.search(token))


_JOINERS = {"/", "&", "–", "—", "-"}
"""What joins a gloss into one unit ("Zorgcentra na Seksueel Geweld / Centres de prise en charge
des violences sexuelles", "Equality & Diversity"): isolated apart, its halves swap places."""
_QUOTES = {'"': '"', "“": "”", "«": "»", "‘": "’", "'": "'"}


def _isolate_text(text: str, whole: bool = False) -> str:
    """Each run of left-to-right words (a Latin name, 'LGBTI+', an email, a number, a time; a gloss
    joined by " / ", " & " or " – ") wrapped in start...end, so that a right-to-left line shows it
    whole and in order: the bidirectional algorithm would otherwise move a trailing '+' or ')' to
    the other side, swap the halves of a gloss, or reverse the order of two times joined by a
    dash. Punctuation that belongs to the sentence stays outside; quotation marks around a Latin
    phrase go inside. ``whole``: the text is all of its element and has no right-to-left letter (an
    English fallback): it is isolated whole, with its full stop. A run of one word is wrapped in
    LRI...PDI, one of several in _OPEN..._CLOSE (it may wrap: isolate_ltr makes it an element)."""
    if whole:
        body = text.strip()
        at = text.index(body)
        start, end = (_OPEN, _CLOSE) if any(c.isspace() for c in body) else (LRI, PDI)
        return f"{text[:at]}{start}{body}{end}{text[at + len(body):]}"
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if not _ltr_token(tokens[i]):
            out.append(tokens[i])
            i += 1
            continue
        j = i  # the run: LTR words, the spaces between them, and the joiners of a gloss
        while True:
            if j + 2 < len(tokens) and tokens[j + 1].isspace() and _ltr_token(tokens[j + 2]):
                j += 2
            elif (j + 4 < len(tokens) and tokens[j + 1].isspace() and tokens[j + 2] in _JOINERS
                  and tokens[j + 3].isspace() and _ltr_token(tokens[j + 4])):
                j += 4
            else:
                break
        run = "".join(tokens[i:j + 1])
        body = run.lstrip(_LEADING)
        lead = run[: len(run) - len(body)]
        core = body.rstrip(_TRAILING)
        trail = body[len(core):]
        if core.count("(") > core.count(")") and trail.startswith(")"):  # "UZ (UZA)": keep the pair together
            core, trail = core + ")", trail[1:]
        # brackets and quotation marks around the run, or closing a phrase in it ('Code 207 "no show"'), go with
        # it: a gloss in brackets that wraps then reads "(Zorgcentra ... / ... sexuelles)" on both lines
        for opening, closing in {"(": ")", "[": "]", **_QUOTES}.items():
            if lead.endswith(opening) and trail.startswith(closing):
                lead, core, trail = lead[:-1], opening + core + closing, trail[1:]
            elif trail.startswith(closing) and (core.count(opening) > core.count(closing) if opening != closing
                                                 else core.count(opening) % 2):
                core, trail = core + closing, trail[1:]
        start, end = (_OPEN, _CLOSE) if any(c.isspace() for c in core) else (LRI, PDI)
        out.append(f"{lead}{start}{core}{end}{trail}")
        i = j + 1
    return "".join(out)


def _next_tag(parts: list[str | None], index: int) -> str:
    """The tag that follows the text ``parts[index]`` ('' at the end)."""
    following = parts[index + 1] if index + 1 < len(parts) else None
    return following or ""


def _map_text(markup: str, change: Callable[[str, str, str, str], str]) -> str:
    """An HTML document with each run of its text (not its tags, styles, scripts or title)
    replaced by ``change(text, raw, before, after)``: the text unescaped, as written, the markup
    just before it (as changed) and the tag after it."""
    parts = _TAG_OR_TEXT.split(markup)
    out: list[str] = []
    skip = 0
    for index, part in enumerate(parts):
        if skip:
            skip -= 1
            continue
        if part is None:
            continue
        if _TAG_OR_TEXT.fullmatch(part or ""):
            out.append(part)
            skip = 1  # the group for the element name
            continue
        out.append(change(html_module.unescape(part), part, out[-1] if out else "", _next_tag(parts, index)))
    return "".join(out)


_PARAGRAPH = re.compile(r"<(p|li|h[1-6]|dt|dd|th|td)\b([^>]*)>(.*?)</\1>", re.S | re.I)
_TEXT_TAG = re.compile(r"</?(a|strong|em|code|br)\b[^>]*>", re.I)
"""The tags of a content text as |md renders it (fields.MARKDOWN), besides a number's marks."""
_NUMBER_MARKS = re.compile(r'<span class="tag">.*?</span>', re.S)
_BODY = re.compile(r"<body\b", re.I)


def _english_paragraphs(markup: str, start: str, end: str) -> str:
    """Each paragraph (p, li, h1-h6, dt, dd, th, td) that holds a content text with markup (a
    link, bold, a number with its marks: _TEXT_TAG) and nothing else, written left to right: an
    English text printed where its translation is missing. Its content is wrapped in ``start``
    ... ``end``, so that a right-to-left page shows the sentence whole and in order, its full stop
    at its end: isolated run by run, the runs between the tags would be laid out from right to
    left, the full stop at the far left. The marks of a number ('free call', in the page's
    language) travel inside it. (A text without markup is isolated whole by isolate_ltr.)"""

    def wrap(match: re.Match[str]) -> str:
        tag, attributes, content = match.groups()
        bare = _NUMBER_MARKS.sub("", content)
        if "<" not in content or any(not _TEXT_TAG.fullmatch(t) for t in re.findall(r"<[^>]*>", bare)):
            return match.group(0)  # no markup (isolated whole as a text: isolate_ltr), or more than a text
        text = html_module.unescape(re.sub(r"<[^>]*>", "", bare))
        if RTL_SCRIPT.search(text) or not _LTR_LETTER.search(text):
            return match.group(0)
        return f"<{tag}{attributes}>{start}{content}{end}</{tag}>"

    return _PARAGRAPH.sub(wrap, markup)


def isolate_ltr(markup: str, *, elements: bool = False) -> str:
    """Isolate the left-to-right runs in the text of an HTML document (not in its tags, styles,
    scripts or title). For WeasyPrint, a word with the invisible LRI...PDI marks, several words in
    a <span dir="ltr">: WeasyPrint lays out each line of a paragraph apart, and the second line
    of a run that wraps would lose the marks on the first (its closing bracket would face the
    wrong way); for browsers, with <bdi> elements (so that a copied number carries no invisible
    characters). An English text printed for a missing translation is isolated whole, with its
    punctuation, also when it holds a link or bold (_english_paragraphs)."""
    marks = {LRI: "<bdi>", PDI: "</bdi>", _OPEN: "<bdi>", _CLOSE: "</bdi>"} if elements \
        else {_OPEN: '<span dir="ltr">', _CLOSE: "</span>"}  # the text is isolated unescaped, then escaped

    def isolate(text: str, raw: str, before: str, after: str) -> str:
        if not text.strip():
            return raw
        whole = (before.startswith("<") and not before.startswith(("</", "<!")) and after.startswith("</")
                 and not RTL_SCRIPT.search(text) and bool(_LTR_LETTER.search(text)))
        isolated = html_module.escape(_isolate_text(text, whole), quote=False)
        for mark, markup_ in marks.items():
            isolated = isolated.replace(mark, markup_)
        return isolated

    body = _BODY.search(markup)  # the paragraphs of the body (the head holds no text to read)
    at = body.start() if body else 0
    markup = markup[:at] + _english_paragraphs(markup[at:], *(("<bdi>", "</bdi>") if elements else ('<span dir="ltr">', "</span>")))
    return _map_text(markup, isolate)


def render_booklet(view: Mapping[str, Any], *, generator: str, keywords: str, layouts: Path, kind: str = "booklet") -> str:
    """The HTML of one format (formats.py names its template and gives its page sizes)."""
    fmt = FORMATS[kind]
    template = environment(layouts, view["lang"]).get_template(fmt.template)
    full_list = view.get("full_list")
    html = template.render(b=view, generator=generator, keywords=keywords, page_css=fmt.page_css(),
                           full_list_mm=qr_width_mm(full_list) if full_list else 0)
    return keep_together(isolate_ltr(html) if view.get("dir") == "rtl" else html)


# ------------------------------------------------------------------ what a line must not break

WJ = "\u2060"
"""WORD JOINER: forbids a line break on either side of it; invisible, and left out of the text a
PDF reader extracts or copies (Noto Sans maps it; Pango draws nothing for it)."""

_SPACE = "[ \u00a0\u2009\u202f]"  # babel writes French ranges with thin spaces: "09:00 – 12:30"
_TIME = r"\d{1,2}(?::\d\d|h\d\d|h)"
TIME_RANGE = re.compile(rf"(?<![\d:]){_TIME}{_SPACE}?[–—-]{_SPACE}?{_TIME}(?![\d:])")
"""A range of hours written with a dash ("09:00–12:30", "9h-17h"): "09:00–" at a line's end reads
as open from nine."""
PHONE = re.compile(r"(?<![\w+])(?:\+\d{2,3}[ \u00a0]?|0)\d{1,3}(?:[ \u00a0./]\d{2,3}){2,4}(?![\w])")
"""A phone number written in groups ("0800 99 961", "02 225 44 11", "+32 2 225 44 11", "02/535.45.42")."""
NAME = re.compile(r"(?<![\w-])[^\W\d_][\w'’ʼ]*(?:-[^\W\d_][\w'’ʼ]*)+")
"""A hyphenated word; one that starts with a capital is a name ("Saint-Pierre", "Louvain-la-Neuve")."""
WEB = re.compile(r"(?<![\w@.-])(?:[a-z\d](?:[a-z\d-]*[a-z\d])?\.)+[a-z]{2,}(?:/[\w\-./%~]*)?", re.I)
"""A web address: it may break after "/" or ".", never at a hyphen ("rules-/follow" reads as two addresses)."""
_WEB_PART = re.compile(r"[^./]*-[^./]*")


def unbreakable(text: str) -> list[tuple[str, int, int]]:
    """What a line must not break in ``text``: (kind, start, end) for each time range, phone
    number and hyphenated name, and each hyphenated part of a web address (between its dots
    and slashes, where it may break). Kinds: 'time', 'phone', 'name', 'web'."""
    found = [("time", *m.span()) for m in TIME_RANGE.finditer(text)]
    found += [("phone", *m.span()) for m in PHONE.finditer(text)]
    found += [("name", *m.span()) for m in NAME.finditer(text) if m.group()[0].isupper()]
    for m in WEB.finditer(text):
        found += [("web", m.start() + p.start(), m.start() + p.end()) for p in _WEB_PART.finditer(m.group()) if p.group()]
    return sorted(found, key=lambda f: (f[1], f[2]))


_BREAKS_AFTER = frozenset(" \u00a0\u2009\u202f-‐–—/.")  # where a line may break inside a run (after a space, a dash, a slash)
_BREAKS_BEFORE = frozenset("—")  # ... and before an em dash (UAX #14 class B2: Russian "09:00—12:30", as babel writes it)


def _joined(text: str, runs: list[tuple[str, int, int]]) -> str:
    """``text`` with a word joiner after each place a line could break inside a run (inside a
    web address's part, only its hyphens: it may still break after its dots and slashes)."""
    after = {i for kind, start, stop in runs for i in range(start, stop - 1)
             if text[i + 1] != WJ and text[i] != WJ
             and (text[i] in (("-",) if kind == "web" else _BREAKS_AFTER) or kind != "web" and text[i + 1] in _BREAKS_BEFORE)}
    return "".join(c + WJ if i in after else c for i, c in enumerate(text))


def _spans(text: str, runs: list[tuple[str, int, int]]) -> str:
    """``text``, escaped, with each run (overlapping ones merged) in a <span class="nobr">."""
    merged: list[list[int]] = []
    for _kind, start, stop in runs:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    out, at = [], 0
    for start, stop in merged:
        out += [html_module.escape(text[at:start], quote=False), '<span class="nobr">',
                html_module.escape(text[start:stop], quote=False), "</span>"]
        at = stop
    return "".join(out) + html_module.escape(text[at:], quote=False)


def keep_together(markup: str, *, elements: bool = False) -> str:
    """Keep what must not break (``unbreakable``: time ranges, phone numbers, hyphenated names,
    the hyphenated parts of web addresses) on one line, in the text of an HTML document (not in
    its tags, styles, scripts or title): with word joiners (for WeasyPrint: a white-space: nowrap
    span makes it break the line at an earlier word than the one before the span), or with
    <span class="nobr"> (for browsers, so that copied text carries no invisible characters)."""

    def keep(text: str, raw: str, _before: str, _after: str) -> str:
        runs = unbreakable(text) if any(c.isdigit() or c in "-‐" for c in text) else []
        if not runs:
            return raw
        return _spans(text, runs) if elements else html_module.escape(_joined(text, runs), quote=False)

    return _map_text(markup, keep)


def render_back_cover(view: Mapping[str, Any], *, generator: str, layouts: Path, notes_pages: int) -> str:
    """The HTML of a booklet's last pages: ``notes_pages`` ruled pages for the reader's own
    numbers and notes (those that would be left blank to fill the last folded sheet), then the
    back cover. Laid out after the booklet's pages and joined to them."""
    template = environment(layouts, view["lang"]).get_template("back-cover.html.j2")
    html = template.render(b={**view, "notes_pages": notes_pages}, generator=generator, keywords="",
                           page_css=FORMATS["booklet"].page_css())
    return keep_together(isolate_ltr(html) if view.get("dir") == "rtl" else html)

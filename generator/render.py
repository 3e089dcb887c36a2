"""Booklet view model -> HTML, with Jinja2 (autoescape on, undefined names are errors)."""

from __future__ import annotations

import gettext
import html as html_module
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from markdown_it.token import Token
from markupsafe import Markup

from .fields import MARKDOWN, mailto, tel_number
from .formats import FORMATS
from .i18n import ui_translations
from .qr import qr_width_mm
from .view import RTL_SCRIPT


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


_LTR_LETTER = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u0400-\u04ff]")


def _ltr_token(token: str) -> bool:
    """A word of left-to-right text in a right-to-left line: Latin letters or digits, no RTL letter."""
    return not RTL_SCRIPT.search(token) and bool(_LTR_LETTER.search(token))


def _isolate_text(text: str, start: str, end: str) -> str:
    """Each run of left-to-right words (a Latin name, 'LGBTI+', an email, a number, a time) wrapped
    in start...end, so that a right-to-left line shows it whole and in order: the bidirectional
    algorithm would otherwise move a trailing '+' or ')' to the other side, or reverse the order
    of two times joined by a dash. Punctuation that belongs to the sentence stays outside."""
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if not _ltr_token(tokens[i]):
            out.append(tokens[i])
            i += 1
            continue
        j = i  # the run: LTR words, and the spaces between them
        while j + 2 < len(tokens) and tokens[j + 1].isspace() and _ltr_token(tokens[j + 2]):
            j += 2
        run = "".join(tokens[i:j + 1])
        body = run.lstrip(_LEADING)
        lead = run[: len(run) - len(body)]
        core = body.rstrip(_TRAILING)
        trail = body[len(core):]
        if core.count("(") > core.count(")") and trail.startswith(")"):  # "(UZA)": keep the pair together
            core, trail = core + ")", trail[1:]
        out.append(f"{lead}{start}{core}{end}{trail}")
        i = j + 1
    return "".join(out)


def isolate_ltr(markup: str, *, elements: bool = False) -> str:
    """Isolate the left-to-right runs in the text of an HTML document (not in its tags, styles,
    scripts or title): with the invisible LRI...PDI marks (for WeasyPrint), or with <bdi>
    elements (for browsers, so that a copied number carries no invisible characters)."""
    start, end = ("<bdi>", "</bdi>") if elements else (LRI, PDI)  # the text is isolated unescaped, then escaped
    parts = _TAG_OR_TEXT.split(markup)
    out: list[str] = []
    skip = 0
    for part in parts:
        if skip:
            skip -= 1
            continue
        if part is None:
            continue
        if _TAG_OR_TEXT.fullmatch(part or ""):
            out.append(part)
            skip = 1  # the group for the element name
            continue
        text = html_module.unescape(part)
        if not text.strip():
            out.append(part)
            continue
        isolated = html_module.escape(_isolate_text(text, LRI, PDI), quote=False)
        out.append(isolated.replace(LRI, start).replace(PDI, end))
    return "".join(out)


def render_booklet(view: dict, *, generator: str, keywords: str, layouts: Path, kind: str = "booklet") -> str:
    """The HTML of one format (formats.py names its template and gives its page sizes)."""
    fmt = FORMATS[kind]
    template = environment(layouts, view["lang"]).get_template(fmt.template)
    full_list = view.get("full_list")
    html = template.render(b=view, generator=generator, keywords=keywords, page_css=fmt.page_css(),
                           full_list_mm=qr_width_mm(full_list) if full_list else 0)
    return isolate_ltr(html) if view.get("dir") == "rtl" else html


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

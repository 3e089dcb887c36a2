"""Booklet view model -> HTML, with Jinja2 (autoescape on, undefined names are errors)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

# A run of Latin-script words (names, French or Dutch terms in brackets, addresses) inside
# right-to-left text: it starts and ends with a letter or digit and may hold spaces and the
# punctuation of names and addresses, but no brackets (those belong to the surrounding text).
_LATIN_RUN = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F@&'’.,:;/+\-– ]*[A-Za-z0-9\u00C0-\u024F]|[A-Za-z\u00C0-\u024F]")


@jinja2.pass_context
def bidi(context: jinja2.runtime.Context, text: str) -> Markup:
    """In right-to-left booklets, isolate Latin-script runs so the bidi algorithm cannot
    scramble them with the brackets and punctuation around them."""
    if context.get("b", {}).get("dir") != "rtl" or not text:
        return escape(text)
    out, last = [], 0
    for m in _LATIN_RUN.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup('<span class="ltr">') + escape(m.group(0)) + Markup("</span>"))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)

LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"


@cache
def environment(layouts: Path = LAYOUTS, lang: str = "en") -> jinja2.Environment:
    """One Jinja2 environment per language and process: templates are parsed once."""
    from .i18n import ui_translations  # late import: i18n needs LAYOUTS from here

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["bidi"] = bidi
    env.install_gettext_translations(ui_translations(lang), newstyle=False)  # type: ignore[attr-defined]
    return env


def render_booklet(view: dict, *, generator: str, keywords: str, layouts: Path = LAYOUTS) -> str:
    template = environment(layouts, view["lang"]).get_template("booklet.html.j2")
    return template.render(b=view, generator=generator, keywords=keywords)

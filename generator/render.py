"""Booklet view model -> HTML, with Jinja2 (autoescape on, undefined names are errors)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from .files import LAYOUTS
from .formats import FORMATS
from .qr import qr_width_mm

# The only markup content text may use: *emphasis*, **strong** and [links](https://...).
# Raw HTML is never interpreted (it prints as the characters typed), and a link that is not
# https, mailto or tel stays plain text.
_MARKDOWN = MarkdownIt("zero", {"html": False}).enable(["emphasis", "link"])
_MARKDOWN.validateLink = lambda url: url.startswith(("https://", "mailto:", "tel:"))  # type: ignore[method-assign]


def markdown(text: str) -> Markup:
    """Content text as safe inline HTML (markdown-it escapes everything it does not render)."""
    return Markup(_MARKDOWN.renderInline(text or ""))  # noqa: S704 - escaped by markdown-it, html disabled


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
    env.filters["md"] = markdown
    env.install_gettext_translations(ui_translations(lang), newstyle=False)  # type: ignore[attr-defined]
    return env


def render_booklet(view: dict, *, generator: str, keywords: str, layouts: Path = LAYOUTS, kind: str = "booklet") -> str:
    """The HTML of one format (formats.py names its template and gives its page sizes)."""
    fmt = FORMATS[kind]
    template = environment(layouts, view["lang"]).get_template(fmt.template)
    full_list = view.get("full_list")
    return template.render(b=view, generator=generator, keywords=keywords, page_css=fmt.page_css(),
                           full_list_mm=qr_width_mm(full_list) if full_list else 0)

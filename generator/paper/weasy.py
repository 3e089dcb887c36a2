"""WeasyPrint's internals, in one place: the laid-out box tree the layout checks read.

WeasyPrint documents ``HTML.render()`` and ``Document.pages``, but not what a page is made of:
fit.py and design.py read the tree of boxes WeasyPrint laid out, which each page keeps in the
private attribute ``_page_box``, and tell boxes apart by their classes in
``weasyprint.formatting_structure.boxes``. Both are reached only through this module:

- ``page_box(page)``: the root box of a laid-out page (a ``PageBox``);
- ``is_margin``, ``is_line``, ``is_replaced``, ``is_plain_block``: what a box is, by WeasyPrint's
  own classes (exactly those classes, not their subclasses, as the checks were written).

The classes are imported by name when this module is imported, so a WeasyPrint that renamed or
removed one fails loudly here instead of a check finding nothing and passing;
tests/test_internals.py also checks that each name exists (``PRIVATE_NAMES``), and versions.py
refuses a WeasyPrint outside the supported range before anything is rendered.
"""

from __future__ import annotations

from typing import Any

from weasyprint.formatting_structure.boxes import (
    BlockBox,
    BlockReplacedBox,
    InlineReplacedBox,
    LineBox,
    MarginBox,
    PageBox,
)

PRIVATE_NAMES = {
    "weasyprint.document.Page": ("_page_box",),
    "weasyprint.formatting_structure.boxes": ("PageBox", "MarginBox", "LineBox", "BlockBox", "InlineReplacedBox",
                                              "BlockReplacedBox"),
}
"""The undocumented names this module relies on, where they live (checked by tests/test_internals.py)."""

_REPLACED = (InlineReplacedBox, BlockReplacedBox)


def page_box(page: Any) -> PageBox:
    """The root of the boxes WeasyPrint laid out on ``page`` (a ``weasyprint.Page`` of
    ``Document.pages``): its ``children`` are the page's margin boxes and its body."""
    return page._page_box  # noqa: SLF001 - WeasyPrint keeps the laid-out box tree there


def is_margin(box: Any) -> bool:
    """A page-margin box (@top-center and the like: running title, page number)."""
    return type(box) is MarginBox


def is_line(box: Any) -> bool:
    """One line of text: its children are the inline boxes and text laid out on it."""
    return type(box) is LineBox


def is_replaced(box: Any) -> bool:
    """An image, inline or block (a QR code)."""
    return type(box) in _REPLACED


def is_plain_block(box: Any) -> bool:
    """A block box of an element (a div, a paragraph, a list item), not a table caption or a
    footnote area (WeasyPrint's subclasses of BlockBox)."""
    return type(box) is BlockBox

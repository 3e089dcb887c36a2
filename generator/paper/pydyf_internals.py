"""How pydyf stores a PDF, and how WeasyPrint writes its content streams: what pdf.py and
place.py edit in the finisher, just before the file is written, in one place.

pydyf documents its objects (``PDF.objects``, ``PDF.catalog``, ``PDF.pages``, ``Stream.stream``,
``Stream.extra``, ``Object.number``) but not these, which the PDF repairs rely on:

- a reference is the bytes pydyf writes for it, ``b"12 0 R"`` (``Object.reference``), and
  ``PDF.page_references`` gives the pages' references in that same form (``deref``);
- the page tree's ``/Kids`` is a flat list of ``number, 0, "R"`` triples (``set_pages``);
- a content stream's ``stream`` is a list of tokens, bytes or str, in which WeasyPrint (through
  ``pydyf.Stream.begin_marked_content``) writes a marked-content sequence as ``"/Tag"``,
  ``b"BMC"`` or ``"/Tag"``, a property-list ``Dictionary`` (with its ``MCID``), ``b"BDC"``, and ends
  it with ``b"EMC"`` (``mark_as_artifacts``, ``without_marked_content``).

tests/test_internals.py checks each of these on the installed pydyf (``PRIVATE_NAMES`` and the
token layout), and versions.py refuses a pydyf outside the supported range.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pydyf

PRIVATE_NAMES = {
    "pydyf.PDF": ("page_references",),
    "pydyf.Object": ("reference",),
    "pydyf.Stream": ("begin_marked_content", "end_marked_content"),
}
"""The undocumented names this module relies on (checked by tests/test_internals.py)."""

def deref(pdf: pydyf.PDF, value: Any) -> Any:
    """The object behind a reference (pydyf writes them as b"12 0 R"), or the value itself."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


def set_pages(pdf: pydyf.PDF, pages: Iterable[pydyf.Dictionary]) -> int:
    """Make ``pages`` (objects of ``pdf``) the page tree's pages, in this order; returns their number."""
    pages = list(pages)
    pdf.pages["Kids"] = pydyf.Array(v for page in pages for v in (page.number, 0, "R"))
    pdf.pages["Count"] = len(pages)
    return len(pages)


def mark_as_artifacts(stream: pydyf.Stream, mcids: set[int], properties: dict[str, Any]) -> list[int]:
    """Turn each marked-content sequence of ``stream`` whose MCID is in ``mcids`` into an
    artifact: ``/Tag <</MCID n>> BDC`` becomes ``/Artifact <<properties>> BDC``, its content as it
    was. Returns the MCIDs changed, in the order of the stream."""
    tokens = stream.stream
    changed = []
    for j, item in enumerate(tokens):
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids:
            tokens[j - 1] = "/Artifact"
            tokens[j] = pydyf.Dictionary(properties)
            changed.append(item["MCID"])
    return changed


def without_marked_content(stream: pydyf.Stream) -> list[Any]:
    """The tokens of ``stream`` without its marked-content operators (BMC, BDC and EMC, with the
    tags and property lists they take): what it draws, to paint as an artifact."""
    kept: list[Any] = []
    for item in stream.stream:
        if item in (b"BMC", "BMC"):
            kept.pop()  # the tag
        elif item in (b"BDC", "BDC"):
            del kept[-2:]  # the tag and its property list
        elif item not in (b"EMC", "EMC"):
            kept.append(item)
    return kept


def substitute(stream: pydyf.Stream, pattern: re.Pattern[bytes], replacement: bytes) -> None:
    """Replace ``pattern`` in each part of ``stream``'s data (its parts are bytes or str; each
    becomes bytes)."""
    stream.stream = [pattern.sub(replacement, part if isinstance(part, bytes) else str(part).encode())
                     for part in stream.stream]

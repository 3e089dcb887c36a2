"""Place rendered pages on printing sheets, keeping the PDF accessible.

Imposition puts pages where the paper needs them (a booklet's page 12 beside page 1, a leaflet's
back panel in the middle of the outside), but a screen reader must still read them in order.
Here every page WeasyPrint drew becomes a form XObject that keeps its marked content, and the
structure tree is kept as WeasyPrint wrote it: each of its references to a page's content becomes
a marked-content reference (``/MCR`` with ``/Stm``) to that form on the sheet that shows it. The
tree's order is the reading order, whatever the sheet's order is. Links, bookmarks and named
destinations move with their page. A page shown more than once (ten wallet cards on a sheet) is
tagged once; its copies, and the printer's marks, are artifacts.

This is ISO 32000-1 14.7.4 (marked-content references into form XObjects, whose
``/StructParents`` key the parent tree), so the result stays PDF/UA-1 as the source was.

It works on WeasyPrint's own object graph (pydyf), in the finisher that runs just before the file
is written: nothing is parsed back, and the page content streams are reused as they are. What it
relies on of how pydyf stores objects (references, the page tree, content-stream tokens) is in
paper/pydyf_internals.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pydyf

from generator.base.formats import Format
from generator.paper.pydyf_internals import deref, set_pages, without_marked_content


@dataclass(frozen=True)
class Placement:
    """Source page ``page`` (0-based) with its lower-left corner at (x, y) points on the sheet."""

    page: int
    x: float
    y: float
    tagged: bool = True  # False: a copy of a page tagged elsewhere, printed as an artifact


@dataclass(frozen=True)
class Sheet:
    """One side of a printed sheet: its size in points, the pages on it, and printer's marks
    (content-stream operators, drawn as artifacts)."""

    width: float
    height: float
    placements: tuple[Placement, ...] = ()
    marks: str = ""


Layout = Callable[[list[tuple[float, float]]], Sequence[Sheet]]
"""Given the size (width, height in points) of each rendered page, the sheets to print."""


@dataclass(frozen=True)
class Printing:
    """How one file of a format goes on paper (impose.layout_for): its format, which says how a
    printer should print it (formats.py: duplex, actual_size) and how a print shop's file is
    padded (print_shop_multiple), and where its rendered pages go on sheets (None: as they are)."""

    format: Format
    layout: Layout | None = None


def padded_order(pages: int, multiple: int) -> list[int | None]:
    """The page numbers (1-based) in reading order, padded with blanks (None) to a multiple of
    ``multiple``: the blanks stand just before the last page, which stays the back cover."""
    total = -(-pages // multiple) * multiple
    return [*range(1, pages), *([None] * (total - pages)), pages] if pages else []


@dataclass(frozen=True)
class _Where:
    sheet: bytes  # references, as pydyf writes them: b"12 0 R"
    form: bytes
    dx: float
    dy: float


def place(pdf: pydyf.PDF, layout: Layout) -> int:
    """Re-lay the pages of ``pdf`` on the sheets ``layout`` gives, in place; returns the number
    of sheets (pages of the result).

    Every source page must be placed tagged exactly once: the structure tree needs one home for
    each piece of content.
    """
    sources = [deref(pdf, ref) for ref in pdf.page_references]
    sizes = [(float(p["MediaBox"][2]) - float(p["MediaBox"][0]), float(p["MediaBox"][3]) - float(p["MediaBox"][1]))
             for p in sources]
    sheets = layout(sizes)
    tagged = [p.page for s in sheets for p in s.placements if p.tagged]
    if sorted(tagged) != list(range(len(sources))):
        raise ValueError(f"every page must be placed tagged exactly once; tagged placements: {tagged}")

    forms: dict[int, bytes] = {}
    copies: dict[int, bytes] = {}
    where: dict[bytes, _Where] = {}  # source page reference -> its tagged place
    new_pages: list[pydyf.Dictionary] = []
    for sheet in sheets:
        page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                                 "MediaBox": pydyf.Array([0, 0, sheet.width, sheet.height])})
        pdf.add_object(page)
        xobjects = pydyf.Dictionary()
        annots = pydyf.Array()
        ops: list[str] = []
        for i, placement in enumerate(sheet.placements):
            source = sources[placement.page]
            dx = placement.x - float(source["MediaBox"][0])
            dy = placement.y - float(source["MediaBox"][1])
            name = f"P{i}"
            if placement.tagged:
                if placement.page not in forms:
                    forms[placement.page] = _form(pdf, source)
                form = forms[placement.page]
                ops.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm /{name} Do Q")
                where[pdf.page_references[placement.page]] = _Where(page.reference, form, dx, dy)
                for ref in source.get("Annots") or []:
                    annot = deref(pdf, ref)
                    for key in ("Rect", "QuadPoints"):  # x, y, x, y...
                        if key in annot:
                            annot[key] = pydyf.Array(float(v) + (dx if j % 2 == 0 else dy) for j, v in enumerate(annot[key]))
                    annot["P"] = page.reference
                    annots.append(ref)
            else:
                if placement.page not in copies:
                    copies[placement.page] = _artifact_copy(pdf, source)
                form = copies[placement.page]
                ops.append(f"/Artifact BMC q 1 0 0 1 {dx:.4f} {dy:.4f} cm /{name} Do Q EMC")
            xobjects[name] = form
        if sheet.marks:
            ops.append(f"/Artifact <</Type /Page>> BDC q {sheet.marks} Q EMC")
        contents = pydyf.Stream(ops, compress=True)
        pdf.add_object(contents)
        page["Contents"] = contents.reference
        page["Resources"] = pydyf.Dictionary({"XObject": xobjects})
        if annots:
            page["Annots"] = annots
            page["Tabs"] = "/S"  # tab order follows the structure tree
        new_pages.append(page)

    _retarget(pdf, where)
    for source in sources:
        source.clear()  # no longer in the page tree; written as an empty dictionary
    return set_pages(pdf, new_pages)


def pad(pdf: pydyf.PDF, multiple: int) -> int:
    """Add blank pages just before the last page of ``pdf`` until their number is a multiple of
    ``multiple`` (padded_order), in place; returns the number of pages.

    The pages themselves stay as they are (their content, tags, links and bookmarks): only the
    page tree changes. A blank page has the boxes of the last page (media, bleed, trim: what a
    PDF/X file needs on every page) and an empty content stream (readers that expect one find
    it), so there is nothing to tag and nothing to mark as an artifact.
    """
    pages = [deref(pdf, ref) for ref in pdf.page_references]
    order = padded_order(len(pages), multiple)
    if len(order) == len(pages):
        return len(pages)
    last = pages[-1]
    kids: list[pydyf.Dictionary] = []
    for number in order:
        if number is not None:
            kids.append(pages[number - 1])
            continue
        contents = pydyf.Stream()
        pdf.add_object(contents)
        blank = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "Resources": pydyf.Dictionary(),
                                  "Contents": contents.reference})
        for box in ("MediaBox", "CropBox", "BleedBox", "TrimBox", "ArtBox"):
            if box in last:
                blank[box] = pydyf.Array(last[box])
        pdf.add_object(blank)
        kids.append(blank)
    return set_pages(pdf, kids)


def _form(pdf: pydyf.PDF, page: pydyf.Dictionary) -> bytes:
    """The page's content stream, turned into a form XObject that keeps its marked content and
    takes the page's place in the parent tree (its /StructParents key)."""
    stream = deref(pdf, page["Contents"])
    stream.extra.update(_form_entries(page))
    for key in ("StructParents", "Group"):
        if key in page:
            stream.extra[key] = page[key]
    return stream.reference


def _form_entries(page: pydyf.Dictionary) -> dict[str, Any]:
    """What makes a page's content a form XObject: its box and its resources."""
    return {"Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array(page["MediaBox"]), "Resources": page["Resources"]}


def _artifact_copy(pdf: pydyf.PDF, page: pydyf.Dictionary) -> bytes:
    """A form XObject of the page without its marked-content operators, to paint as an artifact."""
    copy = pydyf.Stream(without_marked_content(deref(pdf, page["Contents"])), _form_entries(page), compress=True)
    pdf.add_object(copy)
    return copy.reference


def _move(dest: Any, where: dict[bytes, _Where]) -> Any:
    """An explicit destination [page /XYZ left top zoom] (or /Fit...) on the page's sheet."""
    if not isinstance(dest, list) or not dest or dest[0] not in where:
        return dest
    place = where[dest[0]]
    kind = dest[1] if len(dest) > 1 else "/Fit"
    axes = {"/XYZ": "xy", "/FitH": "y", "/FitBH": "y", "/FitV": "x", "/FitBV": "x", "/FitR": "xyxy"}.get(str(kind), "")
    args = [float(v) + (place.dx if axes[i] == "x" else place.dy)
            if i < len(axes) and isinstance(v, int | float) and not isinstance(v, bool) else v
            for i, v in enumerate(dest[2:])]
    return pydyf.Array([place.sheet, kind, *args])


def _retarget(pdf: pydyf.PDF, where: dict[bytes, _Where]) -> None:
    """Structure elements, links, bookmarks and named destinations follow their page."""
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary):
            continue
        kind = obj.get("Type")
        if kind == "/StructElem":
            home = where.get(obj.get("Pg"))
            if home is not None:
                obj["Pg"] = home.sheet
            kids = obj.get("K")
            if isinstance(kids, list):
                for i, kid in enumerate(kids):
                    if isinstance(kid, int) and not isinstance(kid, bool):  # an MCID on the element's page
                        if home is None:
                            raise ValueError(f"structure element {obj.get('S')} has content on a page that was not placed")
                        kids[i] = pydyf.Dictionary({"Type": "/MCR", "Pg": home.sheet, "Stm": home.form, "MCID": kid})
                    elif isinstance(kid, dict) and kid.get("Type") == "/MCR" and "Stm" not in kid:  # an MCID on a page of its own
                        own = where.get(kid["Pg"]) if "Pg" in kid else home
                        if own is None:
                            raise ValueError(f"structure element {obj.get('S')} has content on a page that was not placed")
                        kid.update({"Pg": own.sheet, "Stm": own.form})
        elif kind == "/OBJR" and obj.get("Pg") in where:
            obj["Pg"] = where[obj["Pg"]].sheet
        if "Dest" in obj:  # bookmarks, links
            obj["Dest"] = _move(obj["Dest"], where)
        action = obj.get("A")
        if isinstance(action, dict) and action.get("S") == "/GoTo" and "D" in action:
            action["D"] = _move(action["D"], where)
    names = pdf.catalog.get("Names")
    dests = deref(pdf, names.get("Dests")) if isinstance(names, dict) else None
    if isinstance(dests, dict):
        pairs = dests.get("Names") or []
        for i in range(1, len(pairs), 2):
            pairs[i] = _move(deref(pdf, pairs[i]), where)

"""Place rendered pages on printing sheets, keeping the PDF accessible.

Imposition puts pages where the paper needs them (a booklet's page 12 beside page 1, a leaflet's
back panel in the middle of the outside), but a screen reader must still read them in order.
Here every source page becomes a form XObject that keeps its marked content, and the structure
tree is kept as WeasyPrint wrote it: each of its references to a page's content becomes a
marked-content reference (``/MCR`` with ``/Stm``) to that form on the sheet that shows it. The
tree's order is the reading order, whatever the sheet's order is. Links, bookmarks and named
destinations move with their page. A page shown more than once (ten wallet cards on a sheet) is
tagged once; its copies, and the printer's marks, are artifacts.

This is ISO 32000-1 14.7.4 (marked-content references into form XObjects, whose
``/StructParents`` key the parent tree), so the result stays PDF/UA-1 as the source was.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)


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


@dataclass
class _Where:
    sheet: IndirectObject
    form: IndirectObject
    dx: float
    dy: float


def place(pdf: bytes, layout: Callable[[list[tuple[float, float]]], Sequence[Sheet]]) -> bytes:
    """The PDF made of the pages of ``pdf`` on the sheets that ``layout`` lays out, given the
    size (width, height in points) of each source page.

    Every source page must be placed tagged exactly once: the structure tree needs one home for
    each piece of content.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    sources = list(writer.pages)
    sheets = layout([(float(p.mediabox.width), float(p.mediabox.height)) for p in sources])
    tagged = [p.page for s in sheets for p in s.placements if p.tagged]
    if sorted(tagged) != list(range(len(sources))):
        raise ValueError(f"every page must be placed tagged exactly once; tagged placements: {tagged}")

    forms: dict[int, IndirectObject] = {}
    copies: dict[int, IndirectObject] = {}
    where: dict[int, _Where] = {}  # source page object number -> its tagged place
    for sheet in sheets:
        page = writer.add_blank_page(width=sheet.width, height=sheet.height)
        page_ref = page.indirect_reference
        assert page_ref is not None
        xobjects = DictionaryObject()
        ops: list[str] = []
        annots = ArrayObject()
        for i, placement in enumerate(sheet.placements):
            source = sources[placement.page]
            llx, lly = float(source.mediabox.left), float(source.mediabox.bottom)
            dx, dy = placement.x - llx, placement.y - lly
            name = f"/P{i}"
            if placement.tagged:
                if placement.page not in forms:
                    forms[placement.page] = _form(writer, source, keep_tags=True)
                form = forms[placement.page]
                ops.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q")
                where[_id(source.indirect_reference)] = _Where(page_ref, form, dx, dy)
                for annot in _get(source, "/Annots") or []:
                    annots.append(_move_annotation(annot, page_ref, dx, dy))
            else:
                if placement.page not in copies:
                    copies[placement.page] = _form(writer, source, keep_tags=False)
                form = copies[placement.page]
                ops.append(f"/Artifact BMC q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q EMC")
            xobjects[NameObject(name)] = form
        if sheet.marks:
            ops.append(f"/Artifact <</Type /Page>> BDC q {sheet.marks} Q EMC")
        contents = DecodedStreamObject()
        contents.set_data("\n".join(ops).encode())
        page[NameObject("/Contents")] = writer._add_object(contents.flate_encode())
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        if annots:
            page[NameObject("/Annots")] = annots
            page[NameObject("/Tabs")] = NameObject("/S")  # tab order follows the structure tree

    root = writer.root_object
    if "/StructTreeRoot" in root:
        _retarget_structure(root["/StructTreeRoot"], where)
    _retarget_destinations(root, where)
    for source in sources:
        writer.remove_page(source)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _get(holder: DictionaryObject, key: str) -> Any:
    """``holder[key]`` resolved, or None (pypdf's ``get`` leaves references unresolved)."""
    return holder[key] if key in holder else None


def _id(ref: PdfObject | None) -> int:
    assert isinstance(ref, IndirectObject)
    return ref.idnum


def _form(writer: PdfWriter, page: DictionaryObject, keep_tags: bool) -> IndirectObject:
    """The page as a form XObject. With ``keep_tags``, its marked content (MCIDs) is kept and the
    form takes the page's place in the parent tree; without, marked-content operators are dropped
    so the copy can be painted as an artifact."""
    contents = page.get_contents()  # type: ignore[attr-defined]
    data = contents.get_data() if contents is not None else b""
    if not keep_tags:
        stream = ContentStream(None, None)
        stream.set_data(data)
        stream.operations = [(operands, op) for operands, op in stream.operations if op not in (b"BDC", b"BMC", b"EMC")]
        data = stream.get_data()
    form = DecodedStreamObject()
    form.set_data(data)
    box = page.mediabox  # type: ignore[attr-defined]
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)),
        NameObject("/Resources"): page.raw_get("/Resources") if "/Resources" in page else DictionaryObject(),
    })
    if "/Group" in page:
        form[NameObject("/Group")] = page.raw_get("/Group")
    if keep_tags and "/StructParents" in page:
        form[NameObject("/StructParents")] = NumberObject(page["/StructParents"])
    return writer._add_object(form.flate_encode())


def _move_annotation(ref: PdfObject, sheet: IndirectObject, dx: float, dy: float) -> PdfObject:
    """The same annotation object (the structure tree points at it), moved onto the sheet."""
    annot = ref.get_object()
    assert isinstance(annot, DictionaryObject)
    rect: Any = annot["/Rect"]
    annot[NameObject("/Rect")] = ArrayObject(FloatObject(float(v) + (dx if i % 2 == 0 else dy)) for i, v in enumerate(rect))
    if "/QuadPoints" in annot:
        quads: Any = annot["/QuadPoints"]
        annot[NameObject("/QuadPoints")] = ArrayObject(
            FloatObject(float(v) + (dx if i % 2 == 0 else dy)) for i, v in enumerate(quads))
    annot[NameObject("/P")] = sheet
    return ref


def _retarget_structure(tree_root: PdfObject, where: dict[int, _Where]) -> None:
    """Point every structure element's content at the form on its sheet, in place."""
    seen: set[int] = set()
    stack: list[PdfObject] = [tree_root]
    while stack:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        element = ref.get_object()
        if not isinstance(element, DictionaryObject):
            continue
        page = _placed(element, where)
        if page is not None:
            element[NameObject("/Pg")] = page.sheet
        kids = _get(element, "/K")
        if kids is None:
            continue
        listed = list(kids) if isinstance(kids, ArrayObject) else [element.raw_get("/K")]
        changed = []
        for kid in listed:
            value: Any = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(value, int) and not isinstance(value, bool):  # an MCID on the element's page
                if page is None:
                    raise ValueError(f"structure element {_get(element, '/S')} has content on a page that was not placed")
                changed.append(_mcr(page, value))
            elif isinstance(value, DictionaryObject) and _get(value, "/Type") in ("/MCR", "/OBJR"):
                own = _placed(value, where) if "/Pg" in value else page
                if own is not None and _get(value, "/Type") == "/MCR" and "/Stm" not in value:
                    changed.append(_mcr(own, value["/MCID"]))
                    continue
                if own is not None:
                    value[NameObject("/Pg")] = own.sheet
                changed.append(kid)
            else:
                changed.append(kid)
                stack.append(kid)
        element[NameObject("/K")] = ArrayObject(changed)


def _placed(holder: DictionaryObject, where: dict[int, _Where]) -> _Where | None:
    """Where the page named by ``holder``'s /Pg was placed (None: no /Pg)."""
    ref = holder.raw_get("/Pg") if "/Pg" in holder else None
    return where.get(ref.idnum) if isinstance(ref, IndirectObject) else None


def _mcr(where: _Where, mcid: Any) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/MCR"),
        NameObject("/Pg"): where.sheet,
        NameObject("/Stm"): where.form,
        NameObject("/MCID"): NumberObject(int(mcid)),
    })


def _move_destination(dest: PdfObject, where: dict[int, _Where]) -> PdfObject:
    """An explicit destination [page /XYZ left top zoom] (or /Fit...) on the page's sheet."""
    array = dest.get_object()
    if not isinstance(array, ArrayObject) or not array:
        return dest
    target = array[0]  # arrays keep references unresolved
    if not isinstance(target, IndirectObject) or target.idnum not in where:
        return dest
    place = where[target.idnum]
    kind = array[1] if len(array) > 1 else NameObject("/Fit")
    axes = {"/XYZ": "xy", "/FitH": "y", "/FitBH": "y", "/FitV": "x", "/FitBV": "x", "/FitR": "xyxy"}.get(str(kind), "")
    args = []
    for i, value in enumerate(array[2:]):
        if i < len(axes) and isinstance(value, NumberObject | FloatObject):  # null ("unchanged") stays null
            value = FloatObject(float(value) + (place.dx if axes[i] == "x" else place.dy))
        args.append(value)
    return ArrayObject([place.sheet, kind, *args])


def _retarget_destinations(root: DictionaryObject, where: dict[int, _Where]) -> None:
    """Bookmarks, named destinations and internal links follow their page onto its sheet."""
    def fix_action_holder(holder: DictionaryObject) -> None:
        if "/Dest" in holder:
            holder[NameObject("/Dest")] = _move_destination(holder.raw_get("/Dest"), where)
        action = _get(holder, "/A")
        if isinstance(action, DictionaryObject) and _get(action, "/S") == "/GoTo" and "/D" in action:
            action[NameObject("/D")] = _move_destination(action.raw_get("/D"), where)

    # outline items
    outlines = _get(root, "/Outlines")
    stack: list[Any] = [outlines.raw_get("/First")] if isinstance(outlines, DictionaryObject) and "/First" in outlines else []
    while stack:
        item: Any = stack.pop().get_object()
        fix_action_holder(item)
        for key in ("/First", "/Next"):
            if key in item:
                stack.append(item.raw_get(key))
    # named destinations (a name tree)
    names = _get(root, "/Names")
    trees: list[Any] = [names.raw_get("/Dests")] if isinstance(names, DictionaryObject) and "/Dests" in names else []
    while trees:
        node: Any = trees.pop().get_object()
        if "/Names" in node:
            pairs = node["/Names"]
            for i in range(1, len(pairs), 2):
                value = pairs[i].get_object()
                if isinstance(value, DictionaryObject) and "/D" in value:
                    value[NameObject("/D")] = _move_destination(value.raw_get("/D"), where)
                else:
                    pairs[i] = _move_destination(pairs[i], where)
        trees.extend(_get(node, "/Kids") or [])
    # links on the sheets
    for place in {id(w.sheet): w for w in where.values()}.values():
        sheet: Any = place.sheet.get_object()
        for annot in _get(sheet, "/Annots") or []:
            fix_action_holder(annot.get_object())

"""Reading built PDFs back: text, links, metadata, and QR codes decoded from rendered pages."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import pypdf
import pypdfium2 as pdfium
import zxingcpp
from page import validate_pdf, validate_pdf_bytes
from PIL import Image

DPI = 300
MM_PER_INCH = 25.4


def pdf_text(path: Path, pages: slice = slice(None)) -> list[str]:
    """The text of each page (or of the pages in ``pages``)."""
    stat = path.stat()
    return list(_pages_text(path, stat.st_mtime_ns, stat.st_size)[pages])


@functools.lru_cache(maxsize=256)
def _pages_text(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    """Every page's text, read once per file version (several tests read the shared build's PDFs)."""
    return tuple(page.extract_text() for page in pypdf.PdfReader(path).pages)


def visual_lines(path: Path, index: int = 0, column_gap: float = 6.0) -> list[str]:
    """The lines of a page as they are seen, left to right, from where pdfium finds each glyph
    (not the order the PDF draws them in): a line is cut where the gap between two glyphs is
    wider than ``column_gap`` points (the panels of a leaflet side by side), a gap wider than 1
    point is a space. Top to bottom, each row's pieces left to right."""
    page = pdfium.PdfDocument(path)[index].get_textpage()
    rows: dict[float, list[tuple[float, float, str]]] = {}
    for i in range(page.count_chars()):
        char = page.get_text_range(i, 1)
        left, bottom, right, _top = page.get_charbox(i, loose=True)
        if char.strip() and right > left:
            key = next((k for k in rows if abs(k - bottom) <= 2), round(bottom, 1))
            rows.setdefault(key, []).append((left, right, char))
    lines = []
    for key in sorted(rows, reverse=True):
        text, end = "", None
        for left, right, char in sorted(rows[key]):
            if end is not None and left - end > column_gap:
                lines.append(text)
                text = ""
            elif end is not None and left - end > 1.0:
                text += " "
            text += char
            end = right
        lines.append(text)
    return lines


def link_targets(path: Path) -> set[str]:
    targets = set()
    for page in pypdf.PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                targets.add(str(action["/URI"]))
    return targets


@dataclass
class FoundQR:
    page: int
    text: str
    ec_level: str
    width_mm: float
    quiet_zone_clear: bool
    x_mm: float = 0.0  # horizontal centre on the page


def decode_qr_codes(path: Path, pages: list[int] | None = None) -> list[FoundQR]:
    """Render pages at 300 dpi, decode every QR code, measure it and look at its quiet zone."""
    pdf = pdfium.PdfDocument(path)
    found = []
    for index in pages if pages is not None else range(len(pdf)):
        image = pdf[index].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            pos = code.position
            xs = [pos.top_left.x, pos.top_right.x, pos.bottom_left.x, pos.bottom_right.x]
            ys = [pos.top_left.y, pos.top_right.y, pos.bottom_left.y, pos.bottom_right.y]
            width_px = max(xs) - min(xs)
            found.append(FoundQR(index + 1, code.text, str(code.ec_level), width_px / DPI * MM_PER_INCH,
                                 _quiet_zone_clear(image, min(xs), min(ys), max(xs), max(ys), code),
                                 (min(xs) + max(xs)) / 2 / DPI * MM_PER_INCH))
    pdf.close()
    return found


def _quiet_zone_clear(image: Image.Image, x0: int, y0: int, x1: int, y1: int, code) -> bool:
    """True when a band of 4 modules around the symbol is white: nothing printed into it."""
    version = (code.extra or {}).get("Version") if isinstance(code.extra, dict) else None
    modules = 17 + 4 * int(version) if version else None
    module_px = (x1 - x0) / modules if modules else (x1 - x0) / 25
    band = int(module_px * 4) - 2  # stay a little inside the band: anti-aliased edges
    inner = 2
    box = image.crop((x0 - band, y0 - band, x1 + band, y1 + band))
    w, h = box.size
    pixels = box.load()
    for y in range(h):
        for x in range(w):
            in_band = x < band - inner or y < band - inner or x >= w - band + inner or y >= h - band + inner
            if in_band and pixels[x, y] < 128:
                return False
    return True


# ------------------------------------------------------------------ tagged PDF: the structure tree

_PAINT = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"sh", b"BI"}


@dataclass
class Tagging:
    """What a tagged PDF's content and structure tree say of each other."""

    used: set[tuple[int, int, int]]  # (page index, stream object number, MCID) marked in content
    referenced: list[tuple[int, int, int]]  # the same, in the order the structure tree reaches them
    problems: list[str]


def _number_tree(node) -> dict[int, object]:
    node = node.get_object()
    found = {}
    nums = node.get("/Nums") or []
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids") or []:
        found.update(_number_tree(kid))
    return found


# Where a list or table part may stand (ISO 32000-1 14.8.4.3, PDF/UA-1 7.2)
_REQUIRED_PARENTS = {
    "/TR": ("/Table", "/THead", "/TBody", "/TFoot"),
    "/TH": ("/TR",), "/TD": ("/TR",),
    "/THead": ("/Table",), "/TBody": ("/Table",), "/TFoot": ("/Table",),
    "/LI": ("/L",), "/LBody": ("/LI",),
    "/TOCI": ("/TOC",),
}


def tagging(path: Path) -> Tagging:
    """Check the structure tree against the content, as a PDF/UA validator would in part.

    Every painting operator must be inside marked content (real content with an MCID, or an
    artifact); every MCID must be reached by exactly one structure element and the parent tree
    must lead back to that element; every annotation must be in the tree; no reference may point
    at content that is not there. Content in form XObjects counts (marked-content references
    with /Stm). A link annotation's element is a Link, and a Link holds a link annotation and
    content (the link's text or image); table and list parts stand where they may (TD in TR, TR
    in Table, THead, TBody or TFoot, LI in L...).
    """
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    problems: list[str] = []
    if "/StructTreeRoot" not in root:
        return Tagging(set(), [], ["no structure tree"])
    if not root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("/MarkInfo /Marked is not true")
    tree = root["/StructTreeRoot"]
    parents = _number_tree(tree["/ParentTree"])
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    used: set[tuple[int, int, int]] = set()
    owners: dict[int, int] = {}  # stream object number -> its /StructParents key

    def scan(stream_ref, resources, page: int, where: str) -> None:
        stream = stream_ref.get_object()
        if "/StructParents" in stream:
            owners[stream_ref.idnum] = int(stream["/StructParents"])
        content = pypdf.generic.ContentStream(stream, reader)
        xobjects = (resources or {}).get("/XObject") or {}
        marks: list[str] = []
        for operands, op in content.operations:
            if op in (b"BDC", b"BMC"):
                tag = str(operands[0])
                props = operands[1] if op == b"BDC" and len(operands) > 1 else None
                if isinstance(props, pypdf.generic.DictionaryObject) and "/MCID" in props:
                    used.add((page, stream_ref.idnum, int(props["/MCID"])))
                    tag = "mcid"
                marks.append(tag)
            elif op == b"EMC":
                if not marks:
                    problems.append(f"{where}: EMC without a begin")
                else:
                    marks.pop()
            elif op == b"Do":
                xobject = xobjects.raw_get(operands[0])
                if xobject.get_object().get("/Subtype") == "/Form":
                    if "/Artifact" not in marks:
                        scan(xobject, xobject.get_object().get("/Resources"), page, f"{where} form {operands[0]}")
                elif not marks:
                    problems.append(f"{where}: an image outside marked content")
            elif op in _PAINT and not marks:
                problems.append(f"{where}: {op.decode()} outside marked content (neither tagged nor an artifact)")
        if marks:
            problems.append(f"{where}: marked content left open")

    for i, page in enumerate(reader.pages):
        contents = page.raw_get("/Contents")
        refs = contents if isinstance(contents, pypdf.generic.ArrayObject) else [contents]
        for ref in refs:
            scan(ref, page.get("/Resources"), i, f"page {i + 1}")
        if "/StructParents" in page:
            for ref in refs:
                owners[ref.idnum] = int(page["/StructParents"])

    referenced: list[tuple[int, int, int]] = []
    page_stream = {i: (page.raw_get("/Contents").idnum if isinstance(page.raw_get("/Contents"), pypdf.generic.IndirectObject) else -1)
                   for i, page in enumerate(reader.pages)}

    def walk(ref, parent_pg, parent_role=None) -> None:
        element = ref.get_object()
        pg = element.get("/Pg")
        pg_ref = element.raw_get("/Pg") if "/Pg" in element else parent_pg
        role = element.get("/S")
        if role in _REQUIRED_PARENTS and parent_role not in _REQUIRED_PARENTS[role]:
            problems.append(f"{role} inside {parent_role}: a {role} may stand only in {' or '.join(_REQUIRED_PARENTS[role])}")
        kids = element.get("/K")
        if kids is None:
            return
        if role == "/Link":
            if not _holds_content(element):
                problems.append("a Link element without content (no text or image of the link in it)")
            if not any(_is_objr(kid) for kid in (kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])):
                problems.append("a Link element without a link annotation")
        for kid in (kids if isinstance(kids, pypdf.generic.ArrayObject) else [element.raw_get("/K")]):
            value = kid.get_object()
            if isinstance(value, int):
                page = page_index.get(pg_ref.idnum) if pg_ref is not None else None
                if page is None:
                    problems.append(f"{element.get('/S')}: MCID {value} on a page that is not in the document")
                    continue
                item = (page, page_stream[page], int(value))
                referenced.append(item)
                _check_parent(item, ref)
            elif isinstance(value, pypdf.generic.DictionaryObject) and value.get("/Type") == "/MCR":
                own = value.raw_get("/Pg") if "/Pg" in value else pg_ref
                page = page_index.get(own.idnum) if own is not None else None
                stm = value.raw_get("/Stm").idnum if "/Stm" in value else (page_stream[page] if page is not None else -1)
                if page is None:
                    problems.append(f"{element.get('/S')}: a marked-content reference to a page that is not in the document")
                    continue
                item = (page, stm, int(value["/MCID"]))
                referenced.append(item)
                _check_parent(item, ref)
            elif isinstance(value, pypdf.generic.DictionaryObject) and value.get("/Type") == "/OBJR":
                annot = value["/Obj"]
                if annot.get("/Subtype") == "/Link" and role != "/Link":
                    problems.append(f"{role}: holds a link annotation ({_target(annot)}), which must hang on a Link element")
                key = annot.get("/StructParent")
                if key is None or parents.get(int(key)) is None or parents[int(key)].get_object() != element:
                    problems.append(f"{element.get('/S')}: the parent tree does not lead its annotation back to it")
                own = value.raw_get("/Pg") if "/Pg" in value else pg_ref
                page = page_index.get(own.idnum) if own is not None else None
                if page is None or value.raw_get("/Obj") not in (reader.pages[page].get("/Annots") or []):
                    problems.append(f"{element.get('/S')}: its annotation is not on the page it names")
            elif isinstance(value, pypdf.generic.DictionaryObject):
                walk(kid, pg_ref, role)
        del pg

    def _check_parent(item: tuple[int, int, int], element_ref) -> None:
        key = owners.get(item[1])
        if key is None:
            problems.append(f"MCID {item[2]} on page {item[0] + 1}: its content stream has no /StructParents")
            return
        array = parents.get(key)
        array = array.get_object() if array is not None else None
        if array is None or item[2] >= len(array) or array[item[2]].get_object() != element_ref.get_object():
            problems.append(f"MCID {item[2]} on page {item[0] + 1}: the parent tree does not lead back to its element")

    for kid in (tree["/K"] if isinstance(tree["/K"], pypdf.generic.ArrayObject) else [tree.raw_get("/K")]):
        walk(kid, None)

    seen = set(referenced)
    if len(seen) != len(referenced):
        problems.append(f"{len(referenced) - len(seen)} marked-content sequences are reached twice")
    for item in sorted(used - seen):
        problems.append(f"page {item[0] + 1}: MCID {item[2]} (stream {item[1]}) is in no structure element")
    for item in sorted(seen - used):
        problems.append(f"page {item[0] + 1}: the structure tree refers to MCID {item[2]} (stream {item[1]}), which is not there")
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") != "/Popup" and "/StructParent" not in annot.get_object():
                problems.append(f"page {i + 1}: an annotation outside the structure tree")
    return Tagging(used, referenced, problems)


def _holds_content(element) -> bool:
    """True when marked content (an MCID, here or in an element below) is in the element."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
        value = kid.get_object() if kid is not None else None
        if isinstance(value, int) or (isinstance(value, pypdf.generic.DictionaryObject) and (
                value.get("/Type") == "/MCR" or (value.get("/Type") not in ("/OBJR", "/MCR") and _holds_content(value)))):
            return True
    return False


def _is_objr(kid) -> bool:
    value = kid.get_object()
    return isinstance(value, pypdf.generic.DictionaryObject) and value.get("/Type") == "/OBJR"


def _target(annot) -> str:
    action = annot.get("/A") or {}
    return str(action.get("/URI") or annot.get("/Dest") or "no target")


# ------------------------------------------------------------------ PDF/UA-1, as page-validation checks it

# PDF/UA-1 rules known not to pass yet, each with why; every other rule must pass. Empty: the
# leaflet and poster nest their headings (h1, h2, h3) since they carry the emergency numbers and
# a "who can help" heading.
PENDING_RULES: set[str] = set()


def pdfua_failures(pdf: Path | bytes) -> list[str]:
    """What the independent validator page-validation (veraPDF's PDF/UA-1 rules) finds wrong in
    a PDF, "rule id: message", but for the rules in PENDING_RULES. It reports one failure per
    rule (the first object it finds)."""
    report = validate_pdf_bytes(pdf, profile="ua1") if isinstance(pdf, bytes) else validate_pdf(pdf, profile="ua1")
    return [f"{f.rule_id}: {f.message}" for f in report.failures if f.rule_id not in PENDING_RULES]


def text_in_reading_order(path: Path) -> list[str]:
    """The text of each tagged content stream (a page, or a page placed on a sheet as a form),
    in the order the structure tree first reaches it: what a screen reader reads, stream by stream."""
    reader = pypdf.PdfReader(path)
    order: list[tuple[int, int]] = []
    for page, stream, _mcid in tagging(path).referenced:
        if (page, stream) not in order:
            order.append((page, stream))
    texts = []
    for page, stream in order:
        obj = reader.get_object(stream)
        if obj.get("/Subtype") == "/Form":
            holder = pypdf.PageObject.create_blank_page(None, 1000, 1000)
            holder[pypdf.generic.NameObject("/Resources")] = obj["/Resources"]
            holder[pypdf.generic.NameObject("/Contents")] = obj.indirect_reference
            holder.indirect_reference = None
            texts.append(holder.extract_text())
        else:
            texts.append(reader.pages[page].extract_text())
    return texts


def _national(number: str) -> str:
    """How a number is printed in Belgium: "+3280035089" -> "0800 35 089"; short numbers as they are."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, "BE"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return number


def misplaced_phone_links(path: Path) -> tuple[int, list[str]]:
    """Every tel: link must lie over the number it dials (checked by the text under its box).
    Returns how many links were checked and what was found wrong."""
    reader = pypdf.PdfReader(path)
    doc = pdfium.PdfDocument(path)
    checked, wrong = 0, []
    for index, page in enumerate(reader.pages):
        text = doc[index].get_textpage()
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            uri = str(annot.get("/A", {}).get("/URI", ""))
            if not uri.startswith("tel:"):
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            under = text.get_text_bounded(left=min(x0, x1), bottom=min(y0, y1), right=max(x0, x1), top=max(y0, y1))
            checked += 1
            # groups, not their order: text extraction reorders runs of numbers on right-to-left pages
            if sorted(re.findall(r"\d+", under)) != sorted(re.findall(r"\d+", _national(uri[4:]))):
                wrong.append(f"page {index + 1}: {uri} lies over {under!r}")
    doc.close()
    return checked, wrong


# The project's own faces (layouts/fonts.css): a PDF that embeds any other took a glyph from a
# font of the machine it was built on (Pango's fallback), which another machine may not have.
PROJECT_FONT = re.compile(r"(?:[A-Z]{6}\+)?Booklet-(?:Sans|Arabic|Ethiopic)(?:-Bold|-Italic)?")


def page_fonts(source: Path | bytes) -> set[str]:
    """The fonts a PDF's pages use, by name without the subset tag ('Booklet-Arabic-Bold')."""
    reader = pypdf.PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return {str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1]
            for page in reader.pages for font in ((page.get("/Resources") or {}).get("/Font") or {}).values()}


def _to_unicode(font) -> dict[int, str]:
    """The glyph-to-text table of a Type 0 font (bfchar and bfrange entries)."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(glyph, 16)] = text(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(value, 16)
            for offset, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
                table[glyph] = chr(start + offset)
    return table


def _glyph_count(font) -> int:
    """How many glyphs the embedded (subset) font program holds: a glyph number beyond it, or
    0 (.notdef), draws the empty box of a missing character."""
    from fontTools.ttLib import TTFont

    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    return TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)["maxp"].numGlyphs


def _glyphs(strings) -> list[int]:
    """The glyph numbers a text operator's strings show (Identity-H: two bytes each)."""
    glyphs = []
    for item in strings:
        if isinstance(item, (pypdf.generic.TextStringObject, pypdf.generic.ByteStringObject)):
            raw = item.original_bytes if isinstance(item, pypdf.generic.TextStringObject) else bytes(item)
            glyphs.extend(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2))
    return glyphs


def missing_glyphs(source: Path | bytes) -> list[str]:
    """Every character a PDF draws without a glyph of its own (a "tofu" box), and every font it
    embeds that is not one of the project's, read from the file itself: the fonts each page uses,
    the glyph numbers its text operators show, the embedded font programs and their ToUnicode
    tables. Empty when every character is set in a project font that has it."""
    reader = pypdf.PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    problems: list[str] = []
    seen: set[str] = set()
    faces: dict[int, tuple[int, dict[int, str]]] = {}

    def walk(number: int, content, resources) -> None:
        fonts = {name: ref.get_object() for name, ref in (resources.get("/Font") or {}).items()}
        current = None
        for operands, operator in pypdf.generic.ContentStream(content, reader).operations:
            if operator == b"Tf":
                current = fonts.get(operands[0])
            elif operator in (b"Tj", b"TJ", b"'", b'"') and current is not None:
                strings = operands[0] if operator == b"TJ" else operands[-1:]
                base = str(current["/BaseFont"]).lstrip("/")
                if id(current) not in faces:
                    faces[id(current)] = _glyph_count(current), _to_unicode(current)
                count, table = faces[id(current)]
                if not PROJECT_FONT.fullmatch(base):
                    chars = sorted({table.get(glyph, "?") for glyph in _glyphs(strings)})
                    message = (f"page {number}: {' '.join(f'U+{ord(c[0]):04X} {c!r}' for c in chars)} set in {base}, "
                               "not a project font (layouts/fonts.css)")
                    if message not in seen:
                        seen.add(message)
                        problems.append(message)
                    continue
                for glyph in _glyphs(strings):
                    if glyph == 0 or glyph >= count:
                        char = table.get(glyph, "?")
                        problems.append(f"page {number}: no glyph for {' '.join(f'U+{ord(c):04X}' for c in char)} "
                                        f"{char!r} in {base.split('+')[-1]}")
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(number, xobject, xobject.get("/Resources") or resources)

    for number, page in enumerate(reader.pages, 1):
        if page.get_contents() is not None:
            walk(number, page.get_contents(), page.get("/Resources") or {})
    return problems

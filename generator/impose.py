"""Imposition: A5 booklet pages two-up on A4 sheets, for any office printer.

Print the result double-sided, "flip on short edge", fold the stack in the middle and staple:
the pages come out in reading order. The page count is padded to a multiple of four with blank
pages placed before the back cover, so the last page stays on the back.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject

A4_LANDSCAPE = (841.8898, 595.2756)  # points


def booklet_order(pages: int, rtl: bool = False) -> list[tuple[int | None, int | None]]:
    """For each printed side (front of sheet 1, back of sheet 1, front of sheet 2, ...), the
    page numbers (1-based, None for blank) on its left and right halves.

    ``pages`` is padded to a multiple of four; blanks stand just before the last page.
    A right-to-left booklet is bound on the right, so every side is mirrored.
    """
    total = -(-pages // 4) * 4
    padding = total - pages
    # Logical order of the padded booklet: all pages but the last, blanks, the last page.
    order: list[int | None] = [*range(1, pages), *([None] * padding), pages] if pages else []
    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        front = (order[total - 1 - 2 * sheet], order[2 * sheet])
        back = (order[2 * sheet + 1], order[total - 2 - 2 * sheet])
        sides += [front, back]
    if rtl:
        sides = [(right, left) for left, right in sides]
    return sides


def impose(pdf: bytes, rtl: bool = False) -> bytes:
    """Lay the A5 pages of ``pdf`` two-up on A4 landscape sheets in booklet order."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    width = float(pages[0].mediabox.width)
    writer = PdfWriter()
    half = A4_LANDSCAPE[0] / 2  # A4 is 297 mm wide, two A5 pages 296 mm: pages meet at the fold
    for left, right in booklet_order(len(pages), rtl):
        sheet = PageObject.create_blank_page(width=A4_LANDSCAPE[0], height=A4_LANDSCAPE[1])
        for number, offset in ((left, half - width), (right, half)):
            if number is not None:
                sheet.merge_transformed_page(pages[number - 1], Transformation().translate(offset, 0))
        writer.add_page(sheet)
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(k, str)})
    root = reader.root_object
    if "/Lang" in root:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""Imposition: A5 booklet pages two-up on A4 sheets, for any office printer.

Print the result double-sided, "flip on short edge", fold the stack in the middle and staple:
the pages come out in reading order. The page count is padded to a multiple of four with blank
pages placed before the back cover, so the last page stays on the back (place.padded_order, which
also pads a print shop's booklet to whole folded sheets).

Each layout here says where every rendered page goes; ``place`` carries it out on WeasyPrint's
PDF before it is written, and keeps it tagged: the structure tree still reads the pages in
order, wherever they stand on the paper.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.base.formats import FORMATS, Imposition
from generator.paper.place import Layout, Placement, Printing, Sheet, padded_order

A4_LANDSCAPE = (841.8898, 595.2756)  # points


def booklet_order(pages: int, rtl: bool = False) -> list[tuple[int | None, int | None]]:
    """For each printed side (front of sheet 1, back of sheet 1, front of sheet 2, ...), the
    page numbers (1-based, None for blank) on its left and right halves.

    ``pages`` is padded to a multiple of four; blanks stand just before the last page.
    A right-to-left booklet is bound on the right, so every side is mirrored.
    """
    # Logical order of the padded booklet: all pages but the last, blanks, the last page.
    order = padded_order(pages, 4)
    total = len(order)
    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        front = (order[total - 1 - 2 * sheet], order[2 * sheet])
        back = (order[2 * sheet + 1], order[total - 2 - 2 * sheet])
        sides += [front, back]
    if rtl:
        sides = [(right, left) for left, right in sides]
    return sides


def booklet_layout(rtl: bool = False) -> Layout:
    """The A5 pages two-up on A4 landscape sheets in booklet order."""
    def layout(sizes: list[tuple[float, float]]) -> list[Sheet]:
        width = sizes[0][0]
        half = A4_LANDSCAPE[0] / 2  # A4 is 297 mm wide, two A5 pages 296 mm: pages meet at the fold
        return [Sheet(*A4_LANDSCAPE, tuple(Placement(number - 1, offset, 0)
                                           for number, offset in ((left, half - width), (right, half)) if number is not None))
                for left, right in booklet_order(len(sizes), rtl)]

    return layout


# ------------------------------------------------------------------ the folded A4 leaflet

MM = 72 / 25.4
PANEL_WIDTH_MM = dict(enumerate(FORMATS["leaflet"].panels_mm, 1))  # the flap (2) and inside-right (5) fold in


def leaflet_sides(rtl: bool = False) -> list[list[int]]:
    """Panels of the outside and the inside of the sheet, left to right.

    Reading order: 1 front, 2 inside flap, 3-5 inside, 6 back. Printed double-sided with
    "flip on short edge", the inside's left panel backs the front cover. A right-to-left
    leaflet opens the other way, so both sides are mirrored.
    """
    sides = [[2, 6, 1], [3, 4, 5]]
    return [list(reversed(side)) for side in sides] if rtl else sides


def leaflet_layout(rtl: bool = False) -> Layout:
    """The rendered panels (front, contact panels, back) on two A4 landscape sides."""
    def layout(sizes: list[tuple[float, float]]) -> list[Sheet]:
        count = len(sizes)
        panels: dict[int, int | None] = {1: 0, 6: count - 1}  # source pages: front, flow..., back
        for i in range(4):
            panels[2 + i] = 1 + i if 1 + i < count - 1 else None  # unused panels stay blank
        sheets = []
        for side in leaflet_sides(rtl):
            placements, x = [], 0.0
            for number in side:
                page = panels[number]
                if page is not None:
                    placements.append(Placement(page, x, 0))
                x += PANEL_WIDTH_MM[number] * MM
            sheets.append(Sheet(*A4_LANDSCAPE, tuple(placements)))
        return sheets

    return layout


# ------------------------------------------------------------------ wallet cards, ten to a sheet

CARD_MM = (85.0, 55.0)
CARD_GRID = (2, 5)  # columns, rows on an A4 portrait sheet
A4_PORTRAIT = (A4_LANDSCAPE[1], A4_LANDSCAPE[0])
MARK_MM = 4.0  # length of a cut mark, outside the cards
MARK_GAP_MM = 3.0  # gap between a card's edge and its mark (3 mm, as printers expect: a mark nearer is cut into)


def card_positions() -> list[tuple[float, float]]:
    """Lower-left corners (points) of the ten cards, centred on the sheet, row by row from the top."""
    cols, rows = CARD_GRID
    w, h = CARD_MM[0] * MM, CARD_MM[1] * MM
    x0 = (A4_PORTRAIT[0] - cols * w) / 2
    y0 = (A4_PORTRAIT[1] - rows * h) / 2
    return [(x0 + c * w, y0 + (rows - 1 - r) * h) for r in range(rows) for c in range(cols)]


def _cut_marks() -> str:
    """Content-stream operators for the cut marks: short hairlines in the margin, in line with every cut."""
    cols, rows = CARD_GRID
    w, h = CARD_MM[0] * MM, CARD_MM[1] * MM
    x0, y0 = card_positions()[(rows - 1) * cols]  # bottom-left card
    xs = [x0 + c * w for c in range(cols + 1)]
    ys = [y0 + r * h for r in range(rows + 1)]
    gap, length = MARK_GAP_MM * MM, MARK_MM * MM
    ops = ["0.25 w 0 0 0 1 K"]  # hairline, registration-free black
    for x in xs:
        ops.append(f"{x:.3f} {ys[0] - gap:.3f} m {x:.3f} {ys[0] - gap - length:.3f} l S")
        ops.append(f"{x:.3f} {ys[-1] + gap:.3f} m {x:.3f} {ys[-1] + gap + length:.3f} l S")
    for y in ys:
        ops.append(f"{xs[0] - gap:.3f} {y:.3f} m {xs[0] - gap - length:.3f} {y:.3f} l S")
        ops.append(f"{xs[-1] + gap:.3f} {y:.3f} m {xs[-1] + gap + length:.3f} {y:.3f} l S")
    return "\n".join(ops)


def card_layout() -> Layout:
    """Ten copies of the card on an A4 sheet, with cut marks in the margins. The first card is
    the tagged one a screen reader reads; the nine copies are artifacts."""
    placements = tuple(Placement(0, x, y, tagged=i == 0) for i, (x, y) in enumerate(card_positions()))
    return lambda _sizes: [Sheet(*A4_PORTRAIT, placements, marks=_cut_marks())]


IMPOSITIONS: dict[Imposition, Callable[[bool], Layout]] = {
    "booklet": booklet_layout,
    "leaflet": leaflet_layout,
    "cards": lambda _rtl: card_layout(),
}
"""Each way of placing pages on paper (formats.py: Imposition), given whether the document reads
right to left. A new imposition is one entry here and its name in formats.Imposition."""


def layout_for(fmt: str, rtl: bool) -> Printing:
    """How the rendered pages of a format go on paper (formats.py: imposition; a layout of None:
    as they are), with the format, which says how to print the file (pdf.py reads it)."""
    imposition = FORMATS[fmt].imposition
    return Printing(FORMATS[fmt], None if imposition is None else IMPOSITIONS[imposition](rtl))

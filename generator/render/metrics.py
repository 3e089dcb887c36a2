"""Text widths from the fonts' own metrics, for the one layout decision made before WeasyPrint.

Cards use ``table-layout: fixed``: WeasyPrint then lays each card out once instead of first
measuring the smallest and largest width of every cell's content, which took a third of the
rendering time. What the automatic layout found, that the QR column must be as wide as its
widest unbreakable piece of text (a web address does not break inside "conjugales."), is
measured here instead, in em, and handed to the stylesheet (``--url-em``, ``--label-em``).
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

# The font stack of fonts.css, in its order: each character is measured in the first that maps it.
FALLBACK = ("NotoSans", "NotoNaskhArabic", "NotoSansEthiopic")
SAFETY = 1.01  # kerning makes Latin words up to 1 % narrower than the sum of advances; joined Arabic is narrower still


@cache
def _advances(layouts: Path, name: str) -> dict[int, float]:
    """Advance width in em of each character the font maps (the project's own font, layouts/fonts/)."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; loaded only when measuring

    font = TTFont(layouts / "fonts" / name, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}


def width_em(text: str, layouts: Path, bold: bool = False) -> float:
    """Width of ``text`` in em in Noto Sans, falling back to Noto Naskh Arabic, then Noto Sans
    Ethiopic (as fonts.css does)."""
    weight = "Bold" if bold else "Regular"
    faces = [_advances(layouts, f"{family}-{weight}.ttf") for family in FALLBACK]
    return sum(next((face[ord(c)] for face in faces if face.get(ord(c))), 1.0) for c in text)


def widest_unbreakable_em(text: str, layouts: Path, bold: bool = False) -> float:
    """The widest piece of ``text`` a line cannot break inside: words, and the parts of a web
    address (lines break after "." and "/", never at a hyphen: view.py joins them). Rounded up,
    with a small margin."""
    pieces = re.split(r"\s+|(?<=[./])", text)
    widest = max((width_em(p, layouts, bold) for p in pieces if p), default=0.0)
    return math.ceil(widest * SAFETY * 100) / 100

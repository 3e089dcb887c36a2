"""Reading built PDFs back: text, links, metadata, and QR codes decoded from rendered pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

DPI = 300
MM_PER_INCH = 25.4


def pdf_text(path: Path) -> list[str]:
    """The text of each page."""
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


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

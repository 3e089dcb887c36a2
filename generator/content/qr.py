"""QR codes: drawn once per address and process, one pixel per module, checked for size."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cache

import qrcode
import qrcode.constants

from generator.content.values import display_url, short_url

QR_BORDER = 4  # modules of quiet zone on each side: the QR standard's minimum
QR_SYMBOL_MIN_MM = 20.0  # the code itself (quiet zone excluded) is at least 20 mm wide
QR_MODULE_MIN_MM = 0.5  # smallest module that phone cameras read reliably at arm's length
QR_MAX_MM = 32.0  # a wider code does not fit beside the text: the address is too long



@dataclass(frozen=True)
class QRCode:
    url: str
    short: str
    display: str  # printed under the code
    modules: int  # width in modules, quiet zone included
    data_uri: str


@cache
def make_qr(url: str) -> QRCode:
    """A QR code as a PNG with one pixel per module, to be drawn without interpolation.

    Error correction M (15 % of the symbol can be damaged), the 4-module quiet zone included in
    the image so that nothing can be printed into it.
    """
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=QR_BORDER)
    qr.add_data(url.encode("utf-8"), optimize=0)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("1")
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return QRCode(url, short_url(url), display_url(url), image.size[0], f"data:image/png;base64,{data}")


def qr_width_mm(qr: QRCode | int, symbol_min_mm: float = QR_SYMBOL_MIN_MM) -> float:
    """Printed width of the image, quiet zone included: modules of at least 0.5 mm, and a
    symbol of at least 20 mm. ``qr`` is a code or its width in modules."""
    modules = qr if isinstance(qr, int) else qr.modules
    symbol = modules - 2 * QR_BORDER
    module = max(QR_MODULE_MIN_MM, symbol_min_mm / symbol)
    return round(module * modules + 0.05, 1)


@cache
def qr_modules(url: str) -> int:
    """Width in modules (quiet zone included) of the code for ``url``, without drawing it:
    the content check needs only the size."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=QR_BORDER)
    qr.add_data(url.encode("utf-8"), optimize=0)
    version = qr.best_fit()
    return 17 + 4 * version + 2 * QR_BORDER

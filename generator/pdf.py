"""HTML -> PDF bytes with WeasyPrint, reading nothing but the files under layouts/.

Content text is escaped by the templates, so it cannot add an <img> or a stylesheet; the fetcher
below is the second lock: whatever asks WeasyPrint for a resource gets it only if it is a file
under layouts/ or an image this process made (a data: URI of a QR code).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from .errors import BuildError
from .render import LAYOUTS


class LayoutsOnlyFetcher(URLFetcher):
    """Serves files under one folder and data: URIs; refuses everything else, and remembers it."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def, override]
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise URLFetchingError(f"refused to fetch {url}: only files under {self.root} may be read")


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def _right_to_left(document, pdf) -> None:  # type: ignore[no-untyped-def]
    """Tell viewers (and later imposition) that pages are read right to left."""
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences


def html_to_pdf(html: str, *, layouts: Path = LAYOUTS, pdf_identifier: bytes | None = None,
                rtl: bool = False) -> tuple[bytes, int]:
    """Render HTML; returns the PDF bytes and the number of pages."""
    fetcher = LayoutsOnlyFetcher(layouts)
    font_config = _font_config()
    document = HTML(string=html, base_url=layouts.as_uri() + "/", url_fetcher=fetcher).render(font_config=font_config)
    if fetcher.refused:
        raise BuildError("the layout asked for resources outside layouts/: " + ", ".join(sorted(set(fetcher.refused))))
    # PDF/UA-1: tagged structure (reading order, headings, lists, alternative text of the QR
    # codes), document language and title; WeasyPrint adds the structure tree and bookmarks.
    pdf = document.write_pdf(pdf_identifier=pdf_identifier, pdf_variant="pdf/ua-1", finisher=_right_to_left if rtl else None)
    assert pdf is not None
    return pdf, len(document.pages)

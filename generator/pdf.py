"""HTML -> PDF bytes with WeasyPrint, reading nothing but the files under layouts/.

Content text is escaped by the templates, so it cannot add an <img> or a stylesheet; the fetcher
below is the second lock: whatever asks WeasyPrint for a resource gets it only if it is a file
under layouts/ or an image this process made (a data: URI of a QR code).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from .errors import BuildError
from .place import Layout, deref, place
from .render import LAYOUTS


class LayoutsOnlyFetcher(URLFetcher):
    """Serves files under one folder and data: URIs; refuses everything else, and remembers it."""

    def __init__(self, root: Path, also: tuple[Path, ...] = ()):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()
        self.also = {p.resolve() for p in also}  # single files the build chose (a print shop's colour profile)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def, override]
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if (path.is_relative_to(self.root) or path in self.also) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise URLFetchingError(f"refused to fetch {url}: only files under {self.root} may be read")


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def _right_to_left(pdf: pydyf.PDF) -> None:
    """Tell viewers (and later imposition) that pages are read right to left."""
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences


_RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _stable_document_id(pdf: pydyf.PDF, identifier: bytes) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X metadata; derive it from the
    document's identifier instead, so the same content gives the same bytes."""
    stable = f"xmp.did:{uuid.UUID(bytes=hashlib.md5(identifier).digest())}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [_RANDOM_DOCUMENT_ID.sub(stable, part if isinstance(part, bytes) else str(part).encode())
                          for part in obj.stream]


def _unreachable_content_as_artifacts(pdf: pydyf.PDF) -> None:
    """Mark the page margins (running title, page numbers) as pagination artifacts.

    WeasyPrint 70 tags the text of margin boxes with MCIDs whose structure elements are left out
    of the tree on purpose ("only allowed in PDF 2.0" as artifacts): content no reader can reach,
    which a validator counts as neither tagged nor artifact. PDF/UA wants running headers and
    page numbers as /Pagination artifacts, so each MCID whose element the tree does not reach
    becomes one, its parent-tree slot is emptied, and the element is dropped.
    """
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = deref(pdf, pdf.catalog["StructTreeRoot"])
    reachable: set[int] = set()
    todo = list(tree["K"])
    while todo:
        element = deref(pdf, todo.pop())
        if not isinstance(element, pydyf.Dictionary) or element.number in reachable:
            continue  # an MCID, a marked-content reference, or an element seen already
        reachable.add(element.number)
        kids = element.get("K")
        todo.extend(kids if isinstance(kids, list) else [kids])
    nums = deref(pdf, tree["ParentTree"])["Nums"]
    for i in range(0, len(nums), 2):
        page_number, parents = nums[i], nums[i + 1]
        if not isinstance(parents, list) or page_number >= len(pdf.page_references):
            continue  # an annotation's entry
        orphans = {mcid for mcid, ref in enumerate(parents) if deref(pdf, ref).number not in reachable}
        if not orphans:
            continue
        page = deref(pdf, pdf.page_references[page_number])
        stream = deref(pdf, page["Contents"]).stream
        for j, item in enumerate(stream):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in orphans:
                stream[j - 1] = "/Artifact"
                stream[j] = pydyf.Dictionary({"Type": "/Pagination"})
                parents[item["MCID"]] = "null"
    for obj in pdf.objects:  # the unreachable elements themselves: emptied, so nothing points at the margins
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" and obj.number not in reachable:
            obj.clear()


def print_shop_css(profile: Path) -> str:
    """Bleed, crop marks and CMYK colours for a print shop; the profile becomes the output intent."""
    return (f'@color-profile device-cmyk {{ src: url("{profile.resolve().as_uri()}"); '
            "components: cyan, magenta, yellow, black; }\n") + (LAYOUTS / "print-shop.css").read_text("utf-8")


def html_to_pdf(html: str, *, layouts: Path = LAYOUTS, pdf_identifier: bytes | None = None,
                rtl: bool = False, cmyk_profile: Path | None = None,
                check: Callable[[Any], None] | None = None) -> tuple[bytes, int]:
    """Render HTML; returns the PDF bytes and the number of pages."""
    [(pdf, pages)] = html_to_pdfs(html, [(pdf_identifier, None)], layouts=layouts, rtl=rtl,
                                  cmyk_profile=cmyk_profile, check=check)
    return pdf, pages


def html_to_pdfs(html: str, outputs: Sequence[tuple[bytes | None, Layout | None]], *, layouts: Path = LAYOUTS,
                 rtl: bool = False, cmyk_profile: Path | None = None,
                 check: Callable[[Any], None] | None = None) -> list[tuple[bytes, int]]:
    """Lay the HTML out once, and write one PDF per output: (identifier, how the pages go on
    sheets, or None for the pages as they are). Returns each PDF and its number of pages.

    Office files are PDF/UA-1 (tagged, RGB). With ``cmyk_profile``, the file is for a print shop:
    PDF/X-4 with that profile as output intent, 3 mm bleed, crop marks, TrimBox and BleedBox,
    colours in CMYK, and still tagged.
    """
    fetcher = LayoutsOnlyFetcher(layouts, (cmyk_profile,) if cmyk_profile else ())
    font_config = _font_config()
    profiles: dict = {}  # filled by the print-shop stylesheet's @color-profile rule
    stylesheets = [CSS(string=print_shop_css(cmyk_profile), url_fetcher=fetcher, font_config=font_config,
                       color_profiles=profiles)] if cmyk_profile else []
    document = HTML(string=html, base_url=layouts.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=stylesheets, color_profiles=profiles)
    if fetcher.refused:
        raise BuildError("the layout asked for resources outside layouts/: " + ", ".join(sorted(set(fetcher.refused))))
    if check is not None:
        check(document)  # raises BuildError when the content does not fit its format
    results = []
    for identifier, layout in outputs:
        pages = [len(document.pages)]

        def finisher(document: Any, pdf: pydyf.PDF, identifier: bytes | None = identifier,
                     layout: Layout | None = layout, pages: list[int] = pages) -> None:
            _unreachable_content_as_artifacts(pdf)
            if rtl:
                _right_to_left(pdf)
            if identifier is not None:
                _stable_document_id(pdf, identifier)
            if layout is not None:
                pages[0] = place(pdf, layout)

        if cmyk_profile:
            pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/x-4", pdf_tags=True, finisher=finisher)
        else:
            # PDF/UA-1: tagged structure (reading order, headings, lists, alternative text of the QR
            # codes), document language and title; WeasyPrint adds the structure tree and bookmarks.
            pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1", finisher=finisher)
        assert pdf is not None
        results.append((pdf, pages[0]))
    return results

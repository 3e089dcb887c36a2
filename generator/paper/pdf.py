"""HTML -> PDF bytes with WeasyPrint, reading nothing but the files under the project's layouts/.

Content text is escaped by the templates, so it cannot add an <img> or a stylesheet; the fetcher
below is the second lock: whatever asks WeasyPrint for a resource gets it only if it is a file
under layouts/ or an image this process made (a data: URI of a QR code).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetchingError

from generator.base.errors import BuildError
from generator.base.formats import Format
from generator.paper.place import Layout, Printing, pad, place
from generator.paper.pydyf_internals import deref, mark_as_artifacts, substitute
from generator.paper.versions import check_installed


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
def _font_config(layouts: Path) -> FontConfiguration:
    """One font configuration per layouts folder and process: the @font-face rules of one
    project's fonts.css never stand for another's."""
    return FontConfiguration()


def _viewer_preferences(pdf: pydyf.PDF) -> pydyf.Dictionary:
    """The catalog's /ViewerPreferences (WeasyPrint's, which asks to show the title), to add to."""
    preferences = deref(pdf, pdf.catalog.get("ViewerPreferences")) or pydyf.Dictionary()
    pdf.catalog["ViewerPreferences"] = preferences
    return preferences


def _right_to_left(pdf: pydyf.PDF) -> None:
    """Tell viewers (and later imposition) that pages are read right to left."""
    _viewer_preferences(pdf)["Direction"] = "/R2L"


def _printing(pdf: pydyf.PDF, fmt: Format, print_shop: bool) -> None:
    """What a printer dialog starts from (PDF 1.7, 12.2): the format's sides and flip (formats.py:
    duplex) on an office file, and printing at 100 % (actual_size). A print shop's file is
    PDF/X-4, a PDF 1.6 file, which /Duplex (1.7) is not part of: the shop's imposition decides."""
    if fmt.duplex is not None and not print_shop:
        _viewer_preferences(pdf)["Duplex"] = f"/{fmt.duplex}"
    if fmt.actual_size:
        _viewer_preferences(pdf)["PrintScaling"] = "/None"


_RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _stable_document_id(pdf: pydyf.PDF, identifier: bytes) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X metadata; derive it from the
    document's identifier instead, so the same content gives the same bytes."""
    stable = f"xmp.did:{uuid.UUID(bytes=hashlib.md5(identifier).digest())}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            substitute(obj, _RANDOM_DOCUMENT_ID, stable)


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
        for mcid in mark_as_artifacts(deref(pdf, page["Contents"]), orphans, {"Type": "/Pagination"}):
            parents[mcid] = "null"
    for obj in pdf.objects:  # the unreachable elements themselves: emptied, so nothing points at the margins
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" and obj.number not in reachable:
            obj.clear()


# Where ISO 32000-1 (14.8.4.3) and PDF/UA-1 (7.2) let list and table parts stand.
_REQUIRED_PARENTS = {
    "/TR": ("/Table", "/THead", "/TBody", "/TFoot"),
    "/TH": ("/TR",), "/TD": ("/TR",),
    "/THead": ("/Table",), "/TBody": ("/Table",), "/TFoot": ("/Table",),
    "/LI": ("/L",), "/LBody": ("/LI",),
    "/TOCI": ("/TOC",),
}
_MEANINGLESS_WHEN_EMPTY = ("/Link", "/Span", "/NonStruct")


def _is_mcid(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_objr(pdf: pydyf.PDF, kid: Any) -> bool:
    value = deref(pdf, kid)
    return isinstance(value, pydyf.Dictionary) and value.get("Type") == "/OBJR"


class _Structure:
    """The structure tree WeasyPrint wrote, as the finisher edits it: each element's parent, and
    the parent tree's entries (a page's array of MCIDs, an annotation's /StructParent key)."""

    def __init__(self, pdf: pydyf.PDF):
        self.pdf = pdf
        self.root = deref(pdf, pdf.catalog["StructTreeRoot"])
        self.nums = deref(pdf, self.root["ParentTree"])["Nums"]
        self.parent: dict[int, pydyf.Dictionary] = {}  # element's object number -> its parent

    def kids(self, element: pydyf.Dictionary) -> list[Any]:
        """An element's /K as a list to edit in place (a single kid becomes an array)."""
        kids = element.get("K")
        if not isinstance(kids, list):
            kids = element["K"] = pydyf.Array([] if kids is None else [kids])
        return kids

    def walk(self) -> Iterator[pydyf.Dictionary]:
        """The elements reached from the root in document order, each before its kids (which are
        read after it is yielded: a change to it holds for them)."""
        stack = [(ref, self.root) for ref in reversed(self.kids(self.root))]
        while stack:
            ref, parent = stack.pop()
            element = deref(self.pdf, ref)
            if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem":
                self.parent[element.number] = parent
                yield element
                stack.extend((kid, element) for kid in reversed(self.kids(element)))

    def _slot(self, key: Any, mcid: int | None = None) -> tuple[list[Any], int] | None:
        """Where the parent tree keeps the parent of an annotation (key) or of an MCID of a
        content stream (key, mcid)."""
        for i in range(0, len(self.nums), 2):
            if self.nums[i] == key:
                value = self.nums[i + 1]
                if mcid is None and not isinstance(value, list):
                    return self.nums, i + 1
                if mcid is not None and isinstance(value, list) and mcid < len(value):
                    return value, mcid
        return None

    def point(self, key: Any, element: pydyf.Dictionary, mcid: int | None = None) -> None:
        """Make the parent tree lead an annotation (or an MCID) to ``element``."""
        slot = self._slot(key, mcid)
        if slot is not None:
            slot[0][slot[1]] = element.reference

    def forget(self, keys: set[Any]) -> None:
        """Remove annotations' entries from the parent tree."""
        pairs = [(self.nums[i], self.nums[i + 1]) for i in range(0, len(self.nums), 2)]
        self.nums[:] = [v for key, value in pairs if isinstance(value, list) or key not in keys for v in (key, value)]

    def adopt(self, kid: Any, element: pydyf.Dictionary, old: pydyf.Dictionary) -> Any:
        """Move a kid of ``old`` under ``element``: its parent, and the parent tree, follow.
        Returns the kid as ``element`` holds it."""
        value = deref(self.pdf, kid)
        if _is_mcid(kid):
            if old.get("Pg") != element.get("Pg"):  # an MCID is read on its element's page
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": old["Pg"], "MCID": kid})
            self.point(deref(self.pdf, old["Pg"]).get("StructParents"), element, value)
        elif isinstance(value, pydyf.Dictionary) and value.get("Type") == "/StructElem":
            value["P"] = element.reference
            self.parent[value.number] = element
        elif isinstance(value, pydyf.Dictionary) and value.get("Type") == "/OBJR":
            self.point(deref(self.pdf, value["Obj"]).get("StructParent"), element)
        elif isinstance(value, pydyf.Dictionary) and value.get("Type") == "/MCR" and "Stm" not in value:
            self.point(deref(self.pdf, value.get("Pg", old.get("Pg"))).get("StructParents"), element, value["MCID"])
        return kid

    def dissolve(self, element: pydyf.Dictionary) -> None:
        """Put the element's kids in its place, in its parent."""
        parent = self.parent[element.number]
        siblings = self.kids(parent)
        at = siblings.index(element.reference)
        siblings[at:at + 1] = [self.adopt(kid, parent, element) for kid in self.kids(element)]
        element.clear()

    def remove_if_empty(self, elements: list[pydyf.Dictionary]) -> None:
        """Remove those of ``elements`` left empty whose place means nothing (a Span, a Link
        without link, a NonStruct; not a table cell), and their parents when these become empty."""
        while elements:
            element = elements.pop()
            if element is self.root or not element or self.kids(element) or element.get("S") not in _MEANINGLESS_WHEN_EMPTY:
                continue
            parent = self.parent[element.number]
            self.kids(parent).remove(element.reference)
            element.clear()
            elements.append(parent)


def _table_and_list_parts_in_place(pdf: pydyf.PDF) -> None:
    """Keep the role of a table or list part only where it may stand (TD and TH in TR, TR in
    Table, THead, TBody or TFoot, those in Table, LI in L, LBody in LI).

    WeasyPrint names an anonymous box after the element it belongs to, and tags it so: the
    anonymous blocks it makes in a cell whose content mixes inline and block boxes (a link
    around a block image, text beside a block) are tagged TD, in the cell's TD (one level is
    made NonStruct, the next is a TD again). What stands where its role may not is such a box,
    a grouping without meaning of its own: it becomes NonStruct, without table attributes.
    """
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = _Structure(pdf)
    for element in tree.walk():
        role = element.get("S")
        if role in _REQUIRED_PARENTS and tree.parent[element.number].get("S") not in _REQUIRED_PARENTS[role]:
            element["S"] = "/NonStruct"
            attributes = element.get("A")
            if isinstance(attributes, dict) and attributes.get("O") == "/Table":
                del element["A"]


def _links_in_link_elements(pdf: pydyf.PDF) -> None:
    """Give each link annotation a Link structure element as parent (PDF/UA-1 7.18.5): the
    element whose kid is the annotation's object reference (/OBJR), to which its /StructParent
    entry in the parent tree leads back, and which holds the link's content.

    WeasyPrint gives a link annotation to every box inside an <a> (an inline box of <strong>, an
    inline image, a <wbr>, each piece of an <a> split around a block) and hangs it on the
    structure element of that box: a NonStruct, a Figure, a Span; an <a>'s ::before or ::after
    is a Link inside the Link. Here, whatever the markup:

    - a Link inside a Link joins it (its content and annotations in its place);
    - an annotation without area (an empty piece of a split <a>, a <wbr>) cannot be clicked: it
      is removed, with its object reference and its parent-tree entry;
    - any other annotation moves to the nearest Link above the element that holds it, where that
      element's branch stands (the tree order is the tab order);
    - with no Link above, a Link is made around that element, or inside it, around its content,
      when it is a table or list part that must keep its parent;
    - a Link left without annotation (an <a> without href) is a Span, and elements left empty
      (the pieces of a split link) are removed.
    """
    if "StructTreeRoot" not in pdf.catalog:
        return
    tree = _Structure(pdf)
    elements = list(tree.walk())
    for element in reversed(elements):  # innermost first
        if element.get("S") == "/Link" and tree.parent[element.number].get("S") == "/Link":
            tree.dissolve(element)
    annots_of: dict[int, pydyf.Dictionary] = {}  # annotation's object number -> its page
    for page_ref in pdf.page_references:
        page = deref(pdf, page_ref)
        for ref in page.get("Annots") or []:
            annots_of[deref(pdf, ref).number] = page

    dropped: set[Any] = set()
    emptied: list[pydyf.Dictionary] = []
    links: list[tuple[pydyf.Dictionary, Any, pydyf.Dictionary]] = []  # (element, /OBJR kid, annotation)
    for element in elements:
        for ref in [kid for kid in tree.kids(element) if not _is_mcid(kid)] if element else []:
            objr = deref(pdf, ref)
            annot = deref(pdf, objr["Obj"]) if _is_objr(pdf, ref) else None
            if annot is None or annot.get("Subtype") != "/Link":
                continue
            x1, y1, x2, y2 = (float(v) for v in annot["Rect"])
            if abs(x2 - x1) >= 0.01 and abs(y2 - y1) >= 0.01:
                links.append((element, ref, annot))
                continue
            tree.kids(element).remove(ref)
            emptied.append(element)
            page = annots_of.get(annot.number)
            if page is not None:
                page["Annots"].remove(annot.reference)
                if not page["Annots"]:
                    del page["Annots"]
            dropped.add(annot.get("StructParent"))
            annot.clear()
            objr.clear()

    for element, ref, annot in links:
        if ref not in tree.kids(element):
            continue  # moved already, with the content of a table or list part
        link = element
        while link is not tree.root and link.get("S") != "/Link":
            link = tree.parent[link.number]
        if link is element:
            continue  # where it belongs
        tree.kids(element).remove(ref)
        if link is tree.root:
            link = _link_around(pdf, tree, element)
            tree.kids(link).insert(0, ref)
        else:
            emptied.append(element)
            branch = element
            while tree.parent[branch.number] is not link:
                branch = tree.parent[branch.number]
            kids = tree.kids(link)
            kids.insert(kids.index(branch.reference), ref)
        tree.point(annot.get("StructParent"), link)
    for element in elements:  # an <a> without href, or whose only annotations had no area, is no link
        if element and element.get("S") == "/Link" and not any(_is_objr(pdf, kid) for kid in tree.kids(element)):
            element["S"] = "/Span"
            emptied.append(element)
    tree.forget(dropped)
    tree.remove_if_empty(emptied)


def _link_around(pdf: pydyf.PDF, tree: _Structure, element: pydyf.Dictionary) -> pydyf.Dictionary:
    """A new Link element with the element's content: around the element, or, when the element
    is a table or list part that must keep its parent, inside it."""
    link = pydyf.Dictionary({"Type": "/StructElem", "S": "/Link", "Pg": element.get("Pg"), "K": pydyf.Array()})
    pdf.add_object(link)
    if element.get("S") in _REQUIRED_PARENTS:
        link["P"] = element.reference
        tree.parent[link.number] = element
        link["K"].extend(tree.adopt(kid, link, element) for kid in tree.kids(element))
        element["K"] = pydyf.Array([link.reference])
    else:
        parent = tree.parent[element.number]
        siblings = tree.kids(parent)
        siblings[siblings.index(element.reference)] = link.reference
        link["P"] = parent.reference
        tree.parent[link.number] = parent
        link["K"].append(element.reference)
        element["P"] = link.reference
        tree.parent[element.number] = link
    return link


def print_shop_css(profile: Path, layouts: Path) -> str:
    """Bleed, crop marks and CMYK colours for a print shop (the project's layouts/print-shop.css);
    the profile becomes the output intent."""
    return (f'@color-profile device-cmyk {{ src: url("{profile.resolve().as_uri()}"); '
            "components: cyan, magenta, yellow, black; }\n") + (layouts / "print-shop.css").read_text("utf-8")


def html_to_pdf(html: str, *, layouts: Path, pdf_identifier: bytes | None = None,
                rtl: bool = False, cmyk_profile: Path | None = None,
                check: Callable[[Any], None] | None = None) -> tuple[bytes, int]:
    """Render HTML; returns the PDF bytes and the number of pages."""
    [(pdf, pages)] = html_to_pdfs(html, [(pdf_identifier, None)], layouts=layouts, rtl=rtl,
                                  cmyk_profile=cmyk_profile, check=check)
    return pdf, pages


def html_to_pdfs(html: str | Sequence[str], outputs: Sequence[tuple[bytes | None, Printing | Layout | None]], *,
                 layouts: Path, rtl: bool = False, cmyk_profile: Path | None = None,
                 check: Callable[[Any], int | None] | None = None, chosen: list[Any] | None = None,
                 implied: Callable[[int, int | None], BuildError | bool] | None = None,
                 tail: Callable[[int, int], tuple[str, int] | None] | None = None,
                 tried: list[int] | None = None) -> list[tuple[bytes, int]]:
    """Lay the HTML out once, and write one PDF per output: (identifier, how the pages go on
    sheets, or None for the pages as they are). Returns each PDF and its number of pages.
    Given as a Printing (impose.layout_for), an output also carries its format's viewer
    preferences (duplex, printing at actual size); a print shop's file of a format with a
    print_shop_multiple gets blank pages before its last page up to that multiple.

    ``html`` may be several arrangements of the same content, tried in order: ``check`` raises
    BuildError when one does not fit its format, and otherwise returns how many layout warnings
    it has (0 or None: take it). The first without warnings is written; when every one that fits
    has some, the one with the fewest, laid out once; when none fits, the last one's error is raised.
    The number of the arrangement written (0: the first) and its laid-out document are appended
    to ``chosen`` when given. ``implied`` (an arrangement's number, and that of the one with the
    fewest warnings so far or None) may rule an arrangement out before it is laid out, from those
    laid out: a BuildError (it would not fit, for this reason) or True (it would fit with no fewer
    warnings than the best so far). ``tail`` (the number of the
    arrangement written, its number of pages) may give the HTML of pages to lay out on their own
    and join after them (a booklet's notes pages and back cover) with how many pages it must
    take, or None. The number of each arrangement laid out is appended to ``tried``, when given,
    before it is checked (``check`` knows which one it checks).

    Office files are PDF/UA-1 (tagged, RGB). With ``cmyk_profile``, the file is for a print shop:
    PDF/X-4 with that profile as output intent, 3 mm bleed, crop marks, TrimBox and BleedBox,
    colours in CMYK, and still tagged.
    """
    check_installed()  # a WeasyPrint or pydyf outside the supported versions: a clear message, before any layout
    fetcher = LayoutsOnlyFetcher(layouts, (cmyk_profile,) if cmyk_profile else ())
    font_config = _font_config(layouts)
    profiles: dict = {}  # filled by the print-shop stylesheet's @color-profile rule
    stylesheets = [CSS(string=print_shop_css(cmyk_profile, layouts), url_fetcher=fetcher, font_config=font_config,
                       color_profiles=profiles)] if cmyk_profile else []
    best: tuple[int, int, Any] | None = None  # (warnings, order, laid-out document): the first with the fewest warnings
    failure: BuildError | None = None
    for order, candidate in enumerate([html] if isinstance(html, str) else html):
        verdict = implied(order, None if best is None else best[1]) if implied is not None else False
        if isinstance(verdict, BuildError):
            failure = verdict
            continue
        if verdict:
            continue
        laid_out = HTML(string=candidate, base_url=layouts.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=stylesheets, color_profiles=profiles)
        if fetcher.refused:
            raise BuildError("the layout asked for resources outside layouts/: " + ", ".join(sorted(set(fetcher.refused))))
        if tried is not None:
            tried.append(order)
        try:
            warnings = check(laid_out) if check is not None else None
        except BuildError as exc:  # does not fit its format
            failure = exc
            continue
        if best is None or (warnings or 0) < best[0]:
            best = (warnings or 0, order, laid_out)
        if not warnings:
            break
    if best is None:
        assert failure is not None
        raise failure
    _warnings, order, document = best
    if chosen is not None:
        chosen.extend((order, document))
    more = tail(order, len(document.pages)) if tail is not None else None
    if more is not None:  # laid out on their own: the pages before them stay as they were checked
        more_html, expected = more
        extra = HTML(string=more_html, base_url=layouts.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=stylesheets, color_profiles=profiles)
        if len(extra.pages) != expected:  # a back cover that runs onto another page would cost a sheet
            raise BuildError(f"the back cover takes {len(extra.pages)} pages where {expected} were planned; shorten the "
                             "fallback line or the colophon (content/booklet.yaml) or the audience's fallback")
        document = document.copy([*document.pages, *extra.pages])
    results = []
    for identifier, output in outputs:
        pages = [len(document.pages)]
        fmt = output.format if isinstance(output, Printing) else None
        layout = output.layout if isinstance(output, Printing) else output

        def finisher(document: Any, pdf: pydyf.PDF, identifier: bytes | None = identifier,
                     layout: Layout | None = layout, fmt: Format | None = fmt, pages: list[int] = pages) -> None:
            _unreachable_content_as_artifacts(pdf)
            _table_and_list_parts_in_place(pdf)
            _links_in_link_elements(pdf)
            if rtl:
                _right_to_left(pdf)
            if identifier is not None:
                _stable_document_id(pdf, identifier)
            if cmyk_profile and fmt is not None and fmt.print_shop_multiple > 1:
                pages[0] = pad(pdf, fmt.print_shop_multiple)  # a saddle-stitched booklet: whole folded sheets
            if layout is not None:
                pages[0] = place(pdf, layout)
            if fmt is not None:
                _printing(pdf, fmt, print_shop=cmyk_profile is not None)

        if cmyk_profile:
            pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/x-4", pdf_tags=True, finisher=finisher)
        else:
            # PDF/UA-1: tagged structure (reading order, headings, lists, alternative text of the QR
            # codes), document language and title; WeasyPrint adds the structure tree and bookmarks.
            pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1", finisher=finisher)
        assert pdf is not None
        results.append((pdf, pages[0]))
    return results

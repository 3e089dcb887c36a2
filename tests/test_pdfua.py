"""PDF/UA-1 as an independent validator sees it: page-validation (`page`, veraPDF's rules).

Rules known not to pass yet would be listed, with why, in ``pdfcheck.PENDING_RULES`` (none are).
A sample of the real set (the asylum-centre booklet, imposed booklet and leaflet in English and
Farsi, a poster and a sheet of wallet cards) must pass the PDF/UA-1 profile; so must markup the
layouts do not use yet (internal links with target-counter, images in links, tables split over
pages, nested tables) and the shapes WeasyPrint could give a link's structure: the check does not
rest on today's templates. The check itself can fail: a tree broken on purpose is reported.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pypdf
import pytest
from page import validate_pdf
from PIL import Image
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from generator.paper.impose import booklet_layout, leaflet_layout
from generator.paper.pdf import html_to_pdfs

from .conftest import LAYOUTS
from .pdfcheck import pdfua_failures, tagging

SAMPLE = [f"{lang}/asylum-centre-{fmt}.pdf" for lang in ("en", "fa") for fmt in ("booklet", "booklet-imposed", "leaflet")]
SAMPLE += ["en/asylum-centre-poster.pdf", "en/asylum-centre-card.pdf"]
SAMPLE += [f"{lang}/sexual-violence-booklet.pdf" for lang in ("ps", "ti")]  # the two new scripts (issue 27)


@pytest.fixture(scope="module")
def built(shipped) -> Path:
    """The session's shared build (conftest.shipped), wallet cards included."""
    return shipped


@pytest.mark.parametrize("name", SAMPLE)
def test_pdf_passes_the_pdfua1_validator(built, name):
    found = pdfua_failures(built / name)
    assert found == [], f"{name} fails PDF/UA-1:\n" + "\n".join(found)


# ------------------------------------------------------------------ markup the layouts may come to use

def _image() -> str:
    buffer = io.BytesIO()
    Image.new("1", (21, 21), 1).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _markup(rtl: bool = False) -> str:
    img = _image()
    rows = "".join(f"<tr><td>Row {i} <a href='tel:+3280{i:06d}'>080 {i}</a></td>"
                   f"<td><a href='#s{i % 3}'><img src='{img}' alt='code {i}' style='width: 20mm'></a></td></tr>"
                   for i in range(30))
    return f"""<!DOCTYPE html>
<html lang="{'fa' if rtl else 'en'}" dir="{'rtl' if rtl else 'ltr'}"><head><meta charset="utf-8"><title>Markup</title>
<style>
@page {{ size: A5; margin: 15mm }}
.block {{ display: block }}
.number {{ white-space: nowrap; direction: ltr; unicode-bidi: isolate }}
a.see::after {{ content: " (page " target-counter(attr(href), page) ")" }}
</style></head>
<body>
<h1 id="s0">Title</h1>
<p>A <a href="https://example.org/a">link with <strong>strong <em>and emphasised</em></strong> words, long enough to
  go on over the end of the line and onto the next one</a>.</p>
<p>An image in a link: <a href="https://example.org/inline"><img src="{img}" alt="a code" style="width: 20mm"></a></p>
<p>A block image in an inline link: <a href="https://example.org/split"><img class="block" src="{img}" alt="a code"
  style="width: 20mm"></a> and on</p>
<a class="block" href="https://example.org/block"><img class="block" src="{img}" alt="a code" style="width: 20mm"></a>
<p><a class="number" href="tel:+3280099961">0800 99 961</a>, <a class="see" href="#s1">see</a>,
  <a href="https://example.org/wbr">example.<wbr>org/<wbr>wbr</a></p>
<table class="card"><tr>
  <td>Text <a href="mailto:someone@example.org">someone@example.org</a><div>a block</div> and text</td>
  <td><a href="https://example.org/qr"><img class="block" src="{img}" alt="a code" style="width: 20mm"></a>
    <a class="block" href="https://example.org/qr">example.<wbr>org/<wbr>qr</a></td>
</tr></table>
<table><thead><tr><th>Line</th><th>Code</th></tr></thead><tbody>{rows}</tbody></table>
<h2 id="s1">Nested</h2>
<table><tr><td><table><tr><td><a href="#s2">a link in a nested table</a></td></tr></table></td></tr></table>
<ul><li><a href="https://example.org/li">a link in a list</a></li><li>no link</li></ul>
<p><a id="anchor"></a>An anchor, and <a id="no-href">an a without href</a>.</p>
<h2 id="s2">End</h2>
</body></html>"""


def _check(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return [f"{name}: {p}" for p in pdfua_failures(pdf) + tagging(path).problems]


@pytest.mark.parametrize("rtl", [False, True])
def test_links_and_tables_in_any_markup_pass(tmp_path, rtl):
    """Links around images (inline and block), over several lines, with ::after, <wbr> or nowrap,
    internal links; tables with and without <tbody>, nested, split over pages; laid out as pages
    and placed on sheets."""
    outputs = [(b"pages", None), (b"booklet", booklet_layout(rtl)), (b"leaflet", leaflet_layout(rtl))]
    problems = []
    for (name, _layout), (pdf, _pages) in zip(outputs, html_to_pdfs(_markup(rtl), outputs, layouts=LAYOUTS, rtl=rtl), strict=True):
        problems += _check(pdf, tmp_path, name.decode())
    assert problems == []


def test_without_the_repairs_this_markup_fails(monkeypatch):
    """The markup above tests something: as WeasyPrint tags it, its link annotations hang on
    elements that are not Links and its cells stand outside rows."""
    from generator.paper import pdf as module

    monkeypatch.setattr(module, "_links_in_link_elements", lambda pdf: None)
    monkeypatch.setattr(module, "_table_and_list_parts_in_place", lambda pdf: None)
    [(pdf, _pages)] = html_to_pdfs(_markup(), [(b"pages", None)], layouts=LAYOUTS)
    assert {"PDFUA1-LINK-LINK-TAG-001", "PDFUA1-TD-PARENT-001"} <= {f.split(":")[0] for f in pdfua_failures(pdf)}


def test_links_are_tagged_whatever_element_weasyprint_hangs_them_on(tmp_path, monkeypatch):
    """Were <a> tagged as a Span (no Link above its annotations), or as the body of a list item
    (a part that must keep its parent), each link still gets a Link element with its content."""
    from weasyprint.pdf import tags

    pdf_tag = tags._get_pdf_tag
    html = _markup()
    for role in ("Span", "LBody"):
        monkeypatch.setattr(tags, "_get_pdf_tag", lambda tag, role=role: role if tag == "a" else pdf_tag(tag))
        outputs = [(b"pages", None), (b"booklet", booklet_layout())]
        for (name, _layout), (pdf, _pages) in zip(outputs, html_to_pdfs(html, outputs, layouts=LAYOUTS), strict=True):
            assert _check(pdf, tmp_path, f"{role}-{name.decode()}") == []


# ------------------------------------------------------------------ the check can fail

def _elements(writer: pypdf.PdfWriter):
    """(element, parent) for every structure element, in document order."""
    stack = [(writer.root_object["/StructTreeRoot"], None)]
    while stack:
        node, parent = stack.pop()
        element = node.get_object()
        if parent is not None:
            yield element, parent
        kids = element.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
        stack.extend((kid, element) for kid in reversed(kids)
                     if isinstance(kid.get_object(), DictionaryObject) and kid.get_object().get("/Type") not in ("/OBJR", "/MCR"))


def _broken(source: Path, tmp_path: Path, name: str, breaking) -> tuple[set[str], list[str]]:
    """Break a copy of a PDF's structure tree; what the validator (rule ids) and tagging() say."""
    writer = pypdf.PdfWriter(clone_from=source)
    breaking(writer)
    writer.write(tmp_path / name)
    return {f.rule_id for f in validate_pdf(tmp_path / name, profile="ua1").failures}, tagging(tmp_path / name).problems


def test_the_checks_find_a_link_annotation_outside_a_link_element(built, tmp_path):
    """A built booklet with one Link element renamed Span: its annotation hangs on a Span."""
    def breaking(writer):
        link = next(e for e, _ in _elements(writer) if e.get("/S") == "/Link")
        link[NameObject("/S")] = NameObject("/Span")

    rules, problems = _broken(built / "en/asylum-centre-booklet.pdf", tmp_path, "link.pdf", breaking)
    assert "PDFUA1-LINK-LINK-TAG-001" in rules
    assert any("/Span: holds a link annotation" in p for p in problems)


def test_the_checks_find_a_cell_outside_a_row(tmp_path):
    """A table with a TD wrapped in a NonStruct inside its row, as WeasyPrint tags an anonymous
    box in a cell."""
    source = tmp_path / "tables.pdf"
    [(pdf, _pages)] = html_to_pdfs(_markup(), [(b"tables", None)], layouts=LAYOUTS)
    source.write_bytes(pdf)

    def breaking(writer):
        cell, row = next((e, p) for e, p in _elements(writer) if e.get("/S") == "/TD")
        wrapper = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/NonStruct"),
                                    NameObject("/P"): row.indirect_reference, NameObject("/K"): ArrayObject([cell.indirect_reference])})
        wrapper_ref = writer._add_object(wrapper)
        cell[NameObject("/P")] = wrapper_ref
        kids = row["/K"]
        kids[[k.idnum for k in kids].index(cell.indirect_reference.idnum)] = wrapper_ref

    assert pdfua_failures(pdf) == [] and tagging(source).problems == []
    rules, problems = _broken(source, tmp_path, "cell.pdf", breaking)
    assert "PDFUA1-TD-PARENT-001" in rules
    assert any(p.startswith("/TD inside /NonStruct") for p in problems)

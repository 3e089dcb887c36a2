"""The libraries' internals the code relies on, on the installed versions, and the check that
refuses versions outside the supported range.

WeasyPrint's box tree (generator/paper/weasy.py), how pydyf stores a PDF and how WeasyPrint
writes its content streams (generator/paper/pydyf_internals.py), and httpx's transport pool
(generator/tools/netguard.py) are not public API: each test here fails when a name or a layout they
use is gone or changed, instead of a check quietly finding nothing.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pydyf
import pytest
from weasyprint import HTML

from generator.base.errors import BuildError
from generator.cli import run
from generator.paper import pydyf_internals, versions, weasy
from generator.tools import netguard

ROOT = Path(__file__).resolve().parent.parent

QR = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5"
      "ErkJggg==")
PAGE = f"""<style>@page {{ size: A6; @top-center {{ content: "Running title" }} }}
.framed {{ border-bottom: 1px solid black }}</style>
<h1>Heading</h1><div class="framed"><p data-id="x">A line of text</p></div><img src="{QR}" alt="QR">"""


def _resolve(dotted: str) -> Any:
    """A module, or a class in a module, by its dotted name."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


@pytest.fixture(scope="module")
def page() -> Any:
    return HTML(string=PAGE).render().pages[0]


def _boxes(box: Any) -> list[Any]:
    return [box, *(b for child in getattr(box, "children", None) or [] for b in _boxes(child))]


# ------------------------------------------------------------------ WeasyPrint


def test_each_weasyprint_name_weasy_py_uses_exists(page):
    for where, names in weasy.PRIVATE_NAMES.items():
        if where == "weasyprint.document.Page":
            missing = [name for name in names if not hasattr(page, name)]
        else:
            owner = _resolve(where)
            missing = [name for name in names if not isinstance(getattr(owner, name, None), type)]
        assert not missing, f"{where} no longer has {missing}: generator/paper/weasy.py must follow WeasyPrint"


def test_the_box_tree_is_where_the_checks_read_it(page):
    """page_box gives the laid-out page; each kind the checks tell apart is found on it, by
    WeasyPrint's own classes (a renamed or re-parented class would find nothing here)."""
    root = weasy.page_box(page)
    assert type(root).__name__ == "PageBox"
    boxes = _boxes(root)
    margins = [b for b in boxes if weasy.is_margin(b)]
    lines = [b for b in boxes if weasy.is_line(b)]
    images = [b for b in boxes if weasy.is_replaced(b)]
    blocks = [b for b in boxes if weasy.is_plain_block(b)]
    assert margins and all(type(b).__name__ == "MarginBox" for b in margins)
    assert {"".join(getattr(t, "text", "") for t in _boxes(line)) for line in lines} >= {"Running title", "Heading",
                                                                                          "A line of text"}
    assert len(images) == 1 and images[0].element_tag == "img"
    framed = [b for b in blocks if "framed" in (b.element.get("class") or "")]
    assert len(framed) == 1 and framed[0].border_bottom_width > 0
    # what fit.py and design.py read on the boxes
    assert root.height > 0 and root.content_box_y() >= 0
    assert framed[0].margin_height() > 0 and framed[0].position_y > 0 and float(framed[0].style["font_size"]) > 0
    assert any(b.element is not None and b.element.get("data-id") == "x" for b in boxes if hasattr(b, "element"))


def test_the_kinds_are_exact_classes_not_their_subclasses():
    from weasyprint.formatting_structure import boxes

    subclasses = [c for c in vars(boxes).values() if isinstance(c, type) and issubclass(c, boxes.BlockBox) and c is not boxes.BlockBox]
    for kind in subclasses:  # a table caption or a footnote area is not a plain block (as when told by name)
        assert not weasy.is_plain_block(kind.__new__(kind))
    assert weasy.is_plain_block(boxes.BlockBox.__new__(boxes.BlockBox))


# ------------------------------------------------------------------ pydyf, and WeasyPrint's content streams


def test_each_pydyf_name_pydyf_internals_uses_exists():
    for where, names in pydyf_internals.PRIVATE_NAMES.items():
        owner = _resolve(where)
        missing = [name for name in names if not hasattr(owner, name)]
        assert not missing, f"{where} no longer has {missing}: generator/paper/pydyf_internals.py must follow pydyf"


def test_references_and_the_page_tree_are_stored_as_the_code_reads_them():
    pdf = pydyf.PDF()
    pages = [pydyf.Dictionary({"Type": "/Page"}) for _ in range(3)]
    for page in pages:
        pdf.add_page(page)
    assert pages[0].reference == f"{pages[0].number} 0 R".encode()
    assert pdf.page_references == tuple(p.reference for p in pages)
    assert [pydyf_internals.deref(pdf, ref) for ref in pdf.page_references] == pages
    assert pydyf_internals.deref(pdf, "/Name") == "/Name"
    assert pydyf_internals.set_pages(pdf, [pages[2], pages[0]]) == 2
    assert pdf.page_references == (pages[2].reference, pages[0].reference) and pdf.pages["Count"] == 2


def test_marked_content_tokens_as_pydyf_writes_them():
    stream = pydyf.Stream()
    stream.begin_marked_content("P", pydyf.Dictionary({"MCID": 0}))
    stream.stream.append(b"BT (a) Tj ET")
    stream.end_marked_content()
    stream.begin_marked_content("Artifact")
    stream.stream.append(b"0 0 m")
    stream.end_marked_content()
    assert stream.stream[0] == "/P" and stream.stream[2] in (b"BDC", "BDC") and stream.stream[-1] in (b"EMC", "EMC")
    assert pydyf_internals.without_marked_content(stream) == [b"BT (a) Tj ET", b"0 0 m"]
    assert pydyf_internals.mark_as_artifacts(stream, {0}, {"Type": "/Pagination"}) == [0]
    assert stream.stream[:3] == ["/Artifact", {"Type": "/Pagination"}, b"BDC"]
    assert pydyf_internals.mark_as_artifacts(stream, {0}, {"Type": "/Pagination"}) == []  # no MCID left


def test_weasyprint_writes_tagged_content_as_the_finisher_edits_it():
    """In a tagged file, WeasyPrint marks each piece of content '/Tag <</MCID n>> BDC' in the
    page's content stream, and its metadata is a pydyf Stream: what pdf.py edits."""
    seen: dict[str, Any] = {}

    def finisher(document: Any, pdf: pydyf.PDF) -> None:
        page = pydyf_internals.deref(pdf, pdf.page_references[0])
        tokens = pydyf_internals.deref(pdf, page["Contents"]).stream
        seen["marked"] = [(tokens[i - 1], tokens[i + 1]) for i, item in enumerate(tokens)
                          if isinstance(item, pydyf.Dictionary) and "MCID" in item]
        seen["metadata"] = [o for o in pdf.objects if isinstance(o, pydyf.Stream) and o.extra.get("Type") == "/Metadata"]

    HTML(string=PAGE).render().write_pdf(pdf_variant="pdf/ua-1", finisher=finisher)
    assert seen["marked"], "no marked content with an MCID in WeasyPrint's content stream"
    assert all(isinstance(tag, str) and tag.startswith("/") and op in (b"BDC", "BDC") for tag, op in seen["marked"])
    assert len(seen["metadata"]) == 1
    pydyf_internals.substitute(seen["metadata"][0], re.compile(rb"pdfuaid"), b"pdfuaid")
    assert all(isinstance(part, bytes) for part in seen["metadata"][0].stream)


# ------------------------------------------------------------------ httpx


def test_httpx_transport_keeps_its_pool_where_netguard_replaces_it():
    for where, names in netguard.PRIVATE_NAMES.items():
        transport = _resolve(where)()
        for name in names:
            assert isinstance(getattr(transport, name, None), httpcore.ConnectionPool), \
                f"{where}.{name} is no longer an httpcore.ConnectionPool: netguard.guarded_transport must follow httpx"


def test_the_guarded_transport_refuses_loopback_before_connecting():
    with httpx.Client(transport=netguard.guarded_transport(netguard.Policy(timeout=2.0))) as client:
        with pytest.raises(netguard._Refused, match="127.0.0.1 is a loopback address"):  # noqa: SLF001
            client.get("https://127.0.0.1:9/")


# ------------------------------------------------------------------ the version check


@pytest.mark.parametrize("weasyprint, pydyf_version", [("70.0", "0.13.0"), ("70.1", "0.13.2"), ("70.0.1", "0.13")])
def test_supported_versions_pass(weasyprint, pydyf_version):
    versions.check({"weasyprint": weasyprint, "pydyf": pydyf_version})


@pytest.mark.parametrize("installed, named", [
    ({"weasyprint": "69.0", "pydyf": "0.13.0"}, "WeasyPrint 69.0 is installed; booklet needs WeasyPrint >=70,<71"),
    ({"weasyprint": "71.0", "pydyf": "0.13.0"}, "WeasyPrint 71.0 is installed; booklet needs WeasyPrint >=70,<71"),
    ({"weasyprint": "66.0", "pydyf": "0.13.0"}, "WeasyPrint 66.0 is installed"),
    ({"weasyprint": "70.0", "pydyf": "0.12.1"}, "pydyf 0.12.1 is installed; booklet needs pydyf >=0.13,<0.14"),
    ({"weasyprint": "70.0", "pydyf": "0.14.0"}, "pydyf 0.14.0 is installed"),
    ({"weasyprint": None, "pydyf": "0.13.0"}, "WeasyPrint is not installed; booklet needs WeasyPrint >=70,<71"),
    ({"weasyprint": "seventy", "pydyf": "0.13.0"}, "WeasyPrint seventy is installed"),
])
def test_unsupported_versions_fail_naming_installed_supported_and_how_to_install(installed, named):
    with pytest.raises(BuildError) as caught:
        versions.check(installed)
    assert named in caught.value.message and "make deps" in caught.value.message


def test_both_libraries_wrong_are_both_named():
    with pytest.raises(BuildError) as caught:
        versions.check({"weasyprint": "65.1", "pydyf": "0.10.0"})
    assert "WeasyPrint 65.1" in caught.value.message and "pydyf 0.10.0" in caught.value.message


def test_the_installed_versions_are_supported():
    versions.check()


def test_the_supported_ranges_are_pyprojects():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    for name, (low, high) in versions.SUPPORTED.items():
        assert f"{name}>={low},<{high}" in dependencies


@pytest.fixture
def weasyprint_69(monkeypatch: pytest.MonkeyPatch):
    """The process sees WeasyPrint 69.0 installed (the check's cache emptied before and after)."""
    real = versions._installed  # noqa: SLF001
    monkeypatch.setattr(versions, "_installed", lambda name: "69.0" if name == "weasyprint" else real(name))
    versions.check_installed.cache_clear()
    yield
    versions.check_installed.cache_clear()


def test_build_and_check_stop_on_an_unsupported_weasyprint_before_rendering(project, capsys, weasyprint_69):
    out = project.root / "output"
    assert run(["--root", str(project.root), "build", "--lang", "en", "--format", "card", "-j", "1", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "WeasyPrint 69.0 is installed; booklet needs WeasyPrint >=70,<71" in err and "make deps" in err
    assert not list(out.rglob("*.pdf"))
    assert run(["--root", str(project.root), "check"]) == 1
    assert "WeasyPrint 69.0 is installed" in capsys.readouterr().err


def test_rendering_itself_checks_the_versions(weasyprint_69, tmp_path):
    from generator.paper.pdf import html_to_pdf

    with pytest.raises(BuildError, match="WeasyPrint 69.0 is installed"):
        html_to_pdf("<p>x</p>", layouts=tmp_path)


def test_a_build_checks_the_versions_before_reading_the_content(project, weasyprint_69, monkeypatch):
    from generator.build import make

    def read(root: Path) -> None:
        raise AssertionError("the content was read before the versions were checked")

    monkeypatch.setattr(make, "check", read)
    with pytest.raises(BuildError, match="WeasyPrint 69.0 is installed"):
        make.build(project.root, project.root / "output")

"""Content cannot inject markup or make the renderer read a file or fetch a URL."""

from __future__ import annotations

import pytest
from weasyprint.urls import URLFetchingError

from generator.cli import run
from generator.paper import pdf as pdf_module
from generator.paper.pdf import LayoutsOnlyFetcher

from .conftest import LAYOUTS, SERVICE
from .pdfcheck import pdf_text

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<style>@import url(https://www.example.be/report);</style>",  # an address the content states (text may print no other)
    "<script>alert(1)</script>",
    "{{ 7 * 7 }} {% raw %}",
]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_prints_literally_and_nothing_is_fetched(project, monkeypatch, payload):
    fetched: list[str] = []
    original = LayoutsOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(LayoutsOnlyFetcher, "fetch", spy)
    service = (SERVICE.replace("name: Helpline", f"name: {_quote(payload)}")
               .replace("summary: Listens and helps.", f"summary: {_quote('Before ' + payload + ' after')}")
               + f"notes:\n  - {_quote(payload)}\n")
    project.write("content/services/helpline.yaml", service)
    project.write("content/situations/work.yaml",
                  f"title: {_quote(payload)}\nsummary: {_quote(payload)}\nsteps: [{_quote(payload)}]\nservices: [helpline]\n")
    assert run(["--root", str(project.root), "build", "-j", "1"]) == 0  # rendering in this process: the spy sees it
    text = " ".join(" ".join(pdf_text(project.root / "output/en/workers-booklet.pdf")).split())
    assert payload in text
    layouts = LAYOUTS.resolve().as_uri() + "/"
    assert fetched, "the stylesheet and fonts should have been fetched"
    assert all(u.startswith(layouts) or u.startswith("data:image/png;base64,") for u in fetched), fetched


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.org/style.css",
        "http://127.0.0.1/",
        (LAYOUTS / ".." / "pyproject.toml").as_uri(),
        LAYOUTS.as_uri() + "/../pyproject.toml",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_anything_outside_layouts(url):
    fetcher = LayoutsOnlyFetcher(LAYOUTS)
    with pytest.raises((URLFetchingError, ValueError)):
        fetcher.fetch(url)


def test_fetcher_serves_layout_files():
    fetcher = LayoutsOnlyFetcher(LAYOUTS)
    response = fetcher.fetch((LAYOUTS / "booklet.css").as_uri())
    assert b"@page" in response.read()
    response.close()


def test_a_layout_asking_for_outside_files_fails_the_build(tmp_path):
    (tmp_path / "booklet.css").write_text("body { background: url(file:///etc/hostname); }")
    html = '<html><head><link rel="stylesheet" href="booklet.css"></head><body><img src="file:///etc/passwd"><p>x</p></body></html>'
    with pytest.raises(Exception) as info:
        pdf_module.html_to_pdf(html, layouts=tmp_path)
    assert "the layout asked for resources outside layouts/: file:///etc/hostname, file:///etc/passwd" in str(info.value)


def test_templates_escape_and_refuse_undefined_names():
    from generator.render.html import environment

    env = environment(LAYOUTS, "en")
    assert env.autoescape is True
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing.value }}").render()


def test_yaml_is_loaded_with_the_safe_loader():
    import yaml

    from generator.content.load import _ContentLoader

    assert issubclass(_ContentLoader, yaml.constructor.SafeConstructor)
    assert not issubclass(_ContentLoader, (yaml.constructor.FullConstructor, yaml.constructor.UnsafeConstructor))


def test_content_markup_is_limited_to_emphasis_and_safe_links(project):
    text = "Call *now*, **today**: [the form](https://www.example.be/report), [x](javascript:alert(1)) <b>raw</b>"
    project.write("content/services/helpline.yaml", SERVICE.replace("summary: Listens and helps.", f"summary: {_quote(text)}"))
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet"]) == 0
    pdf = project.root / "output/en/workers-booklet.pdf"
    flat = " ".join(" ".join(pdf_text(pdf)).split())
    assert "Call now, today: the form, [x](javascript:alert(1)) <b>raw</b>" in flat
    from .pdfcheck import link_targets

    targets = link_targets(pdf)
    assert "https://www.example.be/report" in targets
    assert not any(t.startswith("javascript") for t in targets)

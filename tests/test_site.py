"""The web pages (output/site/), read as HTML: the shared build's site, and small projects."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import run
from generator.site import Assets, language_name
from generator.validate import load_catalogue
from generator.view import Edition

from .conftest import LAYOUTS, ROOT, SERVICE

CAT = load_catalogue(ROOT)
LANGS = list(CAT.booklet.languages)
AUDIENCES = sorted(CAT.audiences)


class Page(HTMLParser):
    """What a page holds: its lang and dir, title, headings in order, links, and anything it loads."""

    def __init__(self, path: Path):
        super().__init__()
        self.lang = self.dir = self.title = ""
        self.headings: list[int] = []
        self.links: list[str] = []
        self.loads: list[str] = []  # src= and <link href>: what a browser would fetch
        self.csp = ""
        self.text: list[str] = []
        self._in_title = False
        self.feed(path.read_text("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang, self.dir = a.get("lang") or "", a.get("dir") or ""
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if a.get("src") or (tag == "link" and a.get("href")):
            self.loads.append(a.get("src") or a.get("href") or "")
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def site(shipped) -> Path:
    return shipped / "site"


def test_the_index_offers_every_language_named_in_itself(site):
    page = Page(site / "index.html")
    assert page.lang == "en" and page.title
    assert [f"{lang}/index.html" for lang in LANGS] == [h for h in page.links if h.endswith("/index.html")]
    for name in ("English", "français", "Nederlands", "العربية", "فارسی", "українська", "español", "Türkçe"):
        assert name.casefold() in page.words.casefold(), name
    assert language_name("fa") == "فارسی"
    html = (site / "index.html").read_text("utf-8")
    assert '<li lang="fa" dir="rtl">' in html and '<li lang="fr" dir="ltr">' in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_whole_light_and_loads_nothing_from_elsewhere(site, lang):
    pages = sorted((site / lang).glob("*.html"))
    assert {p.stem for p in pages} - {"workplace-discreet"} == {"index", *AUDIENCES}
    for path in pages:
        page = Page(path)
        assert page.lang == lang and page.dir == ("rtl" if lang in ("ar", "fa") else "ltr"), path
        assert page.title.strip(), path
        assert page.headings[0] == 1 and all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), path
        assert page.loads == [], path  # inline style and script only, no font files: system fonts
        assert path.stat().st_size <= 150_000, path
        # the one script is the one the Content-Security-Policy allows, by its hash
        script = Assets.of(LAYOUTS).script
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page.csp and "default-src 'none'" in page.csp
        assert f"<script>{script}</script>" in path.read_text("utf-8")
        assert page.links[0] == CAT.booklet.exit_url  # the exit comes first


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_service_is_on_its_page_with_working_links(site, audience):
    from .test_build import printed_services

    page = Page(site / f"en/{audience}.html")
    shown = printed_services(CAT, audience)
    for sid in shown:
        service = CAT.services[sid]
        assert service.name in page.words or service.names.get("en", "") in page.words, sid
        for line in service.phones:
            assert (line.number.tel in page.links) == (not line.hold), (sid, line.number.tel)
        for email in service.emails:
            assert f"mailto:{email}" in page.links
        for link in service.links:
            assert link.url in page.links
    for held in (s for s in CAT.services.values() if s.hold):
        assert held.name not in page.words
        assert all(line.number.tel not in page.links for line in held.phones)
    for number in ("tel:112", "tel:101"):
        assert number in page.links
    # the PDFs of the set, next to the page, with how to print each
    pdfs = [h for h in page.links if h.endswith(".pdf")]
    assert pdfs == [f"{audience}-booklet.pdf", f"{audience}-booklet-imposed.pdf", f"{audience}-leaflet.pdf",
                    f"{audience}-poster.pdf", f"{audience}-card.pdf"]
    for pdf in pdfs:
        assert (site / "en" / pdf).read_bytes() == (site.parent / "en" / pdf).read_bytes()
    assert "flipping on the short edge, at actual size (100%)" in page.words


def test_pages_are_in_the_readers_language(site):
    page = Page(site / "fr/asylum-centre.html")
    assert "Qui peut vous aider" in page.words and "Who can help" not in page.words
    assert "appel gratuit" in page.words
    from generator.view import Words

    from .test_build import printed_services

    hours = [h for sid in printed_services(CAT, "asylum-centre") for line in CAT.services[sid].phones if not line.hold
             for h in Words("fr", LAYOUTS).hours(line.hours)]
    assert hours and all(" ".join(h.split()) in page.words for h in hours)  # the weekdays and times in French, as the content has them


def test_discreet_page_has_a_neutral_title_and_the_same_contacts(site):
    path = site / Edition("workplace", "en", discreet=True).page
    assert "workplace" not in path.name and "discreet" not in path.name  # its address says nothing of its topic
    plain, discreet = Page(site / "en/workplace.html"), Page(path)
    assert discreet.title == "Your rights in Belgium" and plain.title != discreet.title
    assert "LGBT" not in discreet.title and "LGBT" not in path.read_text().split("<body>")[0]
    assert [h for h in discreet.links if h.startswith("tel:")] == [h for h in plain.links if h.startswith("tel:")]


def test_a_partial_build_links_only_pages_that_exist_and_the_exit_is_configurable(project):
    project.write("content/booklet.yaml", "languages: [en, fr]\nexit_url: https://www.meteo.be/\n")
    project.write("content/services/helpline.yaml", SERVICE + "hold: Not sure this number is theirs.\n")
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line")
                  .replace("0800 12 800", "0800 99 961"))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")
    assert run(["--root", str(project.root), "build", "--lang", "en", "--format", "booklet"]) == 0
    site = project.root / "output/site"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "en/index.html", "en/workers-booklet.pdf", "en/workers.html", "index.html"]
    page = Page(site / "en/workers.html")
    assert page.links[0] == "https://www.meteo.be/"
    assert "tel:+3280099961" in page.links and "tel:+3280012800" not in page.links  # the held line is left out
    assert "Helpline" not in page.words
    assert [h for h in Page(site / "index.html").links if h.endswith("index.html")] == ["en/index.html"]


def test_booklet_site_writes_the_same_pages_from_the_manifest_alone(project, capsys):
    """CI builds on shards, then writes the site once for the whole set (booklet site)."""
    project.write("content/booklet.yaml", "languages: [en, fr]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--format", "leaflet"]) == 0
    site = project.root / "output/site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert "fr/workers-leaflet.pdf" in before and "fr/index.html" in before
    shutil.rmtree(site)
    assert run(["--root", str(project.root), "site"]) == 0
    assert "Done: 5 web pages in" in capsys.readouterr().err
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert run(["--root", str(project.root), "site", "--out", str(project.root / "nothing")]) == 2
    assert "no manifest.json in" in capsys.readouterr().err


def test_site_url_and_exit_url_must_be_https(project, capsys):
    project.write("content/booklet.yaml", "site_url: http://help.example.org/\nexit_url: ftp://weather.example.org/\n")
    assert run(["--root", str(project.root), "check"]) == 1
    out = capsys.readouterr().out
    assert ("content/booklet.yaml:1:11: error: site_url: 'http://help.example.org/' is not an https address; "
            "expected it to start with https://") in out
    assert "content/booklet.yaml:2:11: error: exit_url: 'ftp://weather.example.org/' is not an https address" in out

"""The web pages (output/site/), read as HTML: the shared build's site, and small projects."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.base.edition import Edition
from generator.cli import run
from generator.content.validate import load_catalogue
from generator.outputs.site import Assets, language_name

from .conftest import LAYOUTS, ROOT, SERVICE
from .conftest import SITE as SITE_URL

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
        self.alternates: dict[str, str] = {}  # <link rel="alternate" hreflang>: the same page in each language
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
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a.get("hreflang") or ""] = a.get("href") or ""
        elif a.get("src") or (tag == "link" and a.get("href") and a.get("href") != "data:,"):  # no icon to fetch
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
    for name in ("English", "français", "Nederlands", "العربية", "فارسی", "українська", "español", "Türkçe",
                 "پښتو", "ትግርኛ", "Soomaali", "русский", "shqip", "Deutsch"):
        assert name.casefold() in page.words.casefold(), name
    assert language_name("fa") == "فارسی"
    html = (site / "index.html").read_text("utf-8")
    assert '<li lang="fa" dir="rtl">' in html and '<li lang="fr" dir="ltr">' in html


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_whole_light_and_loads_nothing_from_elsewhere(site, lang):
    pages = sorted((site / lang).glob("*.html"))
    discreet = {Path(Edition(a, lang, discreet=True).page).name for a in AUDIENCES}  # with the cards and the discreet set
    assert {p.name for p in pages} - discreet == {"index.html", "privacy.html", *(Path(Edition(a, lang).page).name for a in AUDIENCES)}
    for path in pages:
        page = Page(path)
        assert page.lang == lang and page.dir == ("rtl" if lang in ("ar", "fa", "ps") else "ltr"), path
        assert page.title.strip(), path
        assert page.headings[0] == 1 and all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), path
        assert page.loads == [], path  # inline style and script only, no font files: system fonts
        assert path.stat().st_size <= 150_000, path
        # the one script is the one the Content-Security-Policy allows, by its hash
        script = Assets.of(LAYOUTS).script
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page.csp and "default-src 'none'" in page.csp
        assert f"<script>{script}</script>" in path.read_text("utf-8")
        assert page.links[:2] == [CAT.booklet.exit_url, f"../{lang}/privacy.html"]  # the exit comes first, then how to hide a visit
        assert page.links[2] == "#main" and 'id="main"' in path.read_text("utf-8")  # the skip link


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_service_is_on_its_page_with_working_links(site, audience):
    from .test_build import printed_services

    page = Page(site / Edition(audience, "en").page)
    shown = printed_services(CAT, audience)
    for sid in shown:
        service = CAT.services[sid]
        assert service.name in page.words or service.names.get("en", "") in page.words, sid
        for line in service.phones:
            assert (line.number.tel in page.links) == (not line.hold and line.call), (sid, line.number.tel)
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
    formats = ["booklet", "booklet-imposed", "leaflet", "poster", "card"]
    code = Edition(audience, "en").code
    assert pdfs == [f"{code}-{f}.pdf" for f in formats]  # named by the page's code, not the topic
    for pdf, fmt in zip(pdfs, formats, strict=True):
        assert (site / "en" / pdf).read_bytes() == (site.parent / Edition(audience, "en", fmt).relpath).read_bytes()
    assert "flipping on the short edge, at actual size (100%)" in page.words


def test_pages_are_in_the_readers_language(site):
    page = Page(site / Edition("asylum-centre", "fr").page)
    assert "Qui peut vous aider" in page.words and "Who can help" not in page.words
    assert "appel gratuit" in page.words
    from generator.render.words import Words

    from .test_build import printed_services

    hours = [h for sid in printed_services(CAT, "asylum-centre") for line in CAT.services[sid].phones if not line.hold
             for h in Words("fr", LAYOUTS).hours(line.hours)]
    assert hours and all(" ".join(h.split()) in page.words for h in hours)  # the weekdays and times in French, as the content has them


def test_discreet_page_has_a_neutral_title_and_the_same_contacts(site):
    path = site / Edition("workplace", "en", discreet=True).page
    assert "workplace" not in path.as_posix() and "discreet" not in path.as_posix()  # its address says nothing of its topic
    plain, discreet = Page(site / Edition("workplace", "en").page), Page(path)
    assert discreet.title == "Your rights in Belgium" and plain.title != discreet.title
    assert "LGBT" not in discreet.title and "LGBT" not in path.read_text().split("<body>")[0]
    assert [h for h in discreet.links if h.startswith("tel:")] == [h for h in plain.links if h.startswith("tel:")]


def test_a_partial_build_links_only_pages_that_exist_and_the_exit_is_configurable(project):
    project.write("content/booklet.yaml", "languages: [en, fr]\nexit_url: https://www.meteo.be/\n")
    project.write("content/services/helpline.yaml", SERVICE + "hold: Not sure this number is theirs.\n")
    project.write("content/services/other.yaml", SERVICE.replace("name: Helpline", "name: Other line")
                  .replace("0800 12 800", "0800 99 961"))
    project.write("content/situations/work.yaml", "title: T\nservices: [helpline, other]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "en", "--format", "booklet"]) == 0
    site = project.root / "output/site"
    code = Edition("workers", "en").code
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "404.html", f"en/{code}-booklet.pdf", f"en/{code}.html", "en/index.html", "en/privacy.html", "index.html", "sw.js"]
    page = Page(site / Edition("workers", "en").page)
    assert page.links[0] == "https://www.meteo.be/"
    assert page.alternates == {"en": f"../en/{code}.html"}  # French was not built: no alternate leads nowhere
    assert "tel:+3280099961" in page.links and "tel:+3280012800" not in page.links  # the held line is left out
    assert "Helpline" not in page.words
    assert [h for h in Page(site / "index.html").links if h.endswith("index.html")] == ["en/index.html"]


def test_booklet_site_writes_the_same_pages_from_the_manifest_alone(project, capsys):
    """CI builds on shards, then writes the site once for the whole set (booklet site)."""
    project.write("content/booklet.yaml", "languages: [en, fr]\n")
    assert run(["--root", str(project.root), "build", "-j", "1", "--format", "booklet", "--format", "leaflet"]) == 0
    site = project.root / "output/site"
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert f"fr/{Edition('workers', 'fr', 'leaflet').code}-leaflet.pdf" in before and "fr/index.html" in before
    shutil.rmtree(site)
    assert run(["--root", str(project.root), "site"]) == 0
    assert "Done: 9 web pages in" in capsys.readouterr().err  # 2 pages, 2 indexes, 2 on hiding a visit, the index, 404, sw.js
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


TOPIC = ("discreet", "sexual", "violence", "asylum", "lgbt", "centre", "workplace", "complete", "rights")


def test_no_address_under_site_names_a_topic_and_the_manifest_says_which_is_which(site):
    """Browser history, a download's name and a scanned card show an address: none names a topic
    (nor an audience); output/manifest.json, which is not published, says which code is which."""
    paths = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert paths and [p for p in paths if any(word in p.casefold() for word in TOPIC)] == []
    documents = json.loads((site.parent / "manifest.json").read_text("utf-8"))["documents"]
    for entry in documents:
        edition = Edition(entry["audience"], entry["lang"], entry["format"], entry["region"], entry["discreet"], entry["centre"])
        assert (entry["site_page"], entry["site_pdf"]) == (edition.page, edition.site_pdf)
        if (site / entry["site_pdf"]).exists():  # a page links the PDFs of its set
            assert (site / entry["site_pdf"]).read_bytes() == (site.parent / entry["path"]).read_bytes()
    assert {e["site_page"] for e in documents if e["audience"] == "workplace" and e["lang"] == "en"} == {
        Edition("workplace", "en").page, Edition("workplace", "en", discreet=True).page}


def test_every_link_between_pages_resolves_and_there_is_a_404_page(site):
    for path in site.rglob("*.html"):
        if path.name == "404.html":
            continue
        html = path.read_text("utf-8")
        page = Page(path)
        for href in page.links + list(page.alternates.values()):
            if href.startswith(("https:", "tel:", "mailto:")):
                continue
            target, _, anchor = href.partition("#")
            file = (path.parent / target).resolve() if target else path
            assert file.is_file(), (path.relative_to(site), href)
            if anchor:
                assert f'id="{anchor}"' in file.read_text("utf-8"), (path.relative_to(site), href)
        assert 'href="' in html
    lost = Page(site / "404.html")
    assert lost.title == "Page not found"
    # served at any depth: its links start from the site's address (the shared build's site_url)
    assert [h for h in lost.links if h.endswith("/index.html")] == [f"{SITE_URL}/{lang}/index.html" for lang in LANGS]


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_every_page_names_itself_in_every_language_and_offers_the_switch(site, lang):
    for audience in AUDIENCES:
        path = site / Edition(audience, lang).page
        page = Page(path)
        expected = {other: "../" + Edition(audience, other).page for other in LANGS}
        assert page.alternates == expected
        assert [h for h in page.links if h in expected.values()] == list(expected.values())  # the switch keeps the audience
        assert 'aria-current="page"' in path.read_text("utf-8")


def test_the_language_index_tells_its_pages_apart_and_hiding_a_visit_is_in_each_language(site):
    for lang in LANGS:
        html = (site / lang / "index.html").read_text("utf-8")
        texts = re.findall(r'<li><a href="[0-9a-f]{6}\.html">([^<]+)</a>', html)
        assert len(texts) == len(AUDIENCES) and len(set(texts)) == len(texts), (lang, texts)
        privacy = Page(site / lang / "privacy.html")
        assert privacy.lang == lang and privacy.links[0] == CAT.booklet.exit_url
    html = (site / "en/index.html").read_text("utf-8")
    assert f'<a href="{Path(Edition("asylum-centre", "en").page).name}">Where to get help if you live in a reception centre</a>' in html
    assert Page(site / "fa/privacy.html").title == "پنهان کردن بازدید"
    assert "Incognito" not in Page(site / "fr/privacy.html").words and "navigation privée" in Page(site / "fr/privacy.html").words


def test_a_line_for_messages_only_opens_its_apps_never_a_phone_call(site):
    line = next(p for p in CAT.services["vluchtelingenwerk"].phones if not p.call)
    assert line.apps == ("telegram", "whatsapp")  # as the content says (sourced)
    digits = line.number.tel.removeprefix("tel:+")
    page = Page(site / Edition("asylum-centre", "en").page)
    assert f"https://wa.me/{digits}" in page.links and f"https://t.me/+{digits}" in page.links
    assert line.number.tel not in page.links


def test_call_first_box_leads_with_the_audiences_choice_and_names_are_kept_whole(site):
    from generator.content.values import DAYS
    from generator.render.selection import lead_ids

    from .test_build import printed_services

    for audience in AUDIENCES:
        html = (site / Edition(audience, "en").page).read_text("utf-8")
        box = html.split('<section class="call-first"', 1)[1].split("</section>", 1)[0]
        shown = {i: CAT.services[i] for i in printed_services(CAT, audience)}
        leads = lead_ids(CAT.audiences[audience], shown)  # the editor's choice, a line that answers day and night first
        first = next((i for i in leads if any(p.call and not p.hold and p.hours and all(h.days == DAYS and (h.start, h.end) == (0, 1440)
                                                                                         for h in p.hours)
                                              for p in shown[i].phones)), leads[0])
        tel = next(p.number.tel for p in CAT.services[first].phones if p.call and not p.hold)
        assert f'href="#svc-{first}"' in box.split("<p>")[1] and f'href="{tel}"' in box.split("<p>")[1], audience
        assert html.index('class="call-first"') < html.index('class="jump"') < html.index('class="situation"')
        # numbers and names are not for a browser's translation
        assert re.search(rf'<a class="num" href="{re.escape(tel)}" translate="no">', html)
        assert '<bdi translate="no">' in html


def test_addresses_of_an_earlier_version_that_name_the_topic_are_removed(project):
    site = project.root / "output/site"
    for old in ("en/workers.html", "en/workers-booklet.pdf", "en/discreet/your-rights-ed57.html", "centres/x/en/workers.html"):
        (site / old).parent.mkdir(parents=True, exist_ok=True)
        (site / old).write_text("old")
    assert run(["--root", str(project.root), "build", "-j", "1", "--lang", "en", "--format", "booklet"]) == 0
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    assert [p for p in left if "workers" in p or "discreet" in p or "centres" in p] == []
    assert f"{Edition('workers', 'en').page}" in left

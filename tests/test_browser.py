"""The web pages in a real browser: headless Chromium (Debian's chromium and chromium-driver, which
the Makefile installs) at a phone's size, 360x740. Every page of two languages, English and
Farsi: nothing scrolls sideways, the right-to-left page is mirrored, the quick exit works (the
Escape key, Shift three times and the button, leaving no way back with the back button) and
stays on screen, the first number to call is on the first screen, dark mode is dark, printed
pages have no exit bar, a page visited once opens offline, "open now" follows Belgian time,
and axe-core (vendored in tests/vendor/axe-core, 4.10.3) finds no violation of WCAG 2.0, 2.1
or 2.2 A or AA nor of its best practices, in light and dark."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from generator.base.edition import Edition

from .test_site import AUDIENCES

AXE = (Path(__file__).parent / "vendor/axe-core/axe.min.js").read_text("utf-8")
WIDTH, HEIGHT = 360, 740
LANGS = ("en", "fa")


@pytest.fixture(scope="module")
def browser():
    driver_path = shutil.which("chromedriver")
    assert driver_path, "chromedriver is missing: `make test-deps` installs Debian's chromium-driver"
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": WIDTH, "height": HEIGHT, "pixelRatio": 2, "touch": True}})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def pages(site: Path) -> list[Path]:
    return [site / "index.html"] + [p for lang in LANGS for p in sorted((site / lang).rglob("*.html"))]  # discreet/ too


def axe_violations(driver) -> list[str]:
    driver.execute_script(AXE)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.html).join(' | '))))"
        ".catch(e => done(['axe failed: ' + e]));")
    return list(found)


def test_every_page_fits_a_phone_and_passes_axe(shipped, browser):
    problems = []
    for path in pages(shipped / "site"):
        browser.get(path.as_uri())
        width = browser.execute_script("return document.documentElement.scrollWidth")
        viewport = browser.execute_script("return window.innerWidth")
        if viewport != WIDTH or width > viewport:
            problems.append(f"{path.name}: {width} px wide in a {viewport} px window")
        problems += [f"{path.parent.name}/{path.name}: {v}" for v in axe_violations(browser)]
    assert problems == []


def test_the_right_to_left_page_is_mirrored(shipped, browser):
    browser.get((shipped / "site" / Edition("asylum-centre", "fa").page).as_uri())
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    title = browser.find_element(By.TAG_NAME, "h1").rect
    exit_button = browser.find_element(By.ID, "exit").rect
    assert title["x"] + title["width"] > WIDTH - 40  # set from the right edge
    assert exit_button["x"] + exit_button["width"] > WIDTH - 40  # the exit stands at the right, where the eye starts
    number = browser.find_element(By.CSS_SELECTOR, ".emergency .num")
    assert number.text == "112"
    browser.get((shipped / "site" / Edition("asylum-centre", "en").page).as_uri())
    assert browser.find_element(By.ID, "exit").rect["x"] < 40


@pytest.mark.parametrize("how", ["escape", "shift", "button"])
def test_the_exit_replaces_the_page_so_back_does_not_return(shipped, browser, how):
    browser.get("data:text/html,<title>before</title><p>before")
    page = (shipped / "site" / Edition("sexual-violence", "en").page).as_uri()
    browser.get(page)
    exit_url = browser.find_element(By.ID, "exit").get_attribute("href")
    length = browser.execute_script("return history.length")
    if how == "escape":
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    elif how == "shift":
        actions = ActionChains(browser)
        for _ in range(3):
            actions.key_down(Keys.SHIFT).key_up(Keys.SHIFT)
        actions.perform()
    else:
        browser.find_element(By.ID, "exit").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url != page)
    assert browser.current_url == exit_url  # a neutral site (no network here: its address is enough)
    assert browser.execute_script("return history.length") == length  # replaced, not added
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: d.current_url != exit_url)
    assert browser.current_url.startswith("data:")  # back goes to what came before, not to the page


def test_the_call_sheet_passes_axe(browser, tmp_path):
    """The call sheet's HTML (booklet review-sheet), for the person who phones the organisations."""
    from generator.content.validate import load_catalogue
    from generator.tools import review

    from .conftest import LAYOUTS, ROOT

    path = tmp_path / "call-sheet.html"
    path.write_text(review.sheet_html(review.entries(load_catalogue(ROOT), {}, LAYOUTS), {}, LAYOUTS), "utf-8")
    browser.get(path.as_uri())
    assert axe_violations(browser) == []


def media(browser, **features: str) -> None:
    """Emulate a media type ('print') or features (prefers-color-scheme: dark); none: as it was."""
    kind = features.pop("media", "")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": kind, "features": [{"name": k.replace("_", "-"), "value": v} for k, v in features.items()]})


def on_screen(browser, selector: str) -> bool:
    return browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight", selector)


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_the_exit_never_leaves_the_screen_and_help_is_on_the_first(shipped, browser, lang):
    for audience in AUDIENCES:
        browser.get((shipped / "site" / Edition(audience, lang).page).as_uri())
        bar = browser.find_element(By.CSS_SELECTOR, ".exit-bar").rect
        assert abs(bar["y"] + bar["height"] - HEIGHT) < 1 and bar["height"] < 80, (lang, audience, bar)  # at the bottom, within the thumb's reach
        # the number of the first service to call: above the exit bar on the first screen
        first = browser.find_element(By.CSS_SELECTOR, ".call-first a.num").rect
        assert first["y"] + first["height"] <= bar["y"], (lang, audience, first)
        for where in ("document.body.scrollHeight / 2", "document.body.scrollHeight"):
            browser.execute_script(f"window.scrollTo(0, {where})")
            assert browser.execute_script("return window.scrollY") > 0
            assert on_screen(browser, "#exit"), (lang, audience, where)
        # the keys are not named on a touch screen
        assert not browser.find_element(By.CSS_SELECTOR, ".keys").is_displayed()


def test_copied_text_keeps_words_apart(shipped, browser):
    browser.get((shipped / "site" / Edition("sexual-violence", "en").page).as_uri())
    text = browser.find_element(By.CSS_SELECTOR, ".call-first").text
    assert "0800 30 030 (free call)" in text
    assert "112 (free call) Ambulance and fire brigade" in browser.find_element(By.CSS_SELECTOR, ".emergency").text


def test_dark_mode_is_dark_and_as_clear_and_print_drops_the_exit(shipped, browser):
    path = shipped / "site" / Edition("complete", "fa").page
    browser.get(path.as_uri())
    light = browser.execute_script("return getComputedStyle(document.documentElement).backgroundColor")
    media(browser, prefers_color_scheme="dark")
    try:
        dark = browser.execute_script("return getComputedStyle(document.documentElement).backgroundColor")
        assert (light, dark) == ("rgb(255, 255, 255)", "rgb(18, 20, 22)")
        assert axe_violations(browser) == []  # the contrast ratios hold in the dark too
        browser.get((shipped / "site" / Edition("asylum-centre", "en").page).as_uri())
        assert axe_violations(browser) == []
        media(browser, media="print")
        assert browser.execute_script("return getComputedStyle(document.querySelector('.exit-bar')).display") == "none"
        assert browser.execute_script("return getComputedStyle(document.querySelector('.situation')).breakBefore") == "page"
        assert browser.execute_script("return getComputedStyle(document.querySelector('.service')).breakInside") == "avoid"
    finally:
        media(browser)


@pytest.fixture
def served(shipped):
    """The site over http on 127.0.0.1 (a service worker needs http, not file:), stopped by the test or after it."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(shipped / "site"))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_page_visited_once_opens_offline(served, browser):
    page = f"http://127.0.0.1:{served.server_address[1]}/{Edition('sexual-violence', 'fa').page}"
    browser.get(page)
    cached = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.ready.then(function check(n) {"
        "  caches.match(location.href).then(r => r ? done(true) : setTimeout(() => check(n + 1), 100)); });")
    assert cached
    title = browser.title
    served.shutdown()
    served.server_close()
    browser.get(page)  # no server: the service worker answers
    assert browser.title == title and "112" in browser.find_element(By.CSS_SELECTOR, ".emergency").text
    with pytest.raises(OSError):
        urllib.request.urlopen(page, timeout=2)  # the page did not come from the network
    browser.execute_async_script(  # leave no worker behind for other tests
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister())))"
        ".then(() => caches.keys()).then(ks => Promise.all(ks.map(k => caches.delete(k)))).then(() => done(true));")


FIXED_CLOCK = ("(() => { const fixed = %d; const RealDate = Date;"
               " Date = class extends RealDate { constructor(...a) { super(...(a.length ? a : [fixed])); }"
               " static now() { return fixed; } }; })();")


@pytest.mark.parametrize(("utc", "expected"), [
    ((2026, 12, 7, 9, 0), "open now · closes at 12:30"),  # Monday 10:00 in Brussels (UTC+1)
    ((2026, 7, 6, 7, 45), "open now · closes at 12:30"),  # Monday 09:45 in Brussels in summer (UTC+2): 07:45 in UTC
    ((2026, 7, 6, 7, 15), "closed now · opens Monday 09:30"),  # Monday 09:15 in Brussels
    ((2026, 12, 11, 11, 30), "closed now · opens Monday 09:30"),  # Friday 12:30 in Brussels: just closed
    ((2026, 12, 12, 10, 0), "closed now · opens Monday 09:30"),  # Saturday
])
def test_open_now_follows_belgian_time_with_a_fixed_clock(shipped, browser, utc, expected):
    from datetime import UTC, datetime

    millis = int(datetime(*utc, tzinfo=UTC).timestamp() * 1000)
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FIXED_CLOCK % millis})
    try:
        browser.get((shipped / "site" / Edition("asylum-centre", "en").page).as_uri())
        line = browser.find_element(By.CSS_SELECTOR, "#svc-vluchtelingenwerk .now")  # 02 225 44 11: Monday to Friday, 09:30-12:30
        assert line.text == expected
        assert browser.find_elements(By.CSS_SELECTOR, ".emergency .now") == []  # 24/7: its hours say it
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def luminance(rgb: str) -> float:
    """The relative luminance (WCAG) of a computed 'rgb(r, g, b)' colour."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_focus_is_seen_the_exit_comes_first_then_the_skip_link(shipped, browser):
    """GOV.UK's focus: yellow behind, a black bar under; against what was there before, at least 3:1 (WCAG 1.4.11, 2.4.13)."""
    browser.get((shipped / "site" / Edition("workplace", "en").page).as_uri())
    style = "const s = getComputedStyle(document.activeElement); return [s.backgroundColor, s.boxShadow, document.activeElement.id || document.activeElement.className]"
    before = browser.execute_script("return getComputedStyle(document.getElementById('exit')).backgroundColor")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    background, _shadow, which = browser.execute_script(style)
    assert which == "exit" and contrast(background, before) >= 3
    ActionChains(browser).send_keys(Keys.TAB).send_keys(Keys.TAB).perform()  # "Hide your visit", then the skip link
    _background, shadow, which = browser.execute_script(style)
    assert which == "skip" and browser.switch_to.active_element.is_displayed()
    page = browser.execute_script("return getComputedStyle(document.querySelector('.exit-bar')).backgroundColor")
    bar = re.findall(r"rgb\([^)]*\)", shadow)[-1]  # the black bar under the link
    assert contrast(bar, page) >= 3

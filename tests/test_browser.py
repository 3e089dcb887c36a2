"""The web pages in a real browser: headless Chromium (Debian's chromium and chromium-driver, which
the Makefile installs) at a phone's width, 360 px. Every page of two languages, English and
Farsi: nothing scrolls sideways, the right-to-left page is mirrored, the quick exit works (the
Escape key and the button, leaving no way back with the back button), and axe-core (vendored in
tests/vendor/axe-core, 4.10.3) finds no violation of WCAG 2.1 A or AA."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

AXE = (Path(__file__).parent / "vendor/axe-core/axe.min.js").read_text("utf-8")
WIDTH = 360
LANGS = ("en", "fa")


@pytest.fixture(scope="module")
def browser():
    driver_path = shutil.which("chromedriver")
    assert driver_path, "chromedriver is missing: `make test-deps` installs Debian's chromium-driver"
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": WIDTH, "height": 740, "pixelRatio": 2}})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def pages(site: Path) -> list[Path]:
    return [site / "index.html"] + [p for lang in LANGS for p in sorted((site / lang).rglob("*.html"))]  # discreet/ too


def axe_violations(driver) -> list[str]:
    driver.execute_script(AXE)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
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
    browser.get((shipped / "site/fa/asylum-centre.html").as_uri())
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    title = browser.find_element(By.TAG_NAME, "h1").rect
    exit_button = browser.find_element(By.ID, "exit").rect
    assert title["x"] + title["width"] > WIDTH - 40  # set from the right edge
    assert exit_button["x"] + exit_button["width"] > WIDTH - 40  # the exit stands at the right, where the eye starts
    number = browser.find_element(By.CSS_SELECTOR, ".emergency .num")
    assert number.text == "112"
    browser.get((shipped / "site/en/asylum-centre.html").as_uri())
    assert browser.find_element(By.ID, "exit").rect["x"] < 40


@pytest.mark.parametrize("how", ["escape", "button"])
def test_the_exit_replaces_the_page_so_back_does_not_return(shipped, browser, how):
    browser.get("data:text/html,<title>before</title><p>before")
    page = (shipped / "site/en/sexual-violence.html").as_uri()
    browser.get(page)
    exit_url = browser.find_element(By.ID, "exit").get_attribute("href")
    length = browser.execute_script("return history.length")
    if how == "escape":
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
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
    from generator import review
    from generator.validate import load_catalogue

    from .conftest import LAYOUTS, ROOT

    path = tmp_path / "call-sheet.html"
    path.write_text(review.sheet_html(review.entries(load_catalogue(ROOT), {}, LAYOUTS), {}, LAYOUTS), "utf-8")
    browser.get(path.as_uri())
    assert axe_violations(browser) == []

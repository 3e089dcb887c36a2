"""booklet serve: the pages, the rebuild after a change, the error in the page, and nothing served
from outside the output folder."""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from generator.request import BuildRequest
from generator.serve import RELOADER, RELOADER_HASH, serve
from generator.view import Edition

from .conftest import AUDIENCE, SERVICE, SITUATION, Project

WORKERS = Edition("workers", "en").page


def start(project: Project):
    """A running server for a sample project (English booklet and leaflet), on a free port."""
    lines: list[str] = []
    stop = threading.Event()
    out = project.root / "output"
    request = BuildRequest(formats=("booklet", "leaflet"))
    thread = threading.Thread(target=serve, args=(project.root, out, request, "127.0.0.1", 0, lines.append, stop), daemon=True)
    thread.start()
    deadline = time.time() + 60
    while time.time() < deadline and not any(line.startswith("Serving") for line in lines):
        time.sleep(0.05)
    address = next(line for line in lines if line.startswith("Serving")).split(" on ")[1].split(" ")[0]
    port = int(address.rstrip("/").rsplit(":", 1)[1])
    return (project, out, port, lines), stop, thread


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only read."""
    project = Project(tmp_path_factory.mktemp("served"))
    project.write("content/services/helpline.yaml", SERVICE)
    project.write("content/situations/work.yaml", SITUATION)
    project.write("content/audiences/workers.yaml", AUDIENCE)
    running, stop, thread = start(project)
    (running[1] / "outside").symlink_to("/etc")  # a symbolic link that leads out
    yield running
    stop.set()
    thread.join(timeout=10)


@pytest.fixture
def server(project):
    running, stop, thread = start(project)
    yield running
    stop.set()
    thread.join(timeout=10)


def get(port: int, path: str) -> tuple[int, str]:
    """A raw request: the path goes on the wire as written (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def wait_for_new_state(port: int, before: str, timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = get(port, "/__booklet/state")[1]
        if state != before:
            return state
        time.sleep(0.05)
    raise AssertionError("the server did not rebuild")


def test_serves_the_pages_with_the_reloader_allowed_by_its_hash(shared):
    _project, _out, port, _lines = shared
    assert get(port, "/")[0] == 302
    status, page = get(port, f"/site/{WORKERS}")
    assert status == 200 and "tel:+3280012800" in page
    assert page.count("<script>") == 2 and f"<script>{RELOADER}</script></body>" in page
    assert f"'sha256-{RELOADER_HASH}'" in page.split("script-src", 1)[1].split(";")[0]
    assert get(port, "/en/workers-booklet.pdf")[0] == 200
    assert get(port, "/site/en/")[0] == 200  # a folder serves its index


@pytest.mark.parametrize("path", ["/../conftest.py", "/%2e%2e/content/services/helpline.yaml", "/site/%2E%2E/%2e%2e/content",
                                  "/site/..%2f..%2fcontent/situations/work.yaml", "//etc/passwd", "/%2fetc%2fpasswd",
                                  "/en/..\\..\\content", "/outside/hostname", f"/site/{WORKERS}%00.pdf"])
def test_nothing_outside_the_output_folder_is_served(shared, path):
    _project, _out, port, _lines = shared
    status, body = get(port, path)
    assert status == 404, (path, body[:200])
    assert "Helpline" not in body and "root:" not in body


def page_when(port: int, ready, timeout: float = 30) -> str:
    """The page once it shows what ``ready`` looks for (the server rebuilds in the background)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        page = get(port, f"/site/{WORKERS}")[1]
        if ready(page):
            return page
        time.sleep(0.05)
    raise AssertionError("the page did not change")


def test_a_change_is_rebuilt_and_an_error_is_shown_in_the_page_until_fixed(server):
    project, _out, port, _lines = server
    state = get(port, "/__booklet/state")[1]
    project.write("content/services/helpline.yaml", SERVICE.replace("0800 12 800", "0800 99 961"))
    wait_for_new_state(port, state)  # what the open page's reloader waits for
    page = get(port, f"/site/{WORKERS}")[1]
    assert "tel:+3280099961" in page and 'role="alert"' not in page
    project.write("content/services/helpline.yaml", SERVICE.replace("0800 12 800", "0800 12 8OO"))
    page = page_when(port, lambda p: 'role="alert"' in p)
    assert "content/services/helpline.yaml:6:13: error: phones[0].number: &#x27;0800 12 8OO&#x27; is not a Belgian phone number" in page
    assert "tel:+3280099961" in page  # the last good build is still served
    project.write("content/services/helpline.yaml", SERVICE)
    page = page_when(port, lambda p: 'role="alert"' not in p)
    assert "tel:+3280012800" in page


def test_it_listens_on_this_computer_only_by_default():
    from click.testing import CliRunner

    from generator.cli import main

    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "[default: 127.0.0.1]" in help_text

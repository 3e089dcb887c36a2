"""booklet serve: the pages, the rebuild after a change, the error in the page, and nothing served
from outside the output folder."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.base.edition import Edition
from generator.base.request import BuildRequest
from generator.serve import RELOADER, RELOADER_HASH, allowed_hosts, host_of, serve

from .conftest import AUDIENCE, PROJECT_TODAY, SERVICE, SITUATION, Project

WORKERS = Edition("workers", "en").page


def first_build_ended(lines: list[str]) -> bool:
    """The server's first build has ended: PDFs built, nothing to build, or an error said."""
    return any(line.startswith("built ") or line == "nothing changed" or "error" in line for line in lines)


def start(project: Project, built: bool = True):
    """A running server for a sample project (English booklet and leaflet), on a free port; with
    ``built``, once its first build has ended (the server listens before it builds)."""
    lines: list[str] = []
    stop = threading.Event()
    out = project.root / "output"
    request = BuildRequest(formats=("booklet", "leaflet"))
    thread = threading.Thread(target=serve, args=(project.root, out, request, "127.0.0.1", 0, lines.append, stop), daemon=True)
    thread.start()
    deadline = time.time() + 60
    while time.time() < deadline and not (any(line.startswith("Serving") for line in lines) and (not built or first_build_ended(lines))):
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


def raw(port: int, request: bytes) -> tuple[int, str]:
    """A request written byte for byte (its Host header as an attacker's page would send it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example", "127.0.0.1.attacker.example:{port}",
                                  "localhost.:{port}", "10.0.0.1:{port}"])
def test_a_request_for_another_host_gets_421(shared, host):
    """DNS rebinding: a web page whose name resolves to 127.0.0.1 cannot read output/."""
    _project, _out, port, _lines = shared
    request = f"GET /site/en/workers.html HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n"
    status, body = raw(port, request.encode())
    assert status == 421
    assert body == "Misdirected request: this server answers only 127.0.0.1, ::1, localhost.\n"


@pytest.mark.parametrize("request_text", ["GET /site/en/workers.html HTTP/1.0\r\n\r\n",
                                          "GET /site/en/workers.html HTTP/1.1\r\nHost: a b\r\n\r\n",
                                          "GET /site/en/workers.html HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"])
def test_a_request_without_one_clear_host_gets_400(shared, request_text):
    _project, _out, port, _lines = shared
    status, body = raw(port, request_text.encode())
    assert status == 400 and body == "Bad request: one Host header naming this server is required.\n"


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "LOCALHOST"])
def test_the_served_names_are_answered(shared, host):
    _project, _out, port, _lines = shared
    request = f"GET /site/{WORKERS} HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n"
    status, body = raw(port, request.encode())
    assert status == 200 and "tel:+3280012800" in body


def test_hosts_of_a_wildcard_address_and_headers():
    assert {"127.0.0.1", "localhost", "::1", "0.0.0.0", socket.gethostname().lower()} <= allowed_hosts("0.0.0.0")
    assert allowed_hosts("192.168.1.5") == {"127.0.0.1", "localhost", "::1", "192.168.1.5"}
    assert host_of("[::1]:8765") == "::1" and host_of("[::1]x") is None and host_of("a:b") is None and host_of("") is None


def test_a_host_that_is_not_loopback_is_warned_about(project, monkeypatch):
    monkeypatch.setattr("generator.serve.rebuild", lambda *args: None)
    lines: list[str] = []
    stop = threading.Event()
    stop.set()
    monkeypatch.setattr("watchfiles.watch", lambda *a, **k: iter(()))
    serve(project.root, project.root / "output", BuildRequest(), "0.0.0.0", 0, lines.append, stop)
    out = project.root / "output"
    assert lines[0] == (f"warning: --host 0.0.0.0 is not a loopback address: anyone on this network can read {out}, "
                        "the call sheet included")
    assert lines[1].startswith(f"Serving {out} on http://0.0.0.0:")
    lines.clear()
    serve(project.root, project.root / "output", BuildRequest(), "127.0.0.1", 0, lines.append, stop)
    assert len(lines) == 1 and lines[0].startswith("Serving")


def test_half_sent_requests_hold_no_more_than_the_pool_and_close_quietly(project, monkeypatch, capfd):
    """200 connections that never finish their request: at most THREADS threads answer, the rest
    wait or are closed, each is dropped after CONNECTION_TIMEOUT, and no traceback is printed."""
    import generator.serve as served

    monkeypatch.setattr(served, "CONNECTION_TIMEOUT", 1.0)
    monkeypatch.setattr(served, "rebuild", lambda root, out, *args: project.write("output/site/en/workers.html", "<p>page</p>"))
    running, stop, thread = start(project, built=False)
    port = running[2]
    try:
        before = threading.active_count()
        silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
        for sock in silent:
            sock.sendall(b"GET /site/en/workers.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never ends
        gone = []
        for _ in range(180):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /site/en/workers.html HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            gone.append(sock)
        time.sleep(0.3)
        assert threading.active_count() - before <= served.THREADS
        for sock in gone:  # the client goes away, resetting the connection (a traceback each, before)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        for sock in silent:  # the server closes each silent one after CONNECTION_TIMEOUT (20 / THREADS rounds)
            assert sock.recv(100) == b""
            sock.close()
        assert get(port, "/site/en/workers.html")[0] == 200
        assert "Traceback" not in capfd.readouterr().err
    finally:
        stop.set()
        thread.join(timeout=10)


# `booklet serve` as a volunteer runs it: a process of its own, edited while it builds, stopped
# with Ctrl-C (SIGINT) or `kill` (SIGTERM).

BOOKLET = Path(sys.executable).parent / "booklet"


def processes() -> dict[int, tuple[int, int]]:
    """Every living process: pid -> (parent, process group); psutil when installed, else /proc.
    A zombie (ended, not yet waited for) is not living."""
    try:
        import psutil
    except ImportError:
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # ended meanwhile
                if fields[0] != "Z":
                    found[int(entry.name)] = (int(fields[1]), int(fields[2]))
        return found
    living = {}
    for proc in psutil.process_iter(["ppid", "status"]):
        try:
            if proc.info["status"] != psutil.STATUS_ZOMBIE:
                living[proc.pid] = (proc.info["ppid"], os.getpgid(proc.pid))
        except (psutil.Error, ProcessLookupError):
            continue
    return living


def descendants(pid: int) -> set[int]:
    found, table = set(), processes()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = {p for p, (ppid, _group) in table.items() if ppid == parent}
        found |= children
        todo.extend(children)
    return found


class Session:
    """`booklet serve` on a project, in a process group of its own (start_new_session: the
    server is its group's leader), with each line it prints on the terminal."""

    def __init__(self, project: Project):
        self.project = project
        self.proc = subprocess.Popen([str(BOOKLET), "--root", str(project.root), "serve", "--port", "0"], stderr=subprocess.PIPE,
                                     text=True, start_new_session=True, env={**os.environ, "BOOKLET_TODAY": PROJECT_TODAY})
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        serving = self.line(lambda line: line.startswith("Serving"))
        self.port = int(serving.split(" on ")[1].split(" ")[0].rstrip("/").rsplit(":", 1)[1])

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def line(self, wanted, after: int = 0, timeout: float = 60) -> str:
        """The first line from the ``after``-th on that ``wanted`` accepts, once printed."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.lines[after:]:
                if wanted(line):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError("the server did not print it; it printed:\n" + "\n".join(self.lines))

    def state(self) -> str:
        return get(self.port, "/__booklet/state")[1]

    def edit(self, old: str, new: str) -> float:
        """Change the service's number as an editor saves it; the time it was saved."""
        path = self.project.root / "content/services/helpline.yaml"
        path.write_text(path.read_text().replace(old, new))
        return time.perf_counter()

    def stop(self, signum: int) -> tuple[float, set[int]]:
        """Send the signal while PDFs are being rendered; how long the server took to end, and
        the processes it had started that were living then."""
        workers = descendants(self.proc.pid)
        assert workers, "no worker process was rendering: the test would prove nothing"
        sent = time.perf_counter()
        self.proc.send_signal(signum)
        try:
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
        return time.perf_counter() - sent, workers


def page_shows(session: Session, text: str, saved: float) -> float:
    """Seconds from ``saved`` until the served page shows ``text`` (polled as the page's reloader polls)."""
    deadline = saved + 30
    while time.perf_counter() < deadline:
        if text in get(session.port, f"/site/{WORKERS}")[1]:
            return time.perf_counter() - saved
        time.sleep(0.02)
    raise AssertionError(f"the page never showed {text!r}; the server printed:\n" + "\n".join(session.lines))


def assert_nothing_left(session: Session, workers: set[int]) -> None:
    time.sleep(0.2)  # a process ended by the server may take a moment to be gone from the table
    table = processes()
    assert not workers & set(table), f"still running: {sorted(workers & set(table))}"
    assert not [pid for pid, (ppid, group) in table.items() if ppid == session.proc.pid or group == session.proc.pid]


def test_two_quick_edits_during_the_pdfs_both_reach_the_page_and_kill_stops_everything(project):
    session = Session(project)
    session.line(lambda line: line.startswith("checking 5 PDFs"))  # the first build renders its PDFs
    saved = session.edit("0800 12 800", "0800 99 961")
    assert page_shows(session, "tel:+3280099961", saved) < 2
    rendering = len(session.lines)
    session.line(lambda line: line.startswith("checking 5 PDFs"), after=rendering - 1)
    time.sleep(0.5)  # a worker is rendering the booklet now
    saved = session.edit("0800 99 961", "0800 99 962")
    assert page_shows(session, "tel:+3280099962", saved) < 2
    assert "changed: content/services/helpline.yaml; the build under way stops, and starts again" in session.lines
    assert any(line.startswith("stopped after ") and line.endswith(" s: a file changed") for line in session.lines)
    session.line(lambda line: line.startswith("checking 5 PDFs"), after=rendering)
    saved = session.edit("0800 99 962", "0800 99 9O2")  # an error, typed while the PDFs are rendered
    assert page_shows(session, "error: phones[0].number: &#x27;0800 99 9O2&#x27; is not a Belgian phone number", saved) < 2
    assert ("content/services/helpline.yaml:6:13: error: phones[0].number: '0800 99 9O2' is not a Belgian phone number "
            "(it contains letters); expected digits such as '0800 12 800'") in session.lines
    saved = session.edit("0800 99 9O2", "0800 99 963")
    assert page_shows(session, "tel:+3280099963", saved) < 2
    session.line(lambda line: line.startswith("checking 5 PDFs"), after=len(session.lines) - 2)
    time.sleep(0.5)
    took, workers = session.stop(signal.SIGTERM)
    assert took < 2 and session.lines[-1] == "Stopped."
    assert_nothing_left(session, workers)


def test_ctrl_c_during_the_pdfs_stops_it_and_every_worker(project):
    session = Session(project)
    session.line(lambda line: line.startswith("checking 5 PDFs"))
    time.sleep(0.5)
    with socket.create_connection(("127.0.0.1", session.port), timeout=10) as kept:  # as a browser keeps one open
        kept.sendall(b"GET /__booklet/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert kept.recv(1000).startswith(b"HTTP/1.0 200")
        took, workers = session.stop(signal.SIGINT)
    assert took < 2 and session.lines[-1] == "Stopped."
    assert "Traceback" not in "\n".join(session.lines)
    assert_nothing_left(session, workers)

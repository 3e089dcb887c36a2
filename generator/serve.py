"""`booklet serve`: the web pages and PDFs on this computer while the content is edited.

The server serves the output folder on 127.0.0.1 (unless --host says otherwise), builds, and
watches the project's content/ and layouts/ (watchfiles). After each change it builds again (only
what changed: the build's fingerprints): the web pages first, then the PDFs, saying on the
terminal how far it is ("checking 12 PDFs", then "5/12 built en/...pdf"); the open page
reloads itself after each step. The builds run in a thread of their own (Builder), so a change
saved while PDFs are rendered stops that build at once (its worker processes are ended) and
starts the next, which writes the pages first: the page shows the change, or its error, within
about a second, whatever was being rendered. A content error does not stop the server: every
page shows the error with its file:line:column until it is fixed.

Ctrl-C and SIGTERM stop it within about a second: the build is dropped, every worker process
ended (generator/base/workers.py), and the connections still open (a browser keeps one) are closed.

Only files under the output folder are served: a path with '..' (typed, or encoded as %2e%2e),
an absolute path or a symbolic link that leads out of the folder gets 404. Only requests naming
the served address in their Host header are answered (127.0.0.1, localhost, [::1], the --host
given): a web page whose name an attacker points at 127.0.0.1 (DNS rebinding) gets 421. Each
connection has CONNECTION_TIMEOUT seconds to send its request, and at most MAX_CONNECTIONS are
served at once (the others are closed at once), so half-sent requests cannot pile up threads. Into each HTML page
the server adds one script, the reloader (and allows it by hash in the page's
Content-Security-Policy), and, while the content has an error, a banner that shows it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from generator.base.errors import BookletError, ContentError, existing_layouts
from generator.base.files import layouts_of
from generator.base.request import BuildRequest
from generator.base.workers import Workers

if TYPE_CHECKING:

    from generator.base.edition import Edition
    from generator.content.catalogue import Catalogue

STATE_PATH = "/__booklet/state"
RELOADER = (
    "(function () {"
    " var seen = null;"
    " function poll() {"
    "  fetch('" + STATE_PATH + "', {cache: 'no-store'}).then(function (r) { return r.text(); }).then(function (v) {"
    "   if (seen !== null && v !== seen) { location.reload(); } seen = v; setTimeout(poll, 300);"
    "  }).catch(function () { setTimeout(poll, 1000); });"
    " }"
    " poll();"
    "})();"
)
RELOADER_HASH = base64.b64encode(hashlib.sha256(RELOADER.encode()).digest()).decode()
CONNECTION_TIMEOUT = 10.0
"""Seconds a connection may stay silent (sending its request, or between requests) before it is closed."""
THREADS = 8
"""Connections answered at a time."""
MAX_CONNECTIONS = 32
"""Connections open at a time (answered or waiting for a thread); more are closed at once."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
POLL = 0.1
"""Seconds between the server's looks at whether it must stop."""
BUILD_STOP_WAIT = 1.0
"""Seconds the server waits, when stopping, for the build thread to end (it is then abandoned:
every file is written whole or not at all)."""


@dataclass
class State:
    """What the server tells the pages: a number that changes with every build, and the error of
    the last build (empty when it succeeded)."""

    version: int = 0
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finished(self, error: str) -> None:
        with self.lock:
            self.version += 1
            self.error = error

    def token(self) -> str:
        with self.lock:
            return f"{self.version}:{hashlib.sha256(self.error.encode()).hexdigest()[:8]}"


def inside(root: Path, url_path: str) -> Path | None:
    """The file a URL path names under ``root``, or None when it would lead outside it: '..'
    (also encoded), a backslash, a NUL, or a symbolic link whose target is elsewhere."""
    raw = urlsplit(url_path).path
    path = unquote(raw)
    if "\0" in path or "\\" in path or not raw.startswith("/") or raw.startswith("//"):
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    target = root.joinpath(*parts)
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        return None
    return resolved


def decorate(page: str, state: State) -> str:
    """An HTML page as served: the reloader (allowed by hash where the page has a policy) and,
    while the content has an error, a banner with it."""
    page = re.sub(r"(script-src [^;\"]*)", lambda m: f"{m.group(1)} 'sha256-{RELOADER_HASH}'", page, count=1)
    banner = ""
    if state.error:
        banner = ('<div role="alert" style="background:#a3140e;color:#fff;padding:1rem;font:1rem/1.4 monospace;'
                  f'white-space:pre-wrap">{html.escape(state.error)}</div>')
    body = re.search(r"<body[^>]*>", page)
    at = body.end() if body else 0
    page = page[:at] + banner + page[at:]
    return page.replace("</body>", f"<script>{RELOADER}</script></body>", 1) if "</body>" in page else page + \
        f"<script>{RELOADER}</script>"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> frozenset[str]:
    """The names a request's Host header may give: the loopback ones and the address served; for
    a wildcard address (0.0.0.0, ::), this computer's name and addresses too."""
    names = {*LOOPBACK_NAMES, host.lower().strip("[]")}
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - only compared
        name = socket.gethostname()
        names.update({name.lower(), socket.getfqdn(name).lower()})
        try:
            names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
        except OSError:
            pass
    return frozenset(names)


def host_of(header: str) -> str | None:
    """The name in a Host header, without its port ('[::1]:8765' -> '::1'); None when malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        rest = header[end + 1:]
        if end < 0 or (rest and not re.fullmatch(r":\d{1,5}", rest)):
            return None
        return header[1:end]
    name, _, port = header.partition(":")
    if not name or (port and not port.isdigit()) or not re.fullmatch(r"[a-z0-9.-]+", name):
        return None
    return name


class Server(ThreadingHTTPServer):
    """A threading server with a bounded pool: THREADS answer, MAX_CONNECTIONS are open at most,
    and a connection closed by its client is no error worth a traceback."""

    daemon_threads = True
    request_queue_size = 128  # connections waiting to be accepted (each is then answered or closed at once)

    def __init__(self, address: tuple[str, int], handler_class: type[SimpleHTTPRequestHandler]):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler_class)
        self.pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="serve")
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.open: set[socket.socket] = set()
        """Connections being answered (a browser keeps one open between requests): closed on stop."""
        self.open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # too many at once: closed, not queued
            return
        with self.open_lock:
            self.open.add(request)
        self.pool.submit(self._answer, request, client_address)

    def _answer(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.open_lock:
                self.open.discard(request)
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away or stayed silent: nothing to report
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        with self.open_lock:
            still = list(self.open)
        for sock in still:  # a thread waiting for a kept-alive connection's next request ends now, not in 10 s
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.pool.shutdown(wait=False, cancel_futures=True)


def handler(root: Path, state: State, hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        timeout = CONNECTION_TIMEOUT

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def _host_refused(self) -> bool:
            """421 for a Host this server is not (DNS rebinding), 400 for none or a malformed one."""
            given = self.headers.get_all("Host") or []
            name = host_of(given[0]) if len(given) == 1 else None
            if name is None:
                self._send(HTTPStatus.BAD_REQUEST, b"Bad request: one Host header naming this server is required.\n",
                           "text/plain; charset=utf-8")
                return True
            if name not in hosts:
                self._send(HTTPStatus.MISDIRECTED_REQUEST,
                           f"Misdirected request: this server answers only {', '.join(sorted(hosts))}.\n".encode(),
                           "text/plain; charset=utf-8")
                return True
            return False

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass  # quiet: the terminal shows the builds

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if self._host_refused():
                return None
            if self.path == STATE_PATH:
                return self._send(HTTPStatus.OK, state.token().encode(), "text/plain; charset=utf-8")
            if urlsplit(self.path).path in ("", "/"):
                self.send_response(HTTPStatus.FOUND)
                self.send_header("Location", "/site/index.html")
                self.end_headers()
                return None
            target = inside(root, self.path)
            if target is not None and target.is_dir():
                target = target / "index.html" if (target / "index.html").is_file() else None
            if target is None or not target.is_file():
                body = decorate("<!DOCTYPE html><html lang=\"en\"><head><title>Not found</title></head>"
                                "<body><p>Not found.</p></body></html>", state)
                return self._send(HTTPStatus.NOT_FOUND, body.encode(), "text/html; charset=utf-8")
            if target.suffix == ".html":
                page = decorate(target.read_text("utf-8"), state)
                return self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")
            kind = self.guess_type(str(target))
            return self._send(HTTPStatus.OK, target.read_bytes(), kind)

    return Handler


class Progress:
    """What a build says on the terminal: the pages written, then each PDF as it comes out of
    the set to check ("5/12"; PDFs found unchanged count too), and the end."""

    def __init__(self, say: Callable[[str], None]):
        self.say = say
        self.started = time.perf_counter()
        self.total = 0
        self.done = 0

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.1f} s"

    def pages(self, todo: list[Edition]) -> None:
        self.total = len(todo)
        self.say(f"web pages written in {time.perf_counter() - self.started:.2f} s")

    def start(self, todo: list[Edition]) -> None:
        self.say(f"checking {self.total} PDF{'s' if self.total != 1 else ''}; building those that changed…")

    def built(self, edition: Edition, built: Any) -> None:
        self.done += 1
        self.say(f"  {self.done}/{self.total} built {built.path} ({built.pages} page{'s' if built.pages != 1 else ''})")

    def unchanged(self, edition: Edition) -> None:
        self.done += 1


def rebuild(root: Path, out: Path, request: BuildRequest, state: State, say: Callable[[str], None],
            cancel: threading.Event | None = None, workers: Workers | None = None) -> str | None:
    """One build in two steps: the web pages first (a second or so: the open page reloads with
    the change), then the PDFs (the page reloads again, with their new sizes). A content or
    build error is kept for the pages instead of stopping the server. Once ``cancel`` is set
    the build stops, and says after how long (a file changed again: the next build starts at once)."""
    from generator.build.incremental import read_manifest
    from generator.build.make import build
    from generator.build.plan import Cancelled
    from generator.outputs.site import write_site

    progress = Progress(say)

    def pages_first(cat: Catalogue, todo: list[Edition]) -> None:
        write_site(cat, root, out, todo, read_manifest(out), layouts=layouts_of(root))
        state.finished("")
        progress.pages(todo)

    try:
        _cat, done = build(root, out, request, progress=progress.built, on_start=progress.start, on_checked=pages_first,
                           unchanged=progress.unchanged, cancel=cancel, workers=workers)
    except Cancelled:
        return f"stopped after {progress.elapsed()}"
    except ContentError as exc:  # the errors only: review notes and holds are for `booklet check`
        message = "\n".join([str(p) for p in exc.problems if p.severity == "error"] + [exc.message])
        say(message)
        state.finished(message)
        return None
    except BookletError as exc:
        message = exc.format_message()
        say(message)
        state.finished(message)
        return None
    except Exception as exc:  # a fault of this program: said, and the server goes on
        if cancel is not None and cancel.is_set():
            return f"stopped after {progress.elapsed()}"  # a build being stopped can fail in any way
        say(traceback.format_exc().rstrip())
        message = f"The build failed unexpectedly ({type(exc).__name__}: {exc}); the terminal shows the details."
        say(message)
        state.finished(message)
        return None
    if done:
        unchanged = progress.total - len(done)
        say(f"built {len(done)} PDF{'s' if len(done) != 1 else ''} in {progress.elapsed()}"
            + (f" ({unchanged} unchanged)" if unchanged > 0 else ""))
    else:
        say("nothing changed")
    state.finished("")
    return None


class Builder:
    """The builds of one server, one at a time, in a thread of their own: the watcher and the
    pages stay responsive while PDFs are rendered. ``changed()`` stops the build under way (its
    worker processes are ended) and starts the next; ``close()`` stops it for good."""

    def __init__(self, root: Path, out: Path, request: BuildRequest, state: State, say: Callable[[str], None]):
        self.root, self.out, self.request, self.state, self.say = root, out, request, state, say
        self.workers = Workers(request.jobs)
        self.cancel = threading.Event()
        self.wanted = threading.Event()
        self.building = False
        self.closing = False
        self.thread = threading.Thread(target=self._loop, name="booklet-build", daemon=True)

    def start(self) -> None:
        self.wanted.set()
        self.thread.start()

    def changed(self) -> None:
        """Build again, stopping the build under way."""
        self.cancel.set()
        self.wanted.set()

    def _loop(self) -> None:
        while True:
            self.wanted.wait()
            if self.closing:
                return
            self.wanted.clear()
            self.cancel.clear()  # a change from now on stops this build; one before it is read by it
            self.building = True
            try:
                stopped = rebuild(self.root, self.out, self.request, self.state, self.say, self.cancel, self.workers)
            finally:
                self.building = False
            if stopped and not self.closing:
                self.say(f"{stopped}: a file changed")

    def close(self) -> None:
        """Stop the build and every worker process; wait at most BUILD_STOP_WAIT for the thread."""
        self.closing = True
        self.cancel.set()
        self.wanted.set()
        self.workers.close(wait=False)
        self.thread.join(timeout=BUILD_STOP_WAIT)
        self.workers.stop()  # one the build thread may have started meanwhile


def changed_files(root: Path, changes: set[tuple[Any, str]]) -> str:
    """The files of a batch of changes, relative to the project: 'content/services/unia.yaml'."""
    names = []
    for change, path in sorted(changes, key=lambda c: c[1]):
        if change.name == "added" and not Path(path).exists():
            continue  # an editor's temporary file, gone already
        try:
            names.append(Path(path).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            names.append(path)
    names = sorted(set(names))
    shown = ", ".join(names[:3])
    return shown + (f" (and {len(names) - 3} more)" if len(names) > 3 else "")


def serve(root: Path, out: Path, request: BuildRequest, host: str, port: int, say: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Serve, build, and build again after every change to the project's content/ or layouts/
    until ``stop`` is set (or Ctrl-C, or SIGTERM made KeyboardInterrupt by the caller). The
    address is said once the server listens; the pages follow (the open page reloads itself)."""
    from watchfiles import watch

    layouts = existing_layouts(layouts_of(root))
    state = State()
    out.mkdir(parents=True, exist_ok=True)
    server = Server((host, port), handler(out, state, allowed_hosts(host)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{server.server_address[1]}/"
    if not is_loopback(host):
        say(f"warning: --host {host} is not a loopback address: anyone on this network can read {out}, "
            "the call sheet included")
    say(f"Serving {out} on {address} (Ctrl-C to stop)")
    builder = Builder(root, out, request, state, say)
    try:
        builder.start()
        for changes in watch(str(root / "content"), str(layouts), stop_event=stop, debounce=100, step=50, rust_timeout=200):
            say(f"changed: {changed_files(root, changes)}" + ("; the build under way stops, and starts again" if builder.building else ""))
            builder.changed()
    finally:
        builder.close()
        server.shutdown()
        server.server_close()

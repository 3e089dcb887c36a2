"""booklet verify against HTTPS servers started here on 127.0.0.1 (certificates from a test
authority made with trustme). The tests' policy allows loopback and trusts that authority; the
default policy, which the command uses, must refuse loopback and never send a request there."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from generator.base.edition import Edition
from generator.cli import run
from generator.tools import netguard, verify

from .conftest import SERVICE, Project


@dataclass
class Server:
    """One HTTPS server; `hits` lists (path, headers) of every request it answered."""

    port: int
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    most_at_once: int = 0
    sent_big: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [p for p, _ in self.hits]


def _handler(server: Server, other: list[Server]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def answer(self, code: int, headers: dict[str, str] | None = None, body: bytes = b"page") -> None:
            self.send_response(code)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: C901 - one route per case
            with server.lock:
                server.hits.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                server.active += 1
                server.most_at_once = max(server.most_at_once, server.active)
                busy_before = sum(1 for p in server.paths() if p == self.path) - 1
            try:
                self.route(busy_before)
            finally:
                with server.lock:
                    server.active -= 1

        def route(self, seen: int) -> None:
            path = self.path
            if path == "/ok" or path.startswith("/new") or path.startswith("/page"):
                self.answer(200)
            elif path == "/old":
                self.answer(301, {"Location": "/new"})
            elif path == "/temp":
                self.answer(302, {"Location": "/new-temporary"})
            elif path == "/away":
                self.answer(301, {"Location": other[0].url("/elsewhere", host="localhost") if other else "/"})
            elif path == "/elsewhere":
                self.answer(200)
            elif path == "/gone":
                self.answer(404, body=b"not here")
            elif path == "/removed":
                self.answer(410)
            elif path == "/busy":
                self.answer(429, {"Retry-After": "1"}) if seen == 0 else self.answer(200)
            elif path == "/down":
                self.answer(503, {"Retry-After": "3600"})
            elif path == "/slow":
                time.sleep(1.6)  # longer than the tests' 1 s timeout
                self.answer(200)
            elif path == "/hold":
                time.sleep(0.3)
                self.answer(200)
            elif path.startswith("/hold-"):
                time.sleep(0.3)
                self.answer(200)
            elif path.startswith("/trickle"):  # a byte every 0.2 s: no single read ever waits 1 s
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" if path.startswith("/trickle-body") else b"")
                head = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n" + b"X-Slow: y\r\n" * 100
                try:
                    for i in range(100):
                        self.wfile.write(b"x" if path.startswith("/trickle-body") else head[i:i + 1])
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
                self.close_connection = True
            elif path == "/loop":
                self.answer(302, {"Location": "/loop"})
            elif path == "/cookie":
                self.answer(302, {"Location": "/new-after-cookie", "Set-Cookie": "session=abc; Path=/; Secure"})
            elif path == "/to-private":
                self.answer(301, {"Location": "https://10.1.2.3/admin"})
            elif path == "/to-metadata":
                self.answer(301, {"Location": "https://metadata.example.org/latest/"})
            elif path == "/big":
                self.send_response(200)
                self.send_header("Content-Length", str(50 << 20))
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    for _ in range(800):
                        self.wfile.write(chunk)
                        server.sent_big += len(chunk)
                except OSError:
                    pass
            else:
                self.answer(404)

    return Handler


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def trust_file(authority: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def _start(authority: trustme.CA, other: list[Server]) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    server = Server(httpd.server_address[1])
    httpd.RequestHandlerClass = _handler(server, other)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def elsewhere(authority: trustme.CA) -> Iterator[Server]:
    yield from _start(authority, [])


@pytest.fixture
def site(authority: trustme.CA, elsewhere: Server) -> Iterator[Server]:
    yield from _start(authority, [elsewhere])


@pytest.fixture
def testing(monkeypatch: pytest.MonkeyPatch, trust_file: str) -> verify.Policy:
    """The tests' policy: loopback allowed, the test authority trusted, short waits."""
    policy = replace(verify.DEFAULT, allow_loopback=True, trust=trust_file, timeout=1.0, backoff=0.1, max_wait=2.0, deadline=30.0)
    monkeypatch.setattr(verify, "DEFAULT", policy)
    return policy


def _links(project: Project, urls: list[str], sources: list[str] = ()) -> Path:  # type: ignore[assignment]
    """A service whose links are these addresses (and whose sources: are those)."""
    text = SERVICE.split("links:")[0] + "links:\n" + "".join(f"  - url: {u}\n    kind: website\n" for u in urls)
    text += "last_verified: 2026-01-15\n"
    if sources:
        text += "sources:\n" + "".join(f"  - {u}\n" for u in sources)
    return project.write("content/services/helpline.yaml", text)


def _verify(project: Project, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = run(["--root", str(project.root), "verify", "--json", "-", *args])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    return code, report, captured.err


def _by_url(report: dict) -> dict[str, dict]:
    return {a["url"]: a for owner in report["owners"] for a in owner["addresses"]}


def test_each_answer_is_judged_and_a_broken_printed_address_fails(project, capsys, site, elsewhere, testing):
    urls = [site.url(p) for p in ("/ok", "/old", "/temp", "/away", "/gone", "/removed", "/busy", "/slow")]
    _links(project, urls)
    started = time.monotonic()
    code, report, err = _verify(project, capsys)
    elapsed = time.monotonic() - started
    found = _by_url(report)
    assert {u: found[u]["status"] for u in urls} == {
        urls[0]: "ok", urls[1]: "moved", urls[2]: "redirect", urls[3]: "offsite",
        urls[4]: "broken", urls[5]: "broken", urls[6]: "ok", urls[7]: "broken",
    }
    assert found[urls[1]]["final_url"] == site.url("/new")
    assert found[urls[1]]["detail"] == f"moved permanently to {site.url('/new')}: print that address"
    assert found[urls[3]]["detail"] == f"redirects to another site: {elsewhere.url('/elsewhere', host='localhost')}"
    assert found[urls[4]]["detail"] == "answered 404 Not Found"
    assert found[urls[5]]["detail"] == "answered 410 Gone"
    assert found[urls[7]]["detail"] == "no answer within 1 s (timeout)"
    # 429 with Retry-After: 1, then 200: two requests, at least a second apart
    busy = [i for i, (p, _) in enumerate(site.hits) if p == "/busy"]
    assert len(busy) == 2 and found[urls[6]]["requests"] == 2
    assert code == 1
    assert report["broken_printed"] == 3
    line, column = 12, 10  # the fifth link's url: in the file written by _links
    assert (f"content/services/helpline.yaml:{line + 2 * 4}:{column}: error: links[4].url: {urls[4]} answered 404 Not Found"
            in err.splitlines())
    assert elapsed < 15


def test_a_redirect_is_checked_again_and_a_private_target_never_fetched(project, capsys, site, testing, monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "metadata.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    connected: list[object] = []
    original = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: connected.append(address) or original(address, *a, **k))
    urls = [site.url("/to-private"), site.url("/to-metadata")]
    _links(project, urls)
    code, report, _ = _verify(project, capsys)
    found = _by_url(report)
    assert found[urls[0]]["status"] == "refused"
    assert found[urls[0]]["detail"] == "10.1.2.3 is a private address: not fetched (after a redirect to https://10.1.2.3/admin)"
    assert found[urls[1]]["status"] == "refused"
    assert found[urls[1]]["detail"].startswith("metadata.example.org resolves to 169.254.169.254, a link-local address: not fetched")
    assert {address[0] for address in connected} == {"127.0.0.1"}  # type: ignore[index]
    assert code == 1


def test_by_default_loopback_is_reported_and_never_fetched(project, capsys, site, monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real("127.0.0.1" if host == "checker.example.org" else host, *a, **k))
    named = f"https://checker.example.org:{site.port}/ok"
    literal = site.url("/ok")
    _links(project, [named, literal])
    code, report, err = _verify(project, capsys)
    found = _by_url(report)
    assert found[named]["status"] == "refused"
    assert found[named]["detail"] == "checker.example.org resolves to 127.0.0.1, a loopback address: not fetched"
    assert found[literal] | {"checked_at": ""} == found[literal] | {"status": "refused", "checked_at": "",
                                                                     "detail": "names 127.0.0.1, a loopback address: not fetched"}
    assert site.hits == []
    assert code == 1


def test_no_cookie_is_sent_back_and_at_most_max_body_is_read(project, capsys, site, testing):
    _links(project, [site.url("/cookie"), site.url("/big")])
    code, report, _ = _verify(project, capsys)
    found = _by_url(report)
    assert found[site.url("/cookie")]["status"] == "redirect"
    after = [headers for path, headers in site.hits if path == "/new-after-cookie"]
    assert len(after) == 1 and "cookie" not in after[0]
    assert found[site.url("/big")]["status"] == "ok"
    time.sleep(0.2)
    assert site.sent_big < (1 << 20) + (8 << 20)  # 1 MB read, then the connection is closed (socket buffers aside)
    assert site.sent_big < 800 * 65536
    assert code == 0


def test_two_requests_at_a_time_per_host(project, capsys, site, testing):
    _links(project, [site.url(f"/hold-{i}") for i in range(8)])
    code, report, _ = _verify(project, capsys)
    assert report["counts"] == {"ok": 8}
    assert site.most_at_once == 2
    assert code == 0


def test_every_loop_is_bounded(project, capsys, site, testing):
    _links(project, [site.url("/loop"), site.url("/down")])
    started = time.monotonic()
    code, report, _ = _verify(project, capsys)
    found = _by_url(report)
    assert found[site.url("/loop")]["detail"] == "more than 5 redirects"
    assert site.paths().count("/loop") == 6
    # 503 asking for an hour: not waited for, not retried
    assert found[site.url("/down")] | {"checked_at": ""} == found[site.url("/down")] | {
        "status": "broken", "detail": "answered 503 and asked to wait 3600 s: not checked", "checked_at": "", "requests": 1}
    assert time.monotonic() - started < 10
    assert code == 1


def test_tls_failure_is_broken(project, capsys, testing, monkeypatch):
    stranger = trustme.CA()  # a server whose certificate no trusted authority signed
    servers = _start(stranger, [])
    server = next(servers)
    try:
        _links(project, [server.url("/ok")])
        code, report, _ = _verify(project, capsys)
    finally:
        next(servers, None)
    found = _by_url(report)[server.url("/ok")]
    assert found["status"] == "broken" and found["detail"].startswith("TLS failure:")
    assert "CERTIFICATE_VERIFY_FAILED" in found["detail"]
    assert code == 1


def test_source_addresses_are_warnings_and_results_are_cached(project, capsys, site, testing):
    _links(project, [site.url("/ok")], sources=[site.url("/gone")])
    code, report, err = _verify(project, capsys)
    assert code == 0  # a broken source: address is not printed
    assert f": warning: sources[0]: {site.url('/gone')} answered 404 Not Found" in err
    assert len(site.hits) == 2
    code, again, _ = _verify(project, capsys)
    assert len(site.hits) == 2  # both from the cache
    assert {a["cached"] for a in _by_url(again).values()} == {True}
    code, _, _ = _verify(project, capsys, "--max-age", "0")
    assert len(site.hits) == 4
    cache = json.loads((project.root / "output/verify/results.json").read_text())
    assert set(cache["results"]) == {site.url("/ok"), site.url("/gone")}


def test_offline_fetches_nothing_and_uses_the_cache(project, capsys, site, testing):
    _links(project, [site.url("/ok")])
    _verify(project, capsys)
    _links(project, [site.url("/ok"), site.url("/new")])
    code, report, _ = _verify(project, capsys, "--offline")
    found = _by_url(report)
    assert len(site.hits) == 1
    assert found[site.url("/ok")]["status"] == "ok" and found[site.url("/ok")]["cached"]
    assert found[site.url("/new")]["status"] == "unchecked"
    assert code == 0


def test_without_network_it_ends_soon_with_a_message(project, capsys, testing, monkeypatch):
    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    _links(project, [f"https://www.site{i}.example.be/contact" for i in range(12)])
    started = time.monotonic()
    code = run(["--root", str(project.root), "verify"])
    err = capsys.readouterr().err
    assert code == 1
    assert "no network: none of the sites answered" in err and "Traceback" not in err
    assert time.monotonic() - started < 5
    assert not (project.root / "output/verify/results.json").exists()


def test_one_name_that_does_not_resolve_is_broken(project, capsys, site, testing, monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "gone.example.be":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    _links(project, [site.url("/ok"), "https://gone.example.be/form"])
    code, report, _ = _verify(project, capsys)
    found = _by_url(report)["https://gone.example.be/form"]
    assert (found["status"], found["detail"]) == ("broken", "the name gone.example.be does not resolve (Name or service not known)")
    assert code == 1


def test_every_address_in_the_content_is_found(real_copy):
    from generator.content.validate import load_catalogue

    cat = load_catalogue(real_copy.root)
    found = verify.targets(cat)
    urls = {t.url for t in found}
    for doc in cat.documents.values():
        for text in doc.path and [Path(real_copy.root, doc.path).read_text("utf-8")]:
            for url in verify._URL_IN_TEXT.findall(text):
                assert url.rstrip(".,;:!?") in urls
    printed = {t.url for t in found if t.printed}
    for svc in cat.services.values():
        for link in svc.links:
            assert (link.url in printed) == (not svc.hold)
        for source in svc.sources:
            assert source in urls


def test_the_pages_wallet_cards_lead_to_are_checked(project):
    from generator.content.validate import load_catalogue

    project.write("content/booklet.yaml", "languages: [en, fr]\nsite_url: https://www.example.org/help\n")
    found = {t.url: t for t in verify.targets(load_catalogue(project.root))}
    for page in (Edition("workers", "en", discreet=True).page, Edition("workers", "fr", discreet=True).page):
        use = found[f"https://www.example.org/help/{page}"].uses[0]
        assert (use.path, use.line, use.field, use.printed) == ("content/booklet.yaml", 2, "site_url", True)


def test_a_site_that_trickles_is_cut_off_and_reported_as_a_timeout(project, capsys, site, testing, monkeypatch):
    """Four sites sending a byte every 0.2 s (headers or body) no longer hold the workers until
    the run's deadline: each request ends at its own limit, and the 404 after them is found."""
    monkeypatch.setattr(verify, "DEFAULT", replace(testing, request_limit=1.5, workers=2, per_host=2))
    urls = [site.url(p) for p in ("/trickle-head-1", "/trickle-body-2", "/trickle-head-3", "/trickle-body-4", "/gone")]
    _links(project, urls)
    started = time.monotonic()
    code, report, err = _verify(project, capsys)
    found = _by_url(report)
    for url in urls[:4]:
        assert found[url]["status"] == "broken"
        assert found[url]["detail"] == "no complete answer within 1.5 s (timeout: the site answers too slowly)"
    assert found[urls[4]]["detail"] == "answered 404 Not Found"
    assert report["counts"] == {"broken": 5} and report["unchecked_printed"] == 0
    assert code == 1
    assert time.monotonic() - started < 8  # two workers, two rounds of 1.5 s, then the 404


def test_printed_addresses_left_unchecked_by_the_deadline_fail_the_run(project, capsys, site, testing, monkeypatch):
    monkeypatch.setattr(verify, "DEFAULT", replace(testing, deadline=1.0, workers=1))
    urls = [site.url("/trickle-body-1"), site.url("/gone")]
    _links(project, urls)
    code, report, err = _verify(project, capsys)
    found = _by_url(report)
    assert found[urls[0]]["status"] == "unchecked"
    assert found[urls[0]]["detail"] == "not checked: the run's time limit (1 s) passed"
    assert found[urls[1]]["status"] == "unchecked"
    assert report["unchecked_printed"] == 2
    assert "error: 2 printed addresses not checked (time limits): nothing is known of them" in err.splitlines()
    assert code == 1


@pytest.mark.parametrize(("address", "why"), [
    ("2002:7f00:1::", "a 6to4 transition address"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo transition address"),
    ("64:ff9b::7f00:1", "a NAT64 address"),
    ("64:ff9b:1::a00:1", "a NAT64 address"),
    ("2001:10::1", "an ORCHID address"),
    ("2001:20::1", "an ORCHID address"),
    ("2001:db8::1", "a documentation address"),
    ("3fff::1", "a documentation address"),
    ("::7f00:1", "an IPv4-compatible address"),
    ("::ffff:127.0.0.1", "a loopback address"),
])
def test_transition_and_special_ipv6_addresses_are_refused(project, capsys, monkeypatch, address, why):
    """A name resolving to 2002:7f00:1:: (127.0.0.1 inside 6to4) gets no connection attempt."""
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [(socket.AF_INET6, socket.SOCK_STREAM, 6, "",
                                                                            (address, port, 0, 0))])
    connected: list[object] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a) or pytest.fail("connected"))
    url = "https://six.example.org/form"
    _links(project, [url])
    code, report, _ = _verify(project, capsys)
    found = _by_url(report)
    assert found[url]["status"] == "refused"
    assert found[url]["detail"] == f"six.example.org resolves to {address}, {why}: not fetched"
    literal = verify._static_check(f"https://[{address}]/x", verify.DEFAULT)
    assert literal is not None and literal.detail == f"names {ipaddress.ip_address(address)}, {why}: not fetched"
    assert connected == [] and code == 1


def test_public_ipv6_is_still_allowed():
    assert netguard.not_public(ipaddress.ip_address("2a00:1450:4001:82b::200e"), verify.DEFAULT) == ""
    assert netguard.not_public(ipaddress.ip_address("2001:4860:4860::8888"), verify.DEFAULT) == ""

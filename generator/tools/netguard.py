"""The guarded network layer of `booklet verify`: which addresses may be connected to, and GETs
that keep to it, bounded in size and time.

The address check happens in the connection itself (a guarded httpcore network backend): every
connection, including each redirect hop, resolves the name once, refuses it if any address is
not public, and connects to the address it checked, so a name cannot resolve to a public
address for the check and a private one for the fetch. Every read, write and TLS handshake ends
by the time limit of the request using it (a bounded stream), at most `max_body` bytes of an
answer are read, no cookies are kept or sent and no proxy or .netrc from the environment is used.

httpx takes no network backend: ``guarded_transport`` is the one place that reaches into httpx
(its transport's private ``_pool``) to put the guarded backend under it. verify.py follows
redirects and judges what a GET found (``Fetcher.fetch``: an ``Outcome``).
"""

from __future__ import annotations

import email.utils
import http.cookiejar
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpcore
import httpx

PRIVATE_NAMES = {"httpx.HTTPTransport": ("_pool",)}
"""The private names this module relies on (checked by tests/test_internals.py)."""

Failure = Literal["broken", "refused", "unsure", "unchecked"]
"""What a GET that got no usable answer says of the address (verify.Status)."""


@dataclass(frozen=True)
class Policy:
    """How the checker behaves. The defaults are the product's; tests may allow loopback
    servers and trust their own certificate authority (no command-line flag does)."""

    timeout: float = 10.0
    """Seconds for each connect, read and write of one request."""
    attempts: int = 3
    """Requests at most for one address when it answers 429 or 503 (retries with backoff)."""
    backoff: float = 2.0
    """Seconds before the first retry when no Retry-After is given; doubled each time."""
    max_wait: float = 30.0
    """The longest Retry-After honoured; a longer one leaves the address 'unsure'."""
    per_host: int = 2
    """Requests at a time to one host."""
    workers: int = 8
    """Requests at a time in all."""
    max_redirects: int = 5
    max_body: int = 1 << 20
    """Bytes of an answer read at most."""
    request_limit: float = 30.0
    """Seconds for one request in all (name, connection, TLS, headers and body, within the run's
    deadline): a site that sends a byte now and then is cut off and reported broken (timeout)."""
    deadline: float = 300.0
    """Seconds for the whole run; addresses not checked by then are reported 'unchecked'."""
    allow_loopback: bool = False
    """Test only: allow loopback addresses (127.0.0.0/8, ::1)."""
    trust: str | None = None
    """Test only: a PEM file of a further certificate authority to trust."""


_SPECIAL_V6 = tuple((ipaddress.IPv6Network(net), what) for net, what in (
    ("2002::/16", "a 6to4 transition address"),  # embeds an IPv4 address (2002:7f00:1:: is 127.0.0.1)
    ("2001::/32", "a Teredo transition address"),
    ("64:ff9b::/96", "a NAT64 address"), ("64:ff9b:1::/48", "a NAT64 address"),
    ("2001:10::/28", "an ORCHID address"), ("2001:20::/28", "an ORCHID address"),
    ("2001:db8::/32", "a documentation address"), ("3fff::/20", "a documentation address"),
    ("::/96", "an IPv4-compatible address"), ("100::/64", "a discard-only address"),
))
"""IPv6 ranges that carry or translate to other addresses, or are never on the Internet: refused
whatever the Python version's ``is_global`` says of them (3.11 calls 6to4 and NAT64 global)."""


def not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: Policy) -> str:
    """Why an address must not be connected to ('' when it may)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "" if policy.allow_loopback else "a loopback address"
    if ip.is_unspecified:
        return "an unspecified address"
    if isinstance(ip, ipaddress.IPv6Address):
        for net, what in _SPECIAL_V6:
            if ip in net:
                return what
    for test, what in ((ip.is_link_local, "a link-local address"), (ip.is_multicast, "a multicast address"),
                       (ip.is_private, "a private address"), (ip.is_reserved, "a reserved address"),
                       (not ip.is_global, "not a public address")):
        if test:
            return what
    return ""


class _Refused(Exception):
    """A name resolved to an address the checker must not connect to."""


class _NoName(Exception):
    """A name that does not resolve."""


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves each host once, refuses it when any of its addresses is not public, and connects
    to the address it checked."""

    def __init__(self, policy: Policy):
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = _resolve(host, port, _left(timeout or self.policy.timeout, httpcore.ConnectTimeout))
        for ip in addresses:
            why = not_public(ipaddress.ip_address(ip), self.policy)
            if why:
                raise _Refused(f"{host} is {why}: not fetched" if host == ip else f"{host} resolves to {ip}, {why}: not fetched")
        error: Exception | None = None
        for ip in addresses:
            try:
                stream = super().connect_tcp(ip, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options)
                return _Bounded(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error


_REQUEST = threading.local()
"""The monotonic time by which the request the current thread makes must be over (`end`)."""


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """The time a step of the current request may take: its own timeout, cut to what is left of
    the request's limit; ``error`` when nothing is left."""
    end: float | None = getattr(_REQUEST, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the request's time limit passed")
    return left if timeout is None else min(timeout, left)


class _Bounded(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the time limit of the
    request using it: a server sending a byte every half second never hits the per-read timeout,
    and is cut off here."""

    def __init__(self, stream: httpcore.NetworkStream):
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Bounded(self.stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of a host, looked up in a daemon thread so that a hanging resolver cannot
    hold the run past `timeout`."""
    box: list[Any] = []

    def lookup() -> None:
        try:
            box.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            box.append(exc)

    thread = threading.Thread(target=lookup, daemon=True, name="resolve")
    thread.start()
    thread.join(timeout)
    if not box:
        raise _NoName(f"the name {host} did not resolve within {timeout:g} s")
    if isinstance(box[0], OSError):
        raise _NoName(f"the name {host} does not resolve ({box[0].strerror or box[0]})")
    seen: list[str] = []
    for *_, sockaddr in box[0]:
        ip = str(sockaddr[0]).split("%")[0]
        if ip not in seen:
            seen.append(ip)
    if not seen:
        raise _NoName(f"the name {host} has no address")
    return seen


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _ssl_context(policy: Policy) -> ssl.SSLContext:
    context = httpx.create_ssl_context(trust_env=False)  # certifi's authorities, TLS verified
    if policy.trust:
        context.load_verify_locations(cafile=policy.trust)
    return context


def guarded_transport(policy: Policy) -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes through the guarded backend (which
    resolves, refuses what is not public, and bounds each read and write in time), with TLS
    verified against certifi's authorities (and ``policy.trust``), no proxy from the environment,
    and the connection limits of ``policy.workers``.

    httpx takes no network backend, so the transport's connection pool, the private attribute
    ``HTTPTransport._pool`` (an ``httpcore.ConnectionPool``), is replaced by one built with the
    same TLS context and limits and the guarded backend: the only use of httpx's internals, here.
    tests/test_internals.py checks that ``_pool`` is still a ConnectionPool; test_verify.py that
    the guard holds (a name resolving to 127.0.0.1 is refused and the server sees no request)."""
    limits = httpx.Limits(max_connections=policy.workers * 2, max_keepalive_connections=policy.workers)
    context = _ssl_context(policy)
    transport = httpx.HTTPTransport(verify=context, trust_env=False, limits=limits)
    transport._pool = httpcore.ConnectionPool(ssl_context=context, max_connections=limits.max_connections,
                                              max_keepalive_connections=limits.max_keepalive_connections,
                                              keepalive_expiry=5.0, network_backend=_GuardedBackend(policy))
    return transport


class Fetcher:
    """One GET at a time per thread through the guarded transport, at most ``per_host`` at a
    time to one host, retried on 429 and 503, within the request's and the run's time limits."""

    def __init__(self, policy: Policy, deadline: float, headers: dict[str, str]):
        self.policy = policy
        self.deadline = deadline
        self.lock = threading.Lock()
        self.hosts: dict[str, threading.Semaphore] = {}
        self.client = httpx.Client(transport=guarded_transport(policy), trust_env=False, timeout=httpx.Timeout(policy.timeout),
                                   cookies=http.cookiejar.CookieJar(_NoCookies()), follow_redirects=False, headers=headers)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - threads past the deadline may still hold connections
            pass

    def host_slot(self, host: str) -> threading.Semaphore:
        with self.lock:
            return self.hosts.setdefault(host, threading.Semaphore(self.policy.per_host))

    def fetch(self, url: str) -> Outcome:
        """One GET, retried on 429 and 503 as the server asks (within `max_wait`)."""
        host = (urlsplit(url).hostname or "").lower()
        requests = 0
        for attempt in range(1, self.policy.attempts + 1):
            if time.monotonic() > self.deadline:
                return Outcome(requests, None, error=("unchecked", "not checked: the run's time limit passed", False))
            requests += 1
            with self.host_slot(host):
                outcome = self._get(url)
            outcome = replace(outcome, requests=requests)
            if outcome.code not in (429, 503) or attempt == self.policy.attempts:
                return outcome
            wait = outcome.retry_after if outcome.retry_after is not None else self.policy.backoff * 2 ** (attempt - 1)
            if wait > self.policy.max_wait or time.monotonic() + wait > self.deadline:
                reason = f"answered {outcome.code} and asked to wait {wait:g} s"
                status: Failure = "unsure" if outcome.code == 429 else "broken"
                return Outcome(requests, outcome.code, error=(status, f"{reason}: not checked", True))
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _get(self, url: str) -> Outcome:
        limit = min(self.policy.request_limit, self.deadline - time.monotonic())
        _REQUEST.end = time.monotonic() + limit
        try:
            return self._get_within(url)
        except httpx.TimeoutException:
            if time.monotonic() < _REQUEST.end - 0.05:
                raise
            if limit < self.policy.request_limit:
                return Outcome(1, None, error=("unchecked", f"not checked: the run's time limit ({self.policy.deadline:g} s) passed",
                                               True))
            return Outcome(1, None, error=("broken", f"no complete answer within {limit:g} s (timeout: the site "
                                                     "answers too slowly)", True))
        finally:
            _REQUEST.end = None

    def _get_within(self, url: str) -> Outcome:
        try:
            with self.client.stream("GET", url) as response:
                read = 0
                for chunk in response.iter_raw():
                    read += len(chunk)
                    if read >= self.policy.max_body:
                        break
                return Outcome(1, response.status_code, response.reason_phrase, response.headers.get("location"),
                               _retry_after(response.headers.get("retry-after")))
        except _Refused as exc:
            return Outcome(1, None, error=("refused", str(exc), True))
        except _NoName as exc:
            return Outcome(1, None, error=("broken", str(exc), False))
        except httpx.TimeoutException as exc:
            if time.monotonic() >= (_REQUEST.end or 0) - 0.05:
                raise  # the request's own limit: said so by _get
            if isinstance(exc, httpx.ConnectTimeout):
                return Outcome(1, None, error=("broken", f"no connection within {self.policy.timeout:g} s (timeout)", False))
            return Outcome(1, None, error=("broken", f"no answer within {self.policy.timeout:g} s (timeout)", True))
        except httpx.ConnectError as exc:
            if _caused_by(exc, ssl.SSLError):
                return Outcome(1, None, error=("broken", f"TLS failure: {_short(exc)}", True))
            return Outcome(1, None, error=("broken", f"connection failed: {_short(exc)}", False))
        except httpx.HTTPError as exc:
            return Outcome(1, None, error=("broken", f"{type(exc).__name__}: {_short(exc)}", True))


@dataclass(frozen=True)
class Outcome:
    requests: int
    code: int | None
    reason: str = ""
    location: str | None = None
    retry_after: float | None = None
    error: tuple[Failure, str, bool] | None = field(default=None)
    """(status, detail, whether the network answered) when no HTTP answer came."""


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())

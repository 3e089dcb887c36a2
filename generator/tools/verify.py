"""`booklet verify`: check every web address in the content over HTTPS, safely and politely.

What it finds is what a reader holding the leaflet would meet: a form that answers 404, a site
replaced by another, a page that moved. Each address is fetched with httpx as a browser would
(GET, TLS verified), and judged:

- ok: 2xx, directly or after a temporary redirect within the same site;
- moved: a permanent redirect (301/308) within the same site: the address to print instead;
- offsite: a redirect to another site (a replaced or bought domain): a person must look;
- unsure: the site refused an automated check (401/403/405), or asked to wait too long (429);
- broken: 404, 410, other 4xx, 5xx after retries, a name that does not resolve, a TLS failure,
  a refused connection, a timeout;
- refused: the name resolves to a private, loopback, link-local, multicast or reserved address:
  reported and never fetched (the checker runs on CI machines and next to other services).

The address check happens in the connection itself (a guarded httpcore network backend,
netguard.py): every connection, including each redirect hop, resolves the name once, refuses it
if any address is not public, and connects to the address it checked, so a name cannot resolve
to a public address for the check and a private one for the fetch. No cookies are kept or sent,
no proxy or .netrc from the environment is used, at most `max_body` bytes of an answer are read,
and every loop (retries, redirects, the whole run) is bounded in count and in time.

Results are cached in output/verify/results.json (one day by default) so that a re-run checks
only what is due; `booklet review-sheet` reads the same file.
"""

from __future__ import annotations

import ipaddress
import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from babel import Locale

from generator import __version__
from generator.base.edition import site_page_url
from generator.base.files import write_atomic
from generator.content.catalogue import Catalogue
from generator.content.load import Document, Loc, format_loc
from generator.content.texts import content_fields
from generator.i18n.po import msgstr_place, po_lines, read_catalogue
from generator.tools.netguard import Fetcher, Policy, not_public

Status = Literal["ok", "redirect", "moved", "offsite", "unsure", "broken", "refused", "unchecked"]
SEVERITY: dict[str, Literal["ok", "info", "warning", "error"]] = {
    "ok": "ok", "redirect": "info", "moved": "warning", "offsite": "warning", "unsure": "warning",
    "broken": "error", "refused": "error", "unchecked": "info",
}
"""How much each status matters; an error on a printed address fails the command."""

NO_NETWORK_AFTER = 6
"""Hosts that fail without any answer, while no other host answered, before the run stops: the
network is missing (a machine offline, a firewall), and waiting for the rest tells nothing."""
RESULTS = Path("verify/results.json")
"""The cache and the last results, under the output folder."""
USER_AGENT = f"booklet-verify/{__version__} (checks the addresses printed in a list of support services)"
HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en, fr, nl"}

_URL_IN_TEXT = re.compile(r"https://[^\s<>\"'()\[\]]+")
_NOT_PRINTED = {"source", "sources", "review", "unconfirmed", "hold"}
"""Fields that are never printed: a broken address there is a warning, not an error."""


DEFAULT = Policy()


# ------------------------------------------------------------------ what to check


@dataclass(frozen=True)
class Use:
    """One place in the content where an address is written."""

    owner: str
    """'services/fedasil', 'situations/reception-centre', 'booklet', ..."""
    name: str
    """What a person calls the owner: the service's name, the situation's title."""
    path: str
    line: int
    column: int
    field: str
    printed: bool
    """Whether a reader meets this address (a link, a QR code), as opposed to a source: note."""


@dataclass(frozen=True)
class Target:
    url: str
    uses: tuple[Use, ...]

    @property
    def printed(self) -> bool:
        return any(u.printed for u in self.uses)


def targets(cat: Catalogue) -> list[Target]:
    """Every https address written in the content, with each place it is written, in file order;
    plus, when site_url is set, each web page a wallet card's QR code leads to."""
    uses: dict[str, list[Use]] = {}
    for (kind, ident), doc in sorted(cat.documents.items()):
        owner = "booklet" if kind == "booklet" else f"{kind}/{ident}"
        name, held = _describe(kind, ident, doc)
        for loc, text in _strings(doc.data, ()):
            for match in _URL_IN_TEXT.finditer(text):
                url = match.group(0).rstrip(".,;:!?")
                line, column = doc.where(loc)
                printed = not held and not _NOT_PRINTED.intersection(p for p in loc if isinstance(p, str))
                uses.setdefault(url, []).append(Use(owner, name, doc.path, line, column, format_loc(loc), printed))
    for url, use in _translation_uses(cat):
        uses.setdefault(url, []).append(use)
    site = cat.booklet.site_url
    if site and ("booklet", "booklet") in cat.documents:
        line, column = cat.doc("booklet", "booklet").where(("site_url",))
        for lang in cat.booklet.languages:
            for audience in sorted(cat.audiences):
                url = site_page_url(site, lang, audience)
                uses.setdefault(url, []).append(Use("booklet", "Web pages (wallet cards' QR codes)", "content/booklet.yaml",
                                                    line, column, "site_url", True))
    return [Target(url, tuple(u)) for url, u in uses.items()]


def _translation_uses(cat: Catalogue) -> Iterator[tuple[str, Use]]:
    """The https addresses the translations print (content/translations/<lang>.po), each at its
    line and column in the PO file: a translation carries its English's addresses (booklet
    check), and what a reader of that language meets is checked where it is written. An entry
    that is not printed (stale, or no longer a field: the English is printed) is 'not printed'."""
    fields = {f.context: f for f in content_fields(cat)}
    held = {f"services/{ident}:" for ident, service in cat.services.items() if service.hold}
    folder = cat.root / "content" / "translations"
    for lang in cat.booklet.languages[1:]:
        path = folder / f"{lang}.po"
        if not path.is_file():
            continue
        try:
            catalog = read_catalogue(path, lang)
        except Exception:  # noqa: S112 - an unreadable catalogue is booklet check's error
            continue
        lines = po_lines(path)
        rel = path.relative_to(cat.root).as_posix()
        for message in catalog:
            if not message.id or not message.string or not message.context:
                continue
            field = fields.get(message.context)
            printed = field is not None and field.text == message.id and not any(message.context.startswith(h) for h in held)
            for match in _URL_IN_TEXT.finditer(str(message.string)):
                url = match.group(0).rstrip(".,;:!?")
                line, column = msgstr_place(lines, message, url)
                yield url, Use(f"translations/{lang}", f"{Locale('en').languages.get(lang, lang)} translation", rel, line, column,
                               message.context, printed)


def _describe(kind: str, ident: str, doc: Document) -> tuple[str, bool]:
    """The owner's name as a person knows it, and whether it is held back from print."""
    data = doc.data if isinstance(doc.data, dict) else {}
    if kind == "booklet":
        return "Every booklet", False
    name = str(data.get("name") or data.get("title") or ident)
    held = kind == "services" and bool(data.get("hold"))
    return name, held


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, loc + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, loc + (i,))


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Result:
    url: str
    status: Status
    detail: str
    """What was found, in words: 'answered 404 Not Found', 'moved permanently to ...'."""
    code: int | None = None
    """The last HTTP status code received."""
    final_url: str | None = None
    """Where the redirects ended, when they did."""
    checked_at: str = ""
    """When (UTC, ISO 8601); '' for an address not checked."""
    requests: int = 0
    cached: bool = False
    """Taken from an earlier run's cache."""
    network: bool = True
    """False when the failure says nothing about the address (no answer from the network at all)."""

    @property
    def severity(self) -> str:
        return SEVERITY[self.status]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity
        return data


@dataclass
class Report:
    targets: list[Target]
    results: dict[str, Result]
    no_network: bool = False
    elapsed: float = 0.0

    def broken_printed(self) -> list[Target]:
        return [t for t in self.targets if t.printed and self.results[t.url].severity == "error"]

    def unchecked_printed(self) -> list[Target]:
        """Printed addresses this run could not check (time limits, no network, --offline without
        a cached result): nothing is known of them, which is never 'all is well'."""
        return [t for t in self.targets if t.printed and self.results[t.url].status == "unchecked"]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for target in self.targets:
            status = self.results[target.url].status
            counts[status] = counts.get(status, 0) + 1
        return counts

    def by_owner(self) -> list[tuple[str, str, list[tuple[Target, Use]]]]:
        """(owner, name, [(target, use)]) in the order owners appear: services first."""
        groups: dict[str, tuple[str, list[tuple[Target, Use]]]] = {}
        for target in self.targets:
            for use in target.uses:
                groups.setdefault(use.owner, (use.name, []))[1].append((target, use))
        order = sorted(groups, key=lambda o: (not o.startswith("services/"), o == "booklet", o))
        return [(o, groups[o][0], sorted(groups[o][1], key=lambda tu: (tu[1].line, tu[1].column))) for o in order]

    def to_json(self) -> dict[str, Any]:
        return {
            "elapsed_seconds": round(self.elapsed, 2),
            "no_network": self.no_network,
            "counts": self.counts(),
            "broken_printed": len(self.broken_printed()),
            "unchecked_printed": len(self.unchecked_printed()),
            "owners": [
                {"owner": owner, "name": name,
                 "addresses": [{**self.results[t.url].to_json(), **{k: v for k, v in asdict(u).items() if k not in ("owner", "name")}}
                               for t, u in uses]}
                for owner, name, uses in self.by_owner()
            ],
        }


def load_results(out: Path) -> dict[str, Result]:
    """The results of earlier runs (empty when there are none or the file is damaged)."""
    try:
        data = json.loads((out / RESULTS).read_text("utf-8"))
        return {url: Result(**{k: v for k, v in item.items() if k in Result.__dataclass_fields__})
                for url, item in data["results"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _save_results(out: Path, results: dict[str, Result]) -> None:
    previous = load_results(out)
    keep = {url: r for url, r in {**previous, **results}.items() if r.checked_at}
    data = {"version": 1, "results": {url: {k: v for k, v in asdict(r).items() if k != "cached"}
                                       for url, r in sorted(keep.items())}}
    write_atomic(out / RESULTS, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


# ------------------------------------------------------------------ the run


def verify(cat: Catalogue, out: Path, *, max_age: timedelta = timedelta(days=1), offline: bool = False,
           policy: Policy = DEFAULT, progress: Callable[[Result], None] | None = None) -> Report:
    """Check every address of the content (cached results younger than ``max_age`` are reused);
    offline, only what needs no network."""
    started = time.monotonic()
    found = targets(cat)
    cache = load_results(out)
    now = datetime.now(UTC)
    results: dict[str, Result] = {}
    todo: list[str] = []
    for target in found:
        static = _static_check(target.url, policy)
        cached = cache.get(target.url)
        if static is not None:
            results[target.url] = static
        elif cached is not None and cached.checked_at and now - datetime.fromisoformat(cached.checked_at) < max_age:
            results[target.url] = replace(cached, cached=True)
        elif offline:
            results[target.url] = Result(target.url, "unchecked", "not checked: --offline, and no result in the cache"
                                         + (f" younger than {_age(max_age)}" if cached else ""), network=False)
        else:
            todo.append(target.url)
    fresh = _check_all(todo, policy, progress) if todo else {}
    results.update(fresh)
    answered = [r for r in fresh.values() if r.network]
    hosts = {urlsplit(u).hostname for u in fresh}
    no_network = bool(fresh) and not answered and len(hosts) >= 2
    if no_network:  # say nothing about the addresses: the network is missing, not the sites
        results.update({u: replace(r, status="unchecked", detail=f"not checked: {r.detail}") for u, r in fresh.items()})
    if fresh and not no_network:
        _save_results(out, fresh)
    return Report(found, results, no_network, time.monotonic() - started)


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} hours" if hours < 48 else f"{hours / 24:g} days"


def _static_check(url: str, policy: Policy) -> Result | None:
    """What can be said without the network: an address that names an IP address."""
    host = urlsplit(url).hostname or ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    why = not_public(ip, policy)
    if why:
        return Result(url, "refused", f"names {ip}, {why}: not fetched", checked_at=_now(), network=True)
    return None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _check_all(urls: list[str], policy: Policy, progress: Callable[[Result], None] | None) -> dict[str, Result]:
    """Check the addresses with `workers` daemon threads, at most `per_host` at a time per host;
    return when all are done or the deadline passes (what is left is 'unchecked')."""
    deadline = time.monotonic() + policy.deadline
    jobs: queue.Queue[str] = queue.Queue()
    for url in urls:
        jobs.put(url)
    done: queue.Queue[Result] = queue.Queue()
    checker = _Checker(policy, deadline)

    stop = threading.Event()  # no site answered and several failed: the network is missing

    def work() -> None:
        while not stop.is_set():
            try:
                url = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                result = checker.check(url)
            except Exception as exc:  # noqa: BLE001 - one address's surprise must not stop the others
                result = Result(url, "broken", f"could not be checked: {type(exc).__name__}: {exc}", checked_at=_now())
            done.put(result)

    for _ in range(min(policy.workers, len(urls))):
        threading.Thread(target=work, daemon=True, name="verify").start()
    results: dict[str, Result] = {}
    failed: set[str] = set()
    while len(results) < len(urls):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            result = done.get(timeout=min(left, 0.5))
        except queue.Empty:
            continue
        results[result.url] = result
        if progress:
            progress(result)
        if not result.network:
            failed.add(urlsplit(result.url).hostname or "")
        if len(failed) >= NO_NETWORK_AFTER and not any(r.network for r in results.values()):
            stop.set()
            break
    why = "no site answered" if stop.is_set() else f"the run's time limit ({policy.deadline:g} s) passed"
    for url in urls:
        if url not in results:
            results[url] = Result(url, "unchecked", f"not checked: {why}", network=False)
    checker.close()
    return results


class _Checker:
    """Follows an address through its redirects, one guarded GET a hop (netguard.Fetcher), and
    judges where it ends."""

    def __init__(self, policy: Policy, deadline: float):
        self.policy = policy
        self.fetcher = Fetcher(policy, deadline, HEADERS)

    def close(self) -> None:
        self.fetcher.close()

    def check(self, url: str) -> Result:
        """Follow one address through its redirects; judge where it ends."""
        current, requests = url, 0
        hops: list[tuple[int, str]] = []
        permanent = True  # every hop so far was permanent (301/308)
        for _ in range(self.policy.max_redirects + 1):
            outcome = self.fetcher.fetch(current)
            requests += outcome.requests
            if outcome.error is not None:
                status, detail, network = outcome.error
                if hops:
                    detail = f"{detail} (after a redirect to {current})"
                return Result(url, status, detail, outcome.code, current if hops else None, _now(), requests, network=network)
            code = outcome.code or 0
            if code in (301, 302, 303, 307, 308) and outcome.location:
                target = urljoin(current, outcome.location)
                if urlsplit(target).scheme != "https":
                    return Result(url, "offsite", f"redirects to {target}, which is not https", code, target, _now(), requests)
                hops.append((code, target))
                permanent = permanent and code in (301, 308)
                current = target
                continue
            return self.judge(url, code, outcome.reason, hops, permanent, requests)
        return Result(url, "broken", f"more than {self.policy.max_redirects} redirects", None, current, _now(), requests)

    def judge(self, url: str, code: int, reason: str, hops: list[tuple[int, str]], permanent: bool, requests: int) -> Result:
        final = hops[-1][1] if hops else None
        answered = f"answered {code} {reason}".strip()
        if final and not _same_site(url, final):
            where = f"redirects to another site: {final}"
            return Result(url, "offsite", f"{where} ({answered})" if code >= 400 else where, code, final, _now(), requests)
        if code >= 400:
            if code in (401, 403, 405):
                return Result(url, "unsure", f"{answered}: the site refuses automated checks; open it in a browser",
                              code, final, _now(), requests)
            if code == 429:
                return Result(url, "unsure", f"{answered} after {requests} requests: not checked", code, final, _now(), requests)
            suffix = f" (after a redirect to {final})" if final else ""
            return Result(url, "broken", answered + suffix, code, final, _now(), requests)
        if final and permanent and final != url:
            return Result(url, "moved", f"moved permanently to {final}: print that address", code, final, _now(), requests)
        if final:
            return Result(url, "redirect", f"redirects (temporarily) to {final}", code, final, _now(), requests)
        return Result(url, "ok", answered, code, None, _now(), requests)


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _same_site(a: str, b: str) -> bool:
    """Same host, give or take 'www.', or one a subdomain of the other (fedasil.be, www.fedasil.be)."""
    x, y = _site(urlsplit(a).hostname or ""), _site(urlsplit(b).hostname or "")
    return x == y or x.endswith("." + y) or y.endswith("." + x)


# ------------------------------------------------------------------ what the command prints


def report_lines(report: Report) -> tuple[list[str], list[str]]:
    """The table grouped by owner, and the problems as file:line:column lines (warnings first)."""
    table: list[str] = []
    for _, name, uses in report.by_owner():
        path = uses[0][1].path
        table.append(f"{name} ({path})")
        for target, use in uses:
            result = report.results[target.url]
            where = use.field + ("" if use.printed else ", not printed")
            age = f", checked {result.checked_at[:10]}" if result.cached else ""
            table.append(f"  {result.status:<9} {target.url}  ({where}{age})")
            if result.status != "ok":
                table.append(f"  {'':<9} {result.detail}")
    problems: list[tuple[int, str]] = []
    for target in report.targets:
        result = report.results[target.url]
        if result.severity not in ("warning", "error"):
            continue
        for use in target.uses:
            severity = "error" if result.severity == "error" and use.printed else "warning"
            problems.append((severity == "error", f"{use.path}:{use.line}:{use.column}: {severity}: {use.field}: "
                                                  f"{target.url} {result.detail}"))
    return table, [line for _, line in sorted(problems, key=lambda p: p[0])]


def summary(report: Report) -> str:
    counts = report.counts()
    total = len(report.targets)
    parts = ", ".join(f"{counts[s]} {s}" for s in SEVERITY if counts.get(s))
    broken = len(report.broken_printed())
    end = f"; {broken} printed address{'es' if broken != 1 else ''} broken" if broken else ""
    return f"{total} address{'es' if total != 1 else ''}: {parts or 'none'}{end} ({report.elapsed:.1f} s)"

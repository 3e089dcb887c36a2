"""The orchestrator: check the content, then build each edition in memory and write it in one step."""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from . import __version__, design, fit
from .errors import BuildError, ContentError
from .files import LAYOUTS, write_atomic
from .i18n import ContentTranslator, content_translator
from .quick import DEFAULT_CMYK_PROFILE, FORMATS, code_fingerprint, inputs_fingerprint, remember
from .render import render_booklet
from .validate import Catalogue, load_catalogue
from .view import Edition, Words, booklet_view

# WeasyPrint is imported where a PDF is made, not at start-up: `check`, `list` and a build with
# nothing to render never pay for loading it (and a build with nothing changed loads even less: quick.py).


@dataclass
class Built:
    """One PDF as recorded in output/manifest.json."""

    path: str
    audience: str
    lang: str
    format: str
    pages: int
    sha256: str
    bytes: int
    qr_urls: list[str]
    region: str | None = None
    discreet: bool = False
    centre: str | None = None
    print_shop: bool = False
    fingerprint: str = ""
    """Of everything this PDF was made from: a build skips it while that is unchanged."""
    inputs: str = ""
    """Of all inputs of the build that wrote or confirmed it (the quick no-change check)."""
    design: list[str] = dataclasses.field(default_factory=list)
    """What the design checks found on its pages (generator/design.py): layout warnings."""
    arrangement: dict = dataclasses.field(default_factory=dict)
    """Which of its format's arrangements (VARIANTS) was printed: {} when the format has one."""


def check(root: Path) -> Catalogue:
    """Load and validate; raise ContentError with every error when there is any."""
    cat = load_catalogue(root)
    if cat.errors:
        raise ContentError(cat.problems)
    return cat


PRINT_SHOP_FORMATS = ("booklet", "poster")
"""What a print shop is given (with bleed, crop marks and CMYK); it imposes booklets itself."""


def editions(cat: Catalogue, audiences: Iterable[str] | None = None, langs: Iterable[str] | None = None,
             formats: Iterable[str] | None = None, region: str | None = None, discreet: bool = False,
             centre: str | None = None, print_shop: bool = False) -> list[Edition]:
    """The documents to build, in a stable order (each booklet before its imposed sheets)."""
    if centre is not None:
        if centre not in cat.centres:
            known = ", ".join(sorted(cat.centres)) or "none yet (content/centres/ is empty)"
            raise BuildError(f"no centre '{centre}'; expected one of: {known}")
        c = cat.centres[centre]
        audiences = audiences or c.audiences
        langs = langs or c.languages
        region = c.region
    chosen = list(audiences) if audiences else sorted(cat.audiences)
    unknown = [a for a in chosen if a not in cat.audiences]
    if unknown:
        raise BuildError(f"no audience {', '.join(repr(a) for a in unknown)}; expected one of: {', '.join(sorted(cat.audiences))}")
    enabled = cat.booklet.languages
    lang_list = list(langs) if langs else list(enabled)
    bad = [lang for lang in lang_list if lang not in enabled]
    if bad:
        raise BuildError(f"language {', '.join(repr(b) for b in bad)} is not enabled; expected one of: {', '.join(enabled)} "
                         "(the languages: list of content/booklet.yaml)")
    format_list = list(formats) if formats else (list(PRINT_SHOP_FORMATS) if print_shop else list(FORMATS))
    if print_shop and not set(format_list) <= set(PRINT_SHOP_FORMATS):
        refused = ", ".join(f for f in format_list if f not in PRINT_SHOP_FORMATS)
        raise BuildError(f"--print-shop makes A5 booklet pages and A3 posters with bleed for a print shop, not {refused}; "
                         "expected --format booklet, --format poster or both")
    bad = [f for f in format_list if f not in FORMATS]
    if bad:
        raise BuildError(f"format {', '.join(repr(b) for b in bad)} is not known; expected one of: {', '.join(FORMATS)}")
    format_list.sort(key=FORMATS.index)
    if "card" in format_list and cat.booklet.full_list_url is None:
        if formats and "card" in formats:
            raise BuildError("a wallet card's QR code leads to the full list: set full_list_url: in content/booklet.yaml "
                             "to the page where the list is published")
        format_list.remove("card")  # not configured: the other formats are built
    return [Edition(a, lang, fmt, region, discreet, centre, print_shop) for a in chosen for lang in lang_list for fmt in format_list]


def _check_for(kind: str, what: str) -> Callable[[object], None] | None:
    return {
        "leaflet": lambda doc: fit.check_leaflet(doc, what),
        "poster": lambda doc: fit.check_single_page(doc, what, "poster"),
        "card": lambda doc: fit.check_single_page(doc, what, "card"),
    }.get(kind)


def _profile(edition: Edition, cmyk_profile: Path | None) -> Path | None:
    if not edition.print_shop:
        return None
    profile = cmyk_profile or DEFAULT_CMYK_PROFILE
    if not profile.is_file():
        raise BuildError(f"no CMYK colour profile at {profile}: pass the print shop's profile with --cmyk-profile FILE.icc, "
                         "or install Debian's libgs-common for a generic one")
    return profile


@dataclass(frozen=True)
class Job:
    """One rendering, and the editions made from it: everything a worker process needs."""

    source: Edition
    editions: tuple[Edition, ...]
    html: str
    kind: str
    rtl: bool
    cmyk_profile: Path | None
    layouts: Path = LAYOUTS
    expect: design.Expect = design.Expect()
    """What the document's text must say (its own format's name, the emergency numbers)."""
    alternatives: tuple[str, ...] = ()
    """Other HTML of the same content, tried in order when ``html`` does not fit its format or
    leaves a panel blank (a leaflet's roomier and more compact arrangements)."""


# How a format may be arranged, in the order tried. A leaflet is first laid out with each part on
# its own panels (the flap: what you can do; the inside: who can help), every card's full summary
# and 10 pt type; when that does not fit, or leaves a panel blank, in 9 pt, then with the parts
# flowing on, then with the inside cards saying in one line what each service does, and at last
# set a little tighter (8.5 pt, never under 7 pt); a leaflet with little to say (a regional
# edition) is tried last in larger type (11 pt), then with the general introduction ("Your
# rights") on its flap; and at last with the inside cards shared evenly over the three inside
# panels, in 10 pt and then 11 pt (cards that fill two panels and a line of the third). The first arrangement without a blank panel is
# printed; when every one leaves one, the fitting one with the fewest layout warnings. When none
# fits, the error is that of the most compact one (last_resort): it names what to shorten.
# A poster or a wallet card is first laid out at its full sizes, then, if it does not fit, more
# compactly (a poster's body never under 15 pt, its numbers 27 pt; a card's never under 7 pt);
# a card that chose its own services (no 'card:' list) keeps two of the three at last.
VARIANTS: dict[str, tuple[dict, ...]] = {
    "leaflet": ({"spread": True, "roomy": True}, {"spread": True}, {"spread": False, "roomy": True}, {"spread": False},
                {"spread": True, "short_cards": True}, {"spread": False, "short_cards": True},
                {"spread": False, "short_cards": True, "dense": True},
                {"spread": False, "short_cards": True, "dense": True, "no_places": True, "last_resort": True},
                {"spread": True, "large": True}, {"spread": True, "large": True, "with_introduction": True},
                {"spread": True, "roomy": True, "balanced": True}, {"spread": True, "large": True, "balanced": True}),
    "poster": ({"compact": False}, {"compact": True}, {"compact": True, "tight": True, "last_resort": True}),
    "card": ({"compact": False}, {"compact": True}, {"compact": True, "max_lines": 2, "last_resort": True}),
}
LAST_RESORT = {kind: i for kind, variants in VARIANTS.items() for i, v in enumerate(variants) if v.get("last_resort")}
"""For each format, the arrangement whose error is reported when none fits."""


def prepare(cat: Catalogue, source: Edition, tr: ContentTranslator, layouts: Path = LAYOUTS) -> tuple[dict, str, str]:
    """The view and the HTML of a source edition: cheap, done in the main process."""
    view = booklet_view(cat, source, Words(source.lang), tr)
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():  # reproducible-builds.org convention
        stamp = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=UTC)
        view["date"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    kind = "booklet" if source.format == "booklet" else source.format
    return view, _render(view, source, kind, layouts, VARIANTS.get(kind, ({},))[0]), kind


def alternatives(view: dict, source: Edition, kind: str, layouts: Path = LAYOUTS) -> tuple[str, ...]:
    """The other arrangements of a leaflet, poster or card (see VARIANTS), in the order to try them."""
    return tuple(_render(view, source, kind, layouts, variant) for variant in VARIANTS.get(kind, ())[1:])


def _render(view: dict, source: Edition, kind: str, layouts: Path, variant: dict) -> str:
    return render_booklet(view | variant, generator=f"booklet {__version__} (WeasyPrint)",
                          keywords="" if source.discreet else source.audience, layouts=layouts, kind=kind)


def run_job(job: Job) -> list[tuple[Edition, bytes, int, list[str], int]]:
    """Lay one source out once and write each of its editions: the pages as they are, or placed
    on sheets (imposition, folding, cards). Returns each edition's PDF, its number of pages, what
    the design checks found on the laid-out pages and which arrangement (VARIANTS) was printed.
    Runs in a worker process."""
    from .impose import layout_for
    from .pdf import html_to_pdfs

    fits = _check_for(job.kind, job.source.relpath)
    outputs = [(hashlib.md5(edition.relpath.encode()).digest(), layout_for(edition.format, job.rtl)) for edition in job.editions]
    found: dict[int, list[str]] = {}  # what the design checks found on each laid-out arrangement
    failures: list[BuildError | None] = []  # per arrangement tried, in order: why it did not fit

    def checks(document: Any) -> int:
        """Raises BuildError when the content does not fit; counts the layout warnings that make
        another arrangement worth trying (a blank panel)."""
        failures.append(None)
        if fits is not None:
            try:
                fits(document)
            except BuildError as exc:
                failures[-1] = exc
                raise
        found[id(document)] = design.check(document, job.kind, job.expect)
        return sum("blank" in problem for problem in found[id(document)])

    chosen: list[Any] = []
    try:
        written = html_to_pdfs([job.html, *job.alternatives], outputs, layouts=job.layouts, rtl=job.rtl,
                               cmyk_profile=job.cmyk_profile, check=checks, chosen=chosen)
    except BuildError:
        last_resort = LAST_RESORT.get(job.kind)
        compact = failures[last_resort] if last_resort is not None and last_resort < len(failures) else None
        if compact is not None:
            raise compact from None  # the most compact arrangement says what to shorten
        raise
    arrangement, document = chosen
    return [(edition, pdf, pages, found.get(id(document), []), arrangement)
            for edition, (pdf, pages) in zip(job.editions, written, strict=True)]


def render_edition(cat: Catalogue, edition: Edition, layouts: Path = LAYOUTS,
                   tr: ContentTranslator | None = None, cmyk_profile: Path | None = None) -> tuple[bytes, int, dict]:
    """One edition, entirely in memory: the PDF bytes, its page count and the view it showed."""
    view, html, kind = prepare(cat, edition.source, tr or content_translator(cat.root, edition.lang), layouts)
    job = Job(edition.source, (edition,), html, kind, view["dir"] == "rtl", _profile(edition, cmyk_profile), layouts,
              design.Expect.of(view), alternatives(view, edition.source, kind, layouts))
    [(_edition, pdf, pages, _design, _arrangement)] = run_job(job)
    return pdf, pages, view


# ------------------------------------------------------------------ fingerprints: rebuild only what changed


def edition_fingerprint(edition: Edition, html: str, cmyk_profile: Path | None) -> str:
    """What one PDF is made from: its HTML (which carries all the content it shows), its format
    and edition, the code and layouts, and the print shop's profile."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(repr(edition).encode() + b"\0" + html.encode())
    if cmyk_profile is not None:
        digest.update(cmyk_profile.read_bytes())
    return digest.hexdigest()


def _up_to_date(out: Path, entry: dict | None, key: str, value: str) -> bool:
    if not entry or entry.get(key) != value:
        return False
    path = out / entry["path"]
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    except OSError:
        return False


def read_manifest(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / "manifest.json").read_text("utf-8"))
        return {entry["path"]: entry for entry in data.get("documents", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out: Path, entries: dict[str, dict]) -> None:
    documents = [entries[k] for k in sorted(entries)]
    payload = {"generator": f"booklet {__version__}", "documents": documents}
    write_atomic(out / "manifest.json", (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def translation_problems(cat: Catalogue, langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per language, the content fields that would fall back to English, and why."""
    from .i18n import content_fields

    fields = content_fields(cat)
    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        if lang == "en":
            continue
        tr = content_translator(cat.root, lang)
        for f in fields:
            tr(f.context, f.text)
        if tr.fallbacks:
            out[lang] = dict(sorted(tr.fallbacks.items()))
    return out


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def changed_since_filter(root: Path, ref: str) -> Callable[[Edition, str], bool]:
    """Which editions differ from what the content at git revision ``ref`` would give.

    The content of ``ref`` is checked out into a temporary folder and each edition's HTML is
    made from it with today's code: an edition is built when its fingerprint differs (or it is
    new). When the code or layouts changed since ``ref``, everything is built.
    """
    try:
        changed = subprocess.run(["git", "-C", str(root), "diff", "--name-only", ref, "--", "generator", "layouts"],
                                 capture_output=True, text=True, check=True).stdout.split()
        archive = subprocess.run(["git", "-C", str(root), "archive", ref, "content"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        detail = detail.decode() if isinstance(detail, bytes) else detail
        raise BuildError(f"--changed-since {ref}: git could not read that revision ({detail.strip() or exc})") from None
    if changed:
        return lambda edition, fingerprint: True
    old_root = Path(tempfile.mkdtemp(prefix="booklet-ref-"))
    atexit.register(shutil.rmtree, old_root, True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old_root, filter="data")
    old = load_catalogue(old_root)
    if old.errors:  # the old content did not build: everything is new
        return lambda edition, fingerprint: True
    before: dict[str, str] = {}
    translators: dict[str, ContentTranslator] = {}

    def differs(edition: Edition, fingerprint: str) -> bool:
        key = edition.relpath
        if key not in before:
            try:
                tr = translators.setdefault(edition.lang, content_translator(old_root, edition.lang))
                _view, html, _kind = prepare(old, edition.source, tr)
                profile = DEFAULT_CMYK_PROFILE if edition.print_shop and DEFAULT_CMYK_PROFILE.is_file() else None
                before[key] = edition_fingerprint(edition, html, profile)
            except (KeyError, BuildError):  # the audience, situation or centre is new
                before[key] = ""
        return before[key] != fingerprint

    return differs


class OutputLock:
    """One build at a time per output folder: a second one stops with a clear message instead
    of interleaving its writes. The lock dies with the process, even on kill -9."""

    def __init__(self, out: Path):
        self.path = out / ".booklet.lock"
        self.file: IO[str] | None = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise BuildError(f"another build is writing to {self.path.parent} ({holder}); wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')} UTC")
        handle.flush()
        self.file = handle
        for stale in self.path.parent.rglob(".*.tmp"):  # left by a build that was killed mid-write
            stale.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


def shard(todo: list[Edition], spec: str | None) -> list[Edition]:
    """A stable share of the set for one of n CI runners: 'i/n' takes every n-th rendering from
    the i-th on (editions made from one rendering stay together)."""
    if not spec:
        return todo
    try:
        i, n = (int(x) for x in spec.split("/"))
        if not 1 <= i <= n:
            raise ValueError
    except ValueError:
        raise BuildError(f"--shard '{spec}' is not of the form i/n with 1 <= i <= n, such as 1/4") from None
    sources = sorted({e.source.relpath for e in todo})
    mine = set(sources[i - 1 :: n])
    return [e for e in todo if e.source.relpath in mine]


def build(
    root: Path,
    out: Path,
    audiences: Iterable[str] | None = None,
    langs: Iterable[str] | None = None,
    progress: Callable[[Edition, Built], None] | None = None,
    on_start: Callable[[list[Edition]], None] | None = None,
    strict: bool = False,
    formats: Iterable[str] | None = None,
    region: str | None = None,
    discreet: bool = False,
    centre: str | None = None,
    print_shop: bool = False,
    cmyk_profile: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    shard_spec: str | None = None,
    only: Callable[[Edition, str], bool] | None = None,
    request: str | None = None,
) -> tuple[Catalogue, list[Built]]:
    """Check everything first; write nothing if the content has errors (or, with ``strict``,
    warnings, stale or missing translations). Then render what changed since the last build
    (``force``: everything), on ``jobs`` processes, and write each PDF as it comes. With
    ``request`` (the key of the command's options), a successful build is recorded for the
    no-change fast path (quick.py)."""
    # Hashed before anything is read: a record never claims newer content than what was built.
    inputs = inputs_fingerprint(root, (cmyk_profile or DEFAULT_CMYK_PROFILE) if print_shop else None)
    cat = check(root)
    todo = shard(editions(cat, audiences, langs, formats, region, discreet, centre, print_shop), shard_spec)
    if strict:
        if cat.warnings:
            raise ContentError([dataclasses.replace(p, severity="error") for p in cat.warnings])
        problems = translation_problems(cat, sorted({e.lang for e in todo}))
        if problems:
            lines = [f"{lang}: {context}: {why} translation" for lang, fields in problems.items() for context, why in fields.items()]
            raise BuildError("translations are not complete (--strict):\n" + "\n".join(lines))
    profile = _profile(todo[0], cmyk_profile) if todo and todo[0].print_shop else None
    with OutputLock(out):
        done = _build_locked(cat, root, out, todo, profile, progress, on_start, jobs, force, only, inputs)
        if request is not None and only is None:
            manifest = read_manifest(out)
            outputs = {e.relpath: manifest[e.relpath]["sha256"] for e in todo if e.relpath in manifest}
            outputs["manifest.json"] = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
            layout = [f"warning: {e.relpath}: layout: {p}" for e in todo for p in manifest.get(e.relpath, {}).get("design", [])]
            remember(out, request, inputs, outputs, notices(cat) + layout)
        return cat, done


def notices(cat: Catalogue) -> list[str]:
    """What every build repeats: each fact on hold (printed in no booklet), and how many other
    warnings `booklet check` lists."""
    held = [str(p) for p in sorted(cat.warnings) if p.kind == "hold"]
    rest = len(cat.warnings) - len(held)
    if rest:
        held.append(f"{rest} more warning{'s' if rest != 1 else ''} (review notes and the like): run 'booklet check' to list them")
    return held


def _build_locked(cat: Catalogue, root: Path, out: Path, todo: list[Edition], profile: Path | None,
                  progress: Callable[[Edition, Built], None] | None, on_start: Callable[[list[Edition]], None] | None,
                  jobs: int, force: bool, only: Callable[[Edition, str], bool] | None, inputs: str) -> list[Built]:
    manifest = read_manifest(out)
    if not force and only is None and all(_up_to_date(out, manifest.get(e.relpath), "inputs", inputs) for e in todo):
        return []  # nothing changed since the last build: nothing to render
    if on_start:
        on_start(todo)
    done: list[Built] = []
    translators = {lang: content_translator(root, lang) for lang in sorted({e.lang for e in todo})}

    def pending() -> Iterator[tuple[Job, dict, dict[Edition, str]]]:
        groups: dict[Edition, list[Edition]] = {}
        for edition in todo:
            groups.setdefault(edition.source, []).append(edition)
        for source, members in groups.items():
            view, html, kind = prepare(cat, source, translators[source.lang])
            prints = {e: edition_fingerprint(e, html, profile) for e in members}
            if only is not None:
                members = [e for e in members if only(e, prints[e])]
            elif not force:
                members = [e for e in members if not _up_to_date(out, manifest.get(e.relpath), "fingerprint", prints[e])]
            for e in set(prints) - set(members):  # unchanged: the file stays, its record learns the new inputs
                if e.relpath in manifest:
                    manifest[e.relpath]["inputs"] = inputs
            if members:
                yield (Job(source, tuple(members), html, kind, view["dir"] == "rtl", profile, expect=design.Expect.of(view),
                           alternatives=alternatives(view, source, kind)), view, prints)

    def record(result: list[tuple[Edition, bytes, int, list[str], int]], view: dict, prints: dict[Edition, str]) -> None:
        for edition, pdf, pages, found, arrangement in result:
            write_atomic(out / edition.relpath, pdf)
            built = Built(edition.relpath, edition.audience, edition.lang, edition.format, pages,
                          hashlib.sha256(pdf).hexdigest(), len(pdf), view["qr_urls"],
                          edition.region, edition.discreet, edition.centre, edition.print_shop, prints[edition], inputs,
                          found, VARIANTS.get(edition.source.format, ({},))[arrangement])
            manifest[built.path] = asdict(built)
            write_manifest(out, manifest)
            done.append(built)
            if progress:
                progress(edition, built)

    if jobs <= 1:
        for job, view, prints in pending():
            record(run_job(job), view, prints)
    else:
        # Workers render; this process writes. At most two jobs per worker wait at once, so memory
        # stays flat however many PDFs the set holds.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            waiting: dict[Future, tuple[dict, dict[Edition, str]]] = {}
            for job, view, prints in pending():
                waiting[pool.submit(run_job, job)] = (view, prints)
                while len(waiting) >= 2 * jobs:
                    finished, _ = wait(waiting, return_when=FIRST_COMPLETED)
                    for future in finished:
                        record(future.result(), *waiting.pop(future))
            for future in as_completed(list(waiting)):
                record(future.result(), *waiting.pop(future))
    write_manifest(out, manifest)
    return done

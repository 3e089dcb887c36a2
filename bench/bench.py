"""`make bench`: how fast the pipeline is, and where the time goes. Not part of `make test`.

Prints a Markdown table (and writes it to docs/benchmarks.md with --write): per-document time
of the pipeline against WeasyPrint alone on the same HTML, the full set on one core and on all,
a rebuild with nothing changed, a rebuild after one service changed, and peak memory. Every
figure is the median of several runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BOOKLET = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); from generator.cli import main; main()"]
"""`booklet` with this repository's code (the venv's entry point may be another checkout's, installed editable)."""

from generator.base.edition import Edition  # noqa: E402
from generator.base.request import available_cores  # noqa: E402
from generator.build.plan import prepare  # noqa: E402
from generator.build.run import run_job  # noqa: E402
from generator.content.validate import load_catalogue  # noqa: E402
from generator.i18n.translator import content_translator  # noqa: E402
from generator.paper.pdf import LayoutsOnlyFetcher, _font_config  # noqa: E402

LAYOUTS = ROOT / "layouts"
"""The repository's layouts: the projects this script makes link to them."""


def with_layouts(root: Path) -> Path:
    """A project in ``root`` reads its own layouts/: link the repository's."""
    (root / "layouts").symlink_to(LAYOUTS, target_is_directory=True)
    return root


def paired_cpu_times(a, b, runs: int) -> tuple[float, float]:
    """Median CPU time of ``a`` and of ``b``, run alternately: on a shared machine, CPU time of
    this process varies less than wall time, and alternating spreads the drift over both."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in ((a, times[0]), (b, times[1])):
            start = time.process_time()
            fn()
            out.append(time.process_time() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def timed_cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def weasyprint_alone(html: str, writes: int) -> None:
    """WeasyPrint on the same HTML: one layout, and as many plain PDF writes as the job has outputs."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=LAYOUTS.as_uri() + "/", url_fetcher=LayoutsOnlyFetcher(LAYOUTS)).render(
        font_config=_font_config(LAYOUTS))
    for _ in range(writes):
        document.write_pdf(pdf_variant="pdf/ua-1")


def reference_list(work: Path) -> Path:
    """The speed issue's reference document: one A5 list of twelve services, nothing else."""
    root = work / "reference"
    shutil.copytree(ROOT / "content", root / "content")
    with_layouts(root)
    twelve = "actiris, caw, comite-p, fedasil, federal-ombudsman, forem, igvm, lumi, myria, police-watch, unia, vmri"
    (root / "content/situations/list12.yaml").write_text(f"title: Who can help\nservices: [{twelve}]\n")
    (root / "content/audiences/list12.yaml").write_text("title: Twelve services\nsituations:\n  - list12\n")
    return root


class OwnWork:
    """Times the pipeline's own steps directly, where they run (a difference of two noisy totals
    cannot resolve a few per cent): the view and HTML, the fit check, and what the finisher does
    to WeasyPrint's PDF (artifacts, identifiers, placing pages on sheets)."""

    def __init__(self) -> None:
        import generator.build.plan
        import generator.paper.fit
        import generator.paper.pdf

        self.seconds = 0.0
        for module, name in ((generator.build.plan, "prepare"), (generator.paper.fit, "check_leaflet"),
                             (generator.paper.fit, "check_single_page"), (generator.paper.pdf, "_unreachable_content_as_artifacts"),
                             (generator.paper.pdf, "_right_to_left"), (generator.paper.pdf, "_stable_document_id"),
                             (generator.paper.pdf, "place")):
            setattr(module, name, self._timed(getattr(module, name)))

    def _timed(self, fn):
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - start
        return timed


SMOKE_DOCUMENT = Edition("workplace", "en", "poster")
"""The one tiny document of ``--smoke`` (tests/test_bench.py): one A3 page, one arrangement."""

SMOKE_BUILD = ["--audience", SMOKE_DOCUMENT.audience, "--lang", SMOKE_DOCUMENT.lang, "--format", SMOKE_DOCUMENT.format]
"""What the builds of ``--smoke`` make: that document alone."""


class Arrangements:
    """Counts the arrangements of a leaflet (formats.py: variants) laid out, where they are laid out."""

    def __init__(self) -> None:
        import generator.paper.pdf

        self.count = 0
        render = generator.paper.pdf.HTML.render

        def counted(html, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.count += 1
            return render(html, *args, **kwargs)

        generator.paper.pdf.HTML = type("HTML", (generator.paper.pdf.HTML,), {"render": counted})


def per_document(runs: int, work: Path, smoke: bool = False) -> list[tuple[str, float, float, float, int, float]]:
    import generator.build.plan

    own = OwnWork()
    layouts = Arrangements()
    jobs = [(ROOT, Edition("workplace", "en"), ()), (ROOT, Edition("asylum-centre", "en"), ()),
            (ROOT, Edition("asylum-centre", "ar"), ()),
            (ROOT, Edition("asylum-centre", "en"), (Edition("asylum-centre", "en", "booklet-imposed"),)),
            (ROOT, Edition("asylum-centre", "en", "leaflet"), ()), (ROOT, Edition("workplace", "en", "leaflet"), ()),
            (ROOT, Edition("asylum-centre", "en", "poster"), ()),
            (reference_list(work), Edition("list12", "en"), ())]
    if smoke:
        jobs = [(ROOT, SMOKE_DOCUMENT, ())]
    rows = []
    for root, edition, more in jobs:
        cat = load_catalogue(root)
        tr = content_translator(root, edition.lang)

        def pipeline(edition: Edition = edition, more=more, tr=tr, cat=cat) -> int:
            job, _view = generator.build.plan.job_for(cat, edition, LAYOUTS, tr, more=more)  # every arrangement, as a build
            return run_job(job)[-1][2]

        pages = pipeline()  # warm: fonts, templates, QR codes are paid once per process
        view, html, _kind = prepare(cat, edition, tr, LAYOUTS)
        writes = 1 + len(more)
        layouts.count = 0
        pipeline()
        laid_out = layouts.count  # HTML laid out by one run: its arrangements, and a booklet's back cover
        own.seconds = 0.0
        whole, alone = paired_cpu_times(pipeline, lambda html=html, n=writes: weasyprint_alone(html, n), runs)
        name = edition.relpath if not more else f"{edition.relpath} + {more[0].format}"
        if root != ROOT:
            name = f"reference: 12 services ({edition.relpath})"
        rows.append((name, whole, alone, own.seconds / runs, pages, laid_out))
    return rows


NOTES = "## Reading it"

PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def timed_build(args: list[str], runs: int, setup=None) -> tuple[float, float]:
    """Median wall time of a `booklet build`, and the peak RSS (MiB) of its largest process,
    measured in a wrapper process of its own so one build's peak does not hide another's."""
    times, peaks = [], []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", PEAK, *BOOKLET, *args], check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        peaks.append(int(result.stdout.split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def rebuilt(args: list[str]) -> int:
    """How many PDFs a build renders (its "built ..." lines)."""
    result = subprocess.run([*BOOKLET, *args], check=True, capture_output=True, text=True)
    return sum(1 for line in result.stderr.splitlines() if line.startswith("built "))


def serve_reload(work: Path, runs: int) -> tuple[float, float]:
    """`booklet serve` for one language: from saving a change to one service to the moment the
    open page reloads with it (the server writes the web pages first and changes its state, then
    renders the PDFs and changes it again), median and worst, each change made on a quiet server."""
    import urllib.request

    proc = subprocess.Popen([*BOOKLET, "--root", str(work), "serve", "--lang", "en", "--port", "0",
                             "--out", str(work / "served")], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("Serving"):  # said as soon as it listens; the first build follows
                address = line.split(" on ")[1].split(" ")[0]
                break
        for line in proc.stderr:
            if line.startswith("built ") or line.strip() == "nothing changed":
                break
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # the terminal lines of each build, unread
        state = address + "__booklet/state"

        def now() -> str:
            return urllib.request.urlopen(state, timeout=10).read().decode()

        service = work / "content/services/vmri.yaml"
        original = service.read_text()
        times = []
        for i in range(runs):
            before = now()
            time.sleep(0.5)
            start = time.perf_counter()
            service.write_text(original.replace("contact@vmri.be", "Contact@vmri.be" if i % 2 == 0 else "contact@vmri.be"))
            while now() == before:
                time.sleep(0.02)
            times.append(time.perf_counter() - start)
            done = int(before.split(":")[0]) + 2  # then the PDFs: the next change starts from a quiet server
            while int(now().split(":")[0]) < done:
                time.sleep(0.05)
        service.write_text(original)
        return statistics.median(times), max(times)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Shown(list):
    """The report's lines, each printed as soon as it is known: the full-set builds take minutes."""

    def append(self, line: str) -> None:
        super().append(line)
        print(line, flush=True)

    def __iadd__(self, more):  # type: ignore[no-untyped-def, override]
        for line in more:
            self.append(line)
        return self


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full-runs", type=int, default=None,
                        help="runs of each full-set build (default: --runs); each takes minutes")
    parser.add_argument("--write", action="store_true", help="also write docs/benchmarks.md")
    parser.add_argument("--smoke", action="store_true",
                        help="one tiny document, once (tests/test_bench.py): shows the script runs, measures nothing")
    ns = parser.parse_args()
    if ns.smoke and ns.write:
        parser.error("--smoke measures nothing worth writing to docs/benchmarks.md")
    runs = 1 if ns.smoke else ns.runs
    full_runs = 1 if ns.smoke else (ns.full_runs or runs)
    cores = available_cores()
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    lines = Shown()
    lines += [f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}; load average at the start {load}; medians of {runs} runs"
             f"{f' ({full_runs} of each full-set build)' if full_runs != runs else ''}.", ""]

    work = Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    try:
        doc_runs = 1 if ns.smoke else max(runs, 7)
        lines += [f"### One document (warm process; CPU time, median of {doc_runs} alternating runs)", "",
                  "| document | pages | layouts | pipeline | WeasyPrint alone | pipeline's own work (timed where it runs) | per page |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for path, whole, alone, own, pages, laid_out in per_document(doc_runs, work, ns.smoke):
            lines.append(f"| {path} | {pages} | {laid_out} | {whole:.3f} s | {alone:.3f} s | {own * 1000:.0f} ms = "
                         f"{own / alone * 100:.1f} % | {whole / pages * 1000:.0f} ms |")
        loading = statistics.median(timed_cpu(lambda: load_catalogue(ROOT)) for _ in range(doc_runs))
        lines += ["", f"Loading and validating all the content, once per build: {loading:.3f} s (CPU).",
                  "", "Layouts: the HTML WeasyPrint laid out for one run of the document (a leaflet's arrangements "
                  "tried, a booklet's back cover)."]

        shutil.copytree(ROOT / "content", work / "content")
        with_layouts(work)
        out = work / "output"
        only = SMOKE_BUILD if ns.smoke else []  # --smoke: the builds make its one document
        lines += ["", "### Builds (`booklet build`, whole command)", "", "| build | PDFs | time | peak memory |", "|---|---:|---:|---:|"]
        full1, mem1 = timed_build(["--root", str(work), "build", "--force", "-j", "1", "--out", str(out), *only], full_runs)
        count = sum(1 for p in out.rglob("*.pdf") if p.relative_to(out).parts[0] != "site")  # site/ links the same files
        lines.append(f"| full set, 1 process | {count} | {full1:.1f} s | {mem1:.0f} MiB |")
        if not ns.smoke:  # one document: as many processes as one
            fulln, memn = timed_build(["--root", str(work), "build", "--force", "-j", str(cores), "--out", str(out)], full_runs)
            lines.append(f"| full set, {cores} processes | {count} | {fulln:.1f} s ({fulln / full1:.2f}x) | {memn:.0f} MiB |")
            small, mems = timed_build(["--root", str(work), "build", "--force", "-j", "1", "--audience", "workplace", "--lang",
                                       "en", "--out", str(work / "small")], runs)
            lines.append(f"| one audience, one language, 1 process | 4 | {small:.1f} s | {mems:.0f} MiB |")
        nochange, _ = timed_build(["--root", str(work), "build", "--out", str(out), *only], 1 if ns.smoke else max(runs, 5))
        lines.append(f"| nothing changed | 0 | {nochange:.2f} s | |")
        service = work / "content/services/vmri.yaml"
        original = service.read_text()
        flip = {"n": 0}

        def change_one_service() -> None:
            flip["n"] += 1
            service.write_text(original.replace("contact@vmri.be", "contact@vmri.be" if flip["n"] % 2 else "Contact@vmri.be"))

        one, _ = timed_build(["--root", str(work), "build", "-j", str(cores), "--out", str(out), *only], runs,
                             setup=change_one_service)
        change_one_service()
        shown = rebuilt(["--root", str(work), "build", "-j", str(cores), "--out", str(out), *only])
        lines.append(f"| one service changed (VMRI), {cores} processes | {shown} | {one:.1f} s | |")
        if not ns.smoke:  # a server for one language builds its twenty PDFs first
            reload_median, reload_worst = serve_reload(work, max(runs, 5))
            lines += ["", "### `booklet serve`, one language (English)", "",
                      f"From saving a change to one service to the page reloading with it: {reload_median:.2f} s "
                      f"(median; slowest {reload_worst:.2f} s). Target: at most 2 s. The PDFs follow: the page "
                      "reloads again when they are written."]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    if ns.write:
        doc = ROOT / "docs/benchmarks.md"
        doc.parent.mkdir(exist_ok=True)
        # The tables are remade; the notes a person wrote under "## Reading it" stay.
        old = doc.read_text("utf-8") if doc.exists() else ""
        notes = old[old.index(NOTES):] if NOTES in old else ""
        doc.write_text("# Benchmarks\n\nMade by `make bench` (bench/bench.py).\n\n" + text + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

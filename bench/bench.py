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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKLET = Path(sys.executable).parent / "booklet"
sys.path.insert(0, str(ROOT))

from generator.build import Job, available_cores, prepare, run_job  # noqa: E402
from generator.i18n import content_translator  # noqa: E402
from generator.pdf import LayoutsOnlyFetcher, _font_config  # noqa: E402
from generator.render import LAYOUTS  # noqa: E402
from generator.validate import load_catalogue  # noqa: E402
from generator.view import Edition  # noqa: E402


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def weasyprint_alone(html: str, rtl: bool) -> None:
    from weasyprint import HTML

    document = HTML(string=html, base_url=LAYOUTS.as_uri() + "/", url_fetcher=LayoutsOnlyFetcher(LAYOUTS)).render(
        font_config=_font_config())
    document.write_pdf(pdf_variant="pdf/ua-1")


def per_document(runs: int) -> list[tuple[str, float, float, int]]:
    cat = load_catalogue(ROOT)
    rows = []
    for edition in [Edition("workplace", "en"), Edition("asylum-centre", "en"), Edition("asylum-centre", "ar"),
                    Edition("asylum-centre", "en", "leaflet"), Edition("asylum-centre", "en", "poster")]:
        tr = content_translator(ROOT, edition.lang)

        def pipeline(edition: Edition = edition, tr=tr) -> int:
            view, html, kind = prepare(cat, edition, tr)
            [(_e, _pdf, pages)] = run_job(Job(edition, (edition,), html, kind, view["dir"] == "rtl", None))
            return pages

        pages = pipeline()  # warm: fonts, templates, QR codes are paid once per process
        view, html, _kind = prepare(cat, edition, tr)
        alone = median_time(lambda html=html, view=view: weasyprint_alone(html, view["dir"] == "rtl"), runs)
        whole = median_time(pipeline, runs)
        rows.append((edition.relpath, whole, alone, pages))
    return rows


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
        result = subprocess.run([sys.executable, "-c", PEAK, str(BOOKLET), *args], check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        peaks.append(int(result.stdout.split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="also write docs/benchmarks.md")
    ns = parser.parse_args()
    cores = available_cores()
    lines = [f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}; medians of {ns.runs} runs.", ""]

    lines += ["### One document (warm process)", "",
              "| document | pages | pipeline | WeasyPrint alone | pipeline's own work | per page |",
              "|---|---:|---:|---:|---:|---:|"]
    for path, whole, alone, pages in per_document(ns.runs):
        own = (whole - alone) / alone * 100
        lines.append(f"| {path} | {pages} | {whole:.3f} s | {alone:.3f} s | {own:+.1f} % | {whole / pages * 1000:.0f} ms |")

    work = Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    try:
        shutil.copytree(ROOT / "content", work / "content")
        out = work / "output"
        lines += ["", "### Builds (`booklet build`, whole command)", "", "| build | PDFs | time | peak memory |", "|---|---:|---:|---:|"]
        full1, mem1 = timed_build(["--root", str(work), "build", "--force", "-j", "1", "--out", str(out)], ns.runs)
        count = sum(1 for _ in out.rglob("*.pdf"))
        lines.append(f"| full set, 1 process | {count} | {full1:.1f} s | {mem1:.0f} MiB |")
        fulln, memn = timed_build(["--root", str(work), "build", "--force", "-j", str(cores), "--out", str(out)], ns.runs)
        lines.append(f"| full set, {cores} processes | {count} | {fulln:.1f} s ({fulln / full1:.2f}x) | {memn:.0f} MiB |")
        small, mems = timed_build(["--root", str(work), "build", "--force", "-j", "1", "--audience", "workplace", "--lang", "en",
                                   "--out", str(work / "small")], ns.runs)
        lines.append(f"| one audience, one language, 1 process | 4 | {small:.1f} s | {mems:.0f} MiB |")
        nochange, _ = timed_build(["--root", str(work), "build", "--out", str(out)], max(ns.runs, 5))
        lines.append(f"| nothing changed | 0 | {nochange:.2f} s | |")
        service = work / "content/services/vmri.yaml"
        original = service.read_text()
        flip = {"n": 0}

        def change_one_service() -> None:
            flip["n"] += 1
            service.write_text(original.replace("contact@vmri.be", "contact@vmri.be" if flip["n"] % 2 else "Contact@vmri.be"))

        one, _ = timed_build(["--root", str(work), "build", "-j", str(cores), "--out", str(out)], ns.runs, setup=change_one_service)
        lines.append(f"| one service changed (VMRI: shown in 16 PDFs) | 16 | {one:.1f} s | |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if ns.write:
        doc = ROOT / "docs/benchmarks.md"
        doc.parent.mkdir(exist_ok=True)
        doc.write_text("# Benchmarks\n\nMade by `make bench` (bench/bench.py).\n\n" + text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

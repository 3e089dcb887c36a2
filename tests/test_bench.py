"""`make bench` runs (bench/bench.py): its smoke run, on one tiny document, so the script cannot rot
between two benchmarks (issue 28: it once died on a leaflet's first arrangement)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_the_benchmark_runs_on_one_tiny_document():
    result = subprocess.run([sys.executable, str(ROOT / "bench/bench.py"), "--smoke"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    # the one document: its page, the HTML laid out for it (its arrangements tried), times and the cost per page
    document = next(row for row in rows if row.startswith("| en/workplace-poster.pdf |"))
    cells = [cell.strip() for cell in document.strip("|").split("|")]
    assert cells[1] == "1" and int(cells[2]) >= 1, document
    assert all(cell.endswith((" s", " ms")) for cell in cells[3:5] + cells[6:]), document
    assert "Loading and validating all the content, once per build:" in result.stdout
    # the builds make that document: once, then nothing, then nothing again when a service it does not show changes
    assert any(row.startswith("| full set, 1 process | 1 |") and row.endswith(" MiB |") for row in rows), rows
    assert any(row.startswith("| nothing changed | 0 |") for row in rows), rows
    assert any(row.startswith("| one service changed (VMRI), ") for row in rows), rows

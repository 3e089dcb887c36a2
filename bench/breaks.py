"""Lines that end where they must not, across every PDF a full build makes (issue 24, item 7).

    python bench/breaks.py [--out DIR] [--list]

Builds everything (as `make build` does) into a temporary folder, or reads the build in DIR, and
counts the design checks' line-break warnings (generator/paper/design.py: check_breaks) in its
manifest, by kind and by language; --list prints each one.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.cli import run  # noqa: E402
from generator.paper.design import BREAK_REASONS  # noqa: E402

KIND = {reason: kind for kind, reason in BREAK_REASONS.items()}
BREAK = re.compile(r'^page (\d+): "(.*)" ends a line; (.*)$', re.S)


def breaks(out: Path) -> list[tuple[str, str, str]]:
    """(document, kind, message) of every line-break warning in a build's manifest."""
    documents = json.loads((out / "manifest.json").read_text())["documents"]
    found = []
    for document in documents:
        for message in document.get("design", []):
            match = BREAK.match(message)
            if match and match.group(3) in KIND:
                found.append((document["path"], KIND[match.group(3)], message))
    return found


def report(out: Path, listing: bool) -> str:
    found = breaks(out)
    documents = len(json.loads((out / "manifest.json").read_text())["documents"])
    by_kind = Counter(kind for _path, kind, _message in found)
    by_lang = Counter(path.split("/")[-2] if "/discreet/" not in path else path.split("/")[-3] for path, _k, _m in found)
    lines = [f"{len(found)} bad line breaks in {documents} PDFs",
             "by kind: " + (", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())) or "none"),
             "by language: " + (", ".join(f"{k} {n}" for k, n in sorted(by_lang.items())) or "none")]
    if listing:
        lines += [f"{path}: {message}" for path, _kind, message in found]
    return "\n".join(lines)


if __name__ == "__main__":
    listing = "--list" in sys.argv
    if "--out" in sys.argv:
        print(report(Path(sys.argv[sys.argv.index("--out") + 1]), listing))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            code = run(["--root", str(ROOT), "build", "--force", "--out", tmp])
            if code:
                raise SystemExit(code)
            print(report(Path(tmp), listing))

"""Pages and imposed A4 sheets per copy, for every audience and language: docs/sheets.md.

    python bench/sheets.py [--write]

Builds the A5 booklets and their imposed sheets into a temporary folder and reads the page counts
from its manifest. One sheet is printed on both sides and carries four A5 pages.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.cli import run  # noqa: E402
from generator.content.validate import load_catalogue  # noqa: E402


def table() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        code = run(["--root", str(ROOT), "build", "--format", "booklet", "--format", "booklet-imposed", "--out", tmp])
        if code:
            raise SystemExit(code)
        documents = json.loads((Path(tmp) / "manifest.json").read_text())["documents"]
    pages = {(d["audience"], d["lang"], d["format"]): d["pages"] for d in documents}
    langs = sorted({d["lang"] for d in documents}, key=lambda lang: (lang != "en", lang))
    audiences = sorted({d["audience"] for d in documents})
    lines = ["# Pages and sheets per copy", "",
             "Made by `make sheets` (bench/sheets.py). Each cell: A5 pages of the booklet / A4 sheets of the imposed",
             "booklet (printed on both sides, four pages a sheet). Body text 10 pt, nothing under 7 pt.", "",
             "| audience | target | " + " | ".join(langs) + " |", "|---|---|" + "---|" * len(langs)]
    for audience in audiences:
        cells = [f"{pages[(audience, lang, 'booklet')]} / {pages[(audience, lang, 'booklet-imposed')] // 2}" for lang in langs]
        target = load_catalogue(ROOT).audiences[audience].sheets  # the audience's own budget (sheets:)
        lines.append(f"| {audience} | {f'≤ {target} sheets' if target else ''} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = table()
    if "--write" in sys.argv:
        (ROOT / "docs/sheets.md").write_text(text, encoding="utf-8")
    print(text)

"""What a build says when it is done: the notices of the content, the translations printed in
English, and how to print each file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from generator.base.edition import Edition
from generator.base.formats import FORMATS
from generator.build.plan import Built
from generator.content.catalogue import Catalogue
from generator.i18n.translator import content_translator
from generator.render.words import direction


def translation_problems(cat: Catalogue, langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Per language, the content fields that would fall back to English, and why."""
    from generator.content.texts import content_fields

    out: dict[str, dict[str, str]] = {}
    for lang in langs:
        if lang == "en":
            continue
        tr = content_translator(cat.root, lang)
        for f in content_fields(cat, lang):
            tr(f.context, f.text)
        if tr.fallbacks:
            out[lang] = dict(sorted(tr.fallbacks.items()))
    return out


def notices(cat: Catalogue, made: Iterable[Edition] = ()) -> list[str]:
    """What every build repeats: each fact on hold (printed in no booklet), how many other
    warnings `booklet check` lists, and wallet cards made without their QR code."""
    held = [str(p) for p in sorted(cat.warnings) if p.kind == "hold"]
    rest = len(cat.warnings) - len(held)
    if rest:
        held.append(f"{rest} more warning{'s' if rest != 1 else ''} (review notes and the like): run 'booklet check' to list them")
    if not cat.booklet.site_url and any(FORMATS[e.format].links_to_site for e in made):
        held.append("notice: wallet cards are built without their QR code: set site_url: in content/booklet.yaml (or pass "
                    "--site-url) to the address where output/site/ is published, and each card's code leads to its page")
    return held


SHOP_ADVICE = "Send it to the print shop as it is: PDF/X-4 with 3 mm bleed and crop marks, CMYK colours."


def how_to_print(entries: Iterable[Built | dict]) -> list[str]:
    """Once per build, how to print each file asked for (its record in the manifest, or the
    Built): one line per kind of file (the office booklet, the leaflet, the cards, the print
    shop's file) naming the files, with the sheets of paper a copy takes, and which way a
    right-to-left leaflet folds."""
    groups: dict[tuple[str, bool], list[dict]] = {}
    for entry in entries:
        record = asdict(entry) if isinstance(entry, Built) else entry
        groups.setdefault((record["format"], bool(record.get("print_shop"))), []).append(record)
    lines = []
    order = list(FORMATS)
    for (fmt, shop), records in sorted(groups.items(), key=lambda g: (g[0][1], order.index(g[0][0]))):
        form = FORMATS[fmt]
        records.sort(key=lambda r: r["path"])
        named = [f"{r['path']} ({_copy(form, r['pages'], shop)})" for r in records[:MANY]]
        if len(records) > MANY:
            named.append(f"and {len(records) - MANY} more (their pages: manifest.json)")
        advice = SHOP_ADVICE if shop else form.phrases.printing
        rtl = sorted({r["lang"] for r in records if direction(r["lang"]) == "rtl"})
        if rtl and form.imposition == "leaflet" and not shop:
            advice += (f" Right to left ({', '.join(rtl)}): it folds the other way: with the inside facing you, fold the "
                       "left third in first, then the right third, which carries the front, over it.")
        lines.append(f"  {form.phrases.name}{' for a print shop' if shop else ''}: {', '.join(named)}. {advice}")
    return ["How to print:", *lines] if lines else []


MANY = 4
"""How to print names this many files of a kind; the rest are counted."""


def _copy(form: Any, pages: int, shop: bool) -> str:
    """What one copy of a file takes: sheets of paper for an office file, else its pages."""
    if form.paper is None or shop:
        return f"{pages} page{'s' if pages != 1 else ''}"
    sheets = -(-pages // 2) if form.duplex and form.duplex.startswith("Duplex") else pages
    return f"{sheets} {form.paper} sheet{'s' if sheets != 1 else ''} a copy"

"""Design checks on WeasyPrint's laid-out pages: what a print designer would refuse to hand out.

Run on every document the build lays out, before it is written, so every audience and language
is checked by every build (fit.py checks what does not fit; this module checks what fits badly):

- no page whose only text is headings, and no heading that ends a page (it is kept with what
  follows it);
- no inner booklet page under ``MIN_FILL`` filled, unless the next page is the back cover;
- no blank panel on a leaflet (all six carry content);
- a poster leaves at most a quarter of its sheet blank;
- the document names its own format ("this leaflet"), never another one;
- the emergency numbers are printed;
- the numbers are the strongest thing on the page: 112 and 101 set at least as large as any
  other number and larger than any title or name, every other number larger than the names;
- a document keeps to a type scale of at most ``MAX_SIZES`` sizes;
- no line ends inside what must stay on one line: a time range ("09:00–"), a phone number, a
  hyphenated name ("Saint-"), a web address anywhere but after "/" or ".".

Each check returns problems (``Problem``: its kind and its message); the build reports the
messages as warnings (the content is not wrong, its layout is), chooses a leaflet's or booklet's
arrangement by their kinds (``REARRANGE``), and the tests require none for the shipped content.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from generator.base.formats import FORMATS
from generator.paper.weasy import is_line, is_margin, is_plain_block, is_replaced, page_box
from generator.render.html import unbreakable

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class Kind(Enum):
    """What a design problem is about."""

    HEADINGS_ONLY = "a page whose only text is headings"
    HEADING_AT_FOOT = "a heading that ends a page"
    UNDER_FILLED = "an inner page under its format's fill"
    BLANK_PANEL = "a blank panel of a folded sheet"
    MISSING_PANELS = "fewer pages than the folded sheet's panels"
    BLANK_SHEET = "a page with more of its sheet blank than its format allows"
    COVER_RUNS_ON = "a cover that runs onto the next page"
    NAMES = "a document that does not name its own format, or names another"
    EMERGENCY = "an emergency number not printed"
    TYPE = "type sizes: too many, or numbers weaker than words"
    BREAK = "a line that ends inside what must stay on one line"


REARRANGE = frozenset({Kind.BLANK_PANEL, Kind.MISSING_PANELS, Kind.BLANK_SHEET, Kind.COVER_RUNS_ON})
"""The kinds that make another arrangement of the same content worth trying (build.py): a blank
panel or too much of the sheet blank (a roomier one may fill it), a cover that runs on."""


@dataclass(frozen=True)
class Problem:
    """One thing a design check found: its kind, and the message the build prints."""

    kind: Kind
    message: str

    def __str__(self) -> str:
        return self.message


def messages(problems: Iterable[Problem]) -> list[str]:
    """The messages of ``problems``, in order: what the build prints and the manifest records."""
    return [problem.message for problem in problems]


@dataclass(frozen=True)
class Line:
    """One line of text (or one image) on a page: where it ends, and whether it belongs to a heading."""

    bottom: float
    heading: bool
    text: str


def _lines(box: Any, in_heading: bool = False) -> Iterator[Line]:
    """Lines and images of the page's body, in document order (page margins left out)."""
    tag = getattr(box, "element_tag", "") or ""
    in_heading = in_heading or tag in HEADINGS
    if is_line(box):
        text = "".join(_texts(box))
        if text.strip():
            yield Line(box.position_y + box.height, in_heading, text)
        return
    if is_replaced(box):  # a QR code
        yield Line(box.position_y + box.margin_height(), in_heading, "")
        return
    bordered = is_plain_block(box) and (bool(getattr(box, "border_bottom_width", 0)) or _has_background(box))
    for child in getattr(box, "children", None) or []:
        if not is_margin(child):
            yield from _lines(child, in_heading)
    if bordered:  # a card's frame or a tip's tinted box ends below its last line
        yield Line(box.position_y + box.margin_height() - box.margin_bottom, False, "")


def _has_background(box: Any) -> bool:
    colour = box.style["background_color"] if getattr(box, "style", None) is not None else None
    return colour is not None and float(getattr(colour, "alpha", 0.0)) > 0


def _texts(box: Any) -> Iterator[str]:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        yield text
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def page_lines(page: Any) -> list[Line]:
    return list(_lines(page_box(page)))


def fill(page: Any, lines: list[Line] | None = None) -> float:
    """Share of the page's text area, from its top, down to the lowest line or frame."""
    box = page_box(page)
    lines = page_lines(page) if lines is None else lines
    if not lines:
        return 0.0
    top = box.content_box_y()
    return max(0.0, min(1.0, (max(line.bottom for line in lines) - top) / box.height))


def document_text(document: Any, pages: list[list[Line]] | None = None) -> str:
    pages = [page_lines(page) for page in document.pages] if pages is None else pages
    return " ".join(" ".join(line.text for line in lines) for lines in pages)


def check_pages(document: Any, fmt: str, pages: list[list[Line]] | None = None) -> list[Problem]:
    """Headings alone, headings at the foot of a page, under-filled pages, blank panels.
    ``pages``: the lines of each page, when the caller has walked the boxes already."""
    problems: list[Problem] = []
    form = FORMATS[fmt]
    panels = len(form.panels_mm)
    pages = [page_lines(page) for page in document.pages] if pages is None else pages
    count = len(pages)
    for number, lines in enumerate(pages, 1):
        texts = [line for line in lines if line.text.strip()]
        if texts and all(line.heading for line in texts):
            problems.append(Problem(Kind.HEADINGS_ONLY, f"page {number} holds only headings ({_quote(texts[0].text)})"))
        elif texts and texts[-1].heading and number < count:
            problems.append(Problem(Kind.HEADING_AT_FOOT, f"page {number} ends with the heading {_quote(texts[-1].text)}; "
                                    "its text starts on the next page"))
        share = fill(document.pages[number - 1], lines)
        if form.inner_fill is not None and 1 < number < count - 1 and share < form.inner_fill:
            problems.append(Problem(Kind.UNDER_FILLED, f"page {number} is {share:.0%} filled (at least {form.inner_fill:.0%} "
                                    "expected for an inner page)"))
        if panels and not lines:
            problems.append(Problem(Kind.BLANK_PANEL, f"panel {number} of the {fmt} is blank"))
        if form.page_fill is not None and share < form.page_fill:
            problems.append(Problem(Kind.BLANK_SHEET, f"the {fmt} is {share:.0%} filled: more than {1 - form.page_fill:.0%} "
                                    "of the sheet is blank"))
    if panels and count < panels:
        blank = [str(n) for n in range(count, panels)]  # the last page is the back panel
        which = f"panel {blank[0]} is" if len(blank) == 1 else f"panels {', '.join(blank)} are"
        problems.append(Problem(Kind.MISSING_PANELS, f"the {fmt} fills {count} of its {panels} panels; {which} blank"))
    return problems


def check_words(text: str, own: Iterable[str], others: Iterable[str], emergency: Iterable[str]) -> list[Problem]:
    """The document names its own format (``own``: its phrases, such as "this leaflet") and no
    other (``others``), and prints every emergency number."""
    folded = " ".join(text.split()).casefold()
    problems = []
    own = [p for p in own if p]
    if own and not any(p.casefold() in folded for p in own):
        problems.append(Problem(Kind.NAMES, f"does not name its own format ({_quote(own[0])})"))
    for phrase in others:
        if phrase and phrase.casefold() in folded:
            problems.append(Problem(Kind.NAMES, f"names another format: {_quote(phrase)}"))
    for number in emergency:
        if number not in folded:
            problems.append(Problem(Kind.EMERGENCY, f"does not print the emergency number {number}"))
    return problems


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


@dataclass(frozen=True)
class Expect:
    """What a document's text must (and must not) say, from its view model."""

    own: tuple[str, ...] = ()
    """Phrases naming its own format in its language ("this leaflet")."""
    others: tuple[str, ...] = ()
    """Phrases naming the other formats ("this booklet" on a leaflet)."""
    emergency: tuple[str, ...] = ()
    """The emergency numbers, as printed."""
    one_page_cover: bool = False
    """The cover must hold on its page (a centre's booklet tries its contacts there)."""

    @classmethod
    def of(cls, view: Mapping[str, Any], arrangement: dict | None = None) -> Expect:
        """From the view, for the arrangement laid out: a booklet with a back cover of its own
        names itself there, on pages laid out after the checked ones."""
        words = view.get("format_words", {})
        fmt = view.get("format", "booklet")
        own = tuple(words.get(fmt, ())) if FORMATS[fmt].names_itself and not (arrangement or {}).get("back_cover") else ()
        return cls(own, tuple(p for f, ps in words.items() if f != fmt for p in ps),
                   tuple(e["display"] for e in view.get("emergency", ())), fmt == "booklet" and bool(view.get("centre")))


MAX_SIZES = 7
"""Type sizes one document may use (a designer's scale: the emergency numbers, the title, the
other numbers and headings, the names, the text, the small print, the fine print under a code)."""

PT_PER_PX = 0.75  # WeasyPrint computes in CSS pixels, 96 to the inch


@dataclass(frozen=True)
class Run:
    """A run of text as laid out: its size in points, the classes of its element and its
    ancestors' (innermost first), its tag's and its text."""

    size: float
    classes: tuple[str, ...]
    tags: tuple[str, ...]
    text: str


def text_runs(document: Any) -> Iterator[Run]:
    """Every run of text of the document's pages, with the classes and tags it sits in."""
    def walk(box: Any, classes: tuple[str, ...], tags: tuple[str, ...]) -> Iterator[Run]:
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None):
            own = tuple((element.get("class") or "").split())
            if own and (not classes or own != classes[:len(own)]):
                classes = own + classes
            tag = box.element_tag
            if not tags or tags[0] != tag:
                tags = (tag,) + tags
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip():
            yield Run(round(float(box.style["font_size"]) * PT_PER_PX, 1), classes, tags, text)
        for child in getattr(box, "children", None) or []:
            if not is_margin(child):
                yield from walk(child, classes, tags)

    for page in document.pages:
        yield from walk(page_box(page), (), ())


def check_type(runs: list[Run]) -> list[Problem]:
    """The numbers stronger than the words; a scale of at most MAX_SIZES sizes."""
    problems = []
    sizes = sorted({r.size for r in runs}, reverse=True)
    if len(sizes) > MAX_SIZES:
        listed = ", ".join(f"{size:g}" for size in sizes)
        problems.append(Problem(Kind.TYPE, f"{len(sizes)} type sizes ({listed} pt); at most {MAX_SIZES} expected (a scale: "
                                "emergency numbers, title, numbers and headings, names, text, small print, fine print)"))
    emergency = [r for r in runs if "num" in r.classes and "emergency" in r.classes]
    if not emergency:
        return problems
    least = min(r.size for r in emergency)
    numbers = [r for r in runs if "num" in r.classes and "emergency" not in r.classes]
    words = [r for r in runs if "num" not in r.classes and "tag" not in r.classes
             and (set(r.tags[:2]) & HEADINGS or {"name", "line-name", "card-title"} & set(r.classes[:2]))]
    bigger = max(numbers, key=lambda r: r.size, default=None)
    if bigger is not None and bigger.size > least:
        problems.append(Problem(Kind.TYPE, f"the emergency numbers ({least:g} pt) are smaller than {_quote(bigger.text)} "
                                f"({bigger.size:g} pt); 112 and 101 must be at least as large as any other number"))
    title = max(words, key=lambda r: r.size, default=None)
    if title is not None and title.size >= least:
        problems.append(Problem(Kind.TYPE, f"the emergency numbers ({least:g} pt) are not larger than {_quote(title.text)} "
                                f"({title.size:g} pt); 112 and 101 must be larger than any title or name"))
    names = [r for r in runs if {"name", "line-name", "see-name", "centre-name"} & set(r.classes[:2])]
    name = max(names, key=lambda r: r.size, default=None)
    small = min(numbers, key=lambda r: r.size, default=None)
    if name is not None and small is not None and small.size <= name.size:
        problems.append(Problem(Kind.TYPE, f"the number {_quote(small.text)} ({small.size:g} pt) is not larger than "
                                f"{_quote(name.text)} ({name.size:g} pt); a number to call must be larger than the names of services"))
    return problems


def check(document: Any, fmt: str, expect: Expect) -> list[Problem]:
    """Every design check of one laid-out document (its boxes are walked once)."""
    pages = [page_lines(page) for page in document.pages]
    problems = check_pages(document, fmt, pages) + check_type(list(text_runs(document)))
    if expect.one_page_cover:
        end = _page_of(document, "cover-checked")
        if end is not None and end > 0:
            problems.append(Problem(Kind.COVER_RUNS_ON, f"the cover runs onto page {end + 1}: its last line does not fit on page 1"))
    problems += check_breaks(document)
    return problems + check_words(document_text(document, pages), expect.own, expect.others, expect.emergency)


def _page_of(document: Any, css_class: str) -> int | None:
    """The index of the first page holding an element of this class, or None."""
    def holds(box: Any) -> bool:
        element = getattr(box, "element", None)
        if element is not None and css_class in (element.get("class") or "").split():
            return True
        return any(holds(child) for child in getattr(box, "children", None) or [] if not is_margin(child))

    for number, page in enumerate(document.pages):
        if holds(page_box(page)):
            return number
    return None


# ------------------------------------------------------------------ line breaks: what must stay on one line

BREAK_REASONS = {
    "time": "a time range must not break",
    "phone": "a phone number must not break",
    "name": "a hyphenated name must not break",
    "web": 'a web address breaks only after "/" or "."',
}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\u2066\u2067\u2068\u2069\u200e\u200f"), None)
"""A <wbr> (laid out as U+200B), word joiners and bidi isolates: no width, no letter."""
_MARKS = dict.fromkeys(map(ord, "\u2060\u2066\u2067\u2068\u2069\u200e\u200f"), None)
_IN_WORD = set("-‐–—/")


def _line_boxes(box: Any, parent: Any = None) -> Iterator[tuple[Any, Any]]:
    """Each line box of the page's body, with the block it belongs to, in document order."""
    if is_line(box):
        yield parent, box
        return
    for child in getattr(box, "children", None) or []:
        if not is_margin(child):
            yield from _line_boxes(child, box)


def paragraphs(document: Any) -> Iterator[list[tuple[int, str]]]:
    """The lines of each paragraph (a block's lines, also when it runs on to the next page), as
    (page, text), in document order."""
    lines: list[tuple[int, str]] = []
    previous: tuple[int, Any, Any] | None = None
    for number, page in enumerate(document.pages, 1):
        for parent, line in _line_boxes(page_box(page)):
            element = getattr(parent, "element", None)
            same = previous is not None and (parent is previous[1] or (
                previous[0] != number and element is not None and element is previous[2]))
            if lines and not same:
                yield lines
                lines = []
            lines.append((number, "".join(_texts(line))))
            previous = (number, parent, element)
    if lines:
        yield lines


def bad_breaks(lines: list[str]) -> list[tuple[int, str, str]]:
    """Where a paragraph's lines break inside what must stay on one line (render.unbreakable):
    (the index of the line that ends there, its end of the run, why), e.g. (0, "09:00–", "a time
    range must not break")."""
    joined, cuts = "", []  # cuts: (the line, where it ends in joined, the width of the space dropped there)
    for number, line in enumerate(lines):
        text = line.translate(_INVISIBLE)
        if number and joined and text.strip():
            # WeasyPrint drops the space a line breaks at: a line that ends with neither a hyphen,
            # a dash, a slash nor a <wbr> broke at a space
            before = lines[number - 1].translate(_MARKS).rstrip()
            gap = "" if joined[-1] in _IN_WORD or before.endswith("\u200b") else " "
            cuts.append((number - 1, len(joined), len(gap)))
            joined += gap
        joined += text.strip() if number else text.rstrip()
    found: dict[int, tuple[int, str, str]] = {}
    for kind, start, stop in unbreakable(joined):
        for index, cut, dropped in cuts:
            if start < cut and stop > cut + dropped:
                found.setdefault(cut, (index, joined[start:cut], BREAK_REASONS[kind]))
    return [found[cut] for cut in sorted(found)]


def check_breaks(document: Any) -> list[Problem]:
    """Every line that ends inside a time range, a phone number, a hyphenated name, or a web
    address anywhere but after "/" or ".", in every language: 'page 3: "09:00–" ends a line; a
    time range must not break'."""
    problems = []
    for lines in paragraphs(document):
        if len(lines) > 1:
            problems += [Problem(Kind.BREAK, f'page {lines[line][0]}: "{tail}" ends a line; {reason}')
                         for line, tail, reason in bad_breaks([text for _page, text in lines])]
    return problems

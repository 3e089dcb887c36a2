"""Does the content fit its format? Checked on WeasyPrint's laid-out pages, before writing.

A card that holds too many contacts must fail the build with a message that says what to
shorten, never be cut off or overflow the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.base.errors import BuildError
from generator.base.formats import FORMATS, FitRule, Format
from generator.paper.weasy import page_box

LEAFLET_INSIDE_PANELS = len(FORMATS["leaflet"].panels_mm) - 2  # the flap and the inside; the front and back are fixed


def _elements(box: Any, number: int) -> Iterator[tuple[Any, int]]:
    element = getattr(box, "element", None)
    if element is not None:
        yield element, number
    for child in getattr(box, "children", None) or []:
        yield from _elements(child, number)


def pages_of(document: Any, css_class: str) -> dict[Any, set[int]]:
    """For each element with ``css_class``, the (1-based) pages it is laid out on."""
    found: dict[Any, set[int]] = {}
    for number, page in enumerate(document.pages, 1):
        for element, n in _elements(page_box(page), number):
            if css_class in (element.get("class") or "").split():
                found.setdefault(element, set()).add(n)
    return found


def _contact_ids(document: Any, beyond: int) -> list[str]:
    """Ids of the contacts (elements with data-id) laid out, even in part, after page ``beyond``."""
    late: set[str] = set()
    for number, page in enumerate(document.pages, 1):
        if number > beyond:
            late.update(str(el.get("data-id")) for el, _n in _elements(page_box(page), number) if el.get("data-id"))
    return sorted(late)


def _outer_boxes(box: Any, css_class: str) -> Iterator[Any]:
    """The outermost boxes of the elements with ``css_class`` under ``box``."""
    element = getattr(box, "element", None)
    if element is not None and css_class in (element.get("class") or "").split():
        yield box
        return
    for child in getattr(box, "children", None) or []:
        yield from _outer_boxes(child, css_class)


def _heights(document: Any, css_class: str) -> list[float]:
    """The height each element with ``css_class`` would take on one page, in document order:
    the heights of its parts on every page added up."""
    heights: dict[Any, float] = {}
    for page in document.pages:
        for box in _outer_boxes(page_box(page), css_class):
            heights[box.element] = heights.get(box.element, 0.0) + box.margin_height()
    return list(heights.values())


CENTRE_PER_ROW = {"poster": 2}
"""Contacts of a centre side by side (poster.css: its band); one a row elsewhere."""


def _heights_in(box: Any, css_class: str) -> list[float]:
    """The heights of the boxes with ``css_class`` under ``box``."""
    return [part.margin_height() for part in _outer_boxes(box, css_class)]


def _has_class(box: Any, css_class: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and css_class in (element.get("class") or "").split()


def _frame(box: Any) -> float:
    """A block's margins, borders and padding, top and bottom."""
    return sum(float(getattr(box, f"{part}_{side}", 0) or 0) for part in ("margin", "padding") for side in ("top", "bottom")) \
        + float(box.border_top_width or 0) + float(box.border_bottom_width or 0)


def centre_room(document: Any, section: str) -> tuple[int, int]:
    """How many of a reception centre's contacts the page that holds ``section`` (the leaflet's
    back or front panel, the poster) has room for, with the rest of that section: (contacts,
    room). Measured from the laid-out boxes, as if on one page: the section's other blocks, the
    centre's box (its frame and title) and the rows of the contacts kept (a block broken across
    pages reaches the foot of the first one: its own height says nothing of what it holds)."""
    contacts = _heights(document, "centre-contact")
    per_row = CENTRE_PER_ROW.get(section, 1)

    def rows(keep: int) -> float:  # the height of the rows of the first ``keep`` contacts
        return sum(max(contacts[i:min(i + per_row, keep)]) for i in range(0, keep, per_row))

    first, rest, box = None, 0.0, 0.0
    for number, page in enumerate(document.pages):
        for part in _outer_boxes(page_box(page), section):
            first = number if first is None else first
            rest += _frame(part) if number == first else 0.0
            for child in part.children or []:
                if _has_class(child, "centre-box"):
                    if not box:  # its frame and title, once
                        box = _frame(child) + sum(_heights_in(child, "centre-title"))
                else:
                    rest += child.margin_height()
    room = page_box(document.pages[first or 0]).height
    for keep in range(len(contacts), 0, -1):
        if rest + box + rows(keep) <= room:
            return len(contacts), keep
    return len(contacts), 0


class CentreOverflow(BuildError):
    """A reception centre's contacts do not fit where this arrangement puts them (``where``: the
    leaflet's back or front panel, the poster, the wallet card's line)."""

    def __init__(self, what: str, where: str, source: str, count: int = 0, room: int = 0) -> None:
        self.what, self.where, self.source, self.count, self.room = what, where, source, count, room
        super().__init__(combined([self]))


CENTRE_ADVICE = {
    "back": "shorten their summaries or notes, or list fewer contacts",
    "front": "shorten their summaries or notes, or list fewer contacts",
    "poster": "shorten their summaries or notes, or list fewer services under poster: in the audience's file",
}
CENTRE_PLACES = {"back": "the leaflet's back panel", "front": "its front panel", "poster": "the poster"}


def combined(overflows: list[CentreOverflow]) -> str:
    """One message for where a centre's contacts were tried, with the most room each place had:
    'x.pdf: the contacts of content/centres/c.yaml:4 do not fit on the leaflet's back panel: 6
    contacts, room for 2; nor on its front panel: room for 1; shorten their summaries or notes, ...'."""
    first = overflows[0]
    if first.where == "card":
        return (f"{first.what}: the line of {first.source} (its first contact with a phone: \"Your centre\", its number "
                "and hours) does not fit on the wallet card beside the lines of its services; shorten the centre's name "
                "or that contact's hours, or list fewer services under card: in the audience's file")
    rooms: dict[str, int] = {}
    for overflow in overflows:
        rooms[overflow.where] = max(rooms.get(overflow.where, 0), overflow.room)
    places = list(rooms)
    text = (f"{first.what}: the contacts of {first.source} do not fit on {CENTRE_PLACES[places[0]]}: "
            f"{first.count} contact{'s' if first.count != 1 else ''}, room for {rooms[places[0]]}")
    for place in places[1:]:
        text += f"; nor on {CENTRE_PLACES[place]}: room for {rooms[place]}"
    return f"{text}; {CENTRE_ADVICE[places[0]]}"


def _centre_source(document: Any) -> str:
    """Where the centre's contacts are written ('content/centres/c.yaml:4'): the data-source of
    the centre's box or card line (layouts/centre-box.html.j2, card.html.j2)."""
    for number, page in enumerate(document.pages, 1):
        for element, _n in _elements(page_box(page), number):
            if element.get("data-source"):
                return str(element.get("data-source"))
    return ""


def _holds_centre(panel: dict[Any, set[int]]) -> bool:
    """The panel (pages_of: its element) holds the centre's contacts (class with-centre)."""
    return any("with-centre" in (element.get("class") or "").split() for element in panel)


class FlapOverflow(BuildError):
    """What you can do does not fit on the leaflet's flap: ``fits`` of its situations do (the
    build prints those, and points to the booklet for the rest)."""

    def __init__(self, message: str, fits: int) -> None:
        super().__init__(message)
        self.fits = fits


class FrontOverflow(BuildError):
    """The leaflet's front panel does not hold its text: the arrangement's front (formats.py:
    Format.front) is too large, whatever the other panels hold."""


def front_overflow(error: BuildError) -> bool:
    """The error is about the front panel alone (its text, or a centre's contacts put there)."""
    return isinstance(error, FrontOverflow) or (isinstance(error, CentreOverflow) and error.where == "front")


FLAP = 2
"""The leaflet's page that is its flap (1 the front, 2 the flap, 3-5 the inside, 6 the back)."""


def check_leaflet(document: Any, what: str) -> None:
    """Front on one panel, what you can do on the flap, contacts on at most four, back on one:
    each panel stands alone, none opens with the rest of another's text."""
    front = pages_of(document, "front")
    if any(pages != {1} for pages in front.values()) and _holds_centre(front):
        raise CentreOverflow(what, "front", _centre_source(document), *centre_room(document, "front"))
    if any(pages != {1} for pages in front.values()):
        raise FrontOverflow(f"{what}: the front panel's text does not fit on one panel; shorten the audience's title, "
                            "subtitle or intro")
    todo = list(pages_of(document, "todo").values())
    if any(pages != {FLAP} for pages in todo):
        fits = next((i for i, pages in enumerate(todo) if pages != {FLAP}), len(todo))
        raise FlapOverflow(f"{what}: what you can do takes more than the flap; {fits} of its {len(todo)} situations fit "
                           "on it", fits)
    flow_pages = set().union(*pages_of(document, "flow").values())
    used = len(flow_pages)
    if used > LEAFLET_INSIDE_PANELS:
        late = _contact_ids(document, LEAFLET_INSIDE_PANELS + 1)
        raise BuildError(f"{what}: the contacts need {used} panels, the leaflet has {LEAFLET_INSIDE_PANELS}; "
                         f"{', '.join(late)} do not fit: list fewer services under leaflet: in the audience's file")
    back = pages_of(document, "back")
    if any(len(pages) > 1 for pages in back.values()) and _holds_centre(back):
        raise CentreOverflow(what, "back", _centre_source(document), *centre_room(document, "back"))
    if any(len(pages) > 1 for pages in back.values()):
        raise BuildError(f"{what}: the back panel's text does not fit on one panel; shorten the colophon in content/booklet.yaml")


def check_single_page(document: Any, what: str, setting: str) -> None:
    if len(document.pages) > 1:
        late = _contact_ids(document, 1)
        services = [i for i in late if i != "centre"]
        if not services and pages_of(document, "centre-box"):  # a poster's band of the centre's contacts
            raise CentreOverflow(what, "poster", _centre_source(document), *centre_room(document, "poster"))
        if late and not services:  # a wallet card's line for the centre
            raise CentreOverflow(what, "card", _centre_source(document))
        late = services
        which = f"{', '.join(late)} do not fit" if late else "the last lines do not fit"
        raise BuildError(f"{what}: the content takes {len(document.pages)} pages, the format has one; "
                         f"{which}: list fewer services under {setting}: in the audience's file")


RULES: dict[FitRule, Callable[[Format, Any, str], None]] = {
    "panels": lambda _fmt, document, what: check_leaflet(document, what),
    "one-page": lambda fmt, document, what: check_single_page(document, what, fmt.selection or fmt.name),
}
"""Each fit rule a format can name (formats.FitRule) and its check of the laid-out pages."""


def check(fmt: Format, document: Any, what: str) -> None:
    """Apply a format's fit rule (formats.py) to its laid-out pages: BuildError when the content
    does not fit, naming ``what`` (the document) and what to shorten."""
    if fmt.fit is not None:
        RULES[fmt.fit](fmt, document, what)

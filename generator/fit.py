"""Does the content fit its format? Checked on WeasyPrint's laid-out pages, before writing.

A card that holds too many contacts must fail the build with a message that says what to
shorten, never be cut off or overflow the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import BuildError
from .formats import FORMATS, Format

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
        for element, n in _elements(page._page_box, number):  # noqa: SLF001 - WeasyPrint keeps the box tree there
            if css_class in (element.get("class") or "").split():
                found.setdefault(element, set()).add(n)
    return found


def _contact_ids(document: Any, beyond: int) -> list[str]:
    """Ids of the contacts (elements with data-id) laid out, even in part, after page ``beyond``."""
    late: set[str] = set()
    for number, page in enumerate(document.pages, 1):
        if number > beyond:
            late.update(str(el.get("data-id")) for el, _n in _elements(page._page_box, number) if el.get("data-id"))  # noqa: SLF001
    return sorted(late)


class FlapOverflow(BuildError):
    """What you can do does not fit on the leaflet's flap: ``fits`` of its situations do (the
    build prints those, and points to the booklet for the rest)."""

    def __init__(self, message: str, fits: int) -> None:
        super().__init__(message)
        self.fits = fits


FLAP = 2
"""The leaflet's page that is its flap (1 the front, 2 the flap, 3-5 the inside, 6 the back)."""


def check_leaflet(document: Any, what: str) -> None:
    """Front on one panel, what you can do on the flap, contacts on at most four, back on one:
    each panel stands alone, none opens with the rest of another's text."""
    front = pages_of(document, "front")
    if any(pages != {1} for pages in front.values()):
        raise BuildError(f"{what}: the front panel's text does not fit on one panel; shorten the audience's title, "
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
    if any(len(pages) > 1 for pages in back.values()):
        raise BuildError(f"{what}: the back panel's text does not fit on one panel; shorten the colophon in content/booklet.yaml")


def check_single_page(document: Any, what: str, setting: str) -> None:
    if len(document.pages) > 1:
        late = _contact_ids(document, 1)
        which = f"{', '.join(late)} do not fit" if late else "the last lines do not fit"
        raise BuildError(f"{what}: the content takes {len(document.pages)} pages, the format has one; "
                         f"{which}: list fewer services under {setting}: in the audience's file")


def check(fmt: Format, document: Any, what: str) -> None:
    """Apply a format's fit rule (formats.py) to its laid-out pages: BuildError when the content
    does not fit, naming ``what`` (the document) and what to shorten."""
    if fmt.fit == "panels":
        check_leaflet(document, what)
    elif fmt.fit == "one-page":
        check_single_page(document, what, fmt.selection or fmt.name)
    elif fmt.fit is not None:
        raise ValueError(f"format {fmt.name}: no fit rule {fmt.fit!r}")

"""What each format is, in one place: the rest of the code asks this table.

A format names its template (which links its stylesheet), its page size, how its pages go on
paper (imposition), the rule that says whether the content fits, which services it shows when
the audience's file does not choose, the arrangements tried in order, whether a print shop
gets it, and the phrases in which it names itself. Adding a format means adding one entry here
and its template (and, for a new way of placing pages on paper, a layout in impose.py).

Standard library only: the command line reads the format names before anything heavy loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal


def N_(message: str) -> str:
    """Marks a phrase for extraction into the layouts' catalogue; it is translated where it is used
    (generator/i18n/po.py collects every ``N_("...")`` of this package)."""
    return message


@dataclass(frozen=True)
class Phrases:
    """How a document names itself in running text (translated by the layouts' catalogues)."""

    this: str
    """"this leaflet": the design checks make sure a document names its own format, never another."""
    about: str
    discreet_intro: str
    checked_note: str
    draft_note: str
    name: str = ""
    """What the web page calls the file to download ("Leaflet (A4, folded in three)")."""
    printing: str = ""
    """How to print it, said beside the download."""


Imposition = Literal["booklet", "leaflet", "cards"]
"""How laid-out pages go on paper: each has its layout in impose.IMPOSITIONS."""
FitRule = Literal["panels", "one-page"]
"""The rule laid-out pages must follow: each has its check in fit.RULES."""
Selection = Literal["leaflet", "poster", "card"]
"""The audience's field that lists a format's services (model.Audience)."""


@dataclass(frozen=True)
class Format:
    name: str
    template: str
    """Under layouts/; the template links its stylesheet (booklet.css, leaflet.css, ...)."""
    page_mm: tuple[float, float]
    """The size of the pages WeasyPrint lays out (width, height), before any imposition."""
    phrases: Phrases
    panels_mm: tuple[float, ...] = ()
    """A folded sheet: the width of each panel in reading order (each panel is a page; the last
    one is the named page 'back'). Empty: every page is ``page_mm``."""
    renders_as: str | None = None
    """Reuses the rendering of another format (the imposed booklet places the booklet's pages)."""
    imposition: Imposition | None = None
    """How the laid-out pages go on paper (impose.layout_for): 'booklet' (two-up in booklet
    order), 'leaflet' (panels on the two sides of a folded sheet), 'cards' (ten to a sheet)."""
    fit: FitRule | None = None
    """The rule the laid-out pages must follow (fit.check): 'panels' (front, four inside panels,
    back) or 'one-page'; None: any number of pages."""
    selection: Selection | None = None
    """The audience's field that lists its services ('leaflet: [...]'); None: every service."""
    default_count: int | None = None
    """Without that list: how many services with a number to call, the audience's lead first
    (content/audiences: lead), then the rest in list order. None: every service, lead first."""
    lead: str | None = None
    """Where the service a reader can call first (content/audiences: lead) goes: 'cover' (the
    booklet's cover), 'first' (first of the services, on the leaflet's front); None: nowhere."""
    prints_emails: bool = True
    """False: its services show their phone, hours, free mark and web address, never an email
    (a poster on a wall and a card in a pocket print no person's own address)."""
    neutral: bool = False
    """Always neutral, like the discreet edition (a wallet card is carried on the body)."""
    names_itself: bool = True
    """The design checks expect a sentence naming it ("this leaflet"); a card has no room for one
    (it must still never name another format)."""
    inner_fill: float | None = None
    """The design checks warn when an inner page (not the first two nor the last) is less filled."""
    page_fill: float | None = None
    """The design checks warn when a page is less filled."""
    variants: tuple[dict, ...] = ({},)
    """The arrangements tried in order (generator/build.py), the first that fits is printed;
    the one marked last_resort gives the error when none fits."""
    room: Callable[[dict], tuple[int, ...]] | None = None
    """How much room an arrangement takes, as measures that each grow with it (type size, parts
    on panels of their own, ...). One that measures no more than another on every count fills no
    more panels: when the arrangement with the fewest warnings so far leaves a panel blank, those
    after it that take no more room are not laid out (they would leave it blank too)."""
    front: tuple[str, ...] = ()
    """The arrangement's keys the front panel depends on (layouts/leaflet.css: its type sizes, the
    lead card's short description and places, a centre's contacts there): when the front does not
    hold its text in one arrangement, those after it that agree on these keys are not laid out."""
    print_shop: bool = False
    """Made for a print shop by --print-shop (with bleed, crop marks and CMYK)."""
    links_to_site: bool = False
    """Its QR code leads to the web page of its audience and language (site_url); without
    site_url it is built without the code."""
    qr_symbol_mm: float | None = None
    """The smallest QR symbol (None: the default of generator/content/qr.py)."""
    duplex: Literal["Simplex", "DuplexFlipShortEdge", "DuplexFlipLongEdge"] | None = None
    """How a printer dialog prints the office file by default (/Duplex of the PDF's viewer
    preferences, PDF 1.7 12.2): on one side, or on both turning the sheet over on its short or
    its long edge (the edges of the paper, whichever way the page is drawn on it). None: no
    preference (pages read on screen, or printed and bound by a print shop). A print shop's file
    (PDF/X-4, a PDF 1.6 file) never has one: its own imposition decides the sides."""
    actual_size: bool = False
    """Printed at 100 % (/PrintScaling /None): a printer dialog does not shrink the page to "fit"
    its margins, which would move the folds and cut marks and change every size the layout keeps."""
    paper: str | None = None
    """The sheet its office file is printed on ('A4', 'A3'): `booklet build` says how many a copy
    takes (its pages over two when printed on both sides). None: pages to read on a screen or
    for a print shop."""
    print_shop_multiple: int = 1
    """Its print shop's file (--print-shop) gets blank pages before its last page (the back cover,
    which stays last) until its page count is a multiple of this: 4 for a saddle-stitched booklet,
    whose sheets are folded once and so carry four pages each."""
    centre_places: tuple[dict, ...] = ()
    """Where a reception centre's edition (--centre) puts the centre's own contacts, in order of
    preference, each tried with every arrangement of ``variants`` (view.centre_arrangements): a
    place is tried only when the contacts fit in no arrangement of the places before it (fit.py:
    CentreOverflow). A place "replaces": the contacts take the place of the last service shown.
    A booklet tries its cover, then the top of the next page (view.CENTRE_ARRANGEMENTS)."""

    @property
    def source(self) -> str:
        """The format whose rendering this one is made from."""
        return self.renders_as or self.name

    def page_css(self) -> str:
        """The @page sizes of the layout (the stylesheet sets margins and the rest)."""
        width, height = self.page_mm
        rules = [f"@page {{ size: {width:g}mm {height:g}mm; }}"]
        last = len(self.panels_mm)
        for number, panel in enumerate(self.panels_mm, 1):
            if panel != width:
                rules.append(f"@page :nth({number}) {{ size: {panel:g}mm {height:g}mm; }}")
        if last:  # the back is the last panel whatever the number of pages before it
            rules.append(f"@page back {{ size: {self.panels_mm[-1]:g}mm {height:g}mm; }}")
        return "\n".join(rules)


BOOKLET = Format(
    name="booklet",
    template="booklet.html.j2",
    page_mm=(148, 210),  # A5
    phrases=Phrases(
        this=N_("this booklet"),
        about=N_("This booklet lists services that can help when your rights are not respected in Belgium."),
        discreet_intro=N_("This booklet lists services that can help you when your rights are not respected."),
        checked_note=N_("The information in this booklet was checked on {date} or later. Phone numbers, hours and "
                        "addresses can change: when in doubt, check the organisation's website."),
        draft_note=N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                      "mistake, please tell the people who gave you this booklet."),
        name=N_("Booklet (A5 pages)"),
        printing=N_("To read on a screen, or for a print shop that makes A5 booklets."),
    ),
    lead="cover",
    inner_fill=0.40,
    print_shop=True,
    # A back cover of its own (the emergency numbers, where to turn, the colophon), after ruled
    # pages for the reader's notes where the last folded sheet has room (build.py); when the
    # content fills whole sheets, it would take a sheet more: the colophon ends the last page.
    variants=({"back_cover": True}, {"back_cover": False}),
    # Read on screen or made into a booklet by a print shop: no sides to choose, but an A5 page
    # is printed as A5, and the print shop's file is padded to whole folded sheets.
    actual_size=True,
    print_shop_multiple=4,
)

LEAFLET = Format(
    name="leaflet",
    template="leaflet.html.j2",
    # One A4 sheet folded in three. Reading order: 1 front, 2 inside flap, 3-5 inside, 6 back.
    # The flap (2) and the inside-right panel (5) are the same paper folded in: 97 mm, not 100.
    page_mm=(100, 210),
    panels_mm=(100, 97, 100, 100, 97, 100),
    phrases=Phrases(
        this=N_("this leaflet"),
        about=N_("This leaflet lists services that can help when your rights are not respected in Belgium."),
        discreet_intro=N_("This leaflet lists services that can help you when your rights are not respected."),
        checked_note=N_("The information in this leaflet was checked on {date} or later. Phone numbers, hours and "
                        "addresses can change: when in doubt, check the organisation's website."),
        draft_note=N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                      "mistake, please tell the people who gave you this leaflet."),
        name=N_("Leaflet (A4, folded in three)"),
        printing=N_("Print both sides of one A4 sheet, flipping on the short edge, at actual size (100%). Fold it in three."),
    ),
    imposition="leaflet",
    fit="panels",
    selection="leaflet",
    lead="first",
    # A leaflet is first laid out with each part on its own panels (the flap: what you can do;
    # the inside: who can help), every card's full summary and 10 pt type; when that does not
    # fit, or leaves a panel blank, in 9 pt, then with the parts flowing on, then with the inside
    # cards saying in one line what each service does, and at last set a little tighter (8.5 pt,
    # never under 7 pt); a leaflet with little to say (a regional edition) is tried last in larger
    # type (11 pt), then with the general introduction ("Your rights") on its flap; and at last
    # with the inside cards shared evenly over the three inside panels, in 10 pt, 9 pt (when the
    # flap's steps take more than it in 10 pt) and then 11 pt.
    # The first arrangement without a blank panel is printed; when every one leaves one, the
    # fitting one with the fewest layout warnings. When none fits, the error is that of the most
    # compact one (last_resort): it names what to shorten. An arrangement whose outcome those laid
    # out already decide is not laid out (build.py): see room and front below.
    variants=({"spread": True, "roomy": True}, {"spread": True}, {"spread": False, "roomy": True}, {"spread": False},
              {"spread": True, "short_cards": True}, {"spread": False, "short_cards": True},
              {"spread": False, "short_cards": True, "dense": True},
              {"spread": False, "short_cards": True, "dense": True, "no_places": True, "last_resort": True},
              {"spread": True, "large": True}, {"spread": True, "large": True, "with_introduction": True},
              {"spread": True, "roomy": True, "balanced": True}, {"spread": True, "balanced": True},
              {"spread": True, "large": True, "balanced": True}),
    # A centre's contacts (--centre) on the back panel, with the lines to talk to and the fallback;
    # on the front, under the service to call first, only when they fit on the back in no arrangement.
    centre_places=({"centre_panel": "back"}, {"centre_panel": "front"}),
    # smaller type, parts flowing on, one-line cards, places run on take less room; larger type,
    # each part on panels of its own, cards shared over the inside panels, the introduction more
    room=lambda v: (0 if v.get("dense") else 2 if v.get("roomy") else 3 if v.get("large") else 1, int(bool(v.get("spread"))),
                    int(not v.get("short_cards")), int(not v.get("no_places")), int(bool(v.get("balanced"))),
                    int(bool(v.get("with_introduction")))),
    front=("dense", "roomy", "large", "short_cards", "no_places", "centre_panel"),
    # Both sides of an A4 sheet drawn landscape, folded twice along lines parallel to its short
    # (210 mm) edges (impose.leaflet_sides). Each panel's back is its mirror image across the
    # vertical middle of the sheet: the front cover, at the right of the outside, is backed by the
    # inside's left panel, and the 97 mm flap, at the left of the outside, by the 97 mm inside-right
    # panel. That is the sheet turned over like a page of a book, about a vertical axis, i.e. on
    # its short edge; turned on its long edge (top to bottom, like a calendar) the inside would
    # come out upside down and the flap would back a 100 mm panel, across a fold.
    duplex="DuplexFlipShortEdge",
    actual_size=True,
    paper="A4",
)

POSTER = Format(
    name="poster",
    template="poster.html.j2",
    page_mm=(297, 420),  # A3, for a notice board
    phrases=Phrases(
        this=N_("this poster"),
        about=N_("This poster lists services that can help when your rights are not respected in Belgium."),
        discreet_intro=N_("This poster lists services that can help you when your rights are not respected."),
        checked_note=N_("The information on this poster was checked on {date} or later. Phone numbers, hours and "
                        "addresses can change: when in doubt, check the organisation's website."),
        draft_note=N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                      "mistake, please tell the people who put up this poster."),
        name=N_("Poster (A3)"),
        printing=N_("Print on one A3 sheet at actual size (100%)."),
    ),
    fit="one-page",
    selection="poster",
    default_count=3,
    prints_emails=False,
    # First at full size, then more compactly (the body never under 15 pt, the numbers 27 pt).
    variants=({"compact": False}, {"compact": True}, {"compact": True, "tight": True, "last_resort": True}),
    # A centre's poster (--centre) adds the centre's contacts in a band of their own; where the sheet
    # has no room for it, the band takes the place of the last service (the manifest's arrangement
    # names it: centre_replaces).
    centre_places=({"centre_band": "added"}, {"centre_band": "replaces"}),
    print_shop=True,
    qr_symbol_mm=40.0,  # read from further away: bigger codes
    page_fill=0.75,  # at most a quarter of a poster blank
    # One side of one sheet: a printer set to print both sides could put a second copy on the
    # back of the first, and a poster on a notice board shows one side.
    duplex="Simplex",
    actual_size=True,
    paper="A3",
)

CARD = Format(
    name="card",
    template="card.html.j2",
    page_mm=(85, 55),  # a wallet card; ten are placed on an A4 sheet with cut marks
    phrases=Phrases(
        this=N_("this card"),
        about=N_("This card lists services that can help when your rights are not respected in Belgium."),
        discreet_intro=N_("This card lists services that can help you when your rights are not respected."),
        checked_note=N_("Checked on {date} or later."),
        draft_note=N_("This translation was drafted by machine and has not yet been checked by a person. If you see a "
                      "mistake, please tell the people who gave you this card."),
        name=N_("Wallet cards"),
        printing=N_("Print on A4 at actual size (100%) and cut along the marks: ten cards."),
    ),
    imposition="cards",
    fit="one-page",
    selection="card",
    default_count=3,
    prints_emails=False,
    # First at full size, then more compactly (never under 7 pt), then without the glosses in the
    # reader's script (a third number matters more); a card that chose its own services (no
    # 'card:' list) keeps two of the three at last.
    variants=({"compact": False}, {"compact": True, "glosses": True}, {"compact": True},
              {"compact": True, "max_lines": 2, "last_resort": True}),
    # A centre's card (--centre) adds a line for the centre (its first contact with a phone: "Your
    # centre: <name>", its number and hours); where the card has no room for it, the line takes the
    # place of the card's last service line (the manifest's arrangement names it: centre_replaces).
    centre_places=({"centre_line": "added"}, {"centre_line": "replaces"}),
    links_to_site=True,
    neutral=True,
    names_itself=False,
    # The sheet of ten (impose.card_layout) is one page printed on one side and cut: a printer
    # set to print both sides could put the next copy of the sheet on its back, and the cards
    # would have another card behind them. Its cut marks must stay where the cards end: actual size.
    duplex="Simplex",
    actual_size=True,
    paper="A4",
)

BOOKLET_IMPOSED = Format(
    name="booklet-imposed",
    template=BOOKLET.template,
    page_mm=BOOKLET.page_mm,
    phrases=replace(BOOKLET.phrases, name=N_("Booklet to print on A4"),
                    printing=N_("Print both sides of A4 paper, flipping on the short edge, at actual size (100%). "
                                "Fold the stack in the middle and staple it.")),
    renders_as="booklet",
    lead="cover",
    inner_fill=0.40,
    imposition="booklet",  # two A5 pages on each side of an A4 sheet, in booklet order
    # Two A5 pages side by side on an A4 sheet drawn landscape, folded along the vertical middle,
    # a line parallel to the sheet's short (210 mm) edges (impose.booklet_order). A page's back
    # is its mirror image across that fold: page 1, the right half of the first sheet's front,
    # is backed by page 2, the left half of its back, and both halves read upright when the sheet
    # is turned over about that vertical line, as a reader turns the folded page. Turning about
    # a vertical line on a landscape sheet is turning it on its short edge: DuplexFlipShortEdge.
    # On the long edge (the sheet turned top to bottom, like a calendar) each back would be given
    # half a turn against its front and its halves swapped: page 2 would stand behind the back
    # cover, upside down. The same holds read right to left (both sides are mirrored).
    duplex="DuplexFlipShortEdge",
    actual_size=True,
    paper="A4",
)

FORMATS: dict[str, Format] = {f.name: f for f in (BOOKLET, BOOKLET_IMPOSED, LEAFLET, POSTER, CARD)}
"""Every format, in the order a build makes them (each booklet before its imposed sheets)."""

NAMES = tuple(FORMATS)
PRINT_SHOP = tuple(name for name, f in FORMATS.items() if f.print_shop)

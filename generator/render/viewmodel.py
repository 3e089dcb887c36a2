"""The shape of the view model: what generator/render/view.py hands the templates (layouts/*.html), the
web pages (generator/outputs/site.py) and the HSDS export, typed so that mypy checks every key a producer
writes and a consumer reads. The templates read the same keys (Jinja2's ``v.name`` reads a key).

Keys marked NotRequired are added after the view is made: the wallet card's words (card_words),
the web page's (site.py), the build's trimmed flap (build.py).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from generator.content.qr import QRCode


class PhoneView(TypedDict):
    label: str
    display: str
    """The number as a reader dials it in Belgium ("02 535 45 42")."""
    href: str
    """Its tel: link."""
    apps: str
    tags: list[str]
    """What a call costs ('free call', 'charged call: ...')."""
    hours: list[str]
    note: str
    always: NotRequired[bool]
    """The web page: the line is open day and night."""
    periods: NotRequired[str]
    """The web page: when it is open, for the open-now marks."""
    chats: NotRequired[list[Any]]


class LinkView(TypedDict):
    label: str
    url: str
    short: str
    note: str


class EmailView(TypedDict):
    address: str
    href: str


class ChatView(TypedDict):
    label: str
    hours: list[str]
    url: str
    short: str
    note: str


class AddressView(TypedDict):
    street: str
    city: str
    note: str


class BlockView(TypedDict):
    heading: str
    entries: list[str]
    columns: bool
    """Short entries in two columns (the cities of the care centres)."""
    everywhere: bool


class CardWords(TypedDict):
    """What a wallet card prints of a service instead of its full card (view.card_words)."""

    name: str
    name_latin: bool
    gloss: str
    card_notes: list[str]


class ServiceView(TypedDict):
    id: str
    anchor: str
    repeat: bool
    """Printed in full earlier in the same booklet: one line with "see page N"."""
    name: str
    name_latin: bool
    other_name: str
    full_name: str
    summary: str
    short: str
    lists: list[BlockView]
    phones: list[PhoneView]
    emails: list[EmailView]
    chats: list[ChatView]
    links: list[LinkView]
    addresses: list[AddressView]
    languages: str
    notes: list[str]
    qr: QRCode | None
    qr_mm: float
    qr_label: str
    qr_display: list[str]
    qr_url_em: float
    qr_label_em: float
    checked: str
    gloss: NotRequired[str]
    card_notes: NotRequired[list[str]]
    source: NotRequired[str]
    """A centre's card line: where its contacts are written."""
    centre_replaces: NotRequired[str]


class SituationView(TypedDict):
    id: str
    short_start: bool
    title: str
    summary: str
    lists: list[BlockView]
    steps: list[str]
    tips: list[str]
    services: list[ServiceView]
    call_first: NotRequired[ServiceView | None]


class CentreBox(TypedDict):
    name: str
    contacts: list[ServiceView]
    source: str
    """Where the contacts are written ('content/centres/<id>.yaml:4')."""
    card_line: ServiceView | None


class BookletView(TypedDict):
    """Everything the template of one document needs (view.booklet_view)."""

    lang: str
    format: str
    format_words: dict[str, list[str]]
    dir: str
    emergency: list[PhoneView]
    talk: list[ServiceView]
    lead: ServiceView | None
    about: str
    checked_note: str
    draft_note: str
    title: str
    subtitle: str
    intro: list[str]
    discreet: bool
    introduction: list[str]
    fallback: str
    colophon: list[str]
    contents: Any
    centre: CentreBox | None
    arrangements: tuple[dict[str, Any], ...] | None
    centre_places: tuple[int, ...]
    sections: list[SituationView]
    todo: list[SituationView]
    highlights: list[ServiceView]
    panel_turns: list[int]
    chosen: bool
    full_list: QRCode | None
    checked: str
    date: str
    qr_urls: list[str]
    draft: bool
    tel_marks: dict[str, list[str]]
    todo_more: NotRequired[bool]
    """The leaflet's flap holds only the first situations (build.py trims it)."""
    call_first: NotRequired[list[ServiceView]]
    """The web page: the lines to call first, open day and night first."""
    jump: NotRequired[list[dict[str, str]]]
    """The web page: links to its situations."""

"""The content schema: one class per kind of file, each field typed and described.

A service is one organisation or helpline (content/services/<id>.yaml); a situation is one
"Did this happen ...?" section (content/situations/<id>.yaml); an audience is one booklet
(content/audiences/<id>.yaml). The id of each is its file name.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationInfo, field_validator, model_validator

from generator.base import clock
from generator.content import values as fields
from generator.content.values import Phone

PhoneNumber = Annotated[Phone, PlainValidator(fields.parse_phone)]
Url = Annotated[str, PlainValidator(fields.parse_url)]
Email = Annotated[str, PlainValidator(fields.parse_email)]
Language = Annotated[str, PlainValidator(fields.parse_language)]
Days = Annotated[tuple[str, ...], PlainValidator(fields.parse_days)]
Minutes = Annotated[int, PlainValidator(fields.parse_time)]
Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class Translatable:
    """Marks a text a reader reads in the booklet's language: each such field is translated
    (content/translations/<lang>.po) and found by reading the models (generator/content/texts.py),
    so a field declared ``Prose`` is offered to translators with no list to update."""

    def __repr__(self) -> str:
        return "Translatable()"


Prose = Annotated[str, Field(min_length=1), Translatable()]
"""Text that is printed translated (a summary, a note, a step); ``Text`` is printed as written."""

SHORT_MAX = 80

Region = Literal["federal", "brussels", "flanders", "wallonia"]


def salvaging(info: ValidationInfo) -> bool:
    """A file with errors is being read as far as it is right (content/salvage.py), to report its
    warnings: a whole file's own rule (a service gives a way to reach it) is not asked then, as
    the items that broke it may be the ones left out."""
    return bool(info.context and info.context.get("salvage"))


class Strict(BaseModel):
    # the docstring under each field is its description: `booklet fields` prints them (docs/fields.md)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, use_attribute_docstrings=True)


class Hours(Strict):
    """One opening period: a set of days and either a time range or a part of the day."""

    days: Days
    """Days this period applies to: 'mo-fr', 'sa', or a list such as [mo, tu, th]."""
    start: Minutes | None = Field(None, alias="from")
    """Opening time, 'HH:MM'."""
    end: Minutes | None = Field(None, alias="to")
    """Closing time, 'HH:MM' ('24:00' for midnight)."""
    part: Literal["morning", "afternoon", "evening"] | None = None
    """When the source gives only a part of the day ("mornings only") instead of times."""

    @model_validator(mode="after")
    def _range(self) -> Hours:
        if self.part is not None:
            if self.start is not None or self.end is not None:
                raise ValueError("give either 'part' or 'from' and 'to', not both")
            return self
        if self.start is None or self.end is None:
            raise ValueError("expected both 'from' and 'to' times (or 'part: morning')")
        if self.end <= self.start:
            raise ValueError(f"closes at {_hhmm(self.end)}, before it opens at {_hhmm(self.start)}; expected 'to' later than 'from'")
        return self


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_overlaps(hours: tuple[Hours, ...]) -> str | None:
    """A message if two periods of the same list overlap on a day, else None."""
    for i, a in enumerate(hours):
        for b in hours[i + 1 :]:
            common = set(a.days) & set(b.days)
            if not common or a.start is None or b.start is None:
                continue
            if a.start < b.end and b.start < a.end:  # type: ignore[operator]
                day = next(d for d in fields.DAYS if d in common)
                return (f"periods {_hhmm(a.start)}-{_hhmm(a.end)} and {_hhmm(b.start)}-{_hhmm(b.end)} "  # type: ignore[arg-type]
                        f"overlap on '{day}'; expected separate periods")
    return None


class WithHours(Strict):
    hours: tuple[Hours, ...] = ()
    """When it is answered; empty when the source gives no hours."""

    @field_validator("hours")
    @classmethod
    def _no_overlap(cls, value: tuple[Hours, ...]) -> tuple[Hours, ...]:
        message = check_overlaps(value)
        if message:
            raise ValueError(message)
        return value


class PhoneLine(WithHours):
    """A phone number and when it is answered."""

    number: PhoneNumber
    """As written by the organisation; parsed for Belgium and printed in national format."""
    label: Prose | None = None
    """What the line is, when a service has several ('Helpdesk', 'Outside these hours: Télé-Accueil')."""
    note: Prose | None = None
    """What a caller should know about this line ('Outside these hours, you can leave a message.'); printed."""
    apps: tuple[Literal["whatsapp", "telegram", "signal", "sms"], ...] = ()
    """Messaging apps on this number. With apps and no 'call', the number takes messages only."""
    call: bool = True
    """False when the number is for messages only (apps), not for calls."""
    menu: Annotated[int, Field(ge=0, le=99)] | None = None
    """The choice to make in the line's phone menu for this service (a line shared by several
    organisations: 'choose 2'); say it in the note too, which is what is printed. Exported to
    HSDS as the phone's extension."""
    cost: Prose | None = None
    """The price of a charged (0900/070) number, as the organisation states it."""
    free: bool = False
    """True when a source says this number is free to call although its prefix does not (a short
    number such as 112); 0800 numbers are free by their prefix. Needs 'source:'."""
    source: Url | None = None
    """Where a fact about this line comes from, when not from the source page."""
    hold: Text | None = None
    """Why this line must not be printed yet (a doubt too serious to print it); listed by check."""


class Chat(WithHours):
    """An online chat."""

    url: Url | None = None
    """The chat's own page; omitted (and marked for review) when the source names no address."""
    anonymous: bool = False
    """True when the chat asks no name ('Anonymous chat' is printed)."""
    note: Prose | None = None
    """What a reader should know about the chat; printed."""


class Link(Strict):
    """A web page: a complaint form, a contact page, a map. The first link gets the QR code."""

    url: Url
    """The address (https); the first link of a service is its QR code, so it must scan to a page that works."""
    kind: Literal["form", "website", "contact", "map", "appointment", "chat", "info"]
    """What the reader finds there; printed as a label ('Online form', 'Website', ...)."""
    label: Prose | None = None
    """A more precise label than the kind's, when needed."""
    source: Url | None = None
    """Where this address was found (the organisation's own site, ideally)."""
    note: Prose | None = None
    """What a reader should know about the page; printed."""


class Address(Strict):
    """A street address the reader can go to."""

    street: Text
    """Street and number, as the organisation writes it: 'Rue Haute 320'."""
    postcode: Annotated[str, Field(pattern=r"^[1-9][0-9]{3}$")]
    """Four digits, in quotes: "1000"."""
    city: Text
    """As the organisation writes it ('Bruxelles', 'Antwerpen')."""
    note: Prose | None = None
    """What a visitor should know ('Entrance on the left'); printed."""


class Block(Strict):
    """A short bulleted list with an optional heading."""

    heading: Prose | None = None
    """Printed above the list ('You can receive the following care:')."""
    items: tuple[Prose, ...] = Field(min_length=1)
    """The entries, one line each."""
    everywhere: bool = False
    """Also print this list on leaflets and posters, which leave a service's other lists out for
    room: for a list the reader needs in order to act, such as where the care centres are."""


class Service(Strict):
    """One organisation or helpline that a reader can contact."""

    id: Id | None = None
    """Optional; when given it must equal the file name."""
    name: Text
    """The organisation's name, as it writes it."""
    full_name: Prose | None = None
    """What the organisation is, in a few words ('Federal Migration Centre'), or its long official
    name: printed under the name, and translated (the name is not). A printed service without it
    is a warning (an error under --strict)."""
    card_name: Prose | None = None
    """A neutral label printed on the wallet card instead of the name, when the name says what
    the service is about ('Écoute Violences Conjugales'): a card is carried on the body and must
    not out its carrier. Translated; checked against content/booklet.yaml's topic_words."""
    names: dict[Language, Text] = Field(default_factory=dict)
    """The organisation's own official name in other languages ({fr: ..., nl: ...}): printed in
    a booklet of that language, with the name above in brackets."""
    summary: Prose
    """What it does for the reader, in one or two sentences."""
    short: Prose | None = None
    """What it does in one line (at most 80 characters), for posters and for leaflets too full
    for every summary; the summary is printed where it is missing."""
    lists: tuple[Block, ...] = ()
    """Lists of what it offers or helps with."""
    regions: tuple[Region, ...] = Field(min_length=1)
    """Where it serves: 'federal' for all of Belgium, else the regions."""
    languages: tuple[Language, ...] = ()
    """Languages it answers in (ISO 639-1); empty when the source does not say."""
    phones: tuple[PhoneLine, ...] = ()
    """Its phone lines, the main one first, each with its hours."""
    emails: tuple[Email, ...] = ()
    """Addresses a reader can write to."""
    chats: tuple[Chat, ...] = ()
    """Online chats."""
    links: tuple[Link, ...] = ()
    """Web pages; the first one is printed as a QR code."""
    addresses: tuple[Address, ...] = ()
    """Where a reader can go."""
    notes: tuple[Prose, ...] = ()
    """Things the reader should know ('This is not a queer organisation.')."""
    last_verified: date
    """When a person last checked these facts against the organisation or the source page."""
    sources: tuple[Url, ...] = ()
    """Pages other than the source page that facts here come from."""
    review: tuple[Text, ...] = ()
    """What is missing or doubtful; listed by `booklet check`, never printed. A note that asks the
    organisation something (it says 'confirm' or 'ask', or asks a question) is a question for the
    phone on the call sheet; the others are research notes, printed apart."""
    unconfirmed: tuple[Text, ...] = ()
    """Contact details (numbers, hours, emails, addresses) printed but not yet confirmed with the
    organisation itself, each with why. While any is listed, the card prints no 'Checked' date
    and `booklet check` names the service as unconfirmed. `booklet confirm` removes them after
    the call, except a note that asks for something to be done ('... and print them'): it is
    kept until the volunteer says it is done."""
    hold: Text | None = None
    """Why this service must not be printed until a person has checked it; it is left out of
    every booklet and listed by `booklet check`."""

    @field_validator("short")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and len(value) > SHORT_MAX:
            raise ValueError(f"is {len(value)} characters long; expected one line of at most {SHORT_MAX} characters")
        return value

    @field_validator("last_verified")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > clock.today():
            raise ValueError(f"{value.isoformat()} is in the future; expected the date the facts were checked")
        return value

    @model_validator(mode="after")
    def _reachable(self, info: ValidationInfo) -> Service:
        if not (salvaging(info) or self.phones or self.emails or self.chats or self.links or self.addresses):
            raise ValueError("gives no way to reach it; expected at least one of phones, emails, chats, links, addresses")
        return self

    def has_phone_with_hours(self) -> bool:
        """A line a reader can call now: printed (not on hold), for calls, with its hours."""
        return any(line.call and line.hours and not line.hold for line in self.phones)

    def has_phone_to_call(self) -> bool:
        """A printed line (not on hold) that takes calls, with or without hours."""
        return any(line.call and not line.hold for line in self.phones)


class ServiceRef(Strict):
    """An audience's choice of a situation, optionally with only some of its services."""

    situation: Id
    """The situation's id (its file name)."""
    services: tuple[Id, ...] | None = None
    """A subset of the situation's services, in this order; all of them when omitted."""


class Situation(Strict):
    """A 'Did this happen ...?' section: what to do and whom to contact."""

    id: Id | None = None
    """Optional; when given it must equal the file name."""
    title: Prose
    """The question the reader recognises: 'Did this happen in your reception centre?'"""
    summary: Prose | None = None
    """A sentence or two under the title."""
    lists: tuple[Block, ...] = ()
    """Lists printed after the summary."""
    steps: tuple[Prose, ...] = ()
    """What to do, in order."""
    tips: tuple[Prose, ...] = ()
    """Advice printed in a tinted box ('Keep a copy of what you send.')."""
    services: tuple[Id, ...] = ()
    """Services to contact, by id, in the order printed."""
    sources: tuple[Url, ...] = ()
    """Pages other than the source page that facts here (a step, a time limit) come from."""
    review: tuple[Text, ...] = ()
    """What is missing or doubtful; listed by `booklet check`, never printed."""

    @model_validator(mode="after")
    def _has_content(self, info: ValidationInfo) -> Situation:
        if not (salvaging(info) or self.summary or self.steps or self.services or self.lists):
            raise ValueError("is empty; expected a summary, steps or services")
        return self


class Lead(Strict):
    """A service chosen to lead an audience's short pieces, and why it was chosen."""

    service: Id
    """The service (content/services/<id>.yaml); one of the audience's situations must list it."""
    why: Text
    """Why a reader in crisis should meet it first: free, national, open day and night, the
    languages it speaks, what it does for this audience. Not printed; `booklet list` shows it."""


class Audience(Strict):
    """One booklet: who it is for and which situations it holds, in order."""

    id: Id | None = None
    """Optional; when given it must equal the file name."""
    title: Prose
    subtitle: Prose | None = None
    """Printed under the title on the cover."""
    intro: tuple[Prose, ...] = ()
    """Paragraphs on the cover page."""
    situations: tuple[ServiceRef, ...] = Field(min_length=1)
    """Situation ids, or {situation: id, services: [...]} to print only some of its services."""
    contents: bool = False
    """Print a table of contents."""
    general: bool = True
    """Print the general introduction (content/booklet.yaml) after the cover."""
    fallback: Prose | None = None
    """Where to turn when none of its services fits, instead of content/booklet.yaml's: printed
    on the leaflet's back, the booklet's cover and back cover, and the web page. An audience for
    one kind of need says where that need is met (after sexual violence, not Myria or Unia)."""
    lead: tuple[Lead, ...] | None = None
    """What a reader in crisis meets first, chosen for need, most important first, each with why:
    the first that a reader can call in an edition leads the leaflet's front panel, the booklet's
    cover and the top of the web page; the poster and the wallet card show these (up to three).
    Each must have a phone line to call; the first, its hours too. Without it (a warning; an
    error under --strict), list order decides."""
    leaflet: tuple[Id, ...] | None = None
    """Services inside the folded A4 leaflet, most important first (the lead is on its front).
    When omitted, all of the audience's."""
    poster: tuple[Id, ...] | None = None
    """Services on the A3 poster instead of the lead's, most important first; each with a phone."""
    card: tuple[Id, ...] | None = None
    """Services on the wallet card instead of the lead's, most important first; each with a phone."""
    sheets: int | None = Field(default=None, ge=1)
    """The most A4 sheets one printed copy of its booklet may take (printed on both sides, folded:
    four A5 pages a sheet), in every language: a booklet that needs more is a layout warning of
    the build (naming its pages), which the tests refuse for the shipped content."""
    review: tuple[Text, ...] = ()
    """What is missing or doubtful; listed by `booklet check`, never printed."""

    @field_validator("situations", mode="before")
    @classmethod
    def _plain_ids(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"situation": v} if isinstance(v, str) else v for v in value]
        return value


class CentreContact(Strict):
    """A contact of the reception centre itself: its social service, its complaint contact."""

    name: Prose
    """What it is ('Social service'), in English: translated with the rest of the content."""
    summary: Prose
    """What it does for the resident, in a sentence."""
    phones: tuple[PhoneLine, ...] = ()
    """Its phone lines, with their hours."""
    emails: tuple[Email, ...] = ()
    """Addresses a resident can write to."""
    links: tuple[Link, ...] = ()
    """Web pages (a complaint form)."""
    addresses: tuple[Address, ...] = ()
    """Where to go (an office in the centre, or outside it)."""
    notes: tuple[Prose, ...] = ()
    """What a resident should know."""

    @model_validator(mode="after")
    def _reachable(self) -> CentreContact:
        if not (self.phones or self.emails or self.links or self.addresses):
            raise ValueError("gives no way to reach it; expected at least one of phones, emails, links, addresses")
        return self


class Centre(Strict):
    """A reception centre's own edition: content/centres/<id>.yaml."""

    id: Id | None = None
    """Optional; when given it must equal the file name."""
    name: Text
    """The centre's name, printed with its contacts."""
    region: Literal["brussels", "flanders", "wallonia"]
    """Services that serve only other regions are left out of its booklets."""
    languages: tuple[Language, ...] = Field(min_length=1)
    """Languages its residents read; its booklets are built in these (each must be enabled)."""
    audiences: tuple[Id, ...] = ("asylum-centre",)
    """Which booklets the centre hands out."""
    contacts: tuple[CentreContact, ...] = Field(min_length=1)
    """Printed on every format of the centre's set: the booklet's cover (or the top of the next
    page), the leaflet's back panel (or its front), a band of the poster, and the first with a
    phone as a line of the wallet card; written in English and translated with the rest of the
    content into the centre's languages."""
    last_verified: date
    """When a person last checked these contacts with the centre."""
    review: tuple[Text, ...] = ()
    """What is missing or doubtful; listed by `booklet check`, never printed."""

    @field_validator("last_verified")
    @classmethod
    def _not_future(cls, value: date) -> date:
        return Service._not_future(value)


TOPIC_WORDS_EN = ("lgbt", "queer", "transgender", "trans ", "gay", "lesbian", "bisexual", "intersex", "sexual",
                  "gender identity", "rainbow", "rape", "violen", "abuse", "assault")
"""English words that a wallet card never prints in a name or a note, whatever the content adds
(content/booklet.yaml: topic_words, for English and every other language)."""


class BookletText(Strict):
    """Text shared by every booklet: content/booklet.yaml."""

    languages: tuple[Language, ...] = ("en",)
    """Languages every audience is built in; English, the source, first."""

    introduction: tuple[Prose, ...] = ()
    """The general introduction: why rights and laws matter."""
    fallback: Prose | None = None
    """What to do when no listed service fits."""
    emergency: tuple[PhoneLine, ...] = ()
    """The emergency numbers (112, 101) with what each is for ('label:'), hours and source:
    printed on every booklet's cover, every leaflet, poster and card."""
    talk: tuple[Id, ...] = ()
    """Services (content/services/) a person can call day and night to talk, whatever happened
    (a suicide prevention line): printed under the emergency numbers on each booklet's back
    cover, for every audience. Each must have a line to call, open 24 hours a day."""
    site_url: Url | None = None
    """Where output/site/ is published (https): each wallet card's QR code leads to its audience's
    discreet page there. Without it, cards are built without a QR code."""
    exit_url: Url = "https://www.google.com/"
    """Where the web pages' "Leave this page" button goes: a neutral site."""
    colophon: tuple[Prose, ...] = ()
    """Who made the booklet, on the back cover."""
    topic_words: dict[Language, tuple[Text, ...]] = Field(default_factory=dict)
    """Per language, words that say what a service is about and could out the person who carries
    a wallet card (sexual orientation, gender identity, violence). A card's service names, labels
    and notes are checked against the English words and those of the card's language, as
    case-insensitive parts of words ('violen' finds 'violences'): a name that holds one needs
    'card_name:', a note that holds one is left off the card."""
    review: tuple[Text, ...] = ()
    """What is missing or doubtful; listed by `booklet check`, never printed."""

    def topic_word(self, text: str, lang: str = "en") -> str | None:
        """The first of the topic words of ``lang`` and of English (TOPIC_WORDS_EN and the
        content's) that ``text`` holds, if any; with lang '*', of every language (an
        organisation's own name may be in any of them)."""
        folded = text.casefold()
        words = [*TOPIC_WORDS_EN, *(w for ws in self.topic_words.values() for w in ws)] if lang == "*" else \
            [*self.topic_words.get(lang, ()), *TOPIC_WORDS_EN, *self.topic_words.get("en", ())]
        return next((word for word in words if word.casefold() in folded), None)

    def card_topic(self, service: Service) -> str | None:
        """The topic word a wallet card would print for this service, in its name or a language's
        name, unless it has a neutral ``card_name`` (then in that); None when a card can print it."""
        labels = (service.card_name,) if service.card_name else (service.name, *service.names.values())
        return next((word for label in labels if (word := self.topic_word(label, "*")) is not None), None)

    @field_validator("languages")
    @classmethod
    def _english_first(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or value[0] != "en":
            raise ValueError("expected English ('en'), the language of the content, first")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice; expected each once")
        return value

"""Checked value types used by the content schema: phone numbers, hours, URLs, emails, languages.

Each parser raises ValueError with a message that says what is wrong and what was expected;
the validation stage adds the file, line and field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from markdown_it import MarkdownIt
from phonenumbers import PhoneNumberType, shortnumberinfo

REGION = "BE"


# ---------------------------------------------------------------- phone numbers


@dataclass(frozen=True)
class Phone:
    """A phone number as written in the content, parsed for Belgium."""

    written: str
    e164: str
    national: str
    kind: str  # toll_free | premium | mobile | fixed | short | other

    @property
    def tel(self) -> str:
        return f"tel:{self.e164}"


_KIND = {
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "premium",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed",
    PhoneNumberType.VOIP: "other",
    PhoneNumberType.UAN: "other",
}


def parse_phone(value: object) -> Phone:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"expected a phone number as text, got {type(value).__name__}")
    written = str(value).strip()
    if re.search(r"[A-Za-z]", written):
        raise ValueError(f"'{written}' is not a Belgian phone number (it contains letters); expected digits such as '0800 12 800'")
    digits = re.sub(r"[\s./()\-]", "", written)
    if not re.fullmatch(r"\+?[0-9]+", digits):
        raise ValueError(f"'{written}' is not a Belgian phone number; expected digits such as '0800 12 800'")
    # A short number (1712, 107) is dialled as it is; check it before the full-number rules.
    if not digits.startswith(("0", "+")):
        short = phonenumbers.parse(digits, REGION)
        if shortnumberinfo.is_valid_short_number_for_region(short, REGION):
            return Phone(written, digits, digits, "short")
        raise ValueError(f"'{written}' is not a Belgian phone number; expected a number such as '02 225 44 11' or a short number such as '1712'")
    try:
        number = phonenumbers.parse(written.replace("(0)", ""), REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(f"'{written}' is not a Belgian phone number; expected a number such as '02 225 44 11'") from None
    region = phonenumbers.region_code_for_number(number)
    if region != REGION:
        where = f"a number of {region}" if region else "not a number of any country"
        raise ValueError(f"'{written}' is {where}, not a Belgian phone number; expected a number that works from Belgium")
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{written}' is not a Belgian phone number (wrong length or prefix); expected a number such as '02 225 44 11'")
    kind = _KIND.get(phonenumbers.number_type(number), "other")
    return Phone(
        written,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        kind,
    )


# ---------------------------------------------------------------- opening hours

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
PARTS_OF_DAY = ("morning", "afternoon", "evening")


def parse_days(value: object) -> tuple[str, ...]:
    """'mo-fr' or 'mo' or ['mo', 'th'] -> ('mo', 'tu', ...), in week order."""
    items: list[str]
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise ValueError("expected days such as 'mo-fr', 'sa' or [mo, tu, th]")
    days: set[str] = set()
    for item in items:
        item = item.strip().lower()
        if "-" in item:
            start, _, end = (x.strip() for x in item.partition("-"))
            for d in (start, end):
                if d not in DAYS:
                    raise ValueError(f"'{d}' is not a weekday; expected one of {', '.join(DAYS)}")
            i, j = DAYS.index(start), DAYS.index(end)
            if j < i:
                raise ValueError(f"day range '{item}' runs backwards; expected the earlier day first, such as 'mo-fr'")
            days.update(DAYS[i : j + 1])
        elif item in DAYS:
            days.add(item)
        else:
            raise ValueError(f"'{item}' is not a weekday; expected one of {', '.join(DAYS)}")
    return tuple(d for d in DAYS if d in days)


_TIME = re.compile(r"^([01]?[0-9]|2[0-4])[:.h]([0-5][0-9])$")


def parse_time(value: object) -> int:
    """'09:30' -> minutes since midnight (570). '24:00' is allowed as an end."""
    if not isinstance(value, str):
        raise ValueError(f"expected a time in quotes such as '09:30', got {value!r}")
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(f"'{value}' is not a time; expected HH:MM such as '09:30'")
    minutes = int(m.group(1)) * 60 + int(m.group(2))
    if minutes > 24 * 60:
        raise ValueError(f"'{value}' is not a time; expected HH:MM between 00:00 and 24:00")
    return minutes


def format_minutes(minutes: int) -> time | None:
    return None if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


# ---------------------------------------------------------------- web, email, languages


def parse_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a web address such as 'https://www.unia.be/'")
    url = value.strip()
    if any(c.isspace() for c in url):
        raise ValueError(f"'{url}' contains spaces; expected a web address such as 'https://www.unia.be/'")
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ValueError(f"'{url}' is not an https address; expected it to start with https://")
    host = parts.hostname or ""
    if "." not in host or not re.fullmatch(r"[A-Za-z0-9.-]+", host) or parts.username or parts.password:
        raise ValueError(f"'{url}' has no valid host name; expected a web address such as 'https://www.unia.be/'")
    return url


def short_url(url: str) -> str:
    """The address as printed beside a QR code: no scheme, no 'www.', no trailing slash."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host[4:] if host.startswith("www.") else host
    rest = parts.path.rstrip("/")
    if parts.query:
        rest += "?" + parts.query
    return host + rest


SHORT_URL_MAX = 32


def display_url(url: str) -> str:
    """What is printed for a link: the short address, or only the site's name when the full
    address is too long to copy by hand (the QR code carries the full address)."""
    short = short_url(url)
    if len(short) <= SHORT_URL_MAX:
        return short
    host = urlsplit(url).hostname or short
    return host[4:] if host.startswith("www.") else host


_NOT_IN_EMAIL = re.compile(r"[?&%#]|\s|[\x00-\x1f\x7f]")
"""What a mail client reads as more than an address in a mailto: link (a query that copies a
third party, an escape, a fragment), and spaces or line breaks. email-validator accepts some."""


def parse_email(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected an email address such as 'info@example.be'")
    bad = _NOT_IN_EMAIL.search(value.strip())
    if bad:
        what = repr(bad.group(0)) if not bad.group(0).isspace() else ("a line break" if bad.group(0) in "\r\n" else "a space")
        raise ValueError(f"'{value.strip()}' is not only an email address (it contains {what}); expected an address "
                         "alone, such as 'info@example.be', without '?', '&', '%', '#', spaces or line breaks")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not a valid email address ({exc}); expected such as 'info@example.be'") from None


_ENGLISH = Locale("en")


def parse_language(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2}", value):
        raise ValueError(f"{value!r} is not an ISO 639-1 language code; expected two lower-case letters such as 'nl'")
    if value not in _ENGLISH.languages:
        raise ValueError(f"'{value}' is not an ISO 639-1 language code; expected a code such as 'nl', 'fr', 'en'")
    return value


def mailto(address: str) -> str:
    """The mailto: link of an address, percent-encoded: nothing in it can add a header."""
    return "mailto:" + quote(address, safe="@")


# ---------------------------------------------------------------- links and facts written in text

# The only markup content text may use: *emphasis*, **strong** and [links](https://...).
# Raw HTML is never interpreted (it prints as the characters typed), and a link that is not
# https, mailto or tel stays plain text. The renderer and the checks of links written in text
# read text with this one parser, so a check sees exactly the links a reader gets.
MARKDOWN = MarkdownIt("zero", {"html": False}).enable(["emphasis", "link"])
MARKDOWN.validateLink = lambda url: url.startswith(("https://", "mailto:", "tel:"))  # type: ignore[method-assign]


@dataclass(frozen=True)
class TextLink:
    """A link written in content text: where it goes, and the words it is shown as."""

    href: str
    label: str


def _inline(text: str) -> list:
    tokens = MARKDOWN.parseInline(text or "")
    return list(tokens[0].children or []) if tokens else []


def text_links(text: str) -> list[TextLink]:
    """Every link of a text, as the renderer makes it (markdown-it's normalised href)."""
    links: list[TextLink] = []
    href: str | None = None
    label: list[str] = []
    for token in _inline(text):
        if token.type == "link_open":
            href, label = str(token.attrs.get("href", "")), []
        elif token.type == "link_close" and href is not None:
            links.append(TextLink(href, "".join(label)))
            href = None
        elif href is not None and token.type in ("text", "code_inline"):
            label.append(token.content)
    return links


def visible_text(text: str) -> str:
    """What a reader sees of a text: its words, link labels included, without link targets."""
    return "".join(token.content for token in _inline(text) if token.type in ("text", "code_inline", "softbreak"))


def tel_number(href: str) -> Phone:
    """The phone number a tel: link dials (ValueError, worded by parse_phone, if it is none)."""
    return parse_phone(unquote(href.removeprefix("tel:")))


FactKind = Literal["link", "address", "email", "phone", "number"]


@dataclass(frozen=True)
class Fact:
    """Something a reader acts on, written in text: a link's target, a web address, an email,
    a phone number or another number (a menu choice, an article, a time)."""

    kind: FactKind
    key: str
    """What is compared: a phone as E.164, a number's digits in ASCII, an email in lower case."""
    written: str
    """As the text writes it (for messages, and to find it in a file)."""


TEXT_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
TEXT_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TEXT_NUMBER = re.compile(r"\+?\d+(?:[ \u00a0\u202f./-]\d+)*")
"""Digit groups joined by single spaces, dots, slashes or dashes, in which phone numbers are
looked for ('0800 12 800', '02/212.30.00'); any script's decimal digits (Eastern Arabic too)."""
_GROUP = re.compile(r"\+?\d+")


def ascii_digits(text: str) -> str:
    """The decimal digits of a text (any script's), in ASCII, with a leading '+' kept."""
    digits = "".join(str(unicodedata.decimal(c)) for c in text if unicodedata.decimal(c, None) is not None)
    return ("+" if text.startswith("+") else "") + digits


def link_key(href: str) -> str:
    """A link's target as compared: a tel: link as the number it dials, others as written."""
    if href.startswith("tel:"):
        try:
            return tel_number(href).tel
        except ValueError:
            return href
    return href


def text_facts(text: str) -> list[Fact]:
    """The facts of a text, in order: link targets, web addresses and emails it shows, phone
    numbers (grouped any way: '0800 12 800' and '080012800' are one), other numbers (without
    leading zeros: '09:30' and '9h30' have the same)."""
    found = [Fact("link", link_key(link.href), link.href) for link in text_links(text)]
    seen = visible_text(text)
    for match in TEXT_URL.finditer(seen):
        url = match.group(0).rstrip(".,;:!?")
        found.append(Fact("address", url, url))
    seen = TEXT_URL.sub(" ", seen)
    for match in TEXT_EMAIL.finditer(seen):
        email = match.group(0).rstrip(".")
        found.append(Fact("email", email.lower(), email))
    seen = TEXT_EMAIL.sub(" ", seen)
    for match in TEXT_NUMBER.finditer(seen):
        found.extend(_numbers(match.group(0)))
    return found


def _phone_key(digits: str) -> str | None:
    """The E.164 form of a valid phone number (of any country), written as digits."""
    if len(digits.lstrip("+")) < 8:
        return None
    try:
        number = phonenumbers.parse(digits, REGION)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if phonenumbers.is_valid_number(number) else None


def _numbers(run: str) -> list[Fact]:
    """The phone numbers and other numbers of a run of digit groups: from each group that starts
    with 0 or +, the longest run of groups that is a valid phone number ('0800 12 800' in
    '0800 12 800 24/7'); every other group a number of its own ('24', '7')."""
    groups = list(_GROUP.finditer(run))
    out: list[Fact] = []
    i = 0
    while i < len(groups):
        if ascii_digits(groups[i].group(0)).startswith(("0", "+")):
            phones = ((k, _phone_key(ascii_digits("".join(g.group(0) for g in groups[i:k])))) for k in range(len(groups), i, -1))
            k, key = next(((k, key) for k, key in phones if key), (i, None))
            if key:
                out.append(Fact("phone", key, run[groups[i].start():groups[k - 1].end()]))
                i = k
                continue
        written = groups[i].group(0)
        out.append(Fact("number", ascii_digits(written).lstrip("+").lstrip("0") or "0", written))
        i += 1
    return out

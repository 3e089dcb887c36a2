"""Checked value types used by the content schema: phone numbers, hours, URLs, emails, languages.

Each parser raises ValueError with a message that says what is wrong and what was expected;
the validation stage adds the file, line and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from urllib.parse import urlsplit

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email
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


def parse_email(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected an email address such as 'info@example.be'")
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

"""Structured facts put into words: phone numbers, hours, days, languages, dates, addresses."""

from __future__ import annotations

import gettext
from datetime import date

import pytest

from generator.content.model import Hours
from generator.content.values import display_url, parse_phone, short_url
from generator.render.words import Words

from .conftest import LAYOUTS

W = Words("en", LAYOUTS)


def hours(*specs: dict) -> tuple[Hours, ...]:
    return tuple(Hours.model_validate(s) for s in specs)


@pytest.mark.parametrize(
    ("written", "national", "e164", "kind"),
    [
        ("0800 999 61", "0800 99 961", "+3280099961", "toll_free"),
        ("0800-99-533", "0800 99 533", "+3280099533", "toll_free"),
        ("0800/98.100", "0800 98 100", "+3280098100", "toll_free"),
        ("0900 12019", "0900 12 019", "+3290012019", "premium"),
        ("+32 (0)2 545 77 70", "02 545 77 70", "+3225457770", "fixed"),
        ("071/20.68.97", "071 20 68 97", "+3271206897", "fixed"),
        ("0489 133 355", "0489 13 33 55", "+32489133355", "mobile"),
        ("1712", "1712", "1712", "short"),
        (107, "107", "107", "short"),
    ],
)
def test_phone_numbers(written, national, e164, kind):
    phone = parse_phone(written)
    assert (phone.national, phone.e164, phone.kind) == (national, e164, kind)
    assert phone.tel == f"tel:{e164}"


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([{"days": "mo-fr", "from": "09:30", "to": "13:00"}], ["Monday to Friday: 09:30–13:00"]),
        ([{"days": ["mo", "tu", "we", "fr"], "from": "09:00", "to": "12:30"}, {"days": "th", "from": "13:30", "to": "17:00"}],
         ["Monday to Wednesday and Friday: 09:00–12:30", "Thursday: 13:30–17:00"]),
        ([{"days": ["mo", "fr"], "from": "18:00", "to": "22:00"}, {"days": ["mo", "fr"], "from": "13:00", "to": "17:00"}],
         ["Monday and Friday: 13:00–17:00 and 18:00–22:00"]),
        ([{"days": "mo-th", "part": "morning"}], ["Monday to Thursday: mornings"]),
        ([{"days": "mo-su", "from": "00:00", "to": "24:00"}], ["24 hours a day, 7 days a week"]),
        ([{"days": "mo-su", "from": "08:00", "to": "20:00"}], ["Every day: 08:00–20:00"]),
        ([{"days": ["sa", "mo"], "from": "10:00", "to": "24:00"}], ["Monday and Saturday: 10:00–24:00"]),
    ],
)
def test_hours_in_words(specs, expected):
    assert W.hours(hours(*specs)) == expected


def test_languages_dates_and_addresses():
    assert W.languages(("en", "fr", "nl", "uk")) == "English, French, Dutch and Ukrainian"
    assert W.date(date(2026, 11, 28)) == "28 November 2026"
    assert short_url("https://www.unia.be/fr/signaler-discrimination") == "unia.be/fr/signaler-discrimination"
    assert display_url("https://www.unia.be/fr/signaler-discrimination") == "unia.be"
    assert display_url("https://fedasilinfo.be/en/rules-follow") == "fedasilinfo.be/en/rules-follow"
    assert display_url("https://www.lumi.be/") == "lumi.be"


@pytest.mark.parametrize(
    ("lang", "days", "expected"),
    [
        # the translation review (issue 26): "Du lundi au mercredi et vendredi" lacked the article
        ("fr", ("mo", "tu", "we", "fr"), "du lundi au mercredi et le vendredi"),
        ("fr", ("mo", "we", "th", "fr"), "le lundi et du mercredi au vendredi"),
        ("es", ("mo", "tu", "we", "fr"), "de lunes a miércoles y el viernes"),
        # single days with no range keep their bare names
        ("fr", ("mo", "fr"), "lundi et vendredi"),
        ("en", ("mo", "tu", "we", "fr"), "Monday to Wednesday and Friday"),
    ],
)
def test_a_day_beside_a_range_is_worded_like_it(lang, days, expected):
    assert Words(lang, LAYOUTS).days(days) == expected


def test_a_day_beside_a_range_takes_the_catalogues_phrase():
    """The single day of a mixed list goes through its own phrase ("{day}"), so any language whose
    range has words of its own can give the day its article; a day in a list of days alone does not."""

    class Marked(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"{day}": "<{day}>", "{first} to {last}": "[{first}-{last}]"}.get(message, message)

    w = Words("en", LAYOUTS, Marked())
    assert w.days(("mo", "tu", "we", "fr", "su")) == "[Monday-Wednesday], <Friday> and <Sunday>"
    assert w.days(("mo", "fr")) == "Monday and Friday"

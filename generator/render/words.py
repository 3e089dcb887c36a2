"""Locale-aware wording: days, times, dates, lists and language names as babel writes them in
the reader's language, the layouts' fixed phrases (layouts/locale/), and the direction a
language is written in."""

from __future__ import annotations

import gettext as _gettext
import re
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from babel.lists import format_list

from generator.content.model import Hours
from generator.content.values import DAYS, format_minutes
from generator.i18n.translator import ui_translations

# Belgian variants where babel has them: dates, times and lists as written in Belgium.
LOCALES = {"en": "en_BE", "fr": "fr_BE", "nl": "nl_BE", "de": "de_BE"}


def direction(lang: str) -> str:
    """'rtl' for a language babel writes right to left (Arabic, Farsi, Pashto), else 'ltr'."""
    try:
        return "rtl" if Locale.parse(LOCALES.get(lang, lang)).character_order == "right-to-left" else "ltr"
    except (ValueError, LookupError):  # not a language babel knows: as most are
        return "ltr"


@dataclass
class Words:
    """Locale-aware wording of days, times, dates and languages, with the fixed phrases of the
    project's layouts (layouts/locale/) and widths measured in its fonts (layouts/fonts/)."""

    lang: str
    layouts: Path
    translations: _gettext.NullTranslations | None = None

    def __post_init__(self) -> None:
        self.locale = Locale.parse(LOCALES.get(self.lang, self.lang))
        if self.translations is None:
            self.translations = ui_translations(self.layouts, self.lang)
        self._ = self.translations.gettext

    def day(self, code: str, width: str = "wide") -> str:
        return self.locale.days["format"][width][DAYS.index(code)]

    def days(self, days: tuple[str, ...], width: str = "wide") -> str:
        """('mo','tu','we','fr') -> 'Monday to Wednesday, Friday' ('Mon to Wed and Fri' abbreviated)."""
        _ = self._
        if days == DAYS:
            return _("every day")
        runs: list[list[str]] = []
        for _key, group in groupby(enumerate(days), key=lambda p: DAYS.index(p[1]) - p[0]):
            runs.append([d for _i, d in group])
        ranged = any(len(run) >= 3 for run in runs)
        parts = []
        for run in runs:
            if len(run) >= 3:
                parts.append(_("{first} to {last}").format(first=self.day(run[0], width), last=self.day(run[-1], width)))
            elif ranged:
                # TRANSLATORS: one day in a list that also holds a range of days, as "Friday" in
                # "Monday to Wednesday and Friday". Where the range has its own words ("du lundi au
                # mercredi"), the day needs its own too: French "le {day}", Spanish "el {day}".
                # Elsewhere leave it as "{day}".
                parts.extend(_("{day}").format(day=self.day(d, width)) for d in run)
            else:
                parts.extend(self.day(d, width) for d in run)
        return format_list(parts, style="standard", locale=self.locale)

    def clock(self, minutes: int) -> str:
        t = format_minutes(minutes)
        return "24:00" if t is None else format_time(t, "HH:mm", locale=self.locale)

    def period(self, h: Hours) -> str:
        _ = self._
        if h.part is not None:
            return {"morning": _("mornings"), "afternoon": _("afternoons"), "evening": _("evenings")}[h.part]
        start, end = format_minutes(h.start), format_minutes(h.end)  # type: ignore[arg-type]
        if self.locale.character_order == "right-to-left":
            # "17:00–13:00" is how a dash range reads right to left: words leave no doubt
            # TRANSLATORS: an opening period in a right-to-left language, e.g. "from 13:00 to 17:00"
            return _("from {start} to {end}").format(start=self.clock(h.start), end=self.clock(h.end))  # type: ignore[arg-type]
        if start is None or end is None:  # '24:00' has no time of day: write the range out
            return f"{self.clock(h.start)}–{self.clock(h.end)}"  # type: ignore[arg-type]
        return format_interval(start, end, "Hm", locale=self.locale)

    def hours(self, hours: tuple[Hours, ...], width: str = "wide") -> list[str]:
        """Opening hours in words, one line per set of days, in week order (days' names
        abbreviated where room is short: a wallet card)."""
        _ = self._
        if any(h.days == DAYS and h.start == 0 and h.end == 24 * 60 for h in hours):
            return [_("24 hours a day, 7 days a week")]
        by_days: dict[tuple[str, ...], list[Hours]] = {}
        for h in sorted(hours, key=lambda h: (DAYS.index(h.days[0]), h.start or 0)):
            by_days.setdefault(h.days, []).append(h)
        lines = []
        for days, periods in by_days.items():
            times = format_list([self.period(p) for p in periods], style="standard", locale=self.locale)
            line = _("{days}: {times}").format(days=self.days(days, width), times=times)
            lines.append(line[:1].upper() + line[1:])
        return lines

    def date(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def languages(self, codes: tuple[str, ...]) -> str:
        names = [self.locale.languages.get(c, c) for c in codes]
        return format_list(names, style="standard", locale=self.locale)


# Hebrew, Arabic (with its supplements and presentation forms), Syriac, Thaana, N'Ko...
RTL_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

NON_LATIN = re.compile("[\u0400-\u04ff\u0590-\u08ff\u1200-\u139f\ufb1d-\ufdff\ufe70-\ufeff]")
"""Letters of the scripts the content is translated into other than Latin (Cyrillic, Hebrew,
Arabic with its forms, Ethiopic)."""

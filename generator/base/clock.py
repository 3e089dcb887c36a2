"""Today's date, in one place: every check of how old a fact is asks here."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    """Today's date, or the date in BOOKLET_TODAY (YYYY-MM-DD) when it is set: to see what will
    be due by a coming day (`BOOKLET_TODAY=2027-03-01 booklet check`), and for tests whose
    dates must not age."""
    given = os.environ.get("BOOKLET_TODAY", "").strip()
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise ValueError(f"BOOKLET_TODAY={given!r} is not a date; expected YYYY-MM-DD such as 2027-03-01") from None

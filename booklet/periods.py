"""Period ids (2017, 2017-H1, 2017-Q1, 2017-03): parsing, date ranges, order."""
from __future__ import annotations

import calendar as _cal
import re
from functools import lru_cache
from datetime import date
from typing import Optional

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$")


def kind_of(period: str) -> Optional[str]:
    """'annual' | 'half_year' | 'quarterly' | 'monthly', or None if malformed."""
    m = PERIOD_RE.match(period)
    if not m:
        return None
    part = m.group(2)
    if part is None:
        return "annual"
    return {"Q": "quarterly", "H": "half_year"}.get(part[0], "monthly")


def year_of(period: str) -> int:
    return int(period[:4])


def bounds(period: str) -> tuple[date, date]:
    """First and last day of the period."""
    y = year_of(period)
    k = kind_of(period)
    if k == "annual":
        return date(y, 1, 1), date(y, 12, 31)
    part = period[5:]
    if k == "quarterly":
        q = int(part[1])
        first, last = 3 * q - 2, 3 * q
    elif k == "half_year":
        h = int(part[1])
        first, last = 6 * h - 5, 6 * h
    else:
        first = last = int(part)
    return date(y, first, 1), date(y, last, _cal.monthrange(y, last)[1])


def periods_of(year: int, assessment: str) -> list[str]:
    """The assessment periods of a year for a calendar, in order."""
    if assessment == "quarterly":
        return [f"{year}-Q{q}" for q in range(1, 5)]
    if assessment == "half_year":
        return [f"{year}-H1", f"{year}-H2"]
    if assessment == "monthly":
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    return [str(year)]


_ORDER = {"monthly": 0, "quarterly": 1, "half_year": 2, "annual": 3}


@lru_cache(maxsize=4096)
def sort_key(period: str) -> tuple:
    """Chronological, each period after the months it ends with and the year
    after its parts: 2017-01 … 2017-03, 2017-Q1 … 2017-Q4, 2017-H2, 2017.
    Malformed ids sort last (validation reports them)."""
    kind = kind_of(period or "")
    if kind is None:
        return (9999, 99, 9, period)
    _, last = bounds(period)
    return (last.year, last.month, _ORDER[kind], period)

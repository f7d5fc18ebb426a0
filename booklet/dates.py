"""The one date parser: every date field (records, findings, annex data,
spreadsheet cells) reads its value here.

Accepted spellings of 12 March 2018 (docs/formats.md, “日期与数字”):

    2018-03-12   2018-3-12   2018/3/12   2018.3.12   2018年3月12日

with half- or full-width digits, quoted or not. Anything else (a time of
day, a two-digit year, 12/3/2018, 20180312) and impossible dates
(2018-2-30) are refused with the spelling to use. Pure functions, no clock.

Assessment dates: a quarter, half-year or year is assessed after it ends
(offices assess Q1 in early April), so an assessment record's date, and the
dates of its findings, may fall after the period up to the end of the
following month (ASSESSMENT_GRACE_MONTHS). Inspections and monthly
assessments stay inside their month.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Any, Optional

MIN_YEAR, MAX_YEAR = 1990, 2100
ASSESSMENT_GRACE_MONTHS = 1
CANONICAL = "2018-03-12"
SPELLINGS = "2018-03-12、2018-3-12、2018/3/12、2018.3.12 或 2018年3月12日"

_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0F: 0x2F, 0xFF0E: 0x2E, 0xFF0D: 0x2D}
_DATE = re.compile(r"(\d{4})(?:(-)(\d{1,2})-|(/)(\d{1,2})/|(\.)(\d{1,2})\.|(年)(\d{1,2})月)(\d{1,2})(日?)")


class DateError(ValueError):
    """A value that is not a date: `what` is wrong, `fix` says the spelling to use."""

    def __init__(self, what: str, fix: str):
        super().__init__(what)
        self.what, self.fix = what, fix


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def parse_date(value: Any) -> date:
    """A date object, or text in one of the accepted spellings → date; else DateError."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        d = value
    else:
        if not isinstance(value, str):
            raise DateError(f"「{_shown(value)}」不是日期。", f"写成 {CANONICAL}（年-月-日）。")
        text = value.strip().translate(_FULLWIDTH)
        m = _DATE.fullmatch(text)
        if not m or (m.group(8) == "年") != (m.group(11) == "日"):
            raise DateError(f"「{_shown(value)}」不是可以识别的日期。",
                            f"写成 {CANONICAL}（年-月-日）；也可写 {SPELLINGS}。")
        year = int(m.group(1))
        month = int(next(g for g in (m.group(3), m.group(5), m.group(7), m.group(9)) if g))
        day = int(m.group(10))
        if not 1 <= month <= 12:
            raise DateError(f"「{_shown(value)}」不存在：没有 {month} 月。",
                            f"月份是 1–12，写成 {CANONICAL}（年-月-日）。")
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"「{_shown(value)}」不存在：{year}年{month}月只有 {last} 天。",
                            f"写一个真实存在的日期，如 {year:04d}-{month:02d}-{last:02d}。")
        d = date(year, month, day)
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise DateError(f"「{_shown(value)}」的年份 {d.year} 不合理。",
                        f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间，写成 {CANONICAL}。")
    return d


def parse_date_or_none(value: Any) -> Optional[date]:
    try:
        return parse_date(value)
    except DateError:
        return None


def add_months(d: date, months: int) -> date:
    """The last day of the month `months` after d's month."""
    n = d.year * 12 + d.month - 1 + months
    y, m = divmod(n, 12)
    return date(y, m + 1, calendar.monthrange(y, m + 1)[1])


def allowed_range(first: date, last: date, *, after_period: bool) -> tuple[date, date]:
    """The days a date may fall on for a period first..last: the period itself,
    or (after_period: an assessment of a quarter, half-year or year) up to the
    end of the month after it."""
    if after_period:
        return first, add_months(last, ASSESSMENT_GRACE_MONTHS)
    return first, last

"""Periods: the one `Period` value type and the registry of period kinds.

A period id is ``2017`` (the year), ``2017-H1``/``H2``, ``2017-Q1``…``Q4`` or
``2017-01``…``12``. `Period.parse` is the only parser; everything else (the
scoring calendar, validation, the site, the booklets) asks a Period for its
kind, bounds, months, previous period, labels and sort order.

Kinds have one set of names: year, half_year, quarter, month. The rubric
calendar's words (annual, half_year, quarterly, monthly) are a YAML
vocabulary; `kind_for_calendar` maps them onto the kinds.
"""
from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, total_ordering
from typing import Optional

PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$")

_CN = "一二三四"


@dataclass(frozen=True)
class Kind:
    name: str          # year | half_year | quarter | month
    calendar: str      # the rubric calendar's word for assessing by this kind
    months: int        # months in one period of the kind
    rank: int          # order among periods that end in the same month
    id_fmt: str        # the part of the id after "YYYY-"
    short_fmt: str     # axis label
    part_fmt: str      # name inside its year
    label_fmt: str     # full Chinese name


YEAR, HALF, QUARTER, MONTH = "year", "half_year", "quarter", "month"

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind(MONTH, "monthly", 1, 0, "{n:02d}", "{n}月", "{n}月", "{year}年{n}月"),
    Kind(QUARTER, "quarterly", 3, 1, "Q{n}", "{cn}季度", "第{cn}季度", "{year}年第{cn}季度"),
    Kind(HALF, "half_year", 6, 2, "H{n}", "{ud}半年", "{ud}半年", "{year}年{ud}半年"),
    Kind(YEAR, "annual", 12, 3, "", "{year}年", "{year}年", "{year}年度"),
)}
_BY_CALENDAR = {k.calendar: k for k in KINDS.values()}
_BY_LETTER = {"Q": QUARTER, "H": HALF}


def kind_for_calendar(assessment: str) -> str:
    """The period kind a rubric calendar assesses by: quarterly → quarter."""
    return _BY_CALENDAR[assessment].name


@total_ordering
@dataclass(frozen=True)
class Period:
    """One period; str() is its canonical id. Orders chronologically, each
    period after the months it ends with and the year after its parts:
    2017-01 … 2017-03, 2017-Q1, …, 2017-Q4, 2017-H2, 2017."""
    year: int
    kind: str
    n: int = 0                     # 1-based number inside the year; 0 for the year

    # ---------------------------------------------------------- construction

    @staticmethod
    def parse(text: str) -> "Period":
        """'2017-Q2' → Period(2017, 'quarter', 2). ValueError if malformed."""
        return _parse(text if isinstance(text, str) else str(text))

    @staticmethod
    def parse_or_none(text: Optional[str]) -> Optional["Period"]:
        try:
            return _parse(text) if text else None
        except (ValueError, TypeError):
            return None

    @staticmethod
    def all_of(year: int, kind: str) -> list["Period"]:
        """The periods of one kind in a year, in order."""
        k = KINDS[kind]
        if k.name == YEAR:
            return [Period(year, YEAR)]
        return [Period(year, kind, n) for n in range(1, 12 // k.months + 1)]

    # ---------------------------------------------------------- facts

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    @property
    def id(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if self.kind == YEAR:
            return f"{self.year:04d}"
        return f"{self.year:04d}-" + self.spec.id_fmt.format(n=self.n)

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    @property
    def month_range(self) -> tuple[int, int]:
        """First and last month number (1–12)."""
        size = self.spec.months
        last = 12 if self.kind == YEAR else self.n * size
        return last - size + 1, last

    @property
    def bounds(self) -> tuple[date, date]:
        """First and last day."""
        first, last = self.month_range
        return (date(self.year, first, 1),
                date(self.year, last, _cal.monthrange(self.year, last)[1]))

    @property
    def months(self) -> tuple["Period", ...]:
        """The months it covers: 2017-Q1 → 2017-01, 2017-02, 2017-03."""
        first, last = self.month_range
        return tuple(Period(self.year, MONTH, m) for m in range(first, last + 1))

    @property
    def previous(self) -> "Period":
        """The period of the same kind just before: 2017-Q1 → 2016-Q4, 2017 → 2016."""
        if self.kind == YEAR:
            return Period(self.year - 1, YEAR)
        if self.n > 1:
            return Period(self.year, self.kind, self.n - 1)
        return Period(self.year - 1, self.kind, 12 // self.spec.months)

    # ---------------------------------------------------------- labels

    def _fmt(self, template: str) -> str:
        return template.format(year=self.year, n=self.n,
                               cn=_CN[self.n - 1] if self.kind == QUARTER else "",
                               ud="上下"[self.n - 1] if self.kind == HALF else "")

    @property
    def label(self) -> str:
        """2017年度 / 2017年上半年 / 2017年第三季度 / 2017年3月."""
        return self._fmt(self.spec.label_fmt)

    @property
    def short(self) -> str:
        """Axis label: 2017年 / 下半年 / 三季度 / 3月."""
        return self._fmt(self.spec.short_fmt)

    @property
    def part_label(self) -> str:
        """Its name inside its year: 2017年 / 上半年 / 第三季度 / 3月."""
        return self._fmt(self.spec.part_fmt)

    # ---------------------------------------------------------- order

    @property
    def sort_key(self) -> tuple:
        last = self.month_range[1]
        return (self.year, last, self.spec.rank, str(self))

    def __lt__(self, other: "Period") -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key


@lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    m = PERIOD_RE.match(text)
    if not m:
        raise ValueError(f"无法识别的期间：{text!r}（应为 2017、2017-H1、2017-Q1 或 2017-03）")
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        return Period(year, YEAR)
    if part[0] in _BY_LETTER:
        return Period(year, _BY_LETTER[part[0]], int(part[1]))
    return Period(year, MONTH, int(part))


# ------------------------------------------------- helpers over id strings
# Results, records and paths carry period ids as strings; these take an id
# that may be malformed (validation reports it) and never raise.


@lru_cache(maxsize=4096)
def sort_key(period: str) -> tuple:
    """Period.sort_key of an id; malformed ids sort last."""
    p = Period.parse_or_none(period)
    return p.sort_key if p is not None else (9999, 99, 9, period)


def label(period: str) -> str:
    """Period.label of an id; a malformed id is shown as it is."""
    p = Period.parse_or_none(period)
    return p.label if p is not None else period


def months_label(periods: list[str]) -> str:
    """Periods as a list in Chinese, the year said once per run of the same
    year: 2017-07, 2017-08, 2017-09 → 2017年7月、8月、9月; 2016-12, 2017-01 →
    2016年12月、2017年1月. A malformed id is shown as it is."""
    out, year = [], None
    for text in periods:
        p = Period.parse_or_none(text)
        if p is None:
            out.append(text)
            year = None
        elif p.year == year:
            out.append(p.part_label)
        else:
            out.append(p.label)
            year = p.year
    return "、".join(out)


def year_label(period: str, parts: tuple[str, ...] = (), expected: tuple[str, ...] = ()) -> str:
    """The label of a result's period. A year rolled up from assessment periods
    with some of them missing is never called 年度: 2017年（截至第三季度） when
    the first three quarters are there, 2017年（截至第三季度，缺第二季度） when a
    quarter inside is missing. Anything else: `label`."""
    if not expected or not parts or set(expected) <= set(parts):
        return label(period)
    have = sorted((Period.parse(x) for x in parts if Period.parse_or_none(x)), key=lambda x: x.sort_key)
    if not have:
        return label(period)
    last = have[-1]
    missing = [Period.parse(x) for x in expected
               if x not in parts and Period.parse(x).sort_key < last.sort_key]
    text = f"截至{last.part_label}"
    if missing:
        text += "，缺" + "、".join(m.part_label for m in missing)
    return f"{last.year}年（{text}）"

"""booklet.periods.Period: parsing, bounds, months, previous, labels, order."""
from __future__ import annotations

from datetime import date

import pytest

from booklet.periods import (HALF, KINDS, MONTH, QUARTER, YEAR, Period, kind_for_calendar,
                             label, sort_key)


@pytest.mark.parametrize("text, year, kind, n", [
    ("2017", 2017, YEAR, 0),
    ("2017-H1", 2017, HALF, 1), ("2017-H2", 2017, HALF, 2),
    ("2017-Q1", 2017, QUARTER, 1), ("2017-Q4", 2017, QUARTER, 4),
    ("2017-01", 2017, MONTH, 1), ("2017-09", 2017, MONTH, 9), ("2017-12", 2017, MONTH, 12),
])
def test_parse_every_accepted_spelling(text, year, kind, n):
    p = Period.parse(text)
    assert (p.year, p.kind, p.n) == (year, kind, n)
    assert str(p) == p.id == text                 # str() is the canonical id
    assert Period.parse(str(p)) == p


@pytest.mark.parametrize("text", [
    "", "17", "2017-", "2017-Q0", "2017-Q5", "2017-q1", "2017-H3", "2017-00", "2017-13",
    "2017-3", "2017-003", "2017Q1", " 2017", "2017-Q1 ", "2017-W01", "二〇一七",
])
def test_bad_spellings_are_refused(text):
    with pytest.raises(ValueError, match="无法识别的期间"):
        Period.parse(text)
    assert Period.parse_or_none(text) is None


def test_a_yaml_integer_year_parses():
    assert Period.parse(2017) == Period(2017, YEAR)


def test_bounds_including_leap_february():
    assert Period.parse("2016-02").bounds == (date(2016, 2, 1), date(2016, 2, 29))
    assert Period.parse("2017-02").bounds == (date(2017, 2, 1), date(2017, 2, 28))
    assert Period.parse("2017-Q1").bounds == (date(2017, 1, 1), date(2017, 3, 31))
    assert Period.parse("2017-H2").bounds == (date(2017, 7, 1), date(2017, 12, 31))
    assert Period.parse("2017").bounds == (date(2017, 1, 1), date(2017, 12, 31))


def test_months():
    assert [str(m) for m in Period.parse("2017-Q2").months] == ["2017-04", "2017-05", "2017-06"]
    assert [str(m) for m in Period.parse("2017-H2").months][-1] == "2017-12"
    assert len(Period.parse("2017").months) == 12
    assert Period.parse("2017-03").months == (Period.parse("2017-03"),)


def test_previous_is_the_same_kind_and_crosses_the_year_boundary():
    prev = lambda t: str(Period.parse(t).previous)
    assert prev("2017-Q2") == "2017-Q1" and prev("2017-Q1") == "2016-Q4"
    assert prev("2017-03") == "2017-02" and prev("2017-01") == "2016-12"
    assert prev("2017-H2") == "2017-H1" and prev("2017-H1") == "2016-H2"
    assert prev("2017") == "2016"


def test_all_of_a_year():
    assert [str(p) for p in Period.all_of(2017, QUARTER)] == [
        "2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4"]
    assert [str(p) for p in Period.all_of(2022, HALF)] == ["2022-H1", "2022-H2"]
    assert len(Period.all_of(2017, MONTH)) == 12
    assert Period.all_of(2017, YEAR) == [Period(2017, YEAR)]


def test_labels_keep_todays_wording():
    cases = {  # id: (label, short, part_label)
        "2017": ("2017年度", "2017年", "2017年"),
        "2017-Q1": ("2017年第一季度", "一季度", "第一季度"),
        "2017-Q3": ("2017年第三季度", "三季度", "第三季度"),
        "2017-H1": ("2017年上半年", "上半年", "上半年"),
        "2017-H2": ("2017年下半年", "下半年", "下半年"),
        "2017-03": ("2017年3月", "3月", "3月"),
        "2017-11": ("2017年11月", "11月", "11月"),
    }
    for text, (full, short, part) in cases.items():
        p = Period.parse(text)
        assert (p.label, p.short, p.part_label) == (full, short, part), text
        assert label(text) == full
    assert label("第三期") == "第三期"             # malformed ids are shown as they are


def test_order_month_before_quarter_before_half_before_year():
    ids = ["2017", "2017-Q2", "2017-03", "2017-H1", "2017-Q1", "2016", "2017-06", "2017-H2"]
    want = ["2016", "2017-03", "2017-Q1", "2017-06", "2017-Q2", "2017-H1", "2017-H2", "2017"]
    assert [str(p) for p in sorted(Period.parse(t) for t in ids)] == want
    assert sorted(ids, key=sort_key) == want
    assert sorted(["bad", "2017", "2016-Q4"], key=sort_key) == ["2016-Q4", "2017", "bad"]
    assert Period.parse("2017-Q1") < Period.parse("2017") <= Period.parse("2017")


def test_equality_and_hash():
    assert Period.parse("2017-Q1") == Period(2017, QUARTER, 1)
    assert len({Period.parse("2017-Q1"), Period(2017, QUARTER, 1), Period.parse("2017")}) == 2
    assert Period.parse("2017-03") != Period.parse("2017-Q1")


def test_one_set_of_kind_names_and_the_calendar_words():
    assert set(KINDS) == {YEAR, HALF, QUARTER, MONTH} == {"year", "half_year", "quarter", "month"}
    assert {w: kind_for_calendar(w) for w in ("annual", "half_year", "quarterly", "monthly")} == {
        "annual": YEAR, "half_year": HALF, "quarterly": QUARTER, "monthly": MONTH}

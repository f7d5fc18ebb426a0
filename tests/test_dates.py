"""Issue 10: dates as people type them. One parser (booklet.dates) reads every
date field: a record's date, a finding's date, annex data; the accepted
spellings are that date, anything else gets file:line:col and 2018-03-12."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booklet.build import load_and_validate
from booklet.dates import DateError, allowed_range, parse_date

from conftest import MINI_RECORD, write_project

REC = "assessments/mini/2017-Q1/east.yml"
SPELLINGS = ["2017-3-10", "2017/3/10", "2017年3月10日", '"2017-03-10"', "2017.3.10", "２０１７-03-10"]


def run(tmp_path, record):
    root = write_project(tmp_path / "p", records={REC: record})
    return load_and_validate(root)


def only(problems, code):
    found = [p for p in problems.items if p.code == code]
    assert found, f"no problem with code {code}; got:\n{problems.report()}"
    return found


@pytest.mark.parametrize("typed", SPELLINGS)
def test_finding_date_in_any_accepted_spelling_is_that_date(tmp_path, typed):
    project, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-10", f"date: {typed}"))
    assert not problems.errors, problems.report()
    assert project.records[0].findings[0].date == date(2017, 3, 10)


@pytest.mark.parametrize("typed", ["2017-3-28", "2017/3/28", "2017年3月28日", '"2017-03-28"'])
def test_record_date_in_any_accepted_spelling_is_that_date(tmp_path, typed):
    project, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-28", f"date: {typed}"))
    assert not problems.errors, problems.report()
    assert project.records[0].date == date(2017, 3, 28)


@pytest.mark.parametrize("typed", ["2017-2-30", "2017/02/29", "2017年2月30日"])
def test_impossible_date_names_the_days_of_that_month(tmp_path, typed):
    _, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-10", f"date: {typed}"))
    (p,) = only(problems, "bad-date")
    assert (p.loc.file, p.loc.line, p.loc.col) == (REC, 12, 11)
    assert "2017年2月只有 28 天" in p.what and "2017-02-28" in p.fix


@pytest.mark.parametrize("typed", ["10/3/2017", "17-3-10", "20170310", "2017-03-10 10:00",
                                   "2017-3", "三月十日", "2017年3月10"])
def test_other_spellings_are_refused_with_the_spelling_to_use(tmp_path, typed):
    _, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-10", f"date: {typed}"))
    (p,) = only(problems, "bad-date")
    assert (p.loc.file, p.loc.line, p.loc.col) == (REC, 12, 11)
    assert "不是可以识别的日期" in p.what and "2018-03-12" in p.fix


def test_record_date_that_is_a_number_is_a_message(tmp_path):
    _, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-28", "date: 28"))
    (p,) = only(problems, "bad-date")
    assert (p.loc.file, p.loc.line) == (REC, 5) and "「28」" in p.what


# ---------------------------------------------------------------- the assessment window
# A quarter is assessed after it ends, up to the end of the following month.

@pytest.mark.parametrize("typed, ok", [("2017-04-30", True), ("2017-05-01", False),
                                       ("2017-01-01", True), ("2016-12-31", False)])
def test_quarterly_assessment_may_be_held_in_the_month_after(tmp_path, typed, ok):
    _, problems = run(tmp_path, MINI_RECORD.replace("date: 2017-03-28", f"date: {typed}"))
    found = [p for p in problems.errors if p.code == "date-range"]
    if ok:
        assert not problems.errors, problems.report()
    else:
        (p,) = found
        assert (p.loc.file, p.loc.line) == (REC, 5)
        assert "2017-Q1" in p.what and "2017-04-30" in p.what


def test_inspection_stays_inside_its_month(tmp_path):
    rec = (MINI_RECORD.replace("period: 2017-Q1", "period: 2017-03")
           .replace("kind: assessment", "kind: inspection")
           .replace("date: 2017-03-28", "date: 2017-04-01"))
    root = write_project(tmp_path / "p", records={"assessments/mini/2017-03/east.yml": rec})
    _, problems = load_and_validate(root)
    (p,) = only(problems, "date-range")
    assert p.loc.line == 5 and "2017-03-31" in p.what


def test_allowed_range_edges():
    q4 = (date(2017, 10, 1), date(2017, 12, 31))
    assert allowed_range(*q4, after_period=True) == (date(2017, 10, 1), date(2018, 1, 31))
    assert allowed_range(*q4, after_period=False) == q4


# ---------------------------------------------------------------- annex data uses the same parser

def test_annex_date_in_chinese_spelling_is_that_date(tmp_path):
    from test_annex_load import FUNDS, load
    annex, problems = load(tmp_path, funds=FUNDS.replace("date: 2017-03-02", "date: 2017年3月2日"))
    assert not problems.errors, problems.report()
    assert annex["u1"].funds.requests[0].date == date(2017, 3, 2)


def test_annex_impossible_date_is_a_message(tmp_path):
    from test_annex_load import FUNDS, load
    _, problems = load(tmp_path, funds=FUNDS.replace("date: 2017-03-02", "date: 2017-2-30"))
    (p,) = only(problems, "annex-date")
    assert p.loc.line == 4 and "只有 28 天" in p.what


# ---------------------------------------------------------------- the parser, by property

@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_every_spelling_of_a_real_date_is_that_date(d):
    for text in (d.isoformat(), f"{d.year}-{d.month}-{d.day}", f"{d.year}/{d.month}/{d.day}",
                 f"{d.year}年{d.month}月{d.day}日", f"{d.year}.{d.month:02d}.{d.day}"):
        assert parse_date(text) == d


@given(st.text(max_size=20))
def test_any_text_is_a_date_or_a_date_error(text):
    try:
        d = parse_date(text)
    except DateError as e:
        assert e.what and "2" in e.fix
    else:
        assert isinstance(d, date)


@given(st.integers(1990, 2100), st.integers(0, 40), st.integers(0, 40))
def test_day_and_month_out_of_range_are_refused(y, m, d):
    text = f"{y}-{m}-{d}"
    try:
        got = parse_date(text)
    except DateError:
        with pytest.raises(ValueError):
            date(y, m, d)
    else:
        assert got == date(y, m, d)

"""Issue 11 / issue 10: every crash the mutation fuzzer found, as the file a
user would write, and the message (file:line, wording) they get instead of
"booklet 内部错误". Scalars are read by YAML 1.2, as the editors that use the
published JSON Schemas read them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booklet.build import load_and_validate
from booklet.errors import Problems
from booklet.scoring.fmt import q2
from booklet.yamlio import parse_text, resolve_plain

from conftest import MINI_CONFIG, MINI_RECORD, MINI_RUBRIC, write_project

REC = "assessments/mini/2017-Q1/east.yml"
RUB = "rubrics/mini.yml"


def run(tmp_path, record=MINI_RECORD, rubric=MINI_RUBRIC, config=MINI_CONFIG):
    root = write_project(tmp_path / "p", config=config, rubric=rubric, records={REC: record})
    return load_and_validate(root)


def only(problems, code):
    found = [p for p in problems.items if p.code == code]
    assert found, f"no problem with code {code}; got:\n{problems.report()}"
    return found


def finding(project, n):
    (rec,) = project.records
    return rec.findings[n]


# ---------------------------------------------------------------- YAML 1.2 scalars, text as written

def test_no_in_a_text_field_is_the_word_no(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: no")
    project, problems = run(tmp_path, rec)
    assert not problems.errors, problems.report()
    assert finding(project, 0).reason == "no"


def test_time_of_day_in_evidence_is_text_not_minutes(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: 缺少两本台账\n    evidence: 22:30")
    project, problems = run(tmp_path, rec)
    assert not problems.errors, problems.report()
    assert finding(project, 0).evidence == "22:30"          # PyYAML 1.1 made it 1350


def test_sexagesimal_looking_text_is_kept(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: 190:20:30")
    project, problems = run(tmp_path, rec)
    assert not problems.errors, problems.report()
    assert finding(project, 0).reason == "190:20:30"        # not 685230


def test_leading_zero_count_is_decimal_ten(tmp_path):
    rec = MINI_RECORD.replace("count: 2", "count: 010")
    project, problems = run(tmp_path, rec)
    assert "count: 010" in rec
    # 010 is ten (YAML 1.2), not eight; ten deductions of 1 point exceed the item's
    # 6 points, which is the scorer's business: the value read is what we check
    assert finding(project, 0).count == 10


def test_hex_count_is_text_and_refused_as_not_a_number(tmp_path):
    rec = MINI_RECORD.replace("count: 2", "count: 0x1F")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "schema-type")
    assert (p.loc.file, p.loc.line) == (REC, 10)
    assert "0x1F" in p.what and "整数" in p.what


@pytest.mark.parametrize("typed", ["2017-03-05", "12.50", "true", "1e3"])
def test_text_field_keeps_the_text_exactly_as_written(tmp_path, typed):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", f"reason: {typed}")
    project, problems = run(tmp_path, rec)
    assert not problems.errors, problems.report()
    assert finding(project, 0).reason == typed


def test_a_date_where_a_unit_id_is_expected_is_a_message(tmp_path):
    rec = MINI_RECORD.replace("unit: east", "unit: 2017-03-05")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "unknown-unit")
    assert (p.loc.file, p.loc.line) == (REC, 2)
    assert "2017-03-05" in p.what


def test_item_number_keeps_its_trailing_zero(tmp_path):
    rubric = MINI_RUBRIC.replace("      - number: 2\n", "      - number: 2.10\n")
    rec = MINI_RECORD.replace("  - item: 2\n", "  - item: 2.10\n")
    project, problems = run(tmp_path, rec, rubric)
    assert not problems.errors, problems.report()
    assert finding(project, 2).item == "2.10"
    assert project.rubrics["mini"].item("2.10") is not None


# ---------------------------------------------------------------- tags, aliases, merge keys

def test_bool_tag_on_a_non_bool_is_a_message(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: !!bool maybe")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "yaml-tag")
    assert (p.loc.file, p.loc.line) == (REC, 11)
    assert "不允许的 YAML 标签" in p.what and "引号" in p.fix


def test_timestamp_tag_on_a_non_date_is_a_message(tmp_path):
    rec = MINI_RECORD.replace("date: 2017-03-10", "date: !!timestamp x")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "yaml-tag")
    assert (p.loc.file, p.loc.line) == (REC, 12)


def test_str_tag_is_kept_as_text(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: !!str 12")
    project, problems = run(tmp_path, rec)
    assert not problems.errors, problems.report()
    assert finding(project, 0).reason == "12"


def test_recursive_alias_is_a_message_not_recursion_error(tmp_path):
    rec = MINI_RECORD + "assessors: &r [*r]\n"
    rec = rec.replace("assessors: [周某]\n", "")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "alias-recursive")
    assert p.loc.file == REC and p.loc.line == 20
    assert "循环引用" in p.what


@pytest.mark.parametrize("depth", [150, 3000])
def test_deep_nesting_is_a_message(tmp_path, depth):
    rec = MINI_RECORD + "notes: " + "[" * depth + "]" * depth + "\n"
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "too-deep")
    assert (p.loc.file, p.loc.line) == (REC, 21) and "嵌套" in p.what


def test_merge_key_is_refused_not_dropped(tmp_path):
    rec = MINI_RECORD.replace("  - item: 1\n    rule: activity\n",
                              "  - <<: {item: 1}\n    rule: activity\n")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "yaml-merge")
    assert (p.loc.file, p.loc.line) == (REC, 13)
    assert "合并键" in p.what and "<<" in p.fix


# ---------------------------------------------------------------- characters

def test_control_character_has_chinese_message_with_line_and_column(tmp_path):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", "reason: 缺少\x07两本台账")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "control-char")
    assert (p.loc.file, p.loc.line, p.loc.col) == (REC, 11, 15)
    assert "控制字符 U+0007" in p.what


@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\u200b", "\u2060", "\ufeff"])
def test_bidi_and_invisible_characters_are_refused(tmp_path, ch):
    rec = MINI_RECORD.replace("reason: 缺少两本台账", f"reason: 缺少{ch}两本台账")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "invisible-char")
    assert (p.loc.file, p.loc.line, p.loc.col) == (REC, 11, 15)
    assert f"U+{ord(ch):04X}" in p.what


def test_bom_at_the_start_is_still_fine(tmp_path):
    root = write_project(tmp_path / "p", records={REC: "\ufeff" + MINI_RECORD})
    _, problems = load_and_validate(root)
    assert not problems.errors, problems.report()


# ---------------------------------------------------------------- numbers with sane bounds

def test_integer_of_more_than_4300_digits_is_a_message(tmp_path):
    rec = MINI_RECORD.replace("count: 2", "count: " + "9" * 5000)
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "bad-number")
    assert (p.loc.file, p.loc.line) == (REC, 10)
    assert "太大" in p.what and len(p.what) < 200


def test_count_of_29_digits_is_a_message(tmp_path):
    rec = MINI_RECORD.replace("count: 2", "count: " + "1" * 29)
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "bad-number")
    assert (p.loc.file, p.loc.line) == (REC, 10) and "太大" in p.what


def test_count_above_its_bound_is_a_schema_message(tmp_path):
    rec = MINI_RECORD.replace("count: 2", "count: 20000")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "schema-maximum")
    assert (p.loc.file, p.loc.line) == (REC, 10) and "不能大于 10000" in p.what


@pytest.mark.parametrize("typed, why", [("1.0e+999999999", "太大"), ("1e-999999999", "小数位太多")])
def test_huge_or_tiny_value_is_a_message(tmp_path, typed, why):
    rec = MINI_RECORD.replace("value: 95.5", f"value: {typed}")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "bad-number")
    assert (p.loc.file, p.loc.line) == (REC, 19) and why in p.what


@pytest.mark.parametrize("field, line", [("baseline", 20), ("cap", None)])
def test_huge_baseline_and_cap(tmp_path, field, line):
    if field == "baseline":
        rec = MINI_RECORD.replace("value: 95.5", "value: 95.5\n    baseline: 1.0e+999999999")
        _, problems = run(tmp_path, rec)
        (p,) = only(problems, "bad-number")
        assert (p.loc.file, p.loc.line) == (REC, line)
    else:
        rubric = MINI_RUBRIC.replace("amount: 1, per: 项}", "amount: 1, per: 项, cap: 1e-999999999}")
        _, problems = run(tmp_path, rubric=rubric)
        (p,) = only(problems, "bad-number")
        assert (p.loc.file, p.loc.line) == (RUB, 21)


def test_huge_base_in_booklet_yml(tmp_path):
    cfg = MINI_CONFIG.replace("    periods: [2017-Q1]\n", "    periods: [2017-Q1]\n    base: 1.0e+999999999\n")
    _, problems = run(tmp_path, config=cfg)
    (p,) = only(problems, "bad-number")
    assert (p.loc.file, p.loc.line) == ("booklet.yml", 15)


def test_negative_points_are_refused(tmp_path):
    rubric = MINI_RUBRIC.replace("        points: 4\n", "        points: -4\n")
    _, problems = run(tmp_path, rubric=rubric)
    (p,) = only(problems, "schema-exclusiveMinimum")
    assert (p.loc.file, p.loc.line) == (RUB, 26)


def test_negative_baseline_is_refused_like_value(tmp_path):
    rec = MINI_RECORD.replace("value: 95.5", "value: 95.5\n    baseline: -3")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "schema-minimum")
    assert (p.loc.file, p.loc.line) == (REC, 20) and "太小" in p.what


def test_infinity_is_refused(tmp_path):
    rec = MINI_RECORD.replace("value: 95.5", "value: .inf")
    _, problems = run(tmp_path, rec)
    (p,) = only(problems, "bad-number")
    assert (p.loc.file, p.loc.line) == (REC, 19) and "无穷大" in p.what


# ---------------------------------------------------------------- the resolver, by property

@given(st.integers(min_value=-10**18, max_value=10**18))
def test_decimal_integers_read_as_themselves(n):
    assert resolve_plain(str(n)) == n


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4,
                   min_value=Decimal("-1e9"), max_value=Decimal("1e9")))
def test_decimals_read_exactly(d):
    text = format(d, "f")
    value = resolve_plain(text)
    assert value == d and (not isinstance(value, int) or "." not in text)


@given(st.text(alphabet="0123456789xobXO_:.-+eE", min_size=1, max_size=12))
@settings(max_examples=300)
def test_any_numberlike_text_resolves_without_crashing(text):
    try:
        value = resolve_plain(text)
    except ValueError:
        return                                  # .inf/.nan only: refused with a message
    assert value is None or isinstance(value, (bool, int, Decimal, str))
    if isinstance(value, str):
        assert value == text


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_any_scalar_text_parses_or_gets_a_located_problem(text):
    problems = Problems()
    data = parse_text("reason: " + text + "\n", "f.yml", problems)
    assert data is None or isinstance(data, dict)
    for p in problems.items:
        assert p.loc.file == "f.yml" and p.loc.line >= 1


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e40"),
                   max_value=Decimal("1e40")))
def test_q2_rounds_any_finite_number(d):
    r = q2(d)
    assert abs(r - d) <= Decimal("0.005")


def test_dates_are_text_until_the_date_parser_reads_them():
    problems = Problems()
    data = parse_text("date: 2017-03-05\nn: 12.50\n", "f.yml", problems)
    assert data == {"date": "2017-03-05", "n": Decimal("12.50")}
    assert data.texts == {"n": "12.50"}
    assert not isinstance(data["date"], date)

"""Each class of user mistake gets a specific Chinese message at the right
file and line, every error is reported in one run, and nothing crashes."""
from __future__ import annotations

from pathlib import Path

from booklet.build import load_and_validate

from conftest import MINI_CONFIG, MINI_RECORD, MINI_RUBRIC, write_project

REC = "assessments/mini/2017-Q1/east.yml"


def problems_of(root: Path):
    project, problems = load_and_validate(root)
    return problems


def only(problems, code):
    found = [p for p in problems.items if p.code == code]
    assert found, f"no problem with code {code}; got:\n{problems.report()}"
    return found


def test_valid_project_has_no_errors(mini):
    problems = problems_of(mini)
    assert not problems.errors, problems.report()


def test_yaml_syntax_error_names_line(tmp_path):
    bad = MINI_RECORD.replace("    reason: 缺少两本台账", '    reason: "缺少两本台账')
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "yaml-syntax")
    assert p.loc.file == REC
    assert p.loc.line == 11          # where the unclosed quote starts
    assert "引号" in p.what


def test_tab_indentation(tmp_path):
    bad = MINI_RECORD.replace("    rule: missing", "\trule: missing")
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "tab")
    assert (p.loc.file, p.loc.line) == (REC, 9)
    assert "制表符" in p.what and "空格" in p.fix


def test_gbk_file_is_refused_with_how_to_fix(tmp_path):
    root = write_project(tmp_path / "p", records={REC: MINI_RECORD.encode("gbk")})
    (p,) = only(problems_of(root), "encoding")
    assert p.loc.file == REC
    assert "GBK" in p.what and "UTF-8" in p.fix


def test_utf8_bom_is_accepted(tmp_path):
    root = write_project(tmp_path / "p", records={REC: b"\xef\xbb\xbf" + MINI_RECORD.encode()})
    assert not problems_of(root).errors


def test_fullwidth_digits_get_specific_message(tmp_path):
    bad = MINI_RECORD.replace("value: 95.5", "value: ９５．５")
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "schema-type")
    assert p.loc.line == 19
    assert "全角" in p.what and "95.5" in p.fix


def test_wrong_type(tmp_path):
    bad = MINI_RECORD.replace("count: 2", "count: 两次")
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "schema-type")
    assert p.loc.line == 10 and "整数" in p.what


def test_unknown_key_suggests_the_right_one(tmp_path):
    bad = MINI_RECORD.replace("    reason: 活动记录不全", "    reasn: 活动记录不全")
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "schema-additionalProperties")
    assert p.loc.line == 16 and "reasn" in p.what and "reason" in p.what


def test_unknown_item_and_rule(tmp_path):
    bad = MINI_RECORD.replace("  - item: 2\n", "  - item: 9\n").replace("rule: missing", "rule: missng")
    root = write_project(tmp_path / "p", records={REC: bad})
    problems = problems_of(root)
    (item,) = only(problems, "unknown-item")
    assert item.loc.line == 17 and "「9」" in item.what
    (rule,) = only(problems, "unknown-rule")
    assert rule.loc.line == 9 and "missing" in rule.fix   # lists the rules that exist


def test_range_amount_outside_range(tmp_path):
    bad = MINI_RECORD.replace("amount: 1.5", "amount: 3")
    root = write_project(tmp_path / "p", records={REC: bad})
    (p,) = only(problems_of(root), "amount-range")
    assert p.loc.line == 15
    assert "1–2" in p.what and "不开展活动扣1-2分" in p.what


def test_fixed_amount_rule_refuses_amount_and_range_rule_needs_it(tmp_path):
    bad = MINI_RECORD.replace("    count: 2\n", "    count: 2\n    amount: 5\n").replace(
        "    amount: 1.5\n", "")
    root = write_project(tmp_path / "p", records={REC: bad})
    problems = problems_of(root)
    only(problems, "amount-not-allowed")
    only(problems, "missing-amount")


def test_duplicate_unit(tmp_path):
    cfg = MINI_CONFIG.replace("  - id: west\n    name: 西门社区", "  - id: east\n    name: 西门社区")
    root = write_project(tmp_path / "p", config=cfg)
    (p,) = only(problems_of(root), "duplicate-unit")
    assert (p.loc.file, p.loc.line) == ("booklet.yml", 8)
    assert "第 5 行" in p.what


def test_duplicate_record(tmp_path):
    root = write_project(tmp_path / "p", records={
        REC: MINI_RECORD, "assessments/mini/2017-Q1/east-copy.yml": MINI_RECORD})
    only(problems_of(root), "duplicate-record")


def test_date_outside_period_and_impossible_date(tmp_path):
    # a Q1 assessment may be held up to 2017-04-30 (booklet.dates); May is too late
    bad = MINI_RECORD.replace("date: 2017-03-28", "date: 2017-05-02").replace(
        "date: 2017-03-10", "date: 2017-02-30")
    root = write_project(tmp_path / "p", records={REC: bad})
    problems = problems_of(root)
    (rng,) = only(problems, "date-range")
    assert rng.loc.line == 5 and "2017-Q1" in rng.what
    (bad_date,) = only(problems, "bad-date")
    assert bad_date.loc.line == 12


def test_unknown_unit_and_rubric(tmp_path):
    bad = MINI_RECORD.replace("rubric: mini", "rubric: maxi").replace("unit: east", "unit: north")
    root = write_project(tmp_path / "p", records={REC: bad})
    problems = problems_of(root)
    (r,) = only(problems, "unknown-rubric")
    (u,) = only(problems, "unknown-unit")
    assert (r.loc.line, u.loc.line) == (1, 2)


def test_all_errors_reported_in_one_run(tmp_path):
    bad_rec = MINI_RECORD.replace("amount: 1.5", "amount: 3").replace("count: 2", "count: -1")
    cfg = MINI_CONFIG.replace("year: 2017", "year: 2017\ncolour: red")
    root = write_project(tmp_path / "p", config=cfg, records={REC: bad_rec})
    problems = problems_of(root)
    files = {p.loc.file for p in problems.errors}
    assert files == {"booklet.yml", REC}
    assert len(problems.errors) >= 3


def test_points_that_do_not_add_up_warn(tmp_path):
    rubric = MINI_RUBRIC.replace("        points: 4\n", "        points: 5\n")
    root = write_project(tmp_path / "p", rubric=rubric)
    problems = problems_of(root)
    assert not problems.errors
    (w,) = only(problems, "points-sum")
    assert w.level == "警告" and "11" in w.what


def test_photo_outside_project_or_url_is_an_error(tmp_path):
    rec = MINI_RECORD.replace("    reason: 缺少两本台账\n", "    reason: 缺少两本台账\n"
                              "    photos: [file:///etc/passwd, ../../outside.png, https://example.com/x.png]\n")
    root = write_project(tmp_path / "p", records={REC: rec})
    found = only(problems_of(root), "bad-photo")
    assert len(found) == 3
    assert all(p.loc.line == 12 for p in found)


def test_alias_bomb_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i-1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    root = write_project(tmp_path / "p", records={REC: "\n".join(lines) + "\n"})
    only(problems_of(root), "alias-bomb")


def test_python_tags_are_refused(tmp_path):
    root = write_project(tmp_path / "p", records={
        REC: MINI_RECORD + "extra: !!python/object/apply:os.system [echo hi]\n"})
    only(problems_of(root), "yaml-tag")


def test_duplicate_key(tmp_path):
    root = write_project(tmp_path / "p", records={REC: MINI_RECORD + "unit: west\n"})
    (p,) = only(problems_of(root), "duplicate-key")
    assert p.loc.line == 21 and "第 2 行" in p.what

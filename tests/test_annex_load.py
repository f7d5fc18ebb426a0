"""Annex files (附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表): loading and
every validation rule, each problem at the right file and line, in Chinese."""
from __future__ import annotations

from datetime import date

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from booklet.annex.load import load_annex
from booklet.errors import Problems
from booklet.load import load_project
from booklet.model import Config, Unit

from conftest import REPO, dedent

CONFIG = Config(office="测试镇综治办", title="测试", year=2017,
                units=[Unit(id="u1", name="东门社区", kind="社区"),
                       Unit(id="u2", name="西门社区", kind="社区")], assign=[])
HEAD = "# yaml-language-server: $schema=../../../schema/annex.schema.json\n"

ROSTER = HEAD + dedent("""
    unit: u1
    teams:
      - name: 专职巡防队
        type: 专职化队伍
        members:
          - {name: 张三, age: 45, phone: "13900000101", role: 队长, address: 湖塘镇枫溪路1号}
          - {name: 李四, age: 38, phone: "0519-86001234", role: 组长, address: 湖塘镇枫溪路2号}
          - {name: 王五, age: 52, phone: 13900000103, role: 队员, address: 湖塘镇枫溪路3号}
""")
DUTY = HEAD + dedent("""
    unit: u1
    filings:
      - period: "2017-03/04"
        filed: 2017-02-20
        station: 湖塘派出所
        rows:
          - {date: 2017-03-05, time: "13:00-18:00", members: [张三, 李四], phone: "13900000101", area: 一区}
          - {date: 2017-04-11, time: "7:00-12:00", members: 王五, phone: "13900000103", area: 二区}
""")
FUNDS = HEAD + dedent("""
    unit: u1
    requests:
      - date: 2017-03-02
        department: 社区居委会
        applicant: 张三
        purpose: 购置巡防用具
        requested: 6007.14
        approved: 6000
        approver: 周某
        remarks: 凭发票报销
""")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / "assessments" / "annex" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def load(tmp_path, **forms) -> tuple[dict, Problems]:
    files = {f"u1/{k}.yml": v for k, v in forms.items()}
    return load_annex(write(tmp_path, files), CONFIG)


def only(problems: Problems, code: str):
    found = [p for p in problems.items if p.code == code]
    assert found, f"no problem {code!r} in:\n{problems.report()}"
    return found


# ---------------------------------------------------------------- valid data

def test_valid_files_load_into_the_model(tmp_path):
    annex, problems = load(tmp_path, roster=ROSTER, duty=DUTY, funds=FUNDS)
    assert not problems.items, problems.report()
    ua = annex["u1"]
    team = ua.roster.teams[0]
    assert (team.name, team.type, team.size) == ("专职巡防队", "专职化队伍", 3)
    assert [m.phone for m in team.members] == ["13900000101", "0519-86001234", "13900000103"]
    assert team.members[0].loc.file == "assessments/annex/u1/roster.yml"
    assert team.members[0].loc.line == 7
    f = ua.duty.filings[0]
    assert f.period == "2017-03/04" and str(f.filed) == "2017-02-20" and f.station == "湖塘派出所"
    assert f.rows[1].members == ("王五",)
    q = ua.funds.requests[0]
    assert str(q.requested) == "6007.14" and str(q.approved) == "6000"


def test_shipped_examples_load_cleanly_and_match_the_schema():
    project, problems = load_project(REPO)
    annex_problems = [p for p in problems.items if "assessments/annex/" in p.loc.file]
    assert not annex_problems, "\n".join(map(str, annex_problems))
    assert sorted(project.annex) == [f"hutang-{i:02d}" for i in range(1, 6)]
    schema = json.loads((REPO / "schema" / "annex.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((REPO / "assessments" / "annex").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith(HEAD.replace("../../../", "../../../../")), path  # <year>/<unit>/
        data = json.loads(json.dumps(yaml.safe_load(text), default=str))
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path}: {errors[0].message}"


def test_schema_rejects_what_the_loader_rejects():
    schema = json.loads((REPO / "schema" / "annex.schema.json").read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    bad_role = {"unit": "u1", "teams": [{"name": "A", "type": "社会化队伍", "members": [
        {"name": "张三", "age": 40, "phone": "13900000101", "role": "副队长", "address": "x"}]}]}
    assert list(v.iter_errors(bad_role))
    bad_phone = json.loads(json.dumps(bad_role).replace("副队长", "队员").replace("13900000101", "1234"))
    assert list(v.iter_errors(bad_phone))
    bad_period = {"unit": "u1", "filings": [{"period": "2017-02/03", "filed": None}]}
    assert list(v.iter_errors(bad_period))


# ---------------------------------------------------------------- phones

@pytest.mark.parametrize("phone, hint", [
    ('"1390000010"', "11 位"),                 # 10 digits
    ('"12900000101"', "第二位"),               # 12x is not a mobile prefix
    ('"139 0000 0101"', '"13900000101"'),      # spaces: says how to write it
    ('"86001234"', "0519-86001234"),           # landline without area code
    ('"0519/86001234"', None),
])
def test_bad_phone_numbers(tmp_path, phone, hint):
    text = ROSTER.replace('"13900000101"', phone, 1)
    _, problems = load(tmp_path, roster=text)
    p = only(problems, "annex-phone")[0]
    assert (p.loc.file, p.loc.line) == ("assessments/annex/u1/roster.yml", 7)
    assert "联系电话" in p.what and "格式不对" in p.what
    if hint:
        assert hint in p.fix


def test_missing_phone_is_an_error(tmp_path):
    text = ROSTER.replace(', phone: "13900000101"', "", 1)
    _, problems = load(tmp_path, roster=text)
    (p,) = only(problems, "schema-required")          # the schema's shape check, named in Chinese
    assert "「phone」（联系电话）" in p.what and p.level == "错误"
    assert (p.loc.file, p.loc.line) == ("assessments/annex/u1/roster.yml", 7)


# ---------------------------------------------------------------- ages

def test_age_outside_16_to_80_is_a_warning_that_says_the_range(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("age: 45", "age: 83"))
    assert not problems.errors
    w = only(problems, "annex-age-range")[0]
    assert "83" in w.what and "16–80" in w.what and "志愿者" in w.what
    assert w.loc.line == 7


@pytest.mark.parametrize("age", ["0", "150", '"45岁"', "45.5"])
def test_impossible_or_non_integer_age_is_an_error(tmp_path, age):
    _, problems = load(tmp_path, roster=ROSTER.replace("age: 45", f"age: {age}"))
    p = only(problems, "annex-age")[0]
    assert p.level == "错误" and p.loc.line == 7 and "年龄" in p.what


# ---------------------------------------------------------------- roles

def test_role_must_be_one_of_the_three_checkboxes(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("role: 组长", "role: 副队长"))
    p = only(problems, "annex-role")[0]
    assert p.loc.line == 8 and "副队长" in p.what
    assert "队长、组长 或 队员" in p.fix and "队长" in p.fix


def test_team_type_near_miss_is_a_warning(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("type: 专职化队伍", "type: 专职队伍"))
    w = only(problems, "annex-team-type")[0]
    assert "专职化队伍" in w.fix and w.loc.line == 4


def test_unknown_key_suggests_the_right_one(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("address: 湖塘镇枫溪路1号", "adress: 湖塘镇枫溪路1号"))
    (p,) = only(problems, "schema-additionalProperties")
    assert "adress" in p.what and "address" in p.fix and p.loc.line == 7


# ---------------------------------------------------------------- duty

@pytest.mark.parametrize("slot, code, words", [
    ('"13:00-12:00"', "annex-slot-order", "不晚于开始"),
    ('"13:00-13:00"', "annex-slot-order", "不晚于开始"),
    ('"13：00－18：00"', "annex-slot", '"13:00-18:00"'),   # full-width: the fix spells it
    ('"25:00-26:00"', "annex-slot", "不存在"),
    ('"下午"', "annex-slot", "开始-结束"),
])
def test_time_slots(tmp_path, slot, code, words):
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace('"13:00-18:00"', slot))
    p = only(problems, code)[0]
    assert p.loc.file == "assessments/annex/u1/duty.yml" and p.loc.line == 8
    assert words in p.what + p.fix


def test_duty_member_not_on_the_roster_is_a_warning(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace("members: 王五", "members: 赵六"))
    assert not problems.errors
    w = only(problems, "annex-unknown-member")[0]
    assert "赵六" in w.what and "花名册" in w.what and w.loc.line == 9


def test_row_date_outside_its_filing_period(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace("date: 2017-04-11", "date: 2017-05-11"))
    p = only(problems, "annex-date-period")[0]
    assert p.loc.line == 9 and "2017-05/06" in p.fix


def test_filing_period_must_be_a_two_month_pair_of_the_year(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace('"2017-03/04"', '"2017-02/03"'))
    assert only(problems, "annex-period")[0].loc.line == 4
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace('"2017-03/04"', '"2016-03/04"'))
    assert "不属于 2017 年" in only(problems, "annex-date-year")[0].what


def test_filed_date_far_from_the_deadline_is_an_error(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace("filed: 2017-02-20", "filed: 2016-06-01"))
    p = only(problems, "annex-filed-date")[0]
    assert p.loc.line == 5 and "2017-02-25" in p.what


def test_filed_null_means_not_filed(tmp_path):
    annex, problems = load(tmp_path, roster=ROSTER, duty=DUTY.replace("filed: 2017-02-20", "filed: null"))
    assert not problems.errors
    assert annex["u1"].duty.filings[0].filed is None


# ---------------------------------------------------------------- funds

def test_approved_more_than_requested(tmp_path):
    _, problems = load(tmp_path, funds=FUNDS.replace("approved: 6000", "approved: 6100"))
    p = only(problems, "annex-approved-gt-requested")[0]
    assert p.loc.line == 9 and "6100" in p.what and "6007.14" in p.what


@pytest.mark.parametrize("amount, words", [("0", "大于 0"), ("-5", "大于 0"),
                                           ("6007.145", "两位小数"), ('"6,007.14"', "不是数字")])
def test_requested_amount_positive_with_two_decimals(tmp_path, amount, words):
    _, problems = load(tmp_path, funds=FUNDS.replace("requested: 6007.14", f"requested: {amount}"))
    p = only(problems, "annex-amount")[0]
    assert p.loc.line == 8 and words in p.what


def test_approved_zero_means_refused(tmp_path):
    annex, problems = load(tmp_path, funds=FUNDS.replace("approved: 6000", "approved: 0"))
    assert not problems.errors
    assert annex["u1"].funds.requests[0].approved == 0


def test_dates_outside_the_year(tmp_path):
    _, problems = load(tmp_path, funds=FUNDS.replace("date: 2017-03-02", "date: 2018-03-02"))
    p = only(problems, "annex-date-year")[0]
    assert p.loc.line == 4 and "不在 2017 年内" in p.what


def test_date_written_with_slashes_is_that_date(tmp_path):
    # issue 10: 2017/3/2 is one of the accepted spellings (booklet.dates)
    annex, problems = load(tmp_path, funds=FUNDS.replace("date: 2017-03-02", "date: 2017/3/2"))
    assert not problems.errors, problems.report()
    assert annex["u1"].funds.requests[0].date == date(2017, 3, 2)


def test_date_in_no_accepted_spelling_gets_the_right_spelling(tmp_path):
    _, problems = load(tmp_path, funds=FUNDS.replace("date: 2017-03-02", "date: 3/2/2017"))
    p = only(problems, "annex-date")[0]
    assert p.loc.line == 4 and "3/2/2017" in p.what and "2018-03-12" in p.fix


# ---------------------------------------------------------------- units and files

def test_unknown_unit_folder_is_an_error_with_a_suggestion(tmp_path):
    write(tmp_path, {"u3/roster.yml": ROSTER.replace("unit: u1", "unit: u3")})
    _, problems = load_annex(tmp_path, CONFIG)
    p = only(problems, "annex-unknown-unit")[0]
    assert p.loc.file == "assessments/annex/u3" and "u3" in p.what
    assert "u1" in p.fix or "u2" in p.fix


def test_unit_field_must_match_its_folder(tmp_path):
    write(tmp_path, {"u2/roster.yml": ROSTER})
    _, problems = load_annex(tmp_path, CONFIG)
    p = only(problems, "annex-unit-mismatch")[0]
    assert p.loc.file == "assessments/annex/u2/roster.yml" and p.loc.line == 2


def test_misnamed_file_is_reported(tmp_path):
    write(tmp_path, {"u1/Roster.yaml": ROSTER})
    annex, problems = load_annex(tmp_path, CONFIG)
    w = only(problems, "annex-stray-file")[0]
    assert "roster.yml" in w.fix
    assert "u1" not in annex


def test_yaml_syntax_error_has_a_line(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("- name: 专职巡防队", "- name: [专职巡防队"))
    assert problems.errors and all(p.loc.line > 0 for p in problems.errors)


def test_problems_through_load_project(example_copy):
    """The lead's loader picks the annex problems up, with file and line."""
    p = example_copy / "assessments" / "annex" / "2017" / "hutang-01" / "roster.yml"
    text = p.read_text(encoding="utf-8").replace('role: 组长', 'role: 班长', 1)
    p.write_text(text, encoding="utf-8")
    _, problems = load_project(example_copy)
    p = only(problems, "annex-role")[0]
    assert p.loc.file == "assessments/annex/2017/hutang-01/roster.yml" and p.loc.line > 5
    assert "班长" in p.format() and "修改方法" in p.format()


# ---------------------------------------------------------------- shape (schema/annex.schema.json)

def test_a_wrong_type_in_a_roster_is_reported_by_the_schema_at_its_line_and_column(tmp_path):
    text = ROSTER.replace("    members:\n", "    members: 张三\n    x-members:\n", 1)
    _, problems = load(tmp_path, roster=text)
    found = {p.code: p for p in problems.errors}
    p = found["schema-type"]
    assert (p.loc.file, p.loc.line, p.loc.col) == ("assessments/annex/u1/roster.yml", 6, 14)
    assert "members" in p.what and "列表" in p.what and "张三" in p.what
    assert "x-members" in found["schema-additionalProperties"].what


def test_a_value_problem_is_reported_once_not_by_the_schema_too(tmp_path):
    _, problems = load(tmp_path, roster=ROSTER.replace("role: 组长", "role: 副队长"))
    assert [p.code for p in problems.errors] == ["annex-role"]

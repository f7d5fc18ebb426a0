"""Annex spreadsheets as offices really keep them (issue 13). Each workbook is
made with openpyxl the way a 社区 fills it in; each test asserts the teams,
members and filings read, or the message a layout booklet cannot read gets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from booklet.annex.importer import import_spreadsheet
from booklet.annex.load import load_annex
from booklet.errors import BookletError
from booklet.load import load_project

from conftest import write_project


@pytest.fixture
def proj(tmp_path) -> Path:
    return write_project(tmp_path / "proj")


def cfg(proj: Path):
    project, _ = load_project(proj)
    return project.config


def book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] = {}) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        for m in merges.get(title, []):
            ws.merge_cells(m)
    wb.save(path)
    return path


def imported(proj: Path, form: str, src: Path, **kw):
    r = import_spreadsheet(proj, cfg(proj), form, src, "east", **kw)
    annex, problems = load_annex(proj, cfg(proj))
    assert not problems.errors, problems.report()
    return annex["east"].get(form), r


def teams(roster):
    return [(t.name, t.type, [m.name for m in t.members]) for t in roster.teams]


def member(name, n, role="队员"):
    return [name, 40 + n, f"139000001{n:02d}", role, f"东门路{n}号"]


# ---------------------------------------------------------------- roster layouts

def test_title_row_and_two_row_header_with_merged_team_cells(proj, tmp_path):
    """队伍名称 / 队伍类型 merged down over two header rows, 队员信息 over the
    member columns: before, all members landed in one team named 队伍类型."""
    rows = [["东门社区群防群治队伍花名册"],
            ["队伍名称", "队伍类型", "队员信息"],
            [None, None, "姓名", "年龄", "联系电话", "职务", "家庭住址"]]
    rows += [["专职巡防队", "专职化队伍"] + member("张建国", 1, "队长")]
    rows += [[None, None] + member(n, i) for i, n in enumerate(["李秀英", "王志强"], 2)]
    rows += [["平安志愿者队", "社会化队伍"] + member("赵丽华", 4, "队长")]
    rows += [[None, None] + member(n, i) for i, n in enumerate(["钱海峰", "孙玉兰", "周凤英"], 5)]
    src = book(tmp_path / "r.xlsx", {"Sheet1": rows},
               {"Sheet1": ["A1:G1", "A2:A3", "B2:B3", "C2:G2", "A4:A6", "B4:B6", "A7:A10", "B7:B10"]})
    roster, r = imported(proj, "roster", src)
    assert teams(roster) == [("专职巡防队", "专职化队伍", ["张建国", "李秀英", "王志强"]),
                             ("平安志愿者队", "社会化队伍", ["赵丽华", "钱海峰", "孙玉兰", "周凤英"])]
    assert r.summary == ["专职巡防队（专职化队伍）3 人", "平安志愿者队（社会化队伍）4 人"]


def test_role_as_three_tick_columns_under_a_merged_header(proj, tmp_path):
    rows = [["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", None, None, "家庭住址"],
            [None, None, None, None, None, "队长", "组长", "队员", None],
            ["专职巡防队", "专职化队伍", "张建国", 45, 13900000101, "√", None, None, "东门路1号"],
            [None, None, "李秀英", 38, 13900000102, None, "√", None, "东门路2号"],
            [None, None, "王志强", 52, 13900000103, None, None, "✓", "东门路3号"]]
    src = book(tmp_path / "r.xlsx", {"Sheet1": rows},
               {"Sheet1": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:H1", "I1:I2"]})
    roster, _ = imported(proj, "roster", src)
    assert [(m.name, m.role) for m in roster.teams[0].members] == \
        [("张建国", "队长"), ("李秀英", "组长"), ("王志强", "队员")]


def test_one_team_per_sheet_named_by_the_sheet_or_a_label_line(proj, tmp_path):
    header = ["姓 名", "年龄", "联系电话", "职务", "家庭住址"]
    src = book(tmp_path / "r.xlsx", {
        "专职巡防队": [["队伍类型：专职化队伍"], header] +
                      [member(n, i) for i, n in enumerate(["张建国", "李秀英", "王志强"], 1)],
        "Sheet2": [["东门社区群防群治队伍花名册"], ["队伍名称：平安志愿者队", None, "队伍类型：社会化队伍"],
                   header] + [member(n, i) for i, n in enumerate(["赵丽华", "钱海峰"], 4)],
    })
    roster, _ = imported(proj, "roster", src)
    assert teams(roster) == [("专职巡防队", "专职化队伍", ["张建国", "李秀英", "王志强"]),
                             ("平安志愿者队", "社会化队伍", ["赵丽华", "钱海峰"])]


@pytest.mark.parametrize("written, role", [
    ("队长", "队长"), ("□队长、■组长", "组长"), ("✓队员", "队员"), ("队员✓", "队员"),
    ("☑队长、□组长、□队员", "队长"), ("□队长 □组长 √队员", "队员")])
def test_role_as_offices_write_it(proj, tmp_path, written, role):
    src = book(tmp_path / "r.xlsx", {"Sheet1": [
        ["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"],
        ["专职巡防队", "专职化队伍", "张建国", 45, 13900000101, written, "东门路1号"]]})
    roster, _ = imported(proj, "roster", src)
    assert roster.teams[0].members[0].role == role


def test_a_lone_tick_in_the_role_column_is_an_error_naming_the_row(proj, tmp_path):
    src = book(tmp_path / "r.xlsx", {"Sheet1": [
        ["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"],
        ["专职巡防队", "专职化队伍", "张建国", 45, 13900000101, "√", "东门路1号"]]})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "roster", src, "east")
    [err] = e.value.problems.errors
    assert "表 Sheet1 第 2 行（职务）" in err.format() and "「√」" in err.what


def test_ages_with_units_phones_as_numbers_and_padded_names(proj, tmp_path):
    src = book(tmp_path / "r.xlsx", {"Sheet1": [
        ["队伍名称", "队伍类型", "姓名", "年龄（岁）", "联系电话", "职务", "家庭住址"],
        ["专职巡防队", "专职化队伍", "张　伟", "45岁", 13900000101, "队长", "东门路1号"],
        [None, None, "李 秀 英", "38 周岁", 13900000102.0, "队员", "东门路2号"],
        [None, None, "Anna Li", 30, "139-0000-0103", "队员", "东门路3号"]]})
    roster, _ = imported(proj, "roster", src)
    assert [(m.name, m.age, m.phone) for m in roster.teams[0].members] == [
        ("张伟", 45, "13900000101"), ("李秀英", 38, "13900000102"), ("Anna Li", 30, "13900000103")]


def test_a_header_of_an_unknown_shape_is_refused_not_guessed(proj, tmp_path):
    """队伍名称 / 队伍类型 over a member header they are not merged with: no team
    column is known, so every row says so (and nothing is written)."""
    rows = [["队伍名称", "队伍类型", "队员信息"], ["姓名", "年龄", "联系电话", "职务", "家庭住址"]]
    rows += [member(f"队员{i}", i) for i in range(1, 4)]
    src = book(tmp_path / "r.xlsx", {"Sheet1": rows})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "roster", src, "east")
    errors = e.value.problems.errors
    assert [(p.code, str(p.loc)) for p in errors] == \
        [("import-no-team", f"r.xlsx，表 Sheet1 第 {n} 行") for n in (3, 4, 5)]
    assert "队伍名称：某某队" in errors[0].fix
    assert not (proj / "assessments" / "annex" / "2017" / "east" / "roster.yml").exists()


@pytest.mark.parametrize("team, ttype", [("队伍类型", "社会化队伍"), ("平安志愿者队", "队员信息")])
def test_a_team_named_like_a_header_is_refused(proj, tmp_path, team, ttype):
    rows = [["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"],
            [team, ttype] + member("张建国", 1, "队长"), [None, None] + member("李秀英", 2)]
    src = book(tmp_path / "r.xlsx", {"Sheet1": rows})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "roster", src, "east")
    [err] = e.value.problems.errors
    assert err.code == "import-implausible" and f"「{team if team == '队伍类型' else ttype}」" in err.what
    assert "表 Sheet1 第 2 行" in err.format() and "像是表头" in err.what


def test_one_team_holding_everyone_is_refused_unless_asked(proj, tmp_path):
    rows = [["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"],
            ["平安志愿者队", "社会化队伍"] + member("队员一", 1, "队长")]
    rows += [[None, None] + member(f"队员{i:02d}", i) for i in range(2, 25)]
    src = book(tmp_path / "r.xlsx", {"Sheet1": rows})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "roster", src, "east")
    [err] = e.value.problems.errors
    assert err.code == "import-implausible" and "全部 24 名队员" in err.what and "--one-team" in err.fix
    roster, r = imported(proj, "roster", src, one_team=True)
    assert r.summary == ["平安志愿者队（社会化队伍）24 人"]


def test_a_duty_sheet_imported_as_roster_says_which_form_it_is(proj, tmp_path):
    src = book(tmp_path / "d.xlsx", {"排班": [
        ["巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"],
        [date(2017, 3, 5), "13:00-18:00", "张建国、李秀英", 13900000101, "一区"]]})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "roster", src, "east")
    [err] = e.value.problems.errors
    assert err.code == "import-header" and "booklet import duty" in err.fix


# ---------------------------------------------------------------- duty and funds

def test_label_lines_give_the_filing_date_and_station(proj, tmp_path):
    src = book(tmp_path / "d.xlsx", {"3-4月": [
        ["东门社区群防群治队伍执勤排班表"],
        ["报备日期：2017年2月20日", None, None, "报备派出所：湖塘派出所"],
        ["巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"],
        [date(2017, 3, 5), "13:00-18:00", "张建国、李秀英", 13900000101, "一区"],
        [date(2017, 4, 9), "19:00-22:00", "王志强", 13900000103, "二区"]]})
    duty, r = imported(proj, "duty", src)
    [f] = duty.filings
    assert (f.period, f.filed, f.station, len(f.rows)) == ("2017-03/04", date(2017, 2, 20), "湖塘派出所", 2)
    assert r.summary == ["2017-03/04：报备日期 2017-02-20（湖塘派出所），排班 2 行"]


def test_amount_headers_with_units_and_amounts_as_written(proj, tmp_path):
    src = book(tmp_path / "f.xlsx", {"Sheet1": [
        ["群防群治用款审批表"],
        ["申请日期", "申请部门", "申请人", "用款事由", "金额(元)", "批准金额（元）", "批准人"],
        [date(2017, 3, 2), "社区居委会", "张　建国", "购置巡防用具", "6,007.14", "6,000", "周某"],
        [date(2017, 7, 10), "社区居委会", "张建国", "防暑降温用品", "￥860元", "¥800", "周某"]]})
    funds, _ = imported(proj, "funds", src)
    assert [(q.applicant, q.requested, q.approved) for q in funds.requests] == [
        ("张建国", Decimal("6007.14"), Decimal("6000")), ("张建国", Decimal("860"), Decimal("800"))]


def test_two_different_years_in_one_sheet_are_an_error(proj, tmp_path):
    src = book(tmp_path / "f.xlsx", {"Sheet1": [
        ["年度：2017"],
        ["年度", "申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人"],
        [2016, date(2016, 3, 2), "社区居委会", "张建国", "购置巡防用具", 600, 600, "周某"]]})
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, cfg(proj), "funds", src, "east")
    [err] = e.value.problems.errors
    assert err.code == "import-year-conflict" and "表 Sheet1 第 3 行" in err.format()
    assert "第 1 行" in err.what

"""booklet import / booklet export: spreadsheets ↔ annex YAML.

The workbooks are made here with openpyxl the way an office would fill them
in: a title line, a header with spaced names (姓 名), merged team cells, phone
numbers typed as numbers, ages as 45.0, checkbox roles (☑队长、□组长、□队员)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from booklet.annex.exporter import export_unit
from booklet.annex.importer import import_file
from booklet.annex.load import load_annex
from booklet.cli import main
from booklet.errors import BookletError
from booklet.load import load_project

from conftest import write_project

ROSTER_ROWS = [
    ["东门社区群防群治队伍花名册"],                                            # row 1: title
    ["队伍名称", "队伍类型", "姓 名", "年龄", "联系电话", "职务", "家庭住址"],   # row 2: header
    ["专职巡防队", "专职化队伍", "张建国", 45.0, 13900000101, "☑队长、□组长、□队员", "东门路1号"],
    [None, None, "李秀英", 38, "139 0000 0102", "组长", "东门路2号"],
    [None, None, "王志强", 52, "13900000103", "队员", "东门路3号"],
    ["平安志愿者队", "社会化队伍", "赵丽华", 61, "0519-86001234", "队长", "东门路4号"],
    [None, None, "钱海峰", 33, "1390000010", "队员", "东门路5号"],                # row 7: bad phone
    [None, None, "孙玉兰", 29, 13900000106, "队员", "东门路6号"],
]


def xlsx(path: Path, rows: list[list], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    if len(rows[0]) == 1:
        ws.merge_cells("A1:G1")            # a title line over the table
    wb.save(path)
    return path


@pytest.fixture
def proj(tmp_path) -> Path:
    return write_project(tmp_path / "proj")


def annex_of(proj: Path, unit: str = "east"):
    project, _ = load_project(proj)
    annex, problems = load_annex(proj, project.config)
    return annex.get(unit), problems


def config(proj: Path):
    project, _ = load_project(proj)
    return project.config


# ---------------------------------------------------------------- roster

def test_bad_row_names_sheet_and_row_and_nothing_is_written(proj, tmp_path):
    src = xlsx(tmp_path / "花名册.xlsx", ROSTER_ROWS)
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", src, "east")
    errors = e.value.problems.errors
    assert len(errors) == 1, e.value.problems.report()
    text = errors[0].format()
    assert "表 Sheet1 第 7 行" in text and "联系电话" in text and "钱海峰" in text
    assert "11 位" in errors[0].fix
    assert not (proj / "assessments" / "annex" / "2017" / "east" / "roster.yml").exists()


def test_a_missing_column_is_reported_by_the_schema_at_each_sheet_row(proj, tmp_path):
    rows = [r[:6] for r in ROSTER_ROWS[1:]]                 # no 家庭住址 column, no title line
    rows[5][4] = "13900000105"
    src = xlsx(tmp_path / "花名册.xlsx", rows)
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", src, "east")
    errors = e.value.problems.errors
    assert {p.code for p in errors} == {"schema-required"}
    assert [str(p.loc) for p in errors] == [f"花名册.xlsx，表 Sheet1 第 {n} 行" for n in range(2, 8)]
    assert all("「address」（家庭住址）" in p.what for p in errors)


def test_good_workbook_becomes_valid_yaml(proj, tmp_path):
    rows = [list(r) for r in ROSTER_ROWS]
    rows[6][4] = "13900000105"
    src = xlsx(tmp_path / "花名册.xlsx", rows)
    target, problems = import_file(proj, config(proj), "roster", src, "east")
    assert target == proj / "assessments" / "annex" / "2017" / "east" / "roster.yml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../../schema/annex.schema.json\n")
    ua, problems = annex_of(proj)
    assert not problems.items, problems.report()
    t1, t2 = ua.roster.teams
    assert (t1.name, t1.type, t1.size, t2.name, t2.type, t2.size) == \
        ("专职巡防队", "专职化队伍", 3, "平安志愿者队", "社会化队伍", 3)
    zhang, li = t1.members[0], t1.members[1]
    assert (zhang.age, zhang.phone, zhang.role) == (45, "13900000101", "队长")
    assert li.phone == "13900000102"                     # spaces removed
    assert t2.members[0].phone == "0519-86001234"


def test_existing_file_is_kept_without_force(proj, tmp_path):
    rows = [list(r) for r in ROSTER_ROWS]
    rows[6][4] = "13900000105"
    src = xlsx(tmp_path / "花名册.xlsx", rows)
    import_file(proj, config(proj), "roster", src, "east")
    target = proj / "assessments" / "annex" / "2017" / "east" / "roster.yml"
    before = target.read_text(encoding="utf-8")
    rows[2][2] = "张建华"
    xlsx(src, rows)
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", src, "east")
    assert "--force" in e.value.problems.errors[0].fix
    assert target.read_text(encoding="utf-8") == before
    import_file(proj, config(proj), "roster", src, "east", force=True)
    assert "张建华" in target.read_text(encoding="utf-8")


def test_filled_seed_form_layout_is_read(proj, tmp_path):
    """A sheet that is a copy of 附件2: a 队伍名称 line above each header, empty form rows."""
    rows = [
        ["附件2"], [], ["东门社区群防群治队伍花名册"],
        ["队伍名称", "专职巡防队", "队伍类型", "专职化队伍", "人数", 3],
        ["姓 名", "年龄", "联系电话", "职务", "家庭住址"],
        ["张建国", 45, 13900000101, "☑队长、□组长、□队员", "东门路1号"],
        ["李秀英", 38, 13900000102, "□队长、☑组长、□队员", "东门路2号"],
        ["王志强", 52, 13900000103, "□队长、□组长、☑队员", "东门路3号"],
        [None, None, None, "□队长、□组长、□队员", None],
        ["队伍名称", "楼道长队", "队伍类型", "楼道长", "人数", 1],
        ["姓 名", "年龄", "联系电话", "职务", "家庭住址"],
        ["周凤英", 66, 13900000104, "☑队长、□组长、□队员", "东门路9号"],
    ]
    src = xlsx(tmp_path / "form.xlsx", rows, title="花名册")
    import_file(proj, config(proj), "roster", src, "east")
    ua, problems = annex_of(proj)
    assert not problems.errors, problems.report()
    assert [(t.name, t.type, t.size) for t in ua.roster.teams] == \
        [("专职巡防队", "专职化队伍", 3), ("楼道长队", "楼道长", 1)]
    assert [m.role for m in ua.roster.teams[0].members] == ["队长", "组长", "队员"]


def test_missing_team_type_and_age_are_reported_by_row(proj, tmp_path):
    rows = [list(r) for r in ROSTER_ROWS[:5]]
    rows[2][1] = None          # no type for the first team
    rows[3][3] = None          # 李秀英 without age (row 4)
    src = xlsx(tmp_path / "r.xlsx", rows)
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", src, "east")
    report = e.value.problems.report()
    assert "表 Sheet1 第 3 行" in report and "队伍类型" in report
    assert "表 Sheet1 第 4 行" in report and "年龄" in report


def test_unknown_unit_and_wrong_file_type(proj, tmp_path):
    src = xlsx(tmp_path / "r.xlsx", ROSTER_ROWS)
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", src, "north")
    assert "north" in e.value.problems.errors[0].what and "east" in e.value.problems.errors[0].fix
    old = tmp_path / "r.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "roster", old, "east")
    assert ".xlsx" in e.value.problems.errors[0].fix


# ---------------------------------------------------------------- duty (CSV), funds

def test_duty_csv_in_gbk_with_slash_dates(proj, tmp_path):
    roster = xlsx(tmp_path / "r.xlsx", [list(r) for r in ROSTER_ROWS[:5]])
    import_file(proj, config(proj), "roster", roster, "east")
    csv = tmp_path / "排班.csv"
    csv.write_bytes((
        "报备日期,巡逻日期,巡逻时段,巡逻人员,联系电话,巡逻区域\n"
        "2017/2/20,2017/03/05,13:00-18:00,张建国、李秀英,13900000101,东门一区\n"
        ",2017/03/11,7：00－12：00,王志强 赵六,13900000103,东门二区\n"          # row 3
        "2017-04-20,2017/05/02,19:00-22:00,张建国,13900000101,东门三区\n"
    ).encode("gb18030"))
    target, problems = import_file(proj, config(proj), "duty", csv, "east")
    warn = [str(p) for p in problems.warnings]
    assert any("第 3 行" in w and "赵六" in w and "花名册" in w for w in warn), warn
    ua, problems = annex_of(proj)
    f1, f2 = ua.duty.filings
    assert (f1.period, f1.filed, len(f1.rows)) == ("2017-03/04", date(2017, 2, 20), 2)
    assert f1.rows[1].time == "7:00-12:00" and f1.rows[1].members == ("王志强", "赵六")
    assert (f2.period, f2.filed) == ("2017-05/06", date(2017, 4, 20))


def test_duty_bad_slot_names_the_row(proj, tmp_path):
    src = xlsx(tmp_path / "d.xlsx", [
        ["报备期", "报备日期", "巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"],
        ["2017-03/04", datetime(2017, 2, 20), datetime(2017, 3, 5), "18:00-13:00", "张三", 13900000101, "一区"],
    ], title="排班")
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "duty", src, "east")
    text = e.value.problems.errors[0].format()
    assert "表 排班 第 2 行" in text and "巡逻时段" in text and "不晚于开始" in text


def test_funds_amounts_and_approved_more_than_requested(proj, tmp_path):
    header = ["申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备  注"]
    src = xlsx(tmp_path / "f.xlsx", [
        ["群防群治用款审批表"], header,
        [datetime(2017, 3, 2), "社区居委会", "张建国", "购置巡防用具", "¥6,007.14", 6007.14, "周某", None],
        [datetime(2017, 7, 10), "社区居委会", "张建国", "防暑降温用品", 1200, 1300, "周某", None],   # row 4
    ])
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "funds", src, "east")
    err = e.value.problems.errors
    assert len(err) == 1 and "表 Sheet1 第 4 行" in err[0].format() and "批准金额" in err[0].what
    wb = load_workbook(src)
    wb.active["F4"] = 1000
    wb.save(src)
    import_file(proj, config(proj), "funds", src, "east")
    ua, _ = annex_of(proj)
    assert [(q.requested, q.approved) for q in ua.funds.requests] == \
        [(Decimal("6007.14"), Decimal("6007.14")), (Decimal("1200"), Decimal("1000"))]



@pytest.mark.parametrize("cell", [1e30, "1e30", 10 ** 27, "1,000,000,000元"])
def test_an_absurd_amount_in_a_spreadsheet_cell_is_refused_by_row(proj, tmp_path, cell):
    """Issue 11: a spreadsheet cell 1e30 (or 10^27) crashed the amount reader;
    it is a message naming the sheet, row and column, and nothing is written."""
    header = ["申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备  注"]
    src = xlsx(tmp_path / "f.xlsx", [
        ["群防群治用款审批表"], header,
        [datetime(2017, 3, 2), "社区居委会", "张建国", "购置巡防用具", cell, 600, "周某", None],
    ])
    with pytest.raises(BookletError) as e:
        import_file(proj, config(proj), "funds", src, "east")
    errors = e.value.problems.errors
    assert len(errors) == 1, e.value.problems.report()
    assert "表 Sheet1 第 3 行" in errors[0].format() and "申请金额" in errors[0].format()
    assert not (proj / "assessments" / "annex" / "2017" / "east" / "funds.yml").exists()

# ---------------------------------------------------------------- export and back

def test_export_then_import_gives_the_same_data(tmp_path, example_copy):
    project, _ = load_project(example_copy)
    src = project.annex["hutang-03"]
    files = export_unit(src, tmp_path / "out", project.config.unit("hutang-03"))
    assert [f.relative_to(tmp_path / "out").as_posix() for f in files] == [
        "annex/hutang-03/roster.xlsx", "annex/hutang-03/duty.xlsx", "annex/hutang-03/funds.xlsx"]
    wb = load_workbook(files[0])
    assert [c.value for c in wb.active[1]] == ["队伍名称", "队伍类型", "成立日期", "姓名", "年龄", "联系电话", "职务", "家庭住址"]
    for p in (example_copy / "assessments" / "annex" / "2017" / "hutang-03").iterdir():
        p.unlink()
    for form, f in zip(("roster", "duty", "funds"), files):
        import_file(example_copy, project.config, form, f, "hutang-03")
    back, problems = load_annex(example_copy, project.config)
    assert not problems.errors
    again = back["hutang-03"]

    def plain(ua):
        return (
            [(t.name, t.type, [(m.name, m.age, m.phone, m.role, m.address) for m in t.members])
             for t in ua.roster.teams],
            [(f.period, f.filed, f.station, [(r.date, r.time, r.members, r.phone, r.area) for r in f.rows])
             for f in ua.duty.filings],
            [(q.date, q.department, q.applicant, q.purpose, q.requested, q.approved, q.approver, q.remarks)
             for q in ua.funds.requests])
    assert plain(again) == plain(src)


# ---------------------------------------------------------------- the CLI verbs

def test_cli_import_and_export(proj, tmp_path, capsys):
    src = xlsx(tmp_path / "花名册.xlsx", ROSTER_ROWS)
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", str(proj)])
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert "表 Sheet1 第 7 行" in err and "修改方法" in err
    rows = [list(r) for r in ROSTER_ROWS]
    rows[6][4] = 13900000105
    xlsx(src, rows)
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", str(proj)])
    assert e.value.code == 0
    assert "已导入" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", str(proj)])
    assert e.value.code == 1 and "--force" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["export", str(proj)])
    assert e.value.code == 0
    out = proj / "build" / "internal" / "annex" / "east" / "roster.xlsx"
    assert out.is_file()
    assert not (proj / "site").exists()


@pytest.mark.parametrize("text", [
    "no", "yes", "null", "~", "123", "0519", "2017-03-02", "a: b", "a, b", "[x]", "{x}", "#注释",
    "- 横线", "'单引号'", '"双引号"', "@at", "`tick`", "%p", "&a", "*a", "!tag", "|", ">", "?",
    " 前后空格 ", "购置：警棍、手电筒", "反斜杠\\n", "tab\there",
])
def test_dumped_yaml_reads_back_the_same_text(tmp_path, text):
    from booklet.annex.dump import dump
    from booklet.annex.model import Member, Roster, Team
    from booklet.model import Config, Unit
    name = text.strip() or "x"
    r = Roster(unit="east", teams=[Team(name=text.strip(), type="社会化队伍", members=[
        Member(name=name, role="队员", age=40, phone="13900000101", address=text.strip())])])
    p = tmp_path / "assessments" / "annex" / "2017" / "east" / "roster.yml"
    p.parent.mkdir(parents=True)
    p.write_text(dump("roster", r), encoding="utf-8")
    cfg = Config(office="o", title="t", year=2017, units=[Unit("east", "东门社区", "社区")], assign=[])
    annex, problems = load_annex(tmp_path, cfg)
    assert not problems.errors, problems.report()
    t = annex["east"].roster.teams[0]
    assert (t.name, t.members[0].name, t.members[0].address) == (name, name, text.strip())

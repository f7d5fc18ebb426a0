"""`booklet import` writes assessments/annex/<year>/<unit>/ and says which
year it took and why (the sheet's 年度 column, --year, the data's dates,
booklet.yml's year); a unit still in the older assessments/annex/<unit>/
folder is moved into its year; and `booklet export` workbooks are the same
bytes on every run and every day."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from booklet.annex.exporter import export_unit
from booklet.annex.importer import import_spreadsheet
from booklet.cli import main
from booklet.errors import BookletError
from booklet.load import load_project

from conftest import REPO, write_project

ANNEX = Path("assessments") / "annex"
DUTY_HEAD = ["报备期", "报备日期", "报备派出所", "巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"]
FUNDS_HEAD = ["申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人"]
ROSTER_HEAD = ["队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"]
FAKETIME = shutil.which("faketime")


def book(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def duty_rows(*periods: tuple[str, date, date]) -> list[list]:
    return [DUTY_HEAD] + [[p, filed, "湖塘派出所", day, "13:00-18:00", "张建国、李秀英",
                           "13900000101", "一区"] for p, filed, day in periods]


def funds_rows(*days: date) -> list[list]:
    return [FUNDS_HEAD] + [[d, "社区居委会", "张建国", f"购置巡防用具{i}", 600, 600, "周某"]
                           for i, d in enumerate(days, 1)]


def roster_rows() -> list[list]:
    return [ROSTER_HEAD,
            ["专职巡防队", "专职化队伍", "张建国", 45, "13900000101", "队长", "东门路1号"],
            [None, None, "李秀英", 40, "13900000102", "队员", "东门路2号"],
            ["平安志愿者队", "社会化队伍", "王志强", 50, "13900000103", "队长", "东门路3号"]]


@pytest.fixture
def proj(tmp_path) -> Path:
    return write_project(tmp_path / "proj")          # booklet.yml year: 2017


def config(proj: Path):
    project, _ = load_project(proj)
    return project.config


def annex_problems(proj: Path) -> list:
    _, problems = load_project(proj)
    return [p for p in problems.items if p.loc.file.startswith("assessments/annex/")]


def test_a_duty_schedule_goes_to_the_year_of_its_filing_periods(proj, tmp_path, capsys):
    src = book(tmp_path / "排班.xlsx", duty_rows(("2018-03/04", date(2018, 2, 20), date(2018, 3, 5)),
                                                 ("2018-05/06", date(2018, 4, 20), date(2018, 5, 9))))
    with pytest.raises(SystemExit) as e:
        main(["import", "duty", str(src), "--unit", "east", str(proj)])
    out = capsys.readouterr().out
    assert e.value.code == 0
    target = proj / ANNEX / "2018" / "east" / "duty.yml"
    assert target.is_file() and not (proj / ANNEX / "east").exists()
    assert "年度：2018（排班表的报备期）" in out and "2018" in out.split("已导入：")[1]
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../../schema/annex.schema.json\n")
    assert "year:" not in text                       # the folder gives the year


def test_a_next_years_january_schedule_belongs_to_the_project_year(proj, tmp_path):
    """The 01/02 schedule of 2018 is filed by 25 December 2017: with 2017's
    11/12 it is a 2017 file, alone it goes to booklet.yml's year 2017."""
    both = book(tmp_path / "a.xlsx", duty_rows(("2017-11/12", date(2017, 10, 20), date(2017, 11, 5)),
                                              ("2018-01/02", date(2017, 12, 20), date(2018, 1, 7))))
    r = import_spreadsheet(proj, config(proj), "duty", both, "east")
    assert r.target == proj / ANNEX / "2017" / "east" / "duty.yml"
    assert (r.year, r.year_from) == (2017, "排班表的报备期")
    assert [p.code for p in annex_problems(proj)] == ["annex-no-roster"]     # a warning only


def test_fund_requests_go_to_the_year_of_their_dates_and_mixed_years_are_refused(proj, tmp_path):
    r = import_spreadsheet(proj, config(proj), "funds",
                           book(tmp_path / "a.xlsx", funds_rows(date(2016, 3, 2), date(2016, 7, 1))),
                           "east")
    assert r.target == proj / ANNEX / "2016" / "east" / "funds.yml"
    assert (r.year, r.year_from) == (2016, "用款申请的日期")
    mixed = book(tmp_path / "b.xlsx", funds_rows(date(2016, 3, 2), date(2017, 7, 1)))
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, config(proj), "funds", mixed, "east")
    [err] = e.value.problems.errors
    assert err.code == "import-year" and "2016-03-02、2017-07-01" in err.what
    assert "--year" in err.fix
    assert not (proj / ANNEX / "2017").exists()
    # --year names the year; the rows of another year are pointed out one by one
    with pytest.raises(BookletError) as e:
        import_spreadsheet(proj, config(proj), "funds", mixed, "east", year=2017)
    [err] = e.value.problems.errors
    assert err.code == "annex-date-year" and "表 Sheet 第 2 行" in err.format()
    assert "2016-03-02 不在 2017 年内" in err.what


def test_a_roster_takes_year_or_booklet_yml_year(proj, tmp_path, capsys):
    src = book(tmp_path / "名册.xlsx", roster_rows())
    r = import_spreadsheet(proj, config(proj), "roster", src, "east")
    assert r.target == proj / ANNEX / "2017" / "east" / "roster.yml"
    assert (r.year, r.year_from) == (2017, "booklet.yml 的 year")
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", "--year", "2018", str(proj)])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert (proj / ANNEX / "2018" / "east" / "roster.yml").is_file()
    assert "年度：2018（--year 指定）" in out
    assert "专职巡防队（专职化队伍）2 人" in out and "平安志愿者队（社会化队伍）1 人" in out


def test_an_older_unit_folder_is_moved_into_its_year(proj, tmp_path, capsys):
    """The older layout is still read; importing into it moves the unit's
    folder to assessments/annex/2017/ (schema lines repointed), nothing lost."""
    book(tmp_path / "名册.xlsx", roster_rows())
    old = proj / ANNEX / "east"
    old.mkdir(parents=True)
    roster_yml = ("# yaml-language-server: $schema=../../../schema/annex.schema.json\n"
                  "unit: east\nteams:\n  - name: 专职巡防队\n    type: 专职化队伍\n    members:\n"
                  "      - {name: 张建国, age: 45, phone: \"13900000101\", role: 队长, address: 东门路1号}\n")
    (old / "roster.yml").write_text(roster_yml, encoding="utf-8")
    project, _ = load_project(proj)
    assert [t.name for t in project.annex["east"].roster.teams] == ["专职巡防队"]   # old layout read
    src = book(tmp_path / "用款.xlsx", funds_rows(date(2017, 3, 2)))
    with pytest.raises(SystemExit) as e:
        main(["import", "funds", str(src), "--unit", "east", str(proj)])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "已把旧版目录 assessments/annex/east/ 移到 assessments/annex/2017/east/" in out
    assert not old.exists()
    moved = (proj / ANNEX / "2017" / "east" / "roster.yml").read_text(encoding="utf-8")
    assert moved == roster_yml.replace("../../../schema", "../../../../schema")
    assert annex_problems(proj) == []
    project, _ = load_project(proj)
    ua = project.annex["east"]
    assert [t.name for t in ua.roster.teams] == ["专职巡防队"] and len(ua.funds.requests) == 1


def test_an_implausible_roster_fails_on_the_command_line_and_writes_nothing(proj, tmp_path, capsys):
    rows = roster_rows()
    rows[1][0] = "队伍类型"                          # a header read as a team name
    src = book(tmp_path / "名册.xlsx", rows)
    with pytest.raises(SystemExit) as e:
        main(["import", "roster", str(src), "--unit", "east", str(proj)])
    err = capsys.readouterr().err
    assert e.value.code == 1 and "像是表头" in err and "Traceback" not in err
    assert "名册.xlsx，表 Sheet 第 2 行" in err
    assert not (proj / ANNEX).exists()


# ---------------------------------------------------------------- export bytes

def test_two_exports_are_the_same_bytes(example_copy, tmp_path):
    project, _ = load_project(example_copy)
    a = export_unit(project.annex["hutang-03"], tmp_path / "a", None, project.config.year)
    b = export_unit(project.annex["hutang-03"], tmp_path / "b", None, project.config.year)
    assert [p.name for p in a] == ["roster.xlsx", "duty.xlsx", "funds.xlsx"]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name


@pytest.mark.skipif(FAKETIME is None, reason="faketime 未安装（make system-deps）")
def test_an_export_does_not_change_with_the_clock(example_copy):
    root = example_copy
    env = dict(os.environ, PYTHONPATH=str(REPO))
    trees = []
    for day in ("2017-05-01 12:00:00", "2031-12-31 23:59:00"):
        run = subprocess.run([FAKETIME, day, sys.executable, "-m", "booklet", "export", "--unit",
                              "hutang-03", str(root)], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        out = root / "build" / "internal" / "annex" / "hutang-03"
        trees.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
        shutil.rmtree(out)
    assert sorted(trees[0]) == ["duty.xlsx", "funds.xlsx", "roster.xlsx"]
    assert trees[0] == trees[1]


def test_export_of_a_unit_stops_on_its_annex_errors_in_the_year_folder(example_copy, capsys):
    roster = example_copy / ANNEX / "2017" / "hutang-03" / "roster.yml"
    roster.write_text(roster.read_text(encoding="utf-8").replace("role: 队员", "role: 班长", 1),
                      encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        main(["export", "--unit", "hutang-03", str(example_copy)])
    err = capsys.readouterr().err
    assert e.value.code == 1 and "assessments/annex/2017/hutang-03/roster.yml" in err and "班长" in err
    assert not (example_copy / "build" / "internal" / "annex" / "hutang-03").exists()
    with pytest.raises(SystemExit) as e:                 # another unit's files do not stop it
        main(["export", "--unit", "hutang-04", str(example_copy)])
    assert e.value.code == 0

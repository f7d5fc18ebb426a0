"""A first project without the example: `booklet init --empty`, `booklet new
record`, annex data per year, static/ and the PDFs kept by --no-pdf builds."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "booklet", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def add_unit(town: Path, period: str = "2018-Q1") -> None:
    cfg = town / "booklet.yml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("units: []", "units:\n  - {id: nt-01, name: 府前社区, kind: 社区}")
    text = text.replace("assign: []", "assign:\n  - rubric: hutang-2017\n    units: {kind: 社区}\n"
                                      f"    periods: [{period}]")
    cfg.write_text(text, encoding="utf-8")


@pytest.fixture
def town(tmp_path):
    r = run("init", "town", "--empty", "--office", "牛塘镇综治办", "--year", "2018",
            "--rubric", "hutang-2017", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path / "town"


def test_empty_project_is_the_users_own_and_validates(town):
    cfg = (town / "booklet.yml").read_text(encoding="utf-8")
    assert "office: 牛塘镇综治办" in cfg and "year: 2018" in cfg
    assert "# 被考核的单位" in cfg                        # a commented config
    assert sorted(p.name for p in (town / "rubrics").iterdir()) == ["hutang-2017.yml"]
    assert not [p for p in (town / "assessments").rglob("*") if p.is_file()]   # no example records
    ignored = (town / ".gitignore").read_text(encoding="utf-8").split()
    assert {"site/", "build/", ".booklet-cache/"} <= set(ignored)
    schemas = json.loads((town / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert "rubrics/*.yml" in schemas["./schema/rubric.schema.json"]
    assert "assessments/**/*.yml" in schemas["./schema/record.schema.json"]
    assert "booklet.yml" in schemas["./schema/booklet.schema.json"]
    for target in schemas:
        assert (town / target).is_file(), target
    r = run("validate", cwd=town)
    assert r.returncode == 0, r.stderr
    assert "检查通过" in r.stdout


def test_empty_needs_office_and_year_and_a_bundled_rubric(tmp_path):
    r = run("init", "a", "--empty", cwd=tmp_path)
    assert r.returncode == 2 and "--office" in r.stderr and "--year" in r.stderr
    r = run("init", "b", "--empty", "--office", "x", "--year", "2018", "--rubric", "hutang", cwd=tmp_path)
    assert r.returncode == 2 and "hutang-2017" in r.stderr      # names the choices
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_new_record_lists_every_rule_and_never_overwrites(town):
    r = run("new", "record", "--rubric", "hutang-2017", "--period", "2018-Q1", "--unit", "nt-01", cwd=town)
    assert r.returncode != 0 and "units" in r.stderr              # the unit must exist first
    add_unit(town)
    r = run("new", "record", "--rubric", "hutang-2017", "--period", "2018-Q1", "--unit", "nt-01", cwd=town)
    assert r.returncode == 0, r.stderr
    rec = town / "assessments/hutang-2017/2018-Q1/nt-01.yml"
    text = rec.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/record.schema.json")
    assert "第1项 加强组织领导（3分）" in text
    assert '# - {item: "1", rule: leader-in-charge}    # 得分，2分' in text
    assert '# - {item: "5", rule: roster-late}    # 扣分，每次2分' in text
    assert run("validate", cwd=town).returncode == 0
    # 1 群防群治工作领导小组由社区“一把手”负责、亲自抓得2分 (seed 001): uncomment it
    rec.write_text(text.replace('  # - {item: "1", rule: leader-in-charge}',
                                '  - {item: "1", rule: leader-in-charge}'), encoding="utf-8")
    r = run("score", "--format", "csv", cwd=town)
    assert r.returncode == 0, r.stderr
    import csv
    (row,) = csv.DictReader(r.stdout.lstrip("\ufeff").splitlines())
    # 第1项 earns from 0: +2 for the one finding; 第5项 (5分) and 第6项 (24分) only
    # deduct, nothing deducted; every other item earns from 0 and has no finding
    assert (row["第1项"], row["第5项"], row["第6项"]) == ("2", "5", "24")
    assert row["总分"] == "31"
    r = run("new", "record", "--rubric", "hutang-2017", "--period", "2018-Q1", "--unit", "nt-01", cwd=town)
    assert r.returncode == 1 and "已经存在" in r.stderr
    assert '  - {item: "1", rule: leader-in-charge}    #' in rec.read_text(encoding="utf-8")  # untouched


def test_annex_per_year_switching_the_year(tmp_path):
    """The example's annex data is in assessments/annex/2017/: booklet.yml's
    year 2018 does not make it a year of errors; the older layout (no year
    folder, read as booklet.yml's year) gives them."""
    proj = tmp_path / "p"
    for part in ("rubrics", "assessments", "schema", "templates"):
        shutil.copytree(REPO / part, proj / part)
    shutil.copy(REPO / "booklet.yml", proj / "booklet.yml")
    cfg = proj / "booklet.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("year: 2017", "year: 2018"), encoding="utf-8")
    annex = proj / "assessments" / "annex"
    assert sorted(p.name for p in annex.iterdir()) == ["2017"]
    for unit in sorted((annex / "2017").iterdir()):
        unit.rename(annex / unit.name)                 # back to the older layout
    old = run("validate", cwd=proj)
    for unit in sorted(p for p in annex.iterdir() if p.name != "2017"):
        unit.rename(annex / "2017" / unit.name)
    new = run("validate", cwd=proj)
    assert "assessments/annex/hutang-01/" in old.stderr        # old layout: read as 2018
    assert "assessments/annex/" not in new.stderr, new.stderr
    # a file whose year contradicts its folder
    roster = annex / "2017" / "hutang-01" / "roster.yml"
    roster.write_text(roster.read_text(encoding="utf-8") + "year: 2016\n", encoding="utf-8")
    r = run("validate", cwd=proj)
    assert "assessments/annex/2017/hutang-01/roster.yml" in r.stderr and "年度文件夹 2017" in r.stderr


def test_static_is_copied_and_no_pdf_keeps_the_last_pdfs(town):
    from booklet.build import fingerprint, mark_output
    add_unit(town)
    assert run("new", "record", "--rubric", "hutang-2017", "--period", "2018-Q1", "--unit", "nt-01",
               cwd=town).returncode == 0
    (town / "static").mkdir(exist_ok=True)
    (town / "static" / "CNAME").write_text("kaohe.example.org\n", encoding="utf-8")
    r = run("build", "--no-pdf", cwd=town)
    assert r.returncode == 0, r.stderr
    assert (town / "site" / "CNAME").read_text(encoding="utf-8") == "kaohe.example.org\n"
    # as a full build of these inputs leaves them (without rendering PDFs here)
    full = fingerprint(town, {"pdf": True, "variant": None, "site": None, "internal": None})
    sheet = town / "site/pdf/sheets/hutang-2017/2018-Q1/nt-01.pdf"
    ledger = town / "build/internal/ledger/hutang-2017/nt-01.pdf"
    for f in (sheet, ledger):
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"%PDF-1.7 last full build")
    mark_output(town / "site", "x", full)
    mark_output(town / "build/internal", "x", full)
    r = run("build", "--no-pdf", cwd=town)
    assert r.returncode == 0, r.stderr
    assert sheet.read_bytes() == ledger.read_bytes() == b"%PDF-1.7 last full build"
    assert "pdf/sheets/hutang-2017/2018-Q1/nt-01.pdf" in (town / "site/units/nt-01.html").read_text(encoding="utf-8")
    assert (town / "site" / "CNAME").is_file()
    # the inputs change: the PDFs stay, said to be stale, and are not linked
    rec = town / "assessments/hutang-2017/2018-Q1/nt-01.yml"
    rec.write_text(rec.read_text(encoding="utf-8").replace('  # - {item: "1", rule: leader-in-charge}',
                                                           '  - {item: "1", rule: leader-in-charge}'),
                   encoding="utf-8")
    r = run("build", "--no-pdf", cwd=town)
    assert r.returncode == 0, r.stderr
    assert sheet.is_file() and ledger.is_file()
    assert "可能已过期" in r.stdout + r.stderr
    assert ".pdf" not in (town / "site/units/nt-01.html").read_text(encoding="utf-8")


def test_docs_points_at_chinese_documentation(tmp_path):
    r = run("docs", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    index = Path(r.stdout.split("中文文档：")[1].split()[0])
    assert index.parent.name == "zh" and "使用文档" in index.read_text(encoding="utf-8")
    for name in ("start.md", "formats.md", "rules.md", "annex.md", "commands.md", "publish.md"):
        assert (index.parent / name).is_file(), name
    assert "备份" in (index.parent / "publish.md").read_text(encoding="utf-8")

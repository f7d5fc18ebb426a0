"""Records to and from entry workbooks (issue 13, "Assessment records from and
to workbooks"): what an office or a community does with the workbook, and
what they see afterwards."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from booklet.cli import main
from booklet.load import load_project
from booklet.records_xlsx import export_workbook, import_workbook, record_data
from booklet.build import score as score_project

from conftest import MINI_RECORD, MINI_RUBRIC, write_project

Q3 = ("hutang-2017", "2017-Q3")


def _scores(root: Path, rubric: str, period: str) -> dict:
    project, _ = load_project(root)
    return {r.unit_id: _score(r) for r in score_project(project)
            if r.rubric_id == rubric and r.period == period}


def _score(r) -> tuple:
    """What the score sheet shows: total, self total, items, veto, grade, rank."""
    return (r.total, r.self_total, tuple((i.item_id, i.score) for i in r.items),
            r.vetoed, r.grade, r.rank)


def _rows(ws) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value:
            out.setdefault(str(row[0].value), []).append(row[0].row)
    return out


def _col(ws, header: str) -> int:
    for c in ws[11]:
        if c.value == header:
            return c.column
    raise AssertionError(header)


def test_q3_from_exported_then_reimported_workbook_scores_the_same(example_copy, tmp_path):
    before = _scores(example_copy, *Q3)
    project, _ = load_project(example_copy)
    book = tmp_path / "q3.xlsx"
    book.write_bytes(export_workbook(project, *Q3))
    wb = load_workbook(book)
    assert wb.sheetnames[0] == "府前社区" and len(wb.sheetnames) == 44
    ws = wb["府前社区"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "自评情况" in texts and "考核人签名" in texts and "冯小军" in texts
    assert ws.protection.sheet and not ws.protection.password
    assert any(dv.type == "whole" for dv in ws.data_validations.dataValidation)

    q3 = example_copy / "assessments" / "hutang-2017" / "2017-Q3"
    shutil.rmtree(q3)
    r = import_workbook(load_project(example_copy)[0], book)
    assert not r.problems.errors, r.problems.report()
    assert len(r.added) == 44 and not r.changed
    text = (q3 / "hutang-01.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/record.schema.json\n")
    assert _scores(example_copy, *Q3) == before
    # export → import → export: the same bytes
    again = export_workbook(load_project(example_copy)[0], *Q3)
    assert again == book.read_bytes()


def test_community_fills_only_its_self_assessment(example_copy, tmp_path):
    project, _ = load_project(example_copy)
    old = {r.unit: r for r in project.records_for(Q3[0], period=Q3[1])}["hutang-01"]
    assert old.self_assessment is None
    book = tmp_path / "府前社区.xlsx"
    book.write_bytes(export_workbook(project, *Q3, unit_id="hutang-01"))

    wb = load_workbook(book)                      # the community, in its spreadsheet program
    ws = wb["府前社区"]
    rows = _rows(ws)
    ws.cell(rows["1/leader-in-charge"][0], _col(ws, "自评记录")).value = "是"
    ws.cell(rows["12/photo-adopted"][0], _col(ws, "自评次数")).value = 12
    ws.cell(rows["1/leader-in-charge"][0], _col(ws, "自评情况")).value = "书记任组长"
    ws.cell(rows["11/case-solved"][0], _col(ws, "次数")).value = 5   # not theirs to change
    wb.save(book)

    r = import_workbook(load_project(example_copy)[0], book, self_only=True)
    assert not r.problems.errors, r.problems.report()
    assert [w.code for w in r.problems.warnings] == ["records-self-only"]
    assert list(r.changed) == ["assessments/hutang-2017/2017-Q3/hutang-01.yml"]
    new = {x.unit: x for x in load_project(example_copy)[0].records_for(Q3[0], period=Q3[1])}["hutang-01"]
    a, b = record_data(old), record_data(new)
    assert {k: v for k, v in b.items() if k != "self_assessment"} == a
    assert b["self_assessment"] == {
        "findings": [{"item": "1", "rule": "leader-in-charge"},
                     {"item": "12", "rule": "photo-adopted", "count": 12}],
        "notes": {"1": "书记任组长"}}


def test_mistakes_are_reported_by_sheet_and_row_all_at_once(example_copy, tmp_path, capsys):
    project, _ = load_project(example_copy)
    book = tmp_path / "q3.xlsx"
    book.write_bytes(export_workbook(project, *Q3, unit_id="hutang-01"))
    wb = load_workbook(book)
    ws = wb["府前社区"]
    rows = _rows(ws)
    count_row = rows["11/case-solved"][0]
    value_row = rows["10/property-cases"][0]
    ws.cell(count_row, _col(ws, "次数")).value = "两次"
    ws.cell(value_row, _col(ws, "实测值")).value = "七起"
    wb.save(book)
    target = example_copy / "assessments/hutang-2017/2017-Q3/hutang-01.yml"
    before = target.read_bytes()
    with pytest.raises(SystemExit) as e:
        main(["import", "records", str(book), str(example_copy)])
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert f"q3.xlsx，表「府前社区」第 {count_row} 行（次数）: 错误：「两次」不是次数。" in err
    assert f"表「府前社区」第 {value_row} 行（实测值）" in err and "不是数字" in err
    assert "共 2 个错误" in err
    assert target.read_bytes() == before


def test_a_differing_record_is_replaced_only_with_force(example_copy, tmp_path, capsys):
    project, _ = load_project(example_copy)
    book = tmp_path / "q3.xlsx"
    book.write_bytes(export_workbook(project, *Q3, unit_id="hutang-01"))
    wb = load_workbook(book)
    ws = wb["府前社区"]
    ws.cell(_rows(ws)["11/case-solved"][0], _col(ws, "次数")).value = 2
    wb.save(book)
    with pytest.raises(SystemExit):
        main(["import", "records", str(book), str(example_copy)])
    assert "没有覆盖" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["import", "records", str(book), "--force", str(example_copy)])
    assert e.value.code in (0, None)
    out = capsys.readouterr().out
    assert "修改：assessments/hutang-2017/2017-Q3/hutang-01.yml" in out
    rec = {r.unit: r for r in load_project(example_copy)[0].records_for(Q3[0], period=Q3[1])}["hutang-01"]
    assert [f.count for f in rec.findings if f.rule == "case-solved"] == [2]


def test_export_records_cli_and_annex_export_still_work(example_copy, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    with pytest.raises(SystemExit) as e:
        main(["export", "records", "--rubric", "shequ-2022", "--period", "2022", "-o", str(out),
              str(example_copy)])
    assert e.value.code in (0, None)
    assert load_workbook(out).sheetnames == ["城关社区", "河西社区", "滨江社区", "杨柳村", "金竹村", "桥头村"]
    with pytest.raises(SystemExit) as e:
        main(["export", "--unit", "hutang-01", str(example_copy)])
    assert e.value.code in (0, None)
    assert "roster.xlsx" in capsys.readouterr().out


def test_sheet_names_keep_excel_limits():
    from booklet.records_xlsx.layout import sheet_name
    taken: set[str] = set()
    assert sheet_name("a[b]:c*d?e/f\\g", taken) == "a_b__c_d_e_f_g"
    long = "常" * 40
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) == 31 and second.endswith("（2）")


# an item no rule of which applies to 东门社区 (a 社区, not a 村), and a record
# whose self-assessment has an internal note and a note on that item
SELF_RUBRIC = MINI_RUBRIC.replace("    points: 10\n", "    points: 12\n").replace("scale: 10", "scale: 12") + """\
      - number: 3
        requirement: 村建立巡逻队。
        standard: 未建立扣2分。
        points: 2
        rules:
          - {id: village-patrol, kind: deduct, text: 未建立扣2分, amount: 2, applies_to: [村]}
"""
SELF_RECORD = MINI_RECORD + """\
self_assessment:
  notes:
    "1": {text: 台账齐全（含两名队员的病情说明）, internal: true}
    "3": 本社区不是村，不要求巡逻队
"""


def test_self_assessment_notes_keep_their_internal_mark_and_a_ruleless_item(tmp_path):
    proj = write_project(tmp_path / "p", rubric=SELF_RUBRIC,
                         records={"assessments/mini/2017-Q1/east.yml": SELF_RECORD})
    project, problems = load_project(proj)
    assert not problems.errors, problems.report()
    [old] = [r for r in project.records if r.unit == "east"]
    assert old.self_assessment.internal_notes == {"1"} and "3" in old.self_assessment.notes
    first = export_workbook(project, "mini", "2017-Q1", unit_id="east")
    book = tmp_path / "东门.xlsx"
    book.write_bytes(first)
    ws = load_workbook(book).active
    rows = _rows(ws)
    note, mark = _col(ws, "自评情况"), _col(ws, "自评情况内部")
    assert ws.cell(rows["1/missing"][0], note).value == "台账齐全（含两名队员的病情说明）"
    assert ws.cell(rows["1/missing"][0], mark).value == "是"
    [row3] = rows["self/3"]
    assert ws.cell(row3, 2).value == "3" and ws.cell(row3, note).value == "本社区不是村，不要求巡逻队"
    assert ws.cell(row3, mark).value is None
    assert any(dv.type == "list" and f"{ws.cell(row3, mark).coordinate}" in str(dv.sqref)
               for dv in ws.data_validations.dataValidation)

    # records → workbook → records: the same record
    (proj / "assessments/mini/2017-Q1/east.yml").unlink()
    r = import_workbook(load_project(proj)[0], book)
    assert not r.problems.errors, r.problems.report()
    [new] = [x for x in load_project(proj)[0].records if x.unit == "east"]
    assert record_data(new) == record_data(old)
    assert record_data(new)["self_assessment"]["notes"]["1"] == {
        "text": "台账齐全（含两名队员的病情说明）", "internal": True}
    # export → import → export: the same bytes
    assert export_workbook(load_project(proj)[0], "mini", "2017-Q1", unit_id="east") == first

    # the community marks its note on item 3 internal too, and sends the workbook back
    wb = load_workbook(book)
    wb.active.cell(row3, mark).value = "是"
    wb.save(book)
    r = import_workbook(load_project(proj)[0], book, self_only=True, force=True)   # it had one
    assert not r.problems.errors, r.problems.report()
    [again] = [x for x in load_project(proj)[0].records if x.unit == "east"]
    assert again.self_assessment.internal_notes == {"1", "3"}
    assert record_data(again)["findings"] == record_data(old)["findings"]


def _unordered(data: dict) -> dict:
    """The workbook lists findings (the assessors' and the self-assessment's)
    in the order of the score sheet, not the order they were typed in the
    YAML: compare them as a collection; every value still has to match."""
    out = dict(data)
    out["findings"] = sorted(map(repr, data["findings"]))
    if "self_assessment" in data:
        sa = out["self_assessment"] = dict(data["self_assessment"])
        if "findings" in sa:
            sa["findings"] = sorted(map(repr, sa["findings"]))
    return out


@pytest.mark.slow
def test_whole_example_town_is_lossless_through_workbooks(example_copy, tmp_path):
    project, _ = load_project(example_copy)
    before_data = {r.loc.file: _unordered(record_data(r)) for r in project.records}
    before_scores = {(r.rubric_id, r.unit_id, r.period): _score(r) for r in score_project(project)}
    pairs = sorted({(r.rubric, r.period) for r in project.records})
    books = []
    for rubric, period in pairs:
        path = tmp_path / f"{rubric}-{period}.xlsx"
        path.write_bytes(export_workbook(project, rubric, period))
        books.append(path)
    for rubric, _ in pairs:
        shutil.rmtree(example_copy / "assessments" / rubric, ignore_errors=True)
    for path in books:
        r = import_workbook(load_project(example_copy)[0], path)
        assert not r.problems.errors, r.problems.report()
    after = load_project(example_copy)[0]
    assert {r.loc.file: _unordered(record_data(r)) for r in after.records} == before_data
    assert {(r.rubric_id, r.unit_id, r.period): _score(r)
            for r in score_project(after)} == before_scores


def _comparable(records) -> dict:
    return {r.loc.file: _unordered(record_data(r)) for r in records}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
def test_workbooks_saved_again_by_libreoffice_import_the_same_records(example_copy, tmp_path):
    """An office opens the entry workbook in LibreOffice Calc and saves it as
    .xlsx: importing that file gives back the same records (dates, internal
    notes, vetoes, flags, chosen amounts, self-assessments)."""
    import subprocess
    project, _ = load_project(example_copy)
    pairs = [("hutang-2017", "2017-07"), ("hutang-2017", "2017-Q2"), ("changde-zjj-2017", "2017")]
    src = tmp_path / "exported"
    src.mkdir()
    books = []
    for rubric, period in pairs:
        path = src / f"{rubric}_{period}.xlsx"
        path.write_bytes(export_workbook(project, rubric, period))
        books.append(path)
    out = tmp_path / "libreoffice"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, books)],
                   check=True, capture_output=True, timeout=300)
    saved = [out / b.name for b in books]
    assert all(p.exists() and p.read_bytes() != b.read_bytes() for p, b in zip(saved, books))
    ws = load_workbook(saved[0]).worksheets[0]       # still locked, still checked
    assert ws.protection.sheet and any(dv.type == "whole" for dv in ws.data_validations.dataValidation)

    before = _comparable(r for r in project.records if (r.rubric, r.period) in pairs)
    assert any(r.get("vetoes") for r in before.values())
    assert any(r.get("flags") for r in before.values())
    assert any(n.get("internal") for r in before.values() for n in r.get("notes", []))
    for rubric, period in pairs:
        shutil.rmtree(example_copy / "assessments" / rubric / period)
    for path in saved:
        r = import_workbook(load_project(example_copy)[0], path)
        assert not r.problems.errors, r.problems.report()
    after = load_project(example_copy)[0]
    assert _comparable(r for r in after.records if (r.rubric, r.period) in pairs) == before

"""The printed column registry (booklet/render/columns.py): validate accepts
exactly its keys (and item fields), the sheet makes its cells from it, and
docs/formats.md lists exactly its keys."""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from booklet.errors import Problems
from booklet.model import Column
from booklet.render.columns import COLUMNS
from booklet.render.sample import sample_project, sample_rubric
from booklet.render.sheet import Sheet
from booklet.textfmt import fmt_points
from booklet.validate import check_rubric

DOCS = Path(__file__).resolve().parent.parent / "docs" / "formats.md"


def documented_keys() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### Printed columns", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


def column_problems(rubric) -> list:
    problems = Problems()
    check_rubric(rubric, problems)
    return [p for p in problems.errors if p.code == "unknown-column"]


def test_docs_list_exactly_the_registry_keys():
    keys = documented_keys()
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(COLUMNS)


def test_validate_accepts_every_registry_key_and_item_fields():
    r = sample_rubric("landscape")           # its items have fields method, cycle, source
    r.columns = [Column("method", "方法")] + [Column(k, spec.header) for k, spec in COLUMNS.items()]
    assert column_problems(r) == []
    r.columns = r.columns + [Column("reason", "原因")]
    bad = column_problems(r)
    assert len(bad) == 1 and "reason" in bad[0].what and "reasons" in bad[0].fix


def test_reasons_column_prints_each_adjustment_with_its_reason(tmp_path):
    project, results = sample_project(tmp_path, units=2, periods=("2017-Q1",), photo=False)
    res = results[0]
    rubric = project.rubrics[res.rubric_id]
    rubric.columns = list(rubric.columns) + [Column("reasons", "加扣分内容", Decimal(30))]
    assert column_problems(rubric) == []
    adj = res.items[0].adjustments[0]
    assert adj.amount == Decimal("-0.5") and adj.reason
    cell = Sheet.build(rubric, res).rows()[0].cells[-1]     # item 1, the last column
    assert cell.cls == COLUMNS["reasons"].css
    # the text as printed; its number and date are each kept on one line
    assert re.sub(r"<[^>]+>", "", str(cell.html)) == f"-0.5 {adj.reason}"
    assert '<span class="nw">-0.5</span>' in str(cell.html)
    assert '<span class="nw">3月20日</span>' in str(cell.html)
    blank = Sheet.build(rubric)
    assert str(blank.rows()[0].cells[-1].html) == ""


def test_sheet_cells_take_the_registry_css_class(tmp_path):
    project, results = sample_project(tmp_path, units=1, periods=("2017-Q1",), photo=False)
    res = results[0]
    rubric = project.rubrics[res.rubric_id]
    keys = [k for k in COLUMNS if k not in ("section", "number")]
    rubric.columns = [Column(k, COLUMNS[k].header) for k in keys]
    row = Sheet.build(rubric, res).rows()[0]
    assert [c.cls for c in row.cells] == [COLUMNS[k].css for k in keys]


def test_total_row_shows_the_totals_scoring_decided(tmp_path):
    """The 合计 row prints the Result's figures, it does not add up items."""
    project, results = sample_project(tmp_path, units=1, periods=("2017-Q1",), photo=False)
    rubric = project.rubrics[results[0].rubric_id]
    rubric.columns = [Column("section", "项目"), Column("standard", "评分标准"),
                      Column("deducted", "扣分"), Column("added", "加分"), Column("score", "得分")]
    res = replace(results[0], total=Decimal("77.5"), deducted_total=Decimal("12.25"))
    cells = Sheet.build(rubric, res).total_row()
    assert [str(c.html) for c in cells[-3:]] == ["12.25", fmt_points(res.added_total), "77.5"]
    assert Sheet.build(rubric, res).total_text() == "77.5"

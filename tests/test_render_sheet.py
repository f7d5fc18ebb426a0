"""The score sheet as rows and cells (no PDF): columns, merged cells, page-break
splitting of merged cells, rubric-wide rows, signature line."""
from __future__ import annotations

from decimal import Decimal

from booklet.periods import sort_key as period_sort_key
from booklet.render.sample import sample_project, sample_rubric
from booklet.render.layout import fit_columns
from booklet.render.sheet import Sheet, stack_label


def test_columns_fill_the_text_area_in_the_rubric_order():
    r = sample_rubric()
    cols = fit_columns(r)
    assert [c.key for c in cols] == [c.key for c in r.columns]
    assert abs(sum(c.width for c in cols) - Decimal(156)) < Decimal("0.01")
    assert cols[0].stacked                       # 10 mm section column: one char a line
    land = fit_columns(sample_rubric("landscape"))
    assert abs(sum(c.width for c in land) - Decimal(225)) < Decimal("0.01")
    assert not land[0].stacked                   # 22 mm: the label wraps as text


def test_deduction_only_sheet_gets_a_score_column_and_merges_like_the_seed():
    r = sample_rubric("deduction")
    r.columns = [c for c in r.columns if c.key != "deducted"]
    sheet = Sheet.build(r)
    assert sheet.columns[-1].key == "deducted"   # added: the seed prints none
    heads = sheet.header_cells
    assert heads[1].html == "考核事项" and heads[1].colspan == 2   # blank header merges left
    rows = sheet.rows()
    first = rows[0].cells
    # 序号 "1" and 特殊群体 span the three sub-matters
    assert first[0].html == "1" and first[0].rowspan == 3
    assert first[1].html == "特殊群体" and first[1].rowspan == 3
    assert rows[1].cont and rows[2].cont
    # 防电信诈骗 has no sub-matter: its cell spans the sub-matter column
    last = rows[3].cells
    assert last[1].html == "防电信诈骗" and last[1].colspan == 2


def test_breaks_split_merged_cells_and_repeat_the_label():
    r = sample_rubric(long_section=12)
    sheet = Sheet.build(r, table_id="t")
    rows = sheet.rows()
    assert rows[2].cells[0].rowspan == 12            # section 2 starts at row 2
    split = sheet.rows({"t-r7"})
    assert split[2].cells[0].rowspan == 5
    assert split[7].cells[0].rowspan == 7
    assert split[7].cells[0].html == split[2].cells[0].html   # label repeated
    assert not split[7].cont and split[8].cont


def test_stacked_label_keeps_points_on_one_line():
    html = str(stack_label("组织领导（10）"))
    assert html.count("<br>") == 4
    assert '<span class="stack-pts">（10）</span>' in html


def test_filled_sheet_rows_totals_vetoes_and_signature(tmp_path):
    project, results = sample_project(tmp_path, units=4, periods=("2017-Q1",))
    res = [r for r in results if r.vetoed][0]
    rubric = project.rubrics[res.rubric_id]
    sheet = Sheet.build(rubric, res, unit_name=res.unit_name, leader="王某")
    total = sheet.total_row()
    assert total[0].html == "合计" and total[0].colspan == 3
    assert any(c.html == sheet.total_text() for c in total)
    veto = sheet.veto_row()
    text = "".join(str(c.html) for c in veto)
    assert "■" in text and "□" in text and "已否决" in text
    fields = sheet.signature_fields()
    sig = {f.label: f.value for f in fields}
    assert sig["单位"] == res.unit_name
    assert sig["考核时间"].endswith("日")
    # a 签名 field stays blank for the hand signature: no name typed into it
    assert sig["被考核社区负责人签名"] == "" and "王某" not in sig.values()
    assert sig["考核人签名"] == ""
    # who assessed is printed in its own field after the line
    assert res.assessors and fields[-1].label == "考核人员"
    assert fields[-1].value == "、".join(res.assessors)
    assert [f.label for f in fields][:-1] == rubric.signature
    blank = Sheet.build(rubric)
    assert all(f.value == "" for f in blank.signature_fields())


def test_periods_sort_chronologically():
    ps = ["2017", "2017-Q2", "2017-03", "2017-Q1", "2017-H1", "2016"]
    assert sorted(ps, key=period_sort_key) == ["2016", "2017-03", "2017-Q1", "2017-Q2",
                                               "2017-H1", "2017"]

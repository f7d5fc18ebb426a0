"""Ranks and rank-based grade conditions against the shipped rubrics: seed 003
“年度综合考评得分位居后三位的” with ties, and seed 002 (deduction only) ranked by
the points lost whether or not a base is set."""
from __future__ import annotations

from test_scoring_seeds import load

from booklet.scoring import score_project
from scoring_fixtures import D, assignment, finding, project, record, unit


def test_joint_first_units_are_not_in_the_last_three():
    # 003 1.⑥ “年度综合考评得分位居后三位的” → 不合格. Four units: 4.1 “每起扣2分” twice
    # (96) for a and b, five times (90) for c and d. Ranks 1, 1, 3, 3: the two joint-first
    # units are not among the last three (no unit outscores them); the two at 90 are.
    rub = load("changde-zjj-2017")
    recs = [record(u, "2017", [finding("4.1", "ordinary-case", count=n)], rubric=rub.id)
            for u, n in (("a", 2), ("b", 2), ("c", 5), ("d", 5))]
    res = {r.unit_id: r for r in score_project(project([rub], recs,
                                                       [unit(x, kind="局属单位") for x in "abcd"]))}
    assert [(res[u].total, res[u].rank) for u in "abcd"] == [
        (D(96), 1), (D(96), 1), (D(90), 3), (D(90), 3)]
    cond = "年度综合考评得分位居后三位的"
    assert not any(cond in g for g in res["a"].grade_reasons + res["b"].grade_reasons)
    assert res["a"].grade == res["b"].grade == "优秀"
    for u in "cd":
        assert any(cond in g and g.endswith("评定为不合格") for g in res[u].grade_reasons)
        assert res[u].grade == "不合格"


def test_deduction_only_ranks_by_points_lost_with_or_without_base():
    # 002: “未建立或台账信息不全扣1分”. sq-01 (booklet.yml base 100) and sq-02 (no base)
    # both lose 8 → same rank; sq-03 (no base) loses 3 → first. sq-02's total is its
    # deduction (8), sq-01's 92: they share rank 2, not 3 below 92.
    rub = load("shequ-2022")
    it = next(i for i in rub.items if i.rule("missed-visit") is not None)
    recs = [record(u, "2022", [finding(it.id, "missed-visit", count=n)], rubric=rub.id)
            for u, n in (("sq-01", 8), ("sq-02", 8), ("sq-03", 3))]
    p = project([rub], recs, [unit(u) for u in ("sq-01", "sq-02", "sq-03")],
                assign=[assignment(rub.id, ["sq-01"], base=100),
                        assignment(rub.id, ["sq-02", "sq-03"])], year=2022)
    res = {r.unit_id: r for r in score_project(p)}
    assert (res["sq-01"].total, res["sq-02"].total) == (D(92), D(8))
    assert [res[u].deducted_total for u in ("sq-01", "sq-02", "sq-03")] == [D(8), D(8), D(3)]
    assert [res[u].rank for u in ("sq-01", "sq-02", "sq-03")] == [2, 2, 1]
    # `booklet score` prints what was lost; 总分 only for the unit with a base
    from booklet.scoring.report import render_table
    lines = render_table(sorted(res.values(), key=lambda r: r.rank), {rub.id: rub}).splitlines()
    assert lines[1].split()[:4] == ["排名", "单位", "扣分", "总分"]
    rows = {ln.split()[1]: ln.split() for ln in lines[3:]}
    assert rows["sq-02社区"][:3] == ["2", "sq-02社区", "8"] and "92" not in rows["sq-02社区"]
    assert rows["sq-01社区"][:4] == ["2", "sq-01社区", "8", "92"]

"""score_project: periods, inspection rollup, year end, ranks, vetoes,
grades and grade conditions, the relative rank rule, convert from another
rubric, derived findings."""
from __future__ import annotations

import pytest

from booklet.model import Calendar, GradeCondition, Veto, VetoFinding
from booklet.scoring import score_project
from booklet.periods import sort_key
from booklet.scoring.periods import calendar_periods, month_ids
from scoring_fixtures import (D, assignment, finding, item, project, record, rubric,
                              rule, unit)

QUARTERLY = dict(inspection="monthly", assessment="quarterly")


def hutang(rollup="sum", year_end="average", **kw):
    # 001-like: item 6 (24分, full) “每发现1次没有开展巡逻的扣 5分，扣完为止”, item 1
    # (3分, earned); veto (3) “群防群治力量发现有4次（含）及以上没有开展巡逻的”.
    return rubric([
        item("1", 3, [rule("leader", "earn", "…“一把手”负责、亲自抓得2分", amount=2),
                      rule("staff", "earn", "落实社区专人负责、直接抓得1分", amount=1)],
             basis="earned"),
        item("6", 24, [rule("no-patrol", "deduct", "每发现1次没有开展巡逻的扣 5分，扣完为止",
                            amount=5, per="次")]),
    ], id="hutang-2017", calendar=Calendar(rollup=rollup, year_end=year_end, **QUARTERLY),
        vetoes=[Veto("3", "（3）、群防群治力量发现有4次（含）及以上没有开展巡逻的；",
                     auto={"item": "6", "rule": "no-patrol", "min_count": 4}),
                Veto("4", "（4）、被媒体曝光造成严重影响的。")],
        veto_effect={"grade": "一票否决", "rank": "last"}, **kw)


def q(unit_id, period, *fs, **kw):
    return record(unit_id, period, list(fs), rubric="hutang-2017", **kw)


def ins(unit_id, month, *fs, n=""):
    return record(unit_id, month, list(fs), rubric="hutang-2017", kind="inspection",
                  file=f"assessments/hutang-2017/{month}/{unit_id}{n}.yml")


def patrol(count=1, **kw):
    return finding("6", "no-patrol", count=count, **kw)


def by(results, unit_id=None, period=None):
    return [r for r in results if (unit_id is None or r.unit_id == unit_id)
            and (period is None or r.period == period)]


def one(results, unit_id, period):
    (r,) = by(results, unit_id, period)
    return r


# ------------------------------------------------------------ periods

def test_calendar_periods():
    assert calendar_periods(Calendar(assessment="quarterly"), 2017) == [
        "2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4", "2017"]
    assert calendar_periods(Calendar(assessment="annual"), 2017) == ["2017"]
    assert calendar_periods(Calendar(assessment="half_year"), 2022) == ["2022-H1", "2022-H2", "2022"]
    assert len(calendar_periods(Calendar(assessment="monthly"), 2017)) == 13
    assert month_ids("2017-Q2") == ["2017-04", "2017-05", "2017-06"]
    assert sorted(["2017", "2017-Q2", "2017-03", "2017-Q1"], key=sort_key) == [
        "2017-03", "2017-Q1", "2017-Q2", "2017"]


# ------------------------------------------------------------ rollup

def test_rollup_sum_inspections_into_quarter():
    # 001 “实行月督查、季考核”: January and February inspections each found one
    # night without patrol, the Q1 assessment one more: 24 − 3 × 5 = 9; item 1: 2.
    recs = [q("xinhua", "2017-Q1", finding("1", "leader"), patrol()),
            ins("xinhua", "2017-01", patrol()), ins("xinhua", "2017-02", patrol()),
            ins("xinhua", "2017-04", patrol())]          # April belongs to Q2
    res = score_project(project([hutang()], recs, [unit("xinhua")]))
    r = one(res, "xinhua", "2017-Q1")
    assert r.item("6").score == D(9) and r.total == D(11)
    assert [a.origin for a in r.item("6").adjustments] == [None, "2017-01", "2017-02"]
    assert r.record_files == ("assessments/hutang-2017/2017-Q1/xinhua.yml",
                              "assessments/hutang-2017/2017-01/xinhua.yml",
                              "assessments/hutang-2017/2017-02/xinhua.yml")
    assert not by(res, "xinhua", "2017-Q2")          # inspections alone make no result


def test_rollup_average():
    # rollup average: three inspections deducting 5, 5 and 10 → each effect / 3:
    # −1.67, −1.67, −3.33 → −6.67 → 24 − 6.67 = 17.33.
    recs = [q("xinhua", "2017-Q1"),
            ins("xinhua", "2017-01", patrol()), ins("xinhua", "2017-02", patrol()),
            ins("xinhua", "2017-03", patrol(2))]
    r = one(score_project(project([hutang(rollup="average")], recs, [unit("xinhua")])),
            "xinhua", "2017-Q1")
    assert [a.amount for a in r.item("6").adjustments] == [D("-1.67"), D("-1.67"), D("-3.33")]
    assert r.item("6").score == D("17.33")
    assert "按3次督查平均计" in r.item("6").adjustments[0].note


def test_rollup_last():
    # rollup last: only the latest inspection (March, second file of the month) counts.
    recs = [q("xinhua", "2017-Q1"),
            ins("xinhua", "2017-01", patrol(3)), ins("xinhua", "2017-03", patrol(1)),
            ins("xinhua", "2017-03", patrol(2), n=".02")]
    r = one(score_project(project([hutang(rollup="last")], recs, [unit("xinhua")])),
            "xinhua", "2017-Q1")
    assert r.item("6").score == D(14)
    assert r.record_files[-1] == "assessments/hutang-2017/2017-03/xinhua.02.yml"


# ------------------------------------------------------------ year end

def quarters(totals_6, unit_id="xinhua"):
    """Q records whose item 6 deducts so that item 6 = 24 − 5k (item 1 = 0)."""
    recs = []
    for i, k in enumerate(totals_6, 1):
        if k is None:
            continue
        recs.append(q(unit_id, f"2017-Q{i}", *([patrol(k)] if k else [])))
    return recs


@pytest.mark.parametrize("how, expected", [
    ("average", "15.67"),   # (24 + 14 + 9) / 3 = 15.666… → 15.67 (Q3 missing, not 0)
    ("sum", "47"),          # 24 + 14 + 9
    ("last", "9"),          # Q4
])
def test_year_end(how, expected):
    recs = quarters([0, 2, None, 3])
    res = score_project(project([hutang(year_end=how)], recs, [unit("xinhua")]))
    y = one(res, "xinhua", "2017")
    assert y.total == D(expected)
    assert y.item("6").score == D(expected)
    assert len(y.record_files) == 3
    assert [r.period for r in by(res, "xinhua")] == ["2017-Q1", "2017-Q2", "2017-Q4", "2017"]


def test_year_end_adjustments_per_rule():
    # year_end average over Q1 (one night without patrol: 19), Q2 (24) and Q4
    # (three nights: 9), Q3 missing: item 6 = (19 + 24 + 9) / 3 = 17.33. The year
    # lists one adjustment for the rule: (−5 − 15) / 3 = −6.67, so 24 − 6.67 = 17.33.
    y = one(score_project(project([hutang()], quarters([1, 0, None, 3]), [unit("xinhua")])),
            "xinhua", "2017")
    (a,) = y.item("6").adjustments
    assert (a.rule_id, a.amount, a.count, a.origin) == ("no-patrol", D("-6.67"), 4, None)
    assert a.reason == "各期平均：第一季度 -5、第四季度 -15"
    assert y.item("6").score == D("17.33") == D(24) + a.amount
    # sum: −20; last: Q4's −15
    y = one(score_project(project([hutang(year_end="sum")], quarters([1, 0, None, 3]),
                                  [unit("xinhua")])), "xinhua", "2017")
    assert y.item("6").adjustments[0].amount == D(-20) and y.item("6").score == D(52)
    y = one(score_project(project([hutang(year_end="last")], quarters([1, 0, None, 3]),
                                  [unit("xinhua")])), "xinhua", "2017")
    assert y.item("6").adjustments[0].amount == D(-15) and y.item("6").score == D(9)
    y = one(score_project(project([hutang(year_end="last")], quarters([1, 0, None, 0]),
                                  [unit("xinhua")])), "xinhua", "2017")
    assert y.item("6").adjustments == []


def test_no_record_no_result():
    # unit b has no record at all: no result for any period, not even the year.
    res = score_project(project([hutang()], quarters([0, None, None, None]),
                                [unit("xinhua"), unit("b")]))
    assert not by(res, "b")
    assert [r.period for r in by(res, "xinhua")] == ["2017-Q1", "2017"]


def test_explicit_periods():
    rub = hutang()
    recs = quarters([0, 1, 2, 3])
    p = project([rub], recs, [unit("xinhua")],
                assign=[assignment("hutang-2017", ["xinhua"], ["2017-Q2", "2017"])])
    res = score_project(p)
    assert [r.period for r in res] == ["2017-Q2", "2017"]
    # the year still averages all four quarters: (24 + 19 + 14 + 9) / 4 = 16.5
    assert res[1].total == D("16.5")


def test_previous_total_and_change():
    res = score_project(project([hutang()], quarters([0, 2, None, 3]), [unit("xinhua")]))
    q1, q2, q4, y = by(res, "xinhua")
    assert q1.previous_total is None
    assert (q2.previous_total, q2.change) == (D(24), D(-10))
    assert q4.previous_total is None          # Q3 missing: nothing to compare with
    assert y.previous_total is None and y.change is None


def test_change_crosses_the_year_boundary():
    # the rubric scores 2016-Q4 and 2017-Q1 (explicit periods): Q1's previous is 2016-Q4
    recs = [q("xinhua", "2016-Q4", patrol(1)), q("xinhua", "2017-Q1", patrol(3)),
            q("chengdong", "2017-Q1")]
    p = project([hutang()], recs, [unit("xinhua"), unit("chengdong")],
                assign=[assignment("hutang-2017", ["xinhua", "chengdong"],
                                   ["2016-Q4", "2017-Q1"])])
    res = score_project(p)
    x16, x17 = one(res, "xinhua", "2016-Q4"), one(res, "xinhua", "2017-Q1")
    assert x16.previous_total is None
    assert (x17.previous_total, x17.change) == (D(19), D(-10))
    assert one(res, "chengdong", "2017-Q1").change is None     # no 2016-Q4 result


# ------------------------------------------------------------ ranks

def test_ranking_ties():
    # totals 24, 19, 19, 14 → ranks 1, 2, 2, 4; rank_of 4.
    recs = [q("a", "2017-Q1"), q("b", "2017-Q1", patrol()), q("c", "2017-Q1", patrol()),
            q("d", "2017-Q1", patrol(2))]
    res = by(score_project(project([hutang()], recs, [unit(x) for x in "abcd"])),
             period="2017-Q1")
    assert [(r.unit_id, r.rank, r.rank_of) for r in res] == [
        ("a", 1, 4), ("b", 2, 4), ("c", 2, 4), ("d", 4, 4)]


def test_veto_auto_from_inspections_ranks_last():
    # veto (3) “发现有4次（含）及以上没有开展巡逻的”: 1 in a's Q1 record + 3 in its
    # inspections = 4 → vetoed; its total 24 − 20 + 2 = 6 is kept; grade 一票否决.
    # c is vetoed by the assessor (veto 4) with a total of 24, b (24 − 15 = 9) is
    # not vetoed: b ranks 1, then the vetoed among themselves: c 2, a 3.
    recs = [q("a", "2017-Q1", finding("1", "leader"), patrol()),
            ins("a", "2017-01", patrol(2)), ins("a", "2017-02", patrol()),
            q("b", "2017-Q1", patrol(3)), ins("b", "2017-01", finding("6", "no-patrol", count=0)),
            q("c", "2017-Q1", vetoes=[("4", "被市电视台曝光")])]
    p = project([hutang()], recs, [unit("a"), unit("b"), unit("c")])
    res = by(score_project(p), period="2017-Q1")
    a, b, c = (one(res, x, "2017-Q1") for x in "abc")
    assert a.total == D(6) and a.vetoed and a.grade == "一票否决"
    assert [v.id for v in a.vetoes] == ["3"]
    assert "共4次" in a.vetoes[0].reason and "见2017年1月、2月督查" in a.vetoes[0].reason
    assert not b.vetoed and b.grade is None
    assert c.total == D(24) and c.vetoed
    assert [(r.unit_id, r.rank, r.rank_of) for r in res] == [("b", 1, 3), ("c", 2, 3), ("a", 3, 3)]


def test_veto_below_min_count():
    recs = [q("a", "2017-Q1", patrol(3))]
    r = one(score_project(project([hutang()], recs, [unit("a")])), "a", "2017-Q1")
    assert not r.vetoed and r.vetoes == []


def test_veto_from_record_and_year():
    # veto (4) raised by the assessor in Q2; the year result lists it too, and
    # 2 + 2 = 4 patrol failures over two quarters raise veto 3 for the year only.
    recs = [q("a", "2017-Q1", patrol(2)),
            q("a", "2017-Q2", patrol(2), vetoes=[("4", "6月被市电视台曝光")])]
    res = score_project(project([hutang()], recs, [unit("a")]))
    q1, q2, y = by(res, "a")
    assert not q1.vetoed
    assert q2.vetoed and q2.vetoes[0].reason == "6月被市电视台曝光"
    assert [v.id for v in y.vetoes] == ["4", "3"]
    assert y.grade == "一票否决"


def test_veto_rank_keep():
    rub = hutang()
    rub.veto_effect = {"grade": "一票否决", "rank": "keep"}
    recs = [q("a", "2017-Q1", vetoes=[("4", "曝光")]), q("b", "2017-Q1", patrol())]
    res = by(score_project(project([rub], recs, [unit("a"), unit("b")])), period="2017-Q1")
    assert [(r.unit_id, r.rank) for r in res] == [("a", 1), ("b", 2)]


# ------------------------------------------------------------ derive

def test_derive_findings_and_vetoes():
    # annex module: a duty schedule reported late twice → 2 findings of item 6
    # (here reusing no-patrol) and veto 1 from the roster.
    rub = hutang()
    rub.vetoes.insert(0, Veto("1", "（1）、社区未建立一支专职化队伍…", auto={"annex": "roster"}))
    calls = []

    def derive(project, rubric, unit, period):
        calls.append((rubric.id, unit.id, period))
        if period == "2017-Q1":
            return ([finding("6", "no-patrol", count=2, reason="排班表：3月未巡逻2次")],
                    [VetoFinding("1", "花名册：专职队伍仅2人")])
        return [], []

    res = score_project(project([rub], [q("a", "2017-Q1", patrol())], [unit("a")]),
                        derive=derive)
    r = one(res, "a", "2017-Q1")
    # the annex data replaces what was typed for the same rule (the typed −5):
    # 24 − 2 × 5 = 14, and only the derived adjustment is in the trail
    adjs = r.item("6").adjustments
    assert [a.derived for a in adjs] == [True]
    assert r.item("6").score == D(14)
    assert [(v.id, v.derived) for v in r.vetoes] == [("1", True)]
    assert ("hutang-2017", "a", "2017") in calls     # the year asks for derived vetoes too
    assert one(res, "a", "2017").vetoed


# ------------------------------------------------------------ grades (003)

def rubric_003(**kw):
    # 003 （六）考评分类: “考核打分95分以上的单位评为优秀；考核打分85—95分的单位评为合格；
    # 考核打分85分以下的单位评为不合格。” One 100-point item deducted freely, and the
    # survey item 3.2 (民调 tiers) whose measured value feeds below_average.
    return rubric([
        item("1", 80, [rule("d", "deduct", "视工作情况酌情扣分")]),
        item("3.2", 20, [rule("survey", "tiered", "对基本合格、不合格单位分别扣5分、10分",
                              tiers=[(95, 0, "优秀"), (90, 0, "合格"), (85, 5, "基本合格"),
                                     (None, 10, "不合格")])]),
    ], id="zjj-2017", calendar=Calendar(assessment="annual"),
        grades=[("优秀", 95, "考核打分95分以上的单位评为优秀"), ("合格", 85), ("不合格", None)],
        **kw)


def r003(uid, d=0, survey=96, flags=()):
    fs = [finding("3.2", "survey", value=survey)]
    if d:
        fs.append(finding("1", "d", amount=d))
    return record(uid, "2017", fs, rubric="zjj-2017", flags=flags)


@pytest.mark.parametrize("deduct, grade", [
    (0, "优秀"), ("5", "优秀"),           # 95 is 95分以上 (min inclusive)
    ("5.01", "合格"), ("15", "合格"),     # 94.99, 85
    ("15.5", "不合格"),                   # 84.5
])
def test_grade_tiers(deduct, grade):
    r = score_project(project([rubric_003()], [r003("a", deduct)], [unit("a")]))[0]
    assert r.grade == grade
    assert r.grade_reasons[0].startswith(f"总分{r.total}分，评为{grade}")


def test_survey_tier_deduction():
    # 003 （三）2.①: 88 分 is 基本合格 → −5: 80 + 15 = 95 → still 优秀 by the total.
    r = score_project(project([rubric_003()], [r003("a", survey=88)], [unit("a")]))[0]
    assert r.item("3.2").score == D(15) and r.total == D(95)
    assert r.item("3.2").adjustments[0].note == "档次：基本合格"


def test_grade_condition_rank_from_bottom():
    # 003 1.⑥: “年度综合考评得分位居后三位的” → 不合格. Five units 100, 99, 98, 97, 97:
    # the last three (98, 97, 97) are 不合格 although ≥ 95.
    cond = GradeCondition("1.6", "⑥年度综合考评得分位居后三位的；", "force", "不合格",
                          {"rank_from_bottom": 3})
    recs = [r003(u, d) for u, d in zip("abcde", [0, 1, 2, 3, 3])]
    res = score_project(project([rubric_003(grade_conditions=[cond])], recs,
                                [unit(x) for x in "abcde"]))
    assert [(r.unit_id, r.rank, r.grade) for r in res] == [
        ("a", 1, "优秀"), ("b", 2, "优秀"), ("c", 3, "不合格"), ("d", 4, "不合格"),
        ("e", 4, "不合格")]
    assert "⑥年度综合考评得分位居后三位的；" in res[2].grade_reasons[1]
    assert res[2].grade_reasons[1].endswith("评定为不合格")


def test_grade_condition_below_average_forbid():
    # 003 2.④: “全年民调测评成绩低于局属各单位平均分的” → 不得评为优秀. Survey 96, 98, 91:
    # average 95; c (91) is below → from 优秀 (total 100 − 0 = 100) to 合格.
    cond = GradeCondition("2.4", "④全年民调测评成绩低于局属各单位平均分的；", "forbid", "优秀",
                          {"below_average": {"item": "3.2", "rule": "survey"}})
    recs = [r003("a", survey=96), r003("b", survey=98), r003("c", survey=91)]
    res = score_project(project([rubric_003(grade_conditions=[cond])], recs,
                                [unit(x) for x in "abc"]))
    c = one(res, "c", "2017")
    assert c.total == D(100) and c.grade == "合格"
    assert c.grade_reasons[1] == ("④全年民调测评成绩低于局属各单位平均分的；（本单位91，平均95）："
                                  "不得评为优秀，评为合格")
    assert one(res, "a", "2017").grade == "优秀"


def test_grade_condition_flag_and_veto():
    # 003 1.①: “年度内发生较大群体性事件的” → 不合格, flagged in the record.
    cond = GradeCondition("1.1", "①年度内发生较大群体性事件的；", "force", "不合格", {"flag": True})
    rub = rubric_003(grade_conditions=[cond], vetoes=[Veto("v", "一票否决情形")],
                     veto_effect={"grade": "一票否决", "rank": "last"})
    recs = [r003("a", flags=["1.1"]), r003("b"),
            record("c", "2017", [finding("3.2", "survey", value=99)], rubric="zjj-2017",
                   vetoes=[("v", "挂牌督办整改验收不合格")])]
    res = score_project(project([rub], recs, [unit(x) for x in "abc"]))
    assert one(res, "a", "2017").grade == "不合格"
    assert "①年度内发生较大群体性事件的；（考核记录已标注）：评定为不合格" in one(res, "a", "2017").grade_reasons
    c = one(res, "c", "2017")
    assert c.grade == "一票否决" and c.rank == 3 and c.total == D(100)
    assert c.grade_reasons[-1] == "一票否决：一票否决情形（挂牌督办整改验收不合格）：评定为一票否决"


# ------------------------------------------------------------ rank rule (004)

def test_rank_rule_004():
    # 004 五.2: “城区三所排位，次数最多的满分，少一次的递减0.1分。” On a 5-point item,
    # 城区所 patrols 12, 10, 12 → 5, 4.8, 5; a non-城区所 station (20) is not
    # ranked (5, its basis); a 城区所 with 0 when the best is 60 → floor 0.
    rk = rule("patrol-rank", "rank", "城区三所排位，次数最多的满分，少一次的递减0.1分",
              amount="0.1", group_by="城区所")
    rub = rubric([item("5.2", 5, [rk, rule("d", "deduct", "每少一次扣0.2分", amount="0.2", per="次")])],
                 id="pcs", calendar=Calendar(assessment="annual"))
    st = [unit("a", kind="派出所", attributes=["城区所"]), unit("b", kind="派出所", attributes=["城区所"]),
          unit("c", kind="派出所", attributes=["城区所"]), unit("d", kind="派出所")]

    def rec(uid, v, *more):
        return record(uid, "2017", [finding("5.2", "patrol-rank", value=v), *more], rubric="pcs")

    res = score_project(project([rub], [rec("a", 12), rec("b", 10), rec("c", 12), rec("d", 20)], st))
    assert {r.unit_id: r.total for r in res} == {"a": D(5), "b": D("4.8"), "c": D(5), "d": D(5)}
    assert "不参加排位" in one(res, "d", "2017").item("5.2").adjustments[0].note
    # other rules of the item still apply after the rank: 4.8 − 0.2 × 2 = 4.4
    res = score_project(project([rub], [rec("a", 12), rec("b", 10, finding("5.2", "d", count=2))], st))
    assert one(res, "b", "2017").total == D("4.4")
    res = score_project(project([rub], [rec("a", 60), rec("b", 0)], st))
    assert one(res, "b", "2017").total == D(0)


# ------------------------------------------------------------ convert from a rubric

def test_convert_from_source_rubric_in_dependency_order():
    # 000 item 8: “（详见人民调解和信访单项考核内容）…单项考核分数折算到该项分值中。”
    # The single assessment (rubric tiaojie, 100 points) gives 85 → 85/100 × 20 = 17.
    # booklet.yml lists longhutang first; tiaojie is scored first anyway.
    main = rubric([item("8", 20, [rule("single", "convert", "单项考核分数折算到该项分值中",
                                       scale=100, source="tiaojie")])],
                  id="longhutang", calendar=Calendar(assessment="annual"))
    single = rubric([item("1", 100, [rule("d", "deduct", "酌情扣分")])], id="tiaojie",
                    calendar=Calendar(assessment="annual"))
    recs = [record("a", "2017", [], rubric="longhutang"),
            record("a", "2017", [finding("1", "d", amount=15)], rubric="tiaojie"),
            record("b", "2017", [], rubric="longhutang")]
    res = score_project(project([main, single], recs, [unit("a"), unit("b")]))
    # config order of rubrics, then rank: b (20) before a (17)
    assert [(r.rubric_id, r.unit_id) for r in res] == [
        ("longhutang", "b"), ("longhutang", "a"), ("tiaojie", "a")]
    a = res[1]
    assert a.total == D(17)
    assert a.item("8").adjustments[0].value == D(85)
    # b has no single assessment: noted, the item keeps its basis
    b = res[0]
    assert b.total == D(20) and "未找到单项考核（tiaojie）的结果" in b.item("8").adjustments[0].note


# ------------------------------------------------------------ deduction-only with a base

def test_deduction_only_with_base_002():
    # 002: “出现一起进京上访扣5分” once and “资料报送不及时每次扣0.5分” 3 times: 6.5
    # deducted; booklet.yml sets base 100 → total 93.5. Ranking: higher is better.
    rub = rubric([item("5", None, [rule("beijing", "deduct", "出现一起进京上访扣5分", amount=5, per="起")]),
                  item("7", None, [rule("late", "deduct", "资料报送不及时每次扣0.5分", amount="0.5",
                                        per="次")])],
                 id="sq-2022", mode="deduction_only", calendar=Calendar(assessment="annual"),
                 year=2022)
    recs = [record("a", "2022", [finding("5", "beijing", count=1), finding("7", "late", count=3)],
                   rubric="sq-2022"),
            record("b", "2022", [finding("7", "late", count=1)], rubric="sq-2022")]
    units = [unit("a"), unit("b")]
    res = score_project(project([rub], recs, units,
                                assign=[assignment("sq-2022", ["a", "b"], base=100)], year=2022))
    assert [(r.unit_id, r.total, r.deducted_total, r.rank) for r in res] == [
        ("b", D("99.5"), D("0.5"), 1), ("a", D("93.5"), D("6.5"), 2)]
    # without a base the total is the deduction, and the smaller deduction ranks first
    res = score_project(project([rub], recs, units, year=2022))
    assert [(r.unit_id, r.total, r.rank) for r in res] == [("b", D("0.5"), 1), ("a", D("6.5"), 2)]


def test_rank_from_bottom_ties_at_the_cut():
    # totals 100, 99, 98, 98 → ranks 1, 2, 3, 3; “后一位” (n = 1) takes both units tied last.
    cond = GradeCondition("x", "得分位居最后一位的", "force", "不合格", {"rank_from_bottom": 1})
    recs = [r003(u, d) for u, d in zip("abcd", [0, 1, 2, 2])]
    res = score_project(project([rubric_003(grade_conditions=[cond])], recs,
                                [unit(x) for x in "abcd"]))
    assert [(r.rank, r.grade) for r in res] == [(1, "优秀"), (2, "优秀"), (3, "不合格"),
                                                (3, "不合格")]


def test_half_year_calendar():
    # 002-like half-year assessments: H1 and H2 results, the year sums them (year_end sum).
    rub = rubric([item("1", 10, [rule("d", "deduct", "每次扣1分", amount=1, per="次")])],
                 id="hy", calendar=Calendar(assessment="half_year", year_end="sum"), year=2022)
    recs = [record("a", "2022-H1", [finding("1", "d", count=2)], rubric="hy"),
            record("a", "2022-H2", [finding("1", "d", count=1)], rubric="hy")]
    res = score_project(project([rub], recs, [unit("a")], year=2022))
    assert [(r.period, r.total, r.previous_total) for r in res] == [
        ("2022-H1", D(8), None), ("2022-H2", D(9), D(8)), ("2022", D(17), None)]


@pytest.mark.parametrize("how", ["average", "sum", "last"])
def test_year_sheet_adds_up(how):
    # two trend rules averaged over four quarters: 7.5, 10, 2.5, 2.5 and 7.5, 10,
    # 10, 10 → 5.625 → 5.63 and 9.375 → 9.38 would make 15.01 against the item's
    # (15 + 20 + 12.5 + 12.5) / 4 = 15; the cent goes to the last adjustment.
    tr = dict(measure="relative", step=6, flat="2.5", down="2.5", up="2.5", min=0, max=10)
    rub = rubric([item("10", 20, [rule("p", "trend", **tr), rule("t", "trend", **tr)],
                       basis="earned")],
                 id="y", calendar=Calendar(assessment="quarterly", year_end=how))
    vals = [(("88", "100"), ("88", "100")), (("82", "100"), ("82", "100")),
            (("100", "100"), ("82", "100")), (("100", "100"), ("82", "100"))]
    recs = [record("a", f"2017-Q{i}", [finding("10", "p", value=p[0], baseline=p[1]),
                                       finding("10", "t", value=t[0], baseline=t[1])],
                   rubric="y") for i, (p, t) in enumerate(vals, 1)]
    y = score_project(project([rub], recs, [unit("a")]))[-1]
    s = y.item("10")
    assert s.score == {"average": D(15), "sum": D(60), "last": D("12.5")}[how]
    assert sum(a.amount for a in s.adjustments) == s.score
    if how == "average":
        assert [a.amount for a in s.adjustments] == [D("5.63"), D("9.37")]
        assert "尾差-0.01分" in s.adjustments[1].note

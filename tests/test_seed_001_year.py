"""Seed 001 (湖塘镇 2017), “实行月督查、季考核、年底汇总”: the year of the shipped rubric
rubrics/hutang-2017.yml, items 7, 8 and 10 as the seed words them, and 失分."""
from __future__ import annotations

import csv
import io

from test_scoring_seeds import load

from booklet.scoring import score_project, score_record
from booklet.scoring.report import render_csv, render_explain
from scoring_fixtures import D, finding, project, record, unit

U = unit("hutang-33", "双桥社区")


def _q(period, fs, **kw):
    return record("hutang-33", period, fs, rubric="hutang-2017", **kw)


def _cases(pv, pb, tv, tb):
    return [finding("10", "property-cases", value=pv, baseline=pb),
            finding("10", "telecom-fraud", value=tv, baseline=tb)]


def test_zero_cases_all_year_gives_20_to_the_year_not_to_a_quarter():
    # “全年零发案，得20分”. No case in any quarter. Q1: property 0 vs 2 last year (−100%:
    # 2.5 + 16 steps → 10), fraud 0 vs 0 (持平 2.5): 12.5 — a quarter is not 全年.
    # Q2–Q4: 0 vs ≥1 on both → 10 + 10 = 20. The year (year_end: average) is not
    # (12.5 + 20 × 3) / 4 = 18.13 but 20: the whole year had no case.
    rub = load("hutang-2017")
    recs = [_q("2017-Q1", _cases(0, 2, 0, 0))] + [
        _q(f"2017-Q{q}", _cases(0, 3, 0, 1)) for q in (2, 3, 4)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    assert res["2017-Q1"].item("10").score == D("12.5")
    assert res["2017-Q2"].item("10").score == D(20)
    year = res["2017"]
    assert year.item("10").score == D(20)
    assert any("全年零发案" in a.note for a in year.item("10").adjustments)
    assert year.total == sum((s.score for s in year.items), D(0))


def test_one_case_in_the_year_is_not_zero_full():
    # Q3 had one fraud case (1 vs 1: 持平 2.5; property 0 vs 3: 10 → 12.5): the year is
    # the average (20 + 20 + 12.5 + 20) / 4 = 18.13 (rounded to 0.01), not 20.
    rub = load("hutang-2017")
    recs = [_q(f"2017-Q{q}", _cases(0, 3, 1 if q == 3 else 0, 1)) for q in (1, 2, 3, 4)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    assert res["2017-Q3"].item("10").score == D("12.5")
    assert res["2017"].item("10").score == D("18.13")


def test_year_with_a_missing_quarter_is_labelled_so():
    # Three quarters assessed: the year is “2017年（截至第三季度）”, never “2017年度”.
    rub = load("hutang-2017")
    recs = [_q(f"2017-Q{q}", _cases(0, 3, 0, 1)) for q in (1, 2, 3)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    assert res["2017"].period_label == "2017年（截至第三季度）"
    assert res["2017-Q2"].period_label == "2017年第二季度"
    text = render_explain([res["2017"]], {rub.id: rub})
    head = text.splitlines()[1]
    assert head.endswith(" · 2017年（截至第三季度）") and "2017年度" not in head.replace(
        "2017年度湖塘镇群防群治考核细则", "")
    recs = [_q(f"2017-Q{q}", _cases(0, 3, 0, 1)) for q in (1, 3)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    assert res["2017"].period_label == "2017年（截至第三季度，缺第二季度）"
    recs = [_q(f"2017-Q{q}", _cases(0, 3, 0, 1)) for q in (1, 2, 3, 4)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    assert res["2017"].period_label == "2017年度"


def test_item7_failed_check_takes_the_point_back_and_says_so():
    # 7 (3分): the quarter record earns all three 项; the March inspection found the
    # patrol without armbands: “检查到1次不按上述要求的，相应的项不得分” → 1 + 1 + 1 − 1 = 2.
    # A second failed check of the same 项 takes nothing more.
    rub = load("hutang-2017")
    q1 = _q("2017-Q1", [finding("7", "patrol-three-people"), finding("7", "patrol-armbands"),
                        finding("7", "patrol-gear")])
    ins = [_q("2017-03", [finding("7", "armbands-failed", reason="3月9日督查时队员未佩戴红袖标")],
              kind="inspection"),
           _q("2017-02", [finding("7", "armbands-failed", reason="2月20日督查时队员未佩戴红袖标")],
              kind="inspection")]
    res = score_project(project([rub], [q1, *ins], [U]))[0]
    seven = res.item("7")
    assert seven.score == D(2)
    taken = [a for a in seven.adjustments if a.kind == "forfeit"]
    assert [a.amount for a in taken] == [D(-1), D(0)]
    assert "“每次统一佩戴红袖标得1分”不得分" in taken[0].note
    assert "不重复扣" in taken[1].note
    text = render_explain([res], {rub.id: rub})
    assert "检查到1次不按上述要求的，相应的项不得分" in text and "未佩戴红袖标" in text
    assert "来自2017年2月" in text


def test_item8_trainings_counted_by_one_rule():
    # 8 (3分): “有计划，有记录的得1分；每年培训不少于2次的得2分，每少1次培训扣1分”.
    # trainings 2 → 1 + 2 = 3; 1 → 1 + 1 = 2; 0 → 1 + 0 = 1. No line says “得2分” for
    # a unit that trained once.
    rub = load("hutang-2017")
    for held, score in ((2, 3), (3, 3), (1, 2), (0, 1)):
        res = score_record(rub, U, _q("2017-Q1", [
            finding("8", "training-plan-record"),
            finding("8", "training-count", value=held)]))
        assert res.item("8").score == D(score), held
        assert [a.rule_id for a in res.item("8").adjustments] == [
            "training-plan-record", "training-count"]


def test_lost_points_of_an_earned_rubric():
    # A unit of 001 with findings for items 1 (3 of 3), 6 (24 − 5 = 19 of 24) and 11
    # (2 of 8) only; item 5 starts at its 5 points (no late filing). It scores
    # 3 + 5 + 19 + 2 = 29 and lost 100 − 29 = 71 — 失分 per item (1: 0, 5: 0, 6: 5,
    # 11: 6, every other item its points) and in total, though only 5 was deducted.
    rub = load("hutang-2017")
    fs = [finding("1", "leader-in-charge"), finding("1", "staff-in-charge"),
          finding("6", "no-patrol", count=1), finding("11", "case-solved", count=1)]
    res = score_record(rub, U, _q("2017-Q1", fs))
    assert res.total == D(29)
    assert [res.item(i).lost for i in ("1", "5", "6", "11")] == [D(0), D(0), D(5), D(6)]
    assert res.item("2").lost == D(13)
    assert res.lost_total == D(71) and res.deducted_total == D(5)
    rows = list(csv.DictReader(io.StringIO(render_csv([res], {rub.id: rub}))))
    assert rows[0]["总分"] == "29" and rows[0]["失分合计"] == "71" and rows[0]["扣分合计"] == "5"
    text = render_explain([res], {rub.id: rub})
    assert "失分 71 分" in text
    assert "第11项 提供线索，协助公安机关破获刑事、治安案件（分值8分）：得 2 分，失 6 分" in text


def _year(with_end):
    # Each quarter: one case solved (有一起得2分: 2); 台账 (得3分) in Q1 and Q2 only. Items
    # 5 (5) and 6 (24) start full: Q1, Q2 = 5 + 24 + 2 + 3 = 34; Q3, Q4 = 31. Year
    # (year_end average): 32.5, item 11 2, item 9 1.5.
    rub = load("hutang-2017")
    recs = [_q(f"2017-Q{q}", [finding("11", "case-solved", count=1)]
               + ([finding("9", "ledger")] if q <= 2 else [])) for q in (1, 2, 3, 4)]
    if with_end:
        recs.append(_q("2017", with_end))
    return rub, {r.period: r for r in score_project(project([rub], recs, [U]))}


def test_year_end_check_counts_in_the_year():
    # The year-end check (年底汇总) found two more cases solved (2 × 2 = 4 → item 11:
    # 2 + 4 = 6 of 8), the ledger in order (台账健全规范的得3分: the year gets 3, i.e. 1.5
    # on top of the quarters' 1.5, not 3 more) and the patrol log (得2分 → item 9: 3 + 2 = 5).
    # Year total: 32.5 + 4 + 1.5 + 2 = 40.
    rub, before = _year(None)
    assert before["2017"].total == D("32.5") and before["2017"].item("9").score == D("1.5")
    rub, res = _year([finding("11", "case-solved", count=2, reason="年底检查：协助破获盗窃案2起"),
                      finding("9", "ledger"), finding("9", "patrol-log")])
    year = res["2017"]
    assert year.item("11").score == D(6)
    assert year.item("9").score == D(5)
    assert year.total == D(40)
    assert res["2017-Q4"].total == D(31)                 # the quarters are untouched
    assert any(a.reason == "年底检查：协助破获盗窃案2起" and "年底检查" in a.note
               for a in year.item("11").adjustments)
    assert "assessments/hutang-2017/2017/hutang-33.yml" in year.record_files


def test_year_end_case_cap_and_item_floor():
    # 11 “有一起得2分，加满分8分为止”: 5 more cases at year end would give 10, but the year has
    # 2 already: 6 of them count (8). 6 “每发现1次没有开展巡逻的扣 5分，扣完为止”: 6 nights at
    # year end → −30 on 24 → 0.
    rub, res = _year([finding("11", "case-solved", count=5),
                      finding("6", "no-patrol", count=6)])
    year = res["2017"]
    assert year.item("11").score == D(8)
    assert year.item("6").score == D(0)
    assert year.total == D("32.5") + 6 - 24


def test_validate_rejects_a_per_quarter_rule_in_the_year_end_record():
    # Item 10's trend compares a quarter with last year's quarter: in a year-end record
    # next to the quarterly records it would count twice. validate names file:line.
    from booklet.errors import Problems
    from booklet.validate import check_records
    rub = load("hutang-2017")
    recs = [_q("2017-Q1", []), _q("2017", [finding("10", "property-cases", value=3, baseline=5),
                                           finding("9", "ledger")])]
    problems = Problems()
    check_records(project([rub], recs, [U]), problems)
    errs = [p for p in problems.errors if p.code == "year-end-kind"]
    assert len(errs) == 1
    text = problems.report()
    assert "assessments/hutang-2017/2017/hutang-33.yml:10" in text
    assert "年底汇总记录" in text and "property-cases" in text
    # a year record without quarterly records is the year's only record: accepted
    problems = Problems()
    check_records(project([rub], recs[1:], [U]), problems)
    assert not [p for p in problems.errors if p.code == "year-end-kind"]


def test_year_items_add_up_to_the_year_total():
    # 年底汇总 (year_end: average): the year total is the mean of the quarter totals.
    # Item 10: Q1, Q2, Q4 no case (0 vs 3, 0 vs 1: 10 + 10 = 20); Q3 one fraud case
    # (1 vs 1: 持平 2.5, property 10): 12.5 → (20 + 20 + 12.5 + 20) / 4 = 18.125.
    # Item 14 “宣传有计划…得0.5分”: Q1, Q2, Q4 have a plan, Q3 not → 1.5 / 4 = 0.375.
    # Rounded one by one: 18.13 + 0.38 = 18.51, but the quarters' totals average
    # (20.5 + 20.5 + 12.5 + 20.5) / 4 = 18.5 (every other item scores the same each
    # quarter). The total stands; of the two items rounded up by 0.005, the later
    # (14) gives its cent back: 18.13 + 0.37 = 18.5, and 合计 says no 相差.
    rub = load("hutang-2017")
    recs = [_q(f"2017-Q{q}", _cases(0, 3, 1 if q == 3 else 0, 1)
               + ([] if q == 3 else [finding("14", "publicity-plan")])) for q in (1, 2, 3, 4)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    quarters = [res[f"2017-Q{q}"] for q in (1, 2, 3, 4)]
    rest = quarters[0].total - D("20.5")          # the items other than 10 and 14
    assert [r.total - rest for r in quarters] == [D("20.5"), D("20.5"), D("12.5"), D("20.5")]
    year = res["2017"]
    assert year.total == rest + D("18.5")
    assert year.item("10").score == D("18.13")
    assert year.item("14").score == D("0.37")
    assert sum((s.score for s in year.items), D(0)) == year.total
    # the site's 合计 row: 满分 − 失分合计 + 加分 − 得分 is the 相差 it would note
    assert rub.scale - year.lost_total + year.added_total - year.total == 0
    # the rule lines of item 14 add up to its score (the cent noted as 尾差)
    assert sum((a.amount for a in year.item("14").adjustments), D(0)) == D("0.37")


def test_year_item_rounded_down_takes_the_missing_cent():
    # Three quarters assessed (the year so far). Item 13 “及时总结上报…见义勇为事迹的得1分”
    # and item 14 “…且配有日期的照片得1 分” both earned in Q1 only: 1 / 3 = 0.333… each,
    # 0.33 + 0.33 = 0.66 one by one; the totals average to 2 / 3 more than the other
    # items, 0.67. Both were rounded down alike: the earlier (13) takes the cent.
    rub = load("hutang-2017")
    recs = [_q(f"2017-Q{q}", [finding("13", "bravery-reported"), finding("14", "dated-photos")]
               if q == 1 else []) for q in (1, 2, 3)]
    res = {r.period: r for r in score_project(project([rub], recs, [U]))}
    rest = res["2017-Q2"].total                    # the items other than 13 and 14
    assert res["2017-Q1"].total == rest + 2
    year = res["2017"]
    assert year.total == rest + D("0.67")
    assert (year.item("13").score, year.item("14").score) == (D("0.34"), D("0.33"))
    assert sum((s.score for s in year.items), D(0)) == year.total

"""Scoring against the shipped rubrics (rubrics/*.yml), with records built in
Python. Skipped where a rubric file is not there."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet.scoring import score_project, score_record
from scoring_fixtures import D, assignment, finding, project, record, unit

ROOT = Path(__file__).resolve().parent.parent


def load(name):
    path = ROOT / "rubrics" / f"{name}.yml"
    if not path.is_file():
        pytest.skip(f"rubrics/{name}.yml not there yet")
    from booklet.load import load_rubric_file
    rubric, problems = load_rubric_file(path, ROOT)
    assert rubric is not None and not problems.errors, problems.report()
    return rubric


def test_hutang_full_quarter():
    # 001, one community's quarter. Items earned as written:
    # 1: 2 + 1 = 3; 2: 7 + 2 × 2 = 11; 3: 1 + 1 = 2; 4: 3 + 2 → 2 (分值2分);
    # 5: 5 − 2 × 1 = 3; 6: 24 − 5 × 1 = 19; 7: 1 + 1 + 1 − 1 (gear failed at a check) = 2;
    # 8: 1 + (2 − 1: one training short of 2) = 2; 9: 3;
    # 10: property 24 → 19 (−20.8%: 3 steps → 2.5 + 7.5 = 10), fraud 6 → 6 (2.5): 12.5;
    # 11: 2 × 2 = 4; 12: 3 + 0.1 × 23 → 3 + 2 = 5; 13: 2; 14: 0.5 + 0.5 + 2 − 0.5 × 1 = 2.5.
    # total = 3+11+2+2+3+19+2+2+3+12.5+4+5+2+2.5 = 73
    rub = load("hutang-2017")
    fs = [finding("1", "leader-in-charge"), finding("1", "staff-in-charge"),
          finding("2", "base-teams"), finding("2", "extra-team", count=2),
          finding("3", "work-rules"), finding("3", "monthly-meeting"),
          finding("4", "funds"), finding("4", "workstation"),
          finding("5", "roster-late", count=1), finding("6", "no-patrol", count=1),
          finding("7", "patrol-three-people"), finding("7", "patrol-armbands"),
          finding("7", "patrol-gear"), finding("7", "gear-failed"),
          finding("8", "training-plan-record"), finding("8", "training-count", value=1),
          finding("9", "ledger"),
          finding("10", "property-cases", value=19, baseline=24),
          finding("10", "telecom-fraud", value=6, baseline=6),
          finding("11", "case-solved", count=2),
          finding("12", "monthly-publicity"), finding("12", "photo-adopted", count=23),
          finding("13", "volunteer-summary"),
          finding("14", "publicity-plan"), finding("14", "publicity-summary"),
          finding("14", "monthly-update"), finding("14", "publicity-gap", count=1)]
    res = score_record(rub, unit("hutang-02", "新华社区"),
                       record("hutang-02", "2017-Q1", fs, rubric="hutang-2017"))
    scores = {s.item_id: s.score for s in res.items}
    assert scores == {"1": D(3), "2": D(11), "3": D(2), "4": D(2), "5": D(3), "6": D(19),
                      "7": D(2), "8": D(2), "9": D(3), "10": D("12.5"), "11": D(4),
                      "12": D(5), "13": D(2), "14": D("2.5")}
    assert res.total == D(73)


def test_hutang_veto3_over_inspections():
    # 001 一票否决 (3): “群防群治力量发现有4次（含）及以上没有开展巡逻的” — 4 monthly
    # inspections each found one night without patrol; the quarter is vetoed.
    rub = load("hutang-2017")
    recs = [record("hutang-02", "2017-Q1", [], rubric="hutang-2017")]
    for m in ("01", "02", "03"):
        recs.append(record("hutang-02", f"2017-{m}", [finding("6", "no-patrol", count=1)],
                           rubric="hutang-2017", kind="inspection"))
    recs.append(record("hutang-02", "2017-03", [finding("6", "no-patrol", count=1)],
                       rubric="hutang-2017", kind="inspection",
                       file="assessments/hutang-2017/2017-03/hutang-02.02.yml"))
    res = score_project(project([rub], recs, [unit("hutang-02")]))
    q1 = res[0]
    assert q1.period == "2017-Q1" and q1.vetoed and q1.grade == "一票否决"
    assert [v.id for v in q1.vetoes] == ["3"]
    assert q1.item("6").score == D(4)            # 24 − 4 × 5


def test_longhutang_item11_and_awards():
    # 000 item 11 (10分): 发案率 2.1% vs 上年 4.6%: 2.5 points lower → 2 whole → +1 bonus
    # outside the cap: 11. Awards: “区级…加5分 / 市级…加8分” for the same title: once, 8.
    rub = load("longhutang")
    fs = [finding("11", "incidence-rate", value="2.1", baseline="4.6"),
          finding(None, "district-award", count=1, subject="平安社区"),
          finding(None, "city-award", count=1, subject="平安社区")]
    res = score_record(rub, unit("lht-01"), record("lht-01", "2013", fs, rubric="longhutang"))
    assert res.item("11").score == D(11) and res.item("11").added == D(1)
    assert sum(a.amount for a in res.rubric_adjustments) == D(8)


def test_changde_survey_and_below_average():
    # 003: 民调 88 is 基本合格 → 扣5分 on item 3 (20分): 15. The average survey of
    # the three units (96, 98, 88) is 94; 88 is below it → 不得评为优秀 (2.4).
    rub = load("changde-zjj-2017")
    survey_item = next(it for it in rub.items if any(r.id == "survey-tier" for r in it.rules))
    recs = [record(u, "2017", [finding(survey_item.id, "survey-tier", value=v)],
                   rubric=rub.id) for u, v in (("a", 96), ("b", 98), ("c", 88))]
    res = score_project(project([rub], recs, [unit(x, kind="局属单位") for x in "abc"]))
    c = next(r for r in res if r.unit_id == "c")
    assert c.item(survey_item.id).score == D(15)
    assert any("全年民调测评成绩低于局属各单位平均分的" in g for g in c.grade_reasons)


def test_paichusuo_rank_rule():
    # 004 五.2 (8分): “城区三所排位,次数最多的满分,少一次的递减0.1分”: 城区所 patrols
    # 40, 37 → 8 and 8 − 0.3 = 7.7; the item's other rules untouched.
    rub = load("paichusuo")
    units = [unit("pcs-01", kind="派出所", attributes=["城区所"]),
             unit("pcs-03", kind="派出所", attributes=["城区所"]),
             unit("pcs-05", kind="派出所")]
    recs = [record(u, "2017", [finding("5.2", "patrol-rank", value=v)], rubric="paichusuo")
            for u, v in (("pcs-01", 40), ("pcs-03", 37))]
    recs.append(record("pcs-05", "2017", [], rubric="paichusuo"))
    res = {r.unit_id: r for r in score_project(project([rub], recs, units))}
    assert res["pcs-01"].item("5.2").score == D(8)
    assert res["pcs-03"].item("5.2").score == D("7.7")
    assert res["pcs-05"].item("5.2").score == D(8)


def test_shequ_deduction_only_with_base():
    # 002 with booklet.yml base 100: any one deduction of 1 → 99.
    rub = load("shequ-2022")
    it = next(i for i in rub.items if i.rules and i.rules[0].amount is not None)
    r0 = it.rules[0]
    fs = [finding(it.id, r0.id, **({"count": 1} if r0.per else {}))]
    p = project([rub], [record("sq-01", "2022", fs, rubric=rub.id)], [unit("sq-01")],
                assign=[assignment(rub.id, ["sq-01"], base=100)], year=2022)
    (res,) = score_project(p)
    assert res.deducted_total == r0.amount and res.total == D(100) - r0.amount

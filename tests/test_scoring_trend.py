"""Trend rules: 001 item 10 (relative, whole steps of 6%, kept in 0..10,
全年零发案 → full points) and 000 item 11 (difference of rates, the fall as a
bonus outside the item cap)."""
from __future__ import annotations

import pytest

from booklet.scoring import score_record
from booklet.scoring.items import trend_effect
from scoring_fixtures import D, finding, item, record, rubric, rule, unit

U = unit("xinhua")

# 001 item 10 (20分, earned): “辖区内社会稳定或治安突出问题被市级以上新闻媒体曝光的，每次扣2分；
# 五类侵财型案件…发案与去年持平得基本分2.5分；每下降6%得2.5分，加满10分为止；每上升6%扣2.5分，
# 扣完10分为止。通讯网络诈骗案件…（同上）。全年零发案，得20分。”
TREND = dict(measure="relative", step=6, flat="2.5", down="2.5", up="2.5", min=0, max=10,
             zero_full=True)


def item10():
    return item("10", 20, [
        rule("media", "deduct", "…被市级以上新闻媒体曝光的，每次扣2分", amount=2, per="次"),
        rule("property", "trend", "五类侵财型案件…发案与去年持平得基本分2.5分；每下降6%得2.5分，加满10分为止；每上升6%扣2.5分，扣完10分为止", **TREND),
        rule("fraud", "trend", "通讯网络诈骗案件…发案与去年持平得2.5分，每下降6%得2.5分，加满10分为止；每上升6%扣2.5分，扣完10分为止", **TREND),
    ], basis="earned")


def score10(prop, fraud, media=0, period="2017-Q1"):
    fs = [finding("10", "property", value=prop[0], baseline=prop[1]),
          finding("10", "fraud", value=fraud[0], baseline=fraud[1])]
    if media:
        fs.append(finding("10", "media", count=media))
    return score_record(rubric([item10()]), U, record("xinhua", period, fs)).item("10")


@pytest.mark.parametrize("value, baseline, component", [
    ("100", "100", "2.5"),    # 持平: 2.5
    ("94", "100", "5"),       # −6% exactly: one step → 2.5 + 2.5
    ("941", "1000", "2.5"),   # −5.9%: no whole step → flat
    ("881", "1000", "5"),     # −11.9%: one whole step only
    ("88", "100", "7.5"),     # −12%: two steps
    ("16", "17", "2.5"),      # −5.88% (small counts)
    ("15", "17", "5"),        # −11.76%: one step
    ("82", "100", "10"),      # −18%: 2.5 + 7.5 = 10, exactly the max
    ("70", "100", "10"),      # −30%: 2.5 + 12.5 = 15 → 加满10分为止 → 10
    ("106", "100", "0"),      # +6%: 2.5 − 2.5 = 0
    ("105.9", "100", "2.5"),  # +5.9%: no whole step
    ("112", "100", "0"),      # +12%: 2.5 − 5 = −2.5 → 扣完为止 → 0
    ("3", "0", "0"),          # baseline 0, value 3: a rise of 100% → 16 steps → 0
    ("0", "0", "2.5"),        # 0 and 0: 持平
])
def test_relative_trend_component(value, baseline, component):
    r = rule("property", "trend", "…", **TREND)
    out = trend_effect(r, finding("10", "property", value=value, baseline=baseline))
    assert out.inside == D(component) and out.outside == D(0)


def test_item10_sum_of_components():
    # property −12% → 7.5; fraud flat → 2.5: 10. One media exposure: 10 − 2 = 8.
    assert score10(("88", "100"), ("50", "50")).score == D(10)
    assert score10(("88", "100"), ("50", "50"), media=1).score == D(8)


def test_item10_component_bounds_noted():
    # −30% on property: the component is kept at 10 and says so.
    s = score10(("70", "100"), ("50", "50"))
    assert s.score == D("12.5")
    assert s.adjustments[0].note == "已达上限（加满10分为止）"
    # +12% on fraud: 0, noted as the floor of the component.
    s = score10(("100", "100"), ("56", "50"))
    assert s.score == D("2.5")
    assert "下限" in s.adjustments[1].note


def test_item10_both_at_max_and_media():
    # both −24% → 10 + 10 = 20 (the item's points); two exposures: 20 − 4 = 16.
    assert score10(("76", "100"), ("38", "50"), media=2).score == D(16)


def test_item10_zero_cases_full_points():
    # “全年零发案，得20分”: a year record with both counts 0 → 20, whatever last year was.
    s = score10(("0", "0"), ("0", "3"), period="2017")
    assert s.score == D(20)
    assert "全年零发案" in s.adjustments[0].note
    assert sum(a.amount for a in s.adjustments) == D(20)
    # with one media exposure the deduction still applies: 20 − 2 = 18
    assert score10(("0", "0"), ("0", "3"), media=1, period="2017").score == D(18)


def test_item10_quarter_without_cases_is_not_zero_full():
    # 全年零发案 is about the year: a quarter with 0 cases against 0 last year is 持平
    # (2.5) and fraud 0 against 3 is −100% (10): 12.5, not 20.
    s = score10(("0", "0"), ("0", "3"))
    assert s.score == D("12.5")
    assert not any("零发案" in a.note for a in s.adjustments)


def test_item10_one_zero_is_not_zero_full():
    # property 0 (from 40: −100% → 16 steps → 10), fraud 3 from 3 (持平 2.5): 12.5, not 20.
    assert score10(("0", "40"), ("3", "3")).score == D("12.5")


# 000 item 11 (10分): “发案率每高于上年一个百分点的扣0.5分。…发案率每低于上年一个百分点的加0.5分…”
def item11():
    return item("11", 10, [rule("rate", "trend", "发案率每高于上年一个百分点的扣0.5分…发案率每低于上年一个百分点的加0.5分",
                                measure="difference", step=1, flat=0, up="0.5", down="0.5",
                                down_as_bonus=True)])


def score11(value, baseline):
    return score_record(rubric([item11()]), U, record(
        "xinhua", "2017", [finding("11", "rate", value=value, baseline=baseline)])).item("11")


@pytest.mark.parametrize("value, baseline, score, added", [
    ("3.5", "1.2", "9", "0"),      # +2.3 points → 2 whole → −1 inside the item
    ("2.1", "1.2", "10", "0"),     # +0.9: no whole point
    ("2.2", "1.2", "9.5", "0"),    # +1 exactly: −0.5
    ("1.0", "3.5", "11", "1"),     # −2.5 points → 2 whole → +1 bonus outside the cap
    ("1.2", "1.2", "10", "0"),     # equal: flat 0
    ("30", "1", "0", "0"),         # +29 points → −14.5 → 扣完为止 → 0
])
def test_difference_trend_000_item11(value, baseline, score, added):
    s = score11(value, baseline)
    assert s.score == D(score) and s.added == D(added)


def test_difference_bonus_is_bonus():
    s = score11("1.0", "3.5")
    bonus = [a for a in s.adjustments if a.amount > 0]
    assert len(bonus) == 1 and bonus[0].is_bonus and bonus[0].kind == "trend"

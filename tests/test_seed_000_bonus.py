"""Seed 000 item 11 (龙虎塘, 10分): “发案率每低于上年一个百分点的加0.5分” is a trend gain
counted as a bonus outside the item cap. A bonus is marked by a field
(Adjustment.bonus), not by its note, so a capped one still says why it was cut."""
from __future__ import annotations

from test_scoring_seeds import load

from booklet.scoring import score_record
from booklet.scoring.report import render_explain
from scoring_fixtures import D, finding, item, record, rubric, rule, unit

TEXT = "发案率每高于上年一个百分点的扣0.5分…发案率每低于上年一个百分点的加0.5分"


def test_trend_gain_is_a_bonus_by_field():
    # 2.1% against 4.6% last year: 2.5 points lower → 2 whole → +1 outside the cap: 11.
    rub = load("longhutang")
    res = score_record(rub, unit("lht-01"), record("lht-01", "2013", [
        finding("11", "incidence-rate", value="2.1", baseline="4.6")], rubric="longhutang"))
    it = res.item("11")
    assert it.score == D(11) and it.added == D(1)
    gain = [a for a in it.adjustments if a.amount > 0]
    assert len(gain) == 1 and gain[0].bonus and gain[0].is_bonus


def test_capped_trend_bonus_says_it_reached_the_cap():
    # The same rule with “以2分为限” (as 003 caps its bonuses): 1.0% against 6.0%: 5 points
    # lower → +2.5, capped at 2 → 10 + 2 = 12. The bonus still counts as a bonus and its
    # note says 已达上限 (before, the cap note was dropped to keep the note exactly “加分”).
    r = rule("rate", "trend", TEXT + "，以2分为限", measure="difference", step=1, flat=0,
             up="0.5", down="0.5", down_as_bonus=True, cap=2)
    rb = rubric([item("11", 10, [r])], id="lht")
    res = score_record(rb, unit("lht-01"), record("lht-01", "2013", [
        finding("11", "rate", value="1.0", baseline="6.0")], rubric="lht"))
    it = res.item("11")
    assert it.score == D(12) and it.added == D(2)
    (gain,) = [a for a in it.adjustments if a.amount > 0]
    assert gain.is_bonus and gain.raw_amount == D("2.5")
    assert "已达上限（以2分为限）" in gain.note
    assert "已达上限（以2分为限）" in render_explain([res], {"lht": rb})

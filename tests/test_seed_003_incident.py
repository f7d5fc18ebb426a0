"""Seed 003 (常德市住建局): “考评中涉及某一案事件出现多处扣分时，不重复扣分，以扣分多的一方
评分为准” — against the shipped rubric rubrics/changde-zjj-2017.yml."""
from __future__ import annotations

from test_scoring_seeds import load

from booklet.scoring import score_record
from scoring_fixtures import D, finding, record, unit


def _score(fs):
    rub = load("changde-zjj-2017")
    return score_record(rub, unit("zjj-01", kind="局属单位"),
                        record("zjj-01", "2017", fs, rubric=rub.id))


def test_incident_costs_the_largest_deduction_that_takes_effect():
    # 4.1 (10分): two 八类主要刑事案件 “每起扣5分” already take all 10 points. One
    # incident (a staff member's theft) is recorded as −4 on 4.1 (单位干部职工发生上述案件的，
    # 每起扣4分) and as −2 on 2.2 (3分: 发生失（泄、窃）密案（事）件，每起扣2分). The −4 would
    # take nothing (4.1 is at 0, 扣完为止), so the incident costs the −2 on 2.2:
    # 2.2 = 3 − 2 = 1, and the total loses 10 + 2 = 12 → 88 (not 90).
    fs = [finding("4.1", "major-case", count=2, reason="辖区两起抢劫案"),
          finding("4.1", "ordinary-case-staff", count=1, incident="职工盗窃案"),
          finding("2.2", "secrets-leak", count=1, incident="职工盗窃案")]
    res = _score(fs)
    assert res.item("4.1").score == D(0)
    assert res.item("2.2").score == D(1)
    assert res.total == D(88)
    staff = next(a for a in res.item("4.1").adjustments if a.rule_id == "ordinary-case-staff")
    assert staff.amount == D(0) and "同一案事件不重复扣分" in staff.note


def test_incident_with_room_everywhere_keeps_the_larger():
    # Both items have room: the −4 on 4.1 stands, the −2 on 2.2 is not deducted: 100 − 4 = 96.
    fs = [finding("4.1", "ordinary-case-staff", count=1, incident="职工盗窃案"),
          finding("2.2", "secrets-leak", count=1, incident="职工盗窃案")]
    res = _score(fs)
    assert res.item("4.1").score == D(6) and res.item("2.2").score == D(3)
    assert res.total == D(96)
    leak = res.item("2.2").adjustments[0]
    assert leak.amount == D(0) and leak.raw_amount == D(-2) and leak.note == "同一案事件不重复扣分"

"""One test per rule semantic, each a worked example from a seed sentence.

Seeds: /work/shared/seeds/000 (龙虎塘), 001 (湖塘), 002 (扣分细则), 003 (住建局),
004 (派出所). The expected scores are computed by hand in the comments.
"""
from __future__ import annotations

import pytest

from booklet.scoring import RuleError, score_record
from booklet.scoring.result import Adjustment
from scoring_fixtures import D, finding, item, record, rubric, rule, unit

U = unit("xinhua", "新华社区")


def score(items, findings, **kw):
    rkw = {k: kw.pop(k) for k in list(kw) if k in ("bonuses", "bonus_cap", "extra_deductions",
                                                   "incident_dedup", "mode")}
    rub = rubric(items, **rkw)
    return score_record(rub, U, record("xinhua", "2017-Q1", findings, **kw))


# ------------------------------------------------------------ 1. cap and floor

def item6():
    # 001 item 6 巡逻防范日常化 24分: “每发现1次没有开展巡逻的扣 5分，扣完为止。”
    return item("6", 24, [rule("no-patrol", "deduct", "每发现1次没有开展巡逻的扣 5分，扣完为止",
                               amount=5, per="次")])


def test_floor_kou_wan_wei_zhi():
    # 001 item 6: 5 times without patrol: 24 − 5 × 5 = −1 → 扣完为止 → 0.
    res = score([item6()], [finding("6", "no-patrol", count=5)])
    s = res.item("6")
    assert s.score == D(0)
    assert s.deducted == D(24)
    a = s.adjustments[0]
    assert a.raw_amount == D(-25) and a.amount == D(-24)
    assert "扣完为止" in a.note


def test_floor_edge_exactly_exhausted():
    # 001 item 6: 4 times on 24 points: 24 − 20 = 4 (no note); 24/5 → 0 only at the 5th.
    res = score([item6()], [finding("6", "no-patrol", count=4)])
    assert res.item("6").score == D(4)
    assert res.item("6").adjustments[0].note == ""


def test_floor_deductions_capped_by_base_003():
    # 003 相关说明（三）: “本办法各项扣分以设置的各项基分为上限。”
    # 2.危害国家安全案（事）件（3分）: ①出走事件…每起扣3分 + ②失密案件每起扣2分:
    # 3 − 3 − 2 = −2 → the deductions stop at the item's 3 points → 0.
    it = item("2.2", 3, [
        rule("defection", "deduct", "发生危害国家安全的出走事件、叛逃事件、勾联策反等案（事）件，每起扣3分",
             amount=3, per="起"),
        rule("leak", "deduct", "发生失（泄、窃）密案（事）件，每起扣2分", amount=2, per="起"),
    ])
    res = score([it], [finding("2.2", "defection", count=1), finding("2.2", "leak", count=1)])
    s = res.item("2.2")
    assert s.score == D(0)
    assert [a.amount for a in s.adjustments] == [D(-3), D(0)]
    assert s.deducted == D(3)


def test_ceiling_item_points_001_item4():
    # 001 item 4 (2分): “有专项经费保障得3分；…常备饮用水、防暑降温用品得2分。”
    # 3 + 2 = 5 on a 2-point item → 2 (seed defect, documented: clamp to 分值).
    it = item("4", 2, [rule("funds", "earn", "有专项经费保障得3分", amount=3),
                       rule("workstation", "earn", "…得2分", amount=2)], basis="earned")
    res = score([it], [finding("4", "funds"), finding("4", "workstation")])
    s = res.item("4")
    assert s.score == D(2)
    assert [a.amount for a in s.adjustments] == [D(2), D(0)]
    assert "已达该项分值（2分）" in s.adjustments[1].note


# ------------------------------------------------------------ 2. deductions

def test_fixed_per_item_000_item6():
    # 000 item 6 (3分): “缺一项扣1分。” Two missing: 3 − 1 × 2 = 1.
    it = item("6", 3, [rule("missing", "deduct", "缺一项扣1分", amount=1, per="项")])
    assert score([it], [finding("6", "missing", count=2)]).total == D(1)


def test_per_count_001_item5():
    # 001 item 5 (5分): “每漏报或迟报一次，扣 2分，扣完为止。” Twice: 5 − 4 = 1; three times: 5 − 6 → 0.
    it = item("5", 5, [rule("roster-late", "deduct", "每漏报或迟报一次，扣 2分，扣完为止",
                            amount=2, per="次")])
    assert score([it], [finding("5", "roster-late", count=2)]).total == D(1)
    assert score([it], [finding("5", "roster-late", count=3)]).total == D(0)


def test_per_place_decimal_004():
    # 004 一.1(1): “底数不清楚的,每处扣0.1分” on a 2-point item, 3 places: 2 − 0.3 = 1.7 exactly.
    it = item("1.1", 2, [rule("unclear", "deduct", "底数不清楚的,每处扣0.1分", amount="0.1", per="处")])
    res = score([it], [finding("1.1", "unclear", count=3)])
    assert res.total == D("1.7")
    assert str(res.total) == "1.7"


def signing():
    # 000 item 5 (3分): “签订率达到98％。每降低一个百分点扣0．5分。”
    return item("5", 3, [rule("signing-rate", "shortfall", "每降低一个百分点扣0．5分",
                              target=98, step=1, amount="0.5", unit="%")])


@pytest.mark.parametrize("value, expected", [
    ("98", "3"),      # at the target: nothing
    ("99", "3"),      # above the target
    ("97.1", "3"),    # 0.9 points below: no whole step
    ("97", "2.5"),    # one whole point: −0.5
    ("95.5", "2"),    # 2.5 points below → 2 whole steps → −1
    ("92", "0"),      # 6 steps → −3 → 0
    ("80", "0"),      # 18 steps → −9 → clamped at 0
])
def test_shortfall_whole_steps_000_item5(value, expected):
    res = score([signing()], [finding("5", "signing-rate", value=value)])
    assert res.total == D(expected)


def test_shortfall_004_hotel_system():
    # 004 一.1(2): “旅店业治安管理信息系统达100%。每低1个百分点扣2分” on 15 points:
    # 97% → 3 whole points → −6 → 9.
    it = item("1.2", 15, [rule("hotel-system", "shortfall", "每低1个百分点扣2分",
                               target=100, step=1, amount=2, unit="%")])
    assert score([it], [finding("1.2", "hotel-system", value=97)]).total == D(9)


def family():
    # 000 item 12 (2分): “不开展“平安家庭”创建活动扣1-2分，未开展共建活动扣1-2分。”
    return item("12", 2, [rule("no-safe-family", "deduct", "不开展“平安家庭”创建活动扣1-2分",
                               range=(1, 2)),
                          rule("no-joint-activity", "deduct", "未开展共建活动扣1-2分",
                               range=(1, 2))])


@pytest.mark.parametrize("amount, expected", [("1", "1"), ("1.5", "0.5"), ("2", "0")])
def test_range_chosen_by_assessor_000_item12(amount, expected):
    # 2 − the assessor's amount, both range ends included.
    res = score([family()], [finding("12", "no-safe-family", amount=amount)])
    assert res.total == D(expected)


@pytest.mark.parametrize("amount", ["0.5", "2.5", None])
def test_range_outside_raises(amount):
    with pytest.raises(ValueError):
        score([family()], [finding("12", "no-safe-family", amount=amount)])


def test_range_per_count_000_item14():
    # 000 item 14 (5分): “发生一起火灾事故的扣1-2分”: 2 fires at 1.5 each: 5 − 3 = 2.
    it = item("14", 5, [rule("fire", "deduct", "发生一起火灾事故的扣1-2分", range=(1, 2), per="起")])
    assert score([it], [finding("14", "fire", amount="1.5", count=2)]).total == D(2)


def test_zero_000_item2():
    # 000 item 2 (3分): “未成立…领导小组的不得分” → 0, whatever else.
    it = item("2", 3, [rule("no-groups", "zero", "未成立综治、平安建设、安全生产、“大调解”机制领导小组的不得分")])
    res = score([it], [finding("2", "no-groups")])
    s = res.item("2")
    assert s.score == D(0) and s.deducted == D(3)
    assert s.adjustments[0].kind == "zero" and s.adjustments[0].amount == D(-3)


def test_zero_after_deductions_and_bonus_after_zero_000_item14():
    # 000 item 14 (5分): a fire (−1.5), then “重大火灾事件不得分”: the item is 0, the
    # zero adjustment takes the remaining 3.5. A bonus of the item would still
    # count after the clamp (rule 4 of “Scoring of one item”): +1 → 1.
    it = item("14", 5, [rule("fire", "deduct", "发生一起火灾事故的扣1-2分", range=(1, 2), per="起"),
                        rule("major-fire", "zero", "重大火灾事件不得分"),
                        rule("b", "bonus", "（测试加分）", amount=1)])
    res = score([it], [finding("14", "major-fire"), finding("14", "fire", amount="1.5", count=1),
                       finding("14", "b")])
    s = res.item("14")
    assert s.score == D(1)
    assert [a.amount for a in s.adjustments] == [D("-3.5"), D("-1.5"), D(1)]


# ------------------------------------------------------------ 3. earned points

def item1():
    # 001 item 1 (3分): “…由社区“一把手”负责、亲自抓得2分；落实社区专人负责、直接抓得1分。”
    return item("1", 3, [rule("leader", "earn", "群防群治工作领导小组由社区“一把手”负责、亲自抓得2分",
                              amount=2),
                         rule("staff", "earn", "落实社区专人负责、直接抓得1分", amount=1)],
                basis="earned")


def test_earned_per_criterion_001_item1():
    # 0 + 2 (一把手) = 2; both: 0 + 2 + 1 = 3; nothing earned: 0.
    assert score([item1()], [finding("1", "leader")]).total == D(2)
    assert score([item1()], [finding("1", "leader"), finding("1", "staff")]).total == D(3)
    assert score([item1()], []).total == D(0)


def item2():
    # 001 item 2 (13分): “…得基本分7分；社区整合资源，每扩建一支队伍得2分”
    return item("2", 13, [rule("base-teams", "earn", "…得基本分7分", amount=7),
                          rule("extra-team", "earn", "社区整合资源，每扩建一支队伍得2分",
                               amount=2, per="支")], basis="earned")


@pytest.mark.parametrize("teams, expected", [(0, "7"), (2, "11"), (3, "13"), (4, "13")])
def test_earned_base_plus_increments_001_item2(teams, expected):
    # 7 + 2 × teams, up to the item's 13 points: 3 teams reach 13, a 4th adds nothing.
    fs = [finding("2", "base-teams")] + ([finding("2", "extra-team", count=teams)] if teams else [])
    res = score([item2()], fs)
    assert res.total == D(expected)
    if teams == 4:
        assert "已达该项分值（13分）" in res.item("2").adjustments[1].note


def test_earned_per_occurrence_with_cap_001_item11():
    # 001 item 11 (8分): “有一起得2分，加满分8分为止”: 3 起 → 6; 5 起 → 10 → 8 (rule cap).
    it = item("11", 8, [rule("case-solved", "earn", "积极提供线索，协助公安机关破获刑事、治安案件，有一起得2分，加满分8分为止",
                             amount=2, per="起", cap=8)], basis="earned")
    assert score([it], [finding("11", "case-solved", count=3)]).total == D(6)
    res = score([it], [finding("11", "case-solved", count=5)])
    assert res.total == D(8)
    assert res.item("11").adjustments[0].note == "已达上限（加满分8分为止）"


def test_earned_cap_across_inspections_001_item12():
    # 001 item 12 (5分): “…宣传得3分；…被各自派出所录用的有一次得0.1分，最高得2分。”
    # 3 + 0.1 × 7 = 3.7; with 15 + 12 photos: 0.1 × 27 = 2.7 → 2 → 3 + 2 = 5, the
    # second finding cut from 1.2 to 0.5.
    it = item("12", 5, [rule("monthly", "earn", "…进行宣传得3分", amount=3),
                        rule("photo", "earn", "…录用的有一次得0.1分，最高得2分",
                             amount="0.1", per="次", cap=2)], basis="earned")
    assert score([it], [finding("12", "monthly"), finding("12", "photo", count=7)]).total == D("3.7")
    res = score([it], [finding("12", "monthly"), finding("12", "photo", count=15),
                       finding("12", "photo", count=12)])
    assert res.total == D(5)
    a = res.item("12").adjustments
    assert a[2].raw_amount == D("1.2") and a[2].amount == D("0.5")
    assert a[2].note == "已达上限（最高得2分）"


# ------------------------------------------------------------ 5. bonuses

def item8():
    # 000 item 8 (20分): “单项考核分数折算到该项分值中。防止一起矛盾激化或非正常死亡案件的加3分。”
    return item("8", 20, [rule("single", "convert", "单项考核分数折算到该项分值中", scale=100),
                          rule("prevent", "bonus", "防止一起矛盾激化或非正常死亡案件的加3分",
                               amount=3, per="起")])


def test_bonus_outside_item_cap_000_item8():
    # 95/100 × 20 = 19, + 3 (one case prevented) = 22: the bonus passes the 20 points.
    res = score([item8()], [finding("8", "single", value=95), finding("8", "prevent", count=1)])
    s = res.item("8")
    assert s.score == D(22) and s.added == D(3) and s.deducted == D(1)
    assert res.total == D(22)


def test_rubric_bonus_cap_with_own_phrase_003():
    # 003 （五）1.①: “…根据工作开展情况视情加分，以2分为限。” Two findings 1.5 + 1:
    # 2.5 → 2; the second is cut to 0.5 with the seed's phrase.
    b = rule("publicity", "bonus", "加强综治工作宣传，根据工作开展情况视情加分，以2分为限", cap=2)
    it = item("1", 25, [])
    res = score([it], [finding(None, "publicity", amount="1.5"), finding(None, "publicity", amount=1)],
                bonuses=[b])
    assert [a.amount for a in res.rubric_adjustments] == [D("1.5"), D("0.5")]
    assert res.rubric_adjustments[1].note == "已达上限（以2分为限）"
    assert res.total == D(27)


def test_bonus_dedupe_subject_and_cap_003():
    # 003 （五）1.②: “…每篇（次）分别加3分、2分、1分（同一经验以最高加分为准）…以3分为限。”
    # Experience A reported centrally (3) and by a city paper (1): once, at 3.
    # Experience B reported by the province (2). 3 + 2 = 5 → 以3分为限 → 3.
    b = rule("experience", "bonus", "每篇（次）分别加3分、2分、1分（同一经验以最高加分为准），根据被考评单位提供的依据打分，以3分为限",
             range=(1, 3), per="篇", dedupe="subject", cap=3)
    fs = [finding(None, "experience", amount=1, count=1, subject="经验A"),
          finding(None, "experience", amount=3, count=1, subject="经验A"),
          finding(None, "experience", amount=2, count=1, subject="经验B")]
    res = score([item("1", 25, [])], fs, bonuses=[b])
    amounts = [a.amount for a in res.rubric_adjustments]
    assert amounts == [D(0), D(3), D(0)]
    assert "以最高加分为准" in res.rubric_adjustments[0].note
    assert res.rubric_adjustments[2].note == "已达上限（以3分为限）"
    assert res.total == D(28)


def test_bonus_dedupe_subject_across_rules_000_awards():
    # 000: “每获得一个区级以上 先进的加5分，每获得一个市级先进的加8分…”: one award
    # recorded at district and city level counts once, at the higher 8; another
    # district award adds 5: 8 + 5 = 13 on top of the items.
    bs = [rule("district", "bonus", "每获得一个区级以上 先进的加5分", amount=5, per="个", dedupe="subject"),
          rule("city", "bonus", "每获得一个市级先进的加8分", amount=8, per="个", dedupe="subject")]
    fs = [finding(None, "district", count=1, subject="平安社区"),
          finding(None, "city", count=1, subject="平安社区"),
          finding(None, "district", count=1, subject="民主法治社区")]
    res = score([item("1", 10, [])], fs, bonuses=bs)
    assert [a.amount for a in res.rubric_adjustments] == [D(0), D(8), D(5)]
    assert res.total == D(23)


def test_rubric_bonus_cap_total():
    # bonus_cap 5 on two rubric-wide bonuses of 3: 3 + 2 (cut).
    bs = [rule("a", "bonus", "加3分", amount=3), rule("b", "bonus", "加3分", amount=3)]
    res = score([item("1", 10, [])], [finding(None, "a"), finding(None, "b")], bonuses=bs, bonus_cap=5)
    assert [a.amount for a in res.rubric_adjustments] == [D(3), D(2)]
    assert "全表加分已达上限（5分）" in res.rubric_adjustments[1].note
    assert res.total == D(15)


# ------------------------------------------------------------ 6. rubric-wide deductions

def test_extra_deductions_capped_003():
    # 003 （五）2.①: “…每次扣0.5分，以2分为限。” 5 times: 2.5 → 2.
    #              ②: “…每起案件扣0.5分，以1分为限。” 3 cases: 1.5 → 1.
    # Items 100 → 100 − 2 − 1 = 97.
    ds = [rule("late-report", "deduct", "未按时完成局领导小组交办任务的，每次扣0.5分，以2分为限",
               amount="0.5", per="次", cap=2),
          rule("judgement", "deduct", "拒不执行法院已生效判决的，每起案件扣0.5分，以1分为限",
               amount="0.5", per="起", cap=1)]
    res = score([item("1", 100, [])], [finding(None, "late-report", count=5),
                                       finding(None, "judgement", count=3)], extra_deductions=ds)
    assert [a.amount for a in res.rubric_adjustments] == [D(-2), D(-1)]
    assert res.rubric_adjustments[0].note == "已达上限（以2分为限）"
    assert res.total == D(97)
    assert res.deducted_total == D(3)


# ------------------------------------------------------------ 7. convert (typed)

@pytest.mark.parametrize("points, value, scale, expected", [
    (20, "85", None, "17"),       # 000 item 8: 85/100 × 20
    (8, "87.5", None, "7"),       # 000 item 16: 87.5/100 × 8
    (3, "83", None, "2.49"),      # 000 item 18: 83/100 × 3
    (20, "42", "50", "16.8"),     # a single assessment scored out of 50: 42/50 × 20
    (3, "2", "3", "2"),           # 2/3 × 3 exactly
    (20, "70", "90", "15.56"),    # 70/90 × 20 = 15.555… → 15.56
])
def test_convert_typed(points, value, scale, expected):
    it = item("8", points, [rule("single", "convert", "单项考核分数折算到该项分值中", scale=100)])
    kw = {"scale": scale} if scale else {}
    assert score([it], [finding("8", "single", value=value, **kw)]).total == D(expected)


def test_convert_missing_value_is_noted():
    it = item("8", 20, [rule("single", "convert", "单项考核分数折算到该项分值中", scale=100)])
    res = score([it], [])
    assert res.total == D(20)
    assert "未录入单项考核分数" in res.item("8").adjustments[0].note


# ------------------------------------------------------------ 11. incident dedup

def test_incident_dedup_003():
    # 003 相关说明（三）: “考评中涉及某一案事件出现多处扣分时，不重复扣分，以本办法设定的
    # 扣分多的一方评分为准。” One incident deducted under 2.2 (叛逃事件 每起扣3分) and
    # under 4.1 (一般刑事案件 每起扣2分): only the 3 stands. 3 − 3 = 0; 10 − 0 = 10.
    i22 = item("2.2", 3, [rule("defection", "deduct", "…每起扣3分", amount=3, per="起")])
    i41 = item("4.1", 10, [rule("crime", "deduct", "…治安案件的，每起扣2分", amount=2, per="起")])
    fs = [finding("4.1", "crime", count=1, incident="2017-05-出走"),
          finding("2.2", "defection", count=1, incident="2017-05-出走"),
          finding("4.1", "crime", count=1, incident="2017-06-盗窃")]
    res = score([i22, i41], fs, incident_dedup=True)
    assert res.item("2.2").score == D(0)
    assert res.item("4.1").score == D(8)
    a = res.item("4.1").adjustments[0]
    assert a.amount == D(0) and a.raw_amount == D(-2) and a.note == "同一案事件不重复扣分"
    assert res.total == D(8)
    # without incident_dedup both count: 0 + (10 − 4) = 6
    assert score([i22, i41], fs).total == D(6)


# ------------------------------------------------------------ 12. deduction-only

def rubric_002():
    # 002 特殊群体 / 涉毒人员: “未建立或台账信息不全扣1分，不按期开展走访每次扣1分。”
    # 002 维稳工作: “…出现一起到省上访扣3分，出现一起进京上访扣5分。”
    return [item("1.1", None, [rule("no-ledger", "deduct", "未建立或台账信息不全扣1分", amount=1),
                               rule("no-visit", "deduct", "不按期开展走访每次扣1分", amount=1, per="次")]),
            item("5", None, [rule("beijing", "deduct", "出现一起进京上访扣5分", amount=5, per="起")])]


def test_deduction_only_002():
    # 1 + 1 × 3 + 5 = 9 deducted; no base: total is the deduction, 9.
    fs = [finding("1.1", "no-ledger"), finding("1.1", "no-visit", count=3),
          finding("5", "beijing", count=1)]
    res = score(rubric_002(), fs, mode="deduction_only")
    assert res.deducted_total == D(9)
    assert res.total == D(9)
    assert res.item("1.1").score == D(-4) and res.item("1.1").deducted == D(4)
    assert res.item("1.1").points is None


def test_deduction_only_no_floor():
    # no points, so no 扣完为止: 12 missed visits deduct 12.
    res = score(rubric_002(), [finding("1.1", "no-visit", count=12)], mode="deduction_only")
    assert res.deducted_total == D(12)


# ------------------------------------------------------------ 13. self-assessment

def test_self_assessment_001_item1():
    # 001 item 1: the community claims both (2 + 1 = 3, 自评得分 3); the assessor
    # finds only the 一把手 (2). differs; self_total 3 vs total 2.
    rub = rubric([item1()])
    rec = record("xinhua", "2017-Q1", [finding("1", "leader")],
                 self_findings=[finding("1", "leader"), finding("1", "staff")],
                 self_notes={"1": "书记任组长，专人负责"})
    res = score_record(rub, U, rec)
    s = res.item("1")
    assert (s.score, s.self_score, s.differs) == (D(2), D(3), True)
    assert s.self_note == "书记任组长，专人负责"
    assert (res.total, res.self_total) == (D(2), D(3))


def test_self_assessment_equal_not_differs():
    rub = rubric([item1()])
    rec = record("xinhua", "2017-Q1", [finding("1", "leader")], self_findings=[finding("1", "leader")])
    res = score_record(rub, U, rec)
    assert res.item("1").differs is False and res.self_total == D(2)


def test_no_self_assessment():
    res = score([item1()], [finding("1", "leader")])
    assert res.self_total is None and res.item("1").self_score is None


# ------------------------------------------------------------ the trail

def test_adjustment_carries_finding_details():
    from datetime import date
    f = finding("6", "no-patrol", count=1, reason="3月12日晚抽查，未见巡逻队伍",
                date=date(2017, 3, 12), evidence="督查记录第12号", photos=["photos/a.jpg"])
    res = score([item6()], [f])
    a: Adjustment = res.item("6").adjustments[0]
    assert (a.kind, a.rule_id, a.amount, a.count) == ("deduct", "no-patrol", D(-5), 1)
    assert a.rule_text == "每发现1次没有开展巡逻的扣 5分，扣完为止"
    assert a.reason == "3月12日晚抽查，未见巡逻队伍" and a.date == date(2017, 3, 12)
    assert a.evidence == "督查记录第12号" and a.photos == ("photos/a.jpg",)
    assert a.source.file == "assessments/r/2017-Q1/xinhua.yml" and a.source.line == 10
    assert a.derived is False and a.origin is None


def test_unknown_rule_raises():
    with pytest.raises(RuleError):
        score([item6()], [finding("6", "nope")])
    with pytest.raises(RuleError):
        score([item6()], [finding("99", "no-patrol")])


def test_applies_to_excludes_unit():
    # 004: “城区三所要将(警情通报…张贴入各小区警务宣传栏)” — a rule for 城区所 only.
    it = item("4.1", 5, [rule("no-posting", "deduct", "城区三所…", amount=1, applies_to=["城区所"])])
    res = score([it], [finding("4.1", "no-posting")])
    assert res.total == D(5)
    assert res.item("4.1").adjustments[0].note == "本规则不适用于该单位"

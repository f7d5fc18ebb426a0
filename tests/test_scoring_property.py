"""Property: on a generated rubric with random findings, each item stays in
0..points before its bonuses, every point is accounted for by an adjustment,
rule caps hold, and the total is the sum of items plus rubric-wide adjustments."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.scoring import score_record
from scoring_fixtures import D, finding, item, record, rubric, rule, unit

# amounts in 0.1 steps, as the seeds write them (0.1, 0.5, 2.5, 5 …)
amounts = st.integers(min_value=1, max_value=60).map(lambda n: Decimal(n) / 10)
points = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 2)
caps = st.one_of(st.none(), st.integers(min_value=1, max_value=20).map(lambda n: Decimal(n) / 2))


@st.composite
def rules_for(draw, n_rules):
    out = []
    for i in range(n_rules):
        kind = draw(st.sampled_from(["deduct", "deduct", "earn", "earn", "bonus", "zero",
                                     "shortfall", "trend", "tiered", "range"]))
        rid = f"r{i}"
        if kind == "range":
            lo = draw(amounts)
            out.append(rule(rid, "deduct", range=(lo, lo + draw(amounts)), per="次",
                            cap=draw(caps)))
        elif kind in ("deduct", "earn", "bonus"):
            out.append(rule(rid, kind, amount=draw(amounts),
                            per=draw(st.sampled_from([None, "次", "处"])), cap=draw(caps),
                            dedupe="subject" if kind == "bonus" and draw(st.booleans()) else None))
        elif kind == "zero":
            out.append(rule(rid, "zero"))
        elif kind == "shortfall":
            out.append(rule(rid, "shortfall", target=draw(st.integers(80, 100)), step=1,
                            amount=draw(amounts)))
        elif kind == "trend":
            out.append(rule(rid, "trend", measure=draw(st.sampled_from(["relative", "difference"])),
                            step=6, flat="2.5", down="2.5", up="2.5",
                            min=draw(st.sampled_from([None, 0])), max=draw(st.sampled_from([None, 10])),
                            down_as_bonus=draw(st.booleans()), zero_full=draw(st.booleans()),
                            cap=draw(caps)))
        else:
            out.append(rule(rid, "tiered", tiers=[(95, 0), (90, draw(amounts)), (None, draw(amounts))]))
    return out


@st.composite
def findings_for(draw, rb):
    out = []
    for it in rb.items:
        for r in it.rules:
            for _ in range(draw(st.integers(0, 3))):
                out.append(_finding(draw, it.id, r))
    for r in rb.bonuses + rb.extra_deductions:
        for _ in range(draw(st.integers(0, 3))):
            out.append(_finding(draw, None, r))
    return draw(st.permutations(out)) if out else out


def _finding(draw, item_id, r):
    kw = {}
    if r.per:
        kw["count"] = draw(st.integers(0, 8))
    if r.range:
        lo, hi = r.range
        kw["amount"] = draw(st.sampled_from([lo, hi, (lo + hi) / 2]))
    if r.kind in ("shortfall", "tiered"):
        kw["value"] = D(draw(st.integers(60, 100)))
    if r.kind == "trend":
        kw["value"] = D(draw(st.integers(0, 30)))
        kw["baseline"] = D(draw(st.integers(0, 30)))
    if r.dedupe:
        kw["subject"] = draw(st.sampled_from(["甲", "乙"]))
    kw["incident"] = draw(st.sampled_from([None, None, "案1", "案2"]))
    return finding(item_id, r.id, **kw)


@st.composite
def cases(draw):
    items = []
    for i in range(draw(st.integers(1, 5))):
        items.append(item(str(i + 1), draw(points), draw(rules_for(draw(st.integers(0, 5)))),
                          basis=draw(st.sampled_from(["full", "earned"]))))
    bonuses = [rule(f"b{i}", "bonus", amount=draw(amounts), per="次", cap=draw(caps),
                    dedupe="subject" if draw(st.booleans()) else None)
               for i in range(draw(st.integers(0, 2)))]
    extra = [rule(f"x{i}", "deduct", amount=draw(amounts), per="次", cap=draw(caps))
             for i in range(draw(st.integers(0, 2)))]
    rb = rubric(items, bonuses=bonuses, extra_deductions=extra,
                bonus_cap=draw(caps), incident_dedup=draw(st.booleans()))
    return rb, draw(findings_for(rb))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_item_bounds_and_total(case):
    rb, fs = case
    res = score_record(rb, unit("a"), record("a", "2017-Q1", fs))
    total = Decimal(0)
    for it, s in zip(rb.items, res.items):
        before_bonus = s.score - s.added
        assert D(0) <= before_bonus <= it.points, (it.id, s)
        start = it.points if it.basis == "full" else D(0)
        assert start + sum((a.amount for a in s.adjustments), D(0)) == s.score
        assert s.added >= 0 and s.deducted >= 0
        for r in it.rules:
            if r.cap is not None:
                for outside in (False, True):
                    # 全年零发案 (zero_full) gives the item's points, not the rule's effect
                    used = sum(abs(a.amount) for a in s.adjustments
                               if a.rule_id == r.id and a.is_bonus == outside
                               and "零发案" not in a.note)
                    assert used <= r.cap
        total += s.score
    adj = sum((a.amount for a in res.rubric_adjustments), D(0))
    assert res.total == total + adj
    if rb.bonus_cap is not None:
        assert sum((a.amount for a in res.rubric_adjustments if a.amount > 0), D(0)) <= rb.bonus_cap
    for r in rb.extra_deductions:
        if r.cap is not None:
            assert -sum((a.amount for a in res.rubric_adjustments if a.rule_id == r.id), D(0)) <= r.cap

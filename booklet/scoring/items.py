"""Per-rule pure functions and the scoring of one item.

Each `*_effect` function takes a Rule and a Finding and returns the signed
effect of that one finding (negative = deducted), before caps, clamps and
dedupe. `assemble_item` then applies "Scoring of one item" of
docs/formats.md to the adjustments of one item:

1. a `convert` or `rank` adjustment sets the item's value (its amount is the
   set value minus the starting value);
2. start at `points` (basis full) or 0 (basis earned), add earns and trend
   results, subtract deductions;
3. clamp to 0..points — the part of the last adjustments that would pass a
   bound is cut off and noted (扣完为止 / 以分值为限); a `zero` finding then
   makes the item 0;
4. bonuses (and `down_as_bonus` trend gains) are added after the clamp.

So for every item: start + Σ inside amounts ∈ [0, points] and
score = start + Σ all amounts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Optional

from ..model import Finding, Item, Rule, Tier
from .fmt import fmt_points, q2
from .result import Adjustment, ItemScore

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# slots of an adjustment inside an item
SET, IN, OUT, ZEROING = "set", "in", "out", "zero"

NOTE_FLOOR = "扣完为止（该项{points}分扣完，不再扣分）"
NOTE_CEIL = "已达该项分值（{points}分），超出部分不计"


class RuleError(ValueError):
    """A finding does not fit its rule (validation should have caught it)."""


def join_note(old: str, new: str) -> str:
    """Append a note ("加分；已达上限（…）"). Bonuses are marked by
    Adjustment.bonus, never by their note."""
    return f"{old}；{new}" if old else new


# ------------------------------------------------------------ amounts


def finding_count(rule: Rule, f: Finding) -> int:
    """How many times the rule applies: the finding's count for `per` rules, else 1.

    A count of 0 on any rule means "decided: does not apply" — annex data
    (附件2/3) uses it to say a criterion was checked and not met, so that the
    decision shows in the trail and replaces anything typed for that rule.
    (Validation refuses a typed count on a rule that does not count.)"""
    if f.count is not None and (rule.per is not None or f.count == 0):
        return f.count
    return 1


def chosen_amount(rule: Rule, f: Finding) -> Decimal:
    """The amount per occurrence: the rule's fixed amount, or the assessor's
    choice inside the rule's range (扣1-2分), or — for a rule with neither
    (视情加分, 酌情扣分) — the finding's amount."""
    if rule.range is not None:
        lo, hi = rule.range
        a = f.amount
        if a is None:
            raise RuleError(f"规则 {rule.id}（{rule.text}）为区间 {fmt_points(lo)}-{fmt_points(hi)} 分，"
                            f"考核记录须填写 amount")
        if not lo <= a <= hi:
            raise RuleError(f"规则 {rule.id}（{rule.text}）的 amount {fmt_points(a)} 不在区间 "
                            f"{fmt_points(lo)}-{fmt_points(hi)} 分内")
        return a
    if rule.amount is not None:
        return rule.amount
    if f.amount is not None:
        return f.amount
    raise RuleError(f"规则 {rule.id}（{rule.text}）未规定分值，考核记录须填写 amount")


def deduct_effect(rule: Rule, f: Finding) -> Decimal:
    """扣X分 / 每次扣X分 / 扣X-Y分: −amount × count."""
    return -(chosen_amount(rule, f) * finding_count(rule, f))


def earn_effect(rule: Rule, f: Finding) -> Decimal:
    """得X分 / 有一起得X分: +amount × count (inside the item)."""
    return chosen_amount(rule, f) * finding_count(rule, f)


def bonus_effect(rule: Rule, f: Finding) -> Decimal:
    """加X分 / 每篇加X分 / 视情加分: +amount × count (outside the item cap)."""
    return chosen_amount(rule, f) * finding_count(rule, f)


def whole_steps(distance: Decimal, step: Decimal) -> int:
    """Whole steps in a non-negative distance: 11.9 / 6 → 1, 12 / 6 → 2."""
    if step <= 0:
        raise RuleError(f"step 必须大于 0（{step}）")
    return int((distance / step).to_integral_value(rounding=ROUND_FLOOR))


def _value(rule: Rule, f: Finding) -> Decimal:
    if f.value is None:
        raise RuleError(f"规则 {rule.id}（{rule.text}）须在考核记录中填写 value（实测值）")
    return f.value


def shortfall_effect(rule: Rule, f: Finding) -> tuple[Decimal, int]:
    """签订率达到98%，每降低一个百分点扣0.5分: −amount × whole steps below target.

    Returns (effect, steps). A value at or above the target deducts nothing.
    """
    value = _value(rule, f)
    if rule.target is None or rule.amount is None:
        raise RuleError(f"规则 {rule.id} 缺少 target 或 amount")
    if value >= rule.target:
        return ZERO, 0
    steps = whole_steps(rule.target - value, rule.step or ONE)
    return -(rule.amount * steps), steps


def quota_effect(rule: Rule, f: Finding) -> Decimal:
    """每年培训不少于2次的得2分，每少1次培训扣1分: flat when value ≥ target, else
    flat − amount × whole steps short (step 1 by default), never below 0.
    2 trainings → 2, 1 → 1, 0 → 0."""
    value = _value(rule, f)
    if rule.target is None or rule.flat is None or rule.amount is None:
        raise RuleError(f"规则 {rule.id} 缺少 target、flat 或 amount")
    if value >= rule.target:
        return rule.flat
    v = rule.flat - rule.amount * whole_steps(rule.target - value, rule.step or ONE)
    return v if v > 0 else ZERO


def tiered_effect(rule: Rule, f: Finding) -> tuple[Decimal, Optional[Tier]]:
    """民调 tiers: −amount of the first tier (highest first) whose min ≤ value."""
    value = _value(rule, f)
    for tier in rule.tiers:
        if tier.min is None or value >= tier.min:
            return -tier.amount, tier
    return ZERO, None


@dataclass(frozen=True)
class TrendOutcome:
    inside: Decimal          # inside the item (may be negative)
    outside: Decimal         # bonus outside the cap (down_as_bonus)
    change: Decimal          # percent (relative) or points (difference); + is a rise
    steps: int               # whole steps of the change
    bounded: str             # "" | "min" | "max": the component hit a bound


def trend_change(rule: Rule, value: Decimal, baseline: Decimal) -> Decimal:
    """The change against last year: percent of the baseline (relative) or the
    difference in percentage points (difference). A baseline of 0 and a value
    above 0 is a rise of 100%."""
    if rule.measure == "difference":
        return value - baseline
    if baseline == 0:
        return ZERO if value == 0 else HUNDRED
    return (value - baseline) * HUNDRED / baseline


def trend_effect(rule: Rule, f: Finding) -> TrendOutcome:
    """持平得2.5分；每下降6%得2.5分，加满10分为止；每上升6%扣2.5分，扣完为止.

    component = flat + down × whole steps down − up × whole steps up, kept in
    min..max. With down_as_bonus the gain above `flat` is a bonus outside the
    item cap (发案率每低于上年一个百分点的加0.5分).
    """
    value = _value(rule, f)
    if f.baseline is None:
        raise RuleError(f"规则 {rule.id}（{rule.text}）须填写 baseline（上年数）")
    if rule.step is None:
        raise RuleError(f"规则 {rule.id} 缺少 step")
    if rule.measure == "relative" and f.baseline != 0:
        # exact whole steps without an inexact percentage in between
        distance = abs(value - f.baseline) * HUNDRED
        steps = whole_steps(distance, abs(f.baseline) * rule.step)
        change = trend_change(rule, value, f.baseline)
    else:
        change = trend_change(rule, value, f.baseline)
        steps = whole_steps(abs(change), rule.step)
    flat = rule.flat or ZERO
    if change < 0:
        comp = flat + (rule.down or ZERO) * steps
    elif change > 0:
        comp = flat - (rule.up or ZERO) * steps
    else:
        comp = flat
    bounded = ""
    if rule.max is not None and comp > rule.max:
        comp, bounded = rule.max, "max"
    if rule.min is not None and comp < rule.min:
        comp, bounded = rule.min, "min"
    if rule.down_as_bonus and comp > flat:
        return TrendOutcome(flat, comp - flat, change, steps, bounded)
    return TrendOutcome(comp, ZERO, change, steps, bounded)


def convert_value(points: Decimal, value: Decimal, scale: Optional[Decimal]) -> Decimal:
    """折算: value / scale × points, rounded to 0.01 (85 / 100 × 20 = 17)."""
    scale = scale or HUNDRED
    if scale <= 0:
        raise RuleError(f"折算的 scale 必须大于 0（{scale}）")
    return q2(value * points / scale)


def rank_value(points: Decimal, best: Decimal, value: Decimal, amount: Decimal) -> Decimal:
    """城区三所排位，次数最多的满分，少一次的递减0.1分: points − (best − value) × amount, ≥ 0."""
    v = points - (best - value) * amount
    return v if v > 0 else ZERO


# ------------------------------------------------------------ cap phrases

_CAP_PHRASE = re.compile(
    r"(以\s*\d+(?:\.\d+)?\s*分为限|最高得\s*\d+(?:\.\d+)?\s*分|最高加\s*\d+(?:\.\d+)?\s*分"
    r"|加满分?\s*\d+(?:\.\d+)?\s*分为止|扣完\s*\d+(?:\.\d+)?\s*分为止|扣完为止)")


def cap_note(rule: Rule, cap: Decimal) -> str:
    """已达上限（以2分为限）: the seed's own cap phrase when its text has one."""
    m = _CAP_PHRASE.search(rule.text or "")
    phrase = m.group(1).replace(" ", "") if m else f"以{fmt_points(cap)}分为限"
    return f"已达上限（{phrase}）"


def apply_rule_cap(rule: Rule, adjs: list[Adjustment]) -> None:
    """Keep the sum of |amount| of one rule's adjustments in one record ≤ rule.cap.

    Later adjustments are cut (possibly to 0) and get a note.
    """
    cap = rule.cap
    if cap is None:
        return
    used = ZERO
    for a in adjs:
        mag = a.amount if a.amount >= 0 else -a.amount
        room = cap - used
        if room < 0:
            room = ZERO
        if mag > room:
            a.amount = room if a.amount >= 0 else -room
            a.note = join_note(a.note, cap_note(rule, cap))
            mag = room
        used += mag


# ------------------------------------------------------------ one item


def assemble_item(item: Item, pending: list[tuple[str, Adjustment]],
                  zero_full: bool = False) -> ItemScore:
    """Score one item from its adjustments (already capped per rule and deduped).

    `pending` is a list of (slot, Adjustment) in record order, slot one of
    "set" (convert/rank), "in" (earn/deduct/trend/shortfall/tiered),
    "out" (bonus, trend gain as bonus), "zero" (不得分).
    `zero_full`: every trend finding of a zero_full rule has value 0 (全年零发案):
    the item gets its full points before deductions.
    Amounts of the adjustments are changed in place where a clamp cuts them.
    """
    points = item.points
    start = points if (item.basis != "earned" and points is not None) else ZERO
    if not pending:
        return _item_score(item, points, start, ZERO, ZERO, [])
    adjs: list[Adjustment] = []
    inside: list[Adjustment] = []
    outside: list[Adjustment] = []
    zeros: list[Adjustment] = []
    set_done = False
    for slot, a in pending:
        adjs.append(a)
        if slot == IN:
            inside.append(a)
        elif slot == OUT:
            outside.append(a)
        elif slot == SET:
            if set_done:
                a.amount = ZERO
                a.note = join_note(a.note, "该项已由前一条记录确定，本条不计")
            else:
                set_done = True
                a.amount = a.amount - start      # set value → change from start
                a.raw_amount = a.amount
            inside.append(a)
        else:
            zeros.append(a)

    if zero_full and points is not None:
        first = True
        for a in inside:
            if a.kind == "trend":
                if first:
                    a.amount = points - start
                    a.note = join_note(a.note, f"全年零发案，得{fmt_points(points)}分")
                    first = False
                else:
                    a.amount = ZERO
                    a.note = join_note(a.note, "已按零发案得满分计")

    total = start
    for a in inside:
        total += a.amount

    if points is not None:
        if total > points:
            _cut(inside, total - points, positive=True,
                 note=NOTE_CEIL.format(points=fmt_points(points)))
            total = points
        elif total < 0:
            _cut(inside, -total, positive=False,
                 note=NOTE_FLOOR.format(points=fmt_points(points)))
            total = ZERO

    deducted = ZERO
    for a in inside:
        if a.amount < 0:
            deducted -= a.amount

    first_zero = True
    for z in zeros:
        if points is None:
            z.amount = ZERO
            z.note = join_note(z.note, "扣分细则无基分，“不得分”不适用")
        elif first_zero:
            z.amount = -total
            deducted += total
            total = ZERO
            first_zero = False
        else:
            z.amount = ZERO
            z.note = join_note(z.note, "该项已不得分")

    added = ZERO
    for a in outside:
        added += a.amount
    return _item_score(item, points, total + added, deducted, added, adjs)


def _item_score(item: Item, points, score, deducted, added, adjs) -> ItemScore:
    return ItemScore(item_id=item.id, number=item.number, points=points, score=score,
                     deducted=deducted, added=added, adjustments=adjs)


def _cut(adjs: list[Adjustment], excess: Decimal, *, positive: bool, note: str) -> None:
    """Remove `excess` from the last adjustments of one sign, noting each cut."""
    for a in reversed(adjs):
        if excess <= 0:
            break
        if positive and a.amount > 0:
            take = a.amount if a.amount < excess else excess
            a.amount -= take
        elif not positive and a.amount < 0:
            take = -a.amount if -a.amount < excess else excess
            a.amount += take
        else:
            continue
        excess -= take
        a.note = join_note(a.note, note)

"""What keeps one record's adjustments from counting twice or too much:
incident dedup, bonus dedupe by subject, forfeits, and the rubric-wide bonus cap.
(A rule's own `cap` is items.apply_rule_cap.)"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Mapping, Optional, Sequence

from .evaluate import Pending
from .fmt import fmt_points
from .items import OUT, ZERO, join_note
from ..model import Rule
from .result import Adjustment

NOTE_INCIDENT = "同一案事件不重复扣分"


def dedupe_incidents(pending: Sequence[Pending],
                     effective: Optional[Callable[[Pending, set[int]], Decimal]] = None) -> None:
    """Deductions citing the same `incident` count once — anywhere in the
    record — at the largest deduction that actually takes effect (003:
    不重复扣分，以扣分多的一方评分为准).

    `effective(p, zeroed)`: what p would still take after its item's floor
    (扣完为止) when the deductions whose id() is in `zeroed` count nothing;
    each candidate is tried with every other incident deduction left out. So
    an incident recorded as −4 on an item already at 0 and −2 on another
    costs 2, not nothing. Ties: the larger deduction as recorded, then the
    first."""
    groups: dict[str, list[Pending]] = {}
    for p in pending:
        inc = p.finding.incident
        if inc is not None and p.adj.amount < 0:
            groups.setdefault(inc, []).append(p)
    if not groups:
        return
    every = {id(p) for ps in groups.values() for p in ps}
    for inc, ps in groups.items():
        if len(ps) < 2:
            continue
        best, best_key = None, None
        for i, p in enumerate(ps):
            eff = effective(p, every - {id(p)}) if effective is not None else p.adj.amount
            key = (eff, p.adj.amount, i)          # most negative first
            if best_key is None or key < best_key:
                best, best_key = p, key
        for p in ps:
            if p is best:
                continue
            p.adj.amount = ZERO
            p.adj.note = join_note(p.adj.note, NOTE_INCIDENT)


def dedupe_subjects(pending: Sequence[Pending]) -> None:
    """Bonuses of `dedupe: subject` rules with the same subject in the same
    item (or among the rubric-wide bonuses) count once, the highest."""
    groups: dict[tuple, list[Pending]] = {}
    for p in pending:
        if p.slot == OUT and p.rule.dedupe == "subject" and p.finding.subject:
            key = (p.item.id if p.item is not None else None, p.finding.subject)
            groups.setdefault(key, []).append(p)
    for (_, subject), ps in groups.items():
        if len(ps) < 2:
            continue
        keep = ps[0]
        for p in ps[1:]:
            if p.adj.amount > keep.adj.amount:
                keep = p
        for p in ps:
            if p is not keep:
                p.adj.amount = ZERO
                p.adj.note = join_note(p.adj.note, f"同一事项（{subject}）以最高加分为准")


def cap_rubric_bonuses(adjs: Sequence[Adjustment], bonus_cap: Optional[Decimal]) -> None:
    """Rubric-wide bonuses together add at most `bonus_cap`; later ones are cut."""
    if bonus_cap is None:
        return
    used = ZERO
    for a in adjs:
        if a.amount > 0:
            room = max(bonus_cap - used, ZERO)
            if a.amount > room:
                a.amount = room
                a.note = join_note(a.note, f"全表加分已达上限（{fmt_points(bonus_cap)}分）")
            used += a.amount


def apply_forfeits(pending: Sequence[Pending], rules: Mapping[tuple[str, str], Rule]) -> None:
    """A `forfeit` finding (检查到1次不按上述要求的，相应的项不得分) takes back what
    its earn rule (`forfeits`, same item) earned in the record: its amount
    becomes minus that, once; a second forfeit of the same part, or one of a
    part that earned nothing, takes 0 and says so. Run after the per-rule caps."""
    earned: dict[tuple[str, str], Decimal] = {}
    for p in pending:
        if p.item is not None and p.rule.kind == "earn" and p.adj.amount > 0:
            key = (p.item.id, p.rule.id)
            earned[key] = earned.get(key, ZERO) + p.adj.amount
    done: set[tuple[str, str]] = set()
    for p in pending:
        if p.rule.kind != "forfeit" or p.item is None or not p.rule.forfeits:
            continue
        key = (p.item.id, p.rule.forfeits)
        target = rules.get(key)
        what = f"“{target.text}”" if target is not None else f"规则 {p.rule.forfeits}"
        left = earned.get(key, ZERO)
        if left > 0:
            p.adj.amount = p.adj.raw_amount = -left
            p.adj.note = join_note(p.adj.note, f"{what}不得分（取消{fmt_points(left)}分）")
            earned[key] = ZERO
            done.add(key)
        elif key in done:
            p.adj.note = join_note(p.adj.note, f"{what}已不得分，不重复扣")
        else:
            p.adj.note = join_note(p.adj.note, f"{what}本期未得分，无分可取消")

"""What keeps one record's adjustments from counting twice or too much:
incident dedup, bonus dedupe by subject, and the rubric-wide bonus cap.
(A rule's own `cap` is items.apply_rule_cap.)"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional, Sequence

from .evaluate import Pending
from .fmt import fmt_points
from .items import OUT, ZERO, join_note
from .result import Adjustment

NOTE_INCIDENT = "同一案事件不重复扣分"


def dedupe_incidents(pending: Sequence[Pending]) -> None:
    """Deductions citing the same `incident` count once, at the largest —
    anywhere in the record."""
    best: dict[str, Pending] = {}
    for p in pending:
        inc = p.finding.incident
        if inc is None or p.adj.amount >= 0:
            continue
        cur = best.get(inc)
        if cur is None or p.adj.amount < cur.adj.amount:
            best[inc] = p
    for p in pending:
        inc = p.finding.incident
        if inc is None or p.adj.amount >= 0 or best.get(inc) is p:
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

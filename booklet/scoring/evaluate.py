"""One finding → its pending adjustment(s), through the rule kind registry.

A `Pending` is an Adjustment with what dedupe, caps and the item's assembly
still need to know: its item, its slot and its rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Optional, TypeVar

from ..model import Finding, Item, Rule, Unit, VetoFinding
from .fmt import q2
from .items import IN, OUT, ZERO, join_note
from .kinds import Scope, kind_of
from .result import Adjustment

NOTE_NOT_APPLICABLE = "本规则不适用于该单位"

F = TypeVar("F", Finding, VetoFinding)


@dataclass(frozen=True)
class Entry(Generic[F]):
    """A finding (or veto finding) of the record being scored, with where it came from."""
    finding: F
    derived: bool = False              # computed from annex data, not typed
    averaged: bool = False             # from an inspection of a `rollup: average` calendar


@dataclass
class Pending:
    item: Optional[Item]               # None: a rubric-wide rule
    slot: str                          # items.IN | OUT | SET | ZEROING
    rule: Rule
    adj: Adjustment
    finding: Finding


def make_adjustment(rule: Rule, f: Finding, amount: Decimal, derived: bool,
                    note: str = "") -> Adjustment:
    return Adjustment(kind=rule.kind, rule_id=rule.id, rule_text=rule.text, amount=amount,
                      raw_amount=amount, reason=f.reason, count=f.count, value=f.value,
                      baseline=f.baseline, date=f.date, evidence=f.evidence, photos=f.photos,
                      origin=f.origin, note=note, source=f.loc, derived=derived)


def applies(rule: Rule, unit: Optional[Unit]) -> bool:
    """The rule admits the unit: no applies_to, or the unit has one of its words."""
    if not rule.applies_to or unit is None:
        return True
    return any(unit.has(w) for w in rule.applies_to)


def evaluate(item: Optional[Item], rule: Rule, entry: Entry[Finding], unit: Optional[Unit],
             scope: Scope, average_over: Optional[int]) -> list[Pending]:
    """The pending adjustment(s) of one finding of `rule`.

    A finding of an inspection averaged over `average_over` inspections counts
    that fraction — except for kinds that set or zero the item.
    """
    f = entry.finding
    if not applies(rule, unit):
        return [Pending(item, IN, rule, make_adjustment(rule, f, ZERO, entry.derived,
                                                        NOTE_NOT_APPLICABLE), f)]
    kind = kind_of(rule, f)
    out = []
    for part in kind.effect(rule, f, scope):
        a = make_adjustment(rule, f, part.amount, entry.derived, part.note)
        if part.value is not None:
            a.value = part.value
        if entry.averaged and average_over and kind.slot in (IN, OUT):
            _average(a, average_over)
        slot = part.slot or kind.slot
        a.bonus = slot == OUT
        out.append(Pending(item, slot, rule, a, f))
    return out


def _average(a: Adjustment, n: int) -> None:
    a.amount = q2(a.amount / n)
    a.raw_amount = a.amount
    a.note = join_note(a.note, f"按{n}次督查平均计")

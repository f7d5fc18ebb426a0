"""What scoring produces: plain data that renderers, the site and the CLI read.

Every point gained or lost is an `Adjustment` that names its rule, the record
line it came from and the reason the assessor wrote.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from ..model import Loc, NOWHERE
from ..periods import year_label


@dataclass(slots=True)
class Adjustment:
    kind: str                      # the rule kind: deduct, earn, bonus, zero, trend, …
    rule_id: str
    rule_text: str                 # the seed's wording of the rule
    amount: Decimal                # signed effect as applied (after caps): -1.5, +2
    raw_amount: Decimal            # signed effect before caps / dedupe
    reason: str = ""
    count: Optional[int] = None
    value: Optional[Decimal] = None
    baseline: Optional[Decimal] = None
    date: Optional[date] = None
    evidence: str = ""
    photos: tuple[str, ...] = ()
    origin: Optional[str] = None   # inspection period the finding came from (rollup)
    note: str = ""                 # why amount differs from raw_amount (cap, dedupe, …)
    source: Loc = NOWHERE          # the record line
    derived: bool = False          # computed from annex data, not typed by the assessor
    bonus: bool = False            # added outside the item cap (a bonus rule, or a trend
                                   # gain counted as a bonus: down_as_bonus)

    @property
    def is_bonus(self) -> bool:
        return self.bonus or self.kind == "bonus"


@dataclass
class ItemScore:
    item_id: str
    number: str
    points: Optional[Decimal]
    score: Decimal                 # final, bonuses included
    deducted: Decimal = Decimal(0)  # total taken inside the item (>= 0), printed 扣分
    added: Decimal = Decimal(0)     # bonuses outside the cap (>= 0), printed 加分
    adjustments: list[Adjustment] = field(default_factory=list)
    self_score: Optional[Decimal] = None
    self_note: str = ""
    differs: bool = False          # self-assessment differs from the assessor's score

    @property
    def lost(self) -> Decimal:
        """失分: what the unit did not get of the item's points — points − 实得分
        before bonuses (an item earned 1 of 3 lost 2, one deducted 5 of 24 lost
        5), never below 0. Deduction-only items (no points): the deduction."""
        if self.points is None:
            return self.deducted
        lost = self.points - (self.score - self.added)
        return lost if lost > 0 else Decimal(0)


@dataclass(slots=True)
class VetoHit:
    id: str
    text: str
    reason: str = ""
    source: Loc = NOWHERE
    derived: bool = False


@dataclass
class Result:
    rubric_id: str
    period: str
    unit_id: str
    unit_name: str
    total: Decimal                 # the computed total, kept even when vetoed
    items: list[ItemScore] = field(default_factory=list)
    rubric_adjustments: list[Adjustment] = field(default_factory=list)
    self_total: Optional[Decimal] = None
    deducted_total: Decimal = Decimal(0)    # deduction-only rubrics: the result
    base: Optional[Decimal] = None          # deduction-only with a project base
    vetoed: bool = False
    vetoes: list[VetoHit] = field(default_factory=list)
    grade: Optional[str] = None
    grade_reasons: list[str] = field(default_factory=list)
    rank: Optional[int] = None
    rank_of: Optional[int] = None
    previous_total: Optional[Decimal] = None
    change: Optional[Decimal] = None
    assessors: tuple[str, ...] = ()
    date: Optional[date] = None
    record_files: tuple[str, ...] = ()   # records that fed this result
    parts: tuple[str, ...] = ()          # a year rollup: the assessment periods rolled in
    expected_parts: tuple[str, ...] = () # … and those the calendar asks for

    @property
    def period_label(self) -> str:
        """2017年第一季度 / 2017年度 / 2017年（截至第三季度） for a year with quarters missing."""
        return year_label(self.period, self.parts, self.expected_parts)

    def item(self, item_id: str) -> Optional[ItemScore]:
        for it in self.items:
            if it.item_id == item_id:
                return it
        return None

    @property
    def lost_total(self) -> Decimal:
        """失分合计: every item's 失分 plus the rubric-wide deductions (a unit of
        seed 001 with 83.1 of 100 lost 16.9, whether by earning less or by
        deductions). Deduction-only rubrics: deducted_total."""
        if all(i.points is None for i in self.items) and self.items:
            return self.deducted_total
        return (sum((i.lost for i in self.items), Decimal(0))
                - sum((a.amount for a in self.rubric_adjustments if a.amount < 0), Decimal(0)))

    @property
    def added_total(self) -> Decimal:
        """Everything added (item bonuses and rubric-wide), printed 加分 in 合计."""
        return (sum((i.added for i in self.items), Decimal(0))
                + sum((a.amount for a in self.rubric_adjustments if a.amount > 0), Decimal(0)))

"""Periods: which periods a rubric's calendar asks for, which months fall in
them, and the two rollups — monthly inspections into an assessment period
(`calendar.rollup`) and assessment results into the year (`calendar.year_end`).

Period ids are parsed and described by `booklet.periods.Period`; this module
keeps what is scoring: the calendar's periods and the rollups.
"""
from __future__ import annotations

import re
from copy import copy
from decimal import Decimal
from typing import Optional, Sequence

from ..model import Calendar, Finding, Record, Rubric
from ..periods import YEAR, Period, kind_for_calendar, sort_key
from .fmt import fmt_points, fmt_signed, q2
from .items import NOTE_CEIL, NOTE_FLOOR, _cut as cut, join_note
from .result import Adjustment, ItemScore, Result, VetoHit


def sub_periods(calendar: Calendar, year: int) -> list[str]:
    """The assessment periods inside `year` (empty for an annual calendar)."""
    kind = kind_for_calendar(calendar.assessment)
    if kind == YEAR:
        return []
    return [str(p) for p in Period.all_of(year, kind)]


def calendar_periods(calendar: Calendar, year: int) -> list[str]:
    """Periods scored by default: the assessment periods plus the year.

    quarterly → 2017-Q1..Q4, 2017; half_year → 2017-H1, H2, 2017;
    monthly → 2017-01..12, 2017; annual → 2017.
    """
    return sub_periods(calendar, year) + [str(year)]


def is_rollup_year(calendar: Calendar, period: str) -> bool:
    """True when the year's result is rolled up from assessment periods."""
    return (Period.parse(period).kind == YEAR
            and kind_for_calendar(calendar.assessment) != YEAR)


def month_ids(period: str) -> list[str]:
    """The ids of the months a period covers (records are keyed by id)."""
    return [str(m) for m in Period.parse(period).months]


# ------------------------------------------------------------ inspections

ZERO = Decimal(0)

_SEQ_RE = re.compile(r"\.(\d+)\.ya?ml$")


def file_seq(path: str) -> int:
    """The inspection's number in its month: <unit>.yml → 1, <unit>.03.yml → 3."""
    m = _SEQ_RE.search(path)
    return int(m.group(1)) if m else 1



def inspection_findings(inspections: Sequence[Record], rollup: str
                        ) -> tuple[list[Finding], Optional[int], list[str]]:
    """Findings of monthly inspection records that enter an assessment period.

    Returns (findings, average_over, files): each finding is a copy with
    `origin` = the inspection's month. `rollup`:

    - sum: every inspection's findings are added;
    - last: only the last inspection's (latest month; among several in one
      month the last file);
    - average: every inspection's findings, each effect later divided by the
      number of inspections (`average_over`).
    """
    if not inspections:
        return [], None, []
    ordered = sorted(inspections, key=lambda r: (sort_key(r.period), file_seq(r.loc.file),
                                                 r.loc.file))
    if rollup == "last":
        ordered = ordered[-1:]
    findings: list[Finding] = []
    for rec in ordered:
        for f in rec.findings:
            if f.origin != rec.period:
                f = copy(f)                       # a copy (the record's finding is kept)
                f.origin = rec.period
            findings.append(f)
    n = len(ordered) if rollup == "average" and len(ordered) > 1 else None
    return findings, n, [r.loc.file for r in ordered]


# ------------------------------------------------------------ year end


_HOW = {"sum": "各期合计", "average": "各期平均", "last": "取最后一期"}
_SIGNED: dict[Decimal, str] = {}     # amount → "+2" / "-1.5", memoised (few distinct values)
_PIECE: dict[tuple, str] = {}        # (period, amount) → "第一季度 -5"


def _short(period: str) -> str:
    p = Period.parse_or_none(period)
    return p.part_label if p is not None else period


def _signed_text(v: Decimal) -> str:
    t = _SIGNED.get(v)
    if t is None:
        t = fmt_signed(v)
        if len(_SIGNED) < 50_000:
            _SIGNED[v] = t
    return t


def _aggregate(adj_lists: list[tuple[str, list[Adjustment]]], n: int, how: str,
               last_period: str, target: Optional[Decimal] = None) -> list[Adjustment]:
    """One Adjustment per rule (a trend's bonus part apart) from the parts'
    adjustments: amount = sum / average over the n parts / the last part's
    amount of that rule's per-part totals (raw_amount = amount: caps were
    applied in the parts). `reason` lists the parts, e.g.
    "各期平均：第一季度 -5、第三季度 -10"; `count` adds up; `value` is the mean.
    `target`: what the amounts must add up to (the item's score minus its
    start); a difference left by rounding each average to 0.01 goes to the
    last adjustment, with a note."""
    acc: dict[tuple[str, bool], list] = {}
    for period, adjs in adj_lists:
        for a in adjs:
            key = (a.rule_id, a.bonus)
            e = acc.get(key)
            if e is None:
                # [last adjustment, [period, amount, period, amount, …], count, values, derived]
                acc[key] = [a, [period, a.amount], a.count,
                            [a.value] if a.value is not None else None, a.derived]
                continue
            per = e[1]
            if per[-2] == period:
                per[-1] += a.amount
            else:
                per.append(period)
                per.append(a.amount)
            if a.count is not None:
                e[2] = (e[2] or 0) + a.count
            if a.value is not None:
                if e[3] is None:
                    e[3] = [a.value]
                else:
                    e[3].append(a.value)
            e[4] = e[4] and a.derived
            e[0] = a
    out: list[Adjustment] = []
    prefix = f"{_HOW.get(how, how)}："
    for a, per, count, values, derived in acc.values():
        if how == "last":
            if per[-2] != last_period:
                continue
            amount = per[-1]
        else:
            amount = per[1]
            for j in range(3, len(per), 2):
                amount += per[j]
            if how == "average" and n > 1:
                amount = q2(amount / n)
        pieces = []
        for j in range(0, len(per), 2):
            key = (per[j], per[j + 1])
            t = _PIECE.get(key)
            if t is None:
                t = f"{_short(per[j])} {_signed_text(per[j + 1])}"
                if len(_PIECE) < 50_000:
                    _PIECE[key] = t
            pieces.append(t)
        out.append(Adjustment(
            kind=a.kind, rule_id=a.rule_id, rule_text=a.rule_text, amount=amount,
            raw_amount=amount, reason=prefix + "、".join(pieces), count=count,
            value=(None if values is None else values[0] if len(values) == 1
                   else q2(sum(values, ZERO) / len(values))),
            baseline=None, date=a.date, origin=None,
            note="加分" if a.bonus and a.kind != "bonus" else "", source=a.source,
            derived=derived, bonus=a.bonus))
    if target is not None and out:
        residual = target - sum((a.amount for a in out), ZERO)
        if residual:
            last = out[-1]
            last.amount += residual
            last.raw_amount = last.amount
            last.note = join_note(last.note, f"含各期平均四舍五入的尾差{fmt_signed(residual)}分")
    return out


class YearItemScore(ItemScore):
    """ItemScore of a year rollup whose per-rule adjustments are built on first
    use (most consumers of a year result read only its numbers). It is an
    ItemScore in every respect: `adjustments` reads, assigns, compares,
    copies and pickles like the field it is."""

    @property
    def adjustments(self) -> list[Adjustment]:
        d = self.__dict__
        adjs = d.get("_adjustments")
        if adjs is None:
            args = d.pop("_pending", None)
            adjs = d["_adjustments"] = _aggregate(*args) if args else []
        return adjs

    @adjustments.setter
    def adjustments(self, value: list[Adjustment]) -> None:
        self.__dict__.pop("_pending", None)
        self.__dict__["_adjustments"] = value


def year_rollup(rubric: Rubric, year: str, parts: Sequence[Result], how: str,
                extra_vetoes: Sequence[VetoHit] = (),
                extra_files: Sequence[str] = ()) -> Result:
    """The year's Result from the assessment-period Results of one unit.

    `how` is calendar.year_end: average | sum | last. The year's total and each
    item's score, 扣分, 加分 and self score are the average (rounded to 0.01) /
    sum / last of the parts that exist — a missing quarter is left out, not
    counted as 0. With average, the items are then made to add up to the
    year's total (the rounded mean of the parts' totals, which ranks): an
    item whose own rounded mean would leave the 合计 0.01 off the total takes
    or gives that cent by the largest-remainder rule (_share_cents).

    Adjustments of the year are per rule, not per finding (built when first
    read, see YearItemScore): one Adjustment for
    each rule that acted in the parts (a trend's bonus part apart), whose amount
    is the average / sum / last of that rule's per-part totals, whose `reason`
    lists the parts ("各期平均：第一季度 -5、第三季度 -10"), `count` the
    occurrences of all parts, `value` the mean measured value, `origin` None
    and `source` the last part's line. So a year sheet adds up like a
    quarter's (for average up to the rounding of each amount to 0.01), and
    the findings themselves are listed once, under their own period. Vetoes
    are the union of the parts' vetoes and `extra_vetoes`; record_files
    lists every file of every part.
    """
    parts = sorted(parts, key=lambda r: sort_key(r.period))
    first = parts[0]
    n = len(parts)
    last_period = parts[-1].period

    def comb(total: Decimal, last: Decimal) -> Decimal:
        if how == "sum":
            return total
        if how == "last":
            return last
        return q2(total / n)

    items: list[ItemScore] = []
    exact: list[Decimal] = []           # each item's unrounded combination
    starts: dict[str, Decimal] = {}     # an averaged item's start (points, or 0 if earned)
    item_lists = [(p.period, p.items) for p in parts]
    basis = {it.id: it.basis for it in rubric.items}
    for i, it0 in enumerate(first.items):
        score = deducted = added = ZERO
        self_sum, self_n, self_last = ZERO, 0, None
        adj_lists = []
        for period, il in item_lists:
            s = il[i]
            score += s.score
            deducted += s.deducted
            added += s.added
            if s.self_score is not None:
                self_sum += s.self_score
                self_n += 1
                self_last = s.self_score
            if s.adjustments:
                adj_lists.append((period, s.adjustments))
        s = item_lists[-1][1][i]
        exact.append(score / n if how == "average" else comb(score, s.score))
        score = comb(score, s.score)
        if self_n:
            self_score = (self_sum if how == "sum" else self_last if how == "last"
                          else q2(self_sum / self_n))
        else:
            self_score = None
        y = YearItemScore(it0.item_id, it0.number, it0.points, score,
                          comb(deducted, s.deducted), comb(added, s.added), [],
                          self_score, s.self_note,
                          self_score is not None and self_score != score)
        if adj_lists:
            y.__dict__["_adjustments"] = None               # built on first use
            target = None
            if how == "average":
                start = (it0.points if it0.points is not None
                         and basis.get(it0.item_id) != "earned" else ZERO)
                target = score - start
                starts[it0.item_id] = start
            y.__dict__["_pending"] = (adj_lists, n, how, last_period, target)
        items.append(y)
    rubric_adjs = _aggregate([(p.period, p.rubric_adjustments) for p in parts
                              if p.rubric_adjustments], n, how, last_period)
    # 全年零发案: the item's year score is replaced; the total moves by the
    # difference against the unrounded combination of the parts' item scores
    tot_sum, tot_last = sum((p.total for p in parts), ZERO), parts[-1].total
    selfs = [p for p in parts if p.self_total is not None]
    self_totals: list[Optional[Decimal]] = [p.self_total for p in selfs]
    for i, new_score in _zero_full_year(rubric, items, parts):
        exact[i] = new_score
        scores = [p.items[i].score for p in parts]
        if how == "last":
            tot_last += new_score - scores[-1]
        else:
            tot_sum += new_score * (n if how == "average" else 1) - sum(scores, ZERO)
        # the self-assessment agreed on the item in every part: it follows
        if selfs and all(p.items[i].self_score == p.items[i].score for p in selfs):
            k = len(selfs)
            olds = [p.items[i].self_score for p in selfs]
            olds_d = [o if o is not None else ZERO for o in olds]   # agreed: equal to the score
            if how == "last":
                self_totals[-1] = (self_totals[-1] or ZERO) + new_score - olds_d[-1]
            else:
                self_totals[0] = ((self_totals[0] or ZERO)
                                  + new_score * (k if how == "average" else 1) - sum(olds_d, ZERO))
            items[i].self_score = new_score
            items[i].differs = False
    year_total = comb(tot_sum, tot_last)
    if how == "average" and rubric.mode != "deduction_only":
        # the year's 合计 adds up to its total (see _share_cents)
        _share_cents(items, exact, year_total - sum((a.amount for a in rubric_adjs), ZERO))
        for ys in items:
            pending = ys.__dict__.get("_pending")
            if pending is not None and pending[4] is not None:
                # the rule lines add up to the item's score (as shared) minus its start
                ys.__dict__["_pending"] = pending[:4] + (ys.score - starts[ys.item_id],)
            ys.differs = ys.self_score is not None and ys.self_score != ys.score

    vetoes: list[VetoHit] = []
    seen: set[str] = set()
    for v in [h for p in parts for h in p.vetoes] + list(extra_vetoes):
        if v.id not in seen:
            seen.add(v.id)
            vetoes.append(v)

    files: list[str] = []
    for f in [f for p in parts for f in p.record_files] + list(extra_files):
        if f not in files:
            files.append(f)

    return Result(
        rubric_id=rubric.id, period=year, unit_id=first.unit_id,
        unit_name=first.unit_name,
        total=year_total,
        items=items,
        rubric_adjustments=rubric_adjs,
        self_total=_combine_opt(self_totals, how),
        deducted_total=comb(sum((p.deducted_total for p in parts), ZERO),
                            parts[-1].deducted_total),
        base=first.base,
        vetoed=bool(vetoes),
        vetoes=vetoes,
        assessors=tuple(dict.fromkeys(a for p in parts for a in p.assessors)),
        date=parts[-1].date,
        record_files=tuple(files),
        parts=tuple(p.period for p in parts),
        expected_parts=tuple(sub_periods(rubric.calendar, Period.parse(year).year)),
    )


def _share_cents(items: list[ItemScore], exact: list[Decimal], target: Decimal) -> None:
    """Make the items' scores add up to `target` (the year total less the
    rubric-wide amounts), moving a cent at a time where rounding each item's
    average on its own moved it most: each item is its average rounded to
    0.01 as before, unless the rounded items missed the total; then the
    largest-remainder rule decides (ties: the earlier item keeps its cent).
    Every score stays within 0.01 of its exact average."""
    cent = Decimal("0.01")
    k = int((target - sum((y.score for y in items), ZERO)) / cent)
    if k > 0:      # rounded down most first
        pick = sorted((i for i, y in enumerate(items) if exact[i] > y.score),
                      key=lambda i: (items[i].score - exact[i], i))
    elif k < 0:    # rounded up most first; of equals the later item gives its cent
        pick = sorted((i for i, y in enumerate(items) if exact[i] < y.score),
                      key=lambda i: (exact[i] - items[i].score, -i))
    else:
        return
    step = cent if k > 0 else -cent
    for i in pick[:abs(k)]:
        items[i].score += step


def _zero_full_year(rubric: Rubric, items: list[ItemScore],
                    parts: Sequence[Result]) -> list[tuple[int, Decimal]]:
    """全年零发案，得20分 (001 item 10): when every finding of the item's
    `zero_full` trend rules in all the year's parts has value 0, the year's
    item gets its full points before the other rules' deductions (a media
    exposure still costs its 2 points), whatever the quarters scored. Changes
    the items in place; returns (index, new score) of the items changed."""
    changed: list[tuple[int, Decimal]] = []
    for i, it in enumerate(rubric.items):
        zf = {r.id for r in it.rules if r.kind == "trend" and r.zero_full}
        if not zf or it.points is None or i >= len(items):
            continue
        vals = [a.value for p in parts for a in p.items[i].adjustments
                if a.rule_id in zf and a.value is not None]
        if not vals or any(v != 0 for v in vals):
            continue
        y = items[i]
        adjs = y.adjustments
        start = it.points if it.basis != "earned" else ZERO
        inside = [a for a in adjs if not a.is_bonus]
        first = True
        for a in inside:
            if a.rule_id in zf:
                if first:
                    a.amount = a.raw_amount = it.points - start
                    a.note = join_note("", f"全年零发案，得{fmt_points(it.points)}分")
                    first = False
                else:
                    a.amount = a.raw_amount = ZERO
                    a.note = "已按全年零发案得满分计"
        total = start + sum((a.amount for a in inside), ZERO)
        if total > it.points:
            cut(inside, total - it.points, positive=True,
                note=NOTE_CEIL.format(points=fmt_points(it.points)))
            total = it.points
        elif total < 0:
            cut(inside, -total, positive=False,
                note=NOTE_FLOOR.format(points=fmt_points(it.points)))
            total = ZERO
        new_score = total + y.added
        changed.append((i, new_score))
        y.score = new_score
        y.deducted = -sum((a.amount for a in inside if a.amount < 0), ZERO)
        y.differs = y.self_score is not None and y.self_score != y.score
    return changed


def _combine_opt(values: list[Optional[Decimal]], how: str) -> Optional[Decimal]:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if how == "sum":
        return sum(present, ZERO)
    if how == "last":
        return present[-1]
    return q2(sum(present, ZERO) / len(present))

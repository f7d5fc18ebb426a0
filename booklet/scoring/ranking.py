"""Everything that compares units of the same rubric and period: the relative
`rank` rule's best value, ranks (ties share a rank), grades and grade
conditions, and the change against the previous period.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping, Optional, Sequence

from ..model import Finding, GradeCondition, Rubric, Unit
from ..periods import Period
from .fmt import fmt_points, q2
from .record import RubricIndex, _applies, measured_value
from .result import Result

ZERO = Decimal(0)


# ------------------------------------------------------------ rank rule


def rank_bests(index: RubricIndex,
               units: Mapping[str, tuple[Unit, Sequence[Finding]]]
               ) -> dict[str, dict[tuple[str, str], Decimal]]:
    """The best value of every `rank` rule among the units of its group.

    `units`: unit id → (unit, merged findings of that unit for the period).
    The group of a rank rule is the units having its `group_by` attribute
    (all units when it has none) to which the rule applies. A unit's value is
    the sum of its findings' values for the rule (several inspections add up);
    a unit without a finding has no value and does not take part.
    Returns unit id → {(item id, rule id): best of its group}, for the units
    of each group only.
    """
    out: dict[str, dict[tuple[str, str], Decimal]] = {}
    for item, rule in index.rank_rules:
        values: dict[str, Decimal] = {}
        for uid, (unit, findings) in units.items():
            if rule.group_by and (unit is None or not unit.has(rule.group_by)):
                continue
            if not _applies(rule, unit):
                continue
            v = None
            for f in findings:
                if f.item == item.id and f.rule == rule.id and f.value is not None:
                    v = f.value if v is None else v + f.value
            if v is not None:
                values[uid] = v
        if not values:
            continue
        best = max(values.values())
        for uid in values:
            out.setdefault(uid, {})[(item.id, rule.id)] = best
    return out


# ------------------------------------------------------------ ranks


def lower_is_better(rubric: Rubric, results: Sequence[Result]) -> bool:
    """Deduction-only results without a base carry the deduction as total."""
    return rubric.mode == "deduction_only" and all(r.base is None for r in results)


def assign_ranks(rubric: Rubric, results: Sequence[Result]) -> None:
    """Rank the results of one rubric and period, in place.

    Higher total ranks first. Deduction-only rubrics rank by the points lost
    (`deducted_total`, smaller first) whether or not a base is set, so a unit
    without a base (total = its deduction, 8) and one with base 100 (total 92)
    that lost the same 8 share a rank. Equal keys share a rank and the next
    rank skips (1, 2, 2, 4). Vetoed units come after every unit that is not
    vetoed when veto_effect.rank is "last" (the default), ranked among
    themselves the same way. rank_of = the number of results ranked.
    """
    if not results:
        return
    lost = rubric.mode == "deduction_only"
    last = (rubric.veto_effect or {}).get("rank", "last") == "last"

    def key(r: Result):
        t = r.deducted_total if lost else -r.total
        return (1 if (last and r.vetoed) else 0, t)

    ordered = sorted(results, key=key)
    n = len(ordered)
    prev_key = None
    rank = 0
    for i, r in enumerate(ordered, 1):
        k = key(r)
        if k != prev_key:
            rank = i
            prev_key = k
        r.rank = rank
        r.rank_of = n


def set_changes(by_period: Mapping[str, Sequence[Result]]) -> None:
    """previous_total and change against the previous period of the same kind.

    `by_period`: period id → the Results of one rubric. The previous period
    is `Period.previous` (2017-Q2 → 2017-Q1, 2017-Q1 → 2016-Q4, 2017 → 2016);
    a unit without a result there has no change — a missing quarter is not
    skipped over.
    """
    units = {p: {r.unit_id: r for r in rs} for p, rs in by_period.items()}
    for period, results in by_period.items():
        prev = units.get(str(Period.parse(period).previous))
        if not prev:
            continue
        for r in results:
            p = prev.get(r.unit_id)
            if p is not None:
                r.previous_total = p.total
                r.change = r.total - p.total


# ------------------------------------------------------------ grades


def tier_grade(rubric: Rubric, total: Decimal):
    """The first grade (highest first) whose min ≤ total; min None = any."""
    for g in rubric.grades:
        if g.min is None or total >= g.min:
            return g
    return None


def _below(grade: str, rubric: Rubric) -> Optional[str]:
    names = [g.name for g in rubric.grades]
    if grade in names:
        i = names.index(grade)
        if i + 1 < len(names):
            return names[i + 1]
    return None


def _worse_counts(results: Sequence[Result]) -> dict[int, int]:
    """rank → how many results rank strictly below it."""
    ranks = sorted(r.rank for r in results if r.rank is not None)
    n = len(ranks)
    out: dict[int, int] = {}
    for i in range(n - 1, -1, -1):       # from the bottom: i+1 results at or above
        out.setdefault(ranks[i], n - 1 - i)
    return out


def _bottom(r: Result, worse: dict[int, int], n: int) -> bool:
    """In the last n (位居后n位): fewer than n units rank strictly below it, so
    units tied at the cut are all in (ranks 1, 2, 3, 3 and n = 1: both 3s) —
    but a unit no other unit outscores (rank 1) is never in: with totals 96,
    96, 90, 90 the two joint-first units are not among the last three."""
    if r.rank is None or r.rank == 1:
        return False
    return worse.get(r.rank, 0) < n


def _condition_holds(c: GradeCondition, r: Result, worse: dict[int, int],
                     flags: Iterable[str], averages: dict) -> tuple[bool, str]:
    when = c.when or {}
    if when.get("flag"):
        return (c.id in set(flags)), "（考核记录已标注）"
    if "rank_from_bottom" in when:
        n = int(when["rank_from_bottom"])
        return _bottom(r, worse, n), f"（排名第{r.rank}，共{r.rank_of}个单位）"
    if "below_average" in when:
        ba = when["below_average"] or {}
        key = (str(ba.get("item")), str(ba.get("rule")))
        avg = averages.get(key)
        v = measured_value(r, *key)
        if avg is None or v is None:
            return False, ""
        return v < avg, f"（本单位{fmt_points(v)}，平均{fmt_points(avg)}）"
    return False, ""


def _averages(rubric: Rubric, results: Sequence[Result]) -> dict:
    out = {}
    for c in rubric.grade_conditions:
        ba = (c.when or {}).get("below_average")
        if not ba:
            continue
        key = (str(ba.get("item")), str(ba.get("rule")))
        vals = [v for v in (measured_value(r, *key) for r in results) if v is not None]
        if vals:
            out[key] = q2(sum(vals, ZERO) / len(vals))
    return out


def assign_grades(rubric: Rubric, results: Sequence[Result],
                  flags: Mapping[str, Iterable[str]]) -> None:
    """Grades of the results of one rubric and period, in place (after ranks).

    1. the tier of the total (min inclusive, highest first);
    2. `forbid` conditions that hold move the grade one tier down while it is
       a forbidden one;
    3. `force` conditions that hold set their grade (the lowest when several);
    4. a vetoed unit gets veto_effect.grade (default 一票否决).
    Every condition that holds is written to grade_reasons with its verbatim
    text. `flags`: unit id → the record flags of that unit and period.
    """
    averages = _averages(rubric, results)
    worse = _worse_counts(results)
    names = [g.name for g in rubric.grades]
    for r in results:
        reasons: list[str] = []
        g = tier_grade(rubric, r.total)
        grade = g.name if g is not None else None
        if g is not None:
            line = f"总分{fmt_points(r.total)}分，评为{g.name}"
            if g.text:
                line += f"（{g.text}）"
            reasons.append(line)
        forced: list[str] = []
        unit_flags = list(flags.get(r.unit_id, ()))
        for c in rubric.grade_conditions:
            holds, detail = _condition_holds(c, r, worse, unit_flags, averages)
            if not holds:
                continue
            if c.effect == "forbid":
                if grade == c.grade:
                    lower = _below(grade, rubric)
                    grade = lower
                    reasons.append(f"{c.text}{detail}：不得评为{c.grade}，评为{lower or '无等次'}")
                else:
                    reasons.append(f"{c.text}{detail}：不得评为{c.grade}（等次不受影响）")
            else:
                forced.append(c.grade)
                reasons.append(f"{c.text}{detail}：评定为{c.grade}")
        if forced:
            grade = max(forced, key=lambda n: names.index(n) if n in names else len(names))
        if r.vetoed:
            vg = (rubric.veto_effect or {}).get("grade", "一票否决")
            for h in r.vetoes:
                line = f"一票否决：{h.text}"
                if h.reason:
                    line += f"（{h.reason}）"
                reasons.append(line + f"：评定为{vg}")
            grade = vg
        r.grade = grade
        r.grade_reasons = reasons

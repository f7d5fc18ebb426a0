"""Scoring one assessment record (with the inspections rolled into it and the
findings derived from annex data) into a `Result`.

Order of work inside one record:

1. every finding → its rule kind's effect (kinds.py, evaluate.py), one
   Adjustment per part; findings of inspections averaged by
   `rollup: average` are divided by the number of inspections;
2. incident dedup (rubric `incident_dedup`): deductions citing the same
   `incident` count once, at the largest that takes effect after each
   item's floor — anywhere in the record (dedupe.py);
3. bonus dedupe (`dedupe: subject`): bonuses of such rules with the same
   subject in the same item (or among the rubric-wide bonuses) count once,
   the highest (dedupe.py);
4. per-rule caps (`cap`: the most one rule adds or takes in one record);
   then forfeits: a `forfeit` finding takes back what its earn rule earned
   in the record (dedupe.apply_forfeits);
5. each item: set by convert/rank, start, clamp, zero, bonuses (items.py);
6. rubric-wide bonuses (capped together by `bonus_cap`) and extra deductions;
7. vetoes: the record's, the derived ones, and `auto: {item, rule, min_count}`
   (vetoes.py).

Grades, ranks and the relative `rank` rule need all units: see ranking.py and
project.py.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Optional, Sequence

from ..periods import YEAR, Period
from ..model import Finding, Item, Record, Rubric, Rule, Unit, VetoFinding
from .dedupe import apply_forfeits, cap_rubric_bonuses, dedupe_incidents, dedupe_subjects
from .evaluate import Entry, Pending, applies, evaluate, make_adjustment
from .fmt import q2
from .fmt import fmt_points
from .items import (IN, NOTE_CEIL, NOTE_FLOOR, OUT, SET, ZERO, ZEROING, RuleError, _cut as cut,
                    apply_rule_cap, assemble_item, cap_note, convert_value, join_note)
from .kinds import Context, Scope, missing_source_note, source_value
from .periods import inspection_findings
from .result import Adjustment, ItemScore, Result
from .vetoes import veto_hits

_applies = applies                     # ranking.py imports it from here


class RubricIndex:
    """Look-up tables for one rubric, built once and shared by all its records."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self.items: list[Item] = rubric.items
        self.item_by_id: dict[str, Item] = {it.id: it for it in self.items}
        self.rules: dict[tuple[str, str], Rule] = {
            (it.id, r.id): r for it in self.items for r in it.rules}
        self.rubric_rules: dict[str, Rule] = {
            r.id: r for r in list(rubric.bonuses) + list(rubric.extra_deductions)}
        self.vetoes = {v.id: v for v in rubric.vetoes}
        self.auto_vetoes = [v for v in rubric.vetoes
                            if v.auto and "item" in v.auto and "rule" in v.auto]
        self.deduction_only = rubric.mode == "deduction_only"
        self.convert_rules: list[tuple[Item, Rule]] = [
            (it, r) for it in self.items for r in it.rules if r.kind == "convert"]
        self.rank_rules: list[tuple[Item, Rule]] = [
            (it, r) for it in self.items for r in it.rules if r.kind == "rank"]
        self.sources: set[str] = {r.source for _, r in self.convert_rules if r.source}
        self.has_incident_dedup = bool(rubric.incident_dedup)
        self.has_forfeits = any(r.kind == "forfeit" for r in self.rules.values())
        self.has_subject_dedupe = any(
            r.dedupe == "subject" for r in [*self.rules.values(), *self.rubric_rules.values()])
        self.auto_keys: dict[tuple[str, str], list] = {}
        for v in self.auto_vetoes:
            assert v.auto is not None       # auto_vetoes holds only vetoes with `auto`
            self.auto_keys.setdefault((str(v.auto["item"]), str(v.auto["rule"])), []).append(v)

    def rule_for(self, f: Finding) -> tuple[Optional[Item], Rule]:
        if f.item is None:
            rule = self.rubric_rules.get(f.rule)
            if rule is None:
                raise RuleError(f"{f.loc}: 考核细则 {self.rubric.id} 没有全表规则 {f.rule!r}")
            return None, rule
        item = self.item_by_id.get(f.item)
        if item is None:
            raise RuleError(f"{f.loc}: 考核细则 {self.rubric.id} 没有第 {f.item} 项")
        rule = self.rules.get((item.id, f.rule))
        if rule is None:
            raise RuleError(f"{f.loc}: 第 {f.item} 项没有规则 {f.rule!r}")
        return item, rule


def _trial(pending: Sequence[Pending]):
    """effective(p, zeroed) for dedupe_incidents: p's amount after its item is
    assembled (clamped) from copies of the item's adjustments, those in
    `zeroed` counting 0. Rubric-wide adjustments are never clamped."""
    by_item: dict[str, list[Pending]] = {}
    for p in pending:
        if p.item is not None:
            by_item.setdefault(p.item.id, []).append(p)

    def effective(p: Pending, zeroed: set[int]) -> Decimal:
        if p.item is None:
            return p.adj.amount
        copies, mine = [], None
        for q in by_item[p.item.id]:
            a = replace(q.adj, amount=ZERO if id(q) in zeroed else q.adj.amount)
            copies.append((q.slot, a))
            if q is p:
                mine = a
        assemble_item(p.item, copies)
        assert mine is not None         # p is one of its item's pending adjustments
        return mine.amount
    return effective


def _score_findings(index: RubricIndex, unit: Optional[Unit], entries: Sequence[Entry[Finding]],
                    ctx: Context, *, average_over: Optional[int] = None,
                    self_mode: bool = False, whole_year: bool = False
                    ) -> tuple[list[ItemScore], list[Adjustment]]:
    pending: list[Pending] = []
    for e in entries:
        item, rule = index.rule_for(e.finding)
        pending.extend(evaluate(item, rule, e, unit, Scope(item, ctx, self_mode), average_over))
    if index.has_incident_dedup:
        dedupe_incidents(pending, _trial(pending))
    if index.has_subject_dedupe:
        dedupe_subjects(pending)

    capped: dict[tuple, tuple[Rule, list[Adjustment]]] = {}   # (item, rule, outside) →
    per_item: dict[str, list[tuple[str, Adjustment]]] = {}
    rubric_adjs: list[Adjustment] = []
    all_zero_trend: dict[str, bool] = {}       # item → every zero_full trend value is 0
    for p in pending:
        if p.rule.cap is not None:
            # one cap per rule; a trend's inside part and its bonus part separately
            key = (p.item.id if p.item is not None else None, p.rule.id, p.slot == OUT)
            capped.setdefault(key, (p.rule, []))[1].append(p.adj)
        if p.item is None:
            rubric_adjs.append(p.adj)
            continue
        per_item.setdefault(p.item.id, []).append((p.slot, p.adj))
        if p.rule.zero_full and p.slot == IN and p.rule.kind == "trend":
            all_zero_trend[p.item.id] = (all_zero_trend.get(p.item.id, True)
                                         and p.finding.value == 0)
    for rule, adjs in capped.values():
        apply_rule_cap(rule, adjs)
    if index.has_forfeits:
        apply_forfeits(pending, index.rules)

    # convert rules with no finding: from the source rubric's result, or noted as missing
    for item, rule in index.convert_rules:
        placed = per_item.setdefault(item.id, [])
        if any(a.rule_id == rule.id for _, a in placed):
            continue
        src = source_value(rule, ctx, self_mode)
        f = Finding(rule=rule.id, item=item.id)
        if src is None:
            if not self_mode:
                placed.append((IN, make_adjustment(rule, f, ZERO, False,
                                                   missing_source_note(rule, item))))
        elif item.points is None:
            raise RuleError(f"{rule.loc}: 折算规则 {rule.id} 只能用于有分值的项")
        else:
            a = make_adjustment(rule, f, convert_value(item.points, src, rule.scale), False,
                                f"来自单项考核 {rule.source}")
            a.value = src
            placed.append((SET, a))

    # 全年零发案 is about the whole year's counts: a quarter without cases is
    # scored by its trend rules; the year rollup applies it (periods.year_rollup)
    items = [assemble_item(it, per_item.get(it.id, []),
                           zero_full=whole_year and all_zero_trend.get(it.id, False))
             for it in index.items]
    cap_rubric_bonuses(rubric_adjs, index.rubric.bonus_cap)
    return items, rubric_adjs


def _totals(index: RubricIndex, items: Sequence[ItemScore], rubric_adjs: Sequence[Adjustment],
            base: Optional[Decimal]) -> tuple[Decimal, Decimal]:
    """(total, deducted_total); see score_record for the definitions."""
    net = ZERO
    for s in items:
        net += s.score
    gross = ZERO
    for s in items:
        gross += s.deducted
    for a in rubric_adjs:
        net += a.amount
        if a.amount < 0:
            gross -= a.amount
    if index.deduction_only:
        deducted = -net
        return (base - deducted if base is not None else deducted), deducted
    return net, gross


def score_record(rubric: Rubric | RubricIndex, unit: Optional[Unit], record: Record, *,
                 inspections: Sequence[Record] = (), rollup: Optional[str] = None,
                 derived: Optional[tuple[Sequence[Finding], Sequence[VetoFinding]]] = None,
                 ctx: Optional[Context] = None, extra_records: Sequence[Record] = (),
                 period: Optional[str] = None, _rolled: Optional[tuple] = None) -> Result:
    """Score one assessment record of one unit into a Result.

    `inspections`: monthly inspection records rolled in per `rollup`
    (default: the rubric calendar's). `derived`: (findings, vetoes) computed
    from annex data; their adjustments and vetoes get derived=True.
    `extra_records`: further assessment records of the same unit and period
    (their findings, vetoes and flags are merged).

    Totals:
      - score rubrics: total = Σ item scores + rubric-wide bonuses − rubric-wide
        deductions; deducted_total = everything deducted (items and rubric-wide).
      - deduction-only rubrics (items without points, never clamped):
        deducted_total = the net deduction (deductions − bonuses, ≥ 0 when
        there are no bonuses); total = base − deducted_total when the
        Assignment sets a base, else total = deducted_total (the deduction
        itself, so there "higher is worse" — ranking knows).
    Vetoes are listed but do not change the total; grade and rank are set later.
    """
    index = rubric if isinstance(rubric, RubricIndex) else RubricIndex(rubric)
    rb = index.rubric
    ctx = ctx or Context()

    records = [record, *extra_records]
    findings: list[Finding] = [f for r in records for f in r.findings]
    vetoes = [Entry(v) for r in records for v in r.vetoes]
    ins_findings, avg_n, ins_files = (_rolled if _rolled is not None else
                                      inspection_findings(inspections, rollup or rb.calendar.rollup))
    d_findings, d_vetoes = derived if derived is not None else ((), ())
    entries = [Entry(f) for f in findings]
    entries += [Entry(f, averaged=bool(avg_n)) for f in ins_findings]
    # Annex data (附件2/3) is the evidence for its rules: it replaces whatever
    # was typed for the same rule, so nothing counts twice (a notice that the
    # unit lacks the form, keeps_typed, leaves the typed findings counting).
    by_annex = {(f.item, f.rule) for f in d_findings if not f.keeps_typed}
    if by_annex:
        entries = [e for e in entries if (e.finding.item, e.finding.rule) not in by_annex]
    typed = {(e.finding.item, e.finding.rule) for e in entries}
    # a notice whose rule has typed findings becomes their note, else a zero line
    noted = {(f.item, f.rule): f.reason for f in d_findings
             if f.keeps_typed and (f.item, f.rule) in typed}
    entries += [Entry(f, derived=True) for f in d_findings if (f.item, f.rule) not in noted]
    vetoes += [Entry(v, derived=True) for v in d_vetoes]

    scored = Period.parse_or_none(period or record.period)
    whole_year = scored is not None and scored.kind == YEAR
    items, rubric_adjs = _score_findings(index, unit, entries, ctx, average_over=avg_n,
                                         whole_year=whole_year)
    if noted:
        for it in items:
            for a in it.adjustments:
                why = noted.get((it.item_id, a.rule_id))
                if why and not a.derived:
                    a.note = f"{a.note}；{why}" if a.note else why
    total, deducted_total = _totals(index, items, rubric_adjs, ctx.base)

    self_total = None
    sa = [r.self_assessment for r in records if r.self_assessment is not None]
    if sa:
        self_findings = [f for s in sa for f in s.findings]
        notes: dict[str, str] = {}
        for s in sa:
            notes.update(s.notes)
        # the unit's own claim goes through the same rules: where annex data
        # decides a rule, it decides the self-assessment too
        s_entries = [Entry(f) for f in self_findings if (f.item, f.rule) not in by_annex]
        s_entries += [Entry(f, derived=True) for f in d_findings if not f.keeps_typed]
        s_items, s_adjs = _score_findings(index, unit, s_entries, ctx, self_mode=True,
                                          whole_year=whole_year)
        self_total, _ = _totals(index, s_items, s_adjs, ctx.base)
        for it, s_it in zip(items, s_items):
            it.self_score = s_it.score
            it.differs = s_it.score != it.score
            it.self_note = notes.get(it.item_id, "")

    hits = veto_hits(index, entries, vetoes)
    files = [r.loc.file for r in records]
    files.extend(f for f in ins_files if f not in files)
    assessors = tuple(dict.fromkeys(a for r in records for a in r.assessors))
    return Result(
        rubric_id=rb.id, period=period or record.period,
        unit_id=unit.id if unit is not None else record.unit,
        unit_name=unit.name if unit is not None else record.unit,
        total=total, items=items, rubric_adjustments=rubric_adjs,
        self_total=self_total, deducted_total=deducted_total, base=ctx.base,
        vetoed=bool(hits), vetoes=hits, assessors=assessors, date=record.date,
        record_files=tuple(files),
    )


def measured_value(result: Result, item_id: str, rule_id: str) -> Optional[Decimal]:
    """The unit's measured value of one rule (its findings' `value`, averaged
    when there are several — e.g. over the quarters of a year)."""
    it = result.item(item_id)
    if it is None:
        return None
    vals = [a.value for a in it.adjustments if a.rule_id == rule_id and a.value is not None]
    if not vals:
        return None
    if len(vals) == 1:
        return vals[0]
    return q2(sum(vals, ZERO) / len(vals))


__all__ = ["RubricIndex", "Context", "score_record", "veto_hits", "measured_value",
           "add_year_end", "YEAR_END_KINDS"]


# ------------------------------------------------------------ year end

# Rule kinds a year-end record (a record of the year next to the quarters) may
# give: what a check finds. Kinds that compare or set a value per assessment
# period (trend, quota, shortfall, tiered, convert, rank) are scored in the
# quarters; validate rejects them in a year-end record.
YEAR_END_KINDS = ("deduct", "earn", "bonus", "zero", "forfeit")
NOTE_YEAR_END = "年底检查，记入全年"


def add_year_end(index: RubricIndex, unit: Optional[Unit], year: Result,
                 records: Sequence[Record], ctx: Optional[Context] = None) -> None:
    """Score the findings of the year-end record(s) into a year rolled up from
    its assessment periods (年底汇总), in place.

    - deduct, bonus and counted earns (有一起得2分) add to the year's item;
    - an earn that does not count (台账健全规范的得3分) means the check found it
      met: the rule gives its amount for the year — what the quarters gave is
      topped up to it, never added twice;
    - zero makes the year's item 0; forfeit takes back what its earn rule has
      in the year;
    - a rule's `cap` counts the year's amount of the rule and the year-end
      findings together; the item is kept in 0..points (扣完为止 / 以分值为限),
      cutting the year-end amounts, which say so; bonuses come on top.
    The adjustments are added to the year's items (note “年底检查，记入全年”)
    and the totals move by what they changed."""
    ctx = ctx or Context()
    entries = [Entry(f) for r in records for f in r.findings]
    if not entries:
        return
    pending: list[Pending] = []
    for e in entries:
        item, rule = index.rule_for(e.finding)
        if rule.kind not in YEAR_END_KINDS:
            raise RuleError(f"{e.finding.loc}: 年底汇总记录不能记录{rule.kind}规则 {rule.id}")
        pending.extend(evaluate(item, rule, e, unit, Scope(item, ctx), None))
    if index.has_incident_dedup:
        dedupe_incidents(pending, _trial(pending))
    if index.has_subject_dedupe:
        dedupe_subjects(pending)
    scores = {s.item_id: s for s in year.items}

    def have(item_id: Optional[str], rule_id: str) -> Decimal:
        adjs = scores[item_id].adjustments if item_id is not None else year.rubric_adjustments
        return sum((a.amount for a in adjs if a.rule_id == rule_id), ZERO)

    used: dict[tuple, Decimal] = {}
    for p in pending:
        a, rule = p.adj, p.rule
        iid = p.item.id if p.item is not None else None
        key = (iid, rule.id)
        a.note = join_note(a.note, NOTE_YEAR_END)
        if rule.kind == "earn" and rule.per is None and rule.amount is not None and a.amount > 0:
            top = rule.amount - have(iid, rule.id) - used.get(key, ZERO)
            a.amount = top if top > 0 else ZERO
            if a.amount != a.raw_amount:
                a.note = join_note(a.note, f"全年计{fmt_points(rule.amount)}分，季度已计部分不重复")
        elif rule.kind == "forfeit" and rule.forfeits:
            left = have(iid, rule.forfeits) + used.get((iid, rule.forfeits), ZERO)
            a.amount = -left if left > 0 else ZERO
            a.raw_amount = a.amount
            used[(iid, rule.forfeits)] = used.get((iid, rule.forfeits), ZERO) + a.amount
            target = index.rules.get((iid, rule.forfeits)) if iid is not None else None
            a.note = join_note(a.note, f"“{target.text if target else rule.forfeits}”不得分"
                               if left > 0 else "无分可取消")
        if rule.cap is not None and a.amount:
            room = rule.cap - abs(have(iid, rule.id)) - abs(used.get(key, ZERO))
            room = room if room > 0 else ZERO
            if abs(a.amount) > room:
                a.amount = room if a.amount > 0 else -room
                a.note = join_note(a.note, cap_note(rule, rule.cap))
        used[key] = used.get(key, ZERO) + a.amount

    delta = ZERO
    for it in index.items:
        mine = [p for p in pending if p.item is not None and p.item.id == it.id]
        if not mine:
            continue
        y = scores[it.id]
        inside = y.score - y.added
        ins = [p.adj for p in mine if p.slot == IN]
        inside += sum((a.amount for a in ins), ZERO)
        if it.points is not None:
            if inside > it.points:
                cut(ins, inside - it.points, positive=True,
                    note=NOTE_CEIL.format(points=fmt_points(it.points)))
                inside = it.points
            elif inside < 0:
                cut(ins, -inside, positive=False,
                    note=NOTE_FLOOR.format(points=fmt_points(it.points)))
                inside = ZERO
        for p in mine:
            if p.slot == ZEROING:
                if it.points is None or inside == 0:
                    p.adj.amount = ZERO
                else:
                    p.adj.amount = -inside
                    inside = ZERO
        added = y.added + sum((p.adj.amount for p in mine if p.slot == OUT), ZERO)
        lost_now = -sum((p.adj.amount for p in mine if p.slot in (IN, ZEROING)
                         and p.adj.amount < 0), ZERO)
        new = inside + added
        delta += new - y.score
        y.score, y.added, y.deducted = new, added, y.deducted + lost_now
        y.adjustments.extend(p.adj for p in mine)
        y.differs = y.self_score is not None and y.self_score != y.score
    rubric_wide = [p.adj for p in pending if p.item is None]
    if rubric_wide and index.rubric.bonus_cap is not None:
        room = index.rubric.bonus_cap - sum((a.amount for a in year.rubric_adjustments
                                             if a.amount > 0), ZERO)
        cap_rubric_bonuses(rubric_wide, room if room > 0 else ZERO)
    for a in rubric_wide:
        delta += a.amount
    year.rubric_adjustments.extend(rubric_wide)
    if index.deduction_only:
        year.deducted_total -= delta
        year.total = (year.base - year.deducted_total if year.base is not None
                      else year.deducted_total)
    else:
        year.total += delta
        year.deducted_total += sum((-p.adj.amount for p in pending if p.adj.amount < 0), ZERO)

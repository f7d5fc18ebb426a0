"""Scoring one assessment record (with the inspections rolled into it and the
findings derived from annex data) into a `Result`.

Order of work inside one record:

1. every finding → its rule's raw effect (items.py), one Adjustment each;
   findings of inspections averaged by `rollup: average` are divided by the
   number of inspections;
2. incident dedup (rubric `incident_dedup`): deductions citing the same
   `incident` count once, at the largest — anywhere in the record;
3. bonus dedupe (`dedupe: subject`): bonuses of such rules with the same
   subject in the same item (or among the rubric-wide bonuses) count once,
   the highest;
4. per-rule caps (`cap`: the most one rule adds or takes in one record);
5. each item: set by convert/rank, start, clamp, zero, bonuses (items.py);
6. rubric-wide bonuses (capped together by `bonus_cap`) and extra deductions;
7. vetoes: the record's, the derived ones, and `auto: {item, rule, min_count}`.

Grades, ranks and the relative `rank` rule need all units: see ranking.py and
project.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Iterable, Mapping, Optional, Sequence

from ..model import Finding, Item, Record, Rubric, Rule, Unit, VetoFinding
from .fmt import fmt_points, q2
from .items import (IN, OUT, SET, ZERO, ZEROING, RuleError, apply_rule_cap,
                    assemble_item, bonus_effect, cap_note, convert_value,
                    deduct_effect, earn_effect, finding_count, join_note,
                    rank_value, shortfall_effect, tiered_effect, trend_effect)
from .periods import inspection_findings
from .result import Adjustment, ItemScore, Result, VetoHit

NOTE_INCIDENT = "同一案事件不重复扣分"
NOTE_NOT_APPLICABLE = "本规则不适用于该单位"


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
        self.has_subject_dedupe = any(r.dedupe == "subject" for r in self.rules.values()) or \
            any(r.dedupe == "subject" for r in self.rubric_rules.values())
        # (item id | None, rule id) → (item, rule, negative, slot) for rules whose
        # effect is just ±amount × count and that apply to every unit
        self.fast: dict[tuple, tuple] = {}
        for (iid, rid), r in self.rules.items():
            if self._is_fast(r):
                self.fast[(iid, rid)] = (self.item_by_id[iid], r, r.kind == "deduct",
                                         OUT if r.kind == "bonus" else IN)
        for rid, r in self.rubric_rules.items():
            if self._is_fast(r):
                self.fast[(None, rid)] = (None, r, r.kind == "deduct",
                                          OUT if r.kind == "bonus" else IN)
        self.auto_keys: dict[tuple[str, str], list] = {}
        for v in self.auto_vetoes:
            self.auto_keys.setdefault((str(v.auto["item"]), str(v.auto["rule"])), []).append(v)

    @staticmethod
    def _is_fast(r: Rule) -> bool:
        return (r.kind in ("deduct", "earn", "bonus") and r.amount is not None
                and r.range is None and not r.applies_to)

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


@dataclass
class Context:
    """What one record's scoring needs from outside the record."""
    sources: Mapping[str, Result] = field(default_factory=dict)   # convert source
    rank_best: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    base: Optional[Decimal] = None


# One pending adjustment with what dedupe and caps need to know, as a plain
# tuple (item | None, slot, rule, adjustment, finding): one is made per finding.
_P = tuple
P_ITEM, P_SLOT, P_RULE, P_ADJ, P_FINDING = range(5)


# The generated __init__ called with positional arguments is the cheapest way
# to make the one Adjustment per finding (CPython stores the attributes inline).
# If result.py's field order ever changes, the keyword form is used instead.
_ADJ_ORDER = ("kind", "rule_id", "rule_text", "amount", "raw_amount", "reason", "count",
              "value", "baseline", "date", "evidence", "photos", "origin", "note", "source",
              "derived")
ADJ_POSITIONAL = tuple(f.name for f in fields(Adjustment))[:len(_ADJ_ORDER)] == _ADJ_ORDER

if ADJ_POSITIONAL:
    def _adj(kind: str, rule: Rule, f: Finding, amount: Decimal, derived: bool,
             note: str = "") -> Adjustment:
        return Adjustment(kind, rule.id, rule.text, amount, amount, f.reason, f.count,
                          f.value, f.baseline, f.date, f.evidence, f.photos, f.origin,
                          note, f.loc, derived)
else:                                          # pragma: no cover
    def _adj(kind: str, rule: Rule, f: Finding, amount: Decimal, derived: bool,
             note: str = "") -> Adjustment:
        return Adjustment(kind=kind, rule_id=rule.id, rule_text=rule.text, amount=amount,
                          raw_amount=amount, reason=f.reason, count=f.count, value=f.value,
                          baseline=f.baseline, date=f.date, evidence=f.evidence,
                          photos=f.photos, origin=f.origin, note=note, source=f.loc,
                          derived=derived)


def _applies(rule: Rule, unit: Optional[Unit]) -> bool:
    if not rule.applies_to or unit is None:
        return True
    for w in rule.applies_to:
        if unit.has(w):
            return True
    return False


def _evaluate(index: RubricIndex, unit: Optional[Unit], f: Finding, derived: bool,
              average_over: Optional[int], ctx: Context, self_mode: bool) -> list[_P]:
    """The pending adjustment(s) of one finding (general path; see _score_findings)."""
    item, rule = index.rule_for(f)
    kind = rule.kind
    if not _applies(rule, unit):
        return [(item, IN, rule, _adj(kind, rule, f, ZERO, derived, NOTE_NOT_APPLICABLE), f)]
    slot = IN
    note = ""
    if kind == "deduct":
        amount = deduct_effect(rule, f)
    elif kind == "earn":
        amount = earn_effect(rule, f)
    elif kind == "bonus":
        amount, slot = bonus_effect(rule, f), OUT
    elif kind == "shortfall":
        amount, _ = shortfall_effect(rule, f)
    elif kind == "tiered":
        amount, tier = tiered_effect(rule, f)
        if tier is not None and tier.label:
            note = f"档次：{tier.label}"
    elif kind == "trend":
        out = trend_effect(rule, f)
        if out.bounded == "max":
            note = cap_note(rule, rule.max)
        elif out.bounded == "min":
            note = f"已扣至下限（{fmt_points(rule.min)}分）"
        ps = []
        if out.inside or not out.outside:
            ps.append((item, IN, rule, _adj(kind, rule, f, out.inside, derived, note), f))
        if out.outside:
            # Adjustment.is_bonus recognises a trend gain outside the cap by this note.
            ps.append((item, OUT, rule, _adj(kind, rule, f, out.outside, derived, "加分"), f))
        if average_over:
            for p in ps:
                _average(p[P_ADJ], average_over)
        return ps
    elif kind == "zero":
        return [(item, ZEROING, rule, _adj(kind, rule, f, ZERO, derived), f)]
    elif kind == "convert":
        if item is None or item.points is None:
            raise RuleError(f"{f.loc}: 折算规则 {rule.id} 只能用于有分值的项")
        if f.value is None:
            src = _source_value(rule, ctx, self_mode)
            if src is None:
                return [(item, IN, rule, _adj(kind, rule, f, ZERO, derived,
                                                _missing_source_note(rule, item)), f)]
            value, scale = src, rule.scale
        else:
            value, scale = f.value, f.scale or rule.scale
        a = _adj(kind, rule, f, convert_value(item.points, value, scale), derived)
        a.value = value
        return [(item, SET, rule, a, f)]
    elif kind == "rank":
        if item is None or item.points is None:
            raise RuleError(f"{f.loc}: 排位规则 {rule.id} 只能用于有分值的项")
        if f.value is None:
            raise RuleError(f"{f.loc}: 排位规则 {rule.id} 须填写 value（次数）")
        best = ctx.rank_best.get((item.id, rule.id))
        if best is None:
            grp = rule.group_by or "排位"
            return [(item, IN, rule, _adj(kind, rule, f, ZERO, derived,
                                            f"不参加排位（非{grp}单位）"), f)]
        if self_mode and f.value > best:
            best = f.value
        a = _adj(kind, rule, f, rank_value(item.points, best, f.value, rule.amount or ZERO),
                 derived, f"最多{fmt_points(best)}次")
        return [(item, SET, rule, a, f)]
    else:
        raise RuleError(f"{f.loc}: 未知的规则类型 {kind!r}")
    a = _adj(kind, rule, f, amount, derived, note)
    if average_over:
        _average(a, average_over)
    return [(item, slot, rule, a, f)]


def _average(a: Adjustment, n: int) -> None:
    a.amount = q2(a.amount / n)
    a.raw_amount = a.amount
    a.note = join_note(a.note, f"按{n}次督查平均计")


def _source_value(rule: Rule, ctx: Context, self_mode: bool) -> Optional[Decimal]:
    if not rule.source:
        return None
    res = ctx.sources.get(rule.source)
    if res is None:
        return None
    if self_mode and res.self_total is not None:
        return res.self_total
    return res.total


def _missing_source_note(rule: Rule, item: Item) -> str:
    basis = "0分" if item.basis == "earned" else f"基分{fmt_points(item.points)}分"
    if rule.source:
        return f"未找到单项考核（{rule.source}）的结果，该项按{basis}计"
    return f"未录入单项考核分数，该项按{basis}计"


# ------------------------------------------------------------ the record


def _dedupe_incidents(pending: list[_P]) -> None:
    best: dict[str, _P] = {}
    for p in pending:
        inc = p[P_FINDING].incident
        if inc is None or p[P_ADJ].amount >= 0:
            continue
        cur = best.get(inc)
        if cur is None or p[P_ADJ].amount < cur[P_ADJ].amount:
            best[inc] = p
    if not best:
        return
    for p in pending:
        inc = p[P_FINDING].incident
        if inc is None or p[P_ADJ].amount >= 0 or best.get(inc) is p:
            continue
        p[P_ADJ].amount = ZERO
        p[P_ADJ].note = join_note(p[P_ADJ].note, NOTE_INCIDENT)


def _dedupe_subjects(pending: list[_P]) -> None:
    groups: dict[tuple, list[_P]] = {}
    for p in pending:
        if p[P_SLOT] == OUT and p[P_RULE].dedupe == "subject" and p[P_FINDING].subject:
            key = (p[P_ITEM].id if p[P_ITEM] is not None else None, p[P_FINDING].subject)
            groups.setdefault(key, []).append(p)
    for (_, subject), ps in groups.items():
        if len(ps) < 2:
            continue
        keep = ps[0]
        for p in ps[1:]:
            if p[P_ADJ].amount > keep[P_ADJ].amount:
                keep = p
        for p in ps:
            if p is not keep:
                p[P_ADJ].amount = ZERO
                p[P_ADJ].note = join_note(p[P_ADJ].note, f"同一事项（{subject}）以最高加分为准")


def _score_findings(index: RubricIndex, unit: Optional[Unit], findings: Iterable[Finding],
                    ctx: Context, *, derived_ids: frozenset = frozenset(),
                    averaged_ids: frozenset = frozenset(), average_over: Optional[int] = None,
                    self_mode: bool = False) -> tuple[list[ItemScore], list[Adjustment]]:
    by_rule: dict[tuple, list] = {}          # (item, rule, outside) → [rule, adjustments…]
    per_item: dict[str, list[tuple[str, Adjustment]]] = {}
    special: set[str] = set()                # items with more than plain inside adjustments
    rubric_level: list[_P] = []
    trend_values: dict[str, bool] = {}

    def place(p: _P) -> None:
        item, slot, rule, adj, f = p
        if rule.cap is not None:
            # one cap per rule; a trend's inside part and its bonus part separately
            key = (item.id if item is not None else None, rule.id, slot == OUT)
            by_rule.setdefault(key, [rule]).append(adj)
        if item is None:
            rubric_level.append(p)
            return
        lst = per_item.get(item.id)
        if lst is None:
            per_item[item.id] = [(slot, adj)]
        else:
            lst.append((slot, adj))
        if slot != IN or rule.kind in ("convert", "rank"):
            special.add(item.id)
        if rule.zero_full and slot == IN and rule.kind == "trend":
            trend_values[item.id] = trend_values.get(item.id, True) and f.value == 0

    # Without dedupe every adjustment can be placed as it is made; with dedupe
    # all of the record's are needed first.
    direct = not (index.has_incident_dedup or index.has_subject_dedupe)
    pending: list[_P] = []
    fast = index.fast
    for f in findings:
        fe = fast.get((f.item, f.rule))
        if fe is not None and not (averaged_ids and id(f) in averaged_ids):
            # fixed-amount deduct / earn / bonus for every unit: the common case
            item, rule, negative, slot = fe
            amount = rule.amount
            if f.count is not None and (rule.per is not None or f.count == 0):
                amount = amount * f.count
            if negative:
                amount = -amount
            adj = _adj(rule.kind, rule, f, amount, bool(derived_ids) and id(f) in derived_ids)
            if direct and item is not None and rule.cap is None:
                lst = per_item.get(item.id)       # place(), inlined for the common case
                if lst is None:
                    per_item[item.id] = [(slot, adj)]
                else:
                    lst.append((slot, adj))
                if slot != IN:
                    special.add(item.id)
            elif direct:
                place((item, slot, rule, adj, f))
            else:
                pending.append((item, slot, rule, adj, f))
            continue
        fid = id(f)
        ps = _evaluate(index, unit, f, fid in derived_ids,
                       average_over if fid in averaged_ids else None, ctx, self_mode)
        if direct:
            for p in ps:
                place(p)
        else:
            pending.extend(ps)

    if not direct:
        if index.has_incident_dedup:
            _dedupe_incidents(pending)
        if index.has_subject_dedupe:
            _dedupe_subjects(pending)
        for p in pending:
            place(p)
    for rule, *adjs in by_rule.values():
        apply_rule_cap(rule, adjs)

    # convert rules with no finding: from the source rubric's result, or noted as missing
    for item, rule in index.convert_rules:
        lst = per_item.get(item.id)
        if lst is not None and any(a.rule_id == rule.id for _, a in lst):
            continue
        src = _source_value(rule, ctx, self_mode)
        f = Finding(rule=rule.id, item=item.id)
        if src is None:
            if self_mode:
                continue
            a = _adj("convert", rule, f, ZERO, False, _missing_source_note(rule, item))
            per_item.setdefault(item.id, []).append((IN, a))
            special.add(item.id)
        else:
            a = _adj("convert", rule, f, convert_value(item.points, src, rule.scale), False,
                     f"来自单项考核 {rule.source}")
            a.value = src
            per_item.setdefault(item.id, []).append((SET, a))
            special.add(item.id)

    items = [assemble_item(it, per_item.get(it.id, ()),
                           zero_full=trend_values.get(it.id, False),
                           simple=it.id not in special)
             for it in index.items]

    rubric_adjs: list[Adjustment] = []
    bonus_cap = index.rubric.bonus_cap
    used = ZERO
    for p in rubric_level:
        a = p[P_ADJ]
        if a.amount > 0 and bonus_cap is not None:
            room = bonus_cap - used
            if room < 0:
                room = ZERO
            if a.amount > room:
                a.amount = room
                a.note = join_note(a.note, f"全表加分已达上限（{fmt_points(bonus_cap)}分）")
            used += a.amount
        rubric_adjs.append(a)
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


def veto_hits(index: RubricIndex, findings: Sequence[Finding],
              veto_findings: Sequence[VetoFinding],
              derived_ids: frozenset = frozenset()) -> list[VetoHit]:
    """The record's vetoes, the derived ones and those raised by `auto` rules.

    auto {item, rule, min_count}: the number of occurrences (the findings'
    counts, 1 for a finding without count) of that rule among `findings` —
    the record's, the rolled-up inspections' and the derived ones — reaches
    min_count. One hit per condition; reasons of the same condition are joined.
    """
    hits: dict[str, VetoHit] = {}
    for vf in veto_findings:
        v = index.vetoes.get(vf.condition)
        text = v.text if v is not None else vf.condition
        _add_hit(hits, VetoHit(id=vf.condition, text=text, reason=vf.reason,
                               source=vf.loc, derived=id(vf) in derived_ids))
    if index.auto_keys:
        keys = index.auto_keys
        counts: dict[tuple[str, str], list] = {}     # key → [n, first finding, months]
        for f in findings:
            key = (f.item, f.rule)
            if key in keys:
                c = counts.get(key)
                if c is None:
                    c = counts[key] = [0, f, []]
                c[0] += f.count if f.count is not None else 1
                if f.origin and f.origin not in c[2]:
                    c[2].append(f.origin)
        for key, (n, first, months) in counts.items():
            item_id, rule_id = key
            rule = index.rules.get(key)
            per = rule.per if rule is not None and rule.per else "次"
            what = rule.text if rule is not None else rule_id
            for v in keys[key]:
                need = int(v.auto.get("min_count", 1))
                if n < need:
                    continue
                reason = f"第{item_id}项“{what}”共{n}{per}（{need}{per}及以上即否决）"
                if months:
                    reason += "，见" + "、".join(months) + "督查"
                _add_hit(hits, VetoHit(id=v.id, text=v.text, reason=reason, source=first.loc,
                                       derived=id(first) in derived_ids))
    order = {v.id: i for i, v in enumerate(index.rubric.vetoes)}
    return sorted(hits.values(), key=lambda h: order.get(h.id, len(order)))


def _add_hit(hits: dict[str, VetoHit], hit: VetoHit) -> None:
    cur = hits.get(hit.id)
    if cur is None:
        hits[hit.id] = hit
    elif hit.reason and hit.reason not in cur.reason:
        cur.reason = join_note(cur.reason, hit.reason)


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
    vetoes: list[VetoFinding] = [v for r in records for v in r.vetoes]
    ins_findings, avg_n, ins_files = (_rolled if _rolled is not None else
                                      inspection_findings(inspections, rollup or rb.calendar.rollup))
    findings.extend(ins_findings)
    averaged_ids = frozenset(id(f) for f in ins_findings) if avg_n else frozenset()
    derived_ids: frozenset = frozenset()
    if derived is not None:
        d_findings, d_vetoes = derived
        if d_findings:
            # Annex data (附件2/3) is the evidence for its rules: it replaces
            # whatever was typed for the same rule, so nothing counts twice.
            by_annex = {(f.item, f.rule) for f in d_findings}
            findings = [f for f in findings if (f.item, f.rule) not in by_annex]
        if d_findings or d_vetoes:
            findings.extend(d_findings)
            vetoes.extend(d_vetoes)
            derived_ids = frozenset(id(x) for x in (*d_findings, *d_vetoes))

    items, rubric_adjs = _score_findings(index, unit, findings, ctx, derived_ids=derived_ids,
                                         averaged_ids=averaged_ids, average_over=avg_n)
    total, deducted_total = _totals(index, items, rubric_adjs, ctx.base)

    self_total = None
    sa = [r.self_assessment for r in records if r.self_assessment is not None]
    if sa:
        self_findings = [f for s in sa for f in s.findings]
        notes: dict[str, str] = {}
        for s in sa:
            notes.update(s.notes)
        s_items, s_adjs = _score_findings(index, unit, self_findings, ctx, self_mode=True)
        self_total, _ = _totals(index, s_items, s_adjs, ctx.base)
        for it, s_it in zip(items, s_items):
            it.self_score = s_it.score
            it.differs = s_it.score != it.score
            it.self_note = notes.get(it.item_id, "")

    hits = veto_hits(index, findings, vetoes, derived_ids)
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


def count_of(findings: Iterable[Finding], item_id: str, rule_id: str) -> int:
    """Occurrences of one rule among findings (count, or 1 per finding)."""
    return sum((f.count if f.count is not None else 1) for f in findings
               if f.item == item_id and f.rule == rule_id)


__all__ = ["RubricIndex", "Context", "score_record", "veto_hits", "measured_value",
           "count_of", "finding_count"]

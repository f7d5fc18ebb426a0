"""Vetoes of one record: the record's own, the derived ones, and those an
`auto: {item, rule, min_count}` condition raises from the findings."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..model import Finding, VetoFinding
from ..periods import months_label
from .evaluate import Entry
from .items import join_note
from .result import VetoHit

if TYPE_CHECKING:                      # record.py imports this module
    from .record import RubricIndex


def veto_hits(index: "RubricIndex", findings: Sequence[Entry[Finding]],
              vetoes: Sequence[Entry[VetoFinding]]) -> list[VetoHit]:
    """The record's vetoes, the derived ones and those raised by `auto` rules.

    auto {item, rule, min_count}: the number of occurrences (the findings'
    counts, 1 for a finding without count) of that rule among `findings` —
    the record's, the rolled-up inspections' and the derived ones — reaches
    min_count. One hit per condition; reasons of the same condition are joined.
    """
    hits: dict[str, VetoHit] = {}
    for ve in vetoes:
        vf = ve.finding
        v = index.vetoes.get(vf.condition)
        text = v.text if v is not None else vf.condition
        _add_hit(hits, VetoHit(id=vf.condition, text=text, reason=vf.reason,
                               source=vf.loc, derived=ve.derived))
    keys = index.auto_keys
    counts: dict[tuple[str, str], list] = {}     # key → [n, first entry, months]
    for e in findings if keys else ():
        f = e.finding
        key = (f.item, f.rule)
        if key in keys:
            c = counts.get(key)
            if c is None:
                c = counts[key] = [0, e, []]
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
                reason += "，见" + months_label(months) + "督查"
            _add_hit(hits, VetoHit(id=v.id, text=v.text, reason=reason,
                                   source=first.finding.loc, derived=first.derived))
    order = {v.id: i for i, v in enumerate(index.rubric.vetoes)}
    return sorted(hits.values(), key=lambda h: order.get(h.id, len(order)))


def _add_hit(hits: dict[str, VetoHit], hit: VetoHit) -> None:
    cur = hits.get(hit.id)
    if cur is None:
        hits[hit.id] = hit
    elif hit.reason and hit.reason not in cur.reason:
        cur.reason = join_note(cur.reason, hit.reason)

"""Where things are in an entry workbook: the columns, the key cells, the
rows a sheet has for a rubric and a unit.

Column A (编号) holds a key on every row booklet reads: A1 the record
(rubric/period/file stem), A2 the unit id, then `kind`, `date`, … for the
header cells, `item-id/rule-id` (or `/rule-id` for a rubric-wide rule) for a
finding row, `self/item-id` for an item without a rule the unit can be
recorded against (only its 自评情况 is filled), `veto/ID`, `flag/ID` and
`note`. Keys are plain cell text, so they survive Excel, WPS and LibreOffice;
rows without a key are only printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..model import Item, Rubric, Rule, Unit
from ..scoring.kinds import KINDS


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    width: int


COLUMNS = (
    Col("key", "编号（勿改）", 6),
    Col("number", "序号", 5),
    Col("requirement", "考核内容", 22),
    Col("standard", "评分标准", 30),
    Col("points", "分值", 6),
    Col("rule", "评分规则", 28),
    # the assessors' finding
    Col("present", "记录", 6),
    Col("count", "次数", 7),
    Col("value", "实测值", 8),
    Col("baseline", "上年同期", 8),
    Col("amount", "分数", 7),
    Col("scale", "满分", 7),
    Col("reason", "事由", 26),
    Col("evidence", "证据", 18),
    Col("date", "日期", 11),
    Col("photos", "照片", 18),
    Col("incident", "事件", 8),
    Col("subject", "事项", 8),
    Col("internal", "内部", 6),
    # the unit's self-assessment
    Col("s_present", "自评记录", 6),
    Col("s_count", "自评次数", 7),
    Col("s_value", "自评实测值", 8),
    Col("s_baseline", "自评上年同期", 8),
    Col("s_amount", "自评分数", 7),
    Col("s_reason", "自评说明", 18),
    Col("s_note", "自评情况", 26),
    Col("s_note_internal", "自评情况内部", 8),
)
COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}          # key -> 1-based column
FINDING_FIRST, SELF_FIRST = COL["present"], COL["s_present"]
HEADER_ROW = 11                                              # the column headers
YES = "是"
KIND_LABELS = {"assessment": "考核", "inspection": "督查"}

# the header cells: key in column A, label in B, value in C
META = (("kind", "类别"), ("date", "考核日期"), ("assessors", "考核人"),
        ("sig-unit", "单位（签章）"), ("sig-assessors", "考核人签名"),
        ("sig-leader", "被考核单位负责人签名"))
META_FIRST_ROW = 3


def needs(rule: Rule) -> set[str]:
    """The finding cells a rule takes (besides 记录, 事由, 证据 …)."""
    kind = KINDS.get(rule.kind)
    out = set(kind.finding_needs(rule)) if kind else set()
    if rule.per:
        out.add("count")
    if rule.range:
        out.add("amount")
    if rule.kind == "convert" and not rule.source:
        out |= {"value", "scale"}
    if rule.kind == "rank":
        out.add("value")
    return out


def applies(rule: Rule, unit: Unit) -> bool:
    return not rule.applies_to or any(unit.has(w) for w in rule.applies_to)


def rule_key(item: Optional[Item], rule: Rule) -> str:
    return f"{item.id if item else ''}/{rule.id}"


SELF_ONLY = "self/"                  # key prefix of an item row without a rule: self/<item-id>


def sheet_name(name: str, taken: set[str]) -> str:
    """The unit's name as a sheet name: at most 31 characters, none of
    []:*?/\\, no leading or trailing apostrophe, unique (ignoring case)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "单位"
    n = 1
    while True:
        tail = "" if n == 1 else f"（{n}）"
        cand = base[:31 - len(tail)] + tail
        if cand.lower() not in taken and cand.lower() != "history":
            taken.add(cand.lower())
            return cand
        n += 1


def rubric_rows(rubric: Rubric, unit: Unit):
    """(section title | None, item | None, rule | None) for every rule the unit
    can be recorded against, in the order of the printed sheet; a section
    title comes as (title, None, None), an item without such a rule as
    (None, item, None) (its self-assessment note still has a place)."""
    for s in rubric.sections:
        yield s.print_label, None, None
        for it in s.items:
            rules = [r for r in it.rules if applies(r, unit)]
            if not rules:
                yield None, it, None
            for r in rules:
                yield None, it, r
    for title, rules in (("加分", rubric.bonuses), ("另行扣分", rubric.extra_deductions)):
        rules = [r for r in rules if applies(r, unit)]
        if rules:
            yield title, None, None
            for r in rules:
                yield None, None, r

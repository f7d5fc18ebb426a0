"""The town summary book of one rubric and period: what a town publishes and files.

    cover · contents (目录) · ranking with its sign-off · item × unit score
    matrix (landscape) · per unit, what was gained and lost and why

The full per-unit score sheets are in the unit sheets and ledger books, not
here. `summary_context` builds the template data from plain results; nothing
here reads the clock or any file.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from ..model import Rubric
from ..periods import label as period_label
from ..scoring.result import Adjustment, ItemScore, Result
from ..textfmt import fmt_date, fmt_period, fmt_points, fmt_signed, mask_phone
from .sheettext import item_ref, rule_ref

MATRIX_ITEMS = 22          # item columns per landscape matrix table (more: several tables)
VETO_GRADE = "一票否决"


# ---------------------------------------------------------------- references

def item_labels(rubric: Rubric) -> dict[str, tuple[str, str]]:
    """Each item's reference as the rubric numbers it (6, （二）6①), split in
    two printed lines: the section's part and the item's (（二） over 6①).
    Items the rubric does not tell apart by number (2022: every item of
    section 1 is 1) get their title as the second line: 1 over 涉毒人员."""
    refs = {it.id: _strip(item_ref(rubric, it.id, it.number)) for it in rubric.items}
    seen: dict[str, int] = {}
    for ref in refs.values():
        seen[ref] = seen.get(ref, 0) + 1
    out = {}
    for it in rubric.items:
        ref = refs[it.id]
        if seen[ref] > 1:
            out[it.id] = (str(it.number), it.title or "")
            continue
        m = re.match(r"^([（(][^）)]+[）)])(.+)$", ref)
        if m and m.group(1)[1:-1] == m.group(2):
            out[it.id] = (m.group(2), "")         # （2）2: section 2 is its one item 2
        else:
            out[it.id] = (m.group(1), m.group(2)) if m else (ref, "")
    return out


def _strip(ref: str) -> str:
    return ref[1:-1] if ref.startswith("第") and ref.endswith("项") else ref


def _ref(rubric: Rubric, labels: dict[str, tuple[str, str]], its: ItemScore,
         a: Optional[Adjustment] = None) -> str:
    """An item as the rubric numbers it, in one line (（一）2 for the row of
    the rule; 1 涉毒人员 where numbers do not tell items apart)."""
    first, second = labels.get(its.item_id, (its.number, ""))
    if second and first.startswith(("（", "(")):
        return _strip(item_ref(rubric, its.item_id, its.number,
                               a.rule_id if a is not None else ""))
    return f"{first} {second}" if second else first


# ---------------------------------------------------------------- ranking

def _veto_lines(res: Result, grade_shown: bool) -> list[str]:
    """The veto of a unit, the word 一票否决 said once: by the 等次 shown
    beside it when that says so (the line then starts 否决事由：), else at the
    start of the line."""
    out = []
    for n, hit in enumerate(res.vetoes):
        text = hit.text.rstrip("；;。")
        if hit.reason:
            text += f"（认定：{hit.reason.rstrip('。')}）"
        if n == 0:
            text = ("否决事由：" if grade_shown and res.grade == VETO_GRADE else "一票否决：") + text
        out.append(mask_phone(text))
    return out


def _grade_lines(res: Result) -> list[str]:
    """The grade conditions that applied (scoring's words), the veto left to
    _veto_lines."""
    return [mask_phone(t) for t in res.grade_reasons
            if not (res.vetoed and t.startswith(VETO_GRADE))]


def _ranking(rubric: Rubric, results: list[Result], total_word: str,
             anchors: dict[str, str]) -> dict:
    """Columns that say something for at least one unit (等次 when the rubric
    grades; a veto alone is said in the unit's note), and the rows; a unit's
    veto and the grade conditions that applied go in a note row under it."""
    has_grade = any(r.grade and r.grade != VETO_GRADE for r in results)
    has_change = any(r.change is not None for r in results)
    rows = []
    for r in results:
        notes = _veto_lines(r, has_grade) + _grade_lines(r)
        rows.append({"rank": r.rank if r.rank is not None else "—", "unit": r.unit_name,
                     "anchor": anchors[r.unit_id], "total": fmt_points(r.total),
                     "grade": r.grade or "", "notes": notes,
                     "change": fmt_signed(r.change) if r.change is not None else "",
                     "vetoed": r.vetoed})
    cols = [("rank", "名次", 10), ("unit", "单位", 0), ("total", total_word, 14)]
    if has_grade:
        cols.append(("grade", "等次", 14))
    if has_change:
        cols.append(("change", "比上期", 12))
    fixed = sum(w for _, _, w in cols)
    columns = [{"key": k, "head": h, "pct": f"{w or 100 - fixed}%"} for k, h, w in cols]
    return {"columns": columns, "rows": rows}


# ---------------------------------------------------------------- matrix

def _item_value(rubric: Rubric, its: Optional[ItemScore]) -> str:
    if its is None:
        return ""
    if rubric.mode == "deduction_only" or its.points is None:
        return fmt_points(its.deducted) if its.deducted else ""
    return fmt_points(its.score)


def _matrix(rubric: Rubric, results: list[Result], total_word: str) -> dict:
    """Items as the rubric numbers them in columns (several tables when there
    are many), units in rank order as rows; a 加减分 column when rubric-wide
    bonuses or deductions moved some unit, and the total."""
    items = rubric.items
    labels = item_labels(rubric)
    heads = [{"label": labels[it.id][0], "sub": labels[it.id][1], "cls": "",
              "points": fmt_points(it.points) if it.points is not None else ""} for it in items]
    extra = any(r.rubric_adjustments and any(a.amount for a in r.rubric_adjustments)
                for r in results)
    n_tables = max(1, -(-len(items) // MATRIX_ITEMS))
    per = -(-len(items) // n_tables) if items else 0
    tables = []
    for t in range(n_tables):
        lo, hi = t * per, min(len(items), (t + 1) * per)
        last = t == n_tables - 1
        rows = []
        for r in results:
            cells = [_item_value(rubric, r.item(it.id)) for it in items[lo:hi]]
            if last and extra:
                amount = sum((a.amount for a in r.rubric_adjustments), Decimal(0))
                cells.append(fmt_signed(amount) if amount else "")
            if last:
                cells.append(fmt_points(r.total))
            rows.append({"rank": r.rank if r.rank is not None else "—", "unit": r.unit_name,
                         "cells": cells})
        cols = list(heads[lo:hi])
        if last and extra:
            cols.append({"label": "加减分", "sub": "", "points": "", "cls": "m-extra"})
        if last:
            cols.append({"label": total_word, "sub": "", "points": "", "cls": "m-total"})
        tables.append({"columns": cols, "rows": rows,
                       "part": f"（{t + 1}/{n_tables}）" if n_tables > 1 else ""})
    return {"tables": tables, "has_points": any(h["points"] for h in heads),
            "deduction": rubric.mode == "deduction_only"}


# ---------------------------------------------------------------- per unit

def _line(a: Adjustment, lost: bool) -> Optional[str]:
    """One gain or loss in words: 扣5分：reason, 加2分：…, 得1.5分：… (what an
    item that lost points did earn), 未得分：the rule."""
    why = a.reason or a.rule_text
    if a.amount < 0:
        text = f"扣{fmt_points(-a.amount)}分：{why}"
    elif a.amount > 0 and a.is_bonus:
        text = f"加{fmt_points(a.amount)}分：{why}"
    elif a.amount > 0:
        if not lost:
            return None
        text = f"得{fmt_points(a.amount)}分：{why}"
    else:
        if not lost or a.kind not in ("earn", "quota", "tiered", "shortfall", "zero"):
            return None
        text = f"未得分：{a.rule_text}" + (f"（{a.reason}）" if a.reason else "")
    if a.note:
        text += f"（{a.note}）"
    return mask_phone(text)


def _groups(adjs: list[Adjustment], lost: bool, here: str = "") -> list[dict]:
    """Lines grouped by where they were found: the assessment first (named
    `here`, 2017年第三季度考核, when inspections follow), then each monthly
    inspection (2017年7月督查) once."""
    order: list[Optional[str]] = []
    lines: dict[Optional[str], list[str]] = {}
    for a in adjs:
        text = _line(a, lost)
        if text is None:
            continue
        if a.origin not in lines:
            order.append(a.origin)
            lines[a.origin] = []
        if text not in lines[a.origin]:
            lines[a.origin].append(text)
    order.sort(key=lambda o: (o is not None, o or ""))
    return [{"label": _origin(o) if o else (here if len(order) > 1 else ""), "lines": lines[o]}
            for o in order]


def _origin(origin: Optional[str]) -> str:
    if not origin:
        return ""
    word = "督查" if len(origin) == 7 and origin[4] == "-" and origin[5:].isdigit() else "考核"
    return f"{fmt_period(origin)}{word}"


def _unit_entry(rubric: Rubric, labels: dict[str, tuple[str, str]], res: Result,
                anchor: str) -> dict:
    deduction = rubric.mode == "deduction_only"
    rows = []
    for its in res.items:
        lost = its.lost > 0
        moved = lost or its.added > 0 or any(a.amount < 0 for a in its.adjustments)
        if not moved:
            continue
        groups = _groups(its.adjustments, lost, f"{res.period_label}考核")
        if its.points is None or deduction:
            change = fmt_points(its.deducted) if its.deducted else ""     # under 扣分
        else:
            change = fmt_signed(its.score - its.points) if its.score != its.points else ""
        first = next((a for a in its.adjustments if a.amount), None)
        rows.append({"ref": _ref(rubric, labels, its, first),
                     "points": fmt_points(its.points) if its.points is not None else "",
                     "score": fmt_points(its.score) if not deduction else "",
                     "change": change, "groups": groups})
    for a in res.rubric_adjustments:
        if not a.amount:
            continue
        rows.append({"ref": rule_ref(rubric, a.rule_id), "points": "", "score": "",
                     "change": fmt_signed(a.amount), "groups": _groups([a], True)})
    return {"anchor": anchor, "unit": res.unit_name, "rank": res.rank,
            "total": fmt_points(res.total), "grade": res.grade or "",
            "vetoes": _veto_lines(res, True), "grades": _grade_lines(res),
            "lost": fmt_points(res.lost_total) if res.lost_total else "",
            "added": fmt_points(res.added_total) if res.added_total else "",
            "rows": rows}


# ---------------------------------------------------------------- the book

def summary_context(rubric: Rubric, period: str, results: list[Result], *,
                    total_word: str) -> dict:
    """The template data of the summary book; `results` in rank order."""
    anchors = {r.unit_id: f"u-{r.unit_id}" for r in results}
    dates = sorted(r.date for r in results if r.date)
    labels = item_labels(rubric)
    units = [_unit_entry(rubric, labels, r, anchors[r.unit_id]) for r in results]
    return {
        "period_label": period_label(period),
        "cover_date": fmt_date(dates[-1]) if dates else "",
        "ranking": _ranking(rubric, results, total_word, anchors),
        "matrix": _matrix(rubric, results, total_word),
        "units": units,
        "deduction": rubric.mode == "deduction_only",
    }

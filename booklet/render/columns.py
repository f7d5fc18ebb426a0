"""The printed columns of a score sheet: one registry, read by `validate`
(which keys a rubric may name), by the Sheet (how each cell is made) and by
the docs test (docs/formats.md lists exactly these keys).

A rubric's `columns` name these keys, or a key of its items' `fields`
(printed as the item's text for that key).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Optional

from markupsafe import Markup, escape

from ..model import Column, Item, Rubric
from ..scoring.result import ItemScore
from ..textfmt import fmt_points
from .env import md_inline

#: (item, its score or None on a blank sheet, the phone mask of the sheet) → cell content
CellMaker = Callable[[Item, Optional[ItemScore], Callable[[str], str]], Markup]


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str                     # default Chinese header (a rubric usually gives its own)
    cell: Optional[CellMaker]       # None: the merged section label, made by the Sheet
    scored: bool = False            # the assessor writes a score here
    css: str = "c-text"             # class of its body cells
    width: Decimal = Decimal(14)    # mm, when booklet adds the column itself


def fmt_signed_pts(v: Optional[Decimal]) -> str:
    if v is None:
        return ""
    t = fmt_points(v)
    return t if v <= 0 or t == "0" else "+" + t


def _points(item, score, mask) -> Markup:
    return escape(f"{fmt_points(item.points)}分" if item.points is not None else "")


def _amount(attr: str) -> CellMaker:
    def cell(item, score, mask) -> Markup:
        v = getattr(score, attr) if score else None
        return escape(fmt_points(v) if v else "")      # 0 deducted prints as blank
    return cell


def _value(attr: str) -> CellMaker:
    def cell(item, score, mask) -> Markup:
        return escape(fmt_points(getattr(score, attr)) if score else "")
    return cell


def _self_note(item, score, mask) -> Markup:
    return md_inline(mask(score.self_note)) if score else Markup("")


def _reasons(item, score, mask) -> Markup:
    """Each point gained or lost with its reason (the rule's text when none)."""
    if not score:
        return Markup("")
    parts = [escape(f"{fmt_signed_pts(a.amount)} {mask(a.reason or a.rule_text)}")
             for a in score.adjustments if a.amount]
    return Markup("<br>").join(parts)


COLUMNS: dict[str, ColumnSpec] = {c.key: c for c in (
    ColumnSpec("section", "项目", None, css="c-section", width=Decimal(18)),
    ColumnSpec("number", "序号", lambda it, s, m: escape(it.number), css="c-number",
               width=Decimal(8)),
    ColumnSpec("title", "考核项目", lambda it, s, m: md_inline(it.title), css="c-title"),
    ColumnSpec("requirement", "考核内容", lambda it, s, m: md_inline(it.requirement),
               width=Decimal(50)),
    ColumnSpec("points", "分值", _points, css="c-num", width=Decimal(10)),
    ColumnSpec("standard", "评分标准", lambda it, s, m: md_inline(it.standard), width=Decimal(56)),
    ColumnSpec("self_note", "自评情况", _self_note, css="c-text c-score"),
    ColumnSpec("self_score", "自评得分", _value("self_score"), scored=True, css="c-num c-score"),
    ColumnSpec("deducted", "扣分", _amount("deducted"), scored=True, css="c-num c-score"),
    ColumnSpec("added", "加分", _amount("added"), scored=True, css="c-num c-score"),
    ColumnSpec("score", "得分", _value("score"), scored=True, css="c-num c-score"),
    ColumnSpec("reasons", "加扣分说明", _reasons, css="c-text c-score"),
)}

#: printed when a rubric names no columns
DEFAULT_COLUMNS = ("section", "number", "requirement", "points", "standard", "score")


def column(key: str, header: Optional[str] = None) -> Column:
    spec = COLUMNS[key]
    return Column(key, spec.header if header is None else header, spec.width)


def display_columns(rubric: Rubric) -> list[Column]:
    """The rubric's columns; a sheet without any score column gets one."""
    cols = list(rubric.columns) or [column(k) for k in DEFAULT_COLUMNS]
    if not any(c.key in COLUMNS and COLUMNS[c.key].scored for c in cols):
        cols.append(column("deducted" if rubric.mode == "deduction_only" else "score"))
    return cols

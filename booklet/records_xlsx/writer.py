"""Records → an entry workbook: one sheet per record of the period (a unit
without a record gets an empty sheet), laid out like the printed score sheet.

Rule texts and keys are locked (sheet protection without a password); the
cells to fill are unlocked and validated by Excel itself (whole numbers,
decimals in the rule's range, dates, 是). Same records → same bytes: the
workbook's dates come from the records, and the zip entries carry that date.
"""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, Optional

from ..annex.exporter import fixed_zip, put_text
from ..errors import BookletError
from ..model import Finding, Item, Loc, Note, Project, Record, Rubric, Rule, Unit
from ..periods import Period
from ..textfmt import fmt_points
from .layout import (COL, COLUMNS, FINDING_FIRST, HEADER_ROW, KIND_LABELS, META,
                     META_FIRST_ROW, SELF_FIRST, SELF_ONLY, YES, needs, rubric_rows, rule_key,
                     sheet_name)
from ..scoring.kinds import KINDS

GREY = "F2F2F2"
INPUT = "FFFFF2"


def default_kind(project: Project, rubric: Rubric, period: str) -> str:
    """督查 for a month of a rubric with monthly inspections that is not one of
    its assessment periods, else 考核."""
    p = Period.parse_or_none(period)
    assessed = {x for a in project.config.assign if a.rubric == rubric.id for x in a.periods}
    if (p is not None and p.kind == "month" and rubric.calendar.inspection == "monthly"
            and period not in assessed):
        return "inspection"
    return "assessment"


def records_of(project: Project, rubric: Rubric, period: str,
               unit_id: Optional[str]) -> list[tuple[Unit, str, Optional[Record]]]:
    """(unit, file stem, record or None) for every sheet, in booklet.yml's unit order."""
    assigned = {u for a in project.config.assign if a.rubric == rubric.id for u in a.unit_ids}
    out: list[tuple[Unit, str, Optional[Record]]] = []
    for unit in project.config.units:
        if unit.id not in assigned or (unit_id and unit.id != unit_id):
            continue
        recs = sorted(project.records_for(rubric.id, unit.id, period), key=lambda r: r.loc.file)
        if not recs:
            out.append((unit, unit.id, None))
        for r in recs:
            out.append((unit, PurePosixPath(r.loc.file).stem, r))
    return out


def _num(v: Decimal):
    return int(v) if v == v.to_integral_value() else float(v)


class _Styles:
    """The few cell styles of a workbook, each built once: openpyxl looks
    every style object it is given up in the workbook's lists by hashing it
    (most of the export's time), so a cell gets a copy of a ready style array."""

    def __init__(self, wb):
        from openpyxl.styles import Alignment, Font, PatternFill, Protection
        self.wb = wb
        self.fonts = {"grey": Font(color="808080", size=8), "bold": Font(bold=True),
                      "title": Font(bold=True, size=14)}
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.open = Protection(locked=False)
        self.input = PatternFill("solid", fgColor=INPUT)
        self.arrays: dict[tuple, object] = {}

    def apply(self, cell, *, locked: bool, is_date: bool, font: Optional[str]) -> None:
        from copy import copy
        from openpyxl.cell.cell import Cell
        key = (locked, is_date, font)
        array = self.arrays.get(key)
        if array is None:
            proto = Cell(cell.parent)
            proto.alignment = self.wrap
            if is_date:
                proto.number_format = "yyyy-mm-dd"
            if not locked:
                proto.protection = self.open
                proto.fill = self.input
            if font:
                proto.font = self.fonts[font]
            array = self.arrays[key] = proto._style
        cell._style = copy(array)


def _put(ws, row: int, col: int, v, *, locked: bool = True, font: Optional[str] = None):
    c = ws.cell(row=row, column=col)
    if isinstance(v, str):
        if v:
            put_text(c, v)
    elif isinstance(v, Decimal):
        c.value = _num(v)
    elif isinstance(v, (date, int, float)):
        c.value = v
    ws.parent.booklet_styles.apply(c, locked=locked, is_date=isinstance(v, date), font=font)
    return c


class _Validations:
    """One DataValidation per kind of check, shared by all cells that take it."""

    def __init__(self, ws):
        self.ws = ws
        self.dvs: dict[tuple, Any] = {}
        self.cells: dict[tuple, dict[str, None]] = {}

    def add(self, key: tuple, cell: str) -> None:
        """`cell` takes the check `key` (the cells are given to openpyxl at the
        end: it adds one cell at a time by searching all the earlier ones)."""
        from openpyxl.worksheet.datavalidation import DataValidation
        dv = self.dvs.get(key)
        if dv is None:
            kind = key[0]
            if kind == "yes":
                dv = DataValidation(type="list", formula1=f'"{YES}"', allow_blank=True,
                                    error=f"只能填“{YES}”或留空。")
            elif kind == "kind":
                dv = DataValidation(type="list", formula1='"考核,督查"', allow_blank=True,
                                    error="填“考核”或“督查”。")
            elif kind == "count":
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                    allow_blank=True, error="次数填 0 或正整数。")
            elif kind == "number":
                dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                    allow_blank=True, error="填一个不小于 0 的数。")
            elif kind == "range":
                lo, hi = key[1], key[2]
                dv = DataValidation(type="decimal", operator="between", formula1=str(lo),
                                    formula2=str(hi), allow_blank=True,
                                    error=f"分数填 {lo} 到 {hi} 之间的数。")
            elif kind == "date":
                dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                                    formula2="DATE(2099,12,31)", allow_blank=True,
                                    error="填日期，如 2017-09-25。")
            else:
                raise ValueError(f"no such cell check: {key!r}")
            dv.errorTitle = "输入有误"
            dv.showErrorMessage = True
            self.ws.add_data_validation(dv)
            self.dvs[key] = dv
            self.cells[key] = {}
        self.cells[key][cell] = None

    def close(self) -> None:
        from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
        for key, dv in self.dvs.items():
            dv.sqref = MultiCellRange({CellRange(c) for c in self.cells[key]})


def _rule_text(rule: Rule) -> str:
    kind = KINDS.get(rule.kind)
    words = "，".join(kind.describe(rule)) if kind else ""
    head = f"{kind.title}：{words}" if kind else ""
    return f"{rule.text}\n（{head}）" if rule.text and head else rule.text or head


def _finding_cells(ws, dv: _Validations, row: int, rule: Rule, f: Optional[Finding],
                   first: int, prefix: str, full: bool) -> None:
    from openpyxl.utils import get_column_letter
    need = needs(rule)
    fields = ["present", "count", "value", "baseline", "amount", "reason"]
    if full:
        fields += ["scale", "evidence", "date", "photos", "incident", "subject", "internal"]
    for name in fields:
        col = COL[prefix + name]
        v = None
        if f is not None:
            v = YES if name == "present" else getattr(f, name)
            if name == "photos":
                v = "\n".join(v)
            elif name == "internal":
                v = YES if v else None
        optional = name in ("present", "reason", "evidence", "date", "photos", "incident",
                            "subject", "internal")
        open_ = optional or name in need or v not in (None, "")
        _put(ws, row, col, v if v is not None else "", locked=not open_)
        ref = f"{get_column_letter(col)}{row}"
        if not open_:
            continue
        if name in ("present", "internal"):
            dv.add(("yes",), ref)
        elif name == "count":
            dv.add(("count",), ref)
        elif name == "amount" and rule.range:
            dv.add(("range", fmt_points(rule.range[0]), fmt_points(rule.range[1])), ref)
        elif name in ("value", "baseline", "scale", "amount"):
            dv.add(("number",), ref)
        elif name == "date":
            dv.add(("date",), ref)


def _sheet(wb, title: str, project: Project, rubric: Rubric, period: str, unit: Unit, stem: str,
           rec: Optional[Record]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    ws = wb.create_sheet(title)
    dv = _Validations(ws)
    last = get_column_letter(len(COLUMNS))

    _put(ws, 1, 1, f"{rubric.id}/{period}/{stem}", font="grey")
    p = Period.parse_or_none(period)
    _put(ws, 1, 2, f"{rubric.title}（{p.label if p else period}）", font="title")
    ws.merge_cells(f"B1:{last}1")
    _put(ws, 2, 1, unit.id, font="grey")
    _put(ws, 2, 2, "被考核单位")
    _put(ws, 2, 3, unit.name)
    kind = rec.kind if rec else default_kind(project, rubric, period)
    values = {
        "kind": KIND_LABELS.get(kind, kind),
        "date": rec.date if rec and rec.date else "",
        "assessors": "、".join(rec.assessors) if rec else "",
        "sig-unit": (rec.signatures.unit or "") if rec else "",
        "sig-assessors": "、".join(rec.signatures.assessors) if rec else "",
        "sig-leader": (rec.signatures.leader or "") if rec else "",
    }
    for i, (key, label) in enumerate(META):
        r = META_FIRST_ROW + i
        _put(ws, r, 1, key, font="grey")
        _put(ws, r, 2, label)
        _put(ws, r, 3, values[key], locked=False)
        ws.merge_cells(f"C{r}:D{r}")
        if key == "kind":
            dv.add(("kind",), f"C{r}")
        elif key == "date":
            dv.add(("date",), f"C{r}")

    head = HEADER_ROW - 1
    _put(ws, head, FINDING_FIRST, "考核（考核人填写）", font="bold")
    ws.merge_cells(start_row=head, start_column=FINDING_FIRST, end_row=head,
                   end_column=SELF_FIRST - 1)
    _put(ws, head, SELF_FIRST, "自评得分（被考核单位填写）", font="bold")
    ws.merge_cells(start_row=head, start_column=SELF_FIRST, end_row=head, end_column=len(COLUMNS))
    for i, col in enumerate(COLUMNS, 1):
        cell = _put(ws, HEADER_ROW, i, col.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width

    findings = list(rec.findings) if rec else []
    sa = rec.self_assessment if rec else None
    self_findings = list(sa.findings) if sa else []
    notes = sa.notes if sa else {}
    row = HEADER_ROW + 1
    noted: set[str] = set()

    def take(pool: list, item: Optional[Item], rule: Rule) -> list:
        iid = item.id if item else None
        got = [f for f in pool if f.rule == rule.id and f.item == iid]
        for f in got:
            pool.remove(f)
        return got

    internal_notes = sa.internal_notes if sa else frozenset()

    def self_note(item: Item) -> None:
        """自评情况 and its 内部 mark, on the item's first row."""
        noted.add(item.id)
        _put(ws, row, COL["s_note"], notes.get(item.id, ""), locked=False)
        _put(ws, row, COL["s_note_internal"], YES if item.id in internal_notes else "",
             locked=False)
        dv.add(("yes",), f"{get_column_letter(COL['s_note_internal'])}{row}")

    def item_cells(item: Item) -> None:
        _put(ws, row, 2, item.number)
        _put(ws, row, 3, item.title or item.requirement)
        _put(ws, row, 4, item.standard)
        _put(ws, row, 5, item.points if item.points is not None else "")

    for title, item, rule in rubric_rows(rubric, unit):
        if rule is None and item is not None:          # no rule to record: the self note only
            _put(ws, row, 1, SELF_ONLY + item.id, font="grey")
            item_cells(item)
            _put(ws, row, 6, "（本单位没有可记录的评分规则，只填自评情况）")
            self_note(item)
            row += 1
            continue
        if rule is None:
            _put(ws, row, 2, title, font="bold")
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
            ws.cell(row=row, column=2).fill = PatternFill("solid", fgColor=GREY)
            row += 1
            continue
        mine, theirs = take(findings, item, rule), take(self_findings, item, rule)
        for i in range(max(1, len(mine), len(theirs))):
            _put(ws, row, 1, rule_key(item, rule), font="grey")
            if item is not None:
                item_cells(item)
            _put(ws, row, 6, _rule_text(rule))
            _finding_cells(ws, dv, row, rule, mine[i] if i < len(mine) else None,
                           FINDING_FIRST, "", True)
            _finding_cells(ws, dv, row, rule, theirs[i] if i < len(theirs) else None,
                           SELF_FIRST, "s_", False)
            if item is not None and item.id not in noted:
                self_note(item)
            row += 1
    left = findings + self_findings
    if left:
        f = left[0]
        raise BookletError(f"{f.loc}: 这条记录的规则「{f.rule}」不在单位 {unit.name} 可记录的规则中，"
                           "不能导出到录入表。", fix="先运行 booklet validate 改正这份记录。")

    def extra(key: str, label: str, text: str, on: bool, reason: Optional[str],
              internal: bool) -> None:
        nonlocal row
        _put(ws, row, 1, key, font="grey")
        _put(ws, row, 2, label)
        _put(ws, row, 3, text)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=6)
        _put(ws, row, COL["present"], YES if on else "", locked=False)
        dv.add(("yes",), f"{get_column_letter(COL['present'])}{row}")
        if reason is not None:
            _put(ws, row, COL["reason"], reason, locked=False)
            _put(ws, row, COL["internal"], YES if internal else "", locked=False)
            dv.add(("yes",), f"{get_column_letter(COL['internal'])}{row}")
        row += 1

    vetoes = {v.condition: v for v in rec.vetoes} if rec else {}
    for v in rubric.vetoes:
        got = vetoes.get(v.id)
        extra(f"veto/{v.id}", "一票否决", v.text, got is not None, got.reason if got else "",
              bool(got and got.internal))
    flags = set(rec.flags) if rec else set()
    for c in rubric.grade_conditions:
        if c.when.get("flag"):
            extra(f"flag/{c.id}", "等次情形", c.text, c.id in flags, None, False)
    notes_rows: list[Optional[Note]] = [*(rec.notes if rec else []), None, None]
    for n in notes_rows:
        _put(ws, row, 1, "note", font="grey")
        _put(ws, row, 2, "备注")
        _put(ws, row, COL["reason"], n.text if n else "", locked=False)
        _put(ws, row, COL["internal"], YES if n and n.internal else "", locked=False)
        dv.add(("yes",), f"{get_column_letter(COL['internal'])}{row}")
        row += 1

    dv.close()
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.page_setup.orientation = "landscape"


def workbook_date(recs: list[Optional[Record]], period: str) -> datetime:
    """The workbook's own date: the latest record date, else the period's first day."""
    dates = [r.date for r in recs if r is not None and r.date is not None]
    if dates:
        d = max(dates)
    else:
        p = Period.parse_or_none(period)
        d = p.bounds[0] if p else date(2000, 1, 1)
    return datetime(d.year, d.month, d.day)


def export_workbook(project: Project, rubric_id: str, period: str,
                    unit_id: Optional[str] = None) -> bytes:
    """The entry workbook of one rubric and period (one unit with `unit_id`)."""
    from openpyxl import Workbook
    rubric = project.rubrics.get(rubric_id)
    if rubric is None:
        raise BookletError(f"找不到考核细则「{rubric_id}」。", Loc("rubrics/"),
                           f"可用的考核细则：{'、'.join(sorted(project.rubrics)) or '（无）'}。")
    p = Period.parse_or_none(period)
    if p is None:
        raise BookletError(f"期间「{period}」的格式不对。", Loc("booklet.yml"),
                           "写成 2018、2018-H1、2018-Q1 或 2018-03。")
    period = str(p)
    if unit_id is not None:
        unit = project.config.unit(unit_id)
        if unit is None:
            raise BookletError(f"单位编号「{unit_id}」不在 booklet.yml 的 units 中。",
                               Loc("booklet.yml"), "用 --unit 指定已有的单位编号。")
    sheets = records_of(project, rubric, period, unit_id)
    if not sheets:
        raise BookletError(f"没有单位被分配考核细则「{rubric.title}」" +
                           (f"（单位 {unit_id}）。" if unit_id else "。"), Loc("booklet.yml"),
                           "检查 booklet.yml 的 assign，或 --unit 指定的单位。")
    wb = Workbook()
    wb.remove(wb.active)
    wb.booklet_styles = _Styles(wb)
    taken: set[str] = set()
    for unit, stem, rec in sheets:
        _sheet(wb, sheet_name(unit.name, taken), project, rubric, period, unit, stem, rec)
    when = workbook_date([r for _, _, r in sheets], period)
    wb.properties.title = f"{rubric.title}（{p.label}）录入表"
    wb.properties.creator = "booklet"
    wb.properties.lastModifiedBy = "booklet"
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue(), when, wb.properties)

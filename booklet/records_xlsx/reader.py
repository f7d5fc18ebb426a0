"""An entry workbook → `Record`s, every problem at the sheet and row it is in
(表「府前社区」第 14 行（次数）). Cells are read by booklet/annex/sheets.py
(which also refuses formulas without saved results); the rows are found by
their key in column A (layout.py), so a workbook saved again by Excel, WPS
or LibreOffice reads the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..annex.sheets import cell_amount, cell_date, cell_int, cell_text, read_rows
from ..errors import Problems
from ..model import (Finding, Loc, Note, Project, Record, SelfAssessment, Signatures,
                     VetoFinding)
from ..periods import Period
from .layout import COL, COLUMNS, KIND_LABELS, SELF_ONLY, YES

HEADERS = {c.key: c.header for c in COLUMNS}
KINDS_BY_LABEL = {v: k for k, v in KIND_LABELS.items()} | {k: k for k in KIND_LABELS}
KEY = re.compile(r"^([^/\s]+)/([^/\s]+)/([^/\s]+)$")


@dataclass(frozen=True)
class RowLoc(Loc):
    """"录入表.xlsx，表「府前社区」第 14 行（次数）"."""
    sheet: str = ""
    column: str = ""

    def __str__(self) -> str:
        text = f"{self.file}，表「{self.sheet}」第 {self.line} 行"
        return text + (f"（{self.column}）" if self.column else "")


@dataclass
class SheetRecord:
    sheet: str
    stem: str                       # file name without .yml
    record: Record
    loc: RowLoc


def _cell(cells: list, key: str):
    i = COL[key] - 1
    return cells[i] if i < len(cells) else None


class _Sheet:
    def __init__(self, file: str, sheet: str, problems: Problems):
        self.file, self.sheet, self.problems = file, sheet, problems

    def loc(self, row: int, key: str = "") -> RowLoc:
        return RowLoc(self.file, row, COL.get(key, 0), sheet=self.sheet,
                      column=HEADERS.get(key, ""))

    def bad(self, row: int, key: str, what: str, fix: str) -> None:
        self.problems.error(self.loc(row, key), what, fix, code="records-cell")

    def yes(self, cells, row, key) -> bool:
        t = cell_text(_cell(cells, key))
        if t in ("", "否"):
            return False
        if t in (YES, "√", "✓", "☑"):
            return True
        self.bad(row, key, f"「{t}」不是“{YES}”。", f"填“{YES}”或留空。")
        return False

    def number(self, cells, row, key) -> Optional[Decimal]:
        v = cell_amount(_cell(cells, key))
        if v is None or isinstance(v, Decimal):
            return v
        self.bad(row, key, f"「{v}」不是数字。", "填一个数，如 5 或 2.5。")
        return None

    def count(self, cells, row, key) -> Optional[int]:
        raw = _cell(cells, key)
        v = cell_int(raw)
        if v is None or v == "":
            return None
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            return v
        self.bad(row, key, f"「{cell_text(raw)}」不是次数。", "填 0 或正整数，如 2。")
        return None

    def date(self, cells, row, key) -> Optional[date]:
        v = cell_date(_cell(cells, key))
        if v is None or isinstance(v, date):
            return v
        self.bad(row, key, f"「{v}」不是日期。", "填日期，如 2017-09-25。")
        return None

    def self_note(self, cells, row, item: str, notes: dict[str, str], internal: set[str]) -> None:
        """自评情况 of an item (on its first row) and its 内部 mark."""
        note = cell_text(_cell(cells, "s_note"))
        marked = self.yes(cells, row, "s_note_internal")
        if note:
            notes[item] = note
            if marked:
                internal.add(item)

    def finding(self, cells, row, item: Optional[str], rule: str, prefix: str) -> Optional[Finding]:
        k = lambda name: prefix + name
        present = self.yes(cells, row, k("present"))
        count = self.count(cells, row, k("count"))
        full = prefix == ""
        value = self.number(cells, row, k("value"))
        baseline = self.number(cells, row, k("baseline"))
        amount = self.number(cells, row, k("amount"))
        scale = self.number(cells, row, "scale") if full else None
        reason = cell_text(_cell(cells, k("reason")))
        evidence = cell_text(_cell(cells, "evidence")) if full else ""
        when = self.date(cells, row, "date") if full else None
        photos = tuple(x.strip() for x in cell_text(_cell(cells, "photos")).splitlines()
                       if x.strip()) if full else ()
        incident = cell_text(_cell(cells, "incident")) or None if full else None
        subject = cell_text(_cell(cells, "subject")) or None if full else None
        internal = self.yes(cells, row, "internal") if full else False
        nums = (value, baseline, amount, scale)
        anything = (present or count is not None or any(v is not None for v in nums)
                    or reason or evidence or when or photos or incident or subject or internal)
        if not anything:
            return None
        names = ("present", "count", "value", "baseline", "amount", "scale", "reason",
                 "evidence", "date", "photos", "incident", "subject", "internal")
        return Finding(rule=rule, item=item, count=count, reason=reason, date=when,
                       evidence=evidence, photos=photos, incident=incident, subject=subject,
                       internal=internal, value=value, baseline=baseline, amount=amount,
                       scale=scale, loc=self.loc(row),
                       key_locs={n: self.loc(row, k(n) if k(n) in COL else "") for n in names})


def _split(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in re.split(r"[、；;\n]", text) if x.strip())


def read_workbook(project: Project, src: Path, problems: Problems) -> list[SheetRecord]:
    rows = read_rows(src, problems)
    file = src.name
    by_sheet: dict[str, list] = {}
    for sheet, n, cells in rows:
        by_sheet.setdefault(sheet, []).append((n, cells))
    out: list[SheetRecord] = []
    for sheet, srows in by_sheet.items():
        s = _Sheet(file, sheet, problems)
        first = dict(srows)
        head = cell_text(first.get(1, [None])[0])
        m = KEY.match(head)
        if not m:
            problems.warning(s.loc(1), "这张表不是 booklet 导出的录入表（A1 没有记录编号），已跳过。",
                             "只导入 booklet export records 导出的表；不要删改 A 列。",
                             code="records-sheet-skipped")
            continue
        rubric_id, period, stem = m.groups()
        unit_id = cell_text(first.get(2, [None])[0])
        rubric = project.rubrics.get(rubric_id)
        unit = project.config.unit(unit_id)
        p = Period.parse_or_none(period)
        if rubric is None or unit is None or p is None or not (stem == unit_id
                                                               or stem.startswith(unit_id + ".")):
            problems.error(s.loc(1, "key"), f"A1、A2 的记录编号「{head}」「{unit_id}」在本项目中找不到"
                           "（考核细则、期间或单位不存在）。",
                           "用本项目 booklet export records 重新导出录入表，不要修改 A 列。",
                           code="records-workbook")
            continue
        meta: dict[str, str] = {}           # kind, assessors, sig-*: cell text
        when: Optional[date] = None
        key_locs: dict[str, Loc] = {}
        findings: list[Finding] = []
        self_findings: list[Finding] = []
        self_notes: dict[str, str] = {}
        self_internal: set[str] = set()
        vetoes: list[VetoFinding] = []
        flags: list[str] = []
        notes: list[Note] = []
        for n, cells in srows:
            key = cell_text(cells[0]) if cells else ""
            if n <= 2 or not key or key == "编号（勿改）":
                continue
            value = cells[2] if len(cells) > 2 else None
            if key in ("kind", "date", "assessors", "sig-unit", "sig-assessors", "sig-leader"):
                key_locs[key.replace("sig-", "signatures.")] = RowLoc(file, n, 3, sheet=sheet)
                if key == "kind":
                    t = cell_text(value)
                    if t and t not in KINDS_BY_LABEL:
                        problems.error(RowLoc(file, n, 3, sheet=sheet), f"类别「{t}」不对。",
                                       "填“考核”或“督查”。", code="records-cell")
                    meta[key] = KINDS_BY_LABEL.get(t, "assessment")
                elif key == "date":
                    d = cell_date(value)
                    if d is not None and not isinstance(d, date):
                        problems.error(RowLoc(file, n, 3, sheet=sheet), f"考核日期「{d}」不是日期。",
                                       "填日期，如 2017-09-25。", code="records-cell")
                        d = None
                    when = d
                else:
                    meta[key] = cell_text(value)
            elif key.startswith("veto/"):
                if s.yes(cells, n, "present"):
                    vetoes.append(VetoFinding(condition=key[5:],
                                              reason=cell_text(_cell(cells, "reason")),
                                              internal=s.yes(cells, n, "internal"), loc=s.loc(n)))
            elif key.startswith("flag/"):
                if s.yes(cells, n, "present"):
                    flags.append(key[5:])
            elif key == "note":
                text = cell_text(_cell(cells, "reason"))
                if text:
                    notes.append(Note(text=text, internal=s.yes(cells, n, "internal"),
                                      loc=s.loc(n, "reason")))
            elif key.startswith(SELF_ONLY):
                only = key[len(SELF_ONLY):]
                if rubric.item(only) is None:
                    problems.error(s.loc(n, "key"), f"编号「{key}」在考核细则「{rubric.title}」中不存在。",
                                   "不要修改 A 列；细则改过的，用 booklet export records 重新导出。",
                                   code="records-unknown-row")
                    continue
                s.self_note(cells, n, only, self_notes, self_internal)
            elif "/" in key:
                item_text, rule = key.split("/", 1)
                item = item_text or None
                it = rubric.item(item) if item else None
                known = (it.rule(rule) if it else None) if item else rubric.rubric_rule(rule)
                if known is None:
                    problems.error(s.loc(n, "key"), f"编号「{key}」在考核细则「{rubric.title}」中不存在。",
                                   "不要修改 A 列；细则改过的，用 booklet export records 重新导出。",
                                   code="records-unknown-row")
                    continue
                for prefix, pool in (("", findings), ("s_", self_findings)):
                    f = s.finding(cells, n, item, rule, prefix)
                    if f is not None:
                        pool.append(f)
                if item:
                    s.self_note(cells, n, item, self_notes, self_internal)
            else:
                problems.error(s.loc(n, "key"), f"A 列的编号「{key}」不认识。",
                               "不要修改 A 列；用 booklet export records 重新导出录入表。",
                               code="records-unknown-row")
        sa = SelfAssessment(findings=self_findings, notes=self_notes,
                            internal_notes=frozenset(self_internal & set(self_notes)),
                            note_locs={}) if self_findings or self_notes else None
        loc = s.loc(1)
        rec = Record(
            rubric=rubric_id, unit=unit_id, period=str(p), kind=meta.get("kind", "assessment"),
            date=when, assessors=_split(meta.get("assessors", "")),
            findings=findings, vetoes=vetoes, flags=tuple(flags), self_assessment=sa, notes=notes,
            signatures=Signatures(unit=meta.get("sig-unit") or None,
                                  assessors=_split(meta.get("sig-assessors", "")),
                                  leader=meta.get("sig-leader") or None),
            loc=loc, key_locs={"rubric": loc, "unit": loc, "period": loc, **key_locs})
        out.append(SheetRecord(sheet, stem, rec, loc))
    if not out and not problems.errors:
        problems.error(Loc(file), "这个文件中没有 booklet 录入表（每张表的 A1 应是记录编号）。",
                       "用 booklet export records 导出录入表，填好后再导入。", code="records-workbook")
    return out

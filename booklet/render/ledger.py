"""The data of a unit's annual ledger book (台账) under one rubric.

The book, in parts that each start on a right-hand page (see ledger.html):
each assessment period (a quarter, the year) with its filled sheet, a line
naming the monthly inspections (月督查) that rolled into it and where they are,
its detail table (加扣分明细) grouped by the inspection or assessment each
finding came from, and the entries of those inspections: date, inspectors,
what was found (or 未发现问题) and a blank signature block; then the annexes.

`ledger_context(planner, doc, rubric, unit, results)` builds the template's
parts; plan.py only calls it. Nothing here reads the clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from ..model import Record, Rubric, Unit
from ..periods import Period, label as period_label
from ..periods import sort_key as period_sort_key
from ..scoring.periods import file_seq
from ..scoring.result import Adjustment, Result
from ..textfmt import fmt_date, fmt_signed
from .sheettext import SignatureField


@dataclass
class SignatureBlock:
    """What print/_sheet.html's signature_line macro needs: the blank fields
    under an inspection entry (never filled with a name from the record)."""
    fields: list[SignatureField]

    def signature_fields(self) -> list[SignatureField]:
        return self.fields


INSPECTION_SIGNATURES = SignatureBlock([
    SignatureField("督查人员签名", "", "assessors sign"),
    SignatureField("被督查单位负责人签名", "", "leader sign"),
    SignatureField("日期", "", "date"),
])


_REF_WORD = {"quarter": "本季度", "half_year": "本半年", "year": "本年度", "month": "本月"}


def short_dates(dates: list[date]) -> str:
    """2017年7月12日、8月9日、9月14日: the year once while it stays the same."""
    out, year = [], None
    for d in dates:
        out.append(fmt_date(d) if d.year != year else f"{d.month}月{d.day}日")
        year = d.year
    return "、".join(out)


def _item(number: str) -> str:
    # the rule's text is the next column: （五）1② is enough here
    return re.sub(r"^(.*?[①-⑳]).+$", r"\1", number)


def _names(names) -> str:
    return "、".join(names or ())


class _Ledger:
    def __init__(self, planner, doc, rubric: Rubric, unit: Unit):
        self.p = planner
        self.doc = doc
        self.rubric = rubric
        self.unit = unit
        recs = planner.project.records_for(rubric.id, unit.id)
        self.inspections = sorted(
            (r for r in recs if r.kind == "inspection"),
            key=lambda r: (period_sort_key(r.period), r.date or date.min, file_seq(r.loc.file),
                           r.loc.file))
        self.entry_of: dict[str, dict] = {}        # record file -> inspection entry
        self.placed: set[str] = set()

    # -- one inspection entry
    def _anchor(self, rec: Record) -> str:
        return f"i-{rec.period}-{file_seq(rec.loc.file)}"

    def _heading(self, rec: Record) -> str:
        same_month = [r for r in self.inspections if r.period == rec.period]
        head = f"{period_label(rec.period)}督查"
        if len(same_month) > 1:
            head += f"（第{same_month.index(rec) + 1}次）"
        return head

    def _row(self, number: str, a: Adjustment, group_date: Optional[date]) -> dict:
        photos = [x for x in (self.p._asset(self.doc, ph, a.source) for ph in a.photos) if x]
        return {"item": _item(number), "rule": a.rule_text, "amount": fmt_signed(a.amount),
                "note": a.note, "reason": a.reason, "evidence": a.evidence,
                # a finding's own date, when it is not the day of its group
                "date": a.date if a.date and a.date != group_date else None,
                "photos": photos}

    def inspection_entry(self, rec: Record, sheet) -> dict:
        """An inspection record as its own entry. Its findings are shown with
        the item numbers and amounts the period's scoring gave them."""
        rows = []
        if sheet is not None:
            for number, a in sheet.adjustments():
                if a.source.file == rec.loc.file:
                    rows.append(self._row(number, a, rec.date))
        if not rows:                 # not scored (e.g. rollup: last): as recorded
            for f in rec.findings:
                rows.append({"item": f.item or "", "rule": f.rule, "amount": "",
                             "note": "", "reason": f.reason, "evidence": f.evidence,
                             "date": f.date if f.date and f.date != rec.date else None,
                             "photos": []})
        entry = {"anchor": self._anchor(rec), "heading": self._heading(rec),
                 "period": rec.period, "date": rec.date,
                 "inspectors": _names(rec.assessors), "rows": rows,
                 "evidence": any(r["evidence"] for r in rows),
                 "notes": [n.text for n in rec.notes if n.text],
                 "signatures": INSPECTION_SIGNATURES}
        self.entry_of[rec.loc.file] = entry
        return entry

    # -- the detail table, grouped
    def groups(self, res: Result, sheet) -> list[dict]:
        """Findings of the period's table under the record they came from
        (the assessment, each inspection), date and inspectors once."""
        order: list[str] = []
        by: dict[str, dict] = {}
        own = self.p._record(res)
        for number, a in sheet.adjustments():
            rec = self.p.records_by_file.get(a.source.file)
            if rec is not None and rec.kind == "inspection" and a.origin:
                key = rec.loc.file
                if key not in by:
                    by[key] = {"kind": "inspection", "title": self._heading(rec),
                               "date": rec.date, "people_word": "督查人员",
                               "people": _names(rec.assessors),
                               "anchor": self._anchor(rec), "rows": []}
            elif own is not None and own.period == res.period and own.kind == "assessment":
                key = own.loc.file
                if key not in by:
                    by[key] = {"kind": "assessment", "title": f"{period_label(res.period)}考核",
                               "date": own.date or res.date, "people_word": "考核人员",
                               "people": _names(own.assessors or res.assessors),
                               "anchor": "", "rows": []}
            else:
                key = ""                 # a period worked out from its parts (the year)
                if key not in by:
                    by[key] = {"kind": "summary", "title": f"{period_label(res.period)}汇总",
                               "date": None, "people_word": "", "people": "",
                               "anchor": "", "rows": []}
            if key not in order:
                order.append(key)
            by[key]["rows"].append(self._row(number, a, by[key]["date"]))
        # the assessment first, then the inspections in order, the summary last
        rank = {"assessment": 0, "inspection": 1, "summary": 2}
        seq = {r.loc.file: i for i, r in enumerate(self.inspections)}
        order.sort(key=lambda k: (rank[by[k]["kind"]], seq.get(k, 0)))
        return [by[k] for k in order]

    # -- the book
    def parts(self, results: list[Result]) -> list[dict]:
        parts = []
        for n, res in enumerate(results):
            sheet = self.p._sheet(self.rubric, res, f"p{n}", False)
            files = set(res.record_files)
            period = Period.parse_or_none(res.period)
            # the inspections the period rolls up (not yet under an earlier
            # period: a year made of quarters leaves them under their quarter)
            mine = [r for r in self.inspections if r.loc.file in files
                    and r.loc.file not in self.placed]
            entries = [self.inspection_entry(r, sheet) for r in mine]
            self.placed.update(r.loc.file for r in mine)
            groups = self.groups(res, sheet)
            notes = []
            for f in res.record_files:
                rec = self.p.records_by_file.get(f)
                if rec is not None and rec.kind != "inspection":
                    notes += [n_.text for n_ in rec.notes]
            parts.append({
                "period": res.period, "result": res, "sheet": sheet,
                "anchor": f"p-{res.period}", "heading": f"{period_label(res.period)}考核",
                "groups": groups, "adjustments": any(g["rows"] for g in groups),
                "evidence": any(r["evidence"] for g in groups for r in g["rows"]),
                "notes": notes, "inspections": entries,
                "inspection_dates": short_dates([e["date"] for e in entries if e["date"]]),
                "ref_word": _REF_WORD.get(period.kind if period is not None else "", "本期"),
            })
        # inspections no assessment period took up: a part of their own
        rest = [r for r in self.inspections if r.loc.file not in self.placed]
        if rest:
            parts.append({
                "period": "", "result": None, "sheet": None, "anchor": "p-inspections",
                "heading": "月督查记录", "groups": [], "adjustments": False,
                "evidence": False, "notes": [],
                "inspections": [self.inspection_entry(r, None) for r in rest],
                "inspection_dates": "", "ref_word": "",
            })
        return parts


def ledger_context(planner, doc, rubric: Rubric, unit: Unit, results: list[Result]) -> dict[str, Any]:
    """The parts of the ledger book (see the module docstring)."""
    book = _Ledger(planner, doc, rubric, unit)
    return {"parts": book.parts(results), "inspection_count": len(book.inspections)}

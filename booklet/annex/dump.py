"""Annex data → YAML text, in the layout of the shipped examples.

Used by `booklet import` (spreadsheet → YAML). One member, one patrol shift
and one money amount per line, so a diff of a roster shows who changed.
Phone numbers are always quoted (a leading 0 must survive); amounts are plain
numbers with at most 2 decimals.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

import yaml

from .forms import FORM_SPECS
from .model import Duty, Funds, Roster

SCHEMA_LINE = "# yaml-language-server: $schema=../../../../schema/annex.schema.json"
OLD_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schema/annex.schema.json"  # no year folder


def scalar(v: Any) -> str:
    """One YAML scalar, quoted only when needed (phones and times always)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        text = format(v, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(v, int):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    text = str(v)
    out = yaml.safe_dump(text, allow_unicode=True, default_flow_style=True, width=10_000)
    out = out.removesuffix("\n...\n").removesuffix("\n")
    # flow context: a plain scalar may not hold , [ ] { } or start/end oddly
    if out == text and any(c in text for c in ",[]{}#:&*!|>'\"%@`"):
        out = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return out


def quoted(v: Any) -> str:
    text = "" if v is None else str(v)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _header(form: str, source: str, unit: str, year, year_folder: bool = True) -> list[str]:
    lines = [SCHEMA_LINE if year_folder else OLD_SCHEMA_LINE,
             f"# {FORM_SPECS[form].full_title}。含个人信息：只印入内部台账，不发布到网站。"]
    if source:
        lines.append(f"# 由 booklet import 从 {source} 导入。")
    lines.append(f"unit: {scalar(unit)}")
    if year:
        lines.append(f"year: {year}")
    return lines


def dump_roster(r: Roster, source: str = "", year_folder: bool = True) -> str:
    lines = _header("roster", source, r.unit, r.year, year_folder)
    lines.append("teams:")
    for t in r.teams:
        lines.append(f"  - name: {scalar(t.name)}")
        lines.append(f"    type: {scalar(t.type)}")
        if t.founded:
            lines.append(f"    founded: {t.founded.isoformat()}")
        lines.append("    members:")
        for m in t.members:
            lines.append("      - " + _flow([
                ("name", scalar(m.name)), ("age", scalar(m.age)), ("phone", quoted(m.phone)),
                ("role", scalar(m.role)), ("address", scalar(m.address))]))
    return "\n".join(lines) + "\n"


def dump_duty(d: Duty, source: str = "", year_folder: bool = True) -> str:
    lines = _header("duty", source, d.unit, d.year, year_folder)
    lines.append("filings:")
    for f in d.filings:
        lines.append(f"  - period: {quoted(f.period)}")
        lines.append(f"    filed: {scalar(f.filed)}")
        if f.station:
            lines.append(f"    station: {scalar(f.station)}")
        lines.append("    rows:")
        for r in f.rows:
            pairs = [("date", r.date.isoformat()), ("time", quoted(r.time)),
                     ("members", "[" + ", ".join(scalar(m) for m in r.members) + "]")]
            if r.phone:
                pairs.append(("phone", quoted(r.phone)))
            if r.area:
                pairs.append(("area", scalar(r.area)))
            lines.append("      - " + _flow(pairs))
    return "\n".join(lines) + "\n"


def dump_funds(f: Funds, source: str = "", year_folder: bool = True) -> str:
    lines = _header("funds", source, f.unit, f.year, year_folder)
    lines.append("requests:")
    for q in f.requests:
        lines.append(f"  - date: {q.date.isoformat()}")
        lines.append(f"    department: {scalar(q.department)}")
        lines.append(f"    applicant: {scalar(q.applicant)}")
        lines.append(f"    purpose: {scalar(q.purpose)}")
        lines.append(f"    requested: {scalar(q.requested)}")
        if q.approved is not None:
            lines.append(f"    approved: {scalar(q.approved)}")
        if q.approver:
            lines.append(f"    approver: {scalar(q.approver)}")
        if q.remarks:
            lines.append(f"    remarks: {scalar(q.remarks)}")
    return "\n".join(lines) + "\n"


_DUMPERS: dict[str, Callable[[Any, str, bool], str]] = {
    "roster": dump_roster, "duty": dump_duty, "funds": dump_funds}


def dump(form: str, obj: Roster | Duty | Funds, source: str = "", year_folder: bool = True) -> str:
    """The YAML text; its schema line points up from assessments/annex/<year>/<unit>/
    (or, `year_folder=False`, from the older assessments/annex/<unit>/)."""
    return _DUMPERS[form](obj, source, year_folder)

"""A `Record` as plain data and as YAML text, in the layout of the example
records (scripts/example): the schema comment line, then rubric, unit,
period, kind, date, assessors, findings …; item ids that look like numbers
in double quotes; points as plain numbers.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import yaml

from ..model import Finding, Record, SelfAssessment

SCHEMA_LINE = "# yaml-language-server: $schema=../../../schema/record.schema.json\n"

FINDING_KEYS = ("item", "rule", "count", "amount", "value", "baseline", "scale", "reason",
                "date", "evidence", "photos", "incident", "subject", "internal")


def finding_data(f: Finding) -> dict:
    out: dict[str, Any] = {}
    for k in FINDING_KEYS:
        v = getattr(f, k)
        if k == "photos":
            v = list(v)
        if v is None or v is False or (isinstance(v, (str, list)) and not v):
            continue               # (0 is a value: no `v in (…, False)`, 0 == False)
        out[k] = v
    return out


def self_data(sa: Optional[SelfAssessment]) -> Optional[dict]:
    if sa is None or not (sa.findings or sa.notes):
        return None
    out: dict[str, Any] = {}
    if sa.findings:
        out["findings"] = [finding_data(f) for f in sa.findings]
    if sa.notes:
        out["notes"] = {k: ({"text": v, "internal": True} if k in sa.internal_notes else v)
                        for k, v in sa.notes.items()}
    return out


def record_data(r: Record) -> dict:
    """Everything a record file says, as plain data (no file places): two
    records with the same data score the same."""
    out: dict[str, Any] = {"rubric": r.rubric, "unit": r.unit, "period": r.period, "kind": r.kind}
    if r.date is not None:
        out["date"] = r.date
    if r.assessors:
        out["assessors"] = list(r.assessors)
    out["findings"] = [finding_data(f) for f in r.findings]
    if r.vetoes:
        out["vetoes"] = [{"condition": v.condition, **({"reason": v.reason} if v.reason else {}),
                          **({"internal": True} if v.internal else {})} for v in r.vetoes]
    if r.flags:
        out["flags"] = list(r.flags)
    sa = self_data(r.self_assessment)
    if sa is not None:
        out["self_assessment"] = sa
    if r.notes:
        out["notes"] = [{"text": n.text, **({"internal": True} if n.internal else {})}
                        for n in r.notes]
    sig = {k: v for k, v in (("unit", r.signatures.unit),
                             ("assessors", list(r.signatures.assessors)),
                             ("leader", r.signatures.leader)) if v}
    if sig:
        out["signatures"] = sig
    return out


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str(dumper, s: str):
    if s.replace(".", "").isdigit():        # "6", "1.1", "2017": text, not numbers
        return dumper.represent_scalar("tag:yaml.org,2002:str", s, style='"')
    return dumper.represent_str(s)


def _decimal(dumper, d: Decimal):
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Decimal, _decimal)


def dump_record(r: Record) -> str:
    """The text of assessments/<rubric>/<period>/<unit>.yml."""
    return SCHEMA_LINE + yaml.dump(record_data(r), Dumper=_Dumper, allow_unicode=True,
                                   sort_keys=False, default_flow_style=False, width=4096)

"""Texts around a score sheet's table: the title's printed lines, the
signature line, and how the 加扣分说明 names an item or a rubric-wide rule.
(Split from sheet.py; `Sheet` calls these.)"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from markupsafe import Markup, escape

from ..model import Rubric
from ..textfmt import fmt_date


@dataclass
class SignatureField:
    label: str
    value: str = ""
    kind: str = ""                 # unit | date | assessors | leader | other


def _is_blank_date_label(label: str) -> bool:
    return "时间" in label or "日期" in label


def signature_fields(sheet) -> list[SignatureField]:
    """The line under the sheet. A 签名 field is always a blank for a hand
    signature (and the seal): names from the records are never typed into
    it; who assessed is printed in a separate 考核人员 field instead."""
    r = sheet.result
    sig = sheet.signatures
    out = []
    names = ""
    for label in sheet.rubric.signature or ["单位", "考核时间", "考核人签名", "被考核单位负责人签名"]:
        f = SignatureField(label)
        signed = "签名" in label or "签字" in label or "盖章" in label
        if "负责人" in label:
            f.kind = "leader"
            if r is not None and not signed:
                f.value = (getattr(sig, "leader", None) or sheet.leader or "")
        elif "考核人" in label or "考评人" in label or "检查人" in label:
            f.kind = "assessors"
            if r is not None:
                names = "、".join(tuple(getattr(sig, "assessors", ()) or ()) or r.assessors)
                if not signed:
                    f.value, names = names, ""
        elif _is_blank_date_label(label):
            f.kind = "date"
            if r is not None and r.date:
                f.value = fmt_date(r.date)
        elif "单位" in label or "社区" in label:
            f.kind = "unit"
            if r is not None:
                f.value = getattr(sig, "unit", None) or sheet.unit_name
        else:
            f.kind = "other"
        if signed and not f.value:
            f.kind += " sign"
        out.append(f)
    if names:
        out.append(SignatureField("考核人员", names, "assessors-named"))
    return out


def rule_ref(rubric: Rubric, rule_id: str) -> str:
    """A rubric-wide rule as the rubric numbers it: the number of its
    heading and its label, （五）1②综治工作经验推介 / （五）2①; else 加减分项目."""
    label = str((rubric.print.get("labels") or {}).get(rule_id, ""))
    if not label:
        return "加减分项目"
    pr = rubric.print
    bonus = any(r.id == rule_id for r in rubric.bonuses)
    heading = str(pr.get("bonus_heading" if bonus else "deduction_heading") or "")
    m = re.match(r"[（(][一二三四五六七八九十]+[）)]\d*", heading)
    return (m.group(0) if m else "") + label

def item_ref(rubric: Rubric, item_id: str, number: str, rule_id: str = "") -> str:
    """An item as the rubric numbers it; an item printed in several rows
    (print.rows) by the row whose `rules` hold the rule: （一）2."""
    for part in (rubric.print.get("rows") or {}).get(item_id) or []:
        if rule_id and rule_id in [str(r) for r in part.get("rules") or []]:
            number = str(part.get("number", number))
            break
    numbers = [it.number for it in rubric.items]
    if len(set(numbers)) == len(numbers):
        return f"第{number}项"
    for sec in rubric.sections:
        if any(it.id == item_id for it in sec.items):
            return f"（{sec.number}）{number}" if sec.number else f"{sec.title}第{number}项"
    return f"第{number}项"


def title_lines(rubric: Rubric) -> list[str]:
    """The title's printed lines: the rubric's title_lines when they spell the
    title, else one line when short, else two lines broken at a word boundary
    (after 年/年度/的/及/和/、/punctuation …) as near the middle as possible
    (GB/T 9704 7.3.1: 词意完整，排列对称)."""
    title = rubric.title
    if rubric.title_lines and "".join(rubric.title_lines) == title:
        return list(rubric.title_lines)
    if len(title) <= 18:
        return [title]
    mid = len(title) / 2
    best = None
    for m in re.finditer(r"(?<=年度)|(?<=年)(?!度)|(?<=[的及和与、，）])|(?=[及和与]|关于|工作|考核|考评|实施)", title):
        i = m.start()
        if 4 <= i <= len(title) - 4:
            if best is None or abs(i - mid) < abs(best - mid):
                best = i
    if best is None or abs(best - mid) > len(title) / 4:
        return [title]
    return [title[:best], title[best:]]


def full_marks(rubric: Rubric) -> Optional[Decimal]:
    """The rubric's stated scale, else the sum of its items' points (a fact
    of the rubric, printed under 分值; not a score)."""
    if rubric.scale is not None:
        return rubric.scale
    pts = [it.points for it in rubric.items if it.points is not None]
    return sum(pts, Decimal(0)) if pts else None


def stack_label(text: str) -> Markup:
    """One character per line (WeasyPrint has no vertical writing mode); a
    bracketed part such as （10） stays on one line in a smaller size."""
    parts = re.findall(r"[（(][^）)]*[）)]|\S", text or "")
    out = []
    for p in parts:
        if len(p) > 1:
            out.append(Markup('<span class="stack-pts">{}</span>').format(p))
        else:
            out.append(escape(p))
    return Markup("<br>").join(out)

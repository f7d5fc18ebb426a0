"""Data prepared in Python for the unit page (theme/site/unit.html).

A 5,000-unit town prints some 600,000 adjustments and 350,000 item rows on
its unit pages; worked out in the template (a sandboxed attribute lookup and
filter call for every piece) that is most of a `build --no-pdf`. Here each
adjustment's texts and each item row's title and unearned rules are worked
out once in plain Python; the template only lays them out. The words are the
ones the template used to build, so the pages are byte-for-byte the same.
"""
from __future__ import annotations

from typing import Any, Optional

from jinja2.filters import do_truncate

from ..textfmt import fmt_date, fmt_signed
from . import rules as rulewords
from .privacy import public_text
from .views import pts


def adjustment_view(a, year: bool) -> dict[str, Any]:
    """One adjustment as the page prints it: CSS class, amount, kind label,
    reason, the meta line (date · origin · measured value · evidence · …) and
    whether the rule text is quoted after it."""
    if a.amount > 0:
        cls = "plus"
    elif a.amount < 0:
        cls = "minus"
    else:
        cls = "zero"
    kind = rulewords.adjustment_label(a.kind, a.amount, a.is_bonus)
    if a.count and a.count > 1 and not year:
        kind += f" ×{a.count}"
    meta = []
    if a.date:
        meta.append(fmt_date(a.date))
    if a.origin:
        meta.append(rulewords.origin_text(a.origin))
    if a.value is not None:
        meta.append("实测" + pts(a.value)
                    + ("，上年" + pts(a.baseline) if a.baseline is not None else ""))
    if a.evidence:
        meta.append("依据：" + public_text(a.evidence))
    if a.amount != a.raw_amount:
        meta.append("按规则应为" + fmt_signed(a.raw_amount) + "分"
                    + ("，" + public_text(a.note) if a.note else ""))
    elif a.note:
        meta.append(public_text(a.note))
    if a.derived:
        meta.append("由附件数据计算")
    if a.photos:
        meta.append(f"现场照片{len(a.photos)}张（不在网站公开）")
    return {"cls": cls, "amount": fmt_signed(a.amount) + "分", "kind": kind,
            "reason": public_text(a.reason) or a.rule_text, "meta": " · ".join(meta),
            "rule": a.rule_text if a.reason else None}


def item_title(env, it) -> str:
    """An item's name in the score table: its title, else the start of its
    requirement or standard, else 第N项."""
    return (it.title or do_truncate(env, it.requirement, 40, True, "…")
            or do_truncate(env, it.standard, 40, True, "…") or f"第{it.number}项")


def section_rows(env, rubric, scores: dict, earned: bool,
                 titles: dict[str, str]) -> list[tuple[Any, list[tuple]]]:
    """Each section of `rubric` with its rows (item, score or None, title,
    rules not earned); `titles` memoises item_title across a build."""
    out = []
    for s in rubric.sections:
        rows = []
        for it in s.items:
            sc = scores.get(it.id)
            key = f"{rubric.id}\0{it.id}"
            title = titles.get(key)
            if title is None:
                title = titles[key] = item_title(env, it)
            missed: Optional[list] = None
            if earned and sc and sc.lost:
                acted = [a.rule_id for a in sc.adjustments]
                missed = [r for r in it.rules if r.id not in acted and r.kind == "earn"]
            rows.append((it, sc, title, missed))
        out.append((s, rows))
    return out

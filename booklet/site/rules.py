"""Rules, calendars and adjustments in Chinese words for the site.

`describe_rule` gives the short line shown under each rule's verbatim text on
the rubric page ("扣分：每次扣2分，最多扣6分"); `KIND_EXPLAIN` is the longer
explanation on the about page. Both come from the rule kind registry
(booklet/scoring/kinds.py).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from ..model import Calendar, Rule
from ..scoring.kinds import KINDS
from ..textfmt import fmt_period

# The registry's words, for templates (snapshots taken at import).
KIND_NAMES = {k: v.title for k, v in KINDS.items()}
KIND_EXPLAIN = {k: v.explain for k, v in KINDS.items()}

SCORING_STEPS = [
    "“折算”“按名次计分”的项目，得分由该规则直接确定。",
    "其他项目从分值（或从0分，先得分后计分的项目）起算，加上得分、同比升降结果，减去扣分。",
    "每项得分限定在0分到该项分值之间（扣完为止）；出现“不得分”情形的，该项为0分。",
    "项目的加分在限定之后另加，不受该项分值限制。",
    "总分＝各项得分之和＋全细则加分（有上限的按上限）－全细则减分。",
    "只扣分的细则报告扣分合计；项目设定基础分的，报告基础分减去扣分合计。",
    "月度督查发现的问题，按细则规定（累计、平均或取最后一次）计入所属季度的考核。",
    "年度成绩由各期成绩按细则规定（累计、平均或取最后一期）得出。",
    "出现一票否决情形的，等次按细则规定处理（如直接评为不合格、排名列最后），原计算得分仍予保留。",
]

_CAL_ASSESSMENT = {"monthly": "每月考核", "quarterly": "每季度考核",
                   "half_year": "每半年考核", "annual": "每年考核一次"}
_CAL_ROLLUP = {"sum": "累计计入", "average": "取平均计入", "last": "取最后一次计入"}
_CAL_YEAR = {"sum": "各期成绩相加", "average": "各期成绩的平均", "last": "最后一期的成绩"}


def describe_rule(rule: Rule) -> str:
    """One line in Chinese: the rule's kind and amounts (the kind's `describe`)."""
    kind = KINDS.get(rule.kind)
    parts = kind.describe(rule) if kind else [rule.kind]
    if rule.applies_to:
        parts.append("仅适用于" + "、".join(rule.applies_to))
    return f"{kind.title if kind else rule.kind}：" + "，".join(parts)


def describe_calendar(cal: Calendar) -> str:
    text = [_CAL_ASSESSMENT.get(cal.assessment, cal.assessment)]
    if cal.inspection == "monthly":
        text.insert(0, "每月督查")
        text.append("督查发现的问题" + _CAL_ROLLUP.get(cal.rollup, cal.rollup) + "考核")
    if cal.assessment != "annual":
        text.append("年度成绩取" + _CAL_YEAR.get(cal.year_end, cal.year_end))
    return "，".join(text) + "。"


def describe_when(when: dict) -> str:
    """A grade condition's trigger, in words."""
    if not when:
        return ""
    if "rank_from_bottom" in when:
        return f"排名倒数第{when['rank_from_bottom']}名以内"
    if when.get("flag"):
        return "考核记录中注明"
    if "below_average" in when:
        b = when["below_average"] or {}
        item = b.get("item")
        return f"第{item}项低于全镇平均" if item else "低于全镇平均"
    return ""


def adjustment_label(kind: str, amount: Decimal, is_bonus: bool) -> str:
    if is_bonus:
        return "加分"
    if kind == "trend":
        return "同比升降"
    if amount > 0:
        return "得分"
    if amount < 0:
        return KIND_NAMES.get(kind, "扣分") if kind in ("zero", "shortfall", "tiered") else "扣分"
    return KIND_NAMES.get(kind, kind)


def origin_text(origin: Optional[str]) -> str:
    """Where a rolled-up finding came from: a monthly inspection, or for a
    year's result the assessment period."""
    if not origin:
        return ""
    if re.match(r"^\d{4}-\d{2}$", origin):
        return f"{fmt_period(origin)}督查"
    return f"{fmt_period(origin)}考核"

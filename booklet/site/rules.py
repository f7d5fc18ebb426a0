"""Rules, calendars and adjustments in Chinese words for the site.

`describe_rule` gives the short line shown under each rule's verbatim text on
the rubric page ("扣分：每次扣2分，最多扣6分"); `KIND_EXPLAIN` is the longer
explanation on the about page.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from ..model import Calendar, Rule
from ..textfmt import fmt_period, fmt_points

KIND_NAMES = {
    "deduct": "扣分",
    "zero": "不得分",
    "earn": "得分",
    "shortfall": "未达标扣分",
    "trend": "同比升降",
    "bonus": "加分",
    "convert": "折算",
    "rank": "按名次计分",
    "tiered": "分档扣分",
}

KIND_EXPLAIN = {
    "deduct": "发现一次问题扣一次分。按次数计的，扣分＝每次扣分×次数；"
              "规定幅度的（如扣1–3分），由考核人在幅度内确定。扣分只在本项内扣，扣完为止。",
    "zero": "出现规定情形时，该项得0分（不得分）。",
    "earn": "从0分起算，做到一项得一项的分，按次数计的乘以次数；本项得分不超过分值。",
    "shortfall": "实测值低于目标时，每差一个档距扣一次分（只计整档）；达到目标不扣分。",
    "trend": "与上年同期比较：持平得规定分，每下降一个整档加分、每上升一个整档减分，"
             "结果限定在规定范围内；上年为0而今年大于0，按上升100%计。"
             "规定“全年零发案得满分”的，该项所有比较值为0时得满分。",
    "bonus": "加分在该项分值之外另计，不受分值限制；同一事项只计一次的，取最高一次；"
             "全细则的加分另有总上限的，以上限为准。",
    "convert": "把另一项考核的成绩（或录入的成绩）按比例折算：得分＝成绩÷满分×本项分值。",
    "rank": "按同组单位的完成数排名计分：最好的单位得满分，每比最好者少一个扣规定分。",
    "tiered": "按实测值落在哪一档扣该档规定的分。",
}

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

_CAL_INSPECTION = {"none": "不设月度督查", "monthly": "每月督查"}
_CAL_ASSESSMENT = {"monthly": "每月考核", "quarterly": "每季度考核",
                   "half_year": "每半年考核", "annual": "每年考核一次"}
_CAL_ROLLUP = {"sum": "累计计入", "average": "取平均计入", "last": "取最后一次计入"}
_CAL_YEAR = {"sum": "各期成绩相加", "average": "各期成绩的平均", "last": "最后一期的成绩"}


def p(value: Optional[Decimal]) -> str:
    return fmt_points(value)


def _amount(rule: Rule) -> str:
    """2分 / 每次2分 / 1–3分（酌情确定）, after the kind's name ("扣分：每次2分")."""
    if rule.range:
        lo, hi = rule.range
        core = f"{p(lo)}–{p(hi)}分"
        return f"每{rule.per}{core}（酌情确定）" if rule.per else f"{core}（酌情确定）"
    if rule.amount is not None:
        core = f"{p(rule.amount)}分"
        return f"每{rule.per}{core}" if rule.per else core
    return "按细则"


def describe_rule(rule: Rule) -> str:
    """One line in Chinese: the rule's kind and amounts."""
    k = rule.kind
    parts: list[str] = []
    if k == "deduct":
        parts.append(_amount(rule))
        if rule.cap is not None:
            parts.append(f"最多扣{p(rule.cap)}分")
    elif k == "zero":
        parts.append("该项不得分")
    elif k == "earn":
        parts.append(_amount(rule))
        if rule.cap is not None:
            parts.append(f"最高得{p(rule.cap)}分")
    elif k == "bonus":
        parts.append(_amount(rule))
        if rule.cap is not None:
            parts.append(f"最多加{p(rule.cap)}分")
        if rule.dedupe == "subject":
            parts.append("同一事项只计最高一次")
    elif k == "shortfall":
        u = rule.unit or ""
        if rule.target is not None:
            parts.append(f"目标{p(rule.target)}{u}")
        step = f"{p(rule.step)}{u}" if rule.step is not None else "一档"
        parts.append(f"每低{step}扣{p(rule.amount)}分")
        if rule.cap is not None:
            parts.append(f"最多扣{p(rule.cap)}分")
    elif k == "trend":
        u = "个百分点" if rule.measure == "difference" else "%"
        parts.append("与上年比较" + ("（按两率之差）" if rule.measure == "difference"
                                  else "（按变化幅度）"))
        step = f"{p(rule.step)}{u}" if rule.step is not None else "一档"
        if rule.flat is not None:
            parts.append(f"持平得{p(rule.flat)}分")
        if rule.down is not None:
            parts.append(f"每下降{step}加{p(rule.down)}分")
        if rule.up is not None:
            parts.append(f"每上升{step}减{p(rule.up)}分")
        if rule.min is not None and rule.max is not None:
            parts.append(f"结果在{p(rule.min)}–{p(rule.max)}分之间")
        elif rule.min is not None:
            parts.append(f"最低{p(rule.min)}分")
        elif rule.max is not None:
            parts.append(f"最高{p(rule.max)}分")
        if rule.down_as_bonus:
            parts.append("下降所得计为加分")
        if rule.zero_full:
            parts.append("全年零发案得满分")
    elif k == "convert":
        scale = p(rule.scale) if rule.scale is not None else "100"
        if rule.source:
            parts.append(f"取考核细则“{rule.source}”的成绩，按{scale}分制折算")
        else:
            parts.append(f"录入成绩按{scale}分制折算")
        parts.append("得分＝成绩÷满分×分值")
    elif k == "rank":
        group = f"在“{rule.group_by}”相同的单位中" if rule.group_by else "在同类单位中"
        parts.append(f"{group}按完成数排名，每比最好者少1扣{p(rule.amount)}分")
    elif k == "tiered":
        tiers = []
        for t in rule.tiers:
            name = t.label or (f"{p(t.min)}及以上" if t.min is not None else "其余")
            tiers.append(f"{name}扣{p(t.amount)}分")
        parts.append("，".join(tiers) if tiers else "按档扣分")
    else:
        parts.append(k)
    if rule.applies_to:
        parts.append("仅适用于" + "、".join(rule.applies_to))
    return f"{KIND_NAMES.get(k, k)}：" + "，".join(parts)


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

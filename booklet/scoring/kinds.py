"""The registry of rule kinds: one entry per kind, read by load, validate,
scoring and the site (as json-logic's `operations` dict is).

An entry holds the kind's own fields, the ones it requires, what a finding of
it must give, its effect (finding → signed parts, see `Part`), its slot (in
the item or outside the item cap), its Chinese name and explanation, and how
the site describes it. Adding a kind: a `register(RuleKind(...))` here, its
pure effect function in items.py, its test — and the kind's name in
schema/rubric.schema.json and docs/formats.md (tests/test_rule_kinds.py checks
both against this registry).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Mapping, Optional

from ..errors import Problems
from ..model import Finding, Item, Rule
from ..textfmt import fmt_points as p
from .items import (IN, OUT, SET, ZERO, ZEROING, RuleError, bonus_effect, cap_note,
                    convert_value, deduct_effect, earn_effect, quota_effect, rank_value,
                    shortfall_effect,
                    tiered_effect, trend_effect)
from .result import Result


@dataclass
class Context:
    """What one record's scoring needs from outside the record."""
    sources: Mapping[str, Result] = field(default_factory=dict)   # convert source
    rank_best: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    base: Optional[Decimal] = None


@dataclass(frozen=True)
class Scope:
    """What an effect may read besides its rule and finding."""
    item: Optional[Item]               # None: a rubric-wide rule
    ctx: Context
    self_mode: bool = False            # scoring the unit's self-assessment


@dataclass(frozen=True)
class Part:
    """One signed effect of a finding, before caps, dedupe and clamps."""
    amount: Decimal
    slot: Optional[str] = None         # None: the kind's slot
    note: str = ""
    value: Optional[Decimal] = None    # the value the trail shows instead of the finding's


Effect = Callable[[Rule, Finding, Scope], list[Part]]
FindingCheck = Callable[[Rule, Finding, str, Problems], None]


@dataclass(frozen=True)
class RuleKind:
    name: str
    title: str                         # Chinese name: site, trail labels
    explain: str                       # the longer explanation on the about page
    effect: Effect
    describe: Callable[[Rule], list[str]]   # the site's words, after "title："
    slot: str = IN                     # IN: inside the item; OUT: outside the item cap;
                                       # SET: sets the item; ZEROING: the item scores 0
    fields: tuple[str, ...] = ()       # the kind's own Rule fields (besides id, kind, text,
                                       # cap, per, applies_to)
    required: tuple[str, ...] = ()     # fields the rule must have
    amount_or_range: bool = False      # exactly one of amount (fixed) and range (chosen)
    finding_needs: Callable[[Rule], tuple[str, ...]] = lambda rule: ()   # value, baseline
    check_finding: Optional[FindingCheck] = None   # further checks of a finding's numbers


KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    KINDS[kind.name] = kind
    return kind


def kind_of(rule: Rule, f: Optional[Finding] = None) -> RuleKind:
    kind = KINDS.get(rule.kind)
    if kind is None:
        where = f"{f.loc}: " if f is not None else ""
        raise RuleError(f"{where}未知的规则类型 {rule.kind!r}")
    return kind


# The Rule fields load converts, and how (schema/rubric.schema.json has their shape).
DECIMAL, PAIR, TEXT, WORDS, FLAG, TIERS = "decimal", "pair", "text", "words", "flag", "tiers"
RULE_FIELDS: dict[str, str] = {
    "amount": DECIMAL, "range": PAIR, "per": TEXT, "cap": DECIMAL, "applies_to": WORDS,
    "target": DECIMAL, "step": DECIMAL, "unit": TEXT, "measure": TEXT, "flat": DECIMAL,
    "down": DECIMAL, "up": DECIMAL, "min": DECIMAL, "max": DECIMAL, "down_as_bonus": FLAG,
    "zero_full": FLAG, "dedupe": TEXT, "scale": DECIMAL, "source": TEXT, "group_by": TEXT,
    "tiers": TIERS, "forfeits": TEXT,
}


# ------------------------------------------------------------ shared words


def amount_words(rule: Rule) -> str:
    """2分 / 每次2分 / 1–3分（酌情确定）, after the kind's name ("扣分：每次2分")."""
    if rule.range:
        lo, hi = rule.range
        core = f"{p(lo)}–{p(hi)}分"
        return f"每{rule.per}{core}（酌情确定）" if rule.per else f"{core}（酌情确定）"
    if rule.amount is not None:
        core = f"{p(rule.amount)}分"
        return f"每{rule.per}{core}" if rule.per else core
    return "按细则"


def _capped(verb: str) -> Callable[[Rule], list[str]]:
    def describe(rule: Rule) -> list[str]:
        parts = [amount_words(rule)]
        if rule.cap is not None:
            parts.append(f"{verb}{p(rule.cap)}分")
        return parts
    return describe


def _value_needed(rule: Rule) -> tuple[str, ...]:
    return ("value",)


# ------------------------------------------------------------ deduct, zero, earn, shortfall


register(RuleKind(
    "deduct", "扣分",
    "发现一次问题扣一次分。按次数计的，扣分＝每次扣分×次数；"
    "规定幅度的（如扣1–3分），由考核人在幅度内确定。扣分只在本项内扣，扣完为止。",
    effect=lambda rule, f, scope: [Part(deduct_effect(rule, f))],
    describe=_capped("最多扣"),
    fields=("amount", "range", "per"), amount_or_range=True))

register(RuleKind(
    "zero", "不得分", "出现规定情形时，该项得0分（不得分）。",
    effect=lambda rule, f, scope: [Part(ZERO)],
    describe=lambda rule: ["该项不得分"], slot=ZEROING))

register(RuleKind(
    "earn", "得分", "从0分起算，做到一项得一项的分，按次数计的乘以次数；本项得分不超过分值。",
    effect=lambda rule, f, scope: [Part(earn_effect(rule, f))],
    describe=_capped("最高得"),
    fields=("amount", "per"), required=("amount",)))


def _describe_shortfall(rule: Rule) -> list[str]:
    u = rule.unit or ""
    parts = []
    if rule.target is not None:
        parts.append(f"目标{p(rule.target)}{u}")
    step = f"{p(rule.step)}{u}" if rule.step is not None else "一档"
    parts.append(f"每低{step}扣{p(rule.amount)}分")
    if rule.cap is not None:
        parts.append(f"最多扣{p(rule.cap)}分")
    return parts


def _check_shortfall(rule: Rule, f: Finding, where: str, problems: Problems) -> None:
    if rule.unit == "%" and f.value is not None and f.value > 100:
        problems.error(f.where("value"), f"{where}的百分比 {p(f.value)} 超过 100。",
                       "写 0 到 100 之间的数。", code="value-range")


register(RuleKind(
    "shortfall", "未达标扣分", "实测值低于目标时，每差一个档距扣一次分（只计整档）；达到目标不扣分。",
    effect=lambda rule, f, scope: [Part(shortfall_effect(rule, f)[0])],
    describe=_describe_shortfall,
    fields=("target", "step", "amount", "unit"), required=("target", "step", "amount"),
    finding_needs=_value_needed, check_finding=_check_shortfall))


# ------------------------------------------------------------ quota, forfeit


def _describe_quota(rule: Rule) -> list[str]:
    u = rule.unit or "次"
    step = p(rule.step) if rule.step is not None else "1"
    return [f"达到{p(rule.target)}{u}得{p(rule.flat)}分",
            f"每少{step}{u}扣{p(rule.amount)}分"]


register(RuleKind(
    "quota", "按次数达标计分",
    "实际次数达到规定次数的得规定分；每少一个档距（如每少1次）扣规定分，扣到0分为止。"
    "只记一条结果，写明实际次数。",
    effect=lambda rule, f, scope: [Part(quota_effect(rule, f))],
    describe=_describe_quota,
    fields=("target", "step", "flat", "amount", "unit"), required=("target", "flat", "amount"),
    finding_needs=_value_needed))


def _describe_forfeit(rule: Rule) -> list[str]:
    return ["检查发现一次不按要求的，取消对应那一项已得的分（只取消一次）"]


register(RuleKind(
    "forfeit", "检查不合要求不得分",
    "督查、检查时发现一次不按要求的，对应的那一项得分取消（如“检查到1次不按上述要求的，"
    "相应的项不得分”）：记为扣去该项已得的分，已取消的不再重复扣。",
    # the amount is set after every finding of the item is known (record._forfeit)
    effect=lambda rule, f, scope: [Part(ZERO)],
    describe=_describe_forfeit,
    fields=("forfeits",), required=("forfeits",)))


# ------------------------------------------------------------ trend


def _trend(rule: Rule, f: Finding, scope: Scope) -> list[Part]:
    out = trend_effect(rule, f)
    note = ""
    if out.bounded == "max" and rule.max is not None:
        note = cap_note(rule, rule.max)
    elif out.bounded == "min":
        note = f"已扣至下限（{p(rule.min)}分）"
    parts = []
    if out.inside or not out.outside:
        parts.append(Part(out.inside, IN, note))
    if out.outside:
        # outside the cap: evaluate marks it Adjustment.bonus (the note only explains)
        parts.append(Part(out.outside, OUT, "加分"))
    return parts


def _describe_trend(rule: Rule) -> list[str]:
    u = "个百分点" if rule.measure == "difference" else "%"
    parts = ["与上年比较" + ("（按两率之差）" if rule.measure == "difference" else "（按变化幅度）")]
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
    return parts


register(RuleKind(
    "trend", "同比升降",
    "与上年同期比较：持平得规定分，每下降一个整档加分、每上升一个整档减分，"
    "结果限定在规定范围内；上年为0而今年大于0，按上升100%计。"
    "规定“全年零发案得满分”的，全年各期的比较值都为0时，全年得满分（单个季度无案件不按此计）。",
    effect=_trend, describe=_describe_trend,
    fields=("measure", "step", "flat", "down", "up", "min", "max", "down_as_bonus", "zero_full"),
    required=("measure", "step"), finding_needs=lambda rule: ("value", "baseline")))


# ------------------------------------------------------------ bonus


def _describe_bonus(rule: Rule) -> list[str]:
    parts = _capped("最多加")(rule)
    if rule.dedupe == "subject":
        parts.append("同一事项只计最高一次")
    return parts


register(RuleKind(
    "bonus", "加分",
    "加分在该项分值之外另计，不受分值限制；同一事项只计一次的，取最高一次；"
    "全细则的加分另有总上限的，以上限为准。",
    effect=lambda rule, f, scope: [Part(bonus_effect(rule, f))],
    describe=_describe_bonus, slot=OUT,
    fields=("amount", "range", "per", "dedupe"), amount_or_range=True))


# ------------------------------------------------------------ convert, rank


def source_value(rule: Rule, ctx: Context, self_mode: bool) -> Optional[Decimal]:
    """The result of the rubric a convert rule takes (`source`), if scored."""
    if not rule.source:
        return None
    res = ctx.sources.get(rule.source)
    if res is None:
        return None
    if self_mode and res.self_total is not None:
        return res.self_total
    return res.total


def missing_source_note(rule: Rule, item: Item) -> str:
    basis = "0分" if item.basis == "earned" else f"基分{p(item.points)}分"
    if rule.source:
        return f"未找到单项考核（{rule.source}）的结果，该项按{basis}计"
    return f"未录入单项考核分数，该项按{basis}计"


def _scored_item(rule: Rule, f: Finding, scope: Scope, what: str) -> tuple[Item, Decimal]:
    """The item a convert/rank rule scores, with its points."""
    item = scope.item
    if item is None or item.points is None:
        raise RuleError(f"{f.loc}: {what}规则 {rule.id} 只能用于有分值的项")
    return item, item.points


def _convert(rule: Rule, f: Finding, scope: Scope) -> list[Part]:
    item, points = _scored_item(rule, f, scope, "折算")
    if f.value is None:
        value = source_value(rule, scope.ctx, scope.self_mode)
        if value is None:
            return [Part(ZERO, IN, missing_source_note(rule, item))]
        scale = rule.scale
    else:
        value, scale = f.value, f.scale or rule.scale
    return [Part(convert_value(points, value, scale), value=value)]


def _check_convert(rule: Rule, f: Finding, where: str, problems: Problems) -> None:
    if rule.source:
        return
    scale = f.scale or rule.scale
    if scale is None:
        problems.error(f.loc, f"{where}要折算的分数缺少满分 scale。", "写上 scale，例如 100。",
                       code="missing-scale")
    elif f.value is not None and f.value > scale:
        problems.error(f.where("value"), f"{where}的单项考核分数 {p(f.value)} 超过满分 {p(scale)}。",
                       "检查 value 和 scale。", code="value-range")


def _describe_convert(rule: Rule) -> list[str]:
    scale = p(rule.scale) if rule.scale is not None else "100"
    first = (f"取考核细则“{rule.source}”的成绩，按{scale}分制折算" if rule.source
             else f"录入成绩按{scale}分制折算")
    return [first, "得分＝成绩÷满分×分值"]


register(RuleKind(
    "convert", "折算", "把另一项考核的成绩（或录入的成绩）按比例折算：得分＝成绩÷满分×本项分值。",
    effect=_convert, describe=_describe_convert, slot=SET,
    fields=("scale", "source"),
    finding_needs=lambda rule: () if rule.source else ("value",),
    check_finding=_check_convert))


def _rank(rule: Rule, f: Finding, scope: Scope) -> list[Part]:
    item, points = _scored_item(rule, f, scope, "排位")
    if f.value is None:
        raise RuleError(f"{f.loc}: 排位规则 {rule.id} 须填写 value（次数）")
    best = scope.ctx.rank_best.get((item.id, rule.id))
    if best is None:
        return [Part(ZERO, IN, f"不参加排位（非{rule.group_by or '排位'}单位）")]
    if scope.self_mode and f.value > best:
        best = f.value
    return [Part(rank_value(points, best, f.value, rule.amount or ZERO),
                 note=f"最多{p(best)}次")]


def _describe_rank(rule: Rule) -> list[str]:
    group = f"在“{rule.group_by}”相同的单位中" if rule.group_by else "在同类单位中"
    return [f"{group}按完成数排名，每比最好者少1扣{p(rule.amount)}分"]


register(RuleKind(
    "rank", "按名次计分", "按同组单位的完成数排名计分：最好的单位得满分，每比最好者少一个扣规定分。",
    effect=_rank, describe=_describe_rank, slot=SET,
    fields=("amount", "group_by"), required=("amount", "group_by"),
    finding_needs=_value_needed))


# ------------------------------------------------------------ tiered


def _tiered(rule: Rule, f: Finding, scope: Scope) -> list[Part]:
    amount, tier = tiered_effect(rule, f)
    return [Part(amount, note=f"档次：{tier.label}" if tier is not None and tier.label else "")]


def _describe_tiered(rule: Rule) -> list[str]:
    tiers = []
    for t in rule.tiers:
        name = t.label or (f"{p(t.min)}及以上" if t.min is not None else "其余")
        tiers.append(f"{name}扣{p(t.amount)}分")
    return ["，".join(tiers) if tiers else "按档扣分"]


register(RuleKind(
    "tiered", "分档扣分", "按实测值落在哪一档扣该档规定的分。",
    effect=_tiered, describe=_describe_tiered,
    fields=("tiers",), required=("tiers",), finding_needs=_value_needed))

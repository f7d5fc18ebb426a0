"""Checks of meaning, after the schema has checked shape.

Every reference resolves (unit, rubric, item, rule, veto, flag); points add
up (a seed that is itself inconsistent gets a warning naming its documented
defect, never a silent fix); counts, chosen amounts and measured values are
in range; dates are real and inside their period; nothing is duplicated.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Optional
from pathlib import Path, PurePosixPath

from . import photos
from .annex.derive import annex_rules
from .validate_annex import check_annex_coverage, check_annex_decl
from .dates import allowed_range
from .periods import MONTH, YEAR, Period, kind_for_calendar
from .errors import Problems
from .model import Finding, Project, Record, Rubric, Rule, Unit
from .privacy_check import check_published_texts
from .render.columns import COLUMNS
from .scoring.kinds import KINDS
from .textfmt import fmt_points

COLUMN_KEYS = frozenset(COLUMNS)    # printed column keys: the registry of render/columns.py
FIELD_HINTS = {"tiers": "列出各档 min 和 amount。"}   # hint for a missing rule field


def validate_project(project: Project, problems: Problems) -> None:
    check_config(project, problems)
    for rubric in project.rubrics.values():
        check_rubric(rubric, problems)
    check_records(project, problems)
    check_annex_coverage(project, problems)
    check_published_texts(project, problems)


# ------------------------------------------------------------------ config

def units_by_id(units: list[Unit]) -> dict[str, Unit]:
    """Config.unit for many look-ups: the first unit of each id (as Config.unit finds it)."""
    out: dict[str, Unit] = {}
    for u in units:
        out.setdefault(u.id, u)
    return out


def check_config(project: Project, problems: Problems) -> None:
    cfg = project.config
    if cfg.as_of is not None and not isinstance(cfg.as_of, date):
        problems.error(cfg.as_of_loc, f"as_of「{cfg.as_of}」不是日期。",
                       "写成 as_of: 2017-12-31 这样的日期（数据截至日期），或删除这一行"
                       "（默认取考核记录中最晚的日期）。", code="bad-date")
    seen: dict[str, Unit] = {}
    names: dict[str, Unit] = {}
    by_id = units_by_id(cfg.units)
    for u in cfg.units:
        if u.id in seen:
            problems.error(u.loc, f"单位编号「{u.id}」重复（第一次在第 {seen[u.id].loc.line} 行）。",
                           "每个单位的 id 必须不同；如果是两个单位，给其中一个换一个 id。",
                           code="duplicate-unit")
        else:
            seen[u.id] = u
        if u.name in names and u.id != names[u.name].id:
            problems.warning(u.loc, f"单位名称「{u.name}」与第 {names[u.name].loc.line} 行的单位相同。",
                             "如果是同一个单位，请删除重复的一条；否则请在名称中区分。",
                             code="duplicate-unit-name")
        names.setdefault(u.name, u)
    for a in cfg.assign:
        rubric = project.rubrics.get(a.rubric)
        if rubric is None:
            problems.error(a.loc, f"找不到考核细则「{a.rubric}」。",
                           f"可用的考核细则：{'、'.join(sorted(project.rubrics)) or '（无）'}；"
                           "或在 rubrics/ 中添加该文件。", code="unknown-rubric")
            continue
        if not a.unit_ids:
            problems.error(a.loc, f"assign 中考核细则「{a.rubric}」的 units 条件没有选中任何单位。",
                           "检查 kind/group/attribute 的写法是否与 units 中的一致。", code="empty-assign")
        for uid in a.unit_ids:
            au = by_id.get(uid)
            if au is None:
                problems.error(a.loc, f"assign 中的单位「{uid}」不存在。",
                               "先在 units 中添加这个单位，或改正 id。", code="unknown-unit")
            elif rubric.assesses and au.kind not in rubric.assesses:
                problems.warning(a.loc, f"单位「{au.name}」的类型是{au.kind}，而考核细则「{rubric.title}」"
                                 f"考核的是{'、'.join(rubric.assesses)}。",
                                 "确认是否分配错了考核细则。", code="kind-mismatch")
        for period in a.periods:
            if Period.parse_or_none(period) is None:
                problems.error(a.loc, f"期间「{period}」格式不对。", "写成 2017、2017-Q1 或 2017-03。",
                               code="bad-period")


# ------------------------------------------------------------------ rubric

def check_rubric(rubric: Rubric, problems: Problems) -> None:
    documented = {w.code: w.text for w in rubric.warnings}
    ids: dict[str, object] = {}
    section_sum = Decimal(0)
    for s in rubric.sections:
        item_sum = Decimal(0)
        for it in s.items:
            if it.id in ids:
                problems.error(it.loc, f"条目编号「{it.id}」在考核细则中重复。",
                               "给条目一个不同的 id（例如 \"2.6\"）。", code="duplicate-item")
            ids[it.id] = it
            if rubric.mode == "score" and it.points is None:
                problems.error(it.loc, f"第 {it.number} 项缺少分值 points。",
                               "写出该项的分值；只扣分的细则请设置 mode: deduction_only。",
                               code="missing-points")
            item_sum += it.points or 0
            rule_ids = set()
            for r in it.rules:
                if r.id in rule_ids:
                    problems.error(r.loc, f"第 {it.number} 项中规则编号「{r.id}」重复。",
                                   "同一条目中的规则 id 必须不同。", code="duplicate-rule")
                rule_ids.add(r.id)
                check_rule(r, problems, it.points)
                if r.kind == "forfeit" and r.forfeits is not None:
                    target = it.rule(r.forfeits)
                    if target is None or target.kind != "earn":
                        earns = [x.id for x in it.rules if x.kind == "earn"]
                        problems.error(r.loc, f"第 {it.number} 项规则「{r.id}」要取消的得分规则"
                                       f"「{r.forfeits}」不是该项的得分（earn）规则。",
                                       f"forfeits 写该项的得分规则 id，可用：{'、'.join(earns) or '（无）'}。",
                                       code="unknown-rule")
        if s.points is not None and rubric.mode == "score" and item_sum != s.points:
            _sum_warning(problems, s.loc, documented,
                         f"“{s.title}”各项分值合计 {fmt_points(item_sum)} 分，与该部分的 "
                         f"{fmt_points(s.points)} 分不一致。")
        section_sum += s.points if s.points is not None else item_sum
    if rubric.scale is not None and rubric.mode == "score" and section_sum != rubric.scale:
        _sum_warning(problems, rubric.loc, documented,
                     f"各部分合计 {fmt_points(section_sum)} 分，与总分 {fmt_points(rubric.scale)} 分不一致。")
    rubric_rules = set()
    for r in rubric.bonuses + rubric.extra_deductions:
        if r.id in rubric_rules:
            problems.error(r.loc, f"全细则加减分规则编号「{r.id}」重复。", "改成不同的 id。",
                           code="duplicate-rule")
        rubric_rules.add(r.id)
        check_rule(r, problems, None)
    for item_id, parts in ((rubric.print or {}).get("rows") or {}).items():
        row_item = rubric.item(str(item_id))
        where = rubric.key_locs.get("print", rubric.loc)
        if row_item is None:
            problems.error(where, f"print.rows 中的条目「{item_id}」不存在。",
                           "改成考核细则中条目的 id。", code="unknown-item")
            continue
        for part in parts or []:
            for rid in (part or {}).get("rules") or []:
                if row_item.rule(str(rid)) is None:
                    problems.error(where, f"print.rows 中第 {row_item.number} 项的一行列出的规则「{rid}」"
                                   "不是该项的规则。", "改成该项 rules 中的规则 id。",
                                   code="unknown-rule")
    if rubric.title_lines and "".join(rubric.title_lines) != rubric.title:
        joined = "".join(rubric.title_lines)
        problems.error(rubric.key_locs.get("title_lines", rubric.loc),
                       f"标题分行 title_lines 连起来是「{joined}」，与标题 title「{rubric.title}」不一致。",
                       "改正 title_lines，使各行连起来与 title 一字不差（只在词与词之间分行）；"
                       "或删去 title_lines，由 booklet 自动按词分行。", code="title-lines")
    for c in rubric.columns:
        if c.key not in COLUMN_KEYS and not any(c.key in it.fields for it in rubric.items):
            problems.error(rubric.loc, f"打印列「{c.header}」的 key「{c.key}」不认识。",
                           f"可用：{'、'.join(sorted(COLUMN_KEYS))}，或条目 fields 中的键。",
                           code="unknown-column")
    for v in rubric.vetoes:
        auto = v.auto or {}
        if "item" in auto:
            ref = rubric.item(str(auto["item"]))
            if ref is None or ref.rule(str(auto.get("rule"))) is None:
                problems.error(v.loc, f"一票否决条件 {v.id} 引用的条目/规则 {auto.get('item')}/"
                               f"{auto.get('rule')} 不存在。", "改正 auto 中的 item 和 rule。",
                               code="unknown-rule")
    check_annex_decl(rubric, problems)
    for gc in rubric.grade_conditions:
        ba = gc.when.get("below_average") if isinstance(gc.when, dict) else None
        if ba:
            ref = rubric.item(str(ba.get("item")))
            if ref is None or ref.rule(str(ba.get("rule"))) is None:
                problems.error(gc.loc, f"等次条件 {gc.id} 引用的条目/规则不存在。",
                               "改正 below_average 中的 item 和 rule。", code="unknown-rule")


def _sum_warning(problems, loc, documented, text):
    if "points-sum" in documented:
        problems.warning(loc, f"{text}（原文如此，已记录：{documented['points-sum']}）",
                         "无需修改：这是原细则本身的不一致，打印时照原文。", code="points-sum")
    else:
        problems.warning(loc, text, "检查分值；如果原文如此，请在 warnings 中以 code: points-sum 说明。",
                         code="points-sum")


def check_rule(r: Rule, problems: Problems, points) -> None:
    kind = KINDS.get(r.kind)          # an unknown kind is a schema error already
    for f in kind.required if kind else ():
        if getattr(r, f) in (None, ()):
            problems.error(r.loc, f"规则「{r.id}」（{r.kind}）缺少 {f}。",
                           FIELD_HINTS.get(f, "按说明文档《评分规则词汇》的规则表补上该字段（booklet docs 显示它在哪里）。"),
                           code="rule-field")
    if kind and kind.amount_or_range and (r.amount is None) == (r.range is None):
        problems.error(r.loc, f"规则「{r.id}」要写 amount（固定分值）或 range（范围），二者选一。",
                       "例如 `amount: 1` 或 `range: [1, 2]`。", code="rule-field")
    if r.range is not None and r.range[0] > r.range[1]:
        problems.error(r.loc, f"规则「{r.id}」的范围 {list(map(fmt_points, r.range))} 下限大于上限。",
                       "写成 [小, 大]。", code="rule-field")


# ------------------------------------------------------------------ records

def check_records(project: Project, problems: Problems) -> None:
    cfg = project.config
    assigned = defaultdict(set)
    for a in cfg.assign:
        for uid in a.unit_ids:
            assigned[a.rubric].add(uid)
    seen: dict[tuple, Record] = {}
    by_id = units_by_id(cfg.units)
    for rec in project.records:
        rubric = project.rubrics.get(rec.rubric)
        unit = by_id.get(rec.unit)
        if rubric is None:
            problems.error(rec.where("rubric"), f"找不到考核细则「{rec.rubric}」。",
                           f"可用的考核细则：{'、'.join(sorted(project.rubrics)) or '（无）'}。",
                           code="unknown-rubric")
        if unit is None:
            problems.error(rec.where("unit"), f"单位「{rec.unit}」不在 booklet.yml 的 units 中。",
                           "改正单位 id，或先在 booklet.yml 中添加这个单位。", code="unknown-unit")
        if rubric is None or unit is None:
            continue
        if rec.unit not in assigned[rec.rubric]:
            problems.error(rec.where("unit"), f"单位「{unit.name}」没有被分配考核细则「{rubric.title}」。",
                           "在 booklet.yml 的 assign 中把该单位加入这个考核细则。", code="not-assigned")
        _check_layout(rec, problems)
        rp = Period.parse_or_none(rec.period)
        pk = rp.kind if rp is not None else None
        cal_kind = kind_for_calendar(rubric.calendar.assessment)
        if rec.kind == "inspection" and pk != MONTH:
            problems.error(rec.where("period"), f"督查记录的期间应为月份（如 2017-03），而不是「{rec.period}」。",
                           "把 period 改成督查所在的月份，或把 kind 改为 assessment。", code="bad-period")
        elif rec.kind == "assessment" and pk != cal_kind and pk != YEAR:
            problems.error(rec.where("period"), f"考核细则「{rubric.title}」按"
                           f"{_CAL_NAMES[rubric.calendar.assessment]}考核，期间「{rec.period}」不符。",
                           f"期间写成 {'、'.join(str(p) for p in Period.all_of(rp.year if rp else int(rec.period[:4]), cal_kind)[:2])} …",
                           code="bad-period")
        if rec.kind == "assessment":
            key = (rec.rubric, rec.unit, rec.period)
            if key in seen:
                problems.error(rec.loc, f"{unit.name} {rec.period} 的考核记录重复（另一份：{seen[key].loc.file}）。",
                               "每个单位每期只能有一份考核记录；督查记录请写 kind: inspection。",
                               code="duplicate-record")
            seen[key] = rec
        if rec.date is not None:
            _check_date(rec.date, rec, rec.where("date"), "考核日期", problems)
        for f in rec.findings:
            check_finding(project, rubric, unit, rec, f, problems)
        if rec.kind == "assessment" and pk == YEAR and cal_kind != YEAR:
            _check_year_end(project, rubric, unit, rec, problems)
        _warn_typed_annex_findings(project, rubric, unit, rec, problems)
        if rec.self_assessment:
            for f in rec.self_assessment.findings:
                check_finding(project, rubric, unit, rec, f, problems)
            for item_id in rec.self_assessment.notes:
                if rubric.item(item_id) is None:
                    problems.error(rec.loc, f"自评说明中的条目「{item_id}」不存在。",
                                   "改正条目编号。", code="unknown-item")
        vetoes = {v.id for v in rubric.vetoes}
        for v in rec.vetoes:
            if v.condition not in vetoes:
                problems.error(v.loc, f"一票否决条件「{v.condition}」在考核细则中不存在。",
                               f"可选：{'、'.join(sorted(vetoes)) or '（该细则没有一票否决）'}。",
                               code="unknown-veto")
        flags = {c.id for c in rubric.grade_conditions if c.when.get("flag")}
        for fl in rec.flags:
            if fl not in flags:
                problems.error(rec.loc, f"等次条件「{fl}」不存在或不能手工标记。",
                               f"可选：{'、'.join(sorted(flags)) or '（无）'}。", code="unknown-flag")


def _warn_typed_annex_findings(project: Project, rubric: Rubric, unit: Unit, rec: Record,
                               problems: Problems) -> None:
    """A rule that annex data decides (001 item 2 from 附件2, item 5 from 附件3)
    ignores what is typed for it: say so rather than let a typed line vanish."""
    annex = (project.annex or {}).get(unit.id)
    if annex is None:
        return
    ar = annex_rules(rubric)
    if ar is None:
        return
    decided: dict[tuple[Optional[str], str], str] = {}
    if annex.roster is not None:
        decided.update({key: "附件2花名册" for key in ar.decided("roster")})
    if annex.duty is not None:
        decided.update({key: "附件3执勤排班表" for key in ar.decided("duty")})
    typed = list(rec.findings)
    if rec.self_assessment is not None:
        typed += rec.self_assessment.findings
    for f in typed:
        source = decided.get((f.item, f.rule))
        if source:
            problems.warning(f.where("rule"), f"第 {f.item} 项规则「{f.rule}」由{unit.name}的{source}自动计算，"
                             "这里手工填写的不计分。",
                             f"删除这一条；如需更正，请修改{source}。", code="annex-decides")


_CAL_NAMES = {"monthly": "月", "quarterly": "季度", "half_year": "半年", "annual": "年度"}


def _check_layout(rec: Record, problems: Problems) -> None:
    parts = PurePosixPath(rec.loc.file).parts
    if len(parts) == 4 and parts[0] == "assessments":
        _, rubric_dir, period_dir, name = parts
        unit = name.split(".")[0]
        if (rubric_dir, period_dir, unit) != (rec.rubric, rec.period, rec.unit):
            problems.warning(rec.loc, f"文件位置与内容不符：内容是 {rec.rubric}/{rec.period}/{rec.unit}。",
                             f"把文件移到 assessments/{rec.rubric}/{rec.period}/{rec.unit}.yml，"
                             "或改正文件中的 rubric/period/unit。", code="layout")


def _check_date(d, rec: Record, loc, what, problems) -> None:
    """A record's or finding's date inside its period; an assessment of a quarter,
    half-year or year may be held after it, up to the end of the next month
    (booklet.dates.allowed_range)."""
    period = Period.parse_or_none(rec.period)
    if period is None or not isinstance(d, date):
        return                          # a bad period or date was reported already
    first, last = period.bounds
    late = rec.kind == "assessment" and period.kind != MONTH
    lo, hi = allowed_range(first, last, after_period=late)
    if not (lo <= d <= hi):
        if late:
            problems.error(loc, f"{what} {d.isoformat()} 不在期间 {rec.period}（{first.isoformat()} 至 "
                           f"{last.isoformat()}）内，也不在期满后一个月内（最晚 {hi.isoformat()}）。",
                           f"考核在期间内或期满后的下一个月内进行：把日期改为 {lo.isoformat()} 至 "
                           f"{hi.isoformat()} 之间，或把记录放到正确的期间。", code="date-range")
        else:
            problems.error(loc, f"{what} {d.isoformat()} 不在期间 {rec.period}（{first.isoformat()} 至 "
                           f"{last.isoformat()}）内。", "改正日期，或把记录放到正确的期间。",
                           code="date-range")


def _check_year_end(project: Project, rubric: Rubric, unit: Unit, rec: Record,
                    problems: Problems) -> None:
    """A record of the year next to assessment-period records is the year-end
    check (年底汇总): its findings are scored into the year (scoring.record.
    add_year_end), which takes only what a check finds — a rule that compares
    or sets a value per period (同比、按次数达标、折算、排位、分档) belongs in the
    period records."""
    from .scoring.record import YEAR_END_KINDS
    parts = {str(p) for p in Period.all_of(Period.parse(rec.period).year,
                                           kind_for_calendar(rubric.calendar.assessment))}
    if not any(r.rubric == rec.rubric and r.unit == rec.unit and r.kind == "assessment"
               and r.period in parts for r in project.records):
        return                        # no period records: the year is scored from this record
    for f in rec.findings:
        it = rubric.item(f.item) if f.item is not None else None
        rule = it.rule(f.rule) if it is not None else (rubric.rubric_rule(f.rule)
                                                        if f.item is None else None)
        if rule is None or rule.kind in YEAR_END_KINDS:
            continue
        kind = KINDS.get(rule.kind)
        problems.error(f.where("rule"),
                       f"{unit.name} {rec.period} 是年底汇总记录（该单位另有各期考核记录），"
                       f"第 {f.item} 项规则「{rule.id}」（{kind.title if kind else rule.kind}）"
                       "按各期考核计分，不能在年底汇总记录中再记一次。",
                       "把这条记录写进相应季度（期间）的考核记录；年底汇总记录只记年底检查发现的"
                       "得分、扣分、加分、不得分。", code="year-end-kind")


def check_finding(project: Project, rubric: Rubric, unit: Unit, rec: Record, f: Finding,
                  problems: Problems) -> None:
    if f.item is None:
        rule = rubric.rubric_rule(f.rule)
        if rule is None:
            names = "、".join(r.id for r in rubric.bonuses + rubric.extra_deductions) or "（无）"
            problems.error(f.where("rule"), f"全细则加减分规则「{f.rule}」不存在（没有写 item 时，rule 指的是全细则的加减分）。",
                           f"写上 item: 条目编号；或改用：{names}。", code="unknown-rule")
            return
        points = None
    else:
        item = rubric.item(f.item)
        if item is None:
            problems.error(f.where("item"), f"条目「{f.item}」在考核细则「{rubric.title}」中不存在。",
                           f"条目编号见 rubrics/{rubric.id}.yml（共 {len(rubric.items)} 项）。",
                           code="unknown-item")
            return
        rule = item.rule(f.rule)
        if rule is None:
            problems.error(f.where("rule"), f"第 {item.number} 项没有规则「{f.rule}」。",
                           f"可用：{'、'.join(r.id for r in item.rules) or '（无）'}。", code="unknown-rule")
            return
        points = item.points
    where = f"第 {f.item} 项规则「{rule.id}」" if f.item else f"规则「{rule.id}」"
    if rule.applies_to and not any(unit.has(w) for w in rule.applies_to):
        problems.error(f.where("rule"), f"{where}只适用于{'、'.join(rule.applies_to)}，{unit.name}不是。",
                       "删除这条记录，或检查 booklet.yml 中该单位的 attributes。", code="not-applicable")
    if f.count is not None and not rule.counted:
        problems.error(f.where("count"), f"{where}不按次数计（原文：{rule.text}），不能写 count。",
                       "删除 count。", code="count-not-allowed")
    if rule.range is not None:
        lo, hi = rule.range
        if f.amount is None:
            problems.error(f.loc, f"{where}的分值由考核人在 {fmt_points(lo)}–{fmt_points(hi)} 分之间选定，"
                           "记录中缺少 amount。", f"写上 amount，例如 amount: {fmt_points(hi)}。",
                           code="missing-amount")
        elif not (lo <= f.amount <= hi):
            problems.error(f.where("amount"), f"{where}的分值 {fmt_points(f.amount)} 超出范围 {fmt_points(lo)}–"
                           f"{fmt_points(hi)} 分（原文：{rule.text}）。",
                           f"把 amount 改成 {fmt_points(lo)} 到 {fmt_points(hi)} 之间的数。",
                           code="amount-range")
    elif f.amount is not None:
        problems.error(f.where("amount"), f"{where}的分值是固定的（原文：{rule.text}），不能写 amount。",
                       "删除 amount；按次数计的写 count。", code="amount-not-allowed")
    if f.amount is not None and points is not None and f.amount > points:
        problems.error(f.where("amount"), f"{where}的分值 {fmt_points(f.amount)} 超过该项分值 {fmt_points(points)}。",
                       "检查 amount。", code="amount-range")
    kind = KINDS.get(rule.kind)
    needs = kind.finding_needs(rule) if kind else ()
    if "value" in needs and f.value is None:
        problems.error(f.loc, f"{where}需要测量值 value（原文：{rule.text}）。",
                       "写上 value，例如签订率 96 或案件数 12。", code="missing-value")
    if "baseline" in needs and f.baseline is None:
        problems.error(f.loc, f"{where}需要上年同期的数 baseline。", "写上 baseline: 上年的数。",
                       code="missing-baseline")
    if f.value is not None and f.value < 0:
        problems.error(f.where("value"), f"{where}的测量值不能为负数。", "改正 value。", code="negative")
    if kind and kind.check_finding:
        kind.check_finding(rule, f, where, problems)
    if f.date is not None:
        _check_date(f.date, rec, f.where("date"), "发现日期", problems)
    if f.photos:
        root = Path(project.root).resolve()
        for photo in f.photos:
            _check_photo(photo, root, f, problems)


def _check_photo(photo: str, root: Path, f: Finding, problems: Problems) -> None:
    _, bad = photos.resolve_photo(root, photo)   # the same rule as the build's
    if bad:
        problems.error(f.where("photos"), bad.what, bad.fix, code="bad-photo")

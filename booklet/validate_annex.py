"""validate, annex rules: the rubric's `annex` block is well formed, and the
units' annex data and the rules that read it cover each other (warnings)."""
from __future__ import annotations

from collections import defaultdict
from typing import Optional

from .annex.derive import AnnexRules, annex_rules
from .errors import Problems
from .model import Project, Rubric

# ------------------------------------------------------------------ annex rules

_FORM_WORDS = {"roster": "附件2花名册", "duty": "附件3执勤排班表"}


def check_annex_decl(rubric: Rubric, problems: Problems) -> None:
    """The rubric's `annex` block names rules that exist and fit (the base
    rule earns a fixed amount, the extra and late rules count), and each veto
    `auto: {annex: …}` has the declaration it is judged by."""
    decl = rubric.annex
    refs = []
    if decl.roster is not None:
        refs += [("roster.base", decl.roster.base, False), ("roster.extra", decl.roster.extra, True)]
        seen = set()
        for t in decl.roster.teams:
            if t.type in seen:
                problems.error(decl.roster.loc, f"annex.roster.teams 中队伍类型「{t.type}」写了两次。",
                               "每种队伍类型写一行，用 count 写支数。", code="annex-rule")
            seen.add(t.type)
    if decl.duty is not None:
        refs.append(("duty.late", decl.duty.late, True))
    for where, ref, counted in refs:
        if ref is None:
            continue
        item = rubric.item(ref.item)
        rule = item.rule(ref.rule) if item is not None else None
        if rule is None:
            problems.error(ref.loc, f"annex.{where} 引用的条目/规则 {ref.item}/{ref.rule} 不存在。",
                           "改正 item 和 rule。", code="unknown-rule")
            continue
        if rule.kind not in ("earn", "deduct") or rule.counted != counted or rule.amount is None:
            need = "按次数计（写 per）" if counted else "不按次数计（不写 per）"
            problems.error(ref.loc, f"annex.{where} 指向的规则「{rule.id}」应是固定分值、{need}的"
                           f"得分或扣分规则（现在是 {rule.kind}）。",
                           "改正 rubric 中该规则，或让 annex 指向另一条规则。", code="annex-rule")
    for v in rubric.vetoes:
        form = (v.auto or {}).get("annex")
        if form in _FORM_WORDS and getattr(decl, form) is None:
            problems.error(v.loc, f"一票否决条件 {v.id} 由{_FORM_WORDS[form]}判定，但考核细则没有 annex.{form}。",
                           f"在考核细则中写上 annex.{form}（见说明文档《附件数据》，booklet docs）。",
                           code="annex-rule")


def check_annex_coverage(project: Project, problems: Problems) -> None:
    """Warn about annex data no rule reads, and about units that lack the
    annex data a rule of their rubric reads (they are then scored as the
    rubric's `missing` says). Only the forms rules can read (附件2, 附件3):
    附件4 用款审批表 is kept for the ledger, never scored."""
    cfg = project.config
    units = {u.id: u for u in cfg.units}
    rubrics_of: dict[str, list[str]] = defaultdict(list)
    for a in cfg.assign:
        for uid in a.unit_ids:
            if a.rubric in project.rubrics and a.rubric not in rubrics_of[uid]:
                rubrics_of[uid].append(a.rubric)
    rules = {rid: annex_rules(r) for rid, r in project.rubrics.items()}
    annex = project.annex or {}
    for uid, ua in annex.items():
        name = units[uid].name if uid in units else uid
        for form, words in _FORM_WORDS.items():
            data = ua.get(form)
            if data is None:
                continue
            if not any(_reads(rules[rid], form) for rid in rubrics_of[uid]):
                assigned = "、".join(rubrics_of[uid]) or "（没有分配考核细则）"
                problems.warning(data.loc, f"{name}的{words}没有任何考核规则读取（该单位的考核细则：{assigned}），"
                                 "不影响得分。",
                                 f"在考核细则中用 annex.{form} 声明由它计算的规则（见说明文档《附件数据》，booklet docs），"
                                 "或删除这个文件。", code="annex-unread")
    for rid, ar in rules.items():
        if ar is None:
            continue
        units_of_rubric = [uid for uid, rids in rubrics_of.items() if rid in rids]
        for form, words in _FORM_WORDS.items():
            if not ar.reads(form):
                continue
            decl = getattr(ar, form)
            lacking = [uid for uid in units_of_rubric if (annex.get(uid) is None or annex[uid].get(form) is None)]
            if not lacking:
                continue
            names = [units[u].name if u in units else u for u in lacking]
            shown = "、".join(names[:8]) + (f"等{len(names)}个单位" if len(names) > 8 else "")
            what = "、".join(f"第{i}项「{r}」" for i, r in ar.decided(form)) or "一票否决"
            then = ("按考核记录中填写的计分" if decl.missing == "assessor"
                    else "按空表计算（没有队伍 / 全部漏报）")
            problems.warning(decl.loc, f"考核细则 {rid} 的{what}由{words}计算，但{shown}没有{words}："
                             f"{then}（annex.{form}.missing: {decl.missing}）。",
                             f"按说明文档《附件数据》（booklet docs）补上{words}（或用 booklet import 导入）；"
                             "确实没有时可不处理。", code="annex-lacking")


def _reads(ar: Optional[AnnexRules], form: str) -> bool:
    return ar is not None and ar.reads(form)

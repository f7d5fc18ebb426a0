"""Text forms of Results for `booklet score`: table, JSON, CSV and the
Chinese explain trail. Pure string building (the command does the I/O).
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from itertools import groupby
from typing import Iterable, Iterator, Mapping, Optional, Sequence

from ..model import Rubric, Rule
from ..periods import label as period_label
from ..textfmt import fmt_date, pad, text_table
from .fmt import fmt_points, fmt_signed, json_number
from .items import trend_change, whole_steps
from .result import Adjustment, ItemScore, Result

# ------------------------------------------------------------ helpers


def _rank(r: Result) -> str:
    return "" if r.rank is None else str(r.rank)


def _veto_text(r: Result) -> str:
    return "是" if r.vetoed else ""


def _change(r: Result) -> str:
    return fmt_signed(r.change) if r.change is not None else ""


# ------------------------------------------------------------ JSON


def adjustment_json(a: Adjustment) -> dict:
    return {
        "rule": a.rule_id, "kind": a.kind, "amount": json_number(a.amount),
        "raw_amount": json_number(a.raw_amount), "count": a.count,
        "value": json_number(a.value), "baseline": json_number(a.baseline),
        "reason": a.reason, "date": a.date.isoformat() if a.date else None,
        "origin": a.origin, "note": a.note, "derived": a.derived,
        "source": str(a.source),
    }


def item_json(s: ItemScore) -> dict:
    return {
        "item": s.item_id, "number": s.number, "points": json_number(s.points),
        "score": json_number(s.score), "deducted": json_number(s.deducted),
        "lost": json_number(s.lost), "added": json_number(s.added), "self_score": json_number(s.self_score),
        "differs": s.differs,
        "adjustments": [adjustment_json(a) for a in s.adjustments],
    }


def result_json(r: Result) -> dict:
    """One Result as plain JSON data; numbers have at most 2 decimals."""
    return {
        "rubric": r.rubric_id, "period": r.period, "unit": r.unit_id,
        "unit_name": r.unit_name, "total": json_number(r.total),
        "self_total": json_number(r.self_total),
        "deducted_total": json_number(r.deducted_total), "lost_total": json_number(r.lost_total),
        "base": json_number(r.base),
        "grade": r.grade, "grade_reasons": list(r.grade_reasons), "vetoed": r.vetoed,
        "vetoes": [{"id": v.id, "text": v.text, "reason": v.reason, "derived": v.derived}
                   for v in r.vetoes],
        "rank": r.rank, "rank_of": r.rank_of,
        "previous_total": json_number(r.previous_total), "change": json_number(r.change),
        "items": [item_json(s) for s in r.items],
        "rubric_adjustments": [adjustment_json(a) for a in r.rubric_adjustments],
        "record_files": list(r.record_files),
    }


def iter_json(results: Iterable[Result]) -> Iterator[str]:
    """The JSON array of the results, one result at a time (constant memory for any
    number of units); the pieces joined are exactly json.dumps of the whole list
    with indent=2 (a JSON text holds no raw newline, so each line is indented)."""
    first = True
    for r in results:
        text = json.dumps(result_json(r), ensure_ascii=False, indent=2)
        yield ("[\n  " if first else ",\n  ") + text.replace("\n", "\n  ")
        first = False
    yield "[]" if first else "\n]"


def render_json(results: Sequence[Result]) -> str:
    return "".join(iter_json(results))


# ------------------------------------------------------------ CSV


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def csv_cell(value: object) -> str:
    """One CSV cell: a Decimal as points (2, 0.5, -1.5), None as empty, a
    text that a spreadsheet would run as a formula (=, +, -, @, tab or CR at
    the start) with a leading apostrophe so it is shown as text. A plain
    signed number ("-1.5", "+2") is left alone: it is read as a number,
    never run."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt_points(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The one score-CSV writer (`booklet score --format csv` and the site's
    download): \r\n line ends as Excel writes them, every cell through
    `csv_cell`. Encode as utf-8-sig (BOM) so that Excel reads it as UTF-8."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def render_csv(results: Sequence[Result], rubrics: Mapping[str, Rubric] = {}) -> str:
    """CSV for Excel: Chinese headers, one row per result; when all rows are of
    one rubric, one column per item (第N项 得分, or 扣分 for deduction-only
    rubrics; the item's title is added where numbers repeat). Encode the text
    as utf-8-sig (BOM) so that Excel reads it as UTF-8; texts that would run
    as formulas are guarded (csv_cell)."""
    headers = ["考核细则", "期间", "排名", "单位编号", "单位", "总分", "自评总分", "扣分合计",
               "失分合计", "等次", "一票否决", "否决情形", "上期总分", "变化"]
    rids = {r.rubric_id for r in results}
    item_cols: list[ItemScore] = []
    deduction_only = False
    if len(rids) == 1 and results:
        rub = rubrics.get(results[0].rubric_id)
        deduction_only = rub is not None and rub.mode == "deduction_only"
        item_cols = results[0].items
        titles = {it.id: it.title for it in rub.items} if rub is not None else {}
        numbers = [s.number for s in item_cols]
        for s in item_cols:
            h = f"第{s.number}项"
            if numbers.count(s.number) > 1:
                h += f"（{titles.get(s.item_id) or s.item_id}）"
            headers.append(h + ("扣分" if deduction_only else ""))
    rows = []
    for r in results:
        row = [r.rubric_id, r.period, _rank(r), r.unit_id, r.unit_name, fmt_points(r.total),
               fmt_points(r.self_total), fmt_points(r.deducted_total), fmt_points(r.lost_total),
               r.grade or "",
               _veto_text(r), "；".join(f"{v.text}{'（' + v.reason + '）' if v.reason else ''}"
                                       for v in r.vetoes),
               fmt_points(r.previous_total), _change(r)]
        if item_cols:
            row += [fmt_points(s.deducted if deduction_only else s.score) for s in r.items]
        rows.append(row)
    return csv_text(headers, rows)


# ------------------------------------------------------------ table


def render_table(results: Sequence[Result], rubrics: Mapping[str, Rubric] = {}) -> str:
    """One table per rubric and period, ranked, with Chinese headings."""
    blocks = []
    for (rid, period), run in groupby(results, key=lambda r: (r.rubric_id, r.period)):
        group = list(run)
        rub = rubrics.get(rid)
        title = f"{rub.title}（{rid}）" if rub else rid
        has_self = any(r.self_total is not None for r in group)
        has_grade = any(r.grade for r in group)
        has_change = any(r.change is not None for r in group)
        # deduction-only (002): the points lost are the result; 总分 only where a
        # base is set, so a unit without one is never shown as 总分 8
        lost_only = rub is not None and rub.mode == "deduction_only"
        has_base = any(r.base is not None for r in group)
        headers = ["排名", "单位"] + (["扣分"] + (["总分"] if has_base else []) if lost_only
                                    else ["总分"])
        if has_self:
            headers.append("自评")
        if has_grade:
            headers.append("等次")
        headers.append("一票否决")
        if has_change:
            headers += ["上期", "变化"]
        rows = []
        for r in group:
            row = [_rank(r), r.unit_name]
            if lost_only:
                row.append(fmt_points(r.deducted_total))
                if has_base:
                    row.append(fmt_points(r.total) if r.base is not None else "")
            else:
                row.append(fmt_points(r.total))
            if has_self:
                row.append(fmt_points(r.self_total))
            if has_grade:
                row.append(r.grade or "")
            row.append("、".join(f"（{v.id}）" for v in r.vetoes) if r.vetoed else "")
            if has_change:
                row += [fmt_points(r.previous_total), _change(r)]
            rows.append(row)
        first = 3 + (1 if lost_only and has_base else 0)
        right = {0, 2, first - 1} | ({first} if has_self else set())
        if has_change:
            right |= {len(headers) - 2, len(headers) - 1}
        n = group[0].rank_of or len(group)
        labels = sorted({r.period_label for r in group})
        blocks.append(f"{title} · {'／'.join(labels)}（共{n}个单位）\n"
                      + text_table(headers, rows, right))
    return "\n\n".join(blocks) if blocks else "没有符合条件的考核结果。"


# ------------------------------------------------------------ explain


def _adj_lines(a: Adjustment, rule: Optional[Rule] = None, indent: str = "    ") -> list[str]:
    amount = fmt_signed(a.amount)
    head = f"{indent}{pad(amount, 6)}【{a.rule_id}】{a.rule_text}"
    lines = [head]
    facts = []
    if a.count is not None:
        facts.append(f"{a.count}{rule.per if rule is not None and rule.per else '次'}")
    if a.value is not None:
        unit = rule.unit if rule is not None and rule.unit else ""
        facts.append(f"实测{fmt_points(a.value)}{unit}")
    if a.baseline is not None:
        facts.append(f"上年{fmt_points(a.baseline)}")
        if rule is not None and rule.kind == "trend" and rule.step and a.value is not None:
            ch = trend_change(rule, a.value, a.baseline)
            what = "上升" if ch > 0 else "下降" if ch < 0 else "持平"
            if ch:
                size = (f"{fmt_points(abs(ch))}%" if rule.measure != "difference"
                        else f"{fmt_points(abs(ch))}个百分点")
                steps = whole_steps(abs(ch), rule.step)
                what += f"{size}，合{steps}个整步（每步{fmt_points(rule.step)}）"
            facts.append(what)
    if a.raw_amount != a.amount:
        facts.append(f"按规则应为{fmt_signed(a.raw_amount)}分")
    sub = indent + " " * 6
    if facts:
        lines.append(f"{sub}计算：{'，'.join(facts)}")
    if a.reason:
        lines.append(f"{sub}事由：{a.reason}")
    where = []
    if a.date:
        where.append(fmt_date(a.date))
    if a.origin:
        where.append(f"来自{period_label(a.origin)}")
    if a.derived:
        where.append("由附件数据计算")
    if a.source and a.source.file != "<内置>":
        where.append(f"记录 {a.source}")
    if a.evidence:
        where.append(f"依据：{a.evidence}")
    if a.photos:
        where.append("照片：" + "、".join(a.photos))
    if where:
        lines.append(f"{sub}{'；'.join(where)}")
    if a.note:
        lines.append(f"{sub}说明：{a.note}")
    return lines


def render_explain(results: Sequence[Result], rubrics: Mapping[str, Rubric] = {}) -> str:
    """The full trail of each result, in Chinese."""
    out: list[str] = []
    for r in results:
        rub = rubrics.get(r.rubric_id)
        items = {it.id: it for it in rub.items} if rub else {}
        rules: dict[tuple[Optional[str], str], Rule] = {
            (it.id, rl.id): rl for it in items.values() for rl in it.rules}
        if rub is not None:
            rules.update({(None, rl.id): rl for rl in rub.bonuses + rub.extra_deductions})
        title = rub.title if rub else r.rubric_id
        out.append("=" * 60)
        out.append(f"{r.unit_name}（{r.unit_id}） · {title} · {r.period_label}")
        head = [f"总分 {fmt_points(r.total)} 分"]
        if rub is None or rub.mode != "deduction_only":
            head.append(f"失分 {fmt_points(r.lost_total)} 分")
        if r.base is not None:
            head.append(f"基数 {fmt_points(r.base)} 分，扣 {fmt_points(r.deducted_total)} 分")
        elif rub is not None and rub.mode == "deduction_only":
            head = [f"共扣 {fmt_points(r.deducted_total)} 分"]
        if r.self_total is not None:
            head.append(f"自评 {fmt_points(r.self_total)} 分")
        if r.rank is not None:
            head.append(f"排名 第{r.rank}名（共{r.rank_of}个单位）")
        if r.grade:
            head.append(f"等次 {r.grade}")
        if r.previous_total is not None:
            head.append(f"上期 {fmt_points(r.previous_total)} 分（{_change(r)}）")
        out.append("　".join(head))
        if r.assessors or r.date:
            out.append(f"考核人：{'、'.join(r.assessors) or '—'}　考核日期：{fmt_date(r.date) or '—'}")
        if r.record_files:
            out.append("考核记录：" + "、".join(r.record_files))
        out.append("")
        for s in r.items:
            it = items.get(s.item_id)
            name = f" {it.title}" if it is not None and it.title else ""
            pts = f"（分值{fmt_points(s.points)}分）" if s.points is not None else ""
            if s.points is None:                 # deduction-only: the deduction is the result
                line = f"第{s.number}项{name}：扣 {fmt_points(s.deducted)} 分"
                if s.added:
                    line += f"，加 {fmt_points(s.added)} 分"
            else:
                line = f"第{s.number}项{name}{pts}：得 {fmt_points(s.score)} 分"
                if s.lost:
                    line += f"，失 {fmt_points(s.lost)} 分"
            if s.self_score is not None:
                line += f"（自评 {fmt_points(s.self_score)} 分{'，与考核得分不同' if s.differs else ''}）"
            if it is not None and s.points is not None:
                start = "从0分起计" if it.basis == "earned" else f"从{fmt_points(s.points)}分起扣"
                line += f"，{start}"
            out.append(line)
            if s.self_note:
                out.append(f"    自评情况：{s.self_note}")
            if not s.adjustments:
                out.append("    （未扣分）" if s.points is None else "    （无加扣分）")
            for a in s.adjustments:
                out.extend(_adj_lines(a, rules.get((s.item_id, a.rule_id))))
        if r.rubric_adjustments:
            out.append("")
            out.append("全表加分、减分：")
            for a in r.rubric_adjustments:
                out.extend(_adj_lines(a, rules.get((None, a.rule_id))))
        if r.vetoes:
            out.append("")
            out.append("一票否决：")
            for v in r.vetoes:
                src = "（由附件数据计算）" if v.derived else ""
                out.append(f"    {v.text}")
                if v.reason:
                    out.append(f"          事由：{v.reason}{src}")
                if v.source and v.source.file != "<内置>":
                    out.append(f"          记录 {v.source}")
            out.append("    否决后总分保留，等次与排名按一票否决处理。")
        if r.grade_reasons:
            out.append("")
            out.append("等次依据：")
            for g in r.grade_reasons:
                out.append(f"    {g}")
        out.append("")
    return "\n".join(out) if out else "没有符合条件的考核结果。"

"""booklet new record --rubric R --period P --unit U: a record skeleton.

Writes assessments/<rubric>/<period>/<unit>.yml with the schema line, the
record's header filled in and every rule of the rubric listed as a comment
(item number and title, rule id, its kind and amount), ready to uncomment.
Never overwrites a file that exists.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..load import CONFIG_FILE, load_config, load_rubric_file
from ..errors import Problems
from ..model import Rubric, Rule
from ..periods import Period
from ..scoring.kinds import KINDS


def _rule_line(rule: Rule, item: str | None) -> list[str]:
    kind = KINDS.get(rule.kind)
    what = f"{kind.title}，{'；'.join(kind.describe(rule))}" if kind else rule.kind
    needs = kind.finding_needs(rule) if kind else ()
    head = f"# - {{item: \"{item}\", rule: {rule.id}" if item is not None else f"# - {{rule: {rule.id}"
    extra = "".join(f", {n}: " for n in needs)
    return [f"{head}{extra}}}    # {what}"]


def skeleton(rubric: Rubric, unit: str, period: str, kind: str) -> str:
    """The text of a new record: header, then every rule commented out."""
    depth = "../../../"
    lines = [f"# yaml-language-server: $schema={depth}schema/record.schema.json",
             f"# {rubric.title}：{unit} {period} 的考核记录（booklet new record 生成）。",
             "# 发现一项情况，就去掉对应行首的 # 号；需要时补上 count（次数）、reason（事由）等。",
             f"rubric: {rubric.id}",
             f"unit: {unit}",
             f"period: \"{period}\"" if "-" not in period else f"period: {period}",
             f"kind: {kind}",
             "# date: 考核日期，如 2018-03-26",
             "assessors: []",
             "findings:"]
    for section in rubric.sections:
        lines.append(f"  # ---- {section.label or section.title}")
        for item in section.items:
            points = f"（{item.points}分）" if item.points is not None else ""
            lines.append(f"  # 第{item.number}项 {item.title or item.requirement}{points}")
            for rule in item.rules:
                lines.extend("  " + s for s in _rule_line(rule, item.id))
    for title, rules in (("加分", rubric.bonuses), ("另行扣分", rubric.extra_deductions)):
        if rules:
            lines.append(f"  # ---- {title}")
            for rule in rules:
                lines.extend("  " + s for s in _rule_line(rule, None))
    if rubric.vetoes:
        lines.append("# 一票否决（发生时去掉 # 号）：")
        lines.append("# vetoes:")
        for v in rubric.vetoes:
            lines.append(f"#   - {{condition: \"{v.id}\", reason: 事由}}    # {v.text}")
    return "\n".join(lines) + "\n"


@click.group(help="新建文件的骨架 (create file skeletons)。")
def command() -> None:
    pass


@command.command("record", help="新建一份考核记录：assessments/细则/期间/单位.yml，"
                                "列出细则的每一条评分规则（注释），不覆盖已有文件。\n\n"
                                "(Write a record skeleton listing every rule of the rubric.)")
@click.option("--rubric", "rubric_id", required=True, help="考核细则编号，如 hutang-2017")
@click.option("--period", required=True, help="期间：2018、2018-H1、2018-Q1 或 2018-03")
@click.option("--unit", required=True, help="单位编号（booklet.yml 的 units 中的 id）")
@click.option("--inspection", is_flag=True, help="这是一次督查（inspection）而不是考核")
@click.option("--project", "root", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="项目目录（默认当前目录）")
def record(rubric_id: str, period: str, unit: str, inspection: bool, root: Path) -> None:
    root = root.resolve()
    if not (root / CONFIG_FILE).is_file():
        raise click.ClickException(f"{root} 中没有 {CONFIG_FILE}：请在项目目录中运行，或用 --project 指定项目目录。")
    p = Period.parse_or_none(str(period))
    if p is None:
        raise click.UsageError(f"期间「{period}」的格式不对：写成 2018、2018-H1、2018-Q1 或 2018-03。")
    period = str(p)
    rubric_path = next((root / "rubrics" / f"{rubric_id}{ext}" for ext in (".yml", ".yaml")
                        if (root / "rubrics" / f"{rubric_id}{ext}").is_file()), None)
    if rubric_path is None:
        have = sorted(x.stem for x in (root / "rubrics").glob("*.y*ml"))
        raise click.ClickException(f"rubrics/ 中没有考核细则「{rubric_id}」。"
                                   + (f"已有：{'、'.join(have)}。" if have else "先把考核细则放进 rubrics/。"))
    rubric, problems = load_rubric_file(rubric_path, root)
    if rubric is None or problems.errors:
        click.echo(problems.report(), err=True)
        raise click.ClickException(f"考核细则 {rubric_path.relative_to(root)} 有错误，请先改正。")
    cp = Problems()
    config = load_config(root, cp)
    units = {u.id for u in config.units} if config else set()
    if config is not None and unit not in units:
        raise click.ClickException(
            f"单位编号「{unit}」不在 booklet.yml 的 units 中。先在 units 中加上这个单位，例如：\n"
            f"  - {{id: {unit}, name: 单位名称, kind: 社区}}\n再运行本命令。")
    target = root / "assessments" / rubric.id / period / f"{unit}.yml"
    rel = target.relative_to(root).as_posix()
    if target.exists():
        raise click.ClickException(f"{rel} 已经存在，不会覆盖它。直接编辑这个文件，或先把它改名/删除。")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(skeleton(rubric, unit, period, "inspection" if inspection else "assessment"),
                      encoding="utf-8")
    if rubric.year is not None and rubric.year != p.year:
        click.echo(f"注意：考核细则 {rubric.id} 是 {rubric.year} 年度的，记录的期间是 {period}。"
                   f"如果 {p.year} 年的细则有变化，复制一份细则（改 id、title、year）再用新的编号。",
                   err=True)
    click.echo(f"已新建考核记录：{rel}\n打开它，去掉发现情况对应行首的 # 号，保存后运行 booklet validate。")

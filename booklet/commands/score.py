"""booklet score: compute and show scores (table, JSON, CSV, or the trail of one unit)."""
from __future__ import annotations

import click

from ..build import score
from ._common import as_of_option, load_or_stop, project_dir


def _matches_unit(r, key: str) -> bool:
    return r.unit_id == key or r.unit_name == key


@click.command(help="计算并显示考核得分。\n\n"
                    "(Score the records: a ranked table, JSON, CSV for Excel, or with "
                    "--explain the full trail of one unit.)")
@click.option("--rubric", "rubric_id", metavar="ID", help="只显示该考核细则 (only this rubric)")
@click.option("--period", metavar="P", help="只显示该期间，如 2017-Q1 (only this period)")
@click.option("--unit", "unit_id", metavar="ID", help="只显示该单位（编号或名称） (only this unit)")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="输出格式 (output format)")
@click.option("--explain", "explain", metavar="UNIT",
              help="逐项列出该单位每一分的加减依据 (the full trail of one unit)")
@as_of_option
@project_dir
def command(rubric_id, period, unit_id, fmt, explain, as_of, project_dir):
    from ..scoring.report import iter_json, render_csv, render_explain, render_table

    project, _ = load_or_stop(project_dir, quiet_warnings=fmt != "table", as_of=as_of)
    if rubric_id and rubric_id not in project.rubrics:
        known = "、".join(sorted(project.rubrics)) or "（无）"
        raise click.BadParameter(f"没有考核细则 {rubric_id}。已有：{known}",
                                 param_hint="--rubric")
    results = score(project)
    if rubric_id:
        results = [r for r in results if r.rubric_id == rubric_id]
    if period:
        results = [r for r in results if r.period == period]
    unit_key = explain or unit_id
    if unit_key:
        results = [r for r in results if _matches_unit(r, unit_key)]
        if not results and not any(u.id == unit_key or u.name == unit_key
                                   for u in project.config.units):
            raise click.BadParameter(f"没有单位 {unit_key}（请写单位编号或名称）",
                                     param_hint="--explain" if explain else "--unit")

    if explain:
        click.echo(render_explain(results, project.rubrics))
    elif fmt == "json":
        for piece in iter_json(results):     # streamed: memory does not grow with units
            click.echo(piece, nl=False)
        click.echo()
    elif fmt == "csv":
        # bytes go to the binary stdout untouched; the BOM makes Excel read UTF-8
        click.echo(render_csv(results, project.rubrics).encode("utf-8-sig"), nl=False)
    else:
        click.echo(render_table(results, project.rubrics))

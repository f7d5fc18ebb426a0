"""booklet rubrics: list the project's rubrics with their sections and points."""
from __future__ import annotations

import json

import click

from ..textfmt import fmt_points
from ._common import load_or_stop, project_dir
from ..textfmt import text_table


def summary(rubric) -> dict:
    def num(v):
        return None if v is None else float(v) if v != v.to_integral_value() else int(v)
    return {
        "id": rubric.id, "title": rubric.title, "issuer": rubric.issuer, "year": rubric.year,
        "scale": num(rubric.scale), "mode": rubric.mode,
        "item_count": len(rubric.items),
        "sections": [{"title": s.title, "points": num(s.points), "item_count": len(s.items)}
                     for s in rubric.sections],
        "vetoes": len(rubric.vetoes),
        "warnings": [w.text for w in rubric.warnings],
    }


@click.command(help="列出项目中的考核细则。\n\n(List the rubrics: id, title, scale, sections.)")
@project_dir
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="输出格式 (output format)")
def command(project_dir, fmt):
    project, _ = load_or_stop(project_dir, quiet_warnings=True)
    data = [summary(r) for r in sorted(project.rubrics.values(), key=lambda r: r.id)]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = []
    for r in sorted(project.rubrics.values(), key=lambda r: r.id):
        rows.append([r.id, r.title, fmt_points(r.scale) if r.scale is not None else "只扣分",
                     str(len(r.items)),
                     "；".join(f"{s.title} {fmt_points(s.points) if s.points is not None else '-'}"
                              for s in r.sections)])
    click.echo(text_table(["编号", "名称", "满分", "条目数", "各部分分值"], rows))

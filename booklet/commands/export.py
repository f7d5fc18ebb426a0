"""booklet export [--unit ID] [PROJECT_DIR]: annex data back to XLSX.

Writes <internal>/annex/<ID>/roster.xlsx | duty.xlsx | funds.xlsx (default
build/internal/annex/), in the columns `booklet import` reads. Internal only:
the files hold personal data and are never put into the site.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..annex.exporter import export_unit
from ..errors import BookletError
from ..annex.cli import load_quietly, output_root, unit_or_stop
from ..records_xlsx.cli import WithRecords, export_records
from ._common import project_dir


@click.command(cls=WithRecords, records_command=export_records,
               help="把附件数据（花名册、执勤排班表、用款审批表）导出为 Excel，写入内部目录。\n"
                    "booklet export records --rubric 细则 --period 期间 -o 文件.xlsx："
                    "导出考核记录录入表。\n\n"
                    "(Export annex data to XLSX in the internal output folder; "
                    "`export records`: a records entry workbook.)")
@click.option("--unit", "unit_id", default=None, help="只导出这个单位 (one unit only)")
@project_dir
def command(unit_id: str | None, project_dir: Path) -> None:
    project = load_quietly(project_dir, annex_unit=unit_id, need_annex=True)
    unit = unit_or_stop(project, unit_id)
    ids = [unit.id] if unit else sorted(project.annex)
    if unit and unit.id not in project.annex:
        raise BookletError(f"单位 {unit.id} 没有附件数据"
                           f"（assessments/annex/{project.config.year}/{unit.id}/）。",
                           fix="先用 booklet import 导入数据。")
    out = output_root(project, "internal")
    count = 0
    for uid in ids:
        for p in export_unit(project.annex[uid], out, project.config.unit(uid),
                                project.config.year):
            click.echo(f"已导出：{p}")
            count += 1
    click.echo(f"共 {count} 个文件（内部资料，含个人信息，不得公开）。")

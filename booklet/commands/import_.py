"""booklet import roster|duty|funds FILE.xlsx|FILE.csv --unit ID [PROJECT_DIR] [--force]

Turns a spreadsheet into validated annex YAML at
assessments/annex/<ID>/roster.yml | duty.yml | funds.yml. Nothing is written
if any row is wrong; each problem names the sheet and row (表 Sheet1 第 7 行).
An existing file is replaced only with --force.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..annex.importer import import_file
from ..annex.cli import FORM_CHOICE, load_quietly
from ._common import project_dir


@click.command(help="从 Excel（.xlsx）或 CSV 导入附件数据：roster 花名册、duty 执勤排班表、funds 用款审批表。\n\n"
                    "(Import annex data from a spreadsheet into assessments/annex/ID/.)")
@click.argument("form", type=FORM_CHOICE)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unit", "unit_id", required=True, help="单位编号，如 hutang-01 (unit id)")
@click.option("--force", is_flag=True, help="覆盖已有的文件 (replace an existing file)")
@project_dir
def command(form: str, file: Path, unit_id: str, force: bool, project_dir: Path) -> None:
    project = load_quietly(project_dir)
    target, problems = import_file(project.root, project.config, form, file, unit_id, force=force)
    for w in problems.sorted():
        click.echo(w.format(), err=True)
    n = len(problems.warnings)
    click.echo(f"已导入：{target}" + (f"（{n} 个警告）" if n else ""))

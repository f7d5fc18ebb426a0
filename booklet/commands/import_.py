"""booklet import roster|duty|funds FILE.xlsx|FILE.csv --unit ID [PROJECT_DIR]
[--year YEAR] [--force] [--allow-shrink] [--one-team]

Turns a spreadsheet into validated annex YAML at
assessments/annex/<YEAR>/<ID>/roster.yml | duty.yml | funds.yml (the year: the
sheet's 年度 column, --year, the data's dates, else booklet.yml's year; the
message says which). Nothing is written
if any row is wrong; each problem names the sheet and row (表 Sheet1 第 7 行).
An existing file is replaced only with --force, and an import that would
remove most of it only with --allow-shrink. What changed and what the file
now holds (teams with type and size, filings, requests) is printed.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..annex.importer import import_spreadsheet
from ..annex.cli import FORM_CHOICE, load_quietly
from ..records_xlsx.cli import WithRecords, import_records
from ._common import project_dir


@click.command(cls=WithRecords, records_command=import_records,
               help="从 Excel（.xlsx）或 CSV 导入附件数据：roster 花名册、duty 执勤排班表、funds 用款审批表。"
                    "导入后列出改动和各队伍的人数。\n"
                    "booklet import records 文件.xlsx：导入考核记录录入表（见 booklet import records --help）。\n\n"
                    "(Import annex data from a spreadsheet into assessments/annex/YEAR/ID/.)")
@click.argument("form", type=FORM_CHOICE)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--unit", "unit_id", required=True, help="单位编号，如 hutang-01 (unit id)")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="数据的年度，如 2017；不写时取表中的日期（报备期、申请日期），"
                   "再不行取 booklet.yml 的 year (the data's year)")
@click.option("--force", is_flag=True, help="覆盖已有的文件 (replace an existing file)")
@click.option("--allow-shrink", is_flag=True,
              help="允许导入删除已有文件中的大部分数据（如清空花名册）(allow removing most of the existing data)")
@click.option("--one-team", is_flag=True,
              help="花名册确实只有一支队伍时使用 (the roster really has one team)")
@project_dir
def command(form: str, file: Path, unit_id: str, year: int | None, force: bool, allow_shrink: bool,
            one_team: bool, project_dir: Path) -> None:
    project = load_quietly(project_dir)
    r = import_spreadsheet(project.root, project.config, form, file, unit_id, force=force,
                           allow_shrink=allow_shrink, one_team=one_team, year=year)
    for w in r.problems.sorted():
        click.echo(w.format(), err=True)
    n = len(r.problems.warnings)
    if r.moved:
        click.echo(f"已把旧版目录 {r.moved[0]} 移到 {r.moved[1]}（附件数据按年度存放）。")
    click.echo(f"已导入：{r.target}" + (f"（{n} 个警告）" if n else ""))
    click.echo(f"年度：{r.year}（{r.year_from}）")
    if r.changes:
        click.echo("与原文件相比：")
        for line in r.changes:
            click.echo(f"  {line}")
    click.echo("现在的内容：")
    for line in r.summary:
        click.echo(f"  {line}")

"""`booklet export records` and `booklet import records`: click commands, and
the dispatch that lets the verbs `export` and `import` take `records` as
their first word while `export [--unit ID]` and `import roster|duty|funds`
keep working."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import BookletError


class WithRecords(click.Command):
    """A command whose first argument `records` hands over to `records_command`."""

    def __init__(self, *args, records_command: click.Command, **kwargs):
        super().__init__(*args, **kwargs)
        self.records_command = records_command

    def make_context(self, info_name, args, parent=None, **extra):
        if args and args[0] == "records":
            return self.records_command.make_context(f"{info_name} records", list(args[1:]),
                                                     parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


def _project(project_dir: Path):
    from ..load import load_project
    project, problems = load_project(project_dir)
    if project is None:
        raise BookletError(problems)
    return project


@click.command(help="把一个期间的考核记录导出为 Excel 录入表：每个单位一张表，"
                    "按打印的评分表排列，考核人和被考核单位（自评）都可在表中填写。\n\n"
                    "(Export a period's records to an entry workbook.)")
@click.option("--rubric", "rubric_id", required=True, help="考核细则编号，如 hutang-2017")
@click.option("--period", required=True, help="期间，如 2017-Q3、2017-03、2017")
@click.option("--unit", "unit_id", default=None, help="只导出这个单位 (one unit only)")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="写到这个 .xlsx 文件")
@click.argument("project_dir", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
def export_records(rubric_id: str, period: str, unit_id: str | None, output: Path,
                   project_dir: Path) -> None:
    from .writer import export_workbook
    if output.suffix.lower() != ".xlsx":
        raise click.UsageError(f"输出文件「{output}」应以 .xlsx 结尾。")
    project = _project(project_dir)
    data = export_workbook(project, rubric_id, period, unit_id)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    click.echo(f"已导出录入表：{output}")


@click.command(help="把填好的 Excel 录入表（booklet export records 导出的）导入为考核记录，"
                    "写入 assessments/细则/期间/单位.yml。有任何错误时不写入任何文件。\n\n"
                    "(Import an entry workbook into records.)")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖与表格不同的已有记录 (replace differing records)")
@click.option("--self", "self_only", is_flag=True,
              help="只导入自评（被考核单位填写的自评记录、自评情况），其余保持不变 "
                   "(take the self-assessment only)")
@click.argument("project_dir", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
def import_records(file: Path, force: bool, self_only: bool, project_dir: Path) -> None:
    from .importer import import_workbook
    project = _project(project_dir)
    r = import_workbook(project, file, force=force, self_only=self_only)
    if r.problems.errors:
        raise BookletError(r.problems)
    for w in r.problems.sorted():
        click.echo(w.format(), err=True)
    for rel in r.added:
        click.echo(f"新增：{rel}")
    for rel, lines in r.changed.items():
        click.echo(f"修改：{rel}")
        for line in lines:
            click.echo(f"  {line}")
    click.echo(f"共新增 {len(r.added)} 份、修改 {len(r.changed)} 份，"
               f"{len(r.unchanged)} 份与已有记录相同（未改动）。")

"""booklet init DIR: a working project to start from (config, the five
rubrics, sample records, the schemas and an empty templates/ to override)."""
from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..resources import example_project

PARTS = ("booklet.yml", "rubrics", "assessments", "templates", "schema")


@click.command(help="在 DIR 中新建一个可直接构建的示例项目。\n\n"
                    "(Create a project in DIR from the bundled example.)")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="目录非空时仍然写入 (write into a non-empty folder)")
def command(directory: Path, force: bool) -> None:
    src = example_project()
    if directory.exists() and any(directory.iterdir()) and not force:
        raise click.ClickException(f"目录 {directory} 不是空的。换一个新目录，或加 --force 覆盖同名文件。")
    directory.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        s = src / part
        if not s.exists():
            continue
        d = directory / part
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".keep"))
        else:
            shutil.copy2(s, d)
    click.echo(f"已新建项目：{directory}\n下一步：\n  cd {directory}\n  booklet validate\n  booklet build")

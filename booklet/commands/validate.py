"""booklet validate [PATH]: check the whole project, or one file of it."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import BookletError, Problems
from ..build import load_and_validate
from ..load import CONFIG_FILE, load_rubric_file


def _project_root(path: Path) -> Path:
    """The folder holding booklet.yml at or above `path`."""
    p = path.resolve()
    for candidate in [p, *p.parents] if p.is_dir() else list(p.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return p if p.is_dir() else p.parent


@click.command(help="检查项目（或其中一个文件）中的全部错误，一次全部列出。\n\n"
                    "(Validate the project, or one file of it; all errors at once.)")
@click.argument("path", required=False, default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="警告也算失败 (treat warnings as errors)")
def command(path: Path, strict: bool) -> None:
    root = _project_root(path)
    if path.is_file():
        rel = path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(root) else str(path)
        project, problems = load_and_validate(root)
        # keep only what concerns this file (the project is needed to resolve references)
        mine = Problems([p for p in problems.items if p.loc.file == rel])
        if path.resolve().parent.name == "rubrics" and project is None:
            _, mine = load_rubric_file(path, root)
        problems = mine
        what = rel
    else:
        project, problems = load_and_validate(root)
        what = str(root)
    if problems.errors or (strict and problems.warnings):
        raise BookletError(problems)
    for w in problems.sorted():
        click.echo(w.format(), err=True)
    if project is not None and not path.is_file():
        n_rec = len(project.records)
        click.echo(f"检查通过：{what}（{len(project.rubrics)} 个考核细则，{len(project.config.units)} 个单位，"
                   f"{n_rec} 份记录，{len(problems.warnings)} 个警告）。")
    else:
        click.echo(f"检查通过：{what}（{len(problems.warnings)} 个警告）。")

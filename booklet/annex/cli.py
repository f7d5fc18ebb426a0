"""Shared by the verbs `booklet forms`, `booklet import` and `booklet export`."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import BookletError, Problems
from ..load import load_project
from ..model import Loc, Project, Unit

FORM_CHOICE = click.Choice(["roster", "duty", "funds"])


def load_quietly(root: Path, *, annex_unit: str | None = None, need_annex: bool = False) -> Project:
    """The project, stopping only on problems that matter to annex commands:
    booklet.yml itself, and (need_annex) the annex files of `annex_unit` (or all)."""
    project, problems = load_project(root)
    if project is None:
        raise BookletError(problems)
    if need_annex:
        mine = Problems([p for p in problems.items if _annex_of(p.loc.file, annex_unit)])
        if mine.errors:
            raise BookletError(mine)
        for w in mine.sorted():
            click.echo(w.format(), err=True)
    return project


def _annex_of(file: str, unit_id: str | None) -> bool:
    """Is `file` an annex file (of `unit_id`): assessments/annex/[<year>/]<unit>/…"""
    parts = file.split("/")
    if parts[:2] != ["assessments", "annex"]:
        return False
    return unit_id is None or unit_id in parts[2:4]


def unit_or_stop(project: Project, unit_id: str | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = project.config.unit(unit_id)
    if unit is None:
        known = "、".join(u.id for u in project.config.units[:8])
        raise BookletError(f"单位编号「{unit_id}」不在 booklet.yml 的 units 中。", Loc("booklet.yml"),
                           f"用 --unit 指定已有的单位编号（如 {known}）。")
    return unit


def output_root(project: Project, which: str) -> Path:
    """site/ or the internal folder, created with booklet's output marker so that
    a later `booklet build` may replace it."""
    from ..build import MARKER, mark_output, output_dir
    path = output_dir(project.root, project.config, which)
    path.mkdir(parents=True, exist_ok=True)
    if not (path / MARKER).exists():
        mark_output(path)
    return path

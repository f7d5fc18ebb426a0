"""Shared by the verbs: the project-folder argument and 'load or stop'."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

import click

from ..errors import BookletError, Problems
from ..build import load_and_validate
from ..model import Project

project_dir = click.argument(
    "project_dir", required=False, default=".",
    type=click.Path(file_okay=False, path_type=Path))


def _parse_as_of(ctx, param, value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"「{value}」不是日期，请写成 2017-12-31 这样的格式。") from None


as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", callback=_parse_as_of,
    help="数据截至日期：报备期限按这一天判断，默认取 booklet.yml 的 as_of，"
         "否则取考核记录中最晚的日期 (the day the data stand; never the system clock)")


def load_or_stop(root: Path, *, quiet_warnings: bool = False,
                 as_of: Optional[date] = None) -> tuple[Project, Problems]:
    """Load and validate the project; print warnings; raise BookletError on errors."""
    project, problems = load_and_validate(root, as_of=as_of)
    if problems.errors or project is None:
        raise BookletError(problems)
    if problems.warnings and not quiet_warnings:
        for w in problems.sorted():
            click.echo(w.format(), err=True)
    return project, problems

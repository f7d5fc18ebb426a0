"""Shared by the verbs: the project-folder argument and 'load or stop'."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import BookletError, Problems
from ..build import load_and_validate
from ..model import Project

project_dir = click.argument(
    "project_dir", required=False, default=".",
    type=click.Path(file_okay=False, path_type=Path))


def load_or_stop(root: Path, *, quiet_warnings: bool = False) -> tuple[Project, Problems]:
    """Load and validate the project; print warnings; raise BookletError on errors."""
    project, problems = load_and_validate(root)
    if problems.errors or project is None:
        raise BookletError(problems)
    if problems.warnings and not quiet_warnings:
        for w in problems.sorted():
            click.echo(w.format(), err=True)
    return project, problems

"""The day a project's data stand ("数据截至"): the only date scoring reads.

Scoring never looks at the system clock. A filing deadline (附件3) is judged
against this day: one on or after it is not yet due. It is, in order:

1. `--as-of YYYY-MM-DD` of `booklet score` / `booklet build`;
2. `as_of` in booklet.yml;
3. the latest date in the assessment records (a record's `date`, a finding's
   `date`): the data stand as of the last thing recorded. For a period that
   is over, any as-of date after its end gives the same scores (only its own
   deadlines count), so this matters only while a period is still running.

No dated record at all: None, and every deadline is judged as passed.
The site and the print show this day as "数据截至…".
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from .model import Project


def data_as_of(project: Project) -> Optional[date]:
    """The latest record or finding date of the project."""
    newest: Optional[date] = None
    for rec in project.records:
        for d in [rec.date] + [f.date for f in rec.findings]:
            if d is not None and (newest is None or d > newest):
                newest = d
    return newest


def resolve_as_of(project: Project, override: Optional[date] = None) -> Optional[date]:
    """Set and return project.as_of (option, then booklet.yml, then the records)."""
    configured = project.config.as_of if isinstance(project.config.as_of, date) else None
    project.as_of = override or configured or data_as_of(project)
    return project.as_of

"""Scoring: pure functions from loaded data (booklet.model) to Results
(booklet.scoring.result). No I/O; Decimal arithmetic throughout.

    from booklet.scoring import score_project
    results = score_project(project)             # list[Result]

Modules: kinds (the rule kind registry), items (per-rule functions, one
item), evaluate (one finding), dedupe (incidents, subjects, the rubric-wide
bonus cap), vetoes, record (one record), periods (calendar, inspection
rollup, year end), ranking (rank rule, ranks, grades), project (the entry point), fmt (fmt_points), report (table, JSON,
CSV and the explain trail for `booklet score`).
"""
from .fmt import fmt_points
from .project import score_project
from .record import RubricIndex, score_record
from .items import RuleError

__all__ = ["score_project", "score_record", "fmt_points", "RubricIndex", "RuleError"]

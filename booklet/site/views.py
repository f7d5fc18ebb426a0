"""The site's view of one build: results indexed once, rankings, averages.

`SiteData` walks the results and records a single time and keeps them by
(rubric, period) and by unit, so rendering 1,000 unit pages never rescans the
whole list. It only reads `Project` and `Result`; annex data is never touched.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from ..model import Project, Record, Rubric, Unit
from ..periods import YEAR, Period, kind_for_calendar
from ..periods import sort_key as period_sort_key
from ..scoring.ranking import lower_is_better
from ..scoring.result import Result
from ..textfmt import fmt_points
from .privacy import public_text


@dataclass
class Row:
    """One result as a line of a ranking."""
    result: Result
    unit_id: str
    unit_name: str
    value: Decimal
    rank: Optional[int]
    rank_of: Optional[int]
    change: Optional[Decimal]
    grade: str
    vetoed: bool


@dataclass
class PeriodView:
    rubric_id: str
    id: str
    label: str
    short: str
    rows: list[Row]
    average: Optional[Decimal]
    best: Optional[Decimal]
    worst: Optional[Decimal]
    vetoed: int
    grades: list[tuple[str, int]]
    data_date: Optional[date] = None    # newest assessment date of this period's results

    @property
    def period(self) -> Period:
        return Period.parse(self.id)


@dataclass
class RubricView:
    rubric: Rubric
    value_word: str                     # 得分 | 扣分合计 | 得分（基础分减扣分）
    lower_is_better: bool
    periods: list[PeriodView]           # chronological
    trend: list[PeriodView]             # the assessment periods (no year) for charts
    grade_names: list[str]

    @property
    def id(self) -> str:
        return self.rubric.id

    @property
    def data_date(self) -> Optional[date]:
        """Newest assessment date of this rubric's results (the "数据截至" of its block)."""
        dates = [pv.data_date for pv in self.periods if pv.data_date is not None]
        return max(dates) if dates else None

    @property
    def latest_first(self) -> list[PeriodView]:
        return list(reversed(self.periods))


@dataclass
class UnitRubric:
    """One unit's results under one rubric, chronological."""
    view: RubricView
    results: list[tuple[PeriodView, Row]]


@dataclass
class UnitView:
    id: str
    name: str
    unit: Optional[Unit]
    rubrics: list[UnitRubric] = field(default_factory=list)


_PTS_CACHE: dict = {}


def pts(value) -> str:
    """textfmt.fmt_points, memoised: a 1,000-unit site formats the same few
    hundred numbers some 200,000 times."""
    try:
        return _PTS_CACHE[value]
    except KeyError:
        pass
    except TypeError:                  # unhashable: cannot happen for numbers
        return fmt_points(value)
    text = fmt_points(value)
    if len(_PTS_CACHE) > 50_000:
        _PTS_CACHE.clear()
    _PTS_CACHE[value] = text
    return text


def _q(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"))


class SiteData:
    def __init__(self, project: Project, results: list[Result]):
        self.project = project
        cfg = project.config
        self.units: dict[str, Unit] = {u.id: u for u in cfg.units}
        self.publish_notes = bool(cfg.privacy.publish_notes)

        # records: by file (results name the files that fed them) and by key
        self.records_by_file: dict[str, Record] = {}
        self.records_by_key: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
        newest: Optional[date] = None
        for rec in project.records:
            self.records_by_file[rec.loc.file] = rec
            self.records_by_key[(rec.rubric, rec.unit, rec.period)].append(rec)
            for d in [rec.date] + [f.date for f in rec.findings]:
                if d is not None and (newest is None or d > newest):
                    newest = d

        by_rp: dict[tuple[str, str], list[Result]] = defaultdict(list)
        for r in results:
            by_rp[(r.rubric_id, r.period)].append(r)
            if r.date is not None and (newest is None or r.date > newest):
                newest = r.date
        # the project's as-of date (booklet/asof.py): the day the scores stand
        self.data_date = project.as_of or newest

        # rubric views in the order booklet.yml assigns them (the town's own
        # rubric first), then any other rubric of the project
        rubric_ids = list(dict.fromkeys(
            [a.rubric for a in project.config.assign if a.rubric in project.rubrics]
            + list(project.rubrics)))
        for rid, _ in by_rp:
            if rid not in rubric_ids and rid in project.rubrics:
                rubric_ids.append(rid)
        self.rubric_views: list[RubricView] = []
        self.by_unit: dict[str, dict[str, list[tuple[PeriodView, Row]]]] = defaultdict(dict)
        for rid in rubric_ids:
            rubric = project.rubrics[rid]
            periods = sorted({p for (rr, p) in by_rp if rr == rid}, key=period_sort_key)
            if not periods:
                continue
            view = self._rubric_view(rubric, periods, by_rp)
            self.rubric_views.append(view)
            for pv in view.periods:
                for row in pv.rows:
                    self.by_unit[row.unit_id].setdefault(rid, []).append((pv, row))
        self.rubric_view_by_id = {v.id: v for v in self.rubric_views}
        # one order of rubrics everywhere: those with results as ranked above,
        # then the rest in booklet.yml's order
        self.rubric_order: list[Rubric] = [v.rubric for v in self.rubric_views] + [
            rb for rid, rb in project.rubrics.items() if rid not in self.rubric_view_by_id]

        # every unit of the config, then any unit that only appears in results
        order = [u.id for u in cfg.units]
        seen = set(order)
        for uid in self.by_unit:
            if uid not in seen:
                order.append(uid)
                seen.add(uid)
        self.unit_views: list[UnitView] = []
        for uid in order:
            unit = self.units.get(uid)
            per_rubric = self.by_unit.get(uid, {})
            name = unit.name if unit else next(
                (row.unit_name for lst in per_rubric.values() for _, row in lst), uid)
            uv = UnitView(uid, name, unit)
            for view in self.rubric_views:
                if view.id in per_rubric:
                    uv.rubrics.append(UnitRubric(view, per_rubric[view.id]))
            self.unit_views.append(uv)

    # -------------------------------------------------------------- building

    def _rubric_view(self, rubric: Rubric, periods: list[str],
                     by_rp: dict[tuple[str, str], list[Result]]) -> RubricView:
        lower = lower_is_better(rubric, [r for p in periods for r in by_rp[(rubric.id, p)]])
        word = "扣分合计" if lower else "得分"
        grade_names = [g.name for g in rubric.grades]
        veto_grade = (rubric.veto_effect or {}).get("grade")
        if veto_grade and veto_grade not in grade_names:
            grade_names.append(veto_grade)
        pvs = [self._period_view(rubric, Period.parse(p), by_rp[(rubric.id, p)], lower,
                                 grade_names) for p in periods]
        want = kind_for_calendar(rubric.calendar.assessment)
        trend = [pv for pv in pvs if pv.period.kind == want]
        if len(trend) < 2:
            non_year = [pv for pv in pvs if pv.period.kind != YEAR]
            trend = non_year if len(non_year) >= 2 else pvs
        return RubricView(rubric, word, lower, pvs, trend, grade_names)

    def _period_view(self, rubric: Rubric, period: Period, results: list[Result],
                     lower: bool, grade_names: list[str]) -> PeriodView:
        # ranks, changes and the headline total are scoring's (Result); the
        # view only orders and counts them
        rows: list[Row] = []
        for r in results:
            unit = self.units.get(r.unit_id)
            rows.append(Row(r, r.unit_id, unit.name if unit else r.unit_name, r.total,
                            r.rank, r.rank_of, r.change, r.grade or "", bool(r.vetoed)))
        rows.sort(key=lambda row: (row.rank if row.rank is not None else 10**9,
                                   row.value if lower else -row.value, row.unit_id))
        values = [row.value for row in rows]
        avg = _q(sum(values, Decimal(0)) / len(values)) if values else None
        counts = Counter(row.grade for row in rows if row.grade)
        grades = [(g, counts[g]) for g in grade_names if counts.get(g)]
        grades += [(g, n) for g, n in sorted(counts.items()) if g not in grade_names]
        return PeriodView(
            rubric.id, str(period), period.label, period.short, rows, avg,
            (min(values) if lower else max(values)) if values else None,
            (max(values) if lower else min(values)) if values else None,
            sum(1 for row in rows if row.vetoed), grades,
            self._as_of_cap(max((r.date for r in results if r.date is not None), default=None)))

    def _as_of_cap(self, newest: Optional[date]) -> Optional[date]:
        """A period's 数据截至 never goes past the project's as-of date
        (booklet/asof.py; by default the latest record date, so no cap)."""
        as_of = self.project.as_of
        return as_of if newest is not None and as_of is not None and newest > as_of else newest

    # -------------------------------------------------------------- lookups

    def notes_for(self, r: Result) -> list[str]:
        """Published notes of the records behind a result: never internal ones,
        and only when the project publishes notes at all; phones masked."""
        if not self.publish_notes:
            return []
        recs = [self.records_by_file[f] for f in r.record_files if f in self.records_by_file]
        if not recs:
            recs = self.records_by_key.get((r.rubric_id, r.unit_id, r.period), [])
        out = []
        for rec in recs:
            for note in rec.notes:
                if not note.internal and note.text:
                    out.append(public_text(note.text))
        return out

"""The entry point: score every assigned unit and period of a project."""
from __future__ import annotations

import gc
from collections import defaultdict
from decimal import Decimal
from typing import Callable, Optional

from ..model import Finding, Project, Record, Rubric, Unit, VetoFinding
from ..periods import Period, sort_key
from .periods import (calendar_periods, inspection_findings, is_rollup_year, month_ids,
                      sub_periods, year_rollup)
from .ranking import assign_grades, assign_ranks, rank_bests, set_changes
from .evaluate import Entry
from .record import Context, RubricIndex, RuleError, add_year_end, score_record, veto_hits
from .result import Result, VetoHit

Derive = Callable[[Project, Rubric, Unit, str], tuple[list[Finding], list[VetoFinding]]]


def score_project(project: Project, *, derive: Optional[Derive] = None) -> list[Result]:
    """Score a loaded project. Pure: no I/O.

    For every Assignment of booklet.yml, every unit and every period (the
    assignment's, or the rubric calendar's: quarterly → YYYY-Q1..Q4 and YYYY;
    half_year → YYYY-H1, H2 and YYYY; monthly → YYYY-01..12 and YYYY;
    annual → YYYY; the year is the rubric's `year`, else config.year):

    - an assessment period is scored from the unit's assessment record(s) of
      that period, with the monthly inspections of its months rolled in per
      calendar.rollup (each adjustment keeps `origin` = its month), plus what
      `derive(project, rubric, unit, period)` returns (adjustments and vetoes
      marked derived=True). No assessment record → no Result.
    - the year of a non-annual calendar is rolled up from the assessment
      periods' Results per calendar.year_end (periods.year_rollup); it exists
      when at least one of them does. The findings of a record of the year
      itself (the year-end check, 年底汇总) are then scored into it
      (record.add_year_end). Its vetoes: those of the parts, of a
      record of the year itself, of derive(…, year) (vetoes only: derived
      findings already count in the parts) and `auto` vetoes counted over all
      the year's findings. Without any part, a record of the year itself is
      scored directly.

    Rubrics whose `convert` rules take another rubric's result (`source`) are
    scored after it. Then per rubric and period: ranks, grades, and the change
    against the previous period.

    Returns the Results in config order of rubrics, then period order, then
    rank. Raises RuleError (a ValueError) where a record does not fit its
    rubric (validation reports such records first).
    """
    # Scoring allocates a few objects per finding, none of them in reference
    # cycles: the cyclic garbage collector only costs time here (over half of
    # it on 10,000 records), so it is paused and restored afterwards.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _score_project(project, derive)
    finally:
        if gc_was_enabled:
            gc.enable()


def _score_project(project: Project, derive: Optional[Derive]) -> list[Result]:
    cfg = project.config
    units = {u.id: u for u in cfg.units}

    assess: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    inspect: dict[tuple[str, str, str], list[Record]] = defaultdict(list)
    for rec in project.records:
        if rec.kind == "inspection":
            inspect[(rec.rubric, rec.unit, rec.period)].append(rec)
        else:
            assess[(rec.rubric, rec.period, rec.unit)].append(rec)

    # rubric → unit → (periods to report, base)
    plans: dict[str, dict[str, tuple[list[str], Optional[Decimal]]]] = {}
    for a in cfg.assign:
        rubric = project.rubrics.get(a.rubric)
        if rubric is None:
            raise RuleError(f"{a.loc}: 没有考核细则 {a.rubric!r}")
        year = rubric.year or cfg.year
        periods = list(a.periods) or calendar_periods(rubric.calendar, year)
        plan = plans.setdefault(a.rubric, {})
        for uid in a.unit_ids:
            have, base = plan.get(uid, ([], None))
            have = have + [p for p in periods if p not in have]
            plan[uid] = (have, base if base is not None else a.base)

    done: dict[tuple[str, str, str], Result] = {}
    emitted: list[Result] = []
    for rid in _dependency_order(project, plans):
        emitted.extend(_score_rubric(project, project.rubrics[rid], plans[rid], units,
                                     assess, inspect, done, derive))

    rubric_order = {rid: i for i, rid in enumerate(plans)}
    unit_order = {u.id: i for i, u in enumerate(cfg.units)}
    emitted.sort(key=lambda r: (rubric_order.get(r.rubric_id, 0), sort_key(r.period),
                                r.rank if r.rank is not None else 1 << 30,
                                unit_order.get(r.unit_id, 1 << 30), r.unit_id))
    return emitted


def _dependency_order(project: Project, plans: dict) -> list[str]:
    """Rubric ids with every `convert` source before the rubric that uses it."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(rid: str, chain: tuple[str, ...]) -> None:
        if state.get(rid) == 2:
            return
        if state.get(rid) == 1:
            raise RuleError("折算来源形成循环：" + " → ".join(chain + (rid,)))
        state[rid] = 1
        rubric = project.rubrics[rid]
        for it in rubric.items:
            for r in it.rules:
                if r.kind == "convert" and r.source and r.source in plans:
                    visit(r.source, chain + (rid,))
        state[rid] = 2
        order.append(rid)

    for rid in plans:
        visit(rid, ())
    return order


def _score_rubric(project: Project, rubric: Rubric,
                  plan: dict[str, tuple[list[str], Optional[Decimal]]],
                  units: dict[str, Unit],
                  assess: dict, inspect: dict, done: dict,
                  derive: Optional[Derive]) -> list[Result]:
    index = RubricIndex(rubric)
    cal = rubric.calendar
    rid = rubric.id

    # period → unit ids, as insertion-ordered dicts (sets that keep config order)
    direct: dict[str, dict[str, None]] = defaultdict(dict)
    years: dict[str, dict[str, None]] = defaultdict(dict)
    for uid, (periods, _) in plan.items():
        for p in periods:
            if is_rollup_year(cal, p):
                years[p][uid] = None
                for sp in sub_periods(cal, Period.parse(p).year):
                    direct[sp][uid] = None
            else:
                direct[p][uid] = None

    def unit_of(uid: str) -> Unit:
        return units.get(uid) or Unit(id=uid, name=uid, kind="")

    flags: dict[tuple[str, str], list[str]] = {}          # (period, unit) → flags
    merged: dict[tuple[str, str], list[Finding]] = {}     # (period, unit) → all findings
    need_merged = bool(index.rank_rules or index.auto_vetoes)
    by_period: dict[str, list[Result]] = defaultdict(list)

    for p in sorted(direct, key=sort_key):
        prepared = []
        months = month_ids(p)
        for uid in direct[p]:
            recs = assess.get((rid, p, uid))
            if not recs:
                continue
            unit = unit_of(uid)
            ins = [r for m in months for r in inspect.get((rid, uid, m), ())]
            rolled = inspection_findings(ins, cal.rollup)
            d = derive(project, rubric, unit, p) if derive is not None else None
            prepared.append((uid, unit, recs, ins, d, rolled))
            flags[(p, uid)] = [f for r in recs for f in r.flags]
            if need_merged:
                fs = [f for r in recs for f in r.findings]
                fs.extend(rolled[0])
                if d is not None:
                    fs.extend(d[0])
                merged[(p, uid)] = fs
        bests = (rank_bests(index, {uid: (unit, merged[(p, uid)])
                                    for uid, unit, *_ in prepared})
                 if index.rank_rules else {})
        for uid, unit, recs, ins, d, rolled in prepared:
            ctx = Context(
                sources={s: done[(s, uid, p)] for s in index.sources if (s, uid, p) in done},
                rank_best=bests.get(uid, {}),
                base=plan[uid][1])
            res = score_record(index, unit, recs[0], inspections=ins, rollup=cal.rollup,
                               derived=d, ctx=ctx, extra_records=recs[1:], period=p,
                               _rolled=rolled)
            done[(rid, uid, p)] = res
            by_period[p].append(res)

    for y in sorted(years, key=sort_key):
        subs = sub_periods(cal, Period.parse(y).year)             # once per year, not per unit
        for uid in years[y]:
            unit = unit_of(uid)
            parts = [done[(rid, uid, sp)] for sp in subs if (rid, uid, sp) in done]
            yrecs = assess.get((rid, y, uid), [])
            d = derive(project, rubric, unit, y) if derive is not None else None
            if not parts:
                if not yrecs:
                    continue
                ins = [r for m in month_ids(y) for r in inspect.get((rid, uid, m), ())]
                ctx = Context(sources={s: done[(s, uid, y)] for s in index.sources
                                       if (s, uid, y) in done}, base=plan[uid][1])
                res = score_record(index, unit, yrecs[0], inspections=ins, rollup=cal.rollup,
                                   derived=d, ctx=ctx, extra_records=yrecs[1:], period=y)
            else:
                year_findings = [f for sp in subs for f in merged.get((sp, uid), ())]
                year_findings += [f for r in yrecs for f in r.findings]
                year_vetoes = [v for r in yrecs for v in r.vetoes]
                d_vetoes = list(d[1]) if d is not None else []
                extra: list[VetoHit] = veto_hits(
                    index, [Entry(f) for f in year_findings],
                    [Entry(v) for v in year_vetoes] + [Entry(v, derived=True) for v in d_vetoes])
                res = year_rollup(rubric, y, parts, cal.year_end, extra_vetoes=extra,
                                  extra_files=[r.loc.file for r in yrecs])
                # 年底汇总: what the year-end check found counts in the year
                add_year_end(index, unit, res, yrecs,
                             Context(sources={s: done[(s, uid, y)] for s in index.sources
                                              if (s, uid, y) in done}, base=plan[uid][1]))
            flags[(y, uid)] = ([f for sp in subs for f in flags.get((sp, uid), ())]
                               + [f for r in yrecs for f in r.flags])
            done[(rid, uid, y)] = res
            by_period[y].append(res)

    for p, results in by_period.items():
        assign_ranks(rubric, results)
        assign_grades(rubric, results, {r.unit_id: flags.get((p, r.unit_id), ())
                                        for r in results})
    set_changes(by_period)
    all_results = [r for rs in by_period.values() for r in rs]

    return [r for r in all_results if r.period in plan[r.unit_id][0]]

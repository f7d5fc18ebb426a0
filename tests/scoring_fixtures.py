"""Small factory of model objects for the scoring tests (no YAML, no files).

Numbers may be given as int or str ("0.5"); they become Decimal.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Optional

from booklet.model import (Assignment, Calendar, Config, Finding, Grade, GradeCondition,
                           Item, Loc, Project, Record, Rubric, Rule, Section,
                           SelfAssessment, Tier, Unit, Veto, VetoFinding)

D = Decimal
_NUM_FIELDS = ("amount", "cap", "target", "step", "flat", "down", "up", "min", "max", "scale")


def dec(x) -> Optional[Decimal]:
    if x is None or isinstance(x, Decimal):
        return x
    if isinstance(x, float):
        raise TypeError("write numbers as int or str in tests")
    return Decimal(str(x))


def rule(id: str, kind: str, text: str = "", **kw) -> Rule:
    for k in _NUM_FIELDS:
        if k in kw:
            kw[k] = dec(kw[k])
    if "range" in kw and kw["range"] is not None:
        lo, hi = kw["range"]
        kw["range"] = (dec(lo), dec(hi))
    if "tiers" in kw:
        kw["tiers"] = tuple(t if isinstance(t, Tier) else
                            Tier(min=dec(t[0]), amount=dec(t[1]), label=t[2] if len(t) > 2 else "")
                            for t in kw["tiers"])
    if "applies_to" in kw:
        kw["applies_to"] = tuple(kw["applies_to"])
    return Rule(id=id, kind=kind, text=text or id, **kw)


def item(id: str, points, rules: Iterable[Rule], basis: str = "full", **kw) -> Item:
    return Item(id=id, number=kw.pop("number", id), points=dec(points), basis=basis,
                rules=list(rules), **kw)


def rubric(items: Iterable[Item], id: str = "r", *, mode: str = "score",
           calendar: Optional[Calendar] = None, year: int = 2017, **kw) -> Rubric:
    for k in ("bonus_cap", "scale"):
        if k in kw:
            kw[k] = dec(kw[k])
    scale = kw.pop("scale", D(100) if mode == "score" else None)
    if "grades" in kw:
        kw["grades"] = [g if isinstance(g, Grade) else Grade(name=g[0], min=dec(g[1]),
                                                             text=g[2] if len(g) > 2 else "")
                        for g in kw["grades"]]
    return Rubric(id=id, title=kw.pop("title", id), issuer="测试", year=year, scale=scale,
                  mode=mode, assesses=("社区",), calendar=calendar or Calendar(),
                  columns=[], sections=[Section(id="s1", title="一", points=None,
                                                items=list(items))], **kw)


def finding(item: Optional[str], rule: str, **kw) -> Finding:
    for k in ("amount", "value", "baseline", "scale"):
        if k in kw:
            kw[k] = dec(kw[k])
    if "photos" in kw:
        kw["photos"] = tuple(kw["photos"])
    return Finding(rule=rule, item=item, **kw)


def record(unit: str, period: str, findings: Iterable[Finding] = (), *, rubric: str = "r",
           kind: str = "assessment", file: Optional[str] = None, self_findings=None,
           self_notes=None, vetoes=(), flags=(), **kw) -> Record:
    file = file or f"assessments/{rubric}/{period}/{unit}.yml"
    findings = list(findings)
    for n, f in enumerate(findings):
        if f.loc.file == "<内置>":
            f.loc = Loc(file, 10 + n, 5)
    sa = None
    if self_findings is not None or self_notes is not None:
        sa = SelfAssessment(findings=list(self_findings or ()), notes=dict(self_notes or {}))
    return Record(rubric=rubric, unit=unit, period=period, kind=kind,
                  date=kw.pop("date", None), findings=findings,
                  vetoes=[v if isinstance(v, VetoFinding) else VetoFinding(*v) for v in vetoes],
                  flags=tuple(flags), self_assessment=sa, loc=Loc(file), **kw)


def unit(id: str, name: Optional[str] = None, kind: str = "社区", attributes=(), groups=()) -> Unit:
    return Unit(id=id, name=name or f"{id}社区", kind=kind, attributes=tuple(attributes),
                groups=tuple(groups))


def project(rubrics: Iterable[Rubric], records: Iterable[Record], units: Iterable[Unit],
            assign: Optional[list[Assignment]] = None, year: int = 2017) -> Project:
    rubrics = list(rubrics)
    units = list(units)
    if assign is None:
        assign = [Assignment(rubric=r.id, unit_ids=tuple(u.id for u in units), periods=())
                  for r in rubrics]
    cfg = Config(office="测试办", title="测试", year=year, units=units, assign=assign)
    return Project(root="/tmp/x", config=cfg, rubrics={r.id: r for r in rubrics},
                   records=list(records))


def assignment(rubric: str, unit_ids, periods=(), base=None) -> Assignment:
    return Assignment(rubric=rubric, unit_ids=tuple(unit_ids), periods=tuple(periods),
                      base=dec(base))


__all__ = ["D", "dec", "rule", "item", "rubric", "finding", "record", "unit", "project",
           "assignment", "Calendar", "Grade", "GradeCondition", "Veto", "VetoFinding",
           "Tier", "date"]

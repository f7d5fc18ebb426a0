"""Load a project: booklet.yml, rubrics/*.yml and assessments/**.yml.

load → (schema check) → model objects. Each file is read once; a file with
shape errors is skipped after its problems are recorded, so one run reports
the problems of every file. Semantic checks (references, sums, ranges, dates)
live in validate.py, the pipeline's next step (booklet/build.py).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from . import schemacheck
from .annex.load import load_annex
from .dates import parse_date_or_none
from .errors import Problems
from .scoring.kinds import DECIMAL, FLAG, PAIR, RULE_FIELDS, TIERS, WORDS
from .model import (
    AnnexDecl, Assignment, Calendar, Column, Config, DutyRules, Finding, Grade,
    GradeCondition, Item, Loc, Note, Output, Privacy, Project, Record, RosterRules,
    Rubric, Rule, RuleRef, Section, SeedWarning, SelfAssessment, Signatures, TeamNeed,
    Tier, Unit, Veto, VetoFinding,
)
from .loadcache import LoadCache, digest
from .yamlio import LocDict, read_yaml, relpath

CONFIG_FILE = "booklet.yml"
ANNEX_DIR = "annex"


def _dec(v: Any) -> Optional[Decimal]:
    if v is None:
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _date(v: Any) -> Optional[date]:
    """Dates were parsed by schemacheck.conform (booklet.dates); anything else is None."""
    if v is None:
        return None
    return parse_date_or_none(v)


def _sid(v: Any) -> Optional[str]:
    """Ids may be typed as numbers (item: 6); they are always compared as text.
    A plain scalar id is already its text as written (item: 2.10 → "2.10",
    schemacheck.conform); a number from elsewhere prints as written in full."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def _id(v: Any) -> str:
    """A required id (the schema has checked that it is there), as text."""
    s = _sid(v)
    return "" if s is None else s


def _loc(d: Any, rel: str) -> Loc:
    return getattr(d, "loc", Loc(rel))


# ------------------------------------------------------------------ config

def _selector_ids(sel: LocDict, units: list[Unit]) -> tuple[str, ...]:
    if "ids" in sel:
        return tuple(sel["ids"])
    if "kind" in sel:
        return tuple(u.id for u in units if u.kind == sel["kind"])
    if "group" in sel:
        return tuple(u.id for u in units if sel["group"] in u.groups)
    if "attribute" in sel:
        return tuple(u.id for u in units if sel["attribute"] in u.attributes)
    return ()


def build_config(d: LocDict, rel: str) -> Config:
    units = [
        Unit(id=u["id"], name=u["name"], kind=u["kind"],
             attributes=tuple(u.get("attributes") or ()),
             groups=tuple(u.get("groups") or ()), leader=u.get("leader"),
             loc=_loc(u, rel))
        for u in d.get("units") or []
    ]
    assign = [
        Assignment(rubric=a["rubric"], unit_ids=_selector_ids(a["units"], units),
                   periods=tuple(str(p) for p in a.get("periods") or ()),
                   base=_dec(a.get("base")), loc=_loc(a, rel))
        for a in d.get("assign") or []
    ]
    out = d.get("output") or {}
    priv = d.get("privacy") or {}
    years = [int(a.periods[0][:4]) for a in assign if a.periods]
    return Config(
        office=d["office"], title=d.get("title") or d["office"],
        year=int(d.get("year") or (years[0] if years else 0)),
        units=units, assign=assign,
        output=Output(site=out.get("site", Output.site),
                      internal=out.get("internal", Output.internal)),
        privacy=Privacy(publish_notes=priv.get("publish_notes", False)),
        as_of=d.get("as_of"),
        as_of_loc=d.loc_of("as_of") if isinstance(d, LocDict) and "as_of" in d else _loc(d, rel),
        loc=_loc(d, rel),
    )


# ------------------------------------------------------------------ rubric

def _rule_field(kind: str, v: Any) -> Any:
    """One rule field's value as the model holds it (kinds.RULE_FIELDS says which kind)."""
    if kind == DECIMAL:
        return _dec(v)
    if kind == PAIR:
        return (_dec(v[0]), _dec(v[1])) if v else None
    if kind == WORDS:
        return tuple(v or ())
    if kind == FLAG:
        return bool(v or False)
    if kind == TIERS:
        return tuple(Tier(min=_dec(t.get("min")), amount=_dec(t.get("amount")) or Decimal(0),
                          label=t.get("label", "")) for t in v or ())
    return v


def build_rule(d: LocDict, rel: str) -> Rule:
    return Rule(id=_id(d["id"]), kind=d["kind"], text=d.get("text", ""), loc=_loc(d, rel),
                **{name: _rule_field(kind, d.get(name)) for name, kind in RULE_FIELDS.items()})


def build_rubric(d: LocDict, rel: str) -> Rubric:
    sections = []
    for si, s in enumerate(d["sections"], 1):
        items = []
        for it in s.get("items") or []:
            number = _id(it["number"])
            items.append(Item(
                id=_sid(it.get("id")) or number, number=number,
                points=_dec(it.get("points")), requirement=it.get("requirement", "") or "",
                standard=it.get("standard", "") or "", title=it.get("title", "") or "",
                basis=it.get("basis", "full"),
                fields={k: str(v) for k, v in (it.get("fields") or {}).items()},
                notes=it.get("notes", "") or "",
                rules=[build_rule(r, rel) for r in it.get("rules") or []],
                loc=_loc(it, rel)))
        sections.append(Section(
            id=_sid(s.get("id")) or f"s{si}", title=s["title"], points=_dec(s.get("points")),
            items=items, number=_sid(s.get("number")) or "", label=s.get("label", "") or "",
            loc=_loc(s, rel)))
    cal = d.get("calendar") or {}
    return Rubric(
        id=d["id"], title=d["title"], issuer=d.get("issuer", "") or "",
        year=d.get("year"), scale=_dec(d.get("scale")), mode=d.get("mode", "score"),
        assesses=tuple(d.get("assesses") or ()),
        calendar=Calendar(**{k: cal[k] for k in ("inspection", "assessment", "rollup", "year_end")
                             if k in cal}),
        columns=[Column(key=c["key"], header=c["header"], width=_dec(c.get("width")))
                 for c in d.get("columns") or []],
        sections=sections,
        orientation=d.get("orientation", "portrait"),
        intro=d.get("intro", "") or "", source=d.get("source", "") or "",
        signature=list(d.get("signature") or Rubric.default_signature()),
        total_label=d.get("total_label") or "合计",
        title_lines=[str(t) for t in d.get("title_lines") or []],
        print=_plain(d.get("print") or {}),
        bonuses=[build_rule(r, rel) for r in d.get("bonuses") or []],
        bonus_cap=_dec(d.get("bonus_cap")),
        extra_deductions=[build_rule(r, rel) for r in d.get("extra_deductions") or []],
        vetoes=[Veto(id=_id(v["id"]), text=v["text"], auto=dict(v["auto"]) if v.get("auto") else None,
                     loc=_loc(v, rel)) for v in d.get("vetoes") or []],
        veto_effect=dict(d.get("veto_effect") or {}),
        grades=[Grade(name=g["name"], min=_dec(g.get("min")), text=g.get("text", ""))
                for g in d.get("grades") or []],
        grade_conditions=[GradeCondition(id=_id(c["id"]), text=c["text"], effect=c["effect"],
                                         grade=c["grade"], when=_plain(c["when"]), loc=_loc(c, rel))
                          for c in d.get("grade_conditions") or []],
        incident_dedup=bool(d.get("incident_dedup", False)),
        warnings=[SeedWarning(code=w["code"], text=w["text"], loc=_loc(w, rel))
                  for w in d.get("warnings") or []],
        annex=build_annex_decl(d.get("annex"), rel),
        loc=_loc(d, rel),
        key_locs={k: d.loc_of(k) for k in d} if isinstance(d, LocDict) else {},
    )


def _rule_ref(d: Any, rel: str) -> Optional[RuleRef]:
    if not d:
        return None
    return RuleRef(item=_id(d["item"]), rule=_id(d["rule"]), loc=_loc(d, rel))


def build_annex_decl(d: Any, rel: str) -> AnnexDecl:
    """Rubric `annex`: the rules decided by 附件2 花名册 (roster) and 附件3 执勤排班表 (duty)."""
    if not d:
        return AnnexDecl()
    roster = duty = None
    if d.get("roster"):
        r = d["roster"]
        extra = r.get("extra") or {}
        roster = RosterRules(
            teams=tuple(TeamNeed(type=t["type"], count=int(t.get("count", 1)),
                                 min_size=int(t.get("min_size", 1))) for t in r.get("teams") or ()),
            base=_rule_ref(r.get("base"), rel), extra=_rule_ref(extra, rel),
            extra_min_size=int(extra.get("min_size", 1)),
            missing=r.get("missing", "assessor"), loc=_loc(r, rel))
    if d.get("duty"):
        u = d["duty"]
        duty = DutyRules(cycle=u.get("cycle", "bimonthly"), deadline_day=int(u.get("deadline_day", 25)),
                         late=_rule_ref(u.get("late"), rel), missing=u.get("missing", "assessor"),
                         loc=_loc(u, rel))
    return AnnexDecl(roster=roster, duty=duty, loc=_loc(d, rel))


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


# ------------------------------------------------------------------ record

def build_finding(d: LocDict, rel: str) -> Finding:
    return Finding(
        rule=_id(d["rule"]), item=_sid(d.get("item")),
        count=d.get("count"), amount=_dec(d.get("amount")), value=_dec(d.get("value")),
        baseline=_dec(d.get("baseline")), scale=_dec(d.get("scale")),
        reason=d.get("reason", "") or "", date=_date(d.get("date")),
        evidence=d.get("evidence", "") or "",
        photos=tuple(d.get("photos") or ()),
        incident=_sid(d.get("incident")), subject=_sid(d.get("subject")),
        internal=d.get("internal") is True,
        loc=_loc(d, rel),
        key_locs={k: d.loc_of(k) for k in d} if isinstance(d, LocDict) else {},
    )


def _key_loc(d: Any, key: Any, default: Loc) -> Loc:
    return d.loc_of(key) if isinstance(d, LocDict) else default


def _self_notes(raw: Any, rel: str) -> tuple[dict[str, str], frozenset[str], dict[str, Loc]]:
    """自评情况 per item: a text, or {text, internal: true} for an internal one."""
    notes: dict[str, str] = {}
    internal: set[str] = set()
    locs: dict[str, Loc] = {}
    for k, v in (raw or {}).items():
        iid = _id(k)
        if isinstance(v, dict):
            notes[iid] = str(v.get("text", ""))
            if v.get("internal") is True:
                internal.add(iid)
            locs[iid] = _key_loc(v, "text", _key_loc(raw, k, Loc(rel)))
        else:
            notes[iid] = str(v)
            locs[iid] = _key_loc(raw, k, Loc(rel))
    return notes, frozenset(internal), locs


def build_record(d: LocDict, rel: str) -> Record:
    sa = d.get("self_assessment")
    sig = d.get("signatures") or {}
    sa_notes, sa_internal, sa_locs = _self_notes(sa.get("notes") if sa else None, rel)
    return Record(
        rubric=d["rubric"], unit=d["unit"], period=str(d["period"]),
        kind=d.get("kind", "assessment"), date=_date(d.get("date")),
        assessors=tuple(d.get("assessors") or ()),
        findings=[build_finding(f, rel) for f in d.get("findings") or []],
        vetoes=[VetoFinding(condition=_id(v["condition"]), reason=v.get("reason", "") or "",
                            internal=v.get("internal") is True,
                            loc=_loc(v, rel)) for v in d.get("vetoes") or []],
        flags=tuple(_id(f) for f in d.get("flags") or ()),
        self_assessment=SelfAssessment(
            findings=[build_finding(f, rel) for f in sa.get("findings") or []],
            notes=sa_notes, internal_notes=sa_internal, note_locs=sa_locs,
        ) if sa else None,
        notes=[Note(text=n["text"], internal=bool(n.get("internal", False)),
                    loc=_key_loc(n, "text", _loc(n, rel)))
               for n in d.get("notes") or []],
        signatures=Signatures(unit=sig.get("unit"), assessors=tuple(sig.get("assessors") or ()),
                              leader=sig.get("leader")),
        loc=Loc(rel),
        key_locs={k: d.loc_of(k) for k in d} if isinstance(d, LocDict) else {},
    )


# ------------------------------------------------------------------ files

def _load_file(path: Path, root: Path, schema: str, build, problems: Problems,
               cache: Optional[LoadCache] = None):
    """The model object of one file (None if unusable); its problems go to `problems`.
    With a cache, an unchanged file's object and problems come from the last run."""
    rel = relpath(path, root)
    local = Problems()
    try:
        raw: Optional[bytes] = path.read_bytes()
    except OSError:
        raw = None                  # read_yaml says why
    key = digest(raw) if raw is not None and cache is not None else ""
    hit = cache.get(rel, key) if cache is not None and key else None
    if hit is not None:
        problems.extend(hit[1])
        return hit[0]
    obj = _parse_and_build(path, root, raw, rel, schema, build, local)
    if cache is not None and key:
        cache.put(rel, key, obj, local)
    problems.extend(local)
    return obj


def _parse_and_build(path: Path, root: Path, raw: Optional[bytes], rel: str, schema: str,
                     build, local: Problems):
    data = read_yaml(path, root, local, raw)
    if data is not None and not isinstance(data, dict):
        local.error(Loc(rel, 1, 1), "文件顶层应是“键: 值”的映射。",
                    "参照说明文档《项目与文件格式》的示例书写（booklet docs）。", code="top-level")
        data = None
    obj = None
    if data is not None:
        bad = schemacheck.errors_at(data, schema, rel, local)
        # unknown keys are reported but harmless to building; other shape errors
        # stop the file, except single broken entries of a record
        harmful = [path for path, kind in bad if kind != "additionalProperties"]
        if harmful:
            data = _without_bad_entries(data, harmful) if schema == "record" else None
        if data is not None:
            obj = build(data, rel)
    return obj


PRUNABLE = {("findings",), ("self_assessment", "findings"), ("vetoes",), ("notes",)}


def _without_bad_entries(data: LocDict, bad_paths: list[list]) -> Optional[LocDict]:
    """A record with schema errors inside some findings is still checked for
    everything else: drop just those entries (their problems are already
    reported). Any other shape error makes the record unusable."""
    drop: dict[tuple, set] = {}
    for path in bad_paths:
        for n in (1, 2):
            head = tuple(path[:n])
            if head in PRUNABLE and len(path) > n and isinstance(path[n], int):
                drop.setdefault(head, set()).add(path[n])
                break
        else:
            return None
    out = LocDict(data)
    out.loc, out.key_locs, out.value_locs = data.loc, data.key_locs, data.value_locs
    for head, indexes in drop.items():
        parent = out if len(head) == 1 else LocDict(out[head[0]])
        if len(head) == 2:
            src = out[head[0]]
            parent.loc, parent.key_locs, parent.value_locs = src.loc, src.key_locs, src.value_locs
            out[head[0]] = parent
        parent[head[-1]] = [x for i, x in enumerate(parent[head[-1]]) if i not in indexes]
    return out


def load_rubric_file(path: Path, root: Path) -> tuple[Optional[Rubric], Problems]:
    problems = Problems()
    rubric = _load_file(Path(path), Path(root), "rubric", build_rubric, problems)
    if rubric is not None:
        from .validate import check_rubric
        check_rubric(rubric, problems)
    return rubric, problems


def record_files(root: Path) -> list[Path]:
    base = root / "assessments"
    if not base.is_dir():
        return []
    files = []
    for p in sorted(base.rglob("*")):
        if p.suffix not in (".yml", ".yaml") or not p.is_file():
            continue
        if p.relative_to(base).parts[0] == ANNEX_DIR:
            continue
        files.append(p)
    return files


def load_config(root: Path, problems: Problems) -> Optional[Config]:
    """booklet.yml alone; None (with its problems) when it is missing or unusable."""
    cfg_path = root / CONFIG_FILE
    if not cfg_path.is_file():
        problems.error(Loc(CONFIG_FILE), f"在 {root} 中找不到项目配置 booklet.yml。",
                       "在项目根目录运行，或用 `booklet init 目录` 新建一个项目。", code="no-config")
        return None
    cache = LoadCache(root, "config")
    config = _load_file(cfg_path, root, "booklet", build_config, problems, cache)
    cache.save()
    return config


def load_inputs(root: Path, config: Optional[Config], problems: Problems) -> Optional[Project]:
    """Rubrics, records and annex data, beside an already loaded booklet.yml.
    Their problems are recorded even when `config` is None (then None is returned)."""
    cache = LoadCache(root, "inputs") if config is not None else None
    rubrics: dict[str, Rubric] = {}
    rubric_dir = root / "rubrics"
    for path in sorted(rubric_dir.glob("*.y*ml")) if rubric_dir.is_dir() else []:
        rubric = _load_file(path, root, "rubric", build_rubric, problems, cache)
        if rubric is None:
            continue
        if rubric.id in rubrics:
            first = rubrics[rubric.id].loc
            problems.error(rubric.loc, f"考核细则编号「{rubric.id}」重复（已在 {first.file} 中使用）。",
                           "每个考核细则文件的 id 必须不同。", code="duplicate-rubric")
            continue
        rubrics[rubric.id] = rubric

    records: list[Record] = []
    for path in record_files(root):
        record = _load_file(path, root, "record", build_record, problems, cache)
        if record is not None:
            records.append(record)
    if cache is not None:
        cache.save()        # before anything later changes the objects

    if config is None:
        return None
    project = Project(root=str(root), config=config, rubrics=rubrics, records=records)
    annex, annex_problems = load_annex(root, config)
    project.annex = annex
    problems.extend(annex_problems)
    return project


def load_project(root: str | Path) -> tuple[Optional[Project], Problems]:
    """Read the whole project, without checking its meaning (validate.py does,
    as its own pipeline step: booklet.build.load_and_validate). Returns
    (None, problems) only when booklet.yml itself is unusable; otherwise a
    Project of everything that could be read, plus every problem found."""
    root = Path(root).resolve()
    problems = Problems()
    config = load_config(root, problems)
    return load_inputs(root, config, problems), problems

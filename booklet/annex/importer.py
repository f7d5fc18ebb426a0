"""Spreadsheets (XLSX or CSV) -> validated annex YAML (`booklet import`).

    path, problems = import_file(root, config, "roster", Path("名册.xlsx"), "hutang-01")

sheets.py reads the cells, formmap.py maps the rows onto the form, and the
result goes through the same shape and value checks as a YAML file
(load.parse_form); a problem names the spreadsheet row:
"名册.xlsx，表 Sheet1 第 7 行（联系电话）".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..errors import BookletError, Problems
from ..model import Config, Loc
from . import validate as V
from .dump import dump
from .forms import FORM_FILES, FORM_SPECS
from .formmap import rows_to_data
from .load import ANNEX_DIR, parse_form, read_annex_yaml
from .sheets import SheetLoc, norm, read_rows

__all__ = ["convert", "import_file", "import_spreadsheet", "ImportResult", "diff", "summarize",
           "SheetLoc"]


def convert(form: str, src: Path, unit_id: str, year: Optional[int],
            problems: Problems, *, roster=None):
    """Read `src` and return the parsed annex object (None if nothing usable)."""
    rows = read_rows(src, problems)
    if not rows:
        if not problems.errors:
            problems.error(Loc(src.name), "表格是空的。", "确认选对了文件和工作表。", code="import-empty")
        return None
    data, locs = rows_to_data(form, rows, src.name, unit_id, problems)
    if problems.errors:
        return None

    def locate(path: tuple) -> Loc:
        p = tuple(path)
        while p and p not in locs:
            p = p[:-1]
        return locs.get(p, Loc(src.name))

    obj = parse_form(form, data, locate, problems, unit_id=unit_id, year=year, file=src.name)
    if form == "duty" and obj is not None:
        V.check_duty_against_roster(obj, roster, problems,
                                    roster_file=f"assessments/annex/{unit_id}/roster.yml")
    if obj is not None and "year" not in data:
        obj.year = None                          # the project's year applies
    return obj


@dataclass
class ImportResult:
    target: Path
    problems: Problems
    changes: list[str] = field(default_factory=list)   # what the import changed, in Chinese
    summary: list[str] = field(default_factory=list)   # what the file now holds


def import_file(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str, *,
                force: bool = False, allow_shrink: bool = False,
                one_team: bool = False) -> tuple[Path, Problems]:
    """Import `src` as the unit's `form` file. Raises BookletError (nothing
    written) on any error; returns the written path and the warnings."""
    r = import_spreadsheet(root, config, form, src, unit_id, force=force,
                           allow_shrink=allow_shrink, one_team=one_team)
    return r.target, r.problems


def import_spreadsheet(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str,
                       *, force: bool = False, allow_shrink: bool = False,
                       one_team: bool = False) -> ImportResult:
    """`import_file`, with what changed against the file it replaces and a
    summary of what was read (teams with type and size; filings; requests).

    An import that would remove more than half of what the existing file
    holds (members, patrol shifts, requests), e.g. a sheet with headers and
    no rows, is refused unless `allow_shrink`."""
    root, src = Path(root), Path(src)
    problems = Problems()
    if config.unit(unit_id) is None:
        known = "、".join(u.id for u in config.units[:8]) + ("……" if len(config.units) > 8 else "")
        problems.error(Loc("booklet.yml"), f"单位编号「{unit_id}」不在 booklet.yml 的 units 中。",
                       f"用 --unit 指定已有的单位编号（如 {known}），或先在 booklet.yml 中添加这个单位。",
                       code="import-unknown-unit")
        raise BookletError(problems)
    target = root / ANNEX_DIR / unit_id / FORM_FILES[form]
    rel = target.relative_to(root).as_posix()
    if target.exists() and not force:
        problems.error(Loc(rel), "文件已存在，没有覆盖。",
                       "确认要用表格中的数据替换它时，加上 --force 重新运行。", code="import-exists")
        raise BookletError(problems)
    if not src.is_file():
        problems.error(Loc(str(src)), "找不到要导入的文件。", "检查文件名和路径。", code="import-missing")
        raise BookletError(problems)
    roster = _existing(root, config, "roster", unit_id) if form == "duty" else None
    obj = convert(form, src, unit_id, config.year, problems, roster=roster)
    if obj is not None and form == "roster" and not problems.errors:
        _check_plausible(obj, src.name, problems, one_team)
    if problems.errors or obj is None:
        raise BookletError(problems)
    old = _existing(root, config, form, unit_id) if target.exists() else None
    changes, removed, before = diff(form, old, obj)
    if old is not None and before and removed * 2 > before and not allow_shrink:
        problems.error(Loc(rel), f"导入会删除现有{FORM_SPECS[form].name}中的大部分数据"
                                 f"（{before} 项中的 {removed} 项），没有导入：\n    "
                                 + "\n    ".join(changes),
                       f"先核对 {src.name} 是否选对了文件和工作表、数据行是否都在；"
                       "确实要这样替换时，加上 --allow-shrink 重新运行。", code="import-shrink")
        raise BookletError(problems)
    text = dump(form, obj, source=src.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return ImportResult(target, problems, changes if old is not None else [], summarize(form, obj))


def _existing(root: Path, config: Config, form: str, unit_id: str):
    """The unit's current annex file, parsed (None when absent or unreadable)."""
    path = root / ANNEX_DIR / unit_id / FORM_FILES[form]
    if not path.is_file():
        return None
    rp = Problems()
    data, locate = read_annex_yaml(path, root, rp)
    if locate is None:
        return None
    return parse_form(form, data, locate, rp, unit_id=unit_id, year=config.year)


HEADERISH = ("信息", "情况", "序号", "名单")


def _check_plausible(roster, src: str, problems: Problems, one_team: bool) -> None:
    """A roster that reads as a wrong layout is refused: a team named like a
    column (队伍类型, 队员信息), or one team holding every member."""
    from .formmap import header_words
    words = header_words("roster")
    for t in roster.teams:
        for what, value in (("队伍名称", t.name), ("队伍类型", t.type)):
            v = norm(value)
            if v in words or any(v.endswith(h) for h in HEADERISH):
                problems.error(t.loc, f"读出的{what}是「{value}」，像是表头而不是数据："
                                      "表格的版式没有被正确识别。",
                               "把表头整理成一行列名（队伍名称、队伍类型、姓名、年龄、联系电话、职务、"
                               "家庭住址），表头上方只留标题，再导入；参见 docs/annex.md。",
                               code="import-implausible")
    members = sum(t.size for t in roster.teams)
    if len(roster.teams) == 1 and members >= ONE_TEAM_LIMIT and not one_team:
        t = roster.teams[0]
        problems.error(t.loc, f"全部 {members} 名队员都读到了同一支队伍「{t.name}」中，"
                              "像是没有读出队伍名称列。",
                       "检查表格中每一行（或每个工作表）的队伍名称；确实只有这一支队伍时，"
                       "加上 --one-team 重新运行。", code="import-implausible")


ONE_TEAM_LIMIT = 20


def _names(items, limit: int = 8) -> str:
    items = list(items)
    text = "、".join(str(i) for i in items[:limit])
    return text + (f" 等 {len(items)} 项" if len(items) > limit else "")


def diff(form: str, old, new) -> tuple[list[str], int, int]:
    """(lines saying what changed, items removed, items before) between two
    versions of one annex file."""
    lines: list[str] = []
    if form == "roster":
        a = {(m.name): t.name for t in (old.teams if old else []) for m in t.members}
        b = {(m.name): t.name for t in new.teams for m in t.members}
        ta = [t.name for t in (old.teams if old else [])]
        tb = [t.name for t in new.teams]
        added_t = [t for t in tb if t not in ta]
        gone_t = [t for t in ta if t not in tb]
        if added_t:
            lines.append(f"新增队伍：{_names(added_t)}")
        if gone_t:
            lines.append(f"删除队伍：{_names(gone_t)}")
        added = [n for n in b if n not in a]
        gone = [n for n in a if n not in b]
        moved = [n for n in b if n in a and a[n] != b[n]]
        if added:
            lines.append(f"新增队员 {len(added)} 人：{_names(added)}")
        if gone:
            lines.append(f"删除队员 {len(gone)} 人：{_names(gone)}")
        if moved:
            lines.append(f"换了队伍的队员 {len(moved)} 人：{_names(moved)}")
        removed, before = len(gone), len(a)
    elif form == "duty":
        fa = {f.period: f for f in (old.filings if old else [])}
        fb = {f.period: f for f in new.filings}
        if [p for p in fb if p not in fa]:
            lines.append(f"新增报备期：{_names(p for p in fb if p not in fa)}")
        if [p for p in fa if p not in fb]:
            lines.append(f"删除报备期：{_names(p for p in fa if p not in fb)}")
        for p in fb:
            if p in fa and fa[p].filed != fb[p].filed:
                was = fa[p].filed.isoformat() if fa[p].filed else "未报备"
                now = fb[p].filed.isoformat() if fb[p].filed else "未报备"
                lines.append(f"报备期 {p} 的报备日期：{was} → {now}")
        ra = {(f.period, r.date, r.time) for f in fa.values() for r in f.rows}
        rb = {(f.period, r.date, r.time) for f in fb.values() for r in f.rows}
        if rb - ra:
            lines.append(f"新增排班 {len(rb - ra)} 行")
        if ra - rb:
            lines.append(f"删除排班 {len(ra - rb)} 行")
        removed, before = len(ra - rb) + len(set(fa) - set(fb)), len(ra) + len(fa)
    else:
        def key(q):
            return (q.date, q.purpose, q.requested)
        qa = {key(q): q for q in (old.requests if old else [])}
        qb = {key(q): q for q in new.requests}
        added = [k for k in qb if k not in qa]
        gone = [k for k in qa if k not in qb]
        if added:
            lines.append(f"新增用款申请 {len(added)} 笔：{_names(f'{d.isoformat()} {p}' for d, p, _ in added)}")
        if gone:
            lines.append(f"删除用款申请 {len(gone)} 笔：{_names(f'{d.isoformat()} {p}' for d, p, _ in gone)}")
        for k in qb:
            if k in qa and (qa[k].approved, qa[k].approver) != (qb[k].approved, qb[k].approver):
                was = "未批" if qa[k].approved is None else f"{qa[k].approved} 元"
                now = "未批" if qb[k].approved is None else f"{qb[k].approved} 元"
                lines.append(f"审批改变：{k[0].isoformat()} {k[1]}：{was} → {now}")
        removed, before = len(gone), len(qa)
    if old is not None and not lines:
        lines.append("内容没有变化")
    return lines, removed, before


def summarize(form: str, obj) -> list[str]:
    """What the imported file holds, one line per team / filing / all requests."""
    if form == "roster":
        return [f"{t.name}（{t.type}）{t.size} 人" for t in obj.teams]
    if form == "duty":
        return [f"{f.period}：报备日期 {f.filed.isoformat() if f.filed else '未报备'}"
                + (f"（{f.station}）" if f.station else "") + f"，排班 {len(f.rows)} 行"
                for f in obj.filings]
    total = sum((q.requested for q in obj.requests), Decimal(0))
    return [f"用款申请 {len(obj.requests)} 笔，申请金额合计 {total} 元"]

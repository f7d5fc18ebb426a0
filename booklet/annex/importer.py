"""Spreadsheets (XLSX or CSV) -> validated annex YAML (`booklet import`).

    path, problems = import_file(root, config, "roster", Path("名册.xlsx"), "hutang-01")

sheets.py reads the cells, formmap.py maps the rows onto the form, and the
result goes through the same shape and value checks as a YAML file
(load.parse_form); a problem names the spreadsheet row:
"名册.xlsx，表 Sheet1 第 7 行（联系电话）".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..errors import BookletError, Problems
from ..model import Config, Loc
from . import validate as V
from .dump import OLD_SCHEMA_LINE, SCHEMA_LINE, dump
from .forms import FORM_FILES, FORM_SPECS
from .formmap import rows_to_data
from .load import annex_file, parse_form, read_annex_yaml
from .sheets import SheetLoc, cell_date, norm, read_rows
from .validate import PERIOD

__all__ = ["convert", "import_file", "import_spreadsheet", "ImportResult", "diff", "summarize",
           "choose_year", "SheetLoc"]


def read_form(form: str, src: Path, unit_id: str, problems: Problems):
    """Read `src` and map its rows onto the form: (plain data, locate), or
    (None, None) when nothing usable was read (problems recorded)."""
    rows = read_rows(src, problems)
    if not rows:
        if not problems.errors:
            problems.error(Loc(src.name), "表格是空的。", "确认选对了文件和工作表。", code="import-empty")
        return None, None
    data, locs = rows_to_data(form, rows, src.name, unit_id, problems)
    if problems.errors:
        return None, None

    def locate(path: tuple) -> Loc:
        p = tuple(path)
        while p and p not in locs:
            p = p[:-1]
        return locs.get(p, Loc(src.name))
    return data, locate


def parse_read(form: str, data, locate, src: Path, unit_id: str, year: Optional[int],
               problems: Problems, *, roster=None, roster_file: str = ""):
    """The parsed annex object of data read by `read_form` (None if unusable)."""
    obj = parse_form(form, data, locate, problems, unit_id=unit_id, year=year, file=src.name)
    if form == "duty" and obj is not None:
        V.check_duty_against_roster(obj, roster, problems, roster_file=roster_file
                                    or annex_file("roster", unit_id, year).as_posix())
    if obj is not None and "year" not in data:
        obj.year = None                          # the year folder's year applies
    return obj


def convert(form: str, src: Path, unit_id: str, year: Optional[int],
            problems: Problems, *, roster=None):
    """Read `src` and return the parsed annex object (None if nothing usable)."""
    data, locate = read_form(form, src, unit_id, problems)
    if data is None:
        return None
    return parse_read(form, data, locate, src, unit_id, year, problems, roster=roster)


@dataclass
class ImportResult:
    target: Path
    problems: Problems
    changes: list[str] = field(default_factory=list)   # what the import changed, in Chinese
    summary: list[str] = field(default_factory=list)   # what the file now holds
    year: int = 0
    year_from: str = ""                                # where the year came from, in Chinese
    moved: Optional[tuple[str, str]] = None            # an older unit folder moved into its year


def import_file(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str, *,
                force: bool = False, allow_shrink: bool = False,
                one_team: bool = False, year: Optional[int] = None) -> tuple[Path, Problems]:
    """Import `src` as the unit's `form` file. Raises BookletError (nothing
    written) on any error; returns the written path and the warnings."""
    r = import_spreadsheet(root, config, form, src, unit_id, force=force,
                           allow_shrink=allow_shrink, one_team=one_team, year=year)
    return r.target, r.problems


def import_spreadsheet(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str,
                       *, force: bool = False, allow_shrink: bool = False,
                       one_team: bool = False, year: Optional[int] = None) -> ImportResult:
    """`import_file`, with what changed against the file it replaces and a
    summary of what was read (teams with type and size; filings; requests).

    The file goes to assessments/annex/<year>/<unit>/<form>.yml; the year is
    the sheet's 年度 column, else `year` (--year), else the data's (the
    filing periods of a duty schedule, the dates of fund requests), else
    booklet.yml's `year` (see `choose_year`). When the unit's data of
    booklet.yml's year is still in the older assessments/annex/<unit>/
    folder, that folder is moved into the year folder (result.moved).

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
    if not src.is_file():
        problems.error(Loc(str(src)), "找不到要导入的文件。", "检查文件名和路径。", code="import-missing")
        raise BookletError(problems)
    data, locate = read_form(form, src, unit_id, problems)
    if data is None:
        raise BookletError(problems)
    year, year_from = choose_year(form, data, year, config.year, src.name, problems)
    if year is None:
        raise BookletError(problems)
    folder = root / annex_file(form, unit_id, year).parent
    older = root / annex_file(form, unit_id).parent
    current = older if (year == config.year and not folder.is_dir() and older.is_dir()) else folder
    target, now = folder / FORM_FILES[form], current / FORM_FILES[form]
    rel = now.relative_to(root).as_posix()
    if now.exists() and not force:
        problems.error(Loc(rel), "文件已存在，没有覆盖。",
                       "确认要用表格中的数据替换它时，加上 --force 重新运行。", code="import-exists")
        raise BookletError(problems)
    roster_path = current / FORM_FILES["roster"]
    roster = _existing(root, "roster", unit_id, year, roster_path) if form == "duty" else None
    obj = parse_read(form, data, locate, src, unit_id, year, problems, roster=roster,
                     roster_file=roster_path.relative_to(root).as_posix())
    if obj is not None and form == "roster" and not problems.errors:
        _check_plausible(obj, src.name, problems, one_team)
    if problems.errors or obj is None:
        raise BookletError(problems)
    old = _existing(root, form, unit_id, year, now) if now.exists() else None
    changes, removed, before = diff(form, old, obj)
    if old is not None and before and removed * 2 > before and not allow_shrink:
        problems.error(Loc(rel), f"导入会删除现有{FORM_SPECS[form].name}中的大部分数据"
                                 f"（{before} 项中的 {removed} 项），没有导入：\n    "
                                 + "\n    ".join(changes),
                       f"先核对 {src.name} 是否选对了文件和工作表、数据行是否都在；"
                       "确实要这样替换时，加上 --allow-shrink 重新运行。", code="import-shrink")
        raise BookletError(problems)
    moved = None
    if current != folder:                       # the older layout: move the unit into its year
        folder.parent.mkdir(parents=True, exist_ok=True)
        current.rename(folder)
        moved = (current.relative_to(root).as_posix() + "/", folder.relative_to(root).as_posix() + "/")
        _repoint_schema(folder)
    text = dump(form, obj, source=src.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return ImportResult(target, problems, changes if old is not None else [], summarize(form, obj),
                        year=year, year_from=year_from, moved=moved)


def _repoint_schema(folder: Path) -> None:
    """The files moved one folder deeper: their schema line points one level further up."""
    for f in sorted(folder.glob("*.yml")):
        text = f.read_text(encoding="utf-8")
        if text.startswith(OLD_SCHEMA_LINE + "\n"):
            f.write_text(SCHEMA_LINE + text[len(OLD_SCHEMA_LINE):], encoding="utf-8")


def choose_year(form: str, data, given: Optional[int], project_year: int, src: str,
                problems: Problems) -> tuple[Optional[int], str]:
    """The year whose folder an import goes to, and where it came from (in
    Chinese, for the message): the sheet's 年度 column; --year; the filing
    periods of a duty schedule (a year's file holds its 01/02 … 11/12 and the
    next year's 01/02); the dates of fund requests; booklet.yml's `year`.
    Data of several years is refused (None, problem recorded)."""
    declared = data.get("year") if isinstance(data, dict) else None
    if isinstance(declared, int) and not isinstance(declared, bool):
        if given is not None and given != declared:
            problems.error(Loc(src), f"表中的年度列是 {declared} 年，与 --year {given} 不一致。",
                           "去掉 --year，或核对表中的年度列。", code="import-year")
            return None, ""
        return declared, "表中的年度列"
    if given is not None:
        return given, "--year 指定"
    fits: Optional[set[int]] = None
    seen: list[str] = []
    if form == "duty":
        for f in data.get("filings") or []:
            m = PERIOD.match(str(f.get("period", "")).strip()) if isinstance(f, dict) else None
            if m:
                y, a = int(m.group(1)), int(m.group(2))
                seen.append(m.group(0))
                years = {y, y - 1} if a == 1 else {y}
                fits = years if fits is None else fits & years
        what = "排班表的报备期"
    elif form == "funds":
        for q in data.get("requests") or []:
            d = cell_date(q.get("date")) if isinstance(q, dict) else None
            if isinstance(d, date):
                seen.append(d.isoformat())
                fits = {d.year} if fits is None else fits & {d.year}
        what = "用款申请的日期"
    if fits:
        return (project_year if project_year in fits else max(fits)), what
    if fits is not None:
        problems.error(Loc(src), f"表中的{what}不在同一个年度（{_names(sorted(set(seen)), 6)}）。",
                       "每个年度的数据分开导入（一个年度一个表格）；或用 --year 指定年度，"
                       "其他年度的行会逐行指出。", code="import-year")
        return None, ""
    if not project_year:
        problems.error(Loc("booklet.yml"), "不知道这份数据是哪一年的：表中没有年度，booklet.yml 也没有 year。",
                       "用 --year 2017 指定年度，或在 booklet.yml 中写上 year: 2017。", code="import-year")
        return None, ""
    return project_year, "booklet.yml 的 year"


def _existing(root: Path, form: str, unit_id: str, year: int, path: Path):
    """A unit's current annex file, parsed (None when absent or unreadable)."""
    if not path.is_file():
        return None
    rp = Problems()
    data, locate = read_annex_yaml(path, root, rp)
    if locate is None:
        return None
    return parse_form(form, data, locate, rp, unit_id=unit_id, year=year)


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
                               "家庭住址），表头上方只留标题，再导入；参见说明文档《附件数据》（booklet docs）。",
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

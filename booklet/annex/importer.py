"""Spreadsheets (XLSX or CSV) → validated annex YAML.

    path, problems = import_file(root, config, "roster", Path("名册.xlsx"), "hutang-01")

Each sheet may be a plain table (one row per member / patrol shift / request,
with a header row naming the columns) or a filled copy of the seed's form
(a "队伍名称 | 专职巡防队 | 人数 | 4" line above the header; several forms may
follow each other). Column names are matched loosely (姓名 / 姓 名, 电话 /
联系电话 / 手机 …); merged or blank 队伍名称 / 队伍类型 cells repeat the row
above. Every value goes through the same checks as a YAML file, and a problem
names the spreadsheet row: "名册.xlsx，表 Sheet1 第 7 行（联系电话）".
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, Optional

from ..errors import BookletError, Problems
from ..model import Config, Loc
from .dump import dump
from .load import ANNEX_DIR, parse_form, read_annex_yaml
from .model import FORM_FILES, ROLES
from . import validate as V


@dataclass(frozen=True)
class SheetLoc(Loc):
    """A row of a spreadsheet: "名册.xlsx，表 Sheet1 第 7 行（联系电话）"."""
    sheet: str = ""
    column: str = ""

    def __str__(self) -> str:
        where = f"表 {self.sheet} " if self.sheet else ""
        text = f"{self.file}，{where}第 {self.line} 行"
        return text + (f"（{self.column}）" if self.column else "")


# canonical header → aliases (compared with spaces removed)
COLUMNS = {
    "roster": {
        "team": ("队伍名称", "队伍", "队名"),
        "type": ("队伍类型", "类型", "队伍性质"),
        "founded": ("成立日期", "成立时间"),
        "name": ("姓名", "名字"),
        "age": ("年龄",),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "role": ("职务", "职位", "角色"),
        "address": ("家庭住址", "住址", "家庭地址", "地址"),
    },
    "duty": {
        "period": ("报备期", "排班期", "期次"),
        "filed": ("报备日期", "报备时间"),
        "station": ("报备派出所", "派出所"),
        "date": ("巡逻日期", "日期"),
        "time": ("巡逻时段", "时段", "时间"),
        "members": ("巡逻人员", "人员", "队员"),
        "phone": ("联系电话", "电话", "手机", "联系方式"),
        "area": ("巡逻区域", "区域", "巡逻路线"),
    },
    "funds": {
        "date": ("申请日期", "日期"),
        "department": ("申请部门", "部门"),
        "applicant": ("申请人",),
        "purpose": ("用款事由", "事由", "用途"),
        "requested": ("申请金额",),
        "approved": ("批准金额",),
        "approver": ("批准人",),
        "remarks": ("备注",),
    },
}
# the headers `booklet export` writes (and this module reads back)
HEADERS = {
    "roster": ("队伍名称", "队伍类型", "姓名", "年龄", "联系电话", "职务", "家庭住址"),
    "duty": ("报备期", "报备日期", "报备派出所", "巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"),
    "funds": ("申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备注"),
}
REQUIRED = {"roster": ("name",), "duty": ("date",), "funds": ("requested",)}
CHECK_MARKS = "☑✓√■✔☒▣●"


def _norm(v: Any) -> str:
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


# ---------------------------------------------------------------- reading

Row = tuple[str, int, list]          # sheet, 1-based row number, cell values


def read_rows(src: Path, problems: Problems) -> list[Row]:
    """All non-empty rows of every sheet (XLSX) or of the file (CSV)."""
    suffix = src.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return list(_xlsx_rows(src, problems))
    if suffix == ".csv":
        return list(_csv_rows(src, problems))
    what = "旧版 Excel（.xls）" if suffix == ".xls" else f"「{suffix or '无扩展名'}」文件"
    problems.error(Loc(src.name), f"不能导入{what}。",
                   "在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）或 .csv（UTF-8）后再导入。",
                   code="import-format")
    return []


def _xlsx_rows(src: Path, problems: Problems) -> Iterator[Row]:
    import zipfile
    from openpyxl import load_workbook
    try:
        wb = load_workbook(src, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        problems.error(Loc(src.name), f"无法打开 Excel 文件：{e}。",
                       "确认文件是 .xlsx 格式且没有损坏、没有加密；可在 Excel 中另存为一份再试。",
                       code="import-open")
        return
    try:
        for ws in wb.worksheets:
            for n, row in enumerate(ws.iter_rows(values_only=True), 1):
                cells = list(row)
                if any(c not in (None, "") and str(c).strip() for c in cells):
                    yield ws.title, n, cells
    finally:
        wb.close()


def _csv_rows(src: Path, problems: Problems) -> Iterator[Row]:
    raw = src.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.error(Loc(src.name), "CSV 文件的编码无法识别。", "在 Excel 中另存为“CSV UTF-8”格式。",
                       code="import-encoding")
        return
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if any(c.strip() for c in row):
            yield "", n, [c.strip() or None for c in row]


# ---------------------------------------------------------------- cells

def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def cell_int(v: Any):
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return v if v not in ("",) else None


def cell_phone(v: Any):
    if v is None:
        return None
    text = cell_text(v)
    compact = re.sub(r"[\s\-－—]", "", V.halfwidth(text))
    if V.MOBILE.match(compact):
        return compact
    m = re.fullmatch(r"(0\d{2,3})[\s\-－—]*(\d{7,8})", V.halfwidth(text).strip())
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return text


def cell_date(v: Any):
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    parsed = V.parse_date_text(str(v))
    return parsed if parsed else str(v)


def cell_amount(v: Any):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    text = V.halfwidth(str(v)).replace(",", "").replace("，", "").strip()
    text = text.lstrip("¥￥").removesuffix("元").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return str(v)


def cell_slot(v: Any):
    if v is None:
        return None
    if isinstance(v, time):
        return v.strftime("%H:%M")
    text = V.halfwidth(cell_text(v)).replace("至", "-").replace("到", "-").replace("~", "-")
    return re.sub(r"\s+", "", text)


def cell_role(v: Any) -> str:
    text = cell_text(v)
    if any(c in text for c in CHECK_MARKS):
        for r in ROLES:
            i = text.find(r)
            if i > 0 and text[i - 1] in CHECK_MARKS:
                return r
        return ""
    return "" if text == "□队长、□组长、□队员" else text


# ---------------------------------------------------------------- the table

class _Table:
    """Rows of one form, with the column mapping of the header above them."""

    def __init__(self, form: str, src: str, problems: Problems):
        self.form, self.src, self.problems = form, src, problems
        self.locs: dict[tuple, Loc] = {}
        self.headers: dict[str, int] = {}
        self.header_names: dict[str, str] = {}

    def header_of(self, cells: list) -> Optional[dict[str, int]]:
        found: dict[str, int] = {}
        for i, c in enumerate(cells):
            t = _norm(c)
            for key, aliases in COLUMNS[self.form].items():
                if key not in found and t in aliases:
                    found[key] = i
                    break
        keys = set(found)
        if len(keys) >= 2 and any(k in keys for k in REQUIRED[self.form]):
            return found
        return None

    def loc(self, sheet: str, n: int, key: str = "") -> SheetLoc:
        col = self.headers.get(key)
        return SheetLoc(self.src, n, (col + 1) if col is not None else 0, sheet,
                        self.header_names.get(key, ""))

    def get(self, cells: list, key: str):
        i = self.headers.get(key)
        return cells[i] if i is not None and i < len(cells) else None


def _label_value(cells: list, label: str) -> Optional[str]:
    """In a form line "队伍名称 | 专职巡防队 | 人数 | 4": the value after `label`."""
    for i, c in enumerate(cells):
        if _norm(c) == label:
            for v in cells[i + 1:]:
                if _norm(v):
                    return cell_text(v)
            return ""
    return None


def rows_to_data(form: str, rows: list[Row], src: str, unit_id: str,
                 problems: Problems) -> tuple[dict, dict[tuple, Loc]]:
    """Spreadsheet rows → the plain data of one annex file, and the place of each value."""
    t = _Table(form, src, problems)
    key_of_list = {"roster": "teams", "duty": "filings", "funds": "requests"}[form]
    data: dict = {"unit": unit_id, key_of_list: []}
    locs = t.locs
    locs[()] = SheetLoc(src, rows[0][1] if rows else 1, 0, rows[0][0] if rows else "")
    state = dict(team=None, type=None, sheet=None, block_team=None, block_type=None)
    teams: dict[str, int] = {}
    filings: dict[str, int] = {}
    seen_header = False
    for sheet, n, cells in rows:
        if sheet != state["sheet"]:
            state.update(sheet=sheet, team=None, type=None, block_team=None, block_type=None)
            t.headers = {}
        header = t.header_of(cells)
        if header is not None:
            t.headers = header
            t.header_names = {k: cell_text(cells[i]) for k, i in header.items()}
            seen_header = True
            continue
        if form == "roster":
            bt = _label_value(cells, "队伍名称")
            if bt is not None:
                state["block_team"], state["team"] = bt, None
                state["block_type"] = _label_value(cells, "队伍类型")
                continue
        if not t.headers:
            continue                                    # title lines above the header
        if form == "roster":
            _roster_row(t, data, teams, state, sheet, n, cells)
        elif form == "duty":
            _duty_row(t, data, filings, sheet, n, cells)
        else:
            _funds_row(t, data, sheet, n, cells)
    if not seen_header:
        names = "、".join(HEADERS[form])
        problems.error(Loc(src), "找不到表头行。",
                       f"表格中要有一行列名，至少包括 {COLUMNS[form][REQUIRED[form][0]][0]}，"
                       f"例如：{names}。", code="import-header")
    if form == "duty":
        for fi, f in enumerate(data["filings"]):
            if f.pop("_filed_missing", False):
                problems.warning(locs[("filings", fi)],
                                 f"报备期 {f['period']} 没有填写报备日期，按“漏报”计。",
                                 "在“报备日期”列填写报备到派出所的日期。", code="import-no-filed")
    return data, locs


def _roster_row(t: _Table, data: dict, teams: dict, state: dict, sheet: str, n: int,
                cells: list) -> None:
    name = cell_text(t.get(cells, "name"))
    team = cell_text(t.get(cells, "team")) or state["team"] or state["block_team"]
    ttype = cell_text(t.get(cells, "type")) or (state["type"] if team == state["team"] else None) \
        or state["block_type"]
    if not name and not any(cell_text(t.get(cells, k)) for k in ("age", "phone", "address")) \
            and not cell_role(t.get(cells, "role")):
        return                                          # an empty row of a blank form
    if not team:
        t.problems.error(t.loc(sheet, n, "team"), "这一行没有队伍名称。",
                         "在“队伍名称”列填写队伍名称（同一队伍的下面几行可留空，表示同上）。",
                         code="import-no-team")
        return
    state["team"], state["type"] = team, ttype
    if team not in teams:
        teams[team] = len(data["teams"])
        entry = {"name": team, "members": []}
        if ttype:
            entry["type"] = ttype
        founded = t.get(cells, "founded")
        if founded not in (None, ""):
            entry["founded"] = cell_date(founded)
        data["teams"].append(entry)
        ti = teams[team]
        t.locs[("teams", ti)] = t.loc(sheet, n, "team")
        t.locs[("teams", ti, "type")] = t.loc(sheet, n, "type")
        t.locs[("teams", ti, "founded")] = t.loc(sheet, n, "founded")
    ti = teams[team]
    entry = data["teams"][ti]
    if ttype and "type" not in entry:
        entry["type"] = ttype
    mi = len(entry["members"])
    member = {"name": name, "age": cell_int(t.get(cells, "age")),
              "phone": cell_phone(t.get(cells, "phone")), "role": cell_role(t.get(cells, "role")),
              "address": cell_text(t.get(cells, "address"))}
    entry["members"].append(member)
    mp = ("teams", ti, "members", mi)
    t.locs[mp] = t.loc(sheet, n)
    for k in member:
        t.locs[mp + (k,)] = t.loc(sheet, n, k)


def _period_of(d: Any) -> Optional[str]:
    if isinstance(d, date):
        a = d.month if d.month % 2 else d.month - 1
        return f"{d.year}-{a:02d}/{a + 1:02d}"
    return None


def _duty_row(t: _Table, data: dict, filings: dict, sheet: str, n: int, cells: list) -> None:
    d = cell_date(t.get(cells, "date"))
    period = cell_text(t.get(cells, "period")).replace("／", "/") or _period_of(d)
    filed = cell_date(t.get(cells, "filed"))
    if not period:
        t.problems.error(t.loc(sheet, n, "date"), "这一行既没有报备期，也没有可识别的巡逻日期。",
                         "填写巡逻日期（如 2017-03-05），或在“报备期”列写 2017-03/04。",
                         code="import-no-period")
        return
    if period not in filings:
        filings[period] = len(data["filings"])
        data["filings"].append({"period": period, "filed": filed, "rows": [],
                                "_filed_missing": filed is None})
        fi = filings[period]
        t.locs[("filings", fi)] = t.loc(sheet, n)
        t.locs[("filings", fi, "period")] = t.loc(sheet, n, "period")
        t.locs[("filings", fi, "filed")] = t.loc(sheet, n, "filed")
    fi = filings[period]
    f = data["filings"][fi]
    if filed is not None:
        if f["filed"] is None:
            f["filed"], f["_filed_missing"] = filed, False
            t.locs[("filings", fi, "filed")] = t.loc(sheet, n, "filed")
        elif filed != f["filed"]:
            first = t.locs[("filings", fi, "filed")]
            t.problems.error(t.loc(sheet, n, "filed"),
                             f"报备期 {period} 的报备日期与前面（{first}）填写的不一致。",
                             "同一报备期只有一个报备日期：统一成实际报备到派出所的那一天。",
                             code="import-filed-conflict")
    station = cell_text(t.get(cells, "station"))
    if station and "station" not in f:
        f["station"] = station
    if t.get(cells, "date") in (None, "") and not cell_text(t.get(cells, "members")):
        return                                          # a period line without shifts
    ri = len(f["rows"])
    row = {"date": d, "time": cell_slot(t.get(cells, "time")),
           "members": cell_text(t.get(cells, "members")),
           "phone": cell_phone(t.get(cells, "phone")), "area": cell_text(t.get(cells, "area"))}
    f["rows"].append(row)
    rp = ("filings", fi, "rows", ri)
    t.locs[rp] = t.loc(sheet, n)
    for k in row:
        t.locs[rp + (k,)] = t.loc(sheet, n, k)


def _funds_row(t: _Table, data: dict, sheet: str, n: int, cells: list) -> None:
    q = {"date": cell_date(t.get(cells, "date")),
         "department": cell_text(t.get(cells, "department")),
         "applicant": cell_text(t.get(cells, "applicant")),
         "purpose": cell_text(t.get(cells, "purpose")),
         "requested": cell_amount(t.get(cells, "requested")),
         "approved": cell_amount(t.get(cells, "approved")),
         "approver": cell_text(t.get(cells, "approver")),
         "remarks": cell_text(t.get(cells, "remarks"))}
    if q["approved"] is None:
        del q["approved"]
    qi = len(data["requests"])
    data["requests"].append(q)
    qp = ("requests", qi)
    t.locs[qp] = t.loc(sheet, n)
    for k in q:
        t.locs[qp + (k,)] = t.loc(sheet, n, k)


# ---------------------------------------------------------------- entry point

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
    return obj


def import_file(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str, *,
                force: bool = False) -> tuple[Path, Problems]:
    """Import `src` as the unit's `form` file. Raises BookletError (nothing
    written) on any error; returns the written path and the warnings."""
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
    roster = None
    if form == "duty":
        rpath = root / ANNEX_DIR / unit_id / FORM_FILES["roster"]
        if rpath.is_file():
            rp = Problems()
            data, locate = read_annex_yaml(rpath, root, rp)
            if locate is not None:
                roster = parse_form("roster", data, locate, rp, unit_id=unit_id, year=config.year)
    obj = convert(form, src, unit_id, config.year, problems, roster=roster)
    if problems.errors or obj is None:
        raise BookletError(problems)
    obj.year = None                              # the project's year applies
    text = dump(form, obj, source=src.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target, problems

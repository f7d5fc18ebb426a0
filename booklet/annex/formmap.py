"""Form mapping: spreadsheet rows -> the plain data of one annex file, by the
form's spec (booklet/annex/forms.py: header aliases, required columns).

    data, locs = rows_to_data("roster", rows, "名册.xlsx", "hutang-01", problems)

Each sheet may be a plain table (one row per member / patrol shift / request,
with a header row naming the columns) or a filled copy of the seed's form.
What is read, as offices keep these sheets:

- title lines above the table (东门社区群防群治队伍花名册) are skipped;
- label lines above a table or between tables give values for the rows under
  them: "队伍名称 | 专职巡防队 | 队伍类型 | 专职化队伍 | 人数 | 4",
  "报备日期：2017年2月20日", "报备派出所：湖塘派出所", "年度：2017";
- a header of one row, or of two rows: 队伍名称 / 队伍类型 merged down over
  both rows next to a group cell such as 队员信息 over 姓名 | 年龄 | …, or 职务
  over three columns 队长 | 组长 | 队员 ticked with √;
- column names matched loosely (姓名 / 姓 名, 电话 / 联系电话 / 手机,
  申请金额（元） / 金额(元) …);
- merged or blank 队伍名称 / 队伍类型 cells repeat the row above; a roster
  without a team column takes the team from a 队伍名称 label line, or from the
  sheet's name when it names a team (专职巡防队): one team per sheet.

`locs` gives each value's row, so the same checks as for a YAML file name the
spreadsheet row.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Optional

from ..errors import Problems
from ..model import Loc
from .forms import FORM_SPECS
from .model import ROLES
from .sheets import (Row, SheetLoc, cell_amount, cell_date, cell_int, cell_phone,
                     cell_role, cell_slot, cell_text, norm, people, person)

# the values a label line may give, per form
LABEL_KEYS = {"roster": ("team", "type", "founded", "year"),
              "duty": ("period", "filed", "station", "year"),
              "funds": ("year",)}
ROLE_COLUMN = "role/"            # header key of a 队长 | 组长 | 队员 tick column: role/队长


def header_text(v: Any) -> str:
    """A header cell as matched: no spaces, no trailing note: 申请金额（元） -> 申请金额."""
    t = norm(v).rstrip(":：")
    return re.sub(r"[（(][^（）()]*[）)]$", "", t)


def column_key(form: str, v: Any) -> Optional[str]:
    t = header_text(v)
    if not t:
        return None
    for key, aliases in FORM_SPECS[form].columns.items():
        if t in aliases:
            return key
    return None


def header_words(form: str) -> set[str]:
    return {a for names in FORM_SPECS[form].columns.values() for a in names}


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
            t = norm(c)
            if t.startswith(ROLE_COLUMN.rstrip("/")) and "/" in t and t.split("/", 1)[1] in ROLES:
                found.setdefault(ROLE_COLUMN + t.split("/", 1)[1], i)
                continue
            key = column_key(self.form, c)
            if key is not None and key not in found:
                found[key] = i
        keys = {k.split("/")[0] for k in found}
        if len(keys) >= 2 and any(k in keys for k in FORM_SPECS[self.form].required):
            return found
        return None

    def loc(self, sheet: str, n: int, key: str = "") -> SheetLoc:
        col = self.headers.get(key)
        if col is None and key == "role":
            col = next((i for k, i in self.headers.items() if k.startswith(ROLE_COLUMN)), None)
        return SheetLoc(self.src, n, (col + 1) if col is not None else 0, sheet,
                        self.header_names.get(key, ""))

    def has(self, key: str) -> bool:
        return key in self.headers or (key == "role" and any(
            k.startswith(ROLE_COLUMN) for k in self.headers))

    def only_columns(self, values: dict) -> dict:
        """Drop the keys whose column the sheet lacks: the schema then names
        what is missing at this row, as it would for a YAML file."""
        return {k: v for k, v in values.items() if self.has(k)}

    def get(self, cells: list, key: str):
        i = self.headers.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    def role(self, cells: list) -> str:
        ticks = [k.removeprefix(ROLE_COLUMN) for k, i in self.headers.items()
                 if k.startswith(ROLE_COLUMN) and i < len(cells) and norm(cells[i])
                 and norm(cells[i]) not in ("□", "×", "✗", "否", "0")]
        if ticks or "role" not in self.headers:
            return ticks[0] if len(ticks) == 1 else "、".join(ticks)
        return cell_role(self.get(cells, "role"))


# ---------------------------------------------------------------- header and label lines

def _is_header_part(form: str, cells: list) -> bool:
    words = [c for c in cells if norm(c)]
    return bool(words) and any(column_key(form, c) or norm(c) in ROLES for c in words)


def _two_row_header(form: str, upper: list, lower: list) -> Optional[list]:
    """A header of two rows as one: cells merged down over both rows keep the
    upper name; a group cell (队员信息, 职务) gives way to the names under it.
    None unless the rows are such a header."""
    if not (_is_header_part(form, upper) and _is_header_part(form, lower)):
        return None
    width = max(len(upper), len(lower))
    up = list(upper) + [None] * (width - len(upper))
    lo = list(lower) + [None] * (width - len(lower))
    out: list = []
    group = None
    for u, l in zip(up, lo):
        if norm(u):
            group = u
            if column_key(form, u) and norm(l) and not (column_key(form, u) == "role"
                                                        and norm(l) in ROLES):
                return None                  # a name over another name: two separate rows
        if norm(l):
            if norm(l) in ROLES and group is not None and column_key(form, group) == "role":
                out.append(f"{ROLE_COLUMN.rstrip('/')}/{norm(l)}")
            elif norm(l) in ROLES:
                return None
            elif column_key(form, l) is None:
                return None                  # the lower row has a cell that is no column name
            else:
                out.append(l)
        else:
            if norm(u) and column_key(form, u) is None:
                return None                  # a group cell with nothing under it
            out.append(u)
    return out


def _labels(form: str, cells: list) -> Optional[dict[str, Any]]:
    """A label line: "报备日期：2017年2月20日", or "队伍名称 | 专职巡防队 | 人数 | 4"
    -> {"filed": "2017年2月20日"}; None when the line is no label line."""
    found: dict[str, Any] = {}
    words = header_words(form)
    i = 0
    while i < len(cells):
        c = cells[i]
        text = cell_text(c)
        i += 1
        if not text:
            continue
        m = re.match(r"^([^:：]{1,12})[:：]\s*(.*)$", text, re.S)
        label, value = (m.group(1), m.group(2).strip()) if m else (text, None)
        key = column_key(form, label)
        if key is None or key not in LABEL_KEYS[form]:
            continue
        if value in (None, ""):
            j = i
            while j < len(cells) and not norm(cells[j]):
                j += 1
            if j < len(cells) and header_text(cells[j]) in words:
                return None                  # "队伍名称 | 队伍类型": a header, not a label
            value = cells[j] if j < len(cells) else ""
            i = j + 1
        found[key] = value
    return found or None


DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.I)


def _sheet_team(sheet: str) -> Optional[str]:
    """A sheet's name as a team's name, when it names one (专职巡防队, 平安志愿者一队)."""
    name = sheet.strip()
    if not name or DEFAULT_SHEET.match(name) or any(w in name for w in ("名册", "排班", "审批")):
        return None
    return name if re.search(r"[队组]", name) else None


# ---------------------------------------------------------------- the rows

def rows_to_data(form: str, rows: list[Row], src: str, unit_id: str,
                 problems: Problems) -> tuple[dict, dict[tuple, Loc]]:
    """Spreadsheet rows → the plain data of one annex file, and the place of each value."""
    t = _Table(form, src, problems)
    spec = FORM_SPECS[form]
    data: dict = {"unit": unit_id, spec.list_key: []}
    locs = t.locs
    locs[()] = SheetLoc(src, rows[0][1] if rows else 1, 0, rows[0][0] if rows else "")
    state: dict = dict(team=None, type=None, sheet=None, block={})
    teams: dict[str, int] = {}
    filings: dict[str, int] = {}
    years: dict = {}
    seen_header = False
    i = 0
    while i < len(rows):
        sheet, n, cells = rows[i]
        i += 1
        if sheet != state["sheet"]:
            state.update(sheet=sheet, team=None, type=None, block={})
            t.headers = {}
        if i < len(rows) and rows[i][0] == sheet and rows[i][1] == n + 1:
            both = _two_row_header(form, cells, rows[i][2])
            if both is not None and (t.header_of(both) or {}).keys() - \
                    (t.header_of(rows[i][2]) or {}).keys():
                cells = both
                i += 1
        header = t.header_of(cells)
        if header is not None:
            t.headers = header
            t.header_names = {k: cell_text(cells[c]).split("/")[-1] for k, c in header.items()}
            if "role" not in t.header_names and t.has("role"):
                t.header_names["role"] = "职务"
            seen_header = True
            continue
        labels = _labels(form, cells)
        if labels is not None and t.headers and not (
                i < len(rows) and rows[i][0] == sheet and t.header_of(rows[i][2])):
            labels = None          # under a header, only a line just above the next header
        if labels is not None:
            if "team" in labels:
                state["block"] = {}
                state["team"] = None
            state["block"].update(labels)
            state["block_loc"] = SheetLoc(src, n, 0, sheet)
            if "year" in labels:
                _year(t, data, years, labels["year"], SheetLoc(src, n, 0, sheet))
            continue
        if not t.headers:
            continue                                    # title lines above the header
        if "year" in t.headers and norm(t.get(cells, "year")):
            _year(t, data, years, t.get(cells, "year"), t.loc(sheet, n, "year"))
        if form == "roster":
            _roster_row(t, data, teams, state, sheet, n, cells)
        elif form == "duty":
            _duty_row(t, data, filings, state, sheet, n, cells)
        else:
            _funds_row(t, data, sheet, n, cells)
    if not seen_header:
        names = "、".join(spec.headers)
        other = next((k for k in FORM_SPECS if k != form and any(
            _Table(k, src, problems).header_of(c) for _, _, c in rows)), None)
        fix = (f"表格中要有一行列名，至少包括 {spec.columns[spec.required[0]][0]}，"
               f"例如：{names}。")
        if other:
            fix = (f"这个表格的列像是{FORM_SPECS[other].name}（{FORM_SPECS[other].number}）："
                   f"用 booklet import {other} 导入它；或者 " + fix)
        problems.error(Loc(src), f"找不到{spec.name}的表头行，不知道各列是什么。", fix,
                       code="import-header")
    if form == "duty":
        for fi, f in enumerate(data["filings"]):
            if f.pop("_filed_missing", False):
                problems.warning(locs[("filings", fi)],
                                 f"报备期 {f['period']} 没有填写报备日期，按“漏报”计。",
                                 "在“报备日期”列填写报备到派出所的日期。", code="import-no-filed")
    return data, locs


def _year(t: _Table, data: dict, years: dict, value: Any, loc: Loc) -> None:
    y = cell_int(value)
    if isinstance(y, str):
        y = cell_int(re.sub(r"\s*年(度)?$", "", y))
    if "year" in data and data["year"] != y:
        t.problems.error(loc, f"年度「{cell_text(value)}」与前面（{years['loc']}）填写的"
                              f"「{data['year']}」不一致。",
                         "一个文件只属于一个年度：统一年度，或分成两个文件分别导入。",
                         code="import-year-conflict")
        return
    if "year" not in data:
        data["year"], years["loc"] = y, loc
        t.locs[("year",)] = loc


def _roster_row(t: _Table, data: dict, teams: dict, state: dict, sheet: str, n: int,
                cells: list) -> None:
    block = state["block"]
    name = person(t.get(cells, "name"))
    own_team = cell_text(t.get(cells, "team"))
    team = own_team or state["team"] or cell_text(block.get("team")) or \
        (_sheet_team(sheet) if "team" not in t.headers else None)
    own_type = cell_text(t.get(cells, "type"))
    ttype = own_type or (state["type"] if team == state["team"] else None) \
        or (cell_text(block.get("type")) if team == cell_text(block.get("team")) or
            not block.get("team") else None)
    role = t.role(cells)
    has_member = name or any(cell_text(t.get(cells, k)) for k in ("age", "phone", "address")) \
        or role
    if not has_member and not own_team:
        return                                          # an empty row of a blank form
    if not team:
        t.problems.error(t.loc(sheet, n, "team"), "这一行没有队伍名称。",
                         "在“队伍名称”列填写队伍名称（同一队伍的下面几行可留空，表示同上）；"
                         "一个工作表只有一支队伍时，也可以在表头上方写一行“队伍名称：某某队”，"
                         "或把工作表改名为队伍名称。",
                         code="import-no-team")
        return
    state["team"], state["type"] = team, ttype
    if team not in teams:
        teams[team] = len(data["teams"])
        entry: dict[str, Any] = {"name": team, "members": []}
        if ttype:
            entry["type"] = ttype
        founded = t.get(cells, "founded")
        if founded in (None, "") and team == cell_text(block.get("team")):
            founded = block.get("founded")
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
    if not has_member:
        return                                          # a team line without members
    mi = len(entry["members"])
    member = {"name": name, "age": cell_int(t.get(cells, "age")),
              "phone": cell_phone(t.get(cells, "phone")), "role": role,
              "address": cell_text(t.get(cells, "address"))}
    member = t.only_columns(member)
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


def _duty_row(t: _Table, data: dict, filings: dict, state: dict, sheet: str, n: int,
              cells: list) -> None:
    block = state["block"]
    d = cell_date(t.get(cells, "date"))
    period = cell_text(t.get(cells, "period") or block.get("period")).replace("／", "/") \
        or _period_of(d)
    filed_cell = t.get(cells, "filed")
    from_block = filed_cell in (None, "") and block.get("filed") not in (None, "")
    filed = cell_date(block.get("filed") if from_block else filed_cell)
    block_loc = state.get("block_loc")
    filed_loc: Loc = block_loc if from_block and isinstance(block_loc, Loc) else t.loc(sheet, n, "filed")
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
        t.locs[("filings", fi, "filed")] = filed_loc
    fi = filings[period]
    f = data["filings"][fi]
    if filed is not None:
        if f["filed"] is None:
            f["filed"], f["_filed_missing"] = filed, False
            t.locs[("filings", fi, "filed")] = filed_loc
        elif filed != f["filed"]:
            first = t.locs[("filings", fi, "filed")]
            t.problems.error(filed_loc,
                             f"报备期 {period} 的报备日期与前面（{first}）填写的不一致。",
                             "同一报备期只有一个报备日期：统一成实际报备到派出所的那一天。",
                             code="import-filed-conflict")
    station = cell_text(t.get(cells, "station")) or cell_text(block.get("station"))
    if station and "station" not in f:
        f["station"] = station
    if t.get(cells, "date") in (None, "") and not cell_text(t.get(cells, "members")):
        return                                          # a period line without shifts
    ri = len(f["rows"])
    row = {"date": d, "time": cell_slot(t.get(cells, "time")),
           "members": people(t.get(cells, "members")) or "",
           "phone": cell_phone(t.get(cells, "phone")), "area": cell_text(t.get(cells, "area"))}
    row = t.only_columns(row)
    f["rows"].append(row)
    rp = ("filings", fi, "rows", ri)
    t.locs[rp] = t.loc(sheet, n)
    for k in row:
        t.locs[rp + (k,)] = t.loc(sheet, n, k)


def _funds_row(t: _Table, data: dict, sheet: str, n: int, cells: list) -> None:
    q = {"date": cell_date(t.get(cells, "date")),
         "department": cell_text(t.get(cells, "department")),
         "applicant": person(t.get(cells, "applicant")),
         "purpose": cell_text(t.get(cells, "purpose")),
         "requested": cell_amount(t.get(cells, "requested")),
         "approved": cell_amount(t.get(cells, "approved")),
         "approver": cell_text(t.get(cells, "approver")),
         "remarks": cell_text(t.get(cells, "remarks"))}
    if q["approved"] is None:
        del q["approved"]
    qi = len(data["requests"])
    q = t.only_columns(q)
    data["requests"].append(q)
    qp = ("requests", qi)
    t.locs[qp] = t.loc(sheet, n)
    for k in q:
        t.locs[qp + (k,)] = t.loc(sheet, n, k)

"""Form mapping: spreadsheet rows -> the plain data of one annex file, by the
form's spec (booklet/annex/forms.py: header aliases, required columns).

    data, locs = rows_to_data("roster", rows, "名册.xlsx", "hutang-01", problems)

Each sheet may be a plain table (one row per member / patrol shift / request,
with a header row naming the columns) or a filled copy of the seed's form
(a "队伍名称 | 专职巡防队 | 人数 | 4" line above the header; several forms may
follow each other). Column names are matched loosely (姓名 / 姓 名, 电话 /
联系电话 / 手机 …); merged or blank 队伍名称 / 队伍类型 cells repeat the row
above. `locs` gives each value's row, so the same checks as for a YAML file
name the spreadsheet row.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from ..errors import Problems
from ..model import Loc
from .forms import FORM_SPECS
from .sheets import (Row, SheetLoc, cell_amount, cell_date, cell_int, cell_phone, cell_role,
                     cell_slot, cell_text, norm)


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
            for key, aliases in FORM_SPECS[self.form].columns.items():
                if key not in found and t in aliases:
                    found[key] = i
                    break
        keys = set(found)
        if len(keys) >= 2 and any(k in keys for k in FORM_SPECS[self.form].required):
            return found
        return None

    def loc(self, sheet: str, n: int, key: str = "") -> SheetLoc:
        col = self.headers.get(key)
        return SheetLoc(self.src, n, (col + 1) if col is not None else 0, sheet,
                        self.header_names.get(key, ""))

    def only_columns(self, values: dict) -> dict:
        """Drop the keys whose column the sheet lacks: the schema then names
        what is missing at this row, as it would for a YAML file."""
        return {k: v for k, v in values.items() if k in self.headers}

    def get(self, cells: list, key: str):
        i = self.headers.get(key)
        return cells[i] if i is not None and i < len(cells) else None


def _label_value(cells: list, label: str) -> Optional[str]:
    """In a form line "队伍名称 | 专职巡防队 | 人数 | 4": the value after `label`."""
    for i, c in enumerate(cells):
        if norm(c) == label:
            for v in cells[i + 1:]:
                if norm(v):
                    return cell_text(v)
            return ""
    return None


def rows_to_data(form: str, rows: list[Row], src: str, unit_id: str,
                 problems: Problems) -> tuple[dict, dict[tuple, Loc]]:
    """Spreadsheet rows → the plain data of one annex file, and the place of each value."""
    t = _Table(form, src, problems)
    spec = FORM_SPECS[form]
    data: dict = {"unit": unit_id, spec.list_key: []}
    locs = t.locs
    locs[()] = SheetLoc(src, rows[0][1] if rows else 1, 0, rows[0][0] if rows else "")
    state: dict[str, Optional[str]] = dict(team=None, type=None, sheet=None, block_team=None,
                                           block_type=None)
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
        names = "、".join(spec.headers)
        problems.error(Loc(src), "找不到表头行。",
                       f"表格中要有一行列名，至少包括 {spec.columns[spec.required[0]][0]}，"
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
        entry: dict[str, Any] = {"name": team, "members": []}
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
    row = t.only_columns(row)
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
    q = t.only_columns(q)
    data["requests"].append(q)
    qp = ("requests", qi)
    t.locs[qp] = t.loc(sheet, n)
    for k in q:
        t.locs[qp + (k,)] = t.loc(sheet, n, k)

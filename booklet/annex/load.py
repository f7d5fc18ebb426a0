"""Load the annex files: assessments/annex/<year>/<unit-id>/roster.yml | duty.yml | funds.yml
(or the older assessments/annex/<unit-id>/…, read as booklet.yml's year).

    annex, problems = load_annex(root, config)      # dict unit id -> UnitAnnex

The parsing is split from the reading: `parse_form(form, data, locate, …)`
takes already-parsed plain data and a function giving the `Loc` of a path in
it (("teams", 0, "members", 2, "phone") → roster.yml:14:20). The YAML reader
supplies line numbers; the spreadsheet importer supplies "表 Sheet1 第 7 行"
places, so both report problems the same way.
"""
from __future__ import annotations

import calendar
import difflib
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from .. import schemacheck
from ..errors import Problems
from ..model import Config, Loc
from ..yamlio import loc_of, read_yaml, relpath
from . import validate as V
from .derive import filing_deadline
from .dump import SCHEMA_LINE
from .forms import FORM_FILES, FORM_SPECS, FORMS
from .model import Duty, DutyRow, Filing, FundRequest, Funds, Member, Roster, Team, UnitAnnex

Locate = Callable[[tuple], Loc]

ANNEX_DIR = Path("assessments") / "annex"

# ---------------------------------------------------------------- reading YAML

def locator(data: Any, rel: str) -> Locate:
    """`locate(path)` over data read by booklet.yamlio; a missing path gives its parent's place."""
    default = Loc(rel, 1, 1)
    return lambda path: loc_of(data, tuple(path), default)


def read_annex_yaml(path: Path, root: Path, problems: Problems) -> tuple[Any, Optional[Locate]]:
    """Read one annex file with line numbers; (None, None) if unreadable (problem recorded)."""
    data = read_yaml(path, root, problems)
    if data is None:
        return None, None
    return data, locator(data, relpath(path, root))


# ---------------------------------------------------------------- parsing
#
# The shape (mappings, lists, required and unknown keys) is checked by
# schema/annex.schema.json through booklet.schemacheck; what follows reads
# the values leniently (a wrong shape was already reported) and leaves the
# value checks (phones, ages, dates, names) to annex/validate.py.

def _maps(value) -> list[tuple[int, dict]]:
    """The mappings of a list, with their index (other items were reported)."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


class _Ctx:
    def __init__(self, locate: Locate, problems: Problems):
        self.locate, self.problems = locate, problems

    def text(self, m: dict, key: str, path: tuple, what: str, required: bool = True) -> str:
        """A text value; a required one written but left blank is an error (absent: the schema's)."""
        v = m.get(key)
        if isinstance(v, (dict, list)):
            return ""
        if v is None or (isinstance(v, str) and not v.strip()):
            if required and key in m:
                self.problems.error(self.locate(path + (key,)), f"缺少{what}（{key}）。",
                                    f"填写 {key}: …（{what}）。", code="annex-missing")
            return ""
        return str(v).strip()

    def blank(self, m: dict, key: str) -> bool:
        """Written but left empty (an absent key is the schema's to report)."""
        return key in m and m[key] in (None, "")


def parse_form(form: str, data: Any, locate: Locate, problems: Problems, *,
               unit_id: str, year: Optional[int], file: str = ""):
    """Plain data of one annex file → Roster | Duty | Funds (None if unusable)."""
    spec = FORM_SPECS[form]
    if data is None:
        problems.error(locate(()), f"{spec.name}文件是空的。",
                       f"至少写上 unit: {unit_id}，参见说明文档《附件数据》的示例（booklet docs）。", code="annex-empty")
        return None
    schemacheck.errors_at(data, "annex", locate(()).file, problems, locate=locate,
                          part=form, shape_only=True)
    if not isinstance(data, dict):
        return None
    ctx = _Ctx(locate, problems)
    declared = data.get("unit")
    if declared is not None and str(declared) != unit_id:
        problems.error(locate(("unit",)), f"单位编号「{declared}」与所在文件夹 {unit_id} 不一致。",
                       f"写 unit: {unit_id}，或把文件移到 "
                       f"{annex_file(form, str(declared), year).parent.as_posix()}/ 下。",
                       code="annex-unit-mismatch")
    if "year" in data:
        y = data["year"]
        if isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2100:
            year = y
        else:
            problems.error(locate(("year",)), f"年度「{y}」不是四位数的年份。", "写成 year: 2017。",
                           code="annex-year")
    loc = Loc(locate(()).file)
    if form == "roster":
        return _parse_roster(ctx, data, unit_id, year, loc)
    if form == "duty":
        return _parse_duty(ctx, data, unit_id, year, loc)
    return _parse_funds(ctx, data, unit_id, year, loc)


def _parse_roster(ctx: _Ctx, top: dict, unit_id: str, year, loc: Loc) -> Roster:
    p, L = ctx.problems, ctx.locate
    roster = Roster(unit=unit_id, year=year, loc=loc)
    for ti, tm in _maps(top.get("teams")):
        tp = ("teams", ti)
        team = Team(name=ctx.text(tm, "name", tp, "队伍名称"),
                    type=ctx.text(tm, "type", tp, "队伍类型"), loc=L(tp))
        if "founded" in tm:
            team.founded = V.check_date(tm["founded"], L(tp + ("founded",)), p, "成立日期")
        for mi, mm in _maps(tm.get("members")):
            mp = tp + ("members", mi)
            name = ctx.text(mm, "name", mp, "姓名")
            member = Member(name=name, role="", loc=L(mp))
            if "role" in mm:
                member.role = V.check_role(mm["role"], L(mp + ("role",)), p, name)
            if ctx.blank(mm, "age"):
                p.error(L(mp), f"{name}缺少年龄（age）。", "填写 age: 整数周岁。", code="annex-missing")
            member.age = V.check_age(mm.get("age"), L(mp + ("age",)), p, name)
            if ctx.blank(mm, "phone"):
                p.error(L(mp), f"{name}缺少联系电话（phone）。", "填写 phone: \"13900000101\"。",
                        code="annex-missing")
            member.phone = V.check_phone(mm.get("phone"), L(mp + ("phone",)), p,
                                         f"{name}的联系电话")
            member.address = ctx.text(mm, "address", mp, "家庭住址")
            team.members.append(member)
        roster.teams.append(team)
    V.check_roster(roster, p)
    return roster


def _parse_duty(ctx: _Ctx, top: dict, unit_id: str, year, loc: Loc) -> Duty:
    p, L = ctx.problems, ctx.locate
    duty = Duty(unit=unit_id, year=year, loc=loc)
    seen: dict[str, Loc] = {}
    for fi, fm in _maps(top.get("filings")):
        fp = ("filings", fi)
        if "period" not in fm:
            continue
        period = V.check_period(fm.get("period"), L(fp + ("period",)), p, year)
        if period and period in seen:
            p.error(L(fp + ("period",)), f"报备期 {period} 出现了两次（另见 {seen[period]}）。",
                    "同一报备期只写一次，把排班合并到一起。", code="annex-period-dup")
            period = ""
        if not period:
            continue
        seen[period] = L(fp)
        y, a, b = V.filing_months(period)
        filed = None
        if fm.get("filed") is not None:
            filed = V.check_date(fm["filed"], L(fp + ("filed",)), p, "报备日期")
            deadline = filing_deadline(period)
            last = date(y, b, calendar.monthrange(y, b)[1])
            if filed and not (deadline - timedelta(days=92) <= filed <= last):
                p.error(L(fp + ("filed",)),
                        f"报备日期 {filed.isoformat()} 不合理：{period} 的排班表应于 "
                        f"{deadline.isoformat()} 前报备，排班期到 {last.isoformat()} 结束。",
                        "请核对日期（报备日期在截止日前三个月内到排班期结束之间）；没有报备的写 filed: null。",
                        code="annex-filed-date")
                filed = None
        filing = Filing(period=period, filed=filed, loc=L(fp))
        if "station" in fm:
            filing.station = ctx.text(fm, "station", fp, "报备派出所", required=False)
        for ri, rm in _maps(fm.get("rows")):
            rp = fp + ("rows", ri)
            d = V.check_date(rm.get("date"), L(rp + ("date",)), p, "巡逻日期")
            if ctx.blank(rm, "date"):
                p.error(L(rp), "缺少巡逻日期（date）。", "写 date: 2017-03-05。", code="annex-missing")
            if d and (d.year != y or d.month not in (a, b)):
                p.error(L(rp + ("date",)), f"巡逻日期 {d.isoformat()} 不在报备期 {period} 内。",
                        f"把这一行移到 {d.year}-{(d.month + 1) // 2 * 2 - 1:02d}/"
                        f"{(d.month + 1) // 2 * 2:02d} 的报备中，或核对日期。",
                        code="annex-date-period")
                d = None
            slot = ""
            if ctx.blank(rm, "time"):
                p.error(L(rp), "缺少巡逻时段（time）。", "写 time: \"13:00-18:00\"。", code="annex-missing")
            elif "time" in rm:
                slot = V.check_slot(rm.get("time"), L(rp + ("time",)), p)
            members = _names(rm.get("members"))
            if not members and "members" in rm:
                p.error(L(rp + ("members",)), "没有巡逻人员（members）。",
                        "写 members: [王某, 李某]。", code="annex-missing")
            phone = V.check_phone(rm.get("phone"), L(rp + ("phone",)), p)
            area = ctx.text(rm, "area", rp, "巡逻区域", required=False)
            if d and slot and members:
                filing.rows.append(DutyRow(date=d, time=slot, members=members, phone=phone,
                                           area=area, loc=L(rp)))
        duty.filings.append(filing)
    duty.filings.sort(key=lambda f: f.period)
    return duty


def _names(value) -> tuple[str, ...]:
    if value is None or isinstance(value, dict):
        return ()
    if isinstance(value, list):
        items = [str(v).strip() for v in value if v is not None]
    else:
        items = re.split(r"[、,，;；\s]+", str(value))
    return tuple(i for i in items if i)


def _parse_funds(ctx: _Ctx, top: dict, unit_id: str, year, loc: Loc) -> Funds:
    p, L = ctx.problems, ctx.locate
    funds = Funds(unit=unit_id, year=year, loc=loc)
    for qi, qm in _maps(top.get("requests")):
        qp = ("requests", qi)
        ok = True
        d = V.check_date(qm.get("date"), L(qp + ("date",)), p, "申请日期", year)
        if ctx.blank(qm, "date"):
            p.error(L(qp), "缺少申请日期（date）。", "写 date: 2017-03-02。", code="annex-missing")
        requested = V.check_amount(qm.get("requested"), L(qp + ("requested",)), p, "申请金额")
        if ctx.blank(qm, "requested"):
            p.error(L(qp), "缺少申请金额（requested）。", "写 requested: 金额（元），如 6007.14。",
                    code="annex-missing")
        approved = V.check_amount(qm.get("approved"), L(qp + ("approved",)), p, "批准金额",
                                  allow_zero=True)
        if requested is not None and approved is not None and approved > requested:
            p.error(L(qp + ("approved",)), f"批准金额 {approved} 元大于申请金额 {requested} 元。",
                    "批准金额不能超过申请金额：核对两个金额，或按实际批准的金额重新申请。",
                    code="annex-approved-gt-requested")
            ok = False
        approver = ctx.text(qm, "approver", qp, "批准人", required=False)
        if approved is not None and not approver:
            p.error(L(qp), "已填批准金额，但没有批准人（approver）。", "填写 approver: 批准人姓名。",
                    code="annex-missing")
        department = ctx.text(qm, "department", qp, "申请部门")
        applicant = ctx.text(qm, "applicant", qp, "申请人")
        purpose = ctx.text(qm, "purpose", qp, "用款事由")
        remarks = ctx.text(qm, "remarks", qp, "备注", required=False)
        if ok and d is not None and requested is not None:
            funds.requests.append(FundRequest(
                date=d, department=department, applicant=applicant, purpose=purpose,
                requested=requested, approved=approved, approver=approver,
                remarks=remarks, loc=L(qp)))
    return funds


# ---------------------------------------------------------------- the folder

YEAR_FOLDER = re.compile(r"^(19|20|21)\d\d$")


def load_annex(root: str | Path, config: Config) -> tuple[dict[str, UnitAnnex], Problems]:
    """Every unit's annex data of the project's year, and the problems found.

    Layout (docs/zh/annex.md): assessments/annex/<year>/<unit-id>/<form>.yml,
    one folder per year, so one project keeps several years. The older layout
    assessments/annex/<unit-id>/<form>.yml (no year folder) is still read, as
    the data of booklet.yml's `year`. Every year's files are checked (each
    with its own year); the data of booklet.yml's `year` is returned.
    Unknown unit folders and unknown files are reported; a unit without a
    folder simply has no annex data (derived scores then don't apply).
    """
    root = Path(root).resolve()
    problems = Problems()
    out: dict[str, UnitAnnex] = {}
    base = root / ANNEX_DIR
    if not base.is_dir():
        return out, problems
    known = {u.id for u in config.units}
    folders = sorted(base.iterdir())
    year_folders = [f for f in folders if f.is_dir() and YEAR_FOLDER.match(f.name)]
    for folder in year_folders:
        year = int(folder.name)
        for sub in sorted(folder.iterdir()):
            ua = _load_unit(root, sub, year, known, problems, year_folder=True)
            if ua is not None and year == config.year:
                out[ua.unit] = ua
    for folder in folders:                      # the older layout: booklet.yml's year
        if folder in year_folders:
            continue
        ua = _load_unit(root, folder, config.year, known, problems)
        if ua is None:
            continue
        if ua.unit in out:
            rel_folder = (ANNEX_DIR / folder.name).as_posix()
            newer = (ANNEX_DIR / str(config.year) / ua.unit).as_posix()
            problems.error(Loc(rel_folder), f"单位 {ua.unit} 的 {config.year} 年附件数据有两份："
                                            f"{rel_folder}/ 和 {newer}/。",
                           f"把 {rel_folder}/ 中的文件合并到 {newer}/ 后删除 {rel_folder}/。",
                           code="annex-year-dup")
            continue
        out[ua.unit] = ua
    return {u: out[u] for u in sorted(out)}, problems


def _load_unit(root: Path, folder: Path, year: Optional[int], known: set[str],
               problems: Problems, year_folder: bool = False) -> Optional[UnitAnnex]:
    """One unit's folder of one year (None: unusable, reported, or no data)."""
    rel_folder = folder.relative_to(root).as_posix()
    if not folder.is_dir():
        if not folder.name.startswith("."):
            problems.warning(Loc(rel_folder), "附件数据目录中有一个不认识的文件。",
                             "附件数据放在 assessments/annex/<年度>/<单位编号>/roster.yml|duty.yml|funds.yml。",
                             code="annex-stray-file")
        return None
    uid = folder.name
    if uid not in known:
        close = difflib.get_close_matches(uid, sorted(known), n=1)
        problems.error(Loc(rel_folder), f"单位编号「{uid}」不在 booklet.yml 的 units 中。",
                       (f"是不是 {close[0]}？请把文件夹改名。" if close else
                        ("把文件夹改名为 booklet.yml 中已有的单位编号（如 "
                         + "、".join(sorted(known)[:5]) + "），或在 units 中加上这个单位。")
                        if known else "先在 booklet.yml 的 units 中加上这个单位。"),
                       code="annex-unknown-unit")
        return None
    ua = UnitAnnex(unit=uid)
    for f in sorted(folder.iterdir()):
        if f.name.startswith(".") or f.name in FORM_FILES.values():
            continue
        stem = f.stem.lower()
        hint = next((FORM_FILES[k] for k in FORMS if stem == k), None)
        problems.warning(Loc(f"{rel_folder}/{f.name}"), "booklet 不读取这个文件。",
                         f"改名为 {hint}。" if hint else
                         "附件数据只认 roster.yml（附件2）、duty.yml（附件3）、funds.yml（附件4）。",
                         code="annex-stray-file")
    for form in FORMS:
        path = folder / FORM_FILES[form]
        if not path.is_file():
            continue
        rel = f"{rel_folder}/{FORM_FILES[form]}"
        data, locate = read_annex_yaml(path, root, problems)
        if locate is None:
            continue
        obj = parse_form(form, data, locate, problems, unit_id=uid, year=year, file=rel)
        if year_folder and obj is not None and obj.year != year:
            problems.error(locate(("year",)), f"年度 {obj.year} 与所在的年度文件夹 {year} 不一致。",
                           f"写 year: {year}（或删去 year 这一行），或把文件移到 "
                           f"{ANNEX_DIR.as_posix()}/{obj.year}/{uid}/ 下。", code="annex-year-folder")
            obj = None
        setattr(ua, form, obj)
    if ua.duty is not None:
        V.check_duty_against_roster(ua.duty, ua.roster, problems)
    return None if ua.empty else ua


def annex_file(form: str, unit_id: str, year: Optional[int] = None) -> Path:
    """Where a unit's annex file lives, relative to the project root:
    assessments/annex/<year>/<unit>/<form>.yml, or the older
    assessments/annex/<unit>/<form>.yml when no year is given."""
    base = ANNEX_DIR / str(year) if year is not None else ANNEX_DIR
    return base / unit_id / FORM_FILES[form]


__all__ = ["load_annex", "parse_form", "read_annex_yaml", "locator", "annex_file", "SCHEMA_LINE"]

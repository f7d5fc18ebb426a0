"""The annex forms of seed 001, one spec each: 附件2 花名册, 附件3 执勤排班表,
附件4 用款审批表. Every module that names a form, titles it, reads or writes
its columns, reads it from here (load, importer, exporter, print, dump, the
site's download list).

    spec = FORM_SPECS["roster"]; spec.number, spec.title, spec.columns …

Titles are the seed's printed titles (001: "社区群防群治队伍花名册",
"社区 群防群治队伍执勤排班表", "群防群治用款审批表"); the leading 社区 is where
a blank form leaves room for the unit's name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

Rows = Callable[[Any], list[list]]

YEAR = ("年度", "年份")     # export writes it only when a file's year is not the project's


@dataclass(frozen=True)
class FormSpec:
    key: str                          # roster | duty | funds (file stem, CLI word)
    number: str                       # 附件2
    name: str                         # 花名册 (in messages)
    title: str                        # the seed's printed title
    list_key: str                     # the top-level list of the YAML file
    columns: dict                     # import: canonical key -> header aliases (spaces and a
                                      #   trailing note like （元） removed)
    required: tuple                   # import: a header row names at least one of these
    headers: tuple                    # export: the header row `booklet export` writes
    print_headers: tuple              # the seed's header cells, spacing as printed
    rows: Rows                        # export: form object -> rows under `headers`

    @property
    def file(self) -> str:
        return f"{self.key}.yml"

    @property
    def title_rest(self) -> str:
        """The title after the unit's name: 社区群防群治队伍花名册 -> 群防群治队伍花名册."""
        return self.title.removeprefix("社区")

    @property
    def full_title(self) -> str:
        return f"{self.number} {self.title}"


def _roster_rows(roster) -> list[list]:
    rows: list[list] = []
    for t in roster.teams:
        if not t.members:                       # a team without members still round-trips
            rows.append([t.name, t.type, t.founded, None, None, None, None, None])
        for m in t.members:
            rows.append([t.name, t.type, t.founded, m.name, m.age, m.phone, m.role, m.address])
    return rows


def _duty_rows(duty) -> list[list]:
    rows: list[list] = []
    for f in duty.filings:
        if not f.rows:
            rows.append([f.period, f.filed, f.station or None, None, None, None, None, None])
        for r in f.rows:
            rows.append([f.period, f.filed, f.station or None, r.date, r.time,
                         "、".join(r.members), r.phone or None, r.area or None])
    return rows


def _funds_rows(funds) -> list[list]:
    return [[q.date, q.department, q.applicant, q.purpose, q.requested, q.approved,
             q.approver or None, q.remarks or None] for q in funds.requests]


ROSTER = FormSpec(
    key="roster", number="附件2", name="花名册", title="社区群防群治队伍花名册", list_key="teams",
    columns={
        "year": YEAR,
        "team": ("队伍名称", "队伍", "队名"),
        "type": ("队伍类型", "类型", "队伍性质"),
        "founded": ("成立日期", "成立时间"),
        "name": ("姓名", "名字"),
        "age": ("年龄",),
        "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
        "role": ("职务", "职位", "角色"),
        "address": ("家庭住址", "住址", "家庭地址", "地址"),
    },
    required=("name",),
    headers=("队伍名称", "队伍类型", "成立日期", "姓名", "年龄", "联系电话", "职务", "家庭住址"),
    print_headers=("姓 名", "年龄", "联系电话", "职务", "家庭住址"),
    rows=_roster_rows)

DUTY = FormSpec(
    key="duty", number="附件3", name="执勤排班表", title="社区群防群治队伍执勤排班表",
    list_key="filings",
    columns={
        "year": YEAR,
        "period": ("报备期", "排班期", "期次"),
        "filed": ("报备日期", "报备时间"),
        "station": ("报备派出所", "派出所"),
        "date": ("巡逻日期", "日期"),
        "time": ("巡逻时段", "时段", "时间"),
        "members": ("巡逻人员", "人员", "队员"),
        "phone": ("联系电话", "电话", "手机", "联系方式"),
        "area": ("巡逻区域", "区域", "巡逻路线"),
    },
    required=("date",),
    headers=("报备期", "报备日期", "报备派出所", "巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"),
    print_headers=("巡逻日期", "巡逻时段", "巡逻人员", "联系电话", "巡逻区域"),
    rows=_duty_rows)

FUNDS = FormSpec(
    key="funds", number="附件4", name="用款审批表", title="群防群治用款审批表", list_key="requests",
    columns={
        "year": YEAR,
        "date": ("申请日期", "日期"),
        "department": ("申请部门", "部门"),
        "applicant": ("申请人",),
        "purpose": ("用款事由", "事由", "用途"),
        "requested": ("申请金额", "金额", "申请数额"),
        "approved": ("批准金额", "核准金额", "审批金额"),
        "approver": ("批准人", "审批人"),
        "remarks": ("备注",),
    },
    required=("requested",),
    headers=("申请日期", "申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备注"),
    print_headers=("申请部门", "申请人", "用款事由", "申请金额", "批准金额", "批准人", "备  注"),
    rows=_funds_rows)

FORM_SPECS = {s.key: s for s in (ROSTER, DUTY, FUNDS)}
FORMS = tuple(FORM_SPECS)
# the file of each form, derived from the specs
FORM_FILES = {k: s.file for k, s in FORM_SPECS.items()}

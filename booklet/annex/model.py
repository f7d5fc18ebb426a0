"""Annex data of one unit: 附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表 (seed 001).

Plain data, no I/O. Every object keeps the `Loc` of the YAML line it came
from, so a derived score or a validation problem can point at it.

This is personal data (names, ages, phone numbers, home addresses, who
patrols where and when): it is printed only into the internal ledger book and
never read by the public site.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from ..model import NOWHERE, Loc
from .forms import FORMS  # noqa: F401  (re-exported)

ROLES = ("队长", "组长", "队员")
PROFESSIONAL = "专职化队伍"          # 专职化队伍（不少于3人）
SOCIAL = "社会化队伍"                # 社会化队伍（每支队伍不少于10人）

AGE_MIN, AGE_MAX = 16, 80            # plausible ages of a patrol volunteer


@dataclass
class Member:
    name: str
    role: str                          # 队长 | 组长 | 队员
    age: Optional[int] = None
    phone: str = ""
    address: str = ""
    loc: Loc = NOWHERE


@dataclass
class Team:
    name: str
    type: str                          # 专职化队伍 | 社会化队伍 | 楼道长 | …
    members: list[Member] = field(default_factory=list)
    founded: Optional[date] = None     # 成立日期: counts for periods ending on/after it
    loc: Loc = NOWHERE

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Roster:
    unit: str
    teams: list[Team] = field(default_factory=list)
    year: Optional[int] = None
    loc: Loc = NOWHERE                 # the file

    def member_names(self) -> set[str]:
        return {m.name for t in self.teams for m in t.members}


@dataclass
class DutyRow:
    date: date
    time: str                          # "13:00-18:00"
    members: tuple[str, ...]
    phone: str = ""                    # contact phone of the shift
    area: str = ""                     # 巡逻区域
    loc: Loc = NOWHERE


@dataclass
class Filing:
    """The schedule of one two-month period, as filed with the police station."""
    period: str                        # "2017-01/02"
    filed: Optional[date]              # None: not filed (漏报)
    station: str = ""                  # 报备派出所
    rows: list[DutyRow] = field(default_factory=list)
    loc: Loc = NOWHERE

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def months(self) -> tuple[int, int]:
        a, b = self.period[5:].split("/")
        return int(a), int(b)


@dataclass
class Duty:
    unit: str
    filings: list[Filing] = field(default_factory=list)
    year: Optional[int] = None
    loc: Loc = NOWHERE

    def filing(self, period: str) -> Optional[Filing]:
        for f in self.filings:
            if f.period == period:
                return f
        return None


@dataclass
class FundRequest:
    date: date
    department: str                    # 申请部门
    applicant: str                     # 申请人
    purpose: str                       # 用款事由
    requested: Decimal                 # 申请金额
    approved: Optional[Decimal] = None  # 批准金额 (None: not yet decided; 0: refused)
    approver: str = ""                 # 批准人
    remarks: str = ""                  # 备注
    loc: Loc = NOWHERE


@dataclass
class Funds:
    unit: str
    requests: list[FundRequest] = field(default_factory=list)
    year: Optional[int] = None
    loc: Loc = NOWHERE


@dataclass
class UnitAnnex:
    """What Project.annex holds for one unit id; any of the three may be absent."""
    unit: str
    roster: Optional[Roster] = None
    duty: Optional[Duty] = None
    funds: Optional[Funds] = None

    def get(self, form: str):
        return getattr(self, form)

    @property
    def empty(self) -> bool:
        return self.roster is None and self.duty is None and self.funds is None

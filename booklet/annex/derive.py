"""Scores computed from the annex data (rubric hutang-2017, seed 001).

The scoring engine calls `derive_findings(project, rubric, unit, period)` for
every unit and assessed period; the findings it returns are scored like typed
ones and shown as derived (Adjustment.derived = True).

Item 2 加强队伍建设 (basis earned, 13 points), from 附件2 花名册:
  基本分 7分 when the roster has one 专职化队伍 of at least 3 members and two
  社会化队伍 of at least 10 members each; 2 points for each further team of
  another type (楼道长, 居民代表, 业主委员, 物业保安队, 党员先锋队, 社区义工队, …)
  with at least 10 members; a type counts once (同类型队伍不重复计分), and more
  than two 社会化队伍 or one 专职化队伍 are not 扩建 of another type. The item caps
  at 13 (the engine clamps; 7 + 3 × 2 = 13). Extra teams count even when the
  base is not met: 15(1) then vetoes the result anyway.
  Veto 15(1) when the base is not met.

Item 5 治安巡防全覆盖 (basis full, 5 points), from 附件3 执勤排班表:
  "每双月25日前，由各社区将各支队伍巡逻执勤排班表报备（见附件3）至各辖区派出所".
  Decision: the deadlines are the 25th of each even month (2月25日, 4月25日, …
  12月25日), and what is due at each is the schedule of the next two months:
  3—4月 by 2月25日, 5—6月 by 4月25日, …, 11—12月 by 10月25日, and next
  year's 1—2月 by 12月25日 (this year's 1—2月 was due on 12月25日 of the year
  before and counts there). A schedule is a plan: item 6's inspections check
  the patrols against the filed schedule (根据各社区执勤报备表…督查), so it
  must be on file before its two months begin. The example records of the
  other units read it the same way ("3—4月执勤排班表未在2月25日前报备").
  "25日前" includes the 25th (filed on the 25th is on time). A filing after
  its deadline is 迟报; no filing of that period, or `filed: null`, is 漏报;
  each costs 2 points (扣完为止: the engine clamps at 0). A deadline counts in
  the period it falls in (Q1: 2月25日; Q2: 4月25日, 6月25日; Q3: 8月25日;
  Q4: 10月25日, 12月25日). Deadlines after `as_of` (default today) are not
  yet due.
  Veto 15(2) when the year's missing or late filings, counted from January up
  to the end of the period, reach 3.

Only deadlines and teams are counted; the reasons name teams and dates, never
a member, phone number or address (they are published with the scores).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from ..model import Finding, Loc, Project, Rubric, Rule, VetoFinding
from ..periods import Period
from ..textfmt import fmt_date, fmt_points
from .model import PROFESSIONAL, SOCIAL, Duty, Roster, Team, UnitAnnex

SEED_001 = "001_bb18efb3631b949b.txt"
PRO_MIN, SOCIAL_MIN, EXTRA_MIN = 3, 10, 10
DEADLINE_DAY = 25


@dataclass
class AnnexRules:
    """Where the annex-derived findings go in one rubric."""
    team_item: Optional[str] = None       # "2"
    base_rule: Optional[str] = None       # earn 7
    extra_rule: Optional[str] = None      # earn 2 per 支
    filing_item: Optional[str] = None     # "5"
    late_rule: Optional[str] = None       # deduct 2 per 次
    roster_veto: Optional[str] = None     # "1"
    duty_veto: Optional[str] = None       # "2"
    base_amount: Decimal = Decimal(7)
    extra_amount: Decimal = Decimal(2)
    late_amount: Decimal = Decimal(2)


def annex_rules(rubric: Rubric) -> Optional[AnnexRules]:
    """The annex hooks of `rubric`, or None if it takes nothing from annexes.

    A rubric takes part if a veto says `auto: {annex: roster|duty}`, or it
    encodes seed 001 (id hutang-…, or source 001_…). Rule ids are found by kind
    (item 2: the earn rule without `per` is the base, the one with `per` the
    extension; item 5: the deduct rule with `per`), preferring the ids
    base-teams, extra-team.
    """
    ar = AnnexRules()
    for v in rubric.vetoes:
        annex = (v.auto or {}).get("annex")
        if annex == "roster":
            ar.roster_veto = v.id
        elif annex == "duty":
            ar.duty_veto = v.id
    is_001 = rubric.source == SEED_001 or rubric.id.startswith("hutang")
    if not (is_001 or ar.roster_veto or ar.duty_veto):
        return None
    if is_001:
        item2, item5 = rubric.item("2"), rubric.item("5")
        if item2 is not None:
            earns = [r for r in item2.rules if r.kind == "earn"]
            base = _pick([r for r in earns if not r.per], "base-teams")
            extra = _pick([r for r in earns if r.per], "extra-team")
            if base is not None:
                ar.team_item, ar.base_rule = item2.id, base.id
                ar.base_amount = base.amount if base.amount is not None else ar.base_amount
            if extra is not None:
                ar.team_item, ar.extra_rule = item2.id, extra.id
                ar.extra_amount = extra.amount if extra.amount is not None else ar.extra_amount
        if item5 is not None:
            late = _pick([r for r in item5.rules if r.kind == "deduct" and r.per], "late-filing")
            if late is not None:
                ar.filing_item, ar.late_rule = item5.id, late.id
                ar.late_amount = late.amount if late.amount is not None else ar.late_amount
        ids = {v.id for v in rubric.vetoes}
        if ar.roster_veto is None and "1" in ids and not any(v.auto for v in rubric.vetoes):
            ar.roster_veto = "1"
        if ar.duty_veto is None and "2" in ids and not any(v.auto for v in rubric.vetoes):
            ar.duty_veto = "2"
    return ar


def _pick(rules: list[Rule], preferred: str) -> Optional[Rule]:
    for r in rules:
        if r.id == preferred:
            return r
    return rules[0] if rules else None


# ---------------------------------------------------------------- periods

def due_periods(year: int) -> list[str]:
    """The schedules due in `year`, in order: 2017 → 2017-03/04 … 2017-11/12, 2018-01/02."""
    return [f"{year}-{m:02d}/{m + 1:02d}" for m in range(3, 12, 2)] + [f"{year + 1}-01/02"]


def filing_deadline(filing_period: str) -> date:
    """The 25th of the even month before the period: '2017-03/04' → 2017-02-25,
    '2018-01/02' → 2017-12-25."""
    year, first = int(filing_period[:4]), int(filing_period[5:7])
    if first == 1:
        return date(year - 1, 12, DEADLINE_DAY)
    return date(year, first - 1, DEADLINE_DAY)


def period_words(filing_period: str) -> str:
    """'2017-03/04' → 2017年3—4月"""
    year, a, b = int(filing_period[:4]), int(filing_period[5:7]), int(filing_period[8:10])
    return f"{year}年{a}—{b}月"


@dataclass
class FilingStatus:
    period: str                  # 2017-03/04
    deadline: date
    filed: Optional[date]
    status: str                  # 按时 | 迟报 | 漏报 | 未到期
    loc: Loc

    @property
    def missed(self) -> bool:
        return self.status in ("迟报", "漏报")

    def describe(self) -> str:
        due = f"{period_words(self.period)}的执勤排班表应于{fmt_date(self.deadline)}前报备"
        if self.status == "迟报":
            return f"{due}，实际{fmt_date(self.filed)}报备（迟报）"
        if self.status == "漏报":
            return f"{due}，没有报备记录（漏报）"
        if self.status == "按时":
            return f"{due}，{fmt_date(self.filed)}已报备"
        return f"{due}（未到期）"


def filing_statuses(duty: Duty, year: int, as_of: Optional[date] = None) -> list[FilingStatus]:
    """The status of each of the six filings due in `year`, in order."""
    as_of = as_of or date.today()
    out = []
    for fp in due_periods(year):
        deadline = filing_deadline(fp)
        f = duty.filing(fp)
        filed = f.filed if f else None
        loc = f.loc if f else Loc(duty.loc.file, 1, 1)
        if filed is not None:
            status = "按时" if filed <= deadline else "迟报"
        else:
            status = "未到期" if deadline >= as_of else "漏报"
        out.append(FilingStatus(fp, deadline, filed, status, loc))
    return out


# ---------------------------------------------------------------- teams

@dataclass
class TeamCheck:
    base_met: bool
    professional: list[Team]        # 专职化队伍 with ≥ 3
    social: list[Team]              # 社会化队伍 with ≥ 10
    extra: list[Team]               # one team per further type, ≥ 10
    not_counted: list[str]          # why other teams did not count


def check_teams(roster: Roster, on: Optional[date] = None) -> TeamCheck:
    teams = [t for t in roster.teams if on is None or t.founded is None or t.founded <= on]
    pro = [t for t in teams if t.type == PROFESSIONAL and t.size >= PRO_MIN]
    soc = [t for t in teams if t.type == SOCIAL and t.size >= SOCIAL_MIN]
    notes: list[str] = []
    for t in teams:
        if t.type == PROFESSIONAL and t.size < PRO_MIN:
            notes.append(f"专职化队伍「{t.name}」仅{t.size}人，不足{PRO_MIN}人")
        elif t.type == SOCIAL and t.size < SOCIAL_MIN:
            notes.append(f"社会化队伍「{t.name}」仅{t.size}人，不足{SOCIAL_MIN}人")
    extra: list[Team] = []
    types_seen: dict[str, Team] = {}
    for t in teams:
        if t.type in (PROFESSIONAL, SOCIAL):
            continue
        if t.size < EXTRA_MIN:
            notes.append(f"{t.type}「{t.name}」仅{t.size}人，不足{EXTRA_MIN}人，不计分")
            continue
        if t.type in types_seen:
            notes.append(f"「{t.name}」与「{types_seen[t.type].name}」同为{t.type}，同类型队伍不重复计分")
            continue
        types_seen[t.type] = t
        extra.append(t)
    if len(pro) > 1:
        notes.append(f"专职化队伍有{len(pro)}支，超出的不算扩建（同类型队伍不重复计分）")
    if len(soc) > 2:
        notes.append(f"社会化队伍有{len(soc)}支，超出两支的不算扩建（同类型队伍不重复计分）")
    return TeamCheck(bool(pro) and len(soc) >= 2, pro, soc, extra, notes)


def _team_list(teams: list[Team]) -> str:
    return "、".join(f"「{t.name}」{t.size}人" for t in teams) or "无"


# ---------------------------------------------------------------- entry point

def derive_findings(project: Project, rubric: Rubric | str, unit, period: str, *,
                    as_of: Optional[date] = None) -> tuple[list[Finding], list[VetoFinding]]:
    """Findings and veto hits computed from `unit`'s annex data for `period`.

    `unit` is a unit id or a Unit. Returns ([], []) when the rubric takes
    nothing from annexes or the unit has no annex data; only the forms present
    are used (no roster: item 2 and 15(1) stay with the assessor).
    Call it once per assessed period (not for inspection months that are then
    rolled up into the quarter, or the filings would be counted twice).
    """
    rb = project.rubrics.get(rubric) if isinstance(rubric, str) else rubric
    if rb is None:
        return [], []
    unit_id = unit if isinstance(unit, str) else unit.id
    ua: Optional[UnitAnnex] = (project.annex or {}).get(unit_id)
    ar = annex_rules(rb)
    if ua is None or ar is None:
        return [], []
    start, end = Period.parse(period).bounds
    findings: list[Finding] = []
    vetoes: list[VetoFinding] = []

    if ua.roster is not None:
        _derive_teams(ua.roster, ar, end, findings, vetoes)
    if ua.duty is not None and ua.duty.year in (None, start.year):
        # a duty file records one year's filings: another year's period is not judged by it
        _derive_filings(ua.duty, ar, start, end, as_of, findings, vetoes)
    return findings, vetoes


def _roster_loc(roster: Roster, team: Optional[Team] = None) -> Loc:
    if team is not None:
        return team.loc
    return roster.teams[0].loc if roster.teams else Loc(roster.loc.file, 1, 1)


def _derive_teams(roster: Roster, ar: AnnexRules, end: date,
                  findings: list[Finding], vetoes: list[VetoFinding]) -> None:
    tc = check_teams(roster, end)
    src = f"根据附件2花名册（{roster.loc.file}）计算"
    requirement = (f"一支专职化队伍（不少于{PRO_MIN}人），两支社会化队伍（每支不少于{SOCIAL_MIN}人）")
    have = (f"专职化队伍：{_team_list(tc.professional)}；社会化队伍：{_team_list(tc.social)}")
    if ar.team_item and ar.base_rule and tc.base_met:
        findings.append(Finding(
            rule=ar.base_rule, item=ar.team_item,
            reason=f"{src}：{have}，已建立{requirement}，得基本分{fmt_points(ar.base_amount)}分。",
            evidence="附件2 社区群防群治队伍花名册", loc=_roster_loc(roster, tc.professional[0])))
    elif ar.team_item and ar.base_rule:
        # decided by the roster: nothing earned (replaces anything typed)
        findings.append(Finding(
            rule=ar.base_rule, item=ar.team_item, count=0,
            reason=f"{src}：{have}，未达到{requirement}，不得基本分。",
            evidence="附件2 社区群防群治队伍花名册", loc=_roster_loc(roster)))
    if ar.team_item and ar.extra_rule and tc.extra:
        listed = "、".join(f"{t.type}「{t.name}」{t.size}人" for t in tc.extra)
        reason = (f"{src}：扩建队伍{len(tc.extra)}支（{listed}），每支{fmt_points(ar.extra_amount)}分")
        if tc.not_counted:
            reason += "；" + "；".join(tc.not_counted)
        findings.append(Finding(
            rule=ar.extra_rule, item=ar.team_item, count=len(tc.extra), reason=reason + "。",
            evidence="附件2 社区群防群治队伍花名册", loc=_roster_loc(roster, tc.extra[0])))
    elif ar.team_item and ar.extra_rule:
        findings.append(Finding(
            rule=ar.extra_rule, item=ar.team_item, count=0,
            reason=f"{src}：没有可计分的扩建队伍。", evidence="附件2 社区群防群治队伍花名册",
            loc=_roster_loc(roster)))
    if ar.roster_veto and not tc.base_met:
        why = [f"不少于{PRO_MIN}人的专职化队伍{len(tc.professional)}支",
               f"不少于{SOCIAL_MIN}人的社会化队伍{len(tc.social)}支"]
        detail = [n for n in tc.not_counted if "专职化" in n or "社会化" in n]
        vetoes.append(VetoFinding(
            condition=ar.roster_veto,
            reason=(f"{src}：未达到“{requirement}”，" + "，".join(why)
                    + ("；" + "；".join(detail) if detail else "") + "。"),
            loc=_roster_loc(roster)))


def _derive_filings(duty: Duty, ar: AnnexRules, start: date, end: date, as_of: Optional[date],
                    findings: list[Finding], vetoes: list[VetoFinding]) -> None:
    statuses = filing_statuses(duty, start.year, as_of)
    src = f"根据附件3执勤排班表（{duty.loc.file}）计算"
    in_period = [s for s in statuses if start <= s.deadline <= end and s.missed]
    due_here = [s for s in statuses if start <= s.deadline <= end]
    if ar.filing_item and ar.late_rule and due_here and not in_period:
        findings.append(Finding(
            rule=ar.late_rule, item=ar.filing_item, count=0,
            reason=f"{src}：" + "；".join(s.describe() for s in due_here) + "，均按时报备。",
            evidence="附件3 群防群治队伍执勤排班表", loc=due_here[0].loc))
    if ar.filing_item and ar.late_rule and in_period:
        findings.append(Finding(
            rule=ar.late_rule, item=ar.filing_item, count=len(in_period),
            reason=(f"{src}：" + "；".join(s.describe() for s in in_period)
                    + f"。共{len(in_period)}次，每次扣{fmt_points(ar.late_amount)}分。"),
            date=in_period[0].deadline, evidence="附件3 群防群治队伍执勤排班表",
            loc=in_period[0].loc))
    so_far = [s for s in statuses if s.deadline <= end and s.missed]
    if ar.duty_veto and len(so_far) >= 3:
        vetoes.append(VetoFinding(
            condition=ar.duty_veto,
            reason=(f"{src}：{start.year}年1月至{end.month}月底共漏报或迟报{len(so_far)}次"
                    f"（3次及以上）：" + "；".join(s.describe() for s in so_far) + "。"),
            loc=so_far[0].loc))

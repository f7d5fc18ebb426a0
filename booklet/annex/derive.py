"""Scores computed from annex data, as the rubric's `annex` block declares.

The scoring engine calls `derive_findings(project, rubric, unit, period)` for
every unit and assessed period; the findings it returns are scored like typed
ones and shown as derived (Adjustment.derived = True). What is decided, and
with which parameters, is read from the rubric only (docs/formats.md
“附件数据决定的规则”); nothing here knows a rubric's id, file or seed.

`annex.roster` (附件2 花名册), e.g. seed 001 item 2 (basis earned, 13 points):
  the `base` rule earns its amount when the roster has, for every line of
  `teams`, `count` teams of that type with at least `min_size` members
  (001: one 专职化队伍 ≥ 3, two 社会化队伍 ≥ 10 → 7分); the `extra` rule counts
  one team per further type (any type not named in `teams`) with at least
  `extra.min_size` members (001: 楼道长, 居民代表, … ≥ 10 → 2分 per 支); a type
  counts once (同类型队伍不重复计分), and teams of a required type beyond its
  `count` are not 扩建. The item's points cap the sum (the engine clamps).
  Extra teams count even when the base is not met: a veto `auto: {annex:
  roster}` then vetoes the result anyway.

`annex.duty` (附件3 执勤排班表), e.g. seed 001 item 5 (basis full, 5 points):
  “每双月25日前，由各社区将各支队伍巡逻执勤排班表报备（见附件3）至各辖区派出所”.
  `cycle: bimonthly`: the deadlines are day `deadline_day` of each even month
  (2月25日, 4月25日, … 12月25日), and what is due at each is the schedule of
  the next two months: 3—4月 by 2月25日, …, 11—12月 by 10月25日, and next
  year's 1—2月 by 12月25日 (this year's 1—2月 was due on 12月25日 of the year
  before and counts there). A schedule is a plan: item 6's inspections check
  the patrols against the filed schedule (根据各社区执勤报备表…督查), so it
  must be on file before its two months begin. The example records of the
  other units read it the same way ("3—4月执勤排班表未在2月25日前报备").
  "25日前" includes the 25th (filed on the 25th is on time). A filing after
  its deadline is 迟报; no filing of that period, or `filed: null`, is 漏报;
  each counts once for the `late` rule (001: 扣2分 each, 扣完为止: the engine
  clamps at 0). A deadline counts in the period it falls in (Q1: 2月25日;
  Q2: 4月25日, 6月25日; Q3: 8月25日; Q4: 10月25日, 12月25日). Deadlines after
  the project's as-of date (booklet/asof.py; never the system clock) are not
  yet due. A veto `auto: {annex: duty, min_missed: n}` is raised when the
  year's missing or late filings, counted from January up to the end of the
  period, reach n.

A unit without the form: `missing: assessor` (default) leaves the rules to the
assessor's typed findings and says so in the trail (a zero finding with
keeps_typed); `missing: empty` judges it as an empty form (no teams; every due
filing 漏报). The vetoes follow the same choice.

Only deadlines and teams are counted; the reasons name teams and dates, never
a member, phone number or address (they are published with the scores).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from ..model import (DutyRules, Finding, Loc, Project, RosterRules, Rubric, RuleRef, TeamNeed,
                     VetoFinding)
from ..periods import Period
from ..textfmt import fmt_date, fmt_points
from .model import Duty, Roster, Team, UnitAnnex

FORM_WORDS = {"roster": "附件2花名册", "duty": "附件3执勤排班表"}
EVIDENCE = {"roster": "附件2 社区群防群治队伍花名册", "duty": "附件3 群防群治队伍执勤排班表"}


@dataclass
class AnnexRules:
    """Where the annex-derived findings go in one rubric, from its `annex`
    block and its vetoes `auto: {annex: …}`."""
    roster: Optional[RosterRules] = None
    duty: Optional[DutyRules] = None
    roster_veto: Optional[str] = None     # veto id raised when the roster requirement is unmet
    duty_veto: Optional[str] = None       # veto id raised by missed filings
    duty_veto_min: int = 0                # … when they reach this many
    base_amount: Decimal = Decimal(0)
    extra_amount: Decimal = Decimal(0)
    late_amount: Decimal = Decimal(0)

    @property
    def team_item(self) -> Optional[str]:
        r = self.roster and (self.roster.base or self.roster.extra)
        return r.item if r else None

    @property
    def base_rule(self) -> Optional[str]:
        return self.roster.base.rule if self.roster and self.roster.base else None

    @property
    def extra_rule(self) -> Optional[str]:
        return self.roster.extra.rule if self.roster and self.roster.extra else None

    @property
    def filing_item(self) -> Optional[str]:
        return self.duty.late.item if self.duty and self.duty.late else None

    @property
    def late_rule(self) -> Optional[str]:
        return self.duty.late.rule if self.duty and self.duty.late else None

    def reads(self, form: str) -> bool:
        """True if some rule or veto of the rubric is decided by `form`."""
        if form == "roster":
            return bool(self.roster and (self.base_rule or self.extra_rule or self.roster_veto))
        if form == "duty":
            return bool(self.duty and (self.late_rule or self.duty_veto))
        return False

    def decided(self, form: str) -> list[tuple[str, str]]:
        """The (item, rule) pairs `form` decides."""
        refs: list[Optional[RuleRef]] = []
        if form == "roster" and self.roster:
            refs = [self.roster.base, self.roster.extra]
        elif form == "duty" and self.duty:
            refs = [self.duty.late]
        return [(r.item, r.rule) for r in refs if r is not None]


def annex_rules(rubric: Rubric) -> Optional[AnnexRules]:
    """The annex hooks of `rubric`, or None if it takes nothing from annexes.

    Read from the rubric alone: its `annex` block (annex.roster, annex.duty)
    and its vetoes `auto: {annex: roster}` / `auto: {annex: duty, min_missed}`.
    """
    ar = AnnexRules(roster=rubric.annex.roster, duty=rubric.annex.duty)
    for v in rubric.vetoes:
        annex = (v.auto or {}).get("annex")
        if annex == "roster":
            ar.roster_veto = v.id
        elif annex == "duty":
            ar.duty_veto = v.id
            ar.duty_veto_min = int((v.auto or {}).get("min_missed") or 0)
    if ar.roster is None:
        ar.roster_veto = None           # nothing to judge it by (validate reports it)
    if ar.duty is None or ar.duty_veto_min < 1:
        ar.duty_veto = None
    if not (ar.reads("roster") or ar.reads("duty")):
        return None
    for ref, attr in ((ar.roster and ar.roster.base, "base_amount"),
                      (ar.roster and ar.roster.extra, "extra_amount"),
                      (ar.duty and ar.duty.late, "late_amount")):
        rule = _rule(rubric, ref)
        if rule is not None and rule.amount is not None:
            setattr(ar, attr, rule.amount)
    return ar


def _rule(rubric: Rubric, ref):
    if not ref:
        return None
    item = rubric.item(ref.item)
    return item.rule(ref.rule) if item is not None else None


# ---------------------------------------------------------------- periods

DEADLINE_DAY = 25                  # the default of annex.duty.deadline_day


def due_periods(year: int) -> list[str]:
    """The schedules due in `year` (cycle bimonthly), in order:
    2017 → 2017-03/04 … 2017-11/12, 2018-01/02."""
    return [f"{year}-{m:02d}/{m + 1:02d}" for m in range(3, 12, 2)] + [f"{year + 1}-01/02"]


def filing_deadline(filing_period: str, day: int = DEADLINE_DAY) -> date:
    """Day `day` of the even month before the period: '2017-03/04' → 2017-02-25,
    '2018-01/02' → 2017-12-25."""
    year, first = int(filing_period[:4]), int(filing_period[5:7])
    if first == 1:
        return date(year - 1, 12, day)
    return date(year, first - 1, day)


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


def filing_statuses(duty: Duty, year: int, as_of: Optional[date] = None,
                    day: int = DEADLINE_DAY) -> list[FilingStatus]:
    """The status of each of the six filings due in `year`, in order.
    A deadline on or after `as_of` is not yet due; without `as_of` (a project
    with no dated record) every deadline is judged."""
    out = []
    for fp in due_periods(year):
        deadline = filing_deadline(fp, day)
        f = duty.filing(fp)
        filed = f.filed if f else None
        loc = f.loc if f else Loc(duty.loc.file, 1, 1)
        if filed is not None:
            status = "按时" if filed <= deadline else "迟报"
        else:
            status = "未到期" if as_of is not None and deadline >= as_of else "漏报"
        out.append(FilingStatus(fp, deadline, filed, status, loc))
    return out


# ---------------------------------------------------------------- teams

_COUNT_WORDS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}


def _n(count: int) -> str:
    return _COUNT_WORDS.get(count, str(count))


def requirement_words(needs: tuple[TeamNeed, ...]) -> str:
    """一支专职化队伍（不少于3人），两支社会化队伍（每支不少于10人）"""
    return "，".join(f"{_n(t.count)}支{t.type}（{'不少于' if t.count == 1 else '每支不少于'}{t.min_size}人）"
                    for t in needs)


@dataclass
class TeamCheck:
    base_met: bool
    qualified: dict[str, list[Team]]  # required type → its teams of at least min_size
    extra: list[Team]               # one team per further type, ≥ extra_min_size
    not_counted: list[str]          # why other teams did not count

    @property
    def counted(self) -> list[Team]:
        return [t for ts in self.qualified.values() for t in ts]


def check_teams(roster: Roster, needs: tuple[TeamNeed, ...], extra_min: int,
                on: Optional[date] = None) -> TeamCheck:
    teams = [t for t in roster.teams if on is None or t.founded is None or t.founded <= on]
    need_by_type = {n.type: n for n in needs}
    qualified = {n.type: [t for t in teams if t.type == n.type and t.size >= n.min_size]
                 for n in needs}
    notes: list[str] = []
    for t in teams:
        n = need_by_type.get(t.type)
        if n is not None and t.size < n.min_size:
            notes.append(f"{t.type}「{t.name}」仅{t.size}人，不足{n.min_size}人")
    extra: list[Team] = []
    types_seen: dict[str, Team] = {}
    for t in teams:
        if t.type in need_by_type:
            continue
        if t.size < extra_min:
            notes.append(f"{t.type}「{t.name}」仅{t.size}人，不足{extra_min}人，不计分")
            continue
        if t.type in types_seen:
            notes.append(f"「{t.name}」与「{types_seen[t.type].name}」同为{t.type}，同类型队伍不重复计分")
            continue
        types_seen[t.type] = t
        extra.append(t)
    for n in needs:
        have = len(qualified[n.type])
        if have > n.count:
            beyond = "超出的" if n.count == 1 else f"超出{_n(n.count)}支的"
            notes.append(f"{n.type}有{have}支，{beyond}不算扩建（同类型队伍不重复计分）")
    met = bool(needs) and all(len(qualified[n.type]) >= n.count for n in needs)
    return TeamCheck(met, qualified, extra, notes)


def _team_list(teams: list[Team]) -> str:
    return "、".join(f"「{t.name}」{t.size}人" for t in teams) or "无"


# ---------------------------------------------------------------- entry point

def annex_path(form: str, unit_id: str, year: Optional[int] = None) -> str:
    """Where the unit's form would be (assessments/annex/<year>/<unit>/<form>.yml)."""
    from .load import annex_file
    return annex_file(form, unit_id, year).as_posix()


def derive_findings(project: Project, rubric: Rubric | str, unit, period: str, *,
                    as_of: Optional[date] = None) -> tuple[list[Finding], list[VetoFinding]]:
    """Findings and veto hits computed from `unit`'s annex data for `period`.

    `unit` is a unit id or a Unit; `as_of` defaults to project.as_of. Returns
    ([], []) when the rubric takes nothing from annexes. A form the unit lacks
    is judged as the rubric's `missing` says: `assessor` gives zero notices
    (keeps_typed: the typed findings of the rule still count), `empty` judges
    an empty form.
    Call it once per assessed period (not for inspection months that are then
    rolled up into the quarter, or the filings would be counted twice).
    """
    if isinstance(rubric, str):
        found = project.rubrics.get(rubric)
        if found is None:
            return [], []
        rubric = found
    ar = annex_rules(rubric)
    if ar is None:
        return [], []
    unit_id = unit if isinstance(unit, str) else unit.id
    ua: UnitAnnex = (project.annex or {}).get(unit_id) or UnitAnnex(unit=unit_id)
    as_of = as_of if as_of is not None else project.as_of
    start, end = Period.parse(period).bounds
    findings: list[Finding] = []
    vetoes: list[VetoFinding] = []

    if ar.reads("roster"):
        roster = ua.roster
        assert ar.roster is not None        # reads("roster") says it is declared
        if roster is None and ar.roster.missing == "empty":
            path = annex_path("roster", unit_id, start.year)
            roster = Roster(unit=unit_id, loc=Loc(path))
            _derive_teams(roster, ar, end, findings, vetoes,
                          src=f"没有附件2花名册（{path}），按没有队伍计算")
        elif roster is None:
            _notices("roster", ar, unit_id, start.year, findings)
        else:
            _derive_teams(roster, ar, end, findings, vetoes,
                          src=f"根据附件2花名册（{roster.loc.file}）计算")
    if ar.reads("duty"):
        duty = ua.duty
        assert ar.duty is not None          # reads("duty") says it is declared
        if duty is None and ar.duty.missing == "empty":
            path = annex_path("duty", unit_id, start.year)
            _derive_filings(Duty(unit=unit_id, loc=Loc(path)), ar, start, end, as_of,
                            findings, vetoes, src=f"没有附件3执勤排班表（{path}），按全部漏报计算")
        elif duty is None:
            _notices("duty", ar, unit_id, start.year, findings)
        elif duty.year in (None, start.year):
            # a duty file records one year's filings: another year's period is not judged by it
            _derive_filings(duty, ar, start, end, as_of, findings, vetoes,
                            src=f"根据附件3执勤排班表（{duty.loc.file}）计算")
    return findings, vetoes


def _notices(form: str, ar: AnnexRules, unit_id: str, year: int, findings: list[Finding]) -> None:
    """The unit lacks `form` and the rubric says `missing: assessor`: the trail
    says so on each rule the form would decide; typed findings still count."""
    decl = ar.roster if form == "roster" else ar.duty
    assert decl is not None                 # only called for a declared form
    reason = (f"没有{FORM_WORDS[form]}（{annex_path(form, unit_id, year)}）：本规则按考核记录中"
              "填写的计分（考核细则 annex.%s.missing: assessor）。" % form)
    for item, rule in ar.decided(form):
        findings.append(Finding(rule=rule, item=item, count=0, reason=reason,
                                keeps_typed=True, loc=decl.loc))


def _roster_loc(roster: Roster, team: Optional[Team] = None) -> Loc:
    if team is not None:
        return team.loc
    return roster.teams[0].loc if roster.teams else Loc(roster.loc.file, 1, 1)


def _derive_teams(roster: Roster, ar: AnnexRules, end: date,
                  findings: list[Finding], vetoes: list[VetoFinding], *, src: str) -> None:
    decl = ar.roster
    assert decl is not None                 # only called for a declared roster
    tc = check_teams(roster, decl.teams, decl.extra_min_size, end)
    requirement = requirement_words(decl.teams)
    have = "；".join(f"{n.type}：{_team_list(tc.qualified[n.type])}" for n in decl.teams)
    evidence = EVIDENCE["roster"]
    first = tc.counted[0] if tc.counted else None
    if decl.base and tc.base_met:
        findings.append(Finding(
            rule=decl.base.rule, item=decl.base.item,
            reason=f"{src}：{have}，已建立{requirement}，得基本分{fmt_points(ar.base_amount)}分。",
            evidence=evidence, loc=_roster_loc(roster, first)))
    elif decl.base:
        # decided by the roster: nothing earned (replaces anything typed)
        findings.append(Finding(
            rule=decl.base.rule, item=decl.base.item, count=0,
            reason=f"{src}：{have}，未达到{requirement}，不得基本分。",
            evidence=evidence, loc=_roster_loc(roster)))
    if decl.extra and tc.extra:
        listed = "、".join(f"{t.type}「{t.name}」{t.size}人" for t in tc.extra)
        reason = (f"{src}：扩建队伍{len(tc.extra)}支（{listed}），每支{fmt_points(ar.extra_amount)}分")
        if tc.not_counted:
            reason += "；" + "；".join(tc.not_counted)
        findings.append(Finding(
            rule=decl.extra.rule, item=decl.extra.item, count=len(tc.extra), reason=reason + "。",
            evidence=evidence, loc=_roster_loc(roster, tc.extra[0])))
    elif decl.extra:
        findings.append(Finding(
            rule=decl.extra.rule, item=decl.extra.item, count=0,
            reason=f"{src}：没有可计分的扩建队伍。", evidence=evidence,
            loc=_roster_loc(roster)))
    if ar.roster_veto and not tc.base_met:
        why = [f"不少于{n.min_size}人的{n.type}{len(tc.qualified[n.type])}支" for n in decl.teams]
        detail = [x for x in tc.not_counted if any(n.type in x for n in decl.teams)]
        vetoes.append(VetoFinding(
            condition=ar.roster_veto,
            reason=(f"{src}：未达到“{requirement}”，" + "，".join(why)
                    + ("；" + "；".join(detail) if detail else "") + "。"),
            loc=_roster_loc(roster)))


def _derive_filings(duty: Duty, ar: AnnexRules, start: date, end: date, as_of: Optional[date],
                    findings: list[Finding], vetoes: list[VetoFinding], *, src: str) -> None:
    decl = ar.duty
    assert decl is not None                 # only called for a declared duty schedule
    late = decl.late
    statuses = filing_statuses(duty, start.year, as_of, decl.deadline_day)
    evidence = EVIDENCE["duty"]
    in_period = [s for s in statuses if start <= s.deadline <= end and s.missed]
    due_here = [s for s in statuses if start <= s.deadline <= end]
    if late and due_here and not in_period:
        findings.append(Finding(
            rule=late.rule, item=late.item, count=0,
            reason=f"{src}：" + "；".join(s.describe() for s in due_here) + "，均按时报备。",
            evidence=evidence, loc=due_here[0].loc))
    if late and in_period:
        findings.append(Finding(
            rule=late.rule, item=late.item, count=len(in_period),
            reason=(f"{src}：" + "；".join(s.describe() for s in in_period)
                    + f"。共{len(in_period)}次，每次扣{fmt_points(ar.late_amount)}分。"),
            date=in_period[0].deadline, evidence=evidence, loc=in_period[0].loc))
    so_far = [s for s in statuses if s.deadline <= end and s.missed]
    if ar.duty_veto and len(so_far) >= ar.duty_veto_min:
        vetoes.append(VetoFinding(
            condition=ar.duty_veto,
            reason=(f"{src}：{start.year}年1月至{end.month}月底共漏报或迟报{len(so_far)}次"
                    f"（{ar.duty_veto_min}次及以上）：" + "；".join(s.describe() for s in so_far) + "。"),
            loc=so_far[0].loc))

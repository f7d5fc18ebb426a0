"""Plain data the loader builds from YAML, and everything downstream reads.

Nothing here does I/O. Every object that came from a file keeps a `Loc`, so a
score, an error or a printed line can always say where it came from.
Points are `Decimal` throughout (no binary floating point in scores).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in a file: path relative to the project root, 1-based line/col."""
    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


NOWHERE = Loc("<内置>")


# ---------------------------------------------------------------- project

@dataclass
class Unit:
    id: str
    name: str
    kind: str
    attributes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    leader: Optional[str] = None
    loc: Loc = NOWHERE

    def has(self, word: str) -> bool:
        """True if `word` is this unit's kind, one of its attributes or groups."""
        return word == self.kind or word in self.attributes or word in self.groups


@dataclass
class Assignment:
    """Which rubric applies to which units and periods (booklet.yml `assign`)."""
    rubric: str
    unit_ids: tuple[str, ...]          # resolved from the selector
    periods: tuple[str, ...]           # explicit, or () for the rubric calendar's
    base: Optional[Decimal] = None     # deduction-only: report base - deducted
    loc: Loc = NOWHERE


@dataclass
class Privacy:
    # Phone and ID numbers are masked on everything public, always: there is
    # no option to publish them (site/privacy.py).
    publish_notes: bool = False


@dataclass
class Output:
    site: str = "site"
    internal: str = "build/internal"


@dataclass
class Config:
    office: str
    title: str
    year: int
    units: list[Unit]
    assign: list[Assignment]
    output: Output = field(default_factory=Output)
    privacy: Privacy = field(default_factory=Privacy)
    as_of: Optional[date] = None       # booklet.yml `as_of`: the data stand as of this day
    as_of_loc: Loc = NOWHERE
    loc: Loc = NOWHERE

    def unit(self, unit_id: str) -> Optional[Unit]:
        for u in self.units:
            if u.id == unit_id:
                return u
        return None


# ---------------------------------------------------------------- rubric

@dataclass
class Tier:
    min: Optional[Decimal]             # inclusive lower bound; None = anything below
    amount: Decimal = Decimal(0)       # tiered rules: the deduction in this tier
    label: str = ""


@dataclass
class Rule:
    id: str
    kind: str                          # a name in scoring/kinds.KINDS
    text: str                          # the seed's phrase this rule encodes, verbatim
    amount: Optional[Decimal] = None   # per finding / per count / per step
    range: Optional[tuple[Decimal, Decimal]] = None   # assessor chooses in [lo, hi]
    per: Optional[str] = None          # counting word: finding gives `count`
    cap: Optional[Decimal] = None      # most this rule adds/takes in one record
    applies_to: tuple[str, ...] = ()   # unit kinds/attributes admitted (empty: all)
    # shortfall
    target: Optional[Decimal] = None
    step: Optional[Decimal] = None
    unit: Optional[str] = None         # "%" etc., for printing
    # trend
    measure: Optional[str] = None      # relative | difference
    flat: Optional[Decimal] = None
    down: Optional[Decimal] = None
    up: Optional[Decimal] = None
    min: Optional[Decimal] = None
    max: Optional[Decimal] = None
    down_as_bonus: bool = False
    zero_full: bool = False
    # bonus
    dedupe: Optional[str] = None       # "subject": same subject counts once, highest
    # convert
    scale: Optional[Decimal] = None
    source: Optional[str] = None       # rubric id whose result is converted
    # rank
    group_by: Optional[str] = None
    # tiered
    tiers: tuple[Tier, ...] = ()
    # forfeit: the id of the earn rule (same item) the finding cancels
    forfeits: Optional[str] = None
    loc: Loc = NOWHERE

    @property
    def counted(self) -> bool:
        return self.per is not None


@dataclass
class Item:
    id: str
    number: str                        # as printed in 序号
    points: Optional[Decimal]          # None in deduction-only rubrics
    requirement: str = ""
    standard: str = ""
    title: str = ""
    basis: str = "full"                # full | earned
    fields: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    rules: list[Rule] = field(default_factory=list)
    loc: Loc = NOWHERE

    def rule(self, rule_id: str) -> Optional[Rule]:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None


@dataclass
class Section:
    id: str
    title: str
    points: Optional[Decimal]
    items: list[Item]
    number: str = ""
    label: str = ""                    # printed in the merged left column
    loc: Loc = NOWHERE

    @property
    def print_label(self) -> str:
        return self.label or self.title


@dataclass
class Column:
    key: str                           # section, number, title, requirement, points,
                                       # standard, self_note, self_score, deducted,
                                       # added, score, or an item `fields` key
    header: str
    width: Optional[Decimal] = None    # mm


@dataclass
class Calendar:
    inspection: str = "none"           # none | monthly
    assessment: str = "annual"         # monthly | quarterly | half_year | annual
    rollup: str = "sum"                # sum | average | last
    year_end: str = "average"          # sum | average | last


@dataclass
class Veto:
    id: str
    text: str
    auto: Optional[dict] = None        # {item, rule, min_count} or {annex: ...}
    loc: Loc = NOWHERE


@dataclass
class GradeCondition:
    id: str
    text: str
    effect: str                        # force | forbid
    grade: str
    when: dict                         # {flag: true} | {rank_from_bottom: n} |
                                       # {below_average: {item, rule}}
    loc: Loc = NOWHERE


@dataclass
class Grade:
    name: str
    min: Optional[Decimal]             # inclusive; None = the lowest tier
    text: str = ""


@dataclass
class TeamNeed:
    """One line of a roster requirement: `count` teams of `type`, each of at
    least `min_size` members (一支专职化队伍（不少于3人）)."""
    type: str
    count: int = 1
    min_size: int = 1


@dataclass
class RuleRef:
    """An item's rule that annex data decides."""
    item: str
    rule: str
    loc: Loc = NOWHERE


@dataclass
class RosterRules:
    """Rubric `annex.roster`: what 附件2 花名册 decides."""
    teams: tuple[TeamNeed, ...] = ()   # the base requirement
    base: Optional[RuleRef] = None     # earned (its amount) when the requirement is met
    extra: Optional[RuleRef] = None    # count = further teams, one per other type
    extra_min_size: int = 1            # members each further team needs
    missing: str = "assessor"          # no roster: assessor (typed findings) | empty
    loc: Loc = NOWHERE


@dataclass
class DutyRules:
    """Rubric `annex.duty`: what 附件3 执勤排班表 decides."""
    cycle: str = "bimonthly"           # a schedule per two months, due before they begin
    deadline_day: int = 25             # due on or before this day of the month before
    late: Optional[RuleRef] = None     # count = filings missed or late in the period
    missing: str = "assessor"          # no schedule file: assessor | empty (all 漏报)
    loc: Loc = NOWHERE


@dataclass
class AnnexDecl:
    """Rubric `annex`: the rules annex data decides (none when both are None)."""
    roster: Optional[RosterRules] = None
    duty: Optional[DutyRules] = None
    loc: Loc = NOWHERE

    @property
    def empty(self) -> bool:
        return self.roster is None and self.duty is None


@dataclass
class SeedWarning:
    code: str
    text: str
    loc: Loc = NOWHERE


@dataclass
class Rubric:
    id: str
    title: str
    issuer: str
    year: Optional[int]
    scale: Optional[Decimal]
    mode: str                          # score | deduction_only
    assesses: tuple[str, ...]
    calendar: Calendar
    columns: list[Column]
    sections: list[Section]
    orientation: str = "portrait"
    intro: str = ""
    source: str = ""
    bonuses: list[Rule] = field(default_factory=list)
    bonus_cap: Optional[Decimal] = None
    extra_deductions: list[Rule] = field(default_factory=list)
    vetoes: list[Veto] = field(default_factory=list)
    veto_effect: dict = field(default_factory=dict)   # {grade: str, rank: last|keep}
    grades: list[Grade] = field(default_factory=list)
    grade_conditions: list[GradeCondition] = field(default_factory=list)
    incident_dedup: bool = False
    warnings: list[SeedWarning] = field(default_factory=list)
    signature: list[str] = field(default_factory=lambda: Rubric.default_signature())
    total_label: str = "合计"          # the printed label of the total row (001: 合计总分：)
    title_lines: list[str] = field(default_factory=list)   # the title's printed lines
    print: dict = field(default_factory=dict)   # print-only settings (docs/formats.md)
    annex: AnnexDecl = field(default_factory=lambda: AnnexDecl())
    loc: Loc = NOWHERE
    key_locs: dict = field(default_factory=dict, repr=False, compare=False)   # top-level key -> Loc

    @staticmethod
    def default_signature() -> list[str]:
        """The labels of the line printed under a score sheet."""
        return ["单位", "考核时间", "考核人签名", "被考核单位负责人签名"]

    @property
    def items(self) -> list[Item]:
        return [it for s in self.sections for it in s.items]

    def item(self, item_id: str) -> Optional[Item]:
        for it in self.items:
            if it.id == item_id:
                return it
        return None

    def rubric_rule(self, rule_id: str) -> Optional[Rule]:
        for r in self.bonuses + self.extra_deductions:
            if r.id == rule_id:
                return r
        return None


# ---------------------------------------------------------------- records

@dataclass(slots=True)
class Finding:
    rule: str
    item: Optional[str] = None         # None: a rubric-wide bonus / extra deduction
    count: Optional[int] = None
    amount: Optional[Decimal] = None
    value: Optional[Decimal] = None
    baseline: Optional[Decimal] = None
    scale: Optional[Decimal] = None
    reason: str = ""
    date: Optional[date] = None
    evidence: str = ""
    photos: tuple[str, ...] = ()       # paths relative to the project root
    incident: Optional[str] = None
    subject: Optional[str] = None
    origin: Optional[str] = None       # set by rollup: the inspection period it came from
    keeps_typed: bool = False          # derived notice (annex data missing): the typed
                                       # findings of its rule still count
    internal: bool = False             # reason and evidence stay off the site and public PDFs
    loc: Loc = NOWHERE
    key_locs: dict = field(default_factory=dict, repr=False, compare=False)

    def where(self, key: str) -> Loc:
        """The line of one of the finding's keys (amount, rule, date …)."""
        return self.key_locs.get(key, self.loc)


@dataclass(slots=True)
class VetoFinding:
    condition: str
    reason: str = ""
    internal: bool = False             # the reason stays off the site and public PDFs
    loc: Loc = NOWHERE


@dataclass(slots=True)
class Note:
    text: str
    internal: bool = False
    loc: Loc = NOWHERE                 # the line of its text


@dataclass(slots=True)
class Signatures:
    unit: Optional[str] = None
    assessors: tuple[str, ...] = ()
    leader: Optional[str] = None


@dataclass(slots=True)
class SelfAssessment:
    findings: list[Finding] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)   # item id -> 自评情况
    internal_notes: frozenset[str] = frozenset()   # item ids whose note is internal
    note_locs: dict[str, Loc] = field(default_factory=dict, repr=False, compare=False)


@dataclass(slots=True)
class Record:
    rubric: str
    unit: str
    period: str
    kind: str                          # assessment | inspection
    date: Optional[date]
    assessors: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    vetoes: list[VetoFinding] = field(default_factory=list)
    flags: tuple[str, ...] = ()
    self_assessment: Optional[SelfAssessment] = None
    notes: list[Note] = field(default_factory=list)
    signatures: Signatures = field(default_factory=Signatures)
    loc: Loc = NOWHERE                 # the file
    key_locs: dict = field(default_factory=dict)   # top-level key -> Loc of its value

    def where(self, key: str) -> Loc:
        """The line of a top-level key (rubric, unit, period, date …)."""
        return self.key_locs.get(key, self.loc)


# ---------------------------------------------------------------- the whole

@dataclass
class Project:
    root: str                          # absolute path of the project folder
    config: Config
    rubrics: dict[str, Rubric]
    records: list[Record]
    annex: dict = field(default_factory=dict)   # unit id -> annex data (annex issue)
    as_of: Optional[date] = None       # the day the data stand (booklet.asof): filing
                                       # deadlines after it are not yet due

    def records_for(self, rubric: str, unit: Optional[str] = None,
                    period: Optional[str] = None) -> list[Record]:
        return [r for r in self.records
                if r.rubric == rubric
                and (unit is None or r.unit == unit)
                and (period is None or r.period == period)]

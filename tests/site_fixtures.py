"""Projects and results built in memory for the site tests and the benchmark.

`small_project(root)` is a town of six units with hand-written traps: a unit
named `<script>alert(1)</script>`, phone numbers in reasons, notes and
self-assessment notes, an internal note, annex data with personal details,
raw HTML in rubric texts, a veto and a self-assessment that differs.

`synthetic_project(root, n_units, periods)` is a deterministic random town of
any size (the benchmark uses 1,000 units × 4 quarters).
"""
from __future__ import annotations

import posixpath
import random
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from booklet.buildctx import BuildContext
from booklet.model import (
    Assignment, Calendar, Column, Config, Finding, Grade, GradeCondition, Item, Loc,
    Note, Output, Privacy, Project, Record, Rubric, Rule, Section, SeedWarning,
    SelfAssessment, Tier, Unit, Veto,
)
from booklet.scoring.result import Adjustment, ItemScore, Result, VetoHit

QUARTERS = ("2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4")
QUARTER_END = {"2017-Q1": date(2017, 3, 28), "2017-Q2": date(2017, 6, 28),
               "2017-Q3": date(2017, 9, 27), "2017-Q4": date(2017, 12, 26)}

# personal data that must never reach the site
SECRET_PHONE = "13812345678"          # in a reason, a note, a self note: must be masked
INTERNAL_PHONE = "13900001111"        # in an internal note: must not appear at all
INTERNAL_TEXT = "内部备注：书记王某"
ANNEX_PHONE = "13700002222"
ANNEX_NAME = "张三丰"
ANNEX_ADDRESS = "湖塘镇人民路88号"
XSS_NAME = "<script>alert(1)</script>"
DEDUCTION_REASON = "3月12日晚抽查，未见巡逻队伍"


def hutang_rubric() -> Rubric:
    """A rubric shaped like hutang-2017, with one rule of every kind."""
    f = "rubrics/hutang-2017.yml"
    s1 = Section("s1", "组织建设和工作保障", D(20), number="一", loc=Loc(f, 30), items=[
        Item("1", "1", D(5), title="加强组织领导", basis="earned",
             standard="领导小组由社区“一把手”负责得3分；落实专人负责得2分。",
             rules=[Rule("leader", "earn", "领导小组由社区“一把手”负责得3分", amount=D(3)),
                    Rule("staff", "earn", "落实专人负责得2分", amount=D(2)),
                    Rule("leader-failed", "forfeit", "检查到1次不按上述要求的，相应的项不得分",
                         forfeits="leader")]),
        Item("2", "2", D(10), title="加强队伍建设", basis="earned",
             standard="建立**花名册**得基本分6分；每扩建一支队伍得2分。<img src=x onerror=alert(2)>",
             rules=[Rule("base", "earn", "建立花名册得基本分6分", amount=D(6)),
                    Rule("extra-team", "earn", "每扩建一支队伍得2分", amount=D(2), per="支"),
                    Rule("training", "quota", "每年培训不少于2次的得2分，每少1次培训扣1分",
                         target=D(2), flat=D(2), amount=D(1), step=D(1), unit="次")]),
        Item("3", "3", D(5), title="加强后勤保障",
             standard="无专项经费的不得分。",
             rules=[Rule("no-funds", "zero", "无专项经费的不得分")]),
    ])
    s2 = Section("s2", "巡防情况", D(60), number="二", loc=Loc(f, 60), items=[
        Item("4", "4", D(10), title="排班表报备",
             standard="每漏报或迟报一次，扣2分，扣完为止。",
             rules=[Rule("roster-late", "deduct", "每漏报或迟报一次，扣2分，扣完为止",
                         amount=D(2), per="次")]),
        Item("5", "5", D(25), title="巡逻防范日常化",
             standard="每发现1次没有开展巡逻的扣5分，扣完为止。",
             fields={"method": "实地检查"},
             rules=[Rule("no-patrol", "deduct", "每发现1次没有开展巡逻的扣5分，扣完为止",
                         amount=D(5), per="次")]),
        Item("6", "6", D(10), title="群众安全感",
             standard="安全感低于95%的，每低1个百分点扣1分。",
             rules=[Rule("survey", "shortfall", "每低1个百分点扣1分", target=D(95),
                         step=D(1), amount=D(1), unit="%", cap=D(10))]),
        Item("7", "7", D(15), title="发案情况",
             standard="与上年相比，持平得10分，每下降6%加1分，每上升6%减1分。",
             notes="原文未写上下限，按0至15分处理。",
             rules=[Rule("cases", "trend", "持平得10分，每下降6%加1分，每上升6%减1分",
                         measure="relative", step=D(6), flat=D(10), down=D(1), up=D(1),
                         min=D(0), max=D(15), zero_full=True)]),
    ])
    s3 = Section("s3", "综合评价", D(20), number="三", loc=Loc(f, 90), items=[
        Item("8", "8", D(10), title="平安创建折算",
             rules=[Rule("conv", "convert", "按平安创建考核成绩折算", scale=D(100))]),
        Item("9", "9", D(5), title="信息报送排名",
             rules=[Rule("rank", "rank", "每比最好者少1篇扣0.5分", amount=D(0.5),
                         group_by="片区")]),
        Item("10", "10", D(5), title="矛盾纠纷",
             rules=[Rule("disputes", "tiered", "按未化解纠纷数分档扣分",
                         tiers=(Tier(D(5), D(5), "5起以上"), Tier(D(2), D(2), "2至4起"),
                                Tier(D(1), D(1), "1起")))]),
    ])
    return Rubric(
        id="hutang-2017", title="2017年度湖塘镇群防群治考核细则", issuer="湖塘镇综治办",
        year=2017, scale=D(100), mode="score", assesses=("社区",),
        calendar=Calendar("monthly", "quarterly", "sum", "average"),
        columns=[Column("section", "考核指标"), Column("number", "序号"),
                 Column("title", "考核要求"), Column("method", "考核方法"),
                 Column("points", "分值"), Column("standard", "评分标准")],
        sections=[s1, s2, s3],
        intro="为切实加强湖塘镇社会治安防范工作，特制定**本细则**。\n\n"
              "<script>alert(3)</script>\n\n1. 月督查\n2. 季考核",
        source="001_bb18efb3631b949b.txt",
        bonuses=[Rule("exp", "bonus", "经验被市级以上推广的加2分", amount=D(2),
                      dedupe="subject")],
        bonus_cap=D(5),
        extra_deductions=[Rule("duty", "deduct", "履职不到位的扣1至3分",
                               range=(D(1), D(3)))],
        vetoes=[Veto("1", "（1）、社区未建立一支专职化队伍的"),
                Veto("3", "（3）、全年4次督查未见巡逻的", auto={"item": "5", "rule": "no-patrol",
                                                     "min_count": 4})],
        veto_effect={"grade": "一票否决", "rank": "last"},
        grades=[Grade("优秀", D(95), "95分以上的评为优秀"), Grade("合格", D(85)),
                Grade("不合格", None)],
        grade_conditions=[GradeCondition("1.6", "年度综合考评得分位居后三位的", "force",
                                         "不合格", {"rank_from_bottom": 3})],
        warnings=[SeedWarning("points-sum", "第2项评分标准可得6+2×3分，但分值为10分：按分值封顶。")],
        loc=Loc(f),
    )


def patrol_rubric() -> Rubric:
    """A small deduction-only rubric (like 003 履职减分)."""
    f = "rubrics/patrol-2017.yml"
    return Rubric(
        id="patrol-2017", title="2017年度巡防履职减分细则", issuer="湖塘镇综治办",
        year=2017, scale=None, mode="deduction_only", assesses=("社区",),
        calendar=Calendar("none", "quarterly", "sum", "sum"),
        columns=[Column("number", "序号"), Column("standard", "扣分标准")],
        sections=[Section("s1", "履职情况", None, loc=Loc(f, 10), items=[
            Item("1", "1", None, title="案件处置", standard="每起扣0.5分",
                 rules=[Rule("case", "deduct", "每起扣0.5分", amount=D("0.5"), per="起")]),
            Item("2", "2", None, title="信息上报", standard="迟报的扣1分",
                 rules=[Rule("late", "deduct", "迟报的扣1分", amount=D(1))]),
        ])],
        loc=Loc(f),
    )


def _grade(rubric: Rubric, total: D) -> str:
    for g in rubric.grades:
        if g.min is None or total >= g.min:
            return g.name
    return ""


def _finish(rubric: Rubric, results: list[Result], periods) -> None:
    """Ranks, grades and changes, as scoring would set them."""
    by_period: dict[str, list[Result]] = {}
    for r in results:
        by_period.setdefault(r.period, []).append(r)
    prev: dict[str, D] = {}
    for p in periods:
        group = by_period.get(p, [])
        key = (lambda r: r.deducted_total) if rubric.mode == "deduction_only" else (lambda r: -r.total)
        ordered = sorted(group, key=lambda r: (r.vetoed, key(r), r.unit_id))
        for i, r in enumerate(ordered, 1):
            r.rank, r.rank_of = i, len(group)
            if rubric.grades:
                r.grade = (rubric.veto_effect or {}).get("grade") if r.vetoed else _grade(rubric, r.total)
            if r.unit_id in prev:
                r.previous_total = prev[r.unit_id]
                r.change = r.total - prev[r.unit_id]
        prev = {r.unit_id: r.total for r in group}


def _adj(rule: Rule, amount: D, reason: str, day: date | None, **kw) -> Adjustment:
    return Adjustment(kind=rule.kind, rule_id=rule.id, rule_text=rule.text, amount=amount,
                      raw_amount=kw.pop("raw", amount), reason=reason, date=day, **kw)


def _score_unit(rubric: Rubric, unit: Unit, period: str, rng: random.Random,
                record_file: str) -> Result:
    items: list[ItemScore] = []
    end = QUARTER_END.get(period, date(2017, 12, 26))
    month = f"2017-{end.month:02d}"
    for it in rubric.items:
        pts = it.points or D(0)
        adjs: list[Adjustment] = []
        rule = it.rules[0] if it.rules else None
        if rule is not None and rule.kind == "deduct" and rng.random() < 0.35:
            n = rng.randint(1, 2)
            amt = -(rule.amount or D(1)) * n
            day = date(end.year, end.month, rng.randint(1, 25))
            adjs.append(_adj(rule, amt, f"{day.month}月{day.day}日督查发现问题{n}次", day,
                             count=n, origin=month, evidence=f"督查记录第{rng.randint(1, 99)}号"))
        elif rule is not None and rule.kind == "earn":
            for r in it.rules:
                if rng.random() < 0.85:
                    adjs.append(_adj(r, r.amount or D(1), "台账齐全", None))
        elif rule is not None and rule.kind == "shortfall" and rng.random() < 0.3:
            v = D(rng.randint(88, 94))
            adjs.append(_adj(rule, -(D(95) - v), f"问卷满意度{v}%", None, value=v))
        deducted = -sum((a.amount for a in adjs if a.amount < 0), D(0))
        gained = sum((a.amount for a in adjs if a.amount > 0), D(0))
        base = D(0) if it.basis == "earned" else pts
        score = min(max(base + gained - deducted, D(0)), pts) if it.points is not None else D(0)
        self_score = score if rng.random() < 0.85 else min(pts, score + 1)
        items.append(ItemScore(it.id, it.number, it.points, score, deducted=deducted,
                               adjustments=adjs, self_score=self_score,
                               differs=self_score != score))
    if rubric.mode == "deduction_only":
        ded = sum((i.deducted for i in items), D(0))
        total = ded                  # as scoring has it: without a base the total is the deduction
    else:
        ded = sum((i.deducted for i in items), D(0))
        total = sum((i.score for i in items), D(0))
    return Result(rubric.id, period, unit.id, unit.name, total, items=items,
                  self_total=sum((i.self_score or D(0) for i in items), D(0)),
                  deducted_total=ded, date=end,
                  assessors=("镇综治办 周某", "派出所 陈某"), record_files=(record_file,))


COMMUNITIES = ["新华", "湖塘", "花园", "城东", "城西", "人民", "南湖", "北苑", "东方", "阳光",
               "和平", "长春", "星河", "锦绣", "丽华", "清潭", "永红", "虹景", "翠竹", "马杭"]


def synthetic_project(root: str | Path, n_units: int = 40, periods=QUARTERS,
                      seed: int = 2017) -> tuple[Project, list[Result]]:
    rng = random.Random(seed)
    rubric = hutang_rubric()
    units = []
    for i in range(n_units):
        name = COMMUNITIES[i % len(COMMUNITIES)] + (f"{i // len(COMMUNITIES) + 1}" if i >= len(COMMUNITIES) else "") + "社区"
        units.append(Unit(f"u{i:04d}", name, "社区", groups=(f"第{i % 5 + 1}片",)))
    cfg = Config(office="湖塘镇综合治理办公室", title="湖塘镇平安建设考核", year=2017,
                 units=units,
                 assign=[Assignment(rubric.id, tuple(u.id for u in units), tuple(periods))],
                 privacy=Privacy(publish_notes=True))
    records, results = [], []
    for p in periods:
        for u in units:
            file = f"assessments/{rubric.id}/{p}/{u.id}.yml"
            r = _score_unit(rubric, u, p, rng, file)
            results.append(r)
            records.append(Record(rubric.id, u.id, p, "assessment", r.date, loc=Loc(file),
                                  notes=[Note("已于次月整改", False)] if rng.random() < 0.1 else []))
    _finish(rubric, results, periods)
    project = Project(str(root), cfg, {rubric.id: rubric}, records)
    return project, results


def small_project(root: str | Path) -> tuple[Project, list[Result]]:
    """Six units with every trap the site must handle."""
    rng = random.Random(7)
    hutang, patrol = hutang_rubric(), patrol_rubric()
    units = [
        Unit("xinhua", "新华社区", "社区", attributes=("城区",), groups=("湖塘片",), leader="王某"),
        Unit("hutang", "湖塘社区", "社区", groups=("湖塘片",)),
        Unit("huayuan", "花园社区", "社区", groups=("城东片",)),
        Unit("chengdong", "城东社区", "社区", groups=("城东片",)),
        Unit("xss", XSS_NAME, "社区"),
        Unit("nodata", "无成绩社区", "社区"),
    ]
    cfg = Config(office="湖塘镇综合治理办公室", title="湖塘镇平安建设考核", year=2017,
                 units=units,
                 assign=[Assignment(hutang.id, tuple(u.id for u in units[:5]), QUARTERS),
                         Assignment(patrol.id, ("xinhua", "hutang"), ("2017-Q1", "2017-Q2"))],
                 privacy=Privacy(publish_notes=True))
    records: list[Record] = []
    results: list[Result] = []
    for p in QUARTERS:
        for u in units[:5]:
            file = f"assessments/{hutang.id}/{p}/{u.id}.yml"
            r = _score_unit(hutang, u, p, rng, file)
            rec = Record(hutang.id, u.id, p, "assessment", r.date, loc=Loc(file),
                         assessors=r.assessors)
            if u.id == "xinhua" and p == "2017-Q1":
                rule = hutang.item("5").rules[0]
                it = r.item("5")
                it.adjustments = [_adj(rule, D(-5), f"{DEDUCTION_REASON}（值班电话{SECRET_PHONE}）",
                                       date(2017, 3, 12), count=1, origin="2017-03",
                                       evidence=f"督查记录第12号，联系人{SECRET_PHONE}",
                                       photos=("photos/2017-03-12-xinhua.jpg",))]
                it.deducted, it.score = D(5), D(20)
                it.self_score, it.differs = D(25), True
                it.self_note = f"已按要求巡逻，队长电话{SECRET_PHONE}"
                r.total = sum((i.score for i in r.items), D(0))
                r.self_total = sum((i.self_score or D(0) for i in r.items), D(0))
                r.rubric_adjustments = [
                    _adj(hutang.bonuses[0], D(2), "平安建设经验被市综治办推广", date(2017, 3, 20),
                         note="加分")]
                r.total += D(2)
                rec.notes = [Note(f"已于4月整改，联系电话{SECRET_PHONE}", internal=False),
                             Note(f"{INTERNAL_TEXT}，52岁，住{ANNEX_ADDRESS}，电话{INTERNAL_PHONE}",
                                  internal=True)]
                rec.findings = [Finding("no-patrol", "5", count=1, reason=DEDUCTION_REASON,
                                        date=date(2017, 3, 12))]
            if u.id == "chengdong" and p == "2017-Q2":
                r.vetoed = True
                r.vetoes = [VetoHit("1", "（1）、社区未建立一支专职化队伍的",
                                    reason="专职队伍仅2人")]
            records.append(rec)
            results.append(r)
    _finish(hutang, [r for r in results if r.rubric_id == hutang.id], QUARTERS)
    pres = []
    for p in ("2017-Q1", "2017-Q2"):
        for u in units[:2]:
            file = f"assessments/{patrol.id}/{p}/{u.id}.yml"
            r = _score_unit(patrol, u, p, rng, file)
            records.append(Record(patrol.id, u.id, p, "assessment", r.date, loc=Loc(file)))
            pres.append(r)
    _finish(patrol, pres, ("2017-Q1", "2017-Q2"))
    results += pres
    annex = {"xinhua": {"roster": [{"name": ANNEX_NAME, "phone": ANNEX_PHONE, "age": 67,
                                    "address": ANNEX_ADDRESS}],
                        "duty": [{"name": ANNEX_NAME, "date": "2017-03-01", "route": "人民路"}]}}
    project = Project(str(root), cfg, {hutang.id: hutang, patrol.id: patrol}, records, annex)
    return project, results


def context(project: Project, results: list[Result], site_dir: Path, pdf: bool = False,
            build_id: str = "0123456789abcdef") -> BuildContext:
    site_dir = Path(site_dir)
    return BuildContext(project=project, results=results, site_dir=site_dir,
                        internal_dir=site_dir.parent / "internal",
                        cache_dir=site_dir.parent / "cache", pdf=pdf, progress=False,
                        build_id=build_id)


# ------------------------------------------------------------ checking a built site


@dataclass
class Page:
    path: Path
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)   # (tag, attr, url)
    lang: str = ""


class _Parser(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.page.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.page.ids.add(a["name"])
        if tag == "html":
            self.page.lang = a.get("lang", "")
        for attr in ("href", "src", "srcset", "action", "poster", "data"):
            if attr in a and a[attr] is not None:
                self.page.links.append((tag, attr, a[attr]))


def parse(path: Path) -> Page:
    page = Page(path)
    _Parser(page).feed(path.read_text(encoding="utf-8"))
    return page


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def check_links(site: Path, allow_missing_suffixes: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """Every href/src of every page → (problems, pdf_links).

    A link must be relative, stay inside the site, name an existing file
    (except suffixes in allow_missing_suffixes, e.g. PDFs another writer
    makes) and, when it has a #fragment, an id on the target page."""
    site = site.resolve()
    pages = {p.resolve(): parse(p) for p in html_files(site)}
    problems: list[str] = []
    pdfs: list[str] = []
    for path, page in pages.items():
        rel_page = path.relative_to(site).as_posix()
        for tag, attr, url in page.links:
            parts = urlsplit(url)
            where = f"{rel_page}: <{tag} {attr}={url!r}>"
            if parts.scheme or parts.netloc or url.startswith("/"):
                problems.append(f"{where}: 不是站内相对链接")
                continue
            if not parts.path:
                target = path
            else:
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel_page),
                                                           unquote(parts.path)))
                if joined.startswith("../") or joined == "..":
                    problems.append(f"{where}: 越出网站目录")
                    continue
                target = site / joined
            if target.suffix == ".pdf":
                pdfs.append(target.relative_to(site).as_posix())
            if not target.exists():
                if target.suffix not in allow_missing_suffixes:
                    problems.append(f"{where}: 目标文件不存在")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target.resolve()].ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: 目标页面没有 id={parts.fragment!r}")
    return problems, pdfs


def all_text(site: Path) -> dict[str, str]:
    """Every file of the site as text; zip members (XLSX) unpacked."""
    out: dict[str, str] = {}
    for p in sorted(site.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(site).as_posix()
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    out[f"{rel}!{name}"] = z.read(name).decode("utf-8", "replace")
        else:
            out[rel] = p.read_bytes().decode("utf-8", "replace")
    return out

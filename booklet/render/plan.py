"""Which printed documents a build has, and the data each template gets.

* the annual ledger book (台账) per unit and rubric   → internal  paths.ledger_pdf
* the town summary book per rubric and period        → site      paths.summary_pdf
* the blank score sheet per rubric                   → site      paths.blank_pdf
* each unit's filled score sheet per period          → site      paths.sheet_pdf

Every photo path is checked first, so a bad one is reported with its record
file and line. Nothing here reads the clock: a document's dates come from the
data (the latest record date, or the rubric's year).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Callable, Optional

from markupsafe import Markup

from .. import paths
from ..annex.print import ledger_annex_html
from ..site.privacy import public_results
from ..buildctx import BuildContext
from ..errors import BookletError, Problems
from ..model import Loc, Project, Rubric, Unit
from ..periods import Period, label as period_label
from ..periods import sort_key as period_sort_key
from ..scoring.result import Result
from ..textfmt import fmt_date, fmt_signed
from .fetcher import print_photo, resolve_photo
from .htmlcache import HtmlCache
from .book import Book
from .ledger import ledger_context
from .merge import qpdf_path
from .sheet import Sheet, title_lines
from .summary import summary_context

UNITS_PER_PART = 16                 # unit entries a part of a summary book is laid out with (each part embeds its own font subsets: fewer, bigger parts keep the book light)


@dataclass
class Doc:
    kind: str                       # ledger | summary | blank | sheet
    out_root: Path                  # ctx.site_dir or ctx.internal_dir
    rel: PurePosixPath              # PDF path relative to out_root
    template: str
    context: dict
    origin: Loc                     # named in errors while rendering
    weight: int = 1                 # rough size, to start big documents first
    assets: dict[str, Path] = field(default_factory=dict)   # "_assets/x.jpg" -> file
    html: str = ""                  # rendered, with CSS_MARK
    key: str = ""
    book: Optional[Book] = None     # laid out in parts (book.py), None: one document
    batch: Optional[tuple] = None   # unit sheets laid out together (rubric, period)
    html_root: Optional[Path] = None   # where its print HTML goes (None: beside the PDF)
    html_key: Optional[str] = None     # HTML cache key over its template inputs (htmlcache.py)
    lazy: Optional[Callable[[], dict]] = None   # builds `context` when it must be rendered

    def full_context(self) -> dict:
        """The template's context (built now if the planner left it for later)."""
        if self.lazy is not None:
            self.context, self.lazy = self.lazy(), None
        return self.context

    @property
    def sig(self) -> tuple:
        """Documents alike in layout: same template, same rubric(s)."""
        rubric = self.context.get("rubric")
        return (self.template, rubric.id if rubric is not None else "")

    @property
    def pdf_path(self) -> Path:
        return self.out_root / self.rel

    @property
    def html_path(self) -> Path:
        return (self.html_root or self.out_root) / paths.html_beside(self.rel)

    @property
    def css_path(self) -> Path:
        """The copy of the print stylesheet that the kept HTML links."""
        return (self.html_root or self.out_root) / self.rel.parts[0] / "print.css"


# ---------------------------------------------------------------- helpers

def _w3c(d: Optional[date], fallback_year: Optional[int]) -> str:
    if d is not None:
        return d.isoformat()
    return f"{fallback_year or 2000}-01-01"


def _date_range(dates: list[date]) -> str:
    dates = sorted(d for d in dates if d)
    if not dates:
        return ""
    if dates[0] == dates[-1]:
        return fmt_date(dates[0])
    return f"{fmt_date(dates[0])}至{fmt_date(dates[-1])}"


def total_word(rubric: Rubric, result: Optional[Result] = None) -> str:
    if rubric.mode == "deduction_only":
        return "得分" if (result is not None and result.base is not None) else "扣分"
    return "总分"


def _unit(project: Project, unit_id: str, name: str = "") -> Unit:
    u = project.config.unit(unit_id)
    return u if u is not None else Unit(unit_id, name or unit_id, "")


class _PhotoHashes:
    """sha256 of photo files, remembered by (size, mtime) across builds."""

    def __init__(self, cache_dir: Path):
        self.file = Path(cache_dir) / "photo-hashes.json"
        try:
            self.known = json.loads(self.file.read_text())
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def __call__(self, path: Path) -> str:
        st = path.stat()
        stamp = f"{st.st_size}:{st.st_mtime_ns}"
        hit = self.known.get(str(path))
        if hit and hit[0] == stamp:
            return hit[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.known[str(path)] = [stamp, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        if self.changed:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_text(json.dumps(self.known, ensure_ascii=False, sort_keys=True))


# ---------------------------------------------------------------- planning

class _Planner:
    def __init__(self, ctx: BuildContext):
        self.ctx = ctx
        self.project = ctx.project
        self.root = Path(self.project.root).resolve()
        self.config = self.project.config
        self.office = self.config.office
        self.problems = Problems()
        self.records_by_file = {r.loc.file: r for r in self.project.records}
        self.hashes = _PhotoHashes(ctx.cache_dir)
        self.photo_ok: dict[tuple[str, str], Optional[Path]] = {}
        self.results_by: dict[tuple[str, str], list[Result]] = {}
        for r in ctx.results:
            self.results_by.setdefault((r.rubric_id, r.unit_id), []).append(r)
        for lst in self.results_by.values():
            lst.sort(key=lambda r: period_sort_key(r.period))
        self.unit_order = {u.id: i for i, u in enumerate(self.config.units)}
        self.html_cache = HtmlCache(ctx.cache_dir, self.root / "templates")

    # -- photos
    def check_photos(self) -> None:
        """Every photo named in a record or a result, checked before rendering."""
        for rec in self.project.records:
            findings = list(rec.findings)
            if rec.self_assessment:
                findings += rec.self_assessment.findings
            for f in findings:
                for ph in f.photos:
                    self._photo(ph, f.loc if f.loc.file != "<内置>" else rec.loc)
        for res in self.ctx.results:
            for its in res.items:
                for a in its.adjustments:
                    for ph in a.photos:
                        self._photo(ph, a.source)
            for a in res.rubric_adjustments:
                for ph in a.photos:
                    self._photo(ph, a.source)
        if self.problems:
            raise BookletError(self.problems)

    def _photo(self, photo: str, loc: Loc) -> Optional[Path]:
        k = (photo, str(loc))
        if k not in self.photo_ok:
            try:
                self.photo_ok[k] = resolve_photo(self.root, photo, loc)
            except BookletError as e:
                self.problems.extend(e.problems)
                self.photo_ok[k] = None
        return self.photo_ok[k]

    def _asset(self, doc: Doc, photo: str, loc: Loc) -> Optional[dict]:
        real = self._photo(photo, loc)
        if real is None:
            return None
        digest = self.hashes(real)
        src = print_photo(real, digest, self.ctx.cache_dir)   # downscaled to print size
        name = (f"_assets/{src.name}" if src != real
                else f"_assets/{digest[:24]}{real.suffix.lower()}")
        doc.assets[name] = src
        return {"src": name, "name": PurePosixPath(photo).name}

    # -- records
    def _record(self, res: Result):
        found = [self.records_by_file.get(f) for f in res.record_files]
        recs = [r for r in found if r is not None]
        for r in recs:
            if r.kind == "assessment":
                return r
        return recs[0] if recs else None

    def _record_date(self, loc: Loc, res: Result) -> Optional[date]:
        rec = self.records_by_file.get(loc.file)
        return rec.date if rec is not None and rec.date else res.date

    def _assessors(self, loc: Loc, res: Result) -> str:
        rec = self.records_by_file.get(loc.file)
        names = rec.assessors if rec is not None and rec.assessors else res.assessors
        return "、".join(names)

    def _sheet(self, rubric: Rubric, res: Optional[Result], table_id: str, public: bool) -> Sheet:
        if res is None:
            return Sheet.build(rubric, None, table_id=table_id, public=public)
        unit = _unit(self.project, res.unit_id, res.unit_name)
        rec = self._record(res)
        return Sheet.build(rubric, res, table_id=table_id, public=public,
                           unit_name=res.unit_name or unit.name, leader=unit.leader or "",
                           signatures=rec.signatures if rec is not None else None)

    def _doc_meta(self, kind: str, title: str, created: str, rubric: Rubric,
                  description: str = "") -> dict:
        """PDF metadata; the author is the office that issued the rubric (none
        when the seed names none), not the project's office."""
        return {"kind": kind, "title": title, "author": rubric.issuer, "created": created,
                "modified": created, "description": description or title}

    # -- the four kinds
    def blank(self, rubric: Rubric) -> Doc:
        sheet = self._sheet(rubric, None, "b", True)
        year = rubric.year or self.config.year
        ctx = {"doc": self._doc_meta("blank", f"{rubric.title}（空白评分表）", _w3c(None, year),
                                     rubric),
               "sheet": sheet, "rubric": rubric, "office": self.office}
        return Doc("blank", self.ctx.site_dir, paths.blank_pdf(rubric.id), "print/blank.html",
                   ctx, rubric.loc, weight=1)

    def unit_sheet(self, rubric: Rubric, res: Result) -> Doc:
        """A unit's score sheet. Its context is a function of the arguments,
        the unit, the record's signatures and the office only, so its HTML is
        looked up by a key over these and the sheet is built only when missing."""
        unit = _unit(self.project, res.unit_id, res.unit_name)
        rec = self._record(res)
        signatures = rec.signatures if rec is not None else None

        def context() -> dict:
            # the same row keys in every unit's sheet: the page breaks one
            # sheet needed are tried first on the next (pdf.Renderer._layout)
            sheet = self._sheet(rubric, res, "s", True)
            return {"doc": self._doc_meta(
                        "sheet", f"{res.unit_name} {rubric.title}（{period_label(res.period)}）",
                        _w3c(res.date, Period.parse(res.period).year), rubric),
                    "sheet": sheet, "rubric": rubric, "result": res, "period": res.period,
                    "total_word": total_word(rubric, res), "office": self.office}
        doc = Doc("sheet", self.ctx.site_dir, paths.sheet_pdf(rubric.id, res.period, res.unit_id),
                  "print/unit_sheet.html", {"rubric": rubric}, _first_loc(res, rubric), weight=1,
                  batch=(rubric.id, res.period), lazy=context)
        doc.html_key = self.html_cache.key("unit_sheet", [rubric, res, unit, signatures,
                                                          self.office])
        if doc.html_key is not None and not self.ctx.clean:
            doc.html = self.html_cache.get(doc.html_key) or ""
        if not doc.html:
            doc.full_context()
        return doc

    def summary(self, rubric: Rubric, period: str, results: list[Result]) -> Doc:
        """The town summary book (booklet/render/summary.py builds its data)."""
        results = sorted(results, key=lambda r: (r.rank is None, r.rank or 0,
                                                 self.unit_order.get(r.unit_id, 1 << 30),
                                                 r.unit_id))
        word = total_word(rubric, results[0] if results else None)
        dates = [r.date for r in results if r.date]
        created = _w3c(max(dates) if dates else None, Period.parse(period).year)
        ctx = summary_context(rubric, period, results, total_word=word)
        ctx.update({
            "doc": self._doc_meta("summary", f"{rubric.title}（{period_label(period)}考核汇总）",
                                  created, rubric),
            "issuer": rubric.issuer, "title_lines": title_lines(rubric),
            "rubric": rubric, "period": period, "dates": _date_range(dates),
            "office": self.office, "total_word": word,
            "as_of": self.ctx.project.as_of,        # 数据截至 (booklet/asof.py)
            # the rubric's notes (003 （六）考评分类, 相关说明) after the ranking
            "notes_sheet": self._sheet(rubric, None, "n", True)})
        book = None
        if qpdf_available():
            book = Book({"name": "front"}, [{"name": "ranking"}, {"name": "matrix"}],
                        units=[u["anchor"] for u in ctx["units"]], group=UNITS_PER_PART)
            if book.units:
                book.body.append(book.units_part(0))
        return Doc("summary", self.ctx.site_dir, paths.summary_pdf(rubric.id, period),
                   "print/summary.html", ctx, rubric.loc, weight=2 + len(results),
                   book=book)

    def ledger(self, rubric: Rubric, unit: Unit, volume: int, volumes: int) -> Doc:
        results = self.results_by.get((rubric.id, unit.id), [])
        doc = Doc("ledger", self.ctx.internal_dir, paths.ledger_pdf(rubric.id, unit.id),
                  "print/ledger.html", {}, rubric.loc, weight=3 + 2 * len(results))
        book = ledger_context(self, doc, rubric, unit, results)
        recs = self.project.records_for(rubric.id, unit.id)
        dates = [r.date for r in recs if r.date] + [r.date for r in results if r.date]
        year = rubric.year or self.config.year
        created = _w3c(max(dates) if dates else None, year)
        annex = _annex_html(self.ctx, unit, rubric)
        doc.context = {
            "doc": self._doc_meta("ledger", f"{unit.name} {rubric.title} 考核台账", created, rubric),
            "issuer": rubric.issuer, "title_lines": title_lines(rubric),
            "rubric": rubric, "unit": unit, "office": self.office, "year": year,
            "volume": volume, "volumes": volumes, "dates": _date_range(dates),
            "annex_html": annex, **book,
            "total_word": total_word(rubric, results[0] if results else None),
        }
        doc.origin = recs[0].loc if recs else rubric.loc
        if qpdf_available():
            doc.book = Book({"name": "front"},
                            [{"name": "period", "index": i} for i in range(len(book["parts"]))]
                            + ([{"name": "annexes"}] if annex else []))
        return doc

    def plan(self) -> list[Doc]:
        self.check_photos()
        project, docs = self.project, []
        rubrics = project.rubrics
        # ledgers: every (rubric, unit) assigned or scored; volumes per unit and year
        pairs: set[tuple[str, str]] = set()
        for a in self.config.assign:
            for uid in a.unit_ids:
                if a.rubric in rubrics:
                    pairs.add((a.rubric, uid))
        for res in self.ctx.results:
            if res.rubric_id in rubrics:
                pairs.add((res.rubric_id, res.unit_id))
        by_unit_year: dict[tuple[str, Optional[int]], list[str]] = {}
        for rid, uid in pairs:
            year = rubrics[rid].year or self.config.year
            by_unit_year.setdefault((uid, year), []).append(rid)
        names = {r.unit_id: r.unit_name for r in self.ctx.results}
        for (uid, _), rids in sorted(by_unit_year.items(), key=lambda kv: (
                self.unit_order.get(kv[0][0], 1 << 30), kv[0][0], kv[0][1] or 0)):
            rids.sort()
            unit = _unit(project, uid, names.get(uid, ""))
            for n, rid in enumerate(rids, 1):
                docs.append(self.ledger(rubrics[rid], unit, n, len(rids)))
        # public documents: texts marked internal left out
        public = public_results(project, self.ctx.results)
        # summaries per rubric and period
        by_period: dict[tuple[str, str], list[Result]] = {}
        for res in public:
            if res.rubric_id in rubrics:
                by_period.setdefault((res.rubric_id, res.period), []).append(res)
        for (rid, period) in sorted(by_period, key=lambda k: (k[0], period_sort_key(k[1]))):
            docs.append(self.summary(rubrics[rid], period, by_period[(rid, period)]))
        for rid in sorted(rubrics):
            docs.append(self.blank(rubrics[rid]))
        for res in sorted(public, key=lambda r: (r.rubric_id, period_sort_key(r.period),
                                                           r.unit_id)):
            if res.rubric_id in rubrics:
                docs.append(self.unit_sheet(rubrics[res.rubric_id], res))
        # the print HTML of published PDFs stays internal (linked from nowhere)
        site = Path(self.ctx.site_dir)
        for d in docs:
            if Path(d.out_root) == site:
                d.html_root = Path(self.ctx.internal_dir) / paths.PRINT_HTML
        self.hashes.save()
        if self.problems:
            raise BookletError(self.problems)
        return docs


def qpdf_available() -> bool:
    return qpdf_path() is not None


def _first_loc(res: Result, rubric: Rubric) -> Loc:
    return Loc(res.record_files[0]) if res.record_files else rubric.loc


def _annex_html(ctx: BuildContext, unit: Unit, rubric: Rubric) -> Optional[Markup]:
    """The annex part of a ledger (附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表).
    Its HTML is trusted (the annex module escapes what it takes from YAML)."""
    html = ledger_annex_html(ctx, unit, rubric)
    return Markup(html) if html else None


def plan_documents(ctx: BuildContext) -> list[Doc]:
    """Every printed document of the build, HTML not yet rendered."""
    return _Planner(ctx).plan()

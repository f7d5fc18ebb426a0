"""The printed documents of a build, assembled and written as PDF.

`build_pdfs(ctx)` is the entry point `booklet build` calls. It writes

* the annual ledger book (台账) per unit and rubric   → internal  paths.ledger_pdf
* the town summary book per rubric and period        → site      paths.summary_pdf
* the blank score sheet per rubric                   → site      paths.blank_pdf
* each unit's filled score sheet per period          → site      paths.sheet_pdf

and keeps each document's print HTML beside its PDF (paths.html_beside), with
a relative link to a copy of the stylesheet and copies of its photos, so it
opens in a browser.

Steps: plan the documents (checking every photo path first, so a bad one is
reported with its record file and line), render their HTML with Jinja (project
templates/ override the packaged theme), write the HTML, then for each
document look up the PDF cache by a key over HTML + CSS + fonts + WeasyPrint
version + variant; render only what is missing (in worker processes when
ctx.jobs > 1) and copy every PDF into the staging folder.

Nothing here reads the clock: a PDF's dates come from the data (the latest
record date, or the rubric's year), so identical input gives identical bytes.

Incremental builds, two levels:
* per document: the PDF cache (cache.py) keyed by the rendered HTML, CSS,
  fonts, WeasyPrint version and PDF variant; only documents whose key is new
  are rendered;
* per build: when ctx.build_id (a hash of every input file) and booklet's own
  code are unchanged, a manifest of the last build's output is replayed (PDFs
  and kept HTML copied from the cache) without planning or rendering anything.
ctx.clean ignores both.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Callable, Optional

from markupsafe import Markup

from .. import paths
from ..buildctx import BuildContext
from ..errors import BookletError, Problems
from ..model import Loc, Project, Rubric, Unit
from ..scoring.result import Result
from ..periods import PERIOD_RE
from ..periods import sort_key as period_sort_key
from ..textfmt import fmt_date, fmt_signed
from .env import THEME_DIR, make_env
from .fetcher import resolve_photo
from .sheet import Sheet

CSS_TEMPLATES = ("print/print.css", "print/annex.css", "print/custom.css")
CSS_MARK = "<!--booklet:print-css-->"
MANIFEST_VERSION = "booklet-manifest-1"
UNITS_PER_PART = 8                  # summary books longer than this are laid out in parts
SHEETS_PER_BATCH = 10               # unit sheets laid out together (memory: ~1.6 MB a page)
ANNEX_HOOK = "booklet.annex.print"

#: figures of the last build_pdfs call (for the CLI summary and the benchmark)
LAST_STATS: dict = {}


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
    parts: int = 0                  # > 1: laid out in parts (big books)
    batch: Optional[tuple] = None   # unit sheets laid out together (rubric, period)

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
        return self.out_root / paths.html_beside(self.rel)

    @property
    def css_rel(self) -> PurePosixPath:
        return PurePosixPath(self.rel.parts[0]) / "print.css"


# ---------------------------------------------------------------- helpers

def period_year(period: str) -> Optional[int]:
    m = PERIOD_RE.match(period or "")
    return int(m.group(1)) if m else None


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


def load_css(env) -> str:
    """print.css, then annex.css and custom.css where present (project
    templates/ first, then the packaged theme)."""
    import jinja2
    parts = []
    for name in CSS_TEMPLATES:
        try:
            source, _, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            continue
        parts.append(f"/* {name} */\n{source}")
    if not parts:
        raise BookletError("找不到打印样式表 print/print.css。", loc=Loc("templates/print"))
    return "\n".join(parts)


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
        self.results_by = {}
        for r in ctx.results:
            self.results_by.setdefault((r.rubric_id, r.unit_id), []).append(r)
        for lst in self.results_by.values():
            lst.sort(key=lambda r: period_sort_key(r.period))
        self.unit_order = {u.id: i for i, u in enumerate(self.config.units)}

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
        name = f"_assets/{self.hashes(real)[:24]}{real.suffix.lower()}"
        doc.assets[name] = real
        return {"src": name, "name": PurePosixPath(photo).name}

    # -- records
    def _record(self, res: Result):
        recs = [self.records_by_file.get(f) for f in res.record_files]
        recs = [r for r in recs if r is not None]
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

    def _doc_meta(self, kind: str, title: str, created: str, description: str = "") -> dict:
        return {"kind": kind, "title": title, "author": self.office, "created": created,
                "modified": created, "description": description or title}

    # -- the four kinds
    def blank(self, rubric: Rubric) -> Doc:
        sheet = self._sheet(rubric, None, "b", True)
        year = rubric.year or self.config.year
        ctx = {"doc": self._doc_meta("blank", f"{rubric.title}（空白评分表）", _w3c(None, year)),
               "sheet": sheet, "rubric": rubric, "office": self.office}
        return Doc("blank", self.ctx.site_dir, paths.blank_pdf(rubric.id), "print/blank.html",
                   ctx, rubric.loc, weight=1)

    def unit_sheet(self, rubric: Rubric, res: Result, n: int = 0) -> Doc:
        sheet = self._sheet(rubric, res, f"s{n}", True)
        ctx = {"doc": self._doc_meta(
                   "sheet", f"{res.unit_name} {rubric.title}（{_fmt_period(res.period)}）",
                   _w3c(res.date, period_year(res.period))),
               "sheet": sheet, "rubric": rubric, "result": res, "period": res.period,
               "total_word": total_word(rubric, res), "office": self.office}
        return Doc("sheet", self.ctx.site_dir, paths.sheet_pdf(rubric.id, res.period, res.unit_id),
                   "print/unit_sheet.html", ctx, _first_loc(res, rubric), weight=1,
                   batch=(rubric.id, res.period))

    def summary(self, rubric: Rubric, period: str, results: list[Result]) -> Doc:
        results = sorted(results, key=lambda r: (r.rank is None, r.rank or 0,
                                                 self.unit_order.get(r.unit_id, 1 << 30),
                                                 r.unit_id))
        ranking, sheets = [], []
        for n, res in enumerate(results):
            anchor = f"u-{res.unit_id}"
            sheet = self._sheet(rubric, res, f"u{n}", True)
            ranking.append({
                "rank": res.rank if res.rank is not None else "—",
                "unit": res.unit_name, "anchor": anchor,
                "total": sheet.total_text(),
                "grade": res.grade or "",
                "veto": "否决" if res.vetoed else "",
                "change": fmt_signed(res.change) if res.change is not None else "",
            })
            sheets.append({"sheet": sheet, "anchor": anchor, "part": 1 + n // UNITS_PER_PART})
        dates = [r.date for r in results if r.date]
        created = _w3c(max(dates) if dates else None, period_year(period))
        ctx = {"doc": self._doc_meta("summary",
                                     f"{rubric.title}（{_fmt_period(period)}考核汇总）", created),
               "rubric": rubric, "period": period, "ranking": ranking, "sheets": sheets,
               "dates": _date_range(dates), "office": self.office,
               "total_word": total_word(rubric, results[0] if results else None)}
        parts = 0
        if len(results) > UNITS_PER_PART and _qpdf_available():
            parts = 1 + (len(results) + UNITS_PER_PART - 1) // UNITS_PER_PART
        return Doc("summary", self.ctx.site_dir, paths.summary_pdf(rubric.id, period),
                   "print/summary.html", ctx, rubric.loc, weight=2 + 5 * len(results),
                   parts=parts)

    def ledger(self, rubric: Rubric, unit: Unit, volume: int, volumes: int) -> Doc:
        results = self.results_by.get((rubric.id, unit.id), [])
        doc = Doc("ledger", self.ctx.internal_dir, paths.ledger_pdf(rubric.id, unit.id),
                  "print/ledger.html", {}, rubric.loc, weight=3 + 2 * len(results))
        parts = []
        for n, res in enumerate(results):
            sheet = self._sheet(rubric, res, f"p{n}", False)
            details = []
            for number, a in sheet.adjustments():
                photos = [p for p in (self._asset(doc, ph, a.source) for ph in a.photos) if p]
                details.append({
                    "item": number, "rule": a.rule_text, "amount": fmt_signed(a.amount),
                    "note": a.note, "reason": a.reason, "evidence": a.evidence,
                    "date": a.date or self._record_date(a.source, res),
                    "assessors": self._assessors(a.source, res),
                    "origin": a.origin, "photos": photos,
                })
            notes = []
            for f in res.record_files:
                rec = self.records_by_file.get(f)
                if rec is not None:
                    notes += [n_.text for n_ in rec.notes]
            parts.append({"period": res.period, "result": res, "sheet": sheet,
                          "anchor": f"p-{res.period}",
                          "heading": f"{_fmt_period(res.period)}考核",
                          "adjustments": details, "notes": notes})
        recs = self.project.records_for(rubric.id, unit.id)
        dates = [r.date for r in recs if r.date] + [r.date for r in results if r.date]
        year = rubric.year or self.config.year
        created = _w3c(max(dates) if dates else None, year)
        annex = _annex_html(self.ctx, unit, rubric)
        doc.context = {
            "doc": self._doc_meta("ledger", f"{unit.name} {rubric.title} 考核台账", created),
            "rubric": rubric, "unit": unit, "office": self.office, "year": year,
            "volume": volume, "volumes": volumes, "dates": _date_range(dates),
            "parts": parts, "annex_html": annex,
            "total_word": total_word(rubric, results[0] if results else None),
        }
        doc.origin = recs[0].loc if recs else rubric.loc
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
        # summaries per rubric and period
        by_period: dict[tuple[str, str], list[Result]] = {}
        for res in self.ctx.results:
            if res.rubric_id in rubrics:
                by_period.setdefault((res.rubric_id, res.period), []).append(res)
        for (rid, period) in sorted(by_period, key=lambda k: (k[0], period_sort_key(k[1]))):
            docs.append(self.summary(rubrics[rid], period, by_period[(rid, period)]))
        for rid in sorted(rubrics):
            docs.append(self.blank(rubrics[rid]))
        counter: dict[tuple[str, str], int] = {}
        for res in sorted(self.ctx.results, key=lambda r: (r.rubric_id, period_sort_key(r.period),
                                                           r.unit_id)):
            if res.rubric_id in rubrics:
                n = counter.get((res.rubric_id, res.period), 0)
                counter[(res.rubric_id, res.period)] = n + 1
                docs.append(self.unit_sheet(rubrics[res.rubric_id], res, n))
        self.hashes.save()
        if self.problems:
            raise BookletError(self.problems)
        return docs


def _qpdf_available() -> bool:
    from .merge import qpdf_path
    return qpdf_path() is not None


def _fmt_period(p: str) -> str:
    from ..textfmt import fmt_period
    return fmt_period(p)


def _first_loc(res: Result, rubric: Rubric) -> Loc:
    return Loc(res.record_files[0]) if res.record_files else rubric.loc


def _annex_html(ctx: BuildContext, unit: Unit, rubric: Rubric) -> Optional[Markup]:
    """The annex part of a ledger (附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表),
    from booklet.annex.print when that module exists. Its HTML is trusted (the
    annex module escapes what it takes from YAML)."""
    try:
        spec = importlib.util.find_spec(ANNEX_HOOK)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        return None
    hook = getattr(importlib.import_module(ANNEX_HOOK), "ledger_annex_html", None)
    if hook is None:
        return None
    html = hook(ctx, unit, rubric)
    return Markup(html) if html else None


# ---------------------------------------------------------------- writing

def plan_documents(ctx: BuildContext) -> list[Doc]:
    """Every printed document of the build, HTML not yet rendered."""
    return _Planner(ctx).plan()


def _render_html(env, doc: Doc, breaks: frozenset = frozenset(), part: Optional[int] = None,
                 page_start: Optional[int] = None) -> str:
    return env.get_template(doc.template).render(**doc.context, breaks=breaks,
                                                 css_link=Markup(CSS_MARK), part=part,
                                                 page_start=page_start)


def _html_for(env, doc: Doc) -> Callable[[frozenset, Optional[int], Optional[int]], str]:
    def html_for(breaks: frozenset, part: Optional[int] = None,
                 page_start: Optional[int] = None) -> str:
        if not breaks and part is None and page_start is None:
            return doc.html.replace(CSS_MARK, "")
        return _render_html(env, doc, breaks, part, page_start).replace(CSS_MARK, "")
    return html_for


def _write_if_changed(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


def write_html(docs: list[Doc], css_text: str) -> list[Path]:
    """Each document's print HTML beside its PDF, linking a copy of the
    stylesheet by relative path, with copies of its photos."""
    written = []
    css_written: set[Path] = set()
    for d in docs:
        css_path = d.out_root / d.css_rel
        if css_path not in css_written:
            _write_if_changed(css_path, css_text.encode("utf-8"))
            css_written.add(css_path)
        href = os.path.relpath(css_path, d.html_path.parent).replace(os.sep, "/")
        link = f'<link rel="stylesheet" href="{href}">'
        _write_if_changed(d.html_path, d.html.replace(CSS_MARK, link).encode("utf-8"))
        written.append(d.html_path)
        for name, src in d.assets.items():
            target = d.html_path.parent / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
    return written


BATCH_STYLE = """<style>
/* unit sheets laid out together: each in its own page group, numbered from 1,
   starting on a right-hand page, so each can be cut out as it would print alone */
.batch-member { page: batchsheet; break-before: right; }
.batch-member > :first-child { break-before: auto; }
@page :nth(1 of batchsheet) { counter-set: page 1; }
@page :nth(1 of landscape) { counter-set: page 1; }
</style>
"""


def _split_html(html: str) -> tuple[str, str]:
    """(everything before <body…>, the body's content) of our own HTML."""
    i = html.index("<body")
    j = html.index(">", i) + 1
    k = html.rindex("</body>")
    return html[:i], html[j:k]


def _batch_html(env, members: list[Doc], breaks: frozenset) -> str:
    head = ""
    bodies = []
    for n, d in enumerate(members):
        h = (d.html if not breaks else _render_html(env, d, breaks)).replace(CSS_MARK, "")
        before, body = _split_html(h)
        if n == 0:
            head = before.replace("</head>", BATCH_STYLE + "</head>")
        bodies.append(f'<section class="batch-member" data-batch="{n}">{body}</section>\n')
    return head + '<body class="doc-batch">\n' + "".join(bodies) + "</body>\n</html>\n"


def _carrier_html(doc: Doc) -> str:
    """A one-page document carrying a batch member's title and metadata."""
    from markupsafe import escape
    m = doc.context["doc"]
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{escape(m["title"])}</title>'
            f'<meta name="author" content="{escape(m["author"])}">'
            f'<meta name="description" content="{escape(m["description"])}">'
            '<meta name="generator" content="booklet">'
            f'<meta name="dcterms.created" content="{escape(m["created"])}">'
            f'<meta name="dcterms.modified" content="{escape(m["modified"])}">'
            '</head><body></body></html>')


def _code_stamp() -> str:
    """Identity of booklet's own code and theme (a change of scoring or
    templates must not reuse the last build's output)."""
    from .cache import code_hash
    return code_hash()


def _fast_key(ctx: BuildContext) -> Optional[str]:
    """Key of the whole PDF output for this build's inputs, or None when the
    build cannot tell (no build id)."""
    if not ctx.build_id or not ctx.pdf:
        return None
    from . import fonts
    h = hashlib.sha256()
    for part in (MANIFEST_VERSION, ctx.build_id, _code_stamp(), ctx.pdf_variant or "-",
                 fonts.weasyprint_version() or "?", "\n".join(fonts.font_identities()),
                 str(Path(ctx.project.root).resolve())):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


class _Manifest:
    """What the last build with the same inputs wrote: every PDF's cache key,
    every kept HTML (stored in the cache by content), stylesheets, photos.
    A rebuild without any change copies these and renders nothing, without
    even planning the documents."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir)
        self.html_dir = self.dir / "html"

    def path(self, key: str) -> Path:
        return self.dir / "manifests" / f"{key}.json"

    def store_text(self, text: str) -> str:
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        f = self.html_dir / sha[:2] / f"{sha}.html"
        if not f.exists():
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, f)
        else:
            os.utime(f)                 # in use: its mtime is its last use
        return sha

    def prune(self, older_than_s: float) -> None:
        """Forget stored HTML not used by any build for a while."""
        cutoff = time.time() - older_than_s
        for f in self.html_dir.glob("*/*.html"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
            except OSError:
                pass

    def text_path(self, sha: str) -> Path:
        return self.html_dir / sha[:2] / f"{sha}.html"

    def save(self, key: str, entries: list[dict], css: list[dict], stats: dict) -> None:
        f = self.path(key)
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"entries": entries, "css": css, "stats": stats},
                                  ensure_ascii=False))
        os.replace(tmp, f)
        # keep the last few manifests only
        old = sorted(f.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-8]
        for p in old:
            p.unlink(missing_ok=True)

    def replay(self, key: str, ctx: BuildContext, cache) -> Optional[list[Path]]:
        """Copy the output of the manifest `key`; None if anything is missing."""
        try:
            data = json.loads(self.path(key).read_text())
        except (OSError, ValueError):
            return None
        roots = {"site": Path(ctx.site_dir), "internal": Path(ctx.internal_dir)}
        entries, css = data["entries"], data["css"]
        needed = [cache.path(e["key"]) for e in entries]
        needed += [self.text_path(e["html"]) for e in entries]
        needed += [self.text_path(c["sha"]) for c in css]
        needed += [Path(src) for e in entries for src in e["assets"].values()]
        if not all(p.is_file() for p in needed):
            return None
        out = []
        for c in css:
            target = roots[c["root"]] / c["rel"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.text_path(c["sha"]), target)
        for e in entries:
            pdf = roots[e["root"]] / e["rel"]
            pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cache.path(e["key"]), pdf)
            shutil.copyfile(self.text_path(e["html"]), pdf.with_suffix(".html"))
            for name, src in e["assets"].items():
                target = pdf.parent / name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, target)
            out.append(pdf)
        cache.touch(e["key"] for e in entries)
        LAST_STATS.update(data["stats"])
        LAST_STATS.update({"rendered": 0, "cached": len(entries), "fast": True})
        return out


def build_pdfs(ctx: BuildContext, only: Optional[Callable[[Doc], bool]] = None) -> list[Path]:
    """Write every booklet of the build into ctx.site_dir / ctx.internal_dir.

    Returns the PDFs written (with ctx.pdf False: the HTML files only).
    `only` selects some documents (tests, previews)."""
    t0 = time.perf_counter()
    LAST_STATS.clear()
    fast = _fast_key(ctx) if (only is None and not ctx.clean) else None
    if fast is not None:
        from .cache import PdfCache
        out = _Manifest(ctx.cache_dir).replay(fast, ctx, PdfCache(ctx.cache_dir))
        if out is not None:
            LAST_STATS["seconds"] = time.perf_counter() - t0
            return out

    root = Path(ctx.project.root).resolve()
    env = make_env(root)
    css_text = load_css(env)
    docs = plan_documents(ctx)
    if only is not None:
        docs = [d for d in docs if only(d)]
    for d in docs:
        d.html = _render_html(env, d)
    html_files = write_html(docs, css_text)
    stats = {"documents": len(docs), "rendered": 0, "cached": 0, "pages": 0,
             "seconds": 0.0, "html_files": len(html_files)}
    LAST_STATS.update(stats)
    if not ctx.pdf:
        LAST_STATS["seconds"] = time.perf_counter() - t0
        return html_files

    from . import fonts
    from .cache import PdfCache, render_key
    from .pdf import RenderJob, RenderSettings, default_workers, render_all, stderr_is_tty

    fonts.check_fonts()
    font_ids = fonts.font_identities()
    engine = fonts.weasyprint_version() or "?"
    # unit sheets of one rubric and period are laid out together and cut apart
    batches: dict[tuple, list[Doc]] = {}
    if _qpdf_available():
        for d in docs:
            if d.batch is not None:
                batches.setdefault(d.batch, []).append(d)
        chunked: dict[tuple, list[Doc]] = {}
        for k, members in batches.items():
            for n in range(0, len(members), SHEETS_PER_BATCH):
                chunk = members[n:n + SHEETS_PER_BATCH]
                if len(chunk) > 1:
                    for d in chunk:
                        d.batch = k + (n,)
                    chunked[k + (n,)] = chunk
        batches = chunked
    batch_key: dict[tuple, str] = {}
    for k, members in batches.items():
        batch_key[k] = render_key(_batch_html(env, members, frozenset()), css_text, font_ids,
                                  engine, ctx.pdf_variant)
    for d in docs:
        d.key = render_key(d.html.replace(CSS_MARK, ""), css_text, font_ids, engine,
                           ctx.pdf_variant)
        if d.batch in batch_key:
            d.key = hashlib.sha256(f"{batch_key[d.batch]}\0{d.key}".encode()).hexdigest()
    cache = PdfCache(ctx.cache_dir)
    todo: dict[str, Doc] = {}           # job key -> first document of the job
    job_members: dict[str, list[Doc]] = {}
    weight: dict[str, int] = {}
    for d in docs:
        if not (ctx.clean or cache.get(d.key) is None):
            continue
        if d.batch in batch_key:
            jk = batch_key[d.batch]
            if jk not in todo:
                todo[jk] = d
                job_members[jk] = batches[d.batch]
                weight[jk] = 2 * len(batches[d.batch])
        elif d.key not in todo:
            todo[d.key] = d
            weight[d.key] = d.weight
    # biggest jobs first, so that no long job is left for the end
    todo = dict(sorted(todo.items(), key=lambda kv: -weight[kv[0]]))

    pages: dict[str, int] = {}
    if todo:
        roots = [root, THEME_DIR, Path(ctx.site_dir), Path(ctx.internal_dir)]
        settings = RenderSettings(css_text, THEME_DIR.joinpath("print").as_uri() + "/",
                                  roots, ctx.pdf_variant)
        jobs = []
        for i, (jk, d) in enumerate(todo.items()):
            members = job_members.get(jk)
            if members:
                def html_for(breaks, part=None, page_start=None, _m=members):
                    return _batch_html(env, _m, breaks)
                jobs.append(RenderJob(i, html_for, d.html_path.resolve().as_uri(), d.origin, jk,
                                      sig=("batch",) + d.sig,
                                      members=[(m.key, _carrier_html(m)) for m in members]))
            else:
                jobs.append(RenderJob(i, _html_for(env, d), d.html_path.resolve().as_uri(),
                                      d.origin, d.key, d.parts, d.sig))

        def store(key: str, pdf: bytes, n_pages: int) -> None:
            cache.put(key, pdf, n_pages)

        workers = ctx.jobs if ctx.jobs and ctx.jobs > 0 else default_workers()
        bar = None
        if ctx.progress and stderr_is_tty():
            import click
            bar = click.progressbar(length=len(jobs), label="生成 PDF",
                                    file=click.get_text_stream("stderr"))
            bar.__enter__()
        try:
            done = render_all(jobs, settings, store, workers=workers,
                              progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        pages.update(done.pages)
        stats["extra_passes"] = done.extra_passes
        cpu: dict[str, float] = {}
        for jk, d in todo.items():
            cpu[d.kind] = cpu.get(d.kind, 0.0) + done.cpu.get(jk, 0.0)
        stats["cpu_by_kind"] = {k: round(v, 1) for k, v in cpu.items()}
        stats["jobs"] = len(jobs)

    out = []
    for d in docs:
        cache.copy_to(d.key, d.pdf_path)
        out.append(d.pdf_path)
        stats["pages"] += pages.get(d.key) or cache.pages(d.key)
    keys = {d.key for d in docs}
    cache.touch(keys)
    cache.prune(keys)
    rendered = {d.key for d in docs if d.key in pages}
    stats["rendered"] = len(rendered)
    stats["cached"] = len(docs) - len(rendered)
    stats["seconds"] = time.perf_counter() - t0
    LAST_STATS.update(stats)
    fast = _fast_key(ctx) if only is None else None
    if fast is not None:
        _save_manifest(fast, ctx, docs, css_text, stats)
    return out


def _save_manifest(key: str, ctx: BuildContext, docs: list[Doc], css_text: str,
                   stats: dict) -> None:
    man = _Manifest(ctx.cache_dir)
    name = {Path(ctx.site_dir): "site", Path(ctx.internal_dir): "internal"}
    entries, css, seen_css = [], [], set()
    css_sha = man.store_text(css_text)
    for d in docs:
        root = name[Path(d.out_root)]
        href = os.path.relpath(d.out_root / d.css_rel, d.html_path.parent).replace(os.sep, "/")
        kept = d.html.replace(CSS_MARK, f'<link rel="stylesheet" href="{href}">')
        entries.append({"root": root, "rel": str(d.rel), "key": d.key,
                        "html": man.store_text(kept),
                        "assets": {k: str(v) for k, v in d.assets.items()}})
        if (root, str(d.css_rel)) not in seen_css:
            seen_css.add((root, str(d.css_rel)))
            css.append({"root": root, "rel": str(d.css_rel), "sha": css_sha})
    man.save(key, entries, css, {k: v for k, v in stats.items() if k != "seconds"})
    from .cache import PRUNE_AFTER_S
    man.prune(PRUNE_AFTER_S)

"""Write the static score site into `ctx.site_dir`.

    build_site(ctx) -> list[Path]

Pages (paths from booklet.paths): the home page with every ranking, one page
per unit, one per rubric, downloads and about; plus assets/ (stylesheet,
script, icon) and the scores as CSV and XLSX. Every link is relative, so the
site works from file:// and from any static host; nothing is loaded from
elsewhere. Templates come from the project's templates/site/ first, then the
packaged theme (booklet/theme/site/), and are compiled once per build.

Privacy: free texts pass through `privacy.public_text` (phones and ID numbers
masked); internal notes and annex data (rosters, duty schedules, funds) never
reach a page. The build date shown is the newest date in the data, not the
clock, so the same inputs give the same files.
"""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Optional

from jinja2.sandbox import SandboxedEnvironment

from .. import paths
from ..annex.forms import FORM_SPECS
from ..buildctx import BuildContext
from ..errors import BookletError, Problems
from ..model import Loc
from ..periods import YEAR, kind_for_calendar
from ..render.env import make_env
from ..render.fetcher import bad_site_ref, css_refs, page_refs
from ..scoring.result import ItemScore
from . import charts, rules as rulewords
from .privacy import public_results, public_text
from .tables import write_csv, write_xlsx
from .unitpage import adjustment_view, section_rows
from .views import SiteData, UnitView, pts

ASSETS = PurePosixPath("assets")
ASSET_FILES = ("site.css", "site.js", "favicon.svg")
FORMS = tuple((s.key, s.full_title) for s in FORM_SPECS.values())   # the blank forms' downloads


class OutsideSiteError(AssertionError):
    """An output path would land outside the site folder (a bug or a bad id)."""


class _Site:
    def __init__(self, ctx: BuildContext):
        self.ctx = ctx
        self.data = SiteData(ctx.project, public_results(ctx.project, ctx.results))
        self.root = Path(ctx.site_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.root_real = os.path.realpath(self.root)
        self.written: list[Path] = []
        self.made_dirs: set[str] = set()

        self.env = make_env(ctx.root)
        self.env.filters["public"] = public_text
        self.env.filters["pts"] = pts
        self.env.globals.update(
            paths=paths,
            describe_rule=rulewords.describe_rule,
            describe_calendar=rulewords.describe_calendar,
            describe_when=rulewords.describe_when,
            adjustment_label=rulewords.adjustment_label,
            origin_text=rulewords.origin_text,
            KIND_NAMES=rulewords.KIND_NAMES,
            adj_view=adjustment_view,
            section_rows=self._section_rows,
        )
        self._titles: dict[str, str] = {}       # item titles, worked out once a build
        _fast_attributes(self.env)
        self.custom = self.env.project_templates      # the project's templates/ (or None)
        site_dir = self.custom / "site" if self.custom else None
        self.overrides = sorted(p for p in site_dir.rglob("*") if p.is_file()) \
            if site_dir and site_dir.is_dir() else []
        self.tpl = {name: self.env.get_template(f"site/{name}.html")
                    for name in ("index", "unit", "rubric", "downloads", "about")}
        cfg = ctx.project.config
        self.site = {
            "title": cfg.title,
            "office": cfg.office,
            "year": cfg.year,
            "build_id": (ctx.build_id or "")[:12],
            "data_date": self.data.data_date,
            "pdf": bool(ctx.pdf),
            "rubrics": [(rb.id, rb.title) for rb in self.data.rubric_order],
        }

    def _section_rows(self, rubric, scores, earned):
        return section_rows(self.env, rubric, scores, earned, self._titles)

    # ----------------------------------------------------------------- output

    def _target(self, rel: PurePosixPath) -> Path:
        rel = PurePosixPath(rel)
        if rel.is_absolute() or ".." in rel.parts:
            raise OutsideSiteError(f"输出路径越出网站目录：{rel}")
        full = os.path.normpath(os.path.join(self.root_real, *rel.parts))
        if os.path.commonpath([full, self.root_real]) != self.root_real:
            raise OutsideSiteError(f"输出路径越出网站目录：{rel}")
        parent = os.path.dirname(full)
        if parent not in self.made_dirs:
            os.makedirs(parent, exist_ok=True)
            if os.path.commonpath([os.path.realpath(parent), self.root_real]) != self.root_real:
                raise OutsideSiteError(f"输出路径越出网站目录：{rel}")
            self.made_dirs.add(parent)
        return Path(full)

    def write(self, rel: PurePosixPath, text: str) -> None:
        path = self._target(rel)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        self.written.append(path)

    def render(self, name: str, rel: PurePosixPath, **kw) -> None:
        depth = len(PurePosixPath(rel).parts) - 1
        html = self.tpl[name].render(site=self.site, root="../" * depth, page=str(rel), **kw)
        if self.overrides:          # the packaged theme is trusted: no need to parse its pages
            self.check_refs(page_refs(html), str(rel), f"site/{name}.html")
        self.write(rel, html)

    # ----------------------------------------------------------------- references

    def check_refs(self, refs: list[tuple[str, bool]], page: str, template: str) -> None:
        """The project's own site templates may not make a page point at the
        reader's disk, above the site or at the network (fetcher.bad_site_ref);
        the packaged theme is trusted. Refused with the template file and line."""
        if not self.overrides:
            return
        problems = Problems()
        for url, loads in dict.fromkeys(refs):
            why = bad_site_ref(url, page, loads)
            if why is not None:
                problems.error(self._ref_origin(url, template),
                               f"网页 {page} 中的引用 {url!r} 被拒绝：{why}。",
                               "网站模板只能引用网站内的文件（相对路径，如 assets/logo.svg）"
                               "和 http/https 网页链接。", code="site-ref")
        if problems:
            raise BookletError(problems)

    def _ref_origin(self, url: str, template: str) -> Loc:
        """The override (file:line) that holds `url`; else the page's template."""
        for path in self.overrides:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            at = text.find(url)
            if at >= 0 and self.custom is not None:     # overrides lie in self.custom
                return Loc(f"templates/{path.relative_to(self.custom).as_posix()}",
                           text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        return Loc(f"templates/{template}" if (self.custom and (self.custom / template).is_file())
                   else f"booklet/theme/{template}")

    # ----------------------------------------------------------------- pages

    def build(self) -> list[Path]:
        self.assets()
        self.home()
        for rubric in self.data.rubric_order:
            view = self.data.rubric_view_by_id.get(rubric.id)
            self.render("rubric", paths.rubric_page(rubric.id), rubric=rubric, view=view,
                        nav="rubrics", page_date=view.data_date if view else None)
        for uv in self.data.unit_views:
            self.unit(uv)
        self.about()
        csv_path = self._target(paths.SCORES_CSV)
        write_csv(self.data, csv_path)
        xlsx_path = self._target(paths.SCORES_XLSX)
        write_xlsx(self.data, xlsx_path, self.data.data_date)
        self.written += [csv_path, xlsx_path]
        self.downloads()
        return self.written

    def downloads(self) -> None:
        """The downloads page, each file with its size (files not written yet,
        such as PDFs before the PDF stage ran, are listed without one)."""
        def size(rel) -> str:
            try:
                return file_size(os.path.getsize(self._target(PurePosixPath(rel))))
            except OSError:
                return ""
        self.render("downloads", paths.DOWNLOADS, nav="downloads",
                    view_by_id=self.data.rubric_view_by_id, forms=FORMS,
                    rubrics=self.data.rubric_order, size=size)

    def assets(self) -> None:
        loader = self.env.loader
        for name in ASSET_FILES:
            source, _, _ = loader.get_source(self.env, f"site/{name}")  # type: ignore[union-attr]
            if name.endswith(".css"):
                self.check_refs([(u, True) for u in css_refs(source)], str(ASSETS / name),
                                f"site/{name}")
            self.write(ASSETS / name, source)

    def home(self) -> None:
        blocks = []
        for view in self.data.rubric_views:
            labels = [pv.short for pv in view.trend]
            avg = charts.Series("全镇平均", [pv.average for pv in view.trend])
            trend = charts.line_svg(
                labels, [avg], uid=f"trend-{view.id}",
                title=f"{view.rubric.title}：全镇各期平均{view.value_word}",
                desc=charts.series_desc(labels, [avg]), min_span=_min_span(view))
            dists = {}
            for pv in view.periods:
                dists[pv.id] = charts.distribution_svg(
                    [row.value for row in pv.rows], uid=f"dist-{view.id}-{pv.id}",
                    title=f"{pv.label}{view.value_word}分布", value_word=view.value_word,
                    scale=view.rubric.scale)
            blocks.append({"view": view, "trend": trend, "dists": dists})
        self.render("index", paths.INDEX, nav="home", blocks=blocks,
                    units=self.data.unit_views)

    def unit(self, uv: UnitView) -> None:
        cards = []
        for ur in uv.rubrics:
            view = ur.view
            mine = {pv.id: row for pv, row in ur.results}
            labels = [pv.short for pv in view.trend]
            series = [charts.Series("本单位", [mine[pv.id].value if pv.id in mine else None
                                             for pv in view.trend], "s1"),
                      charts.Series("全镇平均", [pv.average for pv in view.trend], "s2", False)]
            spark = charts.line_svg(
                labels, series, uid=f"u-{view.id}", small=True,
                title=f"{uv.name}：{view.rubric.title}各期{view.value_word}",
                desc=charts.series_desc(labels, series), min_span=_min_span(view))
            periods = []
            for pv, row in reversed(ur.results):
                periods.append({
                    "pv": pv, "row": row, "r": row.result,
                    "scores": {it.item_id: it for it in row.result.items},
                    "notes": self.data.notes_for(row.result),
                    "sheet": paths.sheet_pdf(view.id, pv.id, uv.id) if self.ctx.pdf else None,
                    "year": _year_sum(view, pv, row, ur.results),
                })
            cards.append({"view": view, "spark": spark, "periods": periods,
                          "earned": any(it.basis == "earned" for it in view.rubric.items)})
        dates = [row.result.date for ur in uv.rubrics for _, row in ur.results
                 if row.result.date is not None]
        self.render("unit", paths.unit_page(uv.id), nav="units", uv=uv, cards=cards,
                    extra_items=_extra_items, page_date=max(dates) if dates else None)

    def about(self) -> None:
        project = self.ctx.project
        inspections = sum(1 for r in project.records if r.kind == "inspection")
        self.render("about", paths.ABOUT, nav="about",
                    kinds=[(k, rulewords.KIND_NAMES[k], rulewords.KIND_EXPLAIN[k])
                           for k in rulewords.KIND_NAMES],
                    steps=rulewords.SCORING_STEPS,
                    rubrics=self.data.rubric_order,
                    n_records=len(project.records), n_inspections=inspections,
                    n_units=len(project.config.units), n_results=len(self.ctx.results))


def _fast_attributes(env) -> None:
    """Remember, per (type, attribute name), that the sandbox allowed an
    attribute, so the 5,000 unit pages do not ask again for every lookup.
    The sandbox's verdict depends on the type and the name only
    (SandboxedEnvironment.is_safe_attribute); a subclass that decides
    otherwise keeps the full check."""
    if type(env).is_safe_attribute is not SandboxedEnvironment.is_safe_attribute:
        return
    full = env.getattr
    allowed: set[tuple[type, str]] = set()

    def getattr_(obj, attribute):
        key = (type(obj), attribute)
        if key in allowed:
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        value = full(obj, attribute)
        if isinstance(attribute, str) and env.is_safe_attribute(obj, attribute, None):
            try:
                getattr(obj, attribute)         # a real attribute, not a key of a dict
            except Exception:  # noqa: BLE001 - not one: keep the full check
                pass
            else:
                allowed.add(key)
        return value

    env.getattr = getattr_


def _min_span(view) -> float:
    """Smallest y-axis span of a trend chart: a tenth of the rubric's scale."""
    scale = view.rubric.scale
    return float(scale) / 10 if scale else 0.0


def _year_sum(view, pv, row, results) -> Optional[dict]:
    """What a year card adds up: the unit's assessment periods of that year
    and their totals (shown as "全年4次考核共计…"); None for other periods.
    `matches`: the year's total worked from the parts the way the calendar
    says (average to 0.01, sum, last) is the total shown, so the sum can be
    printed as the working."""
    period = pv.period
    if period.kind != YEAR:
        return None
    want = kind_for_calendar(view.rubric.calendar.assessment)
    parts = [(p, r) for p, r in results
             if p.period.year == period.year and p.period.kind == want]
    if not parts:
        return None
    how = view.rubric.calendar.year_end
    total = sum((r.value for _, r in parts), Decimal(0))
    if how == "sum":
        worked = total
    elif how == "last":
        worked = parts[-1][1].value
    else:
        worked = (total / len(parts)).quantize(Decimal("0.01"))
    return {"parts": [(p.period.part_label, r.value) for p, r in parts], "n": len(parts),
            "total": total, "how": how, "matches": worked == row.value}


def _extra_items(rubric, scores: dict[str, ItemScore]) -> list[ItemScore]:
    """Item scores whose item the rubric no longer lists (shown, not dropped)."""
    known = {it.id for it in rubric.items}
    return [s for iid, s in scores.items() if iid not in known]


def file_size(n: int) -> str:
    """A download's size as a reader sees it: 812 字节, 45.3 KB, 2.1 MB."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def build_site(ctx: BuildContext) -> list[Path]:
    """Write the whole site into ctx.site_dir; return every file written."""
    return _Site(ctx).build()


def write_downloads(ctx: BuildContext) -> list[Path]:
    """Rewrite the downloads page once every file is in place (run after the
    PDF stage, so each PDF is listed with its size)."""
    site = _Site(ctx)
    site.downloads()
    return site.written

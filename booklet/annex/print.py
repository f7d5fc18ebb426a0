"""Printing the annex forms of seed 001: 附件2 花名册, 附件3 执勤排班表, 附件4 用款审批表.

- Blank forms, exactly as in the seed (titles, header cells, □队长、□组长、□队员
  on every roster row, empty rows down to the foot of the page), optionally
  pre-filled with a unit's name and its team names. They carry no personal
  data and are published: site/pdf/forms/<form>[-<unit>].pdf.
      build_blank_forms(ctx) -> list[Path]          (called by `booklet build`)
      write_blank_forms(root, config, out_dir, unit=None, …) -> list[Path]
- Filled forms for the unit's ledger book (internal only): one roster per
  team, one schedule per filing, one approval form per request with the
  amounts in figures and in capitals (人民币陆仟零柒元壹角肆分).
      ledger_annex_html(ctx, unit, rubric) -> str | None
      write_filled_forms(root, config, annex, unit, target) -> Path

Layout (GB/T 9704 text area 156 × 225 mm): each form starts a new page;
"附件2" in 三号黑体 flush left on the first line, the second line empty, the
title (二号, bold serif) centred on the third line. Row counts that fill a page
are computed here from the same sizes forms.css uses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable, Optional

from markupsafe import Markup, escape

from .. import paths
from ..model import Config, Rubric, Unit
from ..render.env import THEME_DIR, make_env
from ..render.layout import PAD_MM, TEXT_AREA_MM
from ..textfmt import fmt_date, rmb_upper
from .derive import annex_rules, period_words
from .forms import FORM_SPECS, FORMS
from .model import ROLES, Filing, FundRequest, Team, UnitAnnex

if TYPE_CHECKING:
    from ..buildctx import BuildContext

# ---------------------------------------------------------------- geometry (mm)
TEXT_W, TEXT_H = (float(v) for v in TEXT_AREA_MM["portrait"])   # 156 × 225, as the sheets
LINE_MM = 10.2                    # one line of 三号 body text (22 lines per page)
TITLE_EM_MM = 22 * 0.3528         # 二号
SUB_MM = 8.0                      # the line under a filled schedule's title
TABLE_GAP = 2.0
SAFETY = 3.0
ROW_MM = 10.0                     # a body row of the roster and the schedule
HEAD_ROW_MM = 11.0
BODY_EM_MM = 10.5 * 0.3528        # 五号
BODY_LINE_MM = BODY_EM_MM * 1.2
CELL_PAD_MM = float(PAD_MM)

ROSTER_WIDTHS = (20, 12, 27, 42, 55)
DUTY_WIDTHS = (28, 24, 44, 28, 32)
EMPTY_ROLES = "□队长、□组长、□队员"
CHECKED, UNCHECKED = "☑", "□"



def seed_header(text: str) -> str:
    """The seed's spaced header ("姓 名", "备  注") with ideographic spaces (U+3000)."""
    return text.replace(" ", "\u3000")


def roles_text(role: str) -> str:
    return "、".join((CHECKED if r == role else UNCHECKED) + r for r in ROLES)


# ---------------------------------------------------------------- measuring

def text_em(text: str) -> float:
    """Width of `text` in em: CJK one, ASCII about half."""
    return sum(0.55 if ord(c) < 0x2E80 else 1.0 for c in str(text or ""))


def lines_needed(text: str, col_mm: float, em_mm: float = BODY_EM_MM) -> int:
    inner = max(col_mm - CELL_PAD_MM, 1.0)
    return max(1, math.ceil(text_em(text) * em_mm / inner - 1e-9))


def row_height(cells: Iterable[str], widths: Iterable[float]) -> float:
    lines = max((lines_needed(t, w) for t, w in zip(cells, widths)), default=1)
    return max(ROW_MM, lines * BODY_LINE_MM + 1.2)


def title_lines(title_em: float) -> int:
    return max(1, math.ceil(title_em * TITLE_EM_MM / TEXT_W - 1e-9))


def pad_rows(heights: list[float], first_mm: float, next_mm: float) -> int:
    """Empty rows that fill the last page after rows of `heights`."""
    room, avail = first_mm, first_mm
    for h in heights:
        if h > room and room < avail:      # the row moves to the next page
            room = avail = next_mm
        room -= h
    return max(0, int((room + 1e-6) // ROW_MM))


# ---------------------------------------------------------------- titles

def _blank(wide: bool = False) -> Markup:
    return Markup('<span class="bk-blank%s"></span>' % (" bk-wide" if wide else ""))


def form_title(form: str, unit_name: Optional[str]) -> tuple[Markup, float]:
    """The form's title and its width in em. Blank forms keep the seed's blanks:
    "＿＿社区群防群治队伍花名册", "＿＿社区＿＿群防群治队伍执勤排班表"."""
    rest = FORM_SPECS[form].title_rest
    if form == "funds":
        return Markup(escape(rest)), text_em(rest)
    if unit_name:
        text = unit_name + rest
        return Markup(escape(text)), text_em(text)
    if form == "duty":
        return (_blank() + "社区" + _blank(True) + escape(rest)), 3 + 2 + 3.3 + text_em(rest)
    return (_blank() + "社区" + escape(rest)), 3 + 2 + text_em(rest)


# ---------------------------------------------------------------- page views

@dataclass
class Page:
    form: str
    number: str
    title: Markup
    title_em: float
    headers: tuple = ()
    widths: tuple = ()
    rows: list = field(default_factory=list)
    pad: int = 0
    # roster
    team_name: str = ""
    team_size: str = ""
    empty_roles: str = EMPTY_ROLES
    # duty
    sub: str = ""
    # funds
    department: str = ""
    applicant: str = ""
    purpose: str = ""
    requested: str = ""
    requested_words: str = ""
    approved: str = ""
    approved_words: str = ""
    approver: str = ""
    remarks: str = ""
    date: str = ""
    # missing
    note: str = ""
    bookmark: str = ""             # PDF outline entry in the ledger

    @property
    def head_mm(self) -> float:
        return 2 * LINE_MM + title_lines(self.title_em) * LINE_MM


def _fill(page: Page, thead_mm: float, row_cells: list[tuple]) -> Page:
    heights = [row_height(cells, page.widths) for cells in row_cells]
    first = TEXT_H - page.head_mm - (SUB_MM if page.sub else 0) - TABLE_GAP - thead_mm - SAFETY
    nxt = TEXT_H - TABLE_GAP - thead_mm - SAFETY
    page.pad = pad_rows(heights, first, nxt)
    return page


def roster_page(unit_name: Optional[str] = None, team: Optional[Team] = None,
                team_name: str = "") -> Page:
    title, em = form_title("roster", unit_name)
    p = Page("roster", FORM_SPECS["roster"].number, title, em,
             headers=tuple(seed_header(h) for h in FORM_SPECS["roster"].print_headers), widths=ROSTER_WIDTHS,
             team_name=team.name if team else team_name,
             team_size=str(team.size) if team else "")
    cells = []
    if team is not None:
        for m in team.members:
            row = dict(name=m.name, age="" if m.age is None else str(m.age), phone=m.phone,
                       roles=roles_text(m.role), address=m.address)
            p.rows.append(row)
            cells.append((m.name, row["age"], m.phone, EMPTY_ROLES, m.address))
    return _fill(p, 2 * HEAD_ROW_MM, cells)


def duty_page(unit_name: Optional[str] = None, filing: Optional[Filing] = None) -> Page:
    title, em = form_title("duty", unit_name)
    p = Page("duty", FORM_SPECS["duty"].number, title, em,
             headers=tuple(seed_header(h) for h in FORM_SPECS["duty"].print_headers), widths=DUTY_WIDTHS)
    cells = []
    if filing is not None:
        parts = [f"报备期：{period_words(filing.period)}",
                 "报备日期：" + (fmt_date(filing.filed) if filing.filed else "未报备")]
        if filing.station:
            parts.append(f"报备派出所：{filing.station}")
        p.sub = "　".join(parts)
        for r in filing.rows:
            row = dict(date=fmt_date(r.date), time=r.time, members="、".join(r.members),
                       phone=r.phone, area=r.area)
            p.rows.append(row)
            cells.append(tuple(row.values()))
    return _fill(p, HEAD_ROW_MM, cells)


def money(d: Optional[Decimal]) -> str:
    """6007.14 → ¥6,007.14"""
    if d is None:
        return ""
    return "¥{:,.2f}".format(d)


def funds_page(unit_name: Optional[str] = None, req: Optional[FundRequest] = None) -> Page:
    title, em = form_title("funds", None)
    p = Page("funds", FORM_SPECS["funds"].number, title, em)
    if req is None:
        p.department = unit_name or ""
        return p
    p.department, p.applicant, p.purpose = req.department, req.applicant, req.purpose
    p.requested, p.requested_words = money(req.requested), rmb_upper(req.requested)
    if req.approved is not None:
        p.approved = money(req.approved)
        p.approved_words = rmb_upper(req.approved) + ("（不予批准）" if req.approved == 0 else "")
    p.approver, p.remarks, p.date = req.approver, req.remarks, fmt_date(req.date)
    return p


def missing_page(form: str, unit_name: Optional[str], unit_id: str,
                 year: Optional[int] = None) -> Page:
    title, em = form_title(form, unit_name)
    spec = FORM_SPECS[form]
    # 用款审批记录: the approvals, not the (blank) form, are what is missing
    what = "用款审批记录" if form == "funds" else spec.name
    return Page("missing:" + form, spec.number, title, em,
                # no file path on a printed page: the clerk reads the form, not the project
                note=f"（本单位未录入{what}。）")


# ---------------------------------------------------------------- page lists

def blank_pages(form: str, unit: Optional[Unit] = None,
                annex: Optional[UnitAnnex] = None) -> list[Page]:
    """The blank form; with a unit, pre-filled with its name (and, for the
    roster, one page per team with the team's name, then a page with none)."""
    name = unit.name if unit else None
    if form == "roster":
        pages = []
        if annex is not None and annex.roster is not None:
            pages = [roster_page(name, team_name=t.name) for t in annex.roster.teams]
        return pages + [roster_page(name)]
    if form == "duty":
        return [duty_page(name)]
    return [funds_page(name)]


def filled_pages(unit: Unit, annex: Optional[UnitAnnex],
                 forms: Iterable[str] = FORMS, year: Optional[int] = None) -> list[Page]:
    """附件2/3/4 filled with the unit's data; a note page where a form has no
    data, naming the file of `year` it would be read from."""
    pages: list[Page] = []
    for form in forms:
        obj = annex.get(form) if annex else None
        if form == "roster" and obj is not None and obj.teams:
            for t in obj.teams:
                pages.append(roster_page(unit.name, team=t))
                pages[-1].bookmark = f"附件2 花名册：{t.name}"
        elif form == "duty" and obj is not None and obj.filings:
            for f in obj.filings:
                pages.append(duty_page(unit.name, f))
                pages[-1].bookmark = f"附件3 执勤排班表：{period_words(f.period)}"
        elif form == "funds" and obj is not None and obj.requests:
            for r in sorted(obj.requests, key=lambda q: q.date):
                pages.append(funds_page(unit.name, r))
                pages[-1].bookmark = f"附件4 用款审批表：{fmt_date(r.date)}"
        else:
            pages.append(missing_page(form, unit.name, unit.id, year))
            pages[-1].bookmark = f"{FORM_SPECS[form].full_title}（无数据）"
    return pages


# ---------------------------------------------------------------- HTML

@lru_cache(maxsize=8)
def _env(root: Optional[str]):
    return make_env(root)


def _css(env, name: str) -> Markup:
    source, _, _ = env.loader.get_source(env, name)
    return Markup(source)


def forms_css(root: Optional[str | Path] = None) -> Markup:
    """The form styles (scoped to .bk-form), for a template's <head>."""
    return _css(_env(str(root) if root else None), "forms/forms.css")


def document_html(pages: list[Page], *, title: str, author: str = "",
                  description: str = "", root: Optional[str | Path] = None) -> str:
    env = _env(str(root) if root else None)
    return env.get_template("forms/document.html").render(
        pages=pages, doc=dict(title=title, author=author, description=description),
        page_css=_css(env, "forms/page.css"), forms_css=_css(env, "forms/forms.css"))


def ledger_annex_html(ctx: BuildContext, unit: Unit | str, rubric: Rubric | str) -> Optional[str]:
    """附件2/3/4 of `unit` for its ledger book under `rubric`, as an HTML
    fragment (with its own scoped <style>), or None when the rubric takes no
    annexes (only seed 001's does) or the unit has no annex data.

    Internal only: the fragment carries names, ages, phone numbers, addresses.
    """
    project = ctx.project
    rb = project.rubrics.get(rubric) if isinstance(rubric, str) else rubric
    if rb is None or annex_rules(rb) is None:
        return None
    if isinstance(unit, str):
        unit = project.config.unit(unit) or Unit(id=unit, name=unit, kind="")
    annex = (project.annex or {}).get(unit.id)
    if annex is None or annex.empty:
        return None
    env = _env(str(project.root))
    html = env.get_template("forms/ledger_annex.html").render(
        pages=filled_pages(unit, annex, year=project.config.year or None),
        forms_css=_css(env, "forms/forms.css"))
    return Markup(html)


# ---------------------------------------------------------------- PDF

def write_pdf(html: str, target: Path, *, root: Optional[Path] = None,
              variant: Optional[str] = None) -> Path:
    """Render `html` to `target` with the project's safe URL fetcher (the forms
    are a few pages each: no worker pool or cache as for the booklets). No
    dcterms dates in the document: identical input gives identical bytes."""
    from ..render.fonts import check_fonts
    check_fonts()
    target.parent.mkdir(parents=True, exist_ok=True)
    from weasyprint import HTML
    from ..render.fetcher import SafeFetcher, unwrap_fetch_error
    roots = [THEME_DIR] + ([Path(root)] if root else [])
    fetcher = SafeFetcher(roots)
    try:
        HTML(string=html, base_url=str(THEME_DIR) + "/", url_fetcher=fetcher).write_pdf(
            str(target), **({"pdf_variant": variant} if variant else {}))
    except Exception as e:  # a refused URL surfaces as our BookletError
        raise unwrap_fetch_error(e) from None
    return target


def write_blank_forms(root: Path | str, config: Config, out_dir: Path, *,
                      unit: Optional[Unit] = None, annex: Optional[UnitAnnex] = None,
                      pdf: bool = True, variant: Optional[str] = None,
                      forms: Iterable[str] = FORMS, html_dir: Optional[Path] = None) -> list[Path]:
    """Write the blank forms under `out_dir` at paths.blank_form_pdf(form, unit id),
    with their print HTML beside them, or under `html_dir` when given (a build
    publishes the PDFs only: their HTML stays in the internal output)."""
    written: list[Path] = []
    for form in forms:
        rel = paths.blank_form_pdf(form, unit.id if unit else None)
        target = Path(out_dir) / rel
        title = FORM_SPECS[form].full_title + (f"（{unit.name}）" if unit else "")
        html = document_html(blank_pages(form, unit, annex), title=title,
                             author=config.office, description="空白表格（booklet 生成）", root=root)
        html_path = Path(html_dir if html_dir is not None else out_dir) / paths.html_beside(rel)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(html, encoding="utf-8")
        written.append(html_path)
        if pdf:
            written.append(write_pdf(html, target, root=Path(root), variant=variant))
    return written


def build_blank_forms(ctx: BuildContext) -> list[Path]:
    """`booklet build`: the three blank forms into the site (no personal data);
    their print HTML goes to the internal output, as for every published PDF."""
    project = ctx.project
    return write_blank_forms(project.root, project.config, ctx.site_dir,
                             pdf=ctx.pdf, variant=ctx.pdf_variant,
                             html_dir=Path(ctx.internal_dir) / paths.PRINT_HTML)


def write_filled_forms(root: Path | str, config: Config, annex: Optional[UnitAnnex],
                       unit: Unit, target: Path, *, variant: Optional[str] = None) -> Path:
    """All of a unit's filled forms in one PDF (internal: personal data)."""
    html = document_html(filled_pages(unit, annex, year=config.year or None),
                         title=f"{unit.name} 群防群治附件（附件2—4）", author=config.office,
                         description="内部资料，含个人信息，不得公开", root=root)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_suffix(".html").write_text(html, encoding="utf-8")
    return write_pdf(html, target, root=Path(root), variant=variant)


def internal_forms_pdf(unit_id: str) -> PurePosixPath:
    """Where `booklet forms --filled` puts a unit's filled forms, relative to
    the internal output folder (never the site)."""
    return PurePosixPath("annex") / unit_id / "forms.pdf"

"""Annex data → XLSX, in the columns `booklet import` reads back.

    export_unit(annex, unit, out_dir) -> list[Path]

Files go to <internal>/annex/<unit-id>/<form>.xlsx (build/internal/annex/ by
default): they hold personal data and never go into the site.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Optional

from ..model import Unit
from .forms import FORM_SPECS, FORMS, YEAR
from .model import UnitAnnex

WIDTHS = {
    "roster": (18, 12, 12, 10, 6, 15, 8, 36),
    "duty": (12, 12, 14, 12, 13, 28, 15, 28),
    "funds": (12, 16, 10, 40, 12, 12, 14, 24),
}
FORMULA_START = "=+-@"                   # what a spreadsheet may take for a formula
NO_DATE = datetime(2000, 1, 1)           # a file with no date in it and no year


def fixed_zip(data: bytes, when: datetime, props) -> bytes:
    """The same XLSX (a zip) with every entry dated `when` (zipfile stamps the
    clock otherwise) and docProps/core.xml created and modified `when`
    (openpyxl's save sets now): same data → same bytes, on any day."""
    from openpyxl.xml.functions import tostring
    props.created = props.modified = when
    core = tostring(props.to_tree())
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            z = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = info.external_attr
            dst.writestr(z, core if info.filename == "docProps/core.xml" else src.read(info.filename))
    return out.getvalue()


def data_date(form: str, obj: Any, year: Optional[int]) -> datetime:
    """A workbook's own date, from its data: the latest date in it (报备日期,
    巡逻日期, 申请日期, 成立日期), else 1 January of its year."""
    if form == "roster":
        dates = [t.founded for t in obj.teams if t.founded]
    elif form == "duty":
        dates = [d for f in obj.filings for d in (f.filed, *(r.date for r in f.rows)) if d]
    else:
        dates = [q.date for q in obj.requests]
    if dates:
        d = max(dates)
    elif year is not None:
        d = date(year, 1, 1)
    else:
        return NO_DATE
    return datetime(d.year, d.month, d.day)


def export_path(unit_id: str, form: str) -> PurePosixPath:
    """Relative to the internal output folder."""
    return PurePosixPath("annex") / unit_id / f"{form}.xlsx"


def _rows(form: str, annex: UnitAnnex) -> list[list]:
    obj = annex.get(form)
    return FORM_SPECS[form].rows(obj) if obj else []


def _headers(form: str, annex: UnitAnnex, project_year: Optional[int]) -> tuple[list, Optional[int]]:
    """The header row, with a leading 年度 column when the file's year is not
    the project's (a YAML `year:` that must survive export → import)."""
    obj = annex.get(form)
    year = getattr(obj, "year", None)
    headers = list(FORM_SPECS[form].headers)
    if project_year is not None and year is not None and year != project_year:
        return [YEAR[0]] + headers, year
    return headers, None


def put_text(c, v: str) -> None:
    """A text cell that stays text: never a formula (=HYPERLINK(…) stays a name)."""
    c.value = v                            # as given, then forced to text:
    c.data_type = "s"                      # openpyxl makes "=…" a formula otherwise
    if v[:1] in FORMULA_START:
        c.quotePrefix = True               # Excel keeps it text when the cell is edited


def write_xlsx(form: str, annex: UnitAnnex, target: Path, unit: Optional[Unit] = None,
               project_year: Optional[int] = None) -> Path:
    """One form as a workbook. Every text cell is stored as text (never as a
    formula: a name like =HYPERLINK(…) stays a name), numbers and dates as
    numbers and dates. Same data → same bytes (the workbook's dates are the
    data's, see `data_date`)."""
    from decimal import Decimal
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    spec = FORM_SPECS[form]
    ws.title = spec.name
    headers, year = _headers(form, annex, project_year)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    text_cols = {i for i, h in enumerate(headers) if h in ("联系电话", "报备期", "巡逻时段")}
    for row in _rows(form, annex):
        if year is not None:
            row = [year] + row
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
        r = ws.max_row
        for i, v in enumerate(row):
            c = ws.cell(row=r, column=i + 1)
            if isinstance(v, str):
                put_text(c, v)
            if i in text_cols:
                c.number_format = "@"
            elif isinstance(v, Decimal):
                c.number_format = "#,##0.00"
            elif isinstance(v, date):
                c.number_format = "yyyy-mm-dd"
    widths = ((6,) if year is not None else ()) + WIDTHS[form]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A2"
    title = spec.full_title
    wb.properties.title = title + (f"（{unit.name}）" if unit else "")
    wb.properties.subject = "内部资料，含个人信息，不得公开"
    wb.properties.creator = "booklet"
    wb.properties.lastModifiedBy = "booklet"
    obj = annex.get(form)
    when = data_date(form, obj, getattr(obj, "year", None) or project_year)
    buf = io.BytesIO()
    wb.save(buf)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(fixed_zip(buf.getvalue(), when, wb.properties))
    return target


def export_unit(annex: UnitAnnex, out_dir: Path, unit: Optional[Unit] = None,
                project_year: Optional[int] = None) -> list[Path]:
    """One XLSX per annex file the unit has, under out_dir/annex/<unit>/.
    `project_year` (booklet.yml `year`): a file of another year gets a 年度 column."""
    written = []
    for form in FORMS:
        if annex.get(form) is None:
            continue
        written.append(write_xlsx(form, annex, Path(out_dir) / export_path(annex.unit, form), unit,
                                  project_year))
    return written

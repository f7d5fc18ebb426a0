"""Where every output goes, in one place, so the site links what the PDF
builder writes.

All paths are relative to an output root (site/ or the internal directory).
Unit, rubric and period ids are validated by the loader ([a-z0-9-], periods
like 2017-Q1), so none of these can escape the output root.
"""
from __future__ import annotations

from pathlib import PurePosixPath as P

# ---- published (site/)
INDEX = P("index.html")
DOWNLOADS = P("downloads.html")
ABOUT = P("about.html")


def unit_page(unit_id: str) -> P:
    return P("units") / f"{unit_id}.html"


def rubric_page(rubric_id: str) -> P:
    return P("rubrics") / f"{rubric_id}.html"


def summary_pdf(rubric_id: str, period: str) -> P:
    """Town summary book: ranking and every unit's sheet for one period."""
    return P("pdf") / "summary" / f"{rubric_id}-{period}.pdf"


def blank_pdf(rubric_id: str) -> P:
    """Blank score sheet for filling in by hand."""
    return P("pdf") / "blank" / f"{rubric_id}.pdf"


def sheet_pdf(rubric_id: str, period: str, unit_id: str) -> P:
    """One unit's filled score sheet for one period (public: no annexes)."""
    return P("pdf") / "sheets" / rubric_id / period / f"{unit_id}.pdf"


def blank_form_pdf(form: str, unit_id: str | None = None) -> P:
    """Blank annex form (roster, duty, funds), optionally pre-filled with a unit."""
    name = f"{form}-{unit_id}" if unit_id else form
    return P("pdf") / "forms" / f"{name}.pdf"


SCORES_CSV = P("data") / "scores.csv"
SCORES_XLSX = P("data") / "scores.xlsx"

# ---- internal (never published: carries personal data)


def ledger_pdf(rubric_id: str, unit_id: str) -> P:
    """Annual ledger book (台账) of one unit under one rubric, with annexes."""
    return P("ledger") / rubric_id / f"{unit_id}.pdf"


# The print HTML of the published PDFs is kept internal, under this folder of
# the internal output (print-html/pdf/sheets/…/x.html): it is linked from
# nowhere, so publishing it would only add files that nobody checks.
PRINT_HTML = P("print-html")


def html_beside(pdf: P) -> P:
    """A booklet's print HTML, relative to its HTML root (the internal output:
    beside a ledger's PDF; under PRINT_HTML for a published PDF)."""
    return pdf.with_suffix(".html")

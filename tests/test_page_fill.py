"""Pages that a clerk would not bind as they are (issue 15, "type that holds
together"): a page carrying only one to three lines of a table or of notes,
and a first page left mostly empty because a long row was pushed to the next.

The example's blank sheets of all five rubrics and, for each rubric, the unit
sheet with the most notes, plus seed 003's zjj-01 (tests/example_pdfs.py),
read back with pdftotext (tests/pdfpages.py).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from booklet import paths
from example_pdfs import SEED_003
from pdfpages import sparse_pages
from test_render_pdf import text

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"),
                                reason="poppler-utils is needed to read PDFs back")


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def built(example_sheets):
    return example_sheets.ctx, example_sheets.pdfs, example_sheets.wanted


def test_the_documents_are_the_ones_meant(built):
    ctx, pdfs, wanted = built
    assert len(ctx.project.rubrics) == 5
    assert len(pdfs) == 5 + len(wanted) and len(wanted) >= 6, pdfs


def test_no_page_carries_only_a_stray_line_or_two(built):
    """A page whose body (without its page number and the repeated table
    header) is one to three lines: the end of a table, a note or a signature
    line that should have stayed with what came before."""
    ctx, pdfs, _ = built
    defects = [f"{p.relative_to(ctx.site_dir)}: {s}" for p in pdfs for s in sparse_pages(p)]
    assert not defects, "\n".join(defects)


def _row_texts(ctx, section_number: str = "1") -> list[str]:
    """The printed rows of seed 003's （一）履职情况, in the rubric's words."""
    rubric = ctx.project.rubrics[SEED_003]
    return [r["standard"] for r in rubric.print["rows"][section_number]]


def test_003_long_row_breaks_so_the_first_page_is_filled(built):
    """（一）2 (the 12345 rule, two thirds of a page high) used to go whole to
    page 2, leaving page 1 with the title and row 1. It now begins on page 1
    and ends on page 2; the section label, its 25分 and the score are printed
    again where the section goes on (a merged cell does not repeat by itself),
    and the row's words read back whole."""
    ctx, pdfs, _ = built
    for pdf in (ctx.site_dir / paths.blank_pdf(SEED_003),
                ctx.site_dir / paths.sheet_pdf(SEED_003, "2017", "zjj-01")):
        assert pdf in pdfs
        row2 = squash(_row_texts(ctx)[1])
        page1, page2 = squash(text(pdf, 1)), squash(text(pdf, 2))
        assert row2[:12] in page1, pdf.name              # 贯彻落实综治领导责任制…
        assert row2[-12:] in page2, pdf.name             # …不完善扣1分。
        # nothing lost at the break: the row is its part on page 1 and the rest on page 2
        assert any(row2[:k] in page1 and row2[k:] in page2 for k in range(12, len(row2))), pdf.name
        assert "（一）履职情况" in page1 and "（一）履职情况" in page2, pdf.name
        assert page2.index("（一）履职情况") < page2.index(squash(_row_texts(ctx)[2])[:12])
        assert "25分" in page2


# ---------------------------------------------------------------- the checker itself

def _pdf(tmp_path: Path, rows: int, name: str) -> Path:
    from weasyprint import HTML
    body = "".join(f"<tr><td>第{i}行</td><td>考核内容</td></tr>" for i in range(rows))
    html = ('<html lang="zh-CN"><style>@page { size: A5; @bottom-center { content: "— " '
            'counter(page) " —"; } } body { font-family: "Noto Serif CJK SC"; }'
            ' tr { break-inside: avoid; }</style><body><table><thead><tr><th>序号</th>'
            f'<th>内容</th></tr></thead><tbody>{body}</tbody></table></body></html>')
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(HTML(string=html).write_pdf())
    return pdf


def test_checker_finds_two_rows_alone_on_a_page(tmp_path):
    from pdfpages import page_lines

    def rows_on(pdf: Path) -> list[int]:
        return [sum(ln.startswith("第") for ln in p) for p in page_lines(pdf)]
    per_page = rows_on(_pdf(tmp_path, 60, "long"))[0]      # rows that fill page 1
    assert per_page > 10
    assert not sparse_pages(_pdf(tmp_path, per_page, "full"))
    assert not sparse_pages(_pdf(tmp_path, per_page + 4, "four"))
    found = sparse_pages(_pdf(tmp_path, per_page + 2, "stray"))
    # the repeated header and the page number do not count: the two rows do
    assert [(f.page, f.lines) for f in found] == [
        (2, (f"第{per_page}行 考核内容", f"第{per_page + 1}行 考核内容"))], found

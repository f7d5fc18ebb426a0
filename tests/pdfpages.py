"""Pages of a printed PDF read back as a clerk reads them (pdftotext -layout).

`sparse_pages(pdf)` finds the pages that carry only a stray line or two of a
table or of notes: a page whose text body, without its page number line
("— 3 —") and without the table header repeated at its top, is one to three
lines long. Blank pages (no text at all: the verso before a part of a bound
book) are not counted. Reusable by any test of a printed document:

    from pdfpages import sparse_pages
    assert not sparse_pages(pdf), sparse_pages(pdf)
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
MAX_STRAY_LINES = 3


@dataclass(frozen=True)
class SparsePage:
    page: int                      # 1-based
    lines: tuple[str, ...]         # its text body

    def __str__(self) -> str:
        return f"第{self.page}页只有{len(self.lines)}行：{' / '.join(self.lines)}"


def page_lines(pdf: Path) -> list[list[str]]:
    """The non-empty text lines of every page (whitespace runs squashed)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return [[re.sub(r"\s+", " ", ln).strip() for ln in p.splitlines() if ln.strip()]
            for p in pages]


def body_lines(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines without its page number and without a table header
    repeated at its top: the longest run of leading lines that all appeared,
    as lines, on the pages before."""
    seen: set[str] = set()
    out = []
    for lines in pages:
        lines = [ln for ln in lines if not PAGE_NUMBER.match(ln)]
        start = 0
        while start < len(lines) and lines[start] in seen:
            start += 1
        out.append(lines[start:])
        seen.update(lines)
    return out


def sparse_pages(pdf: Path, max_lines: int = MAX_STRAY_LINES) -> list[SparsePage]:
    """Pages of `pdf` whose body is 1 to `max_lines` lines."""
    return [SparsePage(i + 1, tuple(b))
            for i, b in enumerate(body_lines(page_lines(pdf))) if 0 < len(b) <= max_lines]

"""Books laid out in parts, the front matter (cover and contents) last.

A book (a unit's ledger, a town summary) is planned as a `Book`: its front
matter and its body parts, each a small dict the template is given as `part`
(ledger.html, summary.html print only that part). The renderer (pdf.py)

1. lays out the front matter once with placeholder page numbers ("00") to
   learn how many pages it takes, F;
2. lays out the body parts in order, the first on page F + 1, each told its
   first page (so page numbers run on and the duplex sides alternate) and the
   pages of the anchors in the parts before it (a ledger's 见第N页 into an
   earlier part);
3. lays out the front matter with the page of every anchor the body has
   (`pages`, anchor id -> page number): its contents print those numbers
   where a book laid out as one document has target-counter();
4. when that front matter is not F pages long, goes back to 2 with the new F.

Each step is a function of the book's data alone, and each part is cached by
its own HTML (which holds its first page and the numbers it prints), so a
book joined from cached parts is the book a clean build lays out.

A summary's unit entries are laid out in groups of `group` units; a group
is cut where a unit entry begins at the top of a page (the last such page
of its layout), the pages before the cut kept and the rest laid out again as
the start of the next group. Entries do not break inside (print.css), so
what precedes a page that a unit entry begins is laid out the same whatever
follows: the pages are those of the book laid out as one document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

PLACEHOLDER = "00"


@dataclass
class Book:
    front: dict                          # part spec of the cover and contents
    body: list[dict]                     # part specs after it, in order
    units: list[str] = field(default_factory=list)   # anchors of unit entries (summary)
    group: int = 4                       # unit entries a group is laid out with

    def units_part(self, lo: int) -> dict:
        return {"name": "units", "lo": lo, "hi": min(len(self.units), lo + self.group)}


def page_tops(document) -> list[list[str]]:
    """Per page: the anchors that begin at the top of its content area."""
    out = []
    for page in document.pages:
        box = page._page_box
        top = box.content_box_y()
        out.append([name for name, pos in page.anchors.items() if abs(pos[1] - top) < 0.5])
    return out


def cut_units(book: Book, spec: dict, tops: list[list[str]]) -> Optional[tuple[int, int]]:
    """(pages to keep, index of the unit the next group starts with) of a
    laid-out group of unit entries, or None when every page is kept (the last
    group, or no entry of it after the first begins a page)."""
    if spec.get("name") != "units" or spec["hi"] >= len(book.units):
        return None
    index = {a: i for i, a in enumerate(book.units)}
    for p in range(len(tops) - 1, 0, -1):
        starts = [index[a] for a in tops[p] if a in index and index[a] > spec["lo"]]
        if starts:
            return p, min(starts)
    return None


def anchor_pages(marks: list, first: int) -> dict[str, int]:
    """anchor id -> page number, of pages numbered from `first`."""
    out: dict[str, int] = {}
    for n, m in enumerate(marks):
        for a in m.anchors:
            out.setdefault(a, first + n)
    return out

"""Page geometry and size estimates of the printed sheets (no layout engine:
figures that must agree with print.css and forms.css).

The annex forms (booklet/annex/print.py) share the text area and cell padding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..model import Rubric
from .columns import display_columns

# text area of A4 with GB/T 9704 margins, in mm (width, height)
TEXT_AREA_MM = {"portrait": (Decimal(156), Decimal(225)), "landscape": (Decimal(225), Decimal(156))}
TEXT_WIDTH = {k: w for k, (w, _) in TEXT_AREA_MM.items()}
STACK_MAX_WIDTH = Decimal(12)      # narrower section columns stack their label
DEFAULT_WIDTH = Decimal(14)
# a row estimated taller than this (a third of the text area: 225 / 156 mm high) may break inside
TALL_ROW_MM = {"portrait": Decimal(75), "landscape": Decimal(52)}
LINE_MM = Decimal("5.4")           # 五号 10.5pt × line-height 1.45
EM_MM = Decimal("3.7")             # one CJK character at 10.5pt
PAD_MM = Decimal("2.4")            # padding of a table cell, left + right


@dataclass
class PCol:
    key: str
    header: str
    width: Decimal                 # mm after fitting to the text area
    pct: str                       # width as a CSS percentage
    stacked: bool = False          # section label one character per line
    header_span: int = 1           # 0: merged into the previous header cell

    @property
    def css(self) -> str:
        return f"col-{self.key.replace('_', '-')}"


def orientation(rubric: Rubric) -> str:
    return "landscape" if rubric.orientation == "landscape" else "portrait"


def fit_columns(rubric: Rubric) -> list[PCol]:
    """Column widths in mm scaled to fill the text area exactly."""
    cols = display_columns(rubric)
    text_w = TEXT_WIDTH[orientation(rubric)]
    given = [Decimal(str(c.width)) if c.width else None for c in cols]
    known = sum((w for w in given if w), Decimal(0))
    n_unknown = sum(1 for w in given if not w)
    if n_unknown:
        rest = max(text_w - known, DEFAULT_WIDTH * n_unknown)
        widths = [w or rest / n_unknown for w in given]
    else:
        widths = [w for w in given if w]
    widths = _widen_points(rubric, cols, widths)
    total = sum(widths, Decimal(0)) or Decimal(1)
    out: list[PCol] = []
    for c, w in zip(cols, widths):
        mm = w * text_w / total
        pct = (w * 100 / total).quantize(Decimal("0.001"))
        out.append(PCol(c.key, c.header, mm, f"{pct}%",
                        stacked=(c.key == "section" and w <= STACK_MAX_WIDTH),
                        header_span=0 if (c.header == "" and out) else 1))
    return out


def text_width_mm(text: str, bold: bool = False) -> Decimal:
    """Rough printed width of a short text at 10.5pt: CJK characters 1 em,
    digits and other half-width characters about 0.55 em (bold a little wider)."""
    ems = sum(Decimal(1) if ord(ch) > 0x2e80 else Decimal("0.55") for ch in text)
    return ems * EM_MM * (Decimal("1.08") if bold else 1)


def _widen_points(rubric: Rubric, cols, given: list[Decimal]) -> list[Decimal]:
    """The 分值 column is wide enough for its longest value, the total row's
    full marks in bold ("100分" never runs over the cell's border): what it
    lacks is taken from the widest column (the standard's text)."""
    from ..textfmt import fmt_points
    keys = [c.key for c in cols]
    if "points" not in keys or len(keys) < 2:
        return given
    pts = [it.points for it in rubric.items if it.points is not None]
    full = rubric.scale if rubric.scale is not None else sum(pts, Decimal(0))
    values = [f"{fmt_points(p)}分" for p in pts + ([full] if pts or full else [])]
    if not values:
        return given
    text_w = TEXT_WIDTH[orientation(rubric)]
    scale = text_w / (sum(given, Decimal(0)) or Decimal(1))      # given units → mm
    need = max(text_width_mm(v, bold=True) for v in values) + PAD_MM + Decimal("0.6")
    i = keys.index("points")
    have = given[i] * scale
    if have >= need:
        return given
    widest = max((j for j in range(len(keys)) if j != i), key=lambda j: given[j])
    extra = (need - have) / scale
    if given[widest] - extra < given[i] + extra:
        return given
    out = list(given)
    out[i] += extra
    out[widest] -= extra
    return out


@lru_cache(maxsize=8192)
def estimate_height_mm(html: str, width_mm: Decimal) -> Decimal:
    """Rough height of a table cell: CJK characters are 1 em wide, others ½."""
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    per_line = max(((width_mm - PAD_MM - Decimal("0.6")) / EM_MM).to_integral_value(
        rounding="ROUND_FLOOR"), Decimal(1))
    lines = 0
    for para in text.split("\n"):
        ems = sum(Decimal(1) if ord(ch) > 0x2e80 else Decimal("0.5") for ch in para.strip())
        lines += max(1, int((ems / per_line).to_integral_value(rounding="ROUND_CEILING")))
    return lines * LINE_MM + PAD_MM

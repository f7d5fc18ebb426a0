"""Inline SVG charts, drawn at build time.

Each chart is a self-contained `<svg role="img">` with a `<title>` and a
`<desc>` that says in words what the chart shows, so it reads without
JavaScript, in a screen reader and on paper. Colours come from CSS classes
(site.css), sizes from the viewBox (the chart scales with its container).
All text is escaped here: unit names may contain anything.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from markupsafe import Markup, escape

from ..textfmt import fmt_points

_NICE = (1, 2, 2.5, 5)


def _nice_step(span: float, max_steps: int) -> float:
    """The smallest 'nice' step (…0.5, 1, 2, 2.5, 5, 10…) giving ≤ max_steps steps."""
    if span <= 0:
        return 1.0
    raw = span / max_steps
    mag = 10 ** math.floor(math.log10(raw))
    for m in _NICE + (10,):
        if m * mag >= raw - 1e-12:
            return m * mag
    return 10 * mag


def _n(x: float) -> str:
    """Compact coordinate."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _fmt(x: float) -> str:
    return fmt_points(Decimal(repr(round(x, 2))))


def _open(uid: str, w: int, h: int, title: str, desc: str, cls: str) -> list[str]:
    return [
        f'<svg class="chart {cls}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]


# ------------------------------------------------------------------ histogram

@dataclass
class Bin:
    lo: float
    hi: float
    count: int

    def label(self, last: bool) -> str:
        if last:
            return f"{_fmt(self.lo)}–{_fmt(self.hi)}分"
        return f"{_fmt(self.lo)}分至不足{_fmt(self.hi)}分"


def bins_for(values: Sequence[float], scale: Optional[float] = None,
             max_bins: int = 10) -> list[Bin]:
    """Equal bins of a nice width from just below the lowest value to the highest
    (the last bin includes its upper edge)."""
    if not values:
        return []
    lo_v, hi_v = min(values), max(values)
    span = hi_v - lo_v
    step = _nice_step(span, max_bins) if span > 0 else 1.0
    if scale and scale >= 20 and step < 1:
        step = 1.0
    lo = math.floor(lo_v / step + 1e-9) * step
    n = int((hi_v - lo) / step + 1e-9) + 1      # hi_v falls into the last bin
    if n > 1 and abs(lo + (n - 1) * step - hi_v) < 1e-9 and (
            scale is None or abs(hi_v - scale) < 1e-9):
        n -= 1                                  # a top value on a bin edge joins the bin below
    bins = [Bin(lo + i * step, lo + (i + 1) * step, 0) for i in range(n)]
    for v in values:
        i = min(int((v - lo) // step), n - 1)
        bins[i].count += 1
    return bins


def distribution_svg(values: Sequence[Decimal], *, uid: str, title: str,
                     value_word: str = "得分", scale: Optional[Decimal] = None) -> Markup:
    """Bar chart: how many units scored in each band."""
    vals = [float(v) for v in values if v is not None]
    w, h = 480, 250
    left, right, top, bottom = 40, 14, 26, 44
    if not vals:
        out = _open(uid, w, 80, title, "暂无数据。", "chart-dist")
        out.append(f'<text x="{w // 2}" y="45" text-anchor="middle" class="chart-empty">暂无数据</text></svg>')
        return Markup("".join(out))
    bins = bins_for(vals, float(scale) if scale is not None else None)
    avg = sum(vals) / len(vals)
    parts = "，".join(f"{_fmt(b.lo)}至{_fmt(b.hi)}分{b.count}个" for b in bins if b.count)
    desc = (f"共{len(vals)}个单位。最高{_fmt(max(vals))}分，最低{_fmt(min(vals))}分，"
            f"平均{_fmt(avg)}分。各分数段单位数：{parts}。")
    out = _open(uid, w, h, title, desc, "chart-dist")
    pw, ph = w - left - right, h - top - bottom
    top_count = max(b.count for b in bins)
    ystep = max(1, int(_nice_step(top_count, 4)))
    ymax = max(ystep, math.ceil(top_count / ystep) * ystep)
    # grid and y labels
    out.append('<g class="axis" aria-hidden="true">')
    for t in range(0, ymax + 1, ystep):
        y = top + ph - ph * t / ymax
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{_n(y)}" y2="{_n(y)}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">{t}</text>')
    out.append(f'<text x="4" y="{top - 12}">单位数</text>')
    out.append("</g>")
    bw = pw / len(bins)
    label_every = 1 if len(bins) <= 12 else 2
    for i, b in enumerate(bins):
        x = left + i * bw
        bh = ph * b.count / ymax
        y = top + ph - bh
        last = i == len(bins) - 1
        out.append(f'<g class="bar"><title>{escape(b.label(last))}：{b.count}个单位</title>')
        out.append(f'<rect x="{_n(x + 2)}" y="{_n(y)}" width="{_n(max(bw - 4, 1))}" '
                   f'height="{_n(max(bh, 0))}"/>')
        if b.count:
            out.append(f'<text x="{_n(x + bw / 2)}" y="{_n(y - 5)}" text-anchor="middle" '
                       f'class="value">{b.count}</text>')
        out.append("</g>")
    out.append('<g class="axis" aria-hidden="true">')
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{top + ph}" y2="{top + ph}" class="base"/>')
    for i, b in enumerate(bins):
        if i % label_every == 0:
            x = left + i * bw
            out.append(f'<text x="{_n(x)}" y="{top + ph + 18}" text-anchor="middle">{_fmt(b.lo)}</text>')
    out.append(f'<text x="{_n(left + len(bins) * bw)}" y="{top + ph + 18}" '
               f'text-anchor="middle">{_fmt(bins[-1].hi)}</text>')
    out.append(f'<text x="{_n(left + pw / 2)}" y="{h - 6}" text-anchor="middle">{escape(value_word)}（分）</text>')
    out.append("</g></svg>")
    return Markup("".join(out))


# ------------------------------------------------------------------ line chart

@dataclass
class Series:
    name: str
    values: list[Optional[Decimal]]
    cls: str = "s1"
    labels: bool = True            # print the value beside each point


def _y_range(vals: list[float], min_span: float = 0.0) -> tuple[float, float, float]:
    """Axis range with some room above and below the values. `min_span` keeps
    small differences from filling the whole chart (0.1 point between two
    averages on a 100-point scale is not a landslide)."""
    lo, hi = min(vals), max(vals)
    span = hi - lo
    if span < min_span:
        mid = (hi + lo) / 2
        lo, hi = mid - min_span / 2, mid + min_span / 2
        span = min_span
    if span < 1e-9:
        lo, hi, span = lo - 1, hi + 1, 2.0
    floor0 = min(vals) >= 0
    lo, hi = lo - span * 0.12, hi + span * 0.12
    if floor0 and lo < 0:
        lo = 0.0
    step = _nice_step(hi - lo, 4)
    lo = math.floor(lo / step + 1e-9) * step
    hi = math.ceil(hi / step - 1e-9) * step
    return lo, hi, step


def line_svg(labels: Sequence[str], series: Sequence[Series], *, uid: str, title: str,
             desc: str, small: bool = False, min_span: float = 0.0) -> Markup:
    """Line chart over periods; a point per value, gaps where a value is missing."""
    w, h = (360, 180) if small else (560, 250)
    left, right, top, bottom = (40, 14, 18, 34) if small else (48, 20, 24, 40)
    vals = [float(v) for s in series for v in s.values if v is not None]
    cls = "chart-line small" if small else "chart-line"
    if not vals or not labels:
        out = _open(uid, w, 80, title, desc or "暂无数据。", cls)
        out.append(f'<text x="{w // 2}" y="45" text-anchor="middle" class="chart-empty">暂无数据</text></svg>')
        return Markup("".join(out))
    legend = len(series) > 1
    if legend:
        top += 22                       # room for the legend above the plot
        h += 22
    out = _open(uid, w, h, title, desc, cls)
    lo, hi, step = _y_range(vals, min_span)
    pw, ph = w - left - right, h - top - bottom
    n = len(labels)

    def X(i: int) -> float:
        return left + (pw * (i + 0.5) / n)

    def Y(v: float) -> float:
        return top + ph - ph * (v - lo) / (hi - lo)

    out.append('<g class="axis" aria-hidden="true">')
    t = lo
    while t <= hi + 1e-9:
        y = Y(t)
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{_n(y)}" y2="{_n(y)}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">{_fmt(t)}</text>')
        t += step
    for i, lab in enumerate(labels):
        out.append(f'<text x="{_n(X(i))}" y="{h - bottom + 20}" text-anchor="middle">{escape(lab)}</text>')
    out.append("</g>")
    for s in series:
        out.append(f'<g class="series {escape(s.cls)}">')
        # one polyline per run of consecutive values
        run: list[str] = []
        for i, v in enumerate(s.values + [None]):
            if v is None:
                if len(run) > 1:
                    out.append(f'<polyline points="{" ".join(run)}"/>')
                run = []
            else:
                run.append(f"{_n(X(i))},{_n(Y(float(v)))}")
        vals_s = s.values
        for i, v in enumerate(vals_s):
            if v is None:
                continue
            x, y = X(i), Y(float(v))
            # a value lower than both neighbours gets its label below the point
            before = vals_s[i - 1] if i > 0 else None
            after = vals_s[i + 1] if i + 1 < len(vals_s) else None
            dip = ((before is not None or after is not None)
                   and (before is None or before > v) and (after is None or after > v))
            ly = y + 20 if dip else y - 9
            out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{3.5 if small else 4.5}">'
                       f'<title>{escape(s.name)} {escape(labels[i])}：{fmt_points(v)}分</title></circle>')
            if s.labels:
                out.append(f'<text x="{_n(x)}" y="{_n(ly)}" text-anchor="middle" '
                           f'class="value">{fmt_points(v)}</text>')
        out.append("</g>")
    if legend:
        lx = left
        out.append('<g class="legend" aria-hidden="true">')
        for s in series:
            out.append(f'<g class="series {escape(s.cls)}"><line x1="{lx}" x2="{lx + 18}" '
                       f'y1="12" y2="12"/></g>')
            out.append(f'<text x="{lx + 22}" y="16">{escape(s.name)}</text>')
            lx += 40 + 18 * len(s.name)
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def series_desc(labels: Sequence[str], series: Sequence[Series]) -> str:
    """'全镇平均：第一季度88.5分，第二季度90分。' for a chart's <desc>."""
    out = []
    for s in series:
        vals = [f"{lab}{fmt_points(v)}分" for lab, v in zip(labels, s.values) if v is not None]
        out.append(f"{s.name}：" + ("，".join(vals) if vals else "暂无数据") + "。")
    return "".join(out)

"""The score sheet as rows and cells, ready for a template to print.

A `Sheet` turns a Rubric (and, for a filled sheet, a Result) into the table
of the seed: the rubric's columns in their order and widths, one row per
item, the section label in a merged (rowspan) column, rubric-wide bonus and
deduction rows, the 合计 row, the 一票否决 row and the signature line.

Merged cells and page breaks: WeasyPrint does not repeat a rowspan cell on the
next page, so a long section would lose its label. Rows carry `data-row`
(and `data-cont` when a merged cell from above covers them); the PDF writer
lays the document out, finds the rows that start a page while inside a merged
run, and renders again with those rows in `breaks`: `Sheet.rows(breaks)`
then starts a new merged cell (with the label repeated) at each of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Optional

from markupsafe import Markup, escape

from ..model import Item, Rubric, Section
from ..scoring.result import Adjustment, ItemScore, Result
from ..textfmt import fmt_points, mask_phone
from .columns import COLUMNS, fmt_signed_pts
from .env import md_inline, nowrap
from .layout import TALL_ROW_MM, PCol, estimate_height_mm, fit_columns, orientation
from .sheettext import (SignatureField, full_marks, item_ref, rule_ref, signature_fields,
                        stack_label, title_lines)


@dataclass
class PCell:
    html: Markup
    cls: str = ""
    colspan: int = 1
    rowspan: int = 1


@dataclass
class _Run:
    """A merged cell over rows [start, end) of the item rows."""
    col: int
    start: int
    end: int
    cell: PCell


@dataclass
class PRow:
    key: str                       # unique in the document (data-row)
    cells: list[PCell]
    cls: str = "item"
    cont: bool = False             # a merged cell from above covers this row
    split: bool = False            # a merged cell restarts here because of a break




_PART_KEYS = ("number", "requirement", "standard")


def _part_item(item: Item, part: dict) -> Item:
    """One printed row of an item printed in several rows (rubric print.rows):
    its own 序号 and texts; points and scores stay the item's (merged cells)."""
    from dataclasses import replace
    return replace(item, number=str(part.get("number", "")),
                   requirement=part.get("requirement", ""), standard=part.get("standard", ""))




@dataclass
class Sheet:
    rubric: Rubric
    result: Optional[Result] = None
    table_id: str = "t"
    public: bool = True            # mask phone numbers in printed reasons
    unit_name: str = ""
    leader: str = ""
    signatures: object = None      # model.Signatures of the assessment record
    columns: list[PCol] = field(default_factory=list)
    _item_rows: list[list[Optional[PCell]]] = field(default_factory=list)
    _tall: list[bool] = field(default_factory=list)
    _runs: list[_Run] = field(default_factory=list)

    # ------------------------------------------------------------ building
    @classmethod
    def build(cls, rubric: Rubric, result: Optional[Result] = None, *, table_id: str = "t",
              public: bool = True, unit_name: str = "", leader: str = "",
              signatures=None) -> "Sheet":
        sheet = cls(rubric, result, table_id, public, unit_name or
                    (result.unit_name if result else ""), leader or "", signatures)
        sheet.columns = fit_columns(rubric)
        sheet._build_item_rows()
        sheet._estimate_tall()
        return sheet

    @property
    def filled(self) -> bool:
        return self.result is not None

    @property
    def orientation(self) -> str:
        return orientation(self.rubric)

    @property
    def total_label(self) -> str:
        return self.rubric.total_label

    def _text(self, text: str) -> str:
        return mask_phone(text) if self.public else text

    def _item_cell(self, col: PCol, item: Item, score: Optional[ItemScore]) -> PCell:
        spec = COLUMNS.get(col.key)
        if spec is None:                   # a key of the items' `fields`
            return PCell(nowrap(md_inline(item.fields.get(col.key, ""))), "c-text")
        assert spec.cell is not None       # only the section column has none; its runs are made apart
        return PCell(nowrap(spec.cell(item, score, self._text)), spec.css)

    def _section_cell(self, sec: Section, col: PCol) -> PCell:
        label = sec.print_label
        if "\n" in label:
            html = Markup("<br>").join(escape(p) for p in label.split("\n"))
        elif col.stacked:
            html = stack_label(label)
        else:
            html = escape(label)
        return PCell(html, "c-section stacked" if col.stacked else "c-section")

    def _build_item_rows(self) -> None:
        cols = self.columns
        keys = [c.key for c in cols]
        rows: list[list[Optional[PCell]]] = []
        runs: list[_Run] = []
        for sec in self.rubric.sections:
            first = len(rows)
            # 002: a matter without sub-matters spans the sub-matter column
            span_title = ("section" in keys and "title" in keys
                          and keys.index("title") == keys.index("section") + 1
                          and sec.items and all(not it.title for it in sec.items))
            for it in sec.items:
                score = self.result.item(it.id) if self.result else None
                parts = (self.rubric.print.get("rows") or {}).get(it.id) or []
                item_first = len(rows)
                for part in parts or [None]:
                    shown = it if part is None else _part_item(it, part)
                    row: list[Optional[PCell]] = []
                    for ci, col in enumerate(cols):
                        if col.key == "section":
                            row.append(None)          # filled by the run
                        elif col.key == "title" and span_title:
                            row.append(None)
                        elif part is not None and col.key not in _PART_KEYS and rows[item_first:]:
                            row.append(None)          # merged over the item's rows
                        else:
                            row.append(self._item_cell(col, shown, score))
                    rows.append(row)
                if len(parts) > 1:
                    for ci, col in enumerate(cols):
                        if col.key not in _PART_KEYS and col.key != "section" \
                                and not (col.key == "title" and span_title):
                            first_cell = rows[item_first][ci]
                            assert first_cell is not None     # the first row holds the cell
                            runs.append(_Run(ci, item_first, len(rows), first_cell))
                            rows[item_first][ci] = None
            last = len(rows)
            if last == first:
                continue
            if "section" in keys:
                ci = keys.index("section")
                cell = self._section_cell(sec, cols[ci])
                if span_title:
                    cell.colspan = 2
                runs.append(_Run(ci, first, last, cell))
            # 序号 printed once per run of equal numbers in a section (002)
            if "number" in keys:
                ci = keys.index("number")
                start = first
                for r in range(first + 1, last + 1):
                    head = rows[start][ci]
                    assert head is not None       # every item row has its 序号 cell
                    cur = rows[r][ci] if r < last else None
                    if cur is None or cur.html != head.html:
                        if r - start > 1:
                            runs.append(_Run(ci, start, r, head))
                            for rr in range(start, r):
                                rows[rr][ci] = None
                        start = r
        self._item_rows = rows
        self._runs = runs

    # ------------------------------------------------------------ reading
    def rows(self, breaks: Iterable[str] = ()) -> list[PRow]:
        """The item rows; a merged cell restarts (label repeated) at each row
        whose key is in `breaks` (rows that begin a new page)."""
        breaks = set(breaks)
        n = len(self._item_rows)
        keys = [self.row_key(i) for i in range(n)]
        placed: dict[tuple[int, int], PCell] = {}
        covered: set[int] = set()
        split: set[int] = set()
        for run in self._runs:
            start = run.start
            for r in range(run.start + 1, run.end + 1):
                if r < run.end and keys[r] in breaks:
                    split.add(r)
                if r == run.end or keys[r] in breaks:
                    c = run.cell
                    placed[(start, run.col)] = PCell(c.html, c.cls, c.colspan, r - start)
                    covered.update(range(start + 1, r))
                    start = r
        out = []
        for i, cells in enumerate(self._item_rows):
            row_cells = []
            for ci, cell in enumerate(cells):
                if (i, ci) in placed:
                    row_cells.append(placed[(i, ci)])
                elif cell is not None:
                    row_cells.append(cell)
            cls = "item tall" if self._tall[i] else "item"
            out.append(PRow(keys[i], row_cells, cls, i in covered, i in split))
        return out

    def _estimate_tall(self) -> None:
        """Mark rows taller than a third of the text area: they may break
        inside, so that a long row begins on the page it follows instead of
        leaving that page mostly empty (a row taller than a page would also
        make WeasyPrint drop the table head on the next page)."""
        limit = TALL_ROW_MM[self.orientation]
        self._tall = []
        for cells in self._item_rows:
            height = Decimal(0)
            for col, cell in zip(self.columns, cells):
                if cell is None:
                    continue
                height = max(height, estimate_height_mm(str(cell.html), col.width))
            self._tall.append(height > limit)

    def row_key(self, i: int) -> str:
        return f"{self.table_id}-r{i}"

    @property
    def header_cells(self) -> list[PCell]:
        cells: list[PCell] = []
        for c in self.columns:
            if c.header_span == 0 and cells:
                cells[-1].colspan += 1
            else:
                cells.append(PCell(escape(c.header), c.css))
        return cells

    def spanning_row(self, values: dict[str, Markup], label: Markup, *,
                     first: Optional[Markup] = None, cls: str = "") -> list[PCell]:
        """A row whose columns without a value merge into one cell; `label` goes
        into the first merged run (after column 0 when `first` is given)."""
        cells: list[PCell] = []
        run: Optional[PCell] = None
        label_used = False
        for ci, col in enumerate(self.columns):
            if ci == 0 and first is not None:
                cells.append(PCell(first, "c-label"))
                run = None
                continue
            if col.key in values:
                cells.append(PCell(values[col.key], "c-num c-score"))
                run = None
                continue
            if run is None:
                run = PCell(Markup(""), "c-text")
                if not label_used:
                    run.html = label
                    run.cls = "c-label" if first is None else "c-text"
                    label_used = True
                cells.append(run)
            else:
                run.colspan += 1
        return cells

    def _value_key(self, *prefer: str) -> Optional[str]:
        keys = [c.key for c in self.columns]
        for k in prefer:
            if k in keys:
                return k
        return None

    # ------------------------------------------------------------ extra rows
    def rule_label(self, rule_id: str) -> str:
        """The rubric's number and name of a rubric-wide rule (print.labels)."""
        return str((self.rubric.print.get("labels") or {}).get(rule_id, ""))

    def rubric_rule_rows(self) -> list[list[PCell]]:
        """Rows for rubric-wide bonuses and extra deductions (outside the items):
        the first column carries the heading (print.bonus_heading, else 加分),
        each row the rule's label (①综治工作宣传) and its text."""
        out = []
        adj = self.result.rubric_adjustments if self.result else []
        pr = self.rubric.print
        for rules, kind, word in ((self.rubric.bonuses, "added", pr.get("bonus_heading") or "加分"),
                                  (self.rubric.extra_deductions, "deducted",
                                   pr.get("deduction_heading") or "减分")):
            prev_label = None
            for rule in rules:
                values: dict[str, Markup] = {}
                key = self._value_key(kind, "score")
                if key is not None:
                    amount = sum((a.amount for a in adj if a.rule_id == rule.id), Decimal(0))
                    if self.filled and amount:
                        v = abs(amount) if key == kind else amount
                        values[key] = escape(fmt_points(v) if key == kind else fmt_signed_pts(v))
                    else:
                        values[key] = Markup("")
                label = self.rule_label(rule.id)
                text = nowrap(md_inline(rule.text))
                if label and label != prev_label:
                    sep = "" if len(label) == 1 else "。"
                    text = Markup('<span class="rule-label">{}</span>{}').format(label, sep) + text
                prev_label = label
                out.append(self.spanning_row(values, text, first=escape(word)))
        return out

    def total_row(self) -> list[PCell]:
        r = self.result
        keys = [c.key for c in self.columns]
        values: dict[str, Markup] = {}
        if "points" in keys:
            scale = full_marks(self.rubric)
            values["points"] = escape(f"{fmt_points(scale)}分" if scale is not None else "")
        for k in ("deducted", "added", "score", "self_score"):
            if k not in keys:
                continue
            if r is None:
                values[k] = Markup("")
            elif k == "deducted":
                values[k] = escape(fmt_points(r.deducted_total))
            elif k == "added":
                values[k] = escape(fmt_points(r.added_total))
            elif k == "score":
                values[k] = escape(self.total_text())
            elif k == "self_score":
                values[k] = escape(fmt_points(r.self_total))
        return self.spanning_row(values, escape(self.total_label))

    def total_text(self) -> str:
        """The result's total as scoring decided it (deduction-only: the
        deduction itself, or base minus deduction when there is a base)."""
        return fmt_points(self.result.total) if self.result is not None else ""

    @property
    def has_vetoes(self) -> bool:
        return bool(self.rubric.vetoes)

    def veto_lines(self) -> list[dict]:
        hits = {v.id: v for v in (self.result.vetoes if self.result else [])}
        lines = []
        for v in self.rubric.vetoes:
            hit = hits.get(v.id)
            lines.append({
                "text": md_inline(v.text),
                "applied": hit is not None,
                "mark": ("■" if hit else "□") if self.filled else "□",
                "reason": self._text(hit.reason) if hit else "",
            })
        return lines

    def veto_row(self) -> list[PCell]:
        items = []
        for line in self.veto_lines():
            text = Markup('<span class="veto-mark">{}</span> {}').format(line["mark"], line["text"])
            if line["applied"]:
                text += Markup('<span class="veto-hit">（已否决{}）</span>').format(
                    "：" + line["reason"] if line["reason"] else "")
            items.append(Markup('<div class="veto-line{}">{}</div>').format(
                " applied" if line["applied"] else "", nowrap(text)))
        values: dict[str, Markup] = {}
        key = self._value_key("score")
        if key and self.result is not None and self.result.vetoed:
            values[key] = escape("否决")
        number = self.rubric.print.get("veto_number")
        keys = [c.key for c in self.columns]
        if number and len(keys) > 1 and keys[1] == "number":
            # 001: 一票否决 is row 15 — the label, its 序号, then the conditions
            values["number"] = escape(str(number))
        cells = self.spanning_row(values, Markup("").join(items), first=escape("一票否决"))
        for c in cells:
            if c.html == escape(str(number)) and number:
                c.cls = "c-number"
        return cells

    def signature_fields(self) -> list[SignatureField]:
        return signature_fields(self)

    def rule_ref(self, rule_id: str) -> str:
        return rule_ref(self.rubric, rule_id)

    def item_ref(self, item_id: str, number: str, rule_id: str = "") -> str:
        return item_ref(self.rubric, item_id, number, rule_id)

    def grade_notes(self) -> list[str]:
        """The grade conditions that applied to this unit (from Result)."""
        return [self._text(t) for t in (self.result.grade_reasons if self.result else [])]

    def notes_html(self) -> Markup:
        """The rubric's print.notes (e.g. 003 （六）考评分类 and 相关说明（三））."""
        from .env import md
        return nowrap(md(self.rubric.print.get("notes") or ""))

    def title_lines(self) -> list[str]:
        return title_lines(self.rubric)

    # ------------------------------------------------------------ details
    def adjustments(self) -> list[tuple[str, Adjustment]]:
        """(the item's reference as the rubric numbers it, adjustment) for
        every point gained or lost: 第6项 when item numbers are unique in the
        rubric, else every item with its section's number (（二）2); a rubric-wide rule
        by its label (（五）1②综治工作经验推介) or 加减分项目."""
        if not self.result:
            return []
        out = []
        for its in self.result.items:
            for a in its.adjustments:
                out.append((self.item_ref(its.item_id, its.number, a.rule_id), a))
        for a in self.result.rubric_adjustments:
            out.append((self.rule_ref(a.rule_id), a))
        return out


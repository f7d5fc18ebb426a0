"""The scores as CSV (UTF-8 with BOM, opens in Excel) and XLSX.

One row per unit, rubric and period in both; the XLSX has a second sheet with
every item's score. The CSV is written by the one score-CSV writer
(scoring.report.csv_text: texts that a spreadsheet would take for a formula
get a leading apostrophe); in the XLSX every text is an inline string, which
no spreadsheet evaluates. Output is byte-for-byte
reproducible: the XLSX carries the data date, not the clock.

The XLSX is written directly (SpreadsheetML, about 20× faster than openpyxl
for the 40,000-row item sheet of a 1,000-unit town); tests read it back with
openpyxl.
"""
from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..periods import label as period_label
from ..scoring.report import csv_text
from .views import SiteData, pts

SUMMARY_HEADER = ["考核细则编号", "考核细则", "考核期编号", "考核期", "单位编号", "单位名称",
                  "单位类别", "得分", "扣分合计", "失分合计", "名次", "参评单位数", "等次", "一票否决",
                  "较上期", "自评得分", "考核日期"]
ITEM_HEADER = ["考核细则编号", "考核期编号", "单位编号", "单位名称", "序号", "项目", "分值",
               "扣分", "失分", "加分", "得分", "自评得分"]

def _text(s: Optional[str]) -> str:
    return s or ""


def summary_rows(data: SiteData) -> Iterable[list]:
    for view in data.rubric_views:
        rb = view.rubric
        for pv in view.periods:
            for row in pv.rows:
                r = row.result
                unit = data.units.get(row.unit_id)
                yield [rb.id, _text(rb.title), pv.id, period_label(pv.id), row.unit_id,
                       _text(row.unit_name), _text(unit.kind if unit else ""),
                       r.total, r.deducted_total, r.lost_total, row.rank, row.rank_of,
                       _text(row.grade), "是" if row.vetoed else "否",
                       row.change, r.self_total,
                       r.date.isoformat() if r.date else ""]


def item_rows(data: SiteData) -> Iterable[list]:
    for view in data.rubric_views:
        rb = view.rubric
        titles = {it.id: (it.title or it.requirement[:20]) for it in rb.items}
        for pv in view.periods:
            for row in pv.rows:
                for it in row.result.items:
                    yield [rb.id, pv.id, row.unit_id, _text(row.unit_name), _text(it.number),
                           _text(titles.get(it.item_id, "")), it.points, it.deducted,
                           it.lost, it.added, it.score, it.self_score]


def write_csv(data: SiteData, path: Path) -> None:
    path.write_bytes(csv_text(SUMMARY_HEADER, summary_rows(data)).encode("utf-8-sig"))


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _esc(text: str) -> str:
    text = _XML_BAD.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


def _sheet_chunks(header: list[str], rows: Iterable[list], widths: list[int],
                 every: int = 2000) -> Iterator[bytes]:
    """The worksheet's XML in pieces of `every` rows, so a 300,000-row item
    sheet is never held in memory whole (the bytes are the same as one string)."""
    letters = [_col(i) for i in range(max(len(header), len(widths)))]
    out = [_HEAD, f"<worksheet {_NS}>",
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
           '<sheetFormatPr defaultRowHeight="15"/><cols>']
    out += [f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths)]
    out.append("</cols><sheetData>")
    out.append('<row r="1">' + "".join(
        f'<c r="{letters[i]}1" t="inlineStr" s="1"><is><t>{_esc(h)}</t></is></c>'
        for i, h in enumerate(header)) + "</row>")
    for n, row in enumerate(rows, 2):
        cells = []
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{letters[i]}{n}"
            if isinstance(v, bool) or not isinstance(v, (int, Decimal, float)):
                t = _esc(str(v))
                sp = ' xml:space="preserve"' if t != t.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{sp}>{t}</t></is></c>')
            else:
                num = pts(v) if isinstance(v, Decimal) else str(v)
                cells.append(f'<c r="{ref}"><v>{num}</v></c>')
        out.append(f'<row r="{n}">' + "".join(cells) + "</row>")
        if len(out) >= every:
            yield "".join(out).encode("utf-8")
            out = []
    out.append("</sheetData></worksheet>")
    yield "".join(out).encode("utf-8")


_STYLES = (_HEAD + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')

_CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_xlsx(data: SiteData, path: Path, stamp: Optional[date]) -> None:
    sheets = [("成绩汇总", SUMMARY_HEADER, summary_rows(data),
               [16, 30, 11, 16, 14, 20, 8, 8, 8, 8, 6, 10, 8, 8, 8, 8, 12]),
              ("分项得分", ITEM_HEADER, item_rows(data),
               [16, 11, 14, 20, 6, 24, 6, 6, 6, 6, 6, 8])]
    when = (stamp or date(2000, 1, 1)).strftime("%Y-%m-%dT00:00:00Z")
    ts = stamp or date(2000, 1, 1)
    files: list[tuple[str, bytes]] = []
    ct = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          f'<Override PartName="/xl/workbook.xml" ContentType="{_CT_MAIN}.sheet.main+xml"/>',
          f'<Override PartName="/xl/styles.xml" ContentType="{_CT_MAIN}.styles+xml"/>',
          '<Override PartName="/docProps/core.xml" '
          'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
          '<Override PartName="/docProps/app.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>']
    ct += [f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_MAIN}.worksheet+xml"/>'
           for i in range(1, len(sheets) + 1)]
    files.append(("[Content_Types].xml", (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types">' + "".join(ct) + "</Types>").encode()))
    files.append(("_rels/.rels", (
        _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>").encode()))
    files.append(("docProps/core.xml", (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{_esc(data.project.config.title)}成绩</dc:title>'
        f'<dc:creator>{_esc(data.project.config.office)}</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>").encode()))
    files.append(("docProps/app.xml", (
        _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>booklet</Application></Properties>').encode()))
    files.append(("xl/workbook.xml", (
        _HEAD + f"<workbook {_NS}><bookViews><workbookView/></bookViews><sheets>"
        + "".join(f'<sheet name="{_esc(name)}" sheetId="{i}" r:id="rId{i}"/>'
                  for i, (name, *_rest) in enumerate(sheets, 1))
        + "</sheets></workbook>").encode()))
    rels = [f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)]
    rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>')
    files.append(("xl/_rels/workbook.xml.rels",
                  (_HEAD + f'<Relationships xmlns="{_PKG_REL}">' + "".join(rels)
                   + "</Relationships>").encode()))
    files.append(("xl/styles.xml", _STYLES.encode()))
    parts: list[tuple[str, Iterable[bytes]]] = [(name, [body]) for name, body in files]
    parts += [(f"xl/worksheets/sheet{i}.xml", _sheet_chunks(header, rows, widths))
              for i, (_name, header, rows, widths) in enumerate(sheets, 1)]

    # written straight to the file, each sheet as it is made (a 5,000-unit
    # town's item sheet is some 150 MB of XML)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, chunks in parts:
            zi = zipfile.ZipInfo(name, date_time=(max(ts.year, 1980), ts.month, ts.day, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            with z.open(zi, "w") as dest:
                for chunk in chunks:
                    dest.write(chunk)

"""Reading spreadsheets: XLSX or CSV cells -> rows, and the cell converters.

    rows = read_rows(Path("名册.xlsx"), problems)   # [(sheet, row number, cells)]

Nothing here knows the annex forms; booklet/annex/formmap.py maps the rows
onto a form through its spec. A cell's place is a `SheetLoc`:
"名册.xlsx，表 Sheet1 第 7 行（联系电话）".
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from ..errors import Problems
from ..model import Loc
from . import validate as V
from .model import ROLES

CHECK_MARKS = "☑✓√■✔☒▣●"


@dataclass(frozen=True)
class SheetLoc(Loc):
    """A row of a spreadsheet: "名册.xlsx，表 Sheet1 第 7 行（联系电话）"."""
    sheet: str = ""
    column: str = ""

    def __str__(self) -> str:
        where = f"表 {self.sheet} " if self.sheet else ""
        text = f"{self.file}，{where}第 {self.line} 行"
        return text + (f"（{self.column}）" if self.column else "")


def norm(v: Any) -> str:
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


Row = tuple[str, int, list]          # sheet, 1-based row number, cell values


def read_rows(src: Path, problems: Problems) -> list[Row]:
    """All non-empty rows of every sheet (XLSX) or of the file (CSV)."""
    suffix = src.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return list(_xlsx_rows(src, problems))
    if suffix == ".csv":
        return list(_csv_rows(src, problems))
    what = "旧版 Excel（.xls）" if suffix == ".xls" else f"「{suffix or '无扩展名'}」文件"
    problems.error(Loc(src.name), f"不能导入{what}。",
                   "在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）或 .csv（UTF-8）后再导入。",
                   code="import-format")
    return []


def _xlsx_rows(src: Path, problems: Problems) -> Iterator[Row]:
    import zipfile
    from openpyxl import load_workbook
    try:
        wb = load_workbook(src, read_only=True, data_only=True)
        formulas = load_workbook(src, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        problems.error(Loc(src.name), f"无法打开 Excel 文件：{e}。",
                       "确认文件是 .xlsx 格式且没有损坏、没有加密；可在 Excel 中另存为一份再试。",
                       code="import-open")
        return
    try:
        for ws, wf in zip(wb.worksheets, formulas.worksheets):
            for n, (row, frow) in enumerate(zip(ws.iter_rows(values_only=True),
                                                wf.iter_rows(values_only=True)), 1):
                cells = list(row)
                unsaved = [i for i, f in enumerate(frow)
                           if isinstance(f, str) and f.startswith("=")
                           and (i >= len(cells) or cells[i] is None)]
                if unsaved:
                    cols = "、".join(_column_letter(i) for i in unsaved)
                    problems.error(SheetLoc(src.name, n, unsaved[0] + 1, ws.title),
                                   f"{cols} 列是公式，但文件中没有保存公式的计算结果，这一行读不出数据。",
                                   "在 Excel 或 WPS 中打开这个文件、保存一次（让公式算出结果）再导入；"
                                   "或把公式改成数值（复制，再“选择性粘贴 → 数值”）。",
                                   code="import-formula")
                    continue
                if any(c not in (None, "") and str(c).strip() for c in cells):
                    yield ws.title, n, cells
    finally:
        wb.close()
        formulas.close()


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(i + 1)


def _csv_rows(src: Path, problems: Problems) -> Iterator[Row]:
    raw = src.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.error(Loc(src.name), "CSV 文件的编码无法识别。", "在 Excel 中另存为“CSV UTF-8”格式。",
                       code="import-encoding")
        return
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if any(c.strip() for c in row):
            yield "", n, [c.strip() or None for c in row]


# ---------------------------------------------------------------- cells

def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def cell_int(v: Any):
    """An age or count: 45, 45.0, "45", "45岁", "45 周岁"."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        text = V.halfwidth(v).strip()
        text = re.sub(r"\s*周?岁$", "", text)
        if text.isdigit():
            return int(text)
    return v if v not in ("",) else None


def person(v: Any) -> str:
    """A person's name: "张　伟" / "张 伟" (padded to the width of three
    characters) is 张伟; spaces between Latin letters stay (Anna Li)."""
    text = cell_text(v)
    return re.sub(r"(?<=[\u3400-\u9fff·])[\s\u3000]+(?=[\u3400-\u9fff·])", "", text)


def people(v: Any) -> list[str]:
    """巡逻人员: "王志强、李秀英", "王志强,李秀英", "王志强 李秀英" (spaces separate
    Chinese names only, and only when no 、 , ; does)."""
    text = cell_text(v)
    if not text:
        return []
    parts = re.split(r"[、,，;；/／\n]+", text)
    if len(parts) == 1:
        words = re.split(r"[\s\u3000]+", text)
        if all(re.fullmatch(r"[\u3400-\u9fff·]{2,}", w) for w in words):
            parts = words                      # 王志强 李秀英 (not: Anna Li)
    return [p for p in (person(x) for x in parts) if p]


def cell_phone(v: Any):
    if v is None:
        return None
    text = cell_text(v)
    compact = re.sub(r"[\s\-－—]", "", V.halfwidth(text))
    if V.MOBILE.match(compact):
        return compact
    m = re.fullmatch(r"(0\d{2,3})[\s\-－—]*(\d{7,8})", V.halfwidth(text).strip())
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return text


def cell_date(v: Any):
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    parsed = V.parse_date_text(str(v))
    return parsed if parsed else str(v)


def cell_amount(v: Any):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, float):
        return Decimal(repr(v))
    text = V.halfwidth(str(v)).replace(",", "").replace("，", "").strip()
    text = text.lstrip("¥￥").removesuffix("元").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return str(v)


def cell_slot(v: Any):
    if v is None:
        return None
    if isinstance(v, time):
        return v.strftime("%H:%M")
    text = V.halfwidth(cell_text(v)).replace("至", "-").replace("到", "-").replace("~", "-")
    return re.sub(r"\s+", "", text)


def cell_role(v: Any) -> str:
    """职务: "队长", "☑队长、□组长、□队员", "□队长、■组长", "✓队员", "队员✓".
    A mark that picks no single role ("√" alone, two roles ticked) is
    returned as written, and the role check names it."""
    text = cell_text(v)
    if any(c in text for c in CHECK_MARKS):
        picked = []
        for r in ROLES:
            i = text.find(r)
            if i < 0:
                continue
            before = text[i - 1] if i > 0 else ""
            after = text[i + len(r)] if i + len(r) < len(text) else ""
            if before in CHECK_MARKS and before or after in CHECK_MARKS and after:
                picked.append(r)
        return picked[0] if len(picked) == 1 else text
    return "" if re.sub(r"[\s、，,]", "", text) == "□队长□组长□队员" else text

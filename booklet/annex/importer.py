"""Spreadsheets (XLSX or CSV) -> validated annex YAML (`booklet import`).

    path, problems = import_file(root, config, "roster", Path("名册.xlsx"), "hutang-01")

sheets.py reads the cells, formmap.py maps the rows onto the form, and the
result goes through the same shape and value checks as a YAML file
(load.parse_form); a problem names the spreadsheet row:
"名册.xlsx，表 Sheet1 第 7 行（联系电话）".
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import BookletError, Problems
from ..model import Config, Loc
from . import validate as V
from .dump import dump
from .forms import FORM_FILES
from .formmap import rows_to_data
from .load import ANNEX_DIR, parse_form, read_annex_yaml
from .sheets import SheetLoc, read_rows

__all__ = ["convert", "import_file", "SheetLoc"]


def convert(form: str, src: Path, unit_id: str, year: Optional[int],
            problems: Problems, *, roster=None):
    """Read `src` and return the parsed annex object (None if nothing usable)."""
    rows = read_rows(src, problems)
    if not rows:
        if not problems.errors:
            problems.error(Loc(src.name), "表格是空的。", "确认选对了文件和工作表。", code="import-empty")
        return None
    data, locs = rows_to_data(form, rows, src.name, unit_id, problems)
    if problems.errors:
        return None

    def locate(path: tuple) -> Loc:
        p = tuple(path)
        while p and p not in locs:
            p = p[:-1]
        return locs.get(p, Loc(src.name))

    obj = parse_form(form, data, locate, problems, unit_id=unit_id, year=year, file=src.name)
    if form == "duty" and obj is not None:
        V.check_duty_against_roster(obj, roster, problems,
                                    roster_file=f"assessments/annex/{unit_id}/roster.yml")
    return obj


def import_file(root: Path | str, config: Config, form: str, src: Path | str, unit_id: str, *,
                force: bool = False) -> tuple[Path, Problems]:
    """Import `src` as the unit's `form` file. Raises BookletError (nothing
    written) on any error; returns the written path and the warnings."""
    root, src = Path(root), Path(src)
    problems = Problems()
    if config.unit(unit_id) is None:
        known = "、".join(u.id for u in config.units[:8]) + ("……" if len(config.units) > 8 else "")
        problems.error(Loc("booklet.yml"), f"单位编号「{unit_id}」不在 booklet.yml 的 units 中。",
                       f"用 --unit 指定已有的单位编号（如 {known}），或先在 booklet.yml 中添加这个单位。",
                       code="import-unknown-unit")
        raise BookletError(problems)
    target = root / ANNEX_DIR / unit_id / FORM_FILES[form]
    rel = target.relative_to(root).as_posix()
    if target.exists() and not force:
        problems.error(Loc(rel), "文件已存在，没有覆盖。",
                       "确认要用表格中的数据替换它时，加上 --force 重新运行。", code="import-exists")
        raise BookletError(problems)
    if not src.is_file():
        problems.error(Loc(str(src)), "找不到要导入的文件。", "检查文件名和路径。", code="import-missing")
        raise BookletError(problems)
    roster = None
    if form == "duty":
        rpath = root / ANNEX_DIR / unit_id / FORM_FILES["roster"]
        if rpath.is_file():
            rp = Problems()
            data, locate = read_annex_yaml(rpath, root, rp)
            if locate is not None:
                roster = parse_form("roster", data, locate, rp, unit_id=unit_id, year=config.year)
    obj = convert(form, src, unit_id, config.year, problems, roster=roster)
    if problems.errors or obj is None:
        raise BookletError(problems)
    obj.year = None                              # the project's year applies
    text = dump(form, obj, source=src.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target, problems

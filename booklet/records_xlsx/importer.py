"""`booklet import records FILE.xlsx`: an entry workbook → record files under
assessments/<rubric>/<period>/. Nothing is written if any cell is wrong; a
record that exists and differs is replaced only with `force`. With
`self_only` only the self-assessment columns are taken (what a unit sends
back): everything else in the record stays as it is.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problems
from ..model import Loc, Project, Record, Signatures
from ..validate import check_records
from .dump import dump_record, record_data
from .reader import SheetRecord, read_workbook


@dataclass
class ImportResult:
    problems: Problems
    added: list[str] = field(default_factory=list)        # relative paths
    changed: dict[str, list[str]] = field(default_factory=dict)   # path -> what changed
    unchanged: list[str] = field(default_factory=list)
    written: bool = False


def _what(f: dict) -> str:
    where = f"第 {f['item']} 项 " if f.get("item") else ""
    return f"{where}{f['rule']}"


def changes(old: dict, new: dict) -> list[str]:
    """What differs between two records' data, in a few Chinese lines."""
    lines = []
    labels = {"kind": "类别", "date": "考核日期", "assessors": "考核人", "vetoes": "一票否决",
              "flags": "等次情形", "notes": "备注", "signatures": "签名"}
    for k, label in labels.items():
        if old.get(k) != new.get(k):
            lines.append(f"{label}有改动")
    olds, news = old["findings"], new["findings"]
    for f in news:
        if f not in olds:
            lines.append(f"考核：{_what(f)}（新增或改动）")
    for f in olds:
        if f not in news:
            lines.append(f"考核：{_what(f)}（删除或改动前）")
    if old.get("self_assessment") != new.get("self_assessment"):
        lines.append("自评有改动")
    return lines


def _without_self(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "self_assessment"}


def import_workbook(project: Project, src: Path, *, force: bool = False,
                    self_only: bool = False) -> ImportResult:
    problems = Problems()
    result = ImportResult(problems)
    src = Path(src)
    if not src.is_file():
        problems.error(Loc(str(src)), f"找不到要导入的文件 {src}。", "检查文件名和所在目录。",
                       code="import-missing")
        return result
    sheets = read_workbook(project, src, problems)
    # a sheet with wrong cells: those are what to fix first (its record is incomplete)
    broken = {getattr(p.loc, "sheet", None) for p in problems.errors}
    sheets = [sr for sr in sheets if sr.sheet not in broken]
    root = Path(project.root)
    existing = {r.loc.file: r for r in project.records}
    plan: list[tuple[str, SheetRecord, Record]] = []
    seen: dict[str, str] = {}
    for sr in sheets:
        rec = sr.record
        rel = f"assessments/{rec.rubric}/{rec.period}/{sr.stem}.yml"
        if rel in seen:
            problems.error(sr.loc, f"这张表和表「{seen[rel]}」是同一份记录（{rel}）。",
                           "删去重复的表再导入。", code="records-duplicate-sheet")
            continue
        seen[rel] = sr.sheet
        old = existing.get(rel)
        if self_only:
            if old is None:
                rec = dataclasses.replace(rec, date=None, assessors=(), findings=[], vetoes=[],
                                          flags=(), notes=[], signatures=Signatures())
            else:
                if _without_self(record_data(rec)) != _without_self(record_data(old)):
                    problems.warning(sr.loc, "表中考核人填写的内容与已有记录不同；--self 只导入自评，"
                                     "这些改动已忽略。",
                                     "要导入考核人的改动，不加 --self 再导入（需 --force）。",
                                     code="records-self-only")
                rec = dataclasses.replace(old, self_assessment=rec.self_assessment)
        plan.append((rel, sr, rec))

    check_records(dataclasses.replace(project, records=[rec for _, _, rec in plan]), problems)

    for rel, sr, rec in plan:
        old = existing.get(rel)
        if old is None:
            result.added.append(rel)
            continue
        before, after = record_data(old), record_data(rec)
        if before == after:
            result.unchanged.append(rel)
            continue
        if not force and not (self_only and old.self_assessment is None):
            problems.error(sr.loc, f"已有记录 {rel} 与这张表不同，没有覆盖。",
                           "确认以表格为准时加 --force 再导入"
                           + ("。" if self_only else "；只导入单位的自评时加 --self。"),
                           code="records-differs")
            continue
        result.changed[rel] = changes(before, after)
    if problems.errors:
        result.added, result.changed = [], {}
        return result
    for rel, sr, rec in plan:
        if rel in result.added or rel in result.changed:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_record(rec), encoding="utf-8")
    result.written = True
    return result

"""Shared fixtures: a small valid project written to a temp folder, which a
test then breaks in one place to see the error a user would get."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

MINI_CONFIG = """\
office: 测试镇综治办
title: 测试镇考核
year: 2017
units:
  - id: east
    name: 东门社区
    kind: 社区
  - id: west
    name: 西门社区
    kind: 社区
assign:
  - rubric: mini
    units: {kind: 社区}
    periods: [2017-Q1]
"""

MINI_RUBRIC = """\
id: mini
title: 测试考核细则
issuer: 测试镇
year: 2017
scale: 10
calendar: {inspection: monthly, assessment: quarterly, rollup: sum, year_end: average}
columns:
  - {key: number, header: 序号, width: 10}
  - {key: requirement, header: 考核内容, width: 80}
  - {key: points, header: 分值, width: 16}
  - {key: score, header: 得分, width: 16}
sections:
  - title: 组织领导
    points: 10
    items:
      - number: 1
        requirement: 建立工作台账。
        standard: 缺一项扣1分；不开展活动扣1-2分。
        points: 6
        rules:
          - {id: missing, kind: deduct, text: 缺一项扣1分, amount: 1, per: 项}
          - {id: activity, kind: deduct, text: 不开展活动扣1-2分, range: [1, 2]}
      - number: 2
        requirement: 签订责任书，签订率达到98%。
        standard: 每降低一个百分点扣0.5分。
        points: 4
        rules:
          - {id: rate, kind: shortfall, text: 每降低一个百分点扣0.5分, target: 98, step: 1, amount: 0.5, unit: "%"}
"""

MINI_RECORD = """\
rubric: mini
unit: east
period: 2017-Q1
kind: assessment
date: 2017-03-28
assessors: [周某]
findings:
  - item: 1
    rule: missing
    count: 2
    reason: 缺少两本台账
    date: 2017-03-10
  - item: 1
    rule: activity
    amount: 1.5
    reason: 活动记录不全
  - item: 2
    rule: rate
    value: 95.5
    reason: 签订率95.5%
"""


def write_project(root: Path, config: str = MINI_CONFIG, rubric: str = MINI_RUBRIC,
                  records: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "booklet.yml").write_text(config, encoding="utf-8")
    (root / "rubrics").mkdir(exist_ok=True)
    (root / "rubrics" / "mini.yml").write_text(rubric, encoding="utf-8")
    if records is None:
        records = {"assessments/mini/2017-Q1/east.yml": MINI_RECORD}
    for rel, text in records.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def mini(tmp_path) -> Path:
    """A valid small project: 2 communities, one 10-point rubric, one record."""
    return write_project(tmp_path / "proj")


def copy_example(parent: Path, name: str = "town") -> Path:
    """A copy of the bundled example town (the repository's own project) in
    parent/name."""
    dst = parent / name
    dst.mkdir()
    shutil.copy2(REPO / "booklet.yml", dst / "booklet.yml")
    for part in ("rubrics", "assessments", "templates", "schema"):
        if (REPO / part).exists():
            shutil.copytree(REPO / part, dst / part)
    return dst


@pytest.fixture
def example_copy(tmp_path) -> Path:
    return copy_example(tmp_path)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture(scope="session")
def example_sheets(tmp_path_factory):
    """The example's blank sheets and a unit sheet per rubric, as PDFs (see
    tests/example_pdfs.py): rendered once for every test that reads them."""
    from example_pdfs import build_example_sheets
    return build_example_sheets(tmp_path_factory.mktemp("example-sheets"))

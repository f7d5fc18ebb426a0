"""Incremental PDF builds follow the data (issue 12).

A small project on disk is built clean, one record is changed and the build
runs again on its cache: only the documents and book parts that show the
record are laid out again, and every PDF is byte for byte the PDF that a
clean build of the changed project in another folder writes.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from booklet import paths
from booklet.build import prepare
from booklet.render import booklets, plan
from booklet.render.booklets import build_pdfs

from conftest import MINI_RECORD, write_project

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("qpdf", "pdftotext")),
    reason="qpdf and poppler-utils are needed")

CONFIG = """\
office: 测试镇综治办
title: 测试镇考核
year: 2017
units:
  - {id: east, name: 东门社区, kind: 社区}
  - {id: west, name: 西门社区, kind: 社区}
  - {id: north, name: 北门社区, kind: 社区}
assign:
  - rubric: mini
    units: {kind: 社区}
    periods: [2017-Q1]
"""

WEST = """\
rubric: mini
unit: west
period: 2017-Q1
kind: assessment
date: 2017-03-27
assessors: [周某]
findings: []
"""

NORTH = """\
rubric: mini
unit: north
period: 2017-Q1
kind: assessment
date: 2017-03-26
assessors: [周某]
findings:
  - item: 2
    rule: rate
    value: 97
    reason: 签订率97%
"""

EAST = "assessments/mini/2017-Q1/east.yml"


def project(root: Path) -> Path:
    return write_project(root, config=CONFIG, records={
        EAST: MINI_RECORD,
        "assessments/mini/2017-Q1/west.yml": WEST,
        "assessments/mini/2017-Q1/north.yml": NORTH,
    })


def change_east(root: Path) -> None:
    """One deduction changed: two missing ledgers become three (东门社区 loses 1 point)."""
    p = root / EAST
    text = p.read_text(encoding="utf-8")
    assert "count: 2" in text
    p.write_text(text.replace("count: 2", "count: 3"), encoding="utf-8")


def build(root: Path, clean: bool = False):
    ctx = prepare(root, site_dir=root / "out" / "site", internal_dir=root / "out" / "internal",
                  jobs=1, clean=clean)
    build_pdfs(ctx)
    return ctx, dict(booklets.LAST_STATS)


def pdfs(ctx) -> dict[str, bytes]:
    out = {}
    for base in (Path(ctx.site_dir), Path(ctx.internal_dir)):
        for p in sorted(base.rglob("*.pdf")):
            out[p.relative_to(base.parent).as_posix()] = p.read_bytes()
    return out


@pytest.fixture
def parts_of_one_unit(monkeypatch):
    """Summary books laid out one unit per part, so that a small project has
    a book in parts (the example's have 8 units a part)."""
    monkeypatch.setattr(plan, "UNITS_PER_PART", 1)


def test_one_changed_record_renders_only_what_shows_it_and_matches_a_clean_build(
        tmp_path, parts_of_one_unit):
    a = project(tmp_path / "a")
    first, stats = build(a)
    before = pdfs(first)
    assert len(before) == 8         # 3 sheets, 3 ledgers, 1 summary, 1 blank
    assert stats["rendered"] == 8 and stats["parts_rendered"] == 4   # ranking + 3 units

    change_east(a)
    second, stats = build(a)
    after = pdfs(second)
    site = "site/" + paths.sheet_pdf("mini", "2017-Q1", "east").as_posix()
    ledger = "internal/" + paths.ledger_pdf("mini", "east").as_posix()
    summary = "site/" + paths.summary_pdf("mini", "2017-Q1").as_posix()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {site, ledger, summary}
    # laid out again: the unit's sheet, its ledger, and of the summary book the
    # ranking and the part with the unit's sheet; the other parts come from the cache
    assert sorted(stats["rendered_paths"]) == sorted(
        p.split("/", 1)[1] for p in (site, ledger, summary))
    assert stats["parts_rendered"] == 2 and stats["parts_cached"] == 2

    b = project(tmp_path / "b")
    change_east(b)
    clean, _ = build(b, clean=True)
    fresh = pdfs(clean)
    assert sorted(fresh) == sorted(after)
    for k in fresh:
        assert after[k] == fresh[k], f"{k}: the incremental build differs from a clean build"



def test_a_document_is_the_same_whatever_was_laid_out_before_it(tmp_path, parts_of_one_unit):
    """Long sections split across pages are laid out with the page breaks
    learned from the previous document of the same kind: the bytes must not
    depend on it (on the build's history)."""
    from booklet.render.sample import sample_rubric
    from test_render_pdf import make_ctx

    def ctx_in(name: str):
        return make_ctx(tmp_path / name, rubrics=[sample_rubric(long_section=12)], units=3)
    last = lambda d: d.kind == "sheet" and d.rel.stem == "u2"     # noqa: E731
    alone = ctx_in("alone")
    build_pdfs(alone, only=last)
    assert booklets.LAST_STATS["rendered"] == 1
    everything = ctx_in("all")
    build_pdfs(everything, only=lambda d: d.kind != "blank")
    rel = paths.sheet_pdf("sample", "2017-Q1", "u2")
    assert (alone.site_dir / rel).read_bytes() == (everything.site_dir / rel).read_bytes()
    # the summary book again, each part laid out after a different one
    summary = paths.summary_pdf("sample", "2017-Q1")
    again = ctx_in("again")
    build_pdfs(again, only=lambda d: d.kind == "summary")
    assert (again.site_dir / summary).read_bytes() == (everything.site_dir / summary).read_bytes()


def test_serve_with_pdf_rebuilds_an_edited_record_through_the_cache(tmp_path, capsys):
    """`booklet serve --pdf` rebuilds through the same path: after an edit the
    unit's sheet shows the new score, and only what shows the record is laid out."""
    import subprocess

    from booklet.commands import serve

    root = project(tmp_path / "p")
    state = serve._State()
    assert serve._build(root, True, state)
    sheet = Path(state.site_dir) / paths.sheet_pdf("mini", "2017-Q1", "east")

    def total() -> str:
        text = subprocess.run(["pdftotext", str(sheet), "-"], capture_output=True, text=True,
                              check=True).stdout
        return "".join(text.split())
    # 10 − 2×1 − 1.5 (item 1) − 2×0.5 (item 2: 95.5 %, two whole points under 98 %)
    assert "总分：5.5" in total()
    capsys.readouterr()
    change_east(root)
    assert serve._build(root, True, state)
    assert "总分：4.5" in total()          # a third missing ledger: 1 point more
    # east's sheet, its ledger and the summary book (2 of its 4 parts)
    assert "重新排版 PDF 3 份" in capsys.readouterr().out

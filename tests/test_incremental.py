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
    """Summary books' unit entries laid out one unit a group to begin with
    (the example's: 4), so that a small project has groups to cut or join."""
    monkeypatch.setattr(plan, "UNITS_PER_PART", 1)


def test_one_changed_record_renders_only_what_shows_it_and_matches_a_clean_build(
        tmp_path, parts_of_one_unit):
    a = project(tmp_path / "a")
    first, stats = build(a)
    before = pdfs(first)
    assert len(before) == 8         # 3 sheets, 3 ledgers, 1 summary, 1 blank
    # every ledger: contents with placeholder numbers, the quarter, contents
    # with its numbers (3 × 3); the summary: contents twice, ranking, matrix,
    # and the unit entries, tried in groups of 1, 2 and 3 (all on one page:
    # no entry after the first begins a page, so no group can end before it)
    assert stats["rendered"] == 8 and stats["parts_rendered"] == 3 * 3 + 7

    change_east(a)
    second, stats = build(a)
    after = pdfs(second)
    site = "site/" + paths.sheet_pdf("mini", "2017-Q1", "east").as_posix()
    ledger = "internal/" + paths.ledger_pdf("mini", "east").as_posix()
    summary = "site/" + paths.summary_pdf("mini", "2017-Q1").as_posix()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {site, ledger, summary}
    # laid out again: the unit's sheet, of its ledger the quarter, of the
    # summary book the ranking, the matrix and the group with the unit (east
    # is third, the groups of the first one and two units come from the
    # cache); no page moved, so both contents come from the cache
    assert sorted(stats["rendered_paths"]) == sorted(
        p.split("/", 1)[1] for p in (site, ledger, summary))
    assert stats["parts_rendered"] == 1 + 3 and stats["parts_cached"] == 2 + 4

    b = project(tmp_path / "b")
    change_east(b)
    clean, _ = build(b, clean=True)
    fresh = pdfs(clean)
    assert sorted(fresh) == sorted(after)
    for k in fresh:
        assert after[k] == fresh[k], f"{k}: the incremental build differs from a clean build"



def kept_html(ctx) -> dict[str, bytes]:
    """The print HTML kept beside (or, for published PDFs, apart from) each PDF."""
    base = Path(ctx.internal_dir).parent
    return {p.relative_to(base).as_posix(): p.read_bytes()
            for d in (Path(ctx.site_dir), Path(ctx.internal_dir)) for p in sorted(d.rglob("*.html"))}


def test_unchanged_documents_take_their_html_from_the_cache_and_a_revert_restores_every_byte(
        tmp_path):
    """The print HTML of a document whose template inputs did not change comes
    from the HTML cache (nothing is rendered with Jinja for it); the kept HTML
    and the PDFs are still those of a clean build. PDFs are copied from the
    PDF cache into the output: writing the next build over them must not
    change the cached files, so going back to the old record gives back the
    first build's bytes."""
    a = project(tmp_path / "a")
    first, stats = build(a)
    assert stats["documents"] == 8 and stats["html_cached"] == 0 and stats["html_unkeyed"] == 0
    before, before_html = pdfs(first), kept_html(first)
    original = (a / EAST).read_text(encoding="utf-8")

    change_east(a)
    second, stats = build(a)
    # east's sheet, east's ledger and the summary show the changed deduction
    assert stats["html_cached"] == 8 - 3
    b = project(tmp_path / "b")
    change_east(b)
    clean, _ = build(b, clean=True)
    assert kept_html(second) == kept_html(clean)
    assert pdfs(second) == pdfs(clean)

    # back to the old record: the first build's output is replayed from the
    # caches; then a third deduction is built over those copies
    (a / EAST).write_text(original, encoding="utf-8")
    third, stats = build(a)
    assert stats.get("fast") and stats["rendered"] == 0
    assert kept_html(third) == before_html and pdfs(third) == before
    (a / EAST).write_text(original.replace("count: 2", "count: 4"), encoding="utf-8")
    fourth, stats = build(a)
    assert not stats.get("fast") and stats["html_cached"] == 8 - 3
    sheet = "site/" + paths.sheet_pdf("mini", "2017-Q1", "east").as_posix()
    assert pdfs(fourth)[sheet] != before[sheet]
    (a / EAST).write_text(original, encoding="utf-8")
    fifth, _ = build(a)
    assert kept_html(fifth) == before_html
    assert pdfs(fifth) == before


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
    # east's sheet, its ledger (1 part) and the summary book (3 parts)
    assert "重新排版 PDF 3 份" in capsys.readouterr().out


# ---------------------------------------------------------------- a long summary

LONG_UNITS = [(f"u{n:02d}", f"第{n + 1}社区") for n in range(10)]


def long_project(root: Path) -> Path:
    """Ten units whose summary entries each take about a third of a page, so
    that the groups of unit entries are cut where an entry begins a page."""
    units = "\n".join(f"  - {{id: {uid}, name: {name}, kind: 社区}}" for uid, name in LONG_UNITS)
    config = (CONFIG.split("units:\n")[0] + "units:\n" + units + "\nassign:"
              + CONFIG.split("assign:")[1])
    records = {}
    for n, (uid, _) in enumerate(LONG_UNITS):
        reason = f"第{n + 1}次走访：" + "台账记录缺失、活动记录不全、排班表未按月更新，" * (4 + n % 3)
        records[f"assessments/mini/2017-Q1/{uid}.yml"] = (
            MINI_RECORD.replace("unit: east", f"unit: {uid}")
            .replace("count: 2", f"count: {1 + n % 4}")
            .replace("reason: 缺少两本台账", f"reason: {reason}")
            .replace("reason: 活动记录不全", f"reason: {reason}"))
    return write_project(root, config=config, records=records)


def build_summary(root: Path, clean: bool = False) -> tuple[bytes, dict]:
    ctx = prepare(root, site_dir=root / "out" / "site", internal_dir=root / "out" / "internal",
                  jobs=1, clean=clean)
    [pdf] = build_pdfs(ctx, only=lambda d: d.kind == "summary")
    return pdf.read_bytes(), dict(booklets.LAST_STATS)


def page_texts(pdf: bytes, tmp: Path) -> list[str]:
    import subprocess
    f = tmp / "book.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def test_a_long_summary_in_parts_has_its_contents_right_and_matches_a_clean_build(
        tmp_path, monkeypatch):
    import re
    # groups of 4 units, so that the 10 units make several groups to try and cut
    monkeypatch.setattr(plan, "UNITS_PER_PART", 4)
    a = long_project(tmp_path / "a")
    first, stats = build_summary(a)
    pages = page_texts(first, tmp_path)
    # the contents name every unit with the page its entry begins on
    toc = "".join(p for p in pages if "目" in p and "录" in p)
    starts = {}
    for _, name in LONG_UNITS:
        m = re.search(rf"{name}\s*\.*\s*(\d+)\s", toc)
        assert m, name
        starts[name] = int(m.group(1))
        head = [n for n, t in enumerate(pages, 1) if re.search(rf"^\s*{name}\s+(名次|总分)", t, re.M)]
        assert head and head[0] == starts[name], (name, head, starts[name])
    assert len(set(starts.values())) > 3          # the entries run over several pages
    # groups were tried and cut: more unit parts laid out than parts kept
    assert stats["parts_rendered"] > 6

    change_count = lambda root: (root / "assessments/mini/2017-Q1/u05.yml").write_text(  # noqa: E731
        (root / "assessments/mini/2017-Q1/u05.yml").read_text(encoding="utf-8")
        .replace("count: 2", "count: 4"), encoding="utf-8")
    change_count(a)
    second, stats = build_summary(a)
    assert second != first
    assert stats["parts_cached"] > 0              # some parts did not show the record
    b = long_project(tmp_path / "b")
    change_count(b)
    clean, _ = build_summary(b, clean=True)
    assert second == clean, "the incremental build differs from a clean build"


def test_a_summary_in_parts_looks_like_the_book_laid_out_as_one_document(tmp_path, monkeypatch):
    """The same book laid out in parts and as one document: the same pixels
    at 100 dpi, page for page."""
    import subprocess
    monkeypatch.setattr(plan, "UNITS_PER_PART", 4)      # several groups, cut and joined
    a = long_project(tmp_path / "a")
    parts, _ = build_summary(a)
    monkeypatch.setattr(plan, "qpdf_available", lambda: False)
    b = long_project(tmp_path / "b")
    one, stats = build_summary(b)
    assert stats["parts_rendered"] == 0
    images = {}
    for name, pdf in (("parts", parts), ("one", one)):
        f = tmp_path / f"{name}.pdf"
        f.write_bytes(pdf)
        (tmp_path / name).mkdir()
        subprocess.run(["pdftoppm", "-r", "100", "-png", str(f), str(tmp_path / name / "p")],
                       check=True)
        images[name] = sorted((tmp_path / name).glob("*.png"))
    assert len(images["parts"]) == len(images["one"]) > 4
    for x, y in zip(images["parts"], images["one"]):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_a_published_pdf_edited_in_place_does_not_reach_the_cache(tmp_path):
    """An office may open a published PDF and save it in place (or a sync tool
    may rewrite it). The next build must still write the PDF a clean build
    writes: outputs are copies of the cache entries, never hard links to them."""
    a = project(tmp_path / "a")
    first, _ = build(a)
    before = pdfs(first)
    west = Path(first.site_dir) / paths.sheet_pdf("mini", "2017-Q1", "west")
    with open(west, "r+b") as f:                 # same file, new bytes
        f.seek(200)
        f.write(b"EDITED BY HAND")
    change_east(a)                               # west's sheet does not change
    second, stats = build(a)
    assert stats["rendered"] >= 1
    key = "site/" + paths.sheet_pdf("mini", "2017-Q1", "west").as_posix()
    assert pdfs(second)[key] == before[key]

"""The annual ledger book (台账) a town office binds, signs and files (issue 15):
one hutang-2017 unit's ledger built through the real renderer and read back
with pdftotext, page by page.

* each monthly inspection (月督查) has its own entry: date (2017年7月16日, no
  leading zeros), inspectors, findings or 未发现问题, a blank signature block;
  the contents name it with the page it is on;
* each part (a quarter, the year, 附件) starts on an odd page, and the blank
  verso before it carries no page number;
* a detail table with no evidence has no 证据 column;
* no name from the records stands on a 签名 line.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from booklet.build import prepare
from booklet.render.booklets import build_pdfs
from booklet.textfmt import fmt_date

ROOT = Path(__file__).resolve().parent.parent
UNIT = "hutang-01"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")),
    reason="poppler-utils is needed to read PDFs back")


def pages_of(pdf: Path) -> list[str]:
    """The text of every page (pdftotext -layout), index 0 = page 1."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, n + 1)]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def number_on(page_text: str) -> int | None:
    """The printed page number "— N —" of a page, None when it has none."""
    m = re.search(r"—\s*(\d+)\s*—\s*$", page_text.strip())
    return int(m.group(1)) if m else None


def _pick(d) -> bool:
    return (d.kind == "ledger" and d.context["rubric"].id == "hutang-2017"
            and d.rel.stem == UNIT)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    out = tmp_path_factory.mktemp("ledger")
    ctx = prepare(ROOT, site_dir=out / "site", internal_dir=out / "internal", jobs=1)
    docs = []

    def pick(d) -> bool:
        if _pick(d):
            docs.append(d)
            return True
        return False
    pdfs = build_pdfs(ctx, only=pick)
    assert len(pdfs) == 1
    inspections = sorted((r for r in ctx.project.records_for("hutang-2017", UNIT)
                          if r.kind == "inspection"), key=lambda r: r.date)
    return {"pdf": pdfs[0], "pages": pages_of(pdfs[0]), "doc": docs[0],
            "inspections": inspections, "ctx": ctx}


def contents(pages: list[str]) -> dict[str, int]:
    """The contents page(s): entry text (squashed) -> page number."""
    toc = {}
    for text in pages[:6]:
        if "目" not in text or "录" not in text:
            continue
        for line in text.splitlines():
            m = re.match(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", line)
            if m:
                toc[squash(m.group(1))] = int(m.group(2))
    return toc


def test_every_inspection_is_in_the_contents_on_the_page_it_names(ledger):
    pages, recs = ledger["pages"], ledger["inspections"]
    assert len(recs) == 12                      # seed 001: 月督查, one a month
    toc = contents(pages)
    for rec in recs:
        day = fmt_date(rec.date)
        assert not re.search(r"年0|月0", day)
        entry = f"{rec.date.year}年{rec.date.month}月督查（{day}）"
        assert entry in toc, f"{entry} not in the contents: {sorted(toc)}"
        page = pages[toc[entry] - 1]
        flat = squash(page)
        # the entry itself: heading, date, every inspector, on that page
        assert f"{rec.date.year}年{rec.date.month}月督查" in flat
        assert day in flat
        for name in rec.assessors:
            assert squash(name) in flat, (entry, name)
        assert number_on(page) == toc[entry]


def test_inspection_without_findings_prints_none_found(ledger):
    pages, recs = ledger["pages"], ledger["inspections"]
    toc = contents(pages)
    clean = [r for r in recs if not r.findings]
    found = [r for r in recs if r.findings]
    assert clean and found
    for rec in clean + found:
        day = fmt_date(rec.date)
        flat = squash(pages[toc[f"{rec.date.year}年{rec.date.month}月督查（{day}）"] - 1])
        # the entry's own text: from its heading to the next heading
        own = flat[flat.index(f"{rec.date.year}年{rec.date.month}月督查"):]
        own = re.split(r"\d{4}年\d{1,2}月督查", own[4:])[0]
        if rec.findings:
            assert "未发现问题" not in own
            for f in rec.findings:
                assert squash(f.reason)[:12] in own
        else:
            assert "督查情况未发现问题" in own


def test_quarter_sheet_refers_to_its_inspections(ledger):
    pages, recs = ledger["pages"], ledger["inspections"]
    toc = contents(pages)
    q3 = [r for r in recs if r.period in ("2017-07", "2017-08", "2017-09")]
    dates = "、".join([fmt_date(q3[0].date)] + [f"{r.date.month}月{r.date.day}日" for r in q3[1:]])
    first = toc[f"2017年7月督查（{fmt_date(q3[0].date)}）"]
    text = "".join(squash(p) for p in pages[toc["2017年第三季度考核"] - 1:toc["加扣分明细"] + 40])
    assert f"本季度月督查：{dates}，见第{first}页。" in text


def test_parts_start_on_odd_pages_after_an_unnumbered_blank(ledger):
    pages = ledger["pages"]
    toc = contents(pages)
    parts = [k for k in toc if re.fullmatch(r"2017年(第.季度|度)考核|附件", k)]
    assert len(parts) == 6
    blanks = 0
    for k in parts:
        start = toc[k]
        assert start % 2 == 1, f"{k} starts on page {start}"
        assert number_on(pages[start - 1]) == start
        before = pages[start - 2]
        if not before.strip():
            blanks += 1
        else:
            assert number_on(before) == start - 1
    assert blanks >= 1                          # some part needed a blank verso
    # every page that has text has its number; a blank page has nothing at all
    for n, text in enumerate(pages[2:], 3):
        if squash(text):
            assert number_on(text) == n, f"page {n}"
    assert any(not squash(t) for t in pages[2:])


def test_detail_table_without_evidence_has_no_evidence_column(ledger):
    pages = ledger["pages"]
    parts = ledger["doc"].context["parts"]
    with_ev = [p for p in parts if p["adjustments"] and p["evidence"]]
    without = [p for p in parts if p["adjustments"] and not p["evidence"]]
    assert with_ev and without
    html = ledger["doc"].html
    starts = sorted(m.start() for m in re.finditer(r'<section class="part', html))
    for p in parts:
        if not p["adjustments"]:
            continue
        a = html.index(f'id="{p["anchor"]}"')
        b = next((s for s in starts if s > a), len(html))
        part_html = html[a:b]
        detail = part_html[part_html.index('<table class="details ledger-details'):]
        detail = detail[:detail.index("</table>")]
        assert ("<th>证据</th>" in detail) == p["evidence"], p["heading"]
    # and on paper: the pages of the year's table (no evidence) have no 证据
    toc = contents(pages)
    year_detail = [k for k in toc if k == "加扣分明细"]
    assert year_detail
    year = next(p for p in parts if p["period"] == "2017")
    if not year["evidence"]:
        first = toc["2017年度考核"]
        last = toc["附件"] - 1
        table_pages = [t for t in pages[first - 1:last] if "规则" in t and "原因" in t]
        assert table_pages
        for t in table_pages:
            assert "证据" not in squash(t)


def test_no_name_on_a_signature_line(ledger):
    pages, recs = ledger["pages"], ledger["inspections"]
    ctx = ledger["ctx"]
    names = set()
    for r in ctx.project.records_for("hutang-2017", UNIT):
        names.update(n.split()[-1] for n in r.assessors)
        names.update(r.signatures.assessors or ())
        if r.signatures.leader:
            names.add(r.signatures.leader)
    assert len(names) >= 3
    sign_lines = [line for t in pages for line in t.splitlines() if "签名" in line]
    # each inspection entry has its two signature blanks
    assert sum("督查人员签名" in line for line in sign_lines) == len(recs)
    for line in sign_lines:
        # label：value pairs of the line; a 签名 field's value is its blank line
        parts = re.split(r"(\S+?[:：])", line)
        for label, value in zip(parts[1::2], parts[2::2]):
            if "签名" in label:
                assert not value.strip(), line
                assert not any(n in value for n in names), line
    # the positive control: who assessed is printed, in its own field
    assert any("考核人员：" in squash(t) for t in pages)


def test_a_part_laid_out_from_an_even_page_starts_with_a_blank_verso(tmp_path):
    """A ledger laid out in parts (merge.py: each part told its start page):
    a part that would start on an even page gets an unnumbered blank page
    first, so its content still starts on a recto."""
    from booklet.buildctx import BuildContext
    from booklet.render.env import THEME_DIR, make_env
    from booklet.render.fetcher import SafeFetcher
    from booklet.render.pdf import Renderer, RenderJob, RenderSettings
    from booklet.render.plan import plan_documents
    from booklet.render.sample import sample_project, sample_rubric
    from booklet.render.write import html_for, load_css, render_html

    project, results = sample_project(tmp_path / "proj", rubrics=[sample_rubric()], units=1,
                                      periods=("2017-Q1",), photo=False)
    ctx = BuildContext(project, results, tmp_path / "site", tmp_path / "internal",
                       tmp_path / "cache", jobs=1, progress=False)
    env = make_env(Path(project.root))
    doc = next(d for d in plan_documents(ctx) if d.kind == "ledger")
    doc.html = render_html(env, doc)
    css = load_css(env)
    settings = RenderSettings(css, THEME_DIR.joinpath("print").as_uri() + "/",
                              [Path(project.root), THEME_DIR, tmp_path])
    renderer = Renderer(settings)
    job = RenderJob(0, html_for(env, doc), doc.html_path.resolve().as_uri(), doc.origin, "k")
    for start in (4, 5):
        fetcher = SafeFetcher(settings.roots, job.origin, renderer.css_origins)
        pdf = tmp_path / f"from-{start}.pdf"
        pdf.write_bytes(renderer._layout(job, fetcher, 1, start).write_pdf())
        pages = pages_of(pdf)
        first_text = next(i for i, t in enumerate(pages) if squash(t))
        if start % 2:
            assert first_text == 0              # odd: the part begins at once
        else:
            assert first_text == 1 and not squash(pages[0])   # blank, unnumbered
        # the contents page carries its running, odd number
        toc = next(i for i, t in enumerate(pages) if "目" in t and "录" in t)
        assert number_on(pages[toc]) == start + toc
        assert (start + toc) % 2 == 1


def test_detail_rows_are_grouped_under_their_inspection_or_assessment(ledger):
    """Date and who assessed stand once, in the group's heading row, not on
    every row: the first quarter's table has the assessment's group and the
    February inspection's (the month with findings), each named once."""
    pages, recs = ledger["pages"], ledger["inspections"]
    toc = contents(pages)
    q1 = "".join(squash(p) for p in pages[toc["2017年第一季度考核"] - 1:toc["2017年第二季度考核"] - 1])
    table = q1[q1.index("加扣分明细"):q1.index("2017年1月督查被督查单位")]
    feb = next(r for r in recs if r.period == "2017-02")
    assert feb.findings
    head = f"2017年2月督查{fmt_date(feb.date)}督查人员：{squash('、'.join(feb.assessors))}"
    assert table.count(head) == 1
    assessment = next(r for r in ledger["ctx"].project.records_for("hutang-2017", UNIT, "2017-Q1")
                      if r.kind == "assessment")
    people = squash("、".join(assessment.assessors))
    assert table.count(f"2017年第一季度考核{fmt_date(assessment.date)}考核人员：{people}") == 1
    assert table.count(people) == 1 and table.count(fmt_date(assessment.date)) == 1
    assert "考核人" not in table.replace("考核人员：", "")   # no 考核人 column any more


def test_no_page_carries_only_a_stray_line_or_two(ledger):
    """Issue 15: no page of the bound ledger carries only one to three lines of
    a table or of notes (blank versos have no text and do not count)."""
    from pdfpages import sparse_pages
    assert not sparse_pages(ledger["pdf"]), [str(p) for p in sparse_pages(ledger["pdf"])]

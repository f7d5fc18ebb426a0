"""PDF booklets read back with poppler (pdftotext, pdffonts, pdfinfo) and qpdf.

A small synthetic project (booklet.render.sample: a portrait rubric with a
long section, a landscape one and a deduction-only one) is rendered once per
module; each test reads the files back.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from booklet import paths
from booklet.buildctx import BuildContext
from booklet.render import booklets, plan
from booklet.render.booklets import build_pdfs
from booklet.render.env import THEME_DIR
from booklet.render.sample import sample_project, sample_rubric

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "qpdf")),
    reason="poppler-utils and qpdf are needed to read PDFs back")


def text(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else [])
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(s: str) -> str:
    """Text without any whitespace (table cells wrap anywhere)."""
    return re.sub(r"\s+", "", s)


MM = 72 / 25.4


def column_text(pdf: Path, rubric, key: str) -> str:
    """The squashed text of one column of a portrait score sheet, page after
    page (cropping each page to the column: odd pages have the 28 mm binding
    margin on the left, even pages 26 mm)."""
    from booklet.render.layout import fit_columns
    cols = fit_columns(rubric)
    i = [c.key for c in cols].index(key)
    x0 = float(sum(c.width for c in cols[:i]))
    w = float(cols[i].width)
    out = []
    for p in range(1, int(pdfinfo(pdf)["Pages"]) + 1):
        left = 28 if p % 2 else 26
        args = ["pdftotext", "-f", str(p), "-l", str(p), "-x", str(int((left + x0) * MM) + 1),
                "-y", "0", "-W", str(int(w * MM) - 1), "-H", "842", str(pdf), "-"]
        out.append(squash(subprocess.run(args, capture_output=True, text=True).stdout))
    return "".join(out)


def pdfinfo(pdf: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    data = json.loads(subprocess.run(["qpdf", "--json=2", "--json-key=outlines", str(pdf)],
                                     capture_output=True, text=True, check=True).stdout)
    out = []

    def walk(items, level):
        for it in items:
            out.append((level, it["title"], it["destpageposfrom1"]))
            walk(it["kids"], level + 1)
    walk(data["outlines"], 1)
    return out


def make_ctx(root: Path, rubrics=None, units=2, periods=("2017-Q1",), **kw) -> BuildContext:
    rubrics = rubrics or [sample_rubric(long_section=12), sample_rubric("landscape"),
                          sample_rubric("deduction")]
    project, results = sample_project(root / "proj", rubrics=rubrics, units=units,
                                      periods=periods)
    return BuildContext(project, results, root / "out" / "site", root / "out" / "internal",
                        root / "cache", jobs=kw.pop("jobs", 1), progress=False, **kw)


def selected(d) -> bool:
    """A few documents: enough to look at every kind and orientation."""
    if d.kind == "blank":
        return True
    if d.kind == "sheet":
        return d.rel.parts[2] in ("sample", "sample-land") and d.rel.stem == "u0"
    if d.kind == "ledger":
        return d.rel.parts[1] == "sample" and d.rel.stem == "u0"
    if d.kind == "summary":
        return d.rel.stem.startswith("sample-2017")
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    ctx = make_ctx(root)
    out = build_pdfs(ctx, only=selected)
    return ctx, out, dict(booklets.LAST_STATS)


def html_of(ctx, pdf: Path) -> Path:
    """Where the print HTML of a PDF is kept (always in the internal output)."""
    try:
        rel = pdf.relative_to(ctx.site_dir)
    except ValueError:
        return pdf.with_suffix(".html")
    return (ctx.internal_dir / "print-html" / rel).with_suffix(".html")


def sheet_path(ctx, rubric="sample", unit="u0", period="2017-Q1") -> Path:
    return ctx.site_dir / paths.sheet_pdf(rubric, period, unit)


# ---------------------------------------------------------------- content

def test_every_document_is_written_with_its_html(built):
    ctx, out, stats = built
    assert stats["rendered"] == len(out) == 7
    for pdf in out:
        assert pdf.read_bytes().startswith(b"%PDF-")
        html = html_of(ctx, pdf)
        assert html.is_file()
        m = re.search(r'<link rel="stylesheet" href="([^"]+)">', html.read_text())
        assert m and not m.group(1).startswith(("/", "file:"))
        assert (html.parent / m.group(1)).resolve().is_file()   # relative, inside the output
    assert (ctx.internal_dir / paths.ledger_pdf("sample", "u0")).is_file()
    assert (ctx.site_dir / paths.blank_pdf("sample-land")).is_file()
    # the print HTML of published PDFs is linked from nowhere: kept internal
    assert not list(ctx.site_dir.rglob("*.html")) and not list(ctx.site_dir.rglob("*.css"))
    assert (ctx.internal_dir / "print-html" / paths.blank_pdf("sample-land")
            ).with_suffix(".html").is_file()


def test_filled_sheet_has_every_item_wording_unit_and_total(built):
    ctx, _, _ = built
    pdf = sheet_path(ctx)
    body = squash(text(pdf))
    rubric = ctx.project.rubrics["sample"]
    requirement = column_text(pdf, rubric, "requirement")
    standard = column_text(pdf, rubric, "standard")
    for item in rubric.items:
        assert squash(item.requirement) in requirement, item.id
        assert squash(item.standard) in standard, item.id
    res = next(r for r in ctx.results
               if (r.rubric_id, r.unit_id, r.period) == ("sample", "u0", "2017-Q1"))
    assert res.unit_name in body
    from booklet.textfmt import fmt_points
    assert f"总分：{fmt_points(res.total)}" in body
    assert "合计" in body and "一票否决" in body
    assert "被考核社区负责人签名" in body


def test_page_one_ends_with_its_number(built):
    ctx, _, _ = built
    for pdf in (sheet_path(ctx), ctx.site_dir / paths.blank_pdf("sample")):
        assert text(pdf, 1, layout=True).rstrip().endswith("— 1 —")
    assert text(sheet_path(ctx), 2, layout=True).rstrip().endswith("— 2 —")


def test_only_embedded_cjk_fonts(built):
    ctx, out, _ = built
    for pdf in out:
        rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                              check=True).stdout.splitlines()[2:]
        assert rows, pdf
        for row in rows:
            cols = row.split()
            assert "CJK" in cols[0], row
            emb = cols[-5]
            assert emb == "yes", row
        names = " ".join(r.split()[0] for r in rows)
        assert "Serif-CJK-SC" in names


def test_metadata_title_author_lang(built):
    ctx, _, _ = built
    info = pdfinfo(sheet_path(ctx))
    # the author is the office that issued the rubric, not the project office
    assert info["Author"].strip() == "示例街道"
    assert ctx.project.config.office not in info["Author"]
    assert "新华社区" in info["Title"]
    assert info["CreationDate"].strip().startswith(("Mon Mar", "Tue Mar", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat", "Sun"))
    assert "2017" in info["CreationDate"]
    cat = subprocess.run(["qpdf", "--show-object=trailer", str(sheet_path(ctx))],
                         capture_output=True, text=True).stdout
    root = re.search(r"/Root (\d+) 0 R", cat).group(1)
    catalog = subprocess.run(["qpdf", f"--show-object={root}", str(sheet_path(ctx))],
                             capture_output=True, text=True).stdout
    assert "/Lang (zh-CN)" in catalog


def test_qpdf_check_passes(built):
    _, out, _ = built
    for pdf in out:
        proc = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ledger_outline_cover_contents_periods(built):
    ctx, _, _ = built
    pdf = ctx.internal_dir / paths.ledger_pdf("sample", "u0")
    tree = outline(pdf)
    titles = [(lvl, t) for lvl, t, _ in tree]
    assert titles[:2] == [(1, "封面"), (1, "目录")]
    assert (1, "2017年第一季度考核") in titles
    assert (2, "加扣分明细") in titles
    # the contents page gives the real page of the period
    page_of = {t: p for _, t, p in tree}
    toc = text(pdf, page_of["目录"], layout=True)
    m = re.search(r"2017年第一季度考核\s*\.+\s*(\d+)", toc)
    assert m and int(m.group(1)) == page_of["2017年第一季度考核"]
    cover = squash(text(pdf, 1))
    # the office that issued the rubric (issue 15), not the project's office
    for word in ("示例街道", "新华社区", "2017年", "第1册共2册", "考核台账"):
        assert word in cover
    assert "示例镇综合治理办公室" not in cover
    assert "— 1 —" not in text(pdf, 1)          # no number on the cover


def test_summary_outline_and_ranking(built):
    ctx, _, _ = built
    pdf = ctx.site_dir / paths.summary_pdf("sample", "2017-Q1")
    tree = outline(pdf)
    assert [t for lvl, t, _ in tree if lvl == 1] == [
        "封面", "目录", "考核排名", "分项得分表", "各单位得失分说明"]
    units = [t for lvl, t, _ in tree if lvl == 2]
    assert sorted(units) == sorted(u.name for u in ctx.project.config.units)
    ranking = next(p for lvl, t, p in tree if t == "考核排名")
    page = squash(text(pdf, ranking))
    for word in ("名次", "单位", "总分"):
        assert word in page


def test_long_section_keeps_its_label_on_every_page(built):
    ctx, _, _ = built
    pdf = ctx.site_dir / paths.blank_pdf("sample")
    pages = int(pdfinfo(pdf)["Pages"])
    assert pages >= 3
    rubric = ctx.project.rubrics["sample"]
    long_sec = rubric.sections[1]
    label_chars = squash(long_sec.print_label.split("（")[0])     # 制度建设
    for p in range(2, pages + 1):
        page = squash(text(pdf, p))
        numbers = [it.number for it in long_sec.items if squash(it.requirement)[:12] in page]
        if numbers:
            assert label_chars in page, f"page {p} lost the section label"


def test_landscape_pages(built):
    ctx, _, _ = built
    pdf = ctx.site_dir / paths.blank_pdf("sample-land")
    size = pdfinfo(pdf)["Page size"]
    w, h = (float(x) for x in re.findall(r"[\d.]+", size)[:2])
    assert w > h
    assert "— 1 —" in text(pdf, 1)


# ---------------------------------------------------------------- build behaviour

def test_identical_input_gives_identical_bytes_and_cache_hits(tmp_path):
    only = lambda d: d.kind == "blank" and d.rel.stem == "sample-ded"   # noqa: E731
    a = make_ctx(tmp_path / "a", rubrics=[sample_rubric("deduction")], units=1)
    pa = build_pdfs(a, only=only)[0].read_bytes()
    b = make_ctx(tmp_path / "b", rubrics=[sample_rubric("deduction")], units=1)
    pb = build_pdfs(b, only=only)[0].read_bytes()
    assert pa == pb
    # no change: nothing rendered again, same bytes
    again = make_ctx(tmp_path / "a", rubrics=[sample_rubric("deduction")], units=1)
    again.site_dir = tmp_path / "a" / "out2" / "site"
    pc = build_pdfs(again, only=only)[0].read_bytes()
    assert booklets.LAST_STATS["rendered"] == 0 and pc == pa
    # clean ignores the cache
    again.clean = True
    build_pdfs(again, only=only)
    assert booklets.LAST_STATS["rendered"] == 1


def test_pdfa_variant(tmp_path):
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric("deduction")], units=1,
                   pdf_variant="pdf/a-2b")
    pdf = build_pdfs(ctx, only=lambda d: d.kind == "blank")[0]
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    assert b"pdfaid" in subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf),
                                        "-"], capture_output=True).stdout


def test_project_template_overrides_the_theme(tmp_path):
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric("deduction")], units=1)
    theme = Path(THEME_DIR) / "print" / "blank.html"
    custom = Path(ctx.project.root) / "templates" / "print" / "blank.html"
    custom.parent.mkdir(parents=True)
    custom.write_text(theme.read_text().replace(
        "{{ sheet_table(sheet, breaks) }}",
        "<p>本表由自定义模板打印</p>\n{{ sheet_table(sheet, breaks) }}"), encoding="utf-8")
    pdf = build_pdfs(ctx, only=lambda d: d.kind == "blank")[0]
    assert "本表由自定义模板打印" in squash(text(pdf))


def test_big_summary_is_laid_out_in_parts_with_running_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "UNITS_PER_PART", 1)
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric()], units=3)
    pdf = build_pdfs(ctx, only=lambda d: d.kind == "summary")[0]
    n = int(pdfinfo(pdf)["Pages"])
    for p in range(1, n + 1):
        page = text(pdf, p, layout=True).rstrip()
        if p == 1 or not page:              # the cover and its blank back: no number
            assert "—" not in page
        else:
            assert page.endswith(f"— {p} —"), p
    tree = outline(pdf)
    assert [t for lvl, t, _ in tree if lvl == 2] == [r.unit_name for r in sorted(
        ctx.results, key=lambda r: r.rank)]
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


def test_no_pdf_writes_html_only(tmp_path):
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric("deduction")], units=1, pdf=False)
    out = build_pdfs(ctx)
    assert out and all(p.suffix == ".html" for p in out)
    assert not list(ctx.site_dir.rglob("*.pdf"))


def test_rebuild_without_change_copies_the_last_output(tmp_path):
    """With the same build id (same inputs), nothing is planned or rendered."""
    def ctx_for(out: str) -> BuildContext:
        ctx = make_ctx(tmp_path, rubrics=[sample_rubric("deduction")], units=1,
                       build_id="same-inputs")
        ctx.site_dir, ctx.internal_dir = tmp_path / out / "site", tmp_path / out / "internal"
        return ctx
    first = build_pdfs(ctx_for("one"))
    assert booklets.LAST_STATS["rendered"] == len(first) and "fast" not in booklets.LAST_STATS
    second = build_pdfs(ctx_for("two"))
    assert booklets.LAST_STATS.get("fast") and booklets.LAST_STATS["rendered"] == 0
    assert booklets.LAST_STATS["rendered_paths"] == [] and booklets.LAST_STATS["pages_rendered"] == 0
    rel = lambda ps, out: sorted(p.relative_to(tmp_path / out) for p in ps)  # noqa: E731
    assert rel(first, "one") == rel(second, "two")
    for a in first:
        b = tmp_path / "two" / a.relative_to(tmp_path / "one")
        assert a.read_bytes() == b.read_bytes()
        ha, hb = html_of(ctx_for("one"), a), html_of(ctx_for("two"), b)
        assert ha.read_bytes() == hb.read_bytes()
    assert (tmp_path / "two" / "internal" / "print-html" / "pdf" / "print.css").is_file()
    assert not list((tmp_path / "two" / "site").rglob("*.html"))


def test_each_unit_sheet_is_laid_out_alone_and_reads_as_printed_alone(tmp_path):
    """Every unit sheet is its own job (no batch: its bytes depend on its own
    data only, see test_incremental.py), numbered from 1, with its own title,
    author and outline."""
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric(long_section=8), sample_rubric("landscape")],
                   units=3)
    out = build_pdfs(ctx, only=lambda d: d.kind == "sheet")
    assert booklets.LAST_STATS["jobs"] == 6 and len(out) == 6      # one job per sheet
    for res in ctx.results:
        pdf = ctx.site_dir / paths.sheet_pdf(res.rubric_id, res.period, res.unit_id)
        n = int(pdfinfo(pdf)["Pages"])
        for p in range(1, n + 1):
            if res.rubric_id == "sample-land":     # turned number in the left margin
                assert squash(f"— {p} —") in squash(text(pdf, p)), (pdf, p)
            else:
                assert text(pdf, p, layout=True).rstrip().endswith(f"— {p} —"), (pdf, p)
        body = squash(text(pdf))
        assert res.unit_name in body
        others = [r.unit_name for r in ctx.results
                  if r.rubric_id == res.rubric_id and r.unit_id != res.unit_id]
        assert not any(f"单位：{o}" in body for o in others)
        info = pdfinfo(pdf)
        # the author is the office that issued the rubric (issue 15)
        issuer = ctx.project.rubrics[res.rubric_id].issuer
        assert res.unit_name in info["Title"] and issuer and info["Author"].strip() == issuer
        assert [t for _, t, _ in outline(pdf)] == [ctx.project.rubrics[res.rubric_id].title]
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    land = ctx.site_dir / paths.sheet_pdf("sample-land", "2017-Q1", "u1")
    w, h = (float(x) for x in re.findall(r"[\d.]+", pdfinfo(land)["Page size"])[:2])
    assert w > h


def test_sheets_of_one_rubric_share_the_page_breaks_they_learn(tmp_path):
    """A long section's merged cell split where a page begins needs a second
    layout the first time; the sheets of the other units of the same rubric
    have the same rows under the same keys, so they are laid out once."""
    ctx = make_ctx(tmp_path, rubrics=[sample_rubric(long_section=30)], units=4)
    build_pdfs(ctx, only=lambda d: d.kind == "sheet")
    assert booklets.LAST_STATS["jobs"] == 4
    assert booklets.LAST_STATS["extra_passes"] == 1
    pdf = ctx.site_dir / paths.sheet_pdf("sample", "2017-Q1", "u3")
    rubric = ctx.project.rubrics["sample"]
    label = squash(rubric.sections[1].print_label.split("（")[0])
    pages = int(pdfinfo(pdf)["Pages"])
    assert pages >= 2
    for p in range(2, pages + 1):
        page = squash(text(pdf, p))
        if any(squash(it.requirement)[:12] in page for it in rubric.sections[1].items):
            assert label in page, f"page {p} lost the section label"

"""What an office checks on the printed books of the example project (issue 15):
the PDFs read back with pdftotext / pdfinfo, and the text of every page.

A few documents of the example are rendered once per module (the blank
sheets of seeds 001 and 003, unit sheets of both, the 003 summary and one
ledger); the site is built without PDFs and every page's text is read.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from booklet import paths
from booklet.build import prepare
from booklet.render.booklets import build_pdfs
from booklet.render.env import nowrap

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r"\.yml|assessments/|\d{3}_[0-9a-f]{16}")

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")),
    reason="poppler-utils is needed to read PDFs back")


def pdftext(pdf: Path, layout: bool = False) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdfinfo(pdf: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def page_text(path: Path) -> str:
    """The visible text of an HTML page (tags and scripts dropped)."""
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"<(script|style)\b.*?</\1>", "", s, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", s))


def _pick(d) -> bool:
    rid = d.context["rubric"].id
    if d.kind == "blank":
        return rid in ("hutang-2017", "changde-zjj-2017")
    if d.kind == "sheet":
        return d.rel.stem in ("hutang-37", "hutang-01", "zjj-01", "zjj-02") and (
            rid == "changde-zjj-2017" or "2017-Q3" in str(d.rel))
    if d.kind == "summary":
        return rid == "changde-zjj-2017"
    if d.kind == "ledger":
        return rid == "changde-zjj-2017" and d.rel.stem == "zjj-01"
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("print")
    ctx = prepare(ROOT, site_dir=out / "site", internal_dir=out / "internal", jobs=1)
    pdfs = build_pdfs(ctx, only=_pick)
    return ctx, {p.relative_to(out).as_posix(): p for p in pdfs}


def _one(pdfs: dict, *parts: str) -> Path:
    hits = [p for k, p in pdfs.items() if all(x in k for x in parts)]
    assert hits, f"no PDF with {parts} among {sorted(pdfs)}"
    return hits[0]


# ---------------------------------------------------------------- content

def test_001_veto_is_row_15_before_the_total(built):
    _, pdfs = built
    t = squash(pdftext(_one(pdfs, "blank", "hutang-2017")))
    veto, total = t.index("一票否决15"), t.index("合计总分")
    assert veto < total
    assert "（4）、被媒体曝光造成严重影响的" in t[veto:total]


def test_003_printed_whole(built):
    _, pdfs = built
    blank = squash(pdftext(_one(pdfs, "blank", "changde-zjj-2017")))
    for words in ("（五）1.履职加分", "①综治工作宣传", "②综治工作经验推介", "③见义勇为加分",
                  "④信息化建设", "按照局领导小组的工作部署，加强综治工作宣传",
                  "推进市级公共安全视频监控联网应用共享平台建设", "单位干部职工见义勇为被评为市级", "（五）2.履职减分", "②拒不执行法院已生效判决减分",
                  "局属各单位未按要求向局领导小组办公室报送",
                  "（六）考评分类", "不得评为优秀等次", "④全年民调测评成绩低于局属各单位平均分的",
                  "⑥年度综合考评得分位居后三位的", "本办法各项扣分以设置的各项基分为上限"):
        assert words in blank, words
    # （一）履职情况 is three rows 1, 2, 3, each starting its own paragraph
    assert "11—3" not in blank and "1—3" not in blank
    summary = squash(pdftext(_one(pdfs, "summary", "changde-zjj-2017")))
    assert "（六）考评分类" in summary and "①综治工作宣传" in summary


def test_003_sheet_names_the_grade_condition_that_applied(built):
    ctx, pdfs = built
    res = [r for r in ctx.results if r.rubric_id == "changde-zjj-2017" and r.grade_reasons]
    assert res, "the example has a 003 unit whose grade a condition changed"
    r = res[0]
    pdf = ctx.site_dir / paths.sheet_pdf(r.rubric_id, r.period, r.unit_id)
    if not pdf.exists():
        pytest.skip("that unit's sheet is not among the rendered ones")
    t = squash(pdftext(pdf))
    assert "等次评定" in t and squash(r.grade_reasons[0]) in t


def test_003_references_name_the_row_of_the_rule(built):
    """（一） is one item printed as rows 1, 2, 3: a point lost under the 两书
    rule of paragraph 2 is （一）2 in the 加扣分说明, never the row range 1—3."""
    ctx, pdfs = built
    t = squash(pdftext(_one(pdfs, "sheets", "changde-zjj-2017", "zjj-01")))
    notes = t[t.index("加扣分说明"):]
    assert "1.（一）2-1分2名干部职工未签订平安家庭建设承诺书" in notes
    assert "（三）2" in notes and "1—3" not in notes and "1—2" not in notes
    # a rubric-wide rule by its heading's number and its label
    assert "（五）1②综治工作经验推介+3分" in notes and "（五）1①综治工作宣传+2分" in notes


def test_rubric_issuer_is_author_and_on_the_cover(built):
    ctx, pdfs = built
    office = ctx.project.config.office
    for key in ("blank/changde", "summary", "ledger"):
        pdf = _one(pdfs, *key.split("/"))
        assert pdfinfo(pdf)["Author"].strip() == "常德市住房和城乡建设局", key
        assert office not in pdftext(pdf), key
    assert pdfinfo(_one(pdfs, "blank", "hutang-2017"))["Author"].strip() == "湖塘镇综治办"


def test_title_breaks_between_words(built):
    _, pdfs = built
    lines = [l.strip() for l in pdftext(_one(pdfs, "blank", "changde-zjj-2017")).splitlines()]
    i = lines.index("常德市住房和城乡建设局")
    assert lines[i + 1:i + 3] == ["2017年社会治安综合治理目标管理", "工作方案及考评细则"]


# ---------------------------------------------------------------- what does not belong

def test_no_paths_or_seed_file_names_anywhere(built, tmp_path):
    ctx, pdfs = built
    for pdf in pdfs.values():
        m = FORBIDDEN.search(pdftext(pdf))
        assert m is None, f"{pdf.name}: {m.group(0)}"
    for page in (ctx.internal_dir / "print-html").rglob("*.html"):
        m = FORBIDDEN.search(page_text(page))
        assert m is None, f"{page}: {m.group(0)}"
    site = tmp_path / "site"
    c2 = prepare(ROOT, site_dir=site, internal_dir=tmp_path / "internal", pdf=False, jobs=1)
    from booklet.site.build import build_site
    build_site(c2)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        m = FORBIDDEN.search(page_text(page))
        assert m is None, f"{page.relative_to(site)}: {m.group(0)}"


# ---------------------------------------------------------------- signatures

def test_no_name_typed_into_a_signature_blank(built):
    ctx, pdfs = built
    names = {n for r in ctx.results for n in r.assessors}
    names |= {u.leader for u in ctx.project.config.units if u.leader}
    for rec in ctx.project.records:
        names |= set(rec.signatures.assessors)
        names |= {rec.signatures.leader} if rec.signatures.leader else set()
    pdf = _one(pdfs, "hutang-2017", "hutang-37")
    lines = pdftext(pdf, layout=True).splitlines()
    sig_lines = [l for l in lines if "签名" in l]
    assert sig_lines
    for l in sig_lines:
        after = re.split(r"签名：", l)[1:]
        for chunk in after:
            field = re.split(r"\s{2,}|考核|被考核", chunk.strip())[0]
            assert field not in names and not any(n in field for n in names), l
    t = squash(pdftext(pdf))
    # who assessed is printed in its own 考核人员 field: the names the record's
    # signatures block gives for the 考核人签名 line (周建国、许明), else the
    # record's assessors
    rec = [r for r in ctx.project.records if r.unit == "hutang-37" and r.period == "2017-Q3"
           and r.kind == "assessment"][0]
    who = rec.signatures.assessors or rec.assessors
    assert who == ("周建国", "许明")
    assert squash("考核人员：" + "、".join(who)) in t
    # and the leader's name is not typed anywhere on the sheet
    assert rec.signatures.leader and rec.signatures.leader not in t


def test_summary_ends_its_ranking_with_a_sign_off(built):
    ctx, pdfs = built
    # read as laid out (raw mode reorders the cells of a table by column)
    pages = pdftext(_one(pdfs, "summary", "changde-zjj-2017"), layout=True).split("\f")
    ranked = sorted((r for r in ctx.results if r.rubric_id == "changde-zjj-2017"),
                    key=lambda r: r.total)
    last = ranked[0].unit_name                 # the lowest total closes the ranking
    page = next(squash(p) for p in pages if "制表人" in p)
    # the sign-off sits on the page of the ranking's last row, right after it
    # and before the rubric's notes, and reads 制表人 审核人 日期 （盖章）
    assert last in page
    block = page[page.index(last):]
    assert block.index("制表人") < block.index("审核人") < block.index("日期") < block.index("（盖章）")
    assert block.index("（盖章）") < block.index("（六）考评分类")
    assert re.search(r"日期：年月日（盖章）", block)       # nothing in between (no page number)


# ---------------------------------------------------------------- type that holds together

SPLIT = re.compile(r"(\d|\d\.)$")
START = re.compile(r"^(\d|分|\.)")


def split_numbers(layout_text: str) -> list[str]:
    """Places where a number or date is cut over two lines inside one table
    cell: a column of text (same x offset) whose line ends in a digit or a
    point and whose next line, at the same offset, starts with a digit or 分.
    The cell's line ends where the text does or where a gap of two or more
    spaces begins (the next column); "得2 分，…扣" over "0.5分" is one line
    of text that goes on after "2", not a cut number."""
    found = []
    lines = layout_text.splitlines()
    for a, b in zip(lines, lines[1:]):
        # a cell's line: text whose words are at most one space apart
        for m in re.finditer(r"\S+(?: \S+)*", a):
            text = m.group(0)
            if not SPLIT.search(text):
                continue
            # the cell's next line starts where this cell's line started
            start = m.start()
            seg = b[start:start + 2]
            if seg and START.match(seg) and (start == 0 or b[start - 1] == " "):
                if len(text) >= 2 and re.search(r"[\u4e00-\u9fff]", text):
                    found.append(f"{text} / {b[start:start + 8]}")
    return found


def test_split_number_check_can_fail():
    assert split_numbers("扣分42.\n3分") or split_numbers("扣分42.   x\n3分     y")
    assert split_numbers("每起扣20\n分的") == ["每起扣20 / 分的"]
    assert not split_numbers("每起扣20分\n的情况")
    assert split_numbers("宣传内容每月有更新的得2\n分，内容宣传缺失") == ["宣传内容每月有更新的得2 / 分，内容宣传缺失"]
    assert not split_numbers("新的得2 分，内容宣传缺失一次扣\n0.5分，扣完为止")
    assert split_numbers("新的得2 分，缺失一次扣0.   x\n5分，扣完为止    y")


def test_no_number_or_date_split_across_lines(built):
    _, pdfs = built
    bad = []
    for key, pdf in pdfs.items():
        if "/sheets/" in key or "blank" in key:
            bad += [f"{key}: {x}" for x in split_numbers(pdftext(pdf, layout=True))]
    assert not bad, "\n".join(bad[:20])


def test_nowrap_wraps_numbers_units_and_dates():
    from markupsafe import Markup
    h = str(nowrap(Markup("于2017年3月26日扣42.3分，每人次分别加0.5分、1分")))
    assert '<span class="nw">2017年3月26日</span>' in h
    assert '<span class="nw">42.3分</span>' in h and '<span class="nw">0.5分</span>' in h
    assert str(nowrap(Markup("R&amp;D &#34;x&#34;"))) == "R&amp;D &#34;x&#34;"


# ---------------------------------------------------------------- validate

def test_title_lines_that_do_not_spell_the_title_are_an_error(tmp_path):
    from conftest import MINI_RUBRIC, write_project
    from booklet.build import load_and_validate
    rubric = MINI_RUBRIC.replace("title: 测试考核细则\n",
                                 "title: 测试考核细则\ntitle_lines: [测试考核, 细则表]\n")
    root = write_project(tmp_path / "p", rubric=rubric)
    _, problems = load_and_validate(root)
    (p,) = [p for p in problems.errors if p.code == "title-lines"]
    assert p.loc.file.endswith(".yml") and p.loc.line == 3       # the title_lines line
    assert "测试考核细则表" in p.what and "测试考核细则" in p.what and "title_lines" in p.fix
    good = MINI_RUBRIC.replace("title: 测试考核细则\n",
                               "title: 测试考核细则\ntitle_lines: [测试考核, 细则]\n")
    _, problems = load_and_validate(write_project(tmp_path / "q", rubric=good))
    assert not [p for p in problems.items if p.code == "title-lines"]


def test_print_rows_naming_a_rule_the_item_has_not_are_an_error(tmp_path):
    from conftest import MINI_RUBRIC, write_project
    from booklet.build import load_and_validate
    rows = ('print:\n  rows:\n    "1":\n      - {number: 1, rules: [missing]}\n'
            '      - {number: 2, rules: [activty]}\n')
    root = write_project(tmp_path / "p", rubric=MINI_RUBRIC + rows)
    _, problems = load_and_validate(root)
    (p,) = [p for p in problems.errors if p.code == "unknown-rule"]
    assert "activty" in p.what and "第 1 项" in p.what and p.loc.line > 0

"""The town summary book as an office publishes and files it (issue 15):
cover, contents, ranking with its sign-off, a landscape item × unit matrix
and one compact entry per unit, read back with pdftotext and pdfinfo.

Three summaries of the example are rendered once per module through the real
renderer: seed 001 (hutang-2017, 2017-Q3, 44 units, vetoes), seed 003
(changde-zjj-2017, grades with conditions, bonus items) and the 2022
deduction-only rubric (shequ-2022).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from booklet import paths
from booklet.build import prepare
from booklet.render.booklets import build_pdfs

ROOT = Path(__file__).resolve().parent.parent
WANTED = {("hutang-2017", "2017-Q3"), ("changde-zjj-2017", "2017"), ("shequ-2022", "2022")}

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")),
    reason="poppler-utils is needed to read PDFs back")


def pages_of(pdf: Path) -> list[str]:
    """The text of every page as laid out (a table row stays one line)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:n_pages(pdf)]


def n_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)", out)
    return float(m.group(1)), float(m.group(2))


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("summary")
    ctx = prepare(ROOT, site_dir=out / "site", internal_dir=out / "internal", jobs=1)
    ctx.cache_dir = out / "cache"
    build_pdfs(ctx, only=lambda d: d.kind == "summary" and (
        d.context["rubric"].id, d.context["period"]) in WANTED)
    return ctx


def book(ctx, rubric: str, period: str) -> tuple[Path, list[str], list]:
    pdf = ctx.site_dir / paths.summary_pdf(rubric, period)
    results = sorted((r for r in ctx.results if r.rubric_id == rubric and r.period == period),
                     key=lambda r: r.rank)
    return pdf, pages_of(pdf), results


def contents(pages: list[str]) -> dict[str, int]:
    """Entry → page number, read off the contents page (two entries a line
    in the units' list)."""
    toc = next(p for p in pages if squash(p).startswith("目录"))
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"(\S+?)\s*\.{3,}\s*(\d+)", toc)}


def starts(pages: list[str], words: str) -> list[int]:
    """The pages (from 1) whose squashed text holds `words`."""
    return [n for n, p in enumerate(pages, 1) if words in squash(p)]


def section_pages(pages: list[str]) -> dict[str, int]:
    toc = contents(pages)
    return {k: v for k, v in toc.items() if k[0] in "一二三"}


# ---------------------------------------------------------------- seed 001, 44 units

def test_quarter_summary_is_short(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    assert len(results) == 44
    assert n_pages(pdf) <= 70            # was 223: all 44 full sheets


def test_cover_names_the_issuer_period_and_date_from_the_data(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    cover = squash(pages[0])
    assert "湖塘镇综治办" in cover and "2017年度湖塘镇群防群治考核细则" in cover
    assert "2017年第三季度考核汇总" in cover
    last = max(r.date for r in results)
    assert f"{last.year}年{last.month}月{last.day}日" in cover    # 2017年9月28日
    assert "—1—" not in cover                                      # no number on the cover


def test_contents_page_numbers_are_where_the_sections_start(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    sec = section_pages(pages)
    assert list(sec) == ["一、考核排名", "二、分项得分表", "三、各单位得失分说明"]
    ranking, matrix, units = sec.values()
    assert ranking < matrix < units
    assert "名次单位总分" in squash(pages[ranking - 1]) and "考核排名" in squash(pages[ranking - 1])
    assert "名次单位总分" not in squash(pages[ranking - 2])
    assert "分项得分表" in squash(pages[matrix - 1])
    assert not starts(pages[:matrix - 1], "分项得分表表中为")
    assert "三、各单位得失分说明" in squash(pages[units - 1])
    # every unit is listed with the page its entry is on
    toc = contents(pages)
    for r in results:
        assert r.unit_name in toc, r.unit_name
        entry = f"{r.unit_name}名次：{r.rank}总分："
        assert starts(pages, entry) == [toc[r.unit_name]], r.unit_name


def test_matrix_pages_are_landscape_and_the_rest_portrait(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    sec = section_pages(pages)
    matrix, units = sec["二、分项得分表"], sec["三、各单位得失分说明"]
    for p in range(1, n_pages(pdf) + 1):
        w, h = page_size(pdf, p)
        assert (w > h) == (matrix <= p < units), p
    # 44 units do not fit one page: the head (items 1–14 and their 分值) repeats
    assert units - matrix >= 2
    for p in range(matrix, units):
        head = pages[p - 1][:pages[p - 1].index("分值")]
        assert re.search(r"项目\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+10\s+11\s+12\s+13\s+14\s",
                         head) and "总分" in head, p
    # a unit's row in the matrix: 华阳社区 lost 20 of item 6's 24 points (4 patrols
    # missed at 扣5分 each), total 69.6
    huayang = next(r for r in results if r.unit_name == "华阳社区")
    line = next(ln for p in range(matrix, units) for ln in pages[p - 1].splitlines()
                if "华阳社区" in ln)
    values = line.split()
    assert values[:2] == [str(huayang.rank), "华阳社区"]
    assert values[2 + 5] == "4" and values[-1] == "69.6"


def test_ranking_lists_every_unit_once_and_signs_off_once(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    sec = section_pages(pages)
    ranking = "".join(pages[sec["一、考核排名"] - 1:sec["二、分项得分表"] - 1])
    rows = [ln.split() for ln in ranking.splitlines() if re.match(r"\s*\d+\s+\S+社区", ln)]
    assert [(int(r[0]), r[1]) for r in rows] == [(r.rank, r.unit_name) for r in results]
    whole = squash("".join(pages))
    assert whole.count("制表人") == 1 and whole.count("审核人") == 1 and whole.count("（盖章）") == 1
    assert squash(ranking).index(results[-1].unit_name) < squash(ranking).index("制表人")


def test_veto_said_once_per_vetoed_unit_and_no_empty_column(built):
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    sec = section_pages(pages)
    ranking = squash("".join(pages[sec["一、考核排名"] - 1:sec["二、分项得分表"] - 1]))
    vetoed = [r for r in results if r.vetoed]
    assert len(vetoed) == 3
    assert ranking.count("一票否决") == len(vetoed)
    for r in vetoed:
        after = ranking[ranking.index(r.unit_name):]
        assert after.index("一票否决：") < after.index(str(r.rank + 1) if r.rank < 44 else "制表人")
        assert squash(r.vetoes[0].text.rstrip("；")) in after
    # seed 001 has no grades but the veto: no 等次 column of blanks, no 一票否决 column
    header = next(ln for ln in pages[sec["一、考核排名"] - 1].splitlines() if "名次" in ln)
    assert header.split() == ["名次", "单位", "总分", "比上期"]
    # and each vetoed unit's entry says it once too
    units = squash("".join(pages[sec["三、各单位得失分说明"] - 1:]))
    for r in vetoed:
        entry = units[units.index(f"{r.unit_name}名次："):]
        nxt = [units.index(f"{o.unit_name}名次：") for o in results if o.rank > r.rank]
        entry = entry[:min(nxt) - units.index(f"{r.unit_name}名次：")] if nxt else entry
        assert entry.count("一票否决") == 1 and "否决事由：" in entry


def test_unit_entry_says_what_was_lost_and_why(built):
    """华阳社区, item 6 (24分): 扣5分 for each of four patrols not seen, found in
    the July, August and September inspections — 4 points left, −20."""
    pdf, pages, results = book(built, "hutang-2017", "2017-Q3")
    sec = section_pages(pages)
    toc = contents(pages)
    page = pages[toc["华阳社区"] - 1]
    text = squash(page[page.index("华阳社区"):])
    assert "6244-20" in text
    for month in ("2017年7月督查", "2017年8月督查", "2017年9月督查"):
        assert text.count(month) == 1, month        # each inspection named once
    assert text.count("扣5分：") == 4
    assert sec["三、各单位得失分说明"] <= toc["华阳社区"]


def test_no_period_codes_in_public_text(built):
    for rid, period in WANTED:
        pdf, pages, _ = book(built, rid, period)
        for n, p in enumerate(pages, 1):
            assert not re.search(r"\d{4}-(\d{2}|Q\d|H\d)", p), (rid, n, p)
    huayang = next(r for r in built.results if r.rubric_id == "hutang-2017"
                   and r.period == "2017-Q3" and r.unit_name == "华阳社区")
    assert "见2017年7月、8月、9月督查" in huayang.vetoes[0].reason


# ---------------------------------------------------------------- seed 003 and 2022

def test_003_ranking_names_the_grade_condition_that_applied(built):
    pdf, pages, results = book(built, "changde-zjj-2017", "2017")
    text = squash("".join(pages))
    sec = section_pages(pages)
    ranking = squash("".join(pages[sec["一、考核排名"] - 1:sec["二、分项得分表"] - 1]))
    header = next(ln for ln in pages[sec["一、考核排名"] - 1].splitlines() if "名次" in ln)
    assert header.split() == ["名次", "单位", "总分", "等次"]
    for r in results:
        assert r.unit_name in ranking and r.grade in ranking
    # 房地产管理处: 99 points but no 平安单位 campaign — not 优秀
    fdc = next(r for r in results if r.unit_name == "常德市房地产管理处")
    assert fdc.grade == "合格"
    assert squash("未开展平安单位创建活动（含未在本单位进行统一部署）的（考核记录已标注）：不得评为优秀，评为合格") in ranking
    assert "（六）考评分类" in text                 # the rubric's grading rules follow
    assert "一票否决" not in ranking[:ranking.index("制表人")]     # no unit vetoed
    # a bonus outside the items, by its heading's number and label (read in
    # reading order: the label wraps inside its cell)
    raw = squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout)
    assert "（五）1①综治工作宣传+2加2分：平安建设宣传工作突出" in raw


def test_deduction_only_rubric(built):
    pdf, pages, results = book(built, "shequ-2022", "2022")
    assert n_pages(pdf) <= 12
    sec = section_pages(pages)
    matrix = squash("".join(pages[sec["二、分项得分表"] - 1:sec["三、各单位得失分说明"] - 1]))
    assert "表中为各项扣分" in matrix
    units = squash("".join(pages[sec["三、各单位得失分说明"] - 1:]))
    for r in results:
        assert f"{r.unit_name}名次：" in units
        if r.deducted_total:
            assert "扣分原因" in units or "扣" in units
    w, h = page_size(pdf, sec["二、分项得分表"])
    assert w > h


def test_no_number_or_date_split_across_lines(built):
    from test_print_content import split_numbers
    bad = []
    for rid, period in sorted(WANTED):
        pdf, pages, _ = book(built, rid, period)
        for n, p in enumerate(pages, 1):
            bad += [f"{rid} p{n}: {x}" for x in split_numbers(p)]
    assert not bad, bad[:10]


def test_no_page_carries_only_a_stray_line_or_two(built):
    """Issue 15: no page carries only one to three lines of a table or of notes
    (the old Q3 summary had 31 such pages of 209)."""
    from pdfpages import sparse_pages
    for rubric, period in sorted(WANTED):
        pdf = built.site_dir / paths.summary_pdf(rubric, period)
        assert not sparse_pages(pdf), [str(p) for p in sparse_pages(pdf)]


def test_the_published_quarter_summary_stays_light(built):
    """Issue 15, weight: the book is laid out in parts, and each part embeds
    its own font subsets; the parts are few enough that the 27-page Q3 book
    stays under 500 KB (one document: 249 KB; groups of 4 units: 1.0 MB)."""
    pdf = built.site_dir / paths.summary_pdf("hutang-2017", "2017-Q3")
    assert pdf.stat().st_size < 500_000

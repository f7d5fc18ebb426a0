"""The static site without a browser: pages, links, privacy, escaping, data files."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from booklet import paths
from booklet.periods import Period
from booklet.site import charts
from booklet.site.build import OutsideSiteError, build_site
from booklet.site.rules import KIND_EXPLAIN, KIND_NAMES, describe_rule
from booklet.site.views import SiteData
from site_fixtures import (
    all_text, check_links, html_files, parse,
    ANNEX_ADDRESS, ANNEX_NAME, ANNEX_PHONE, DEDUCTION_REASON, INTERNAL_PHONE, INTERNAL_TEXT,
    SECRET_PHONE, XSS_NAME, context, hutang_rubric, small_project, synthetic_project,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    project, results = small_project(root / "project")
    site = root / "site"
    files = build_site(context(project, results, site, pdf=False))
    return site, files, project, results


def test_every_page_is_written(built):
    site, files, project, results = built
    expected = [paths.INDEX, paths.DOWNLOADS, paths.ABOUT, paths.SCORES_CSV, paths.SCORES_XLSX]
    expected += [paths.unit_page(u.id) for u in project.config.units]
    expected += [paths.rubric_page(rid) for rid in project.rubrics]
    for rel in expected:
        assert (site / rel).is_file(), rel
    assert {f.resolve() for f in files} == {p.resolve() for p in site.rglob("*") if p.is_file()}
    for f in files:
        assert f.resolve().is_relative_to(site.resolve())


def test_pages_are_chinese_and_accessible(built):
    site = built[0]
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        assert parse(path).lang == "zh-CN", path
        assert '<meta name="viewport"' in text
        for table in re.findall(r"<table.*?</table>", text, re.S):
            assert "<caption>" in table, path
            assert "<th " in table or "<th>" in table
            for th in re.findall(r"<th(?:\s[^>]*)?>", table):
                assert "scope=" in th, (path, th)
        for svg in re.findall(r"<svg.*?</svg>", text, re.S):
            assert "<title" in svg and "<desc" in svg and 'role="img"' in svg


def test_no_broken_internal_links(built):
    site = built[0]
    problems, pdfs = check_links(site)
    assert problems == []
    assert pdfs == [], "pdf=False: the site must not link PDFs that were not built"
    downloads = (site / paths.DOWNLOADS).read_text(encoding="utf-8")
    assert "没有生成 PDF" in downloads


def test_pdf_links_point_where_the_pdf_writer_writes(tmp_path):
    project, results = small_project(tmp_path / "project")
    site = tmp_path / "site"
    build_site(context(project, results, site, pdf=True))
    problems, pdfs = check_links(site, allow_missing_suffixes=(".pdf",))
    assert problems == []
    expected = {paths.blank_form_pdf(f).as_posix() for f in ("roster", "duty", "funds")}
    expected |= {paths.blank_pdf(rid).as_posix() for rid in project.rubrics}
    expected |= {paths.summary_pdf(r.rubric_id, r.period).as_posix() for r in results}
    expected |= {paths.sheet_pdf(r.rubric_id, r.period, r.unit_id).as_posix() for r in results}
    assert set(pdfs) == expected


def test_nothing_is_loaded_from_outside(built):
    site = built[0]
    for rel, text in all_text(site).items():
        if not rel.endswith((".html", ".css", ".js", ".svg")):
            continue
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), rel
        assert "@import" not in text and "url(http" not in text, rel
        assert "fetch(" not in text and "XMLHttpRequest" not in text, rel


def test_unit_name_and_rubric_html_are_escaped(built):
    site = built[0]
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
        assert "<img" not in text, path
        assert "onerror=" not in text or "onerror=alert(2)" not in re.sub(r"&lt;.*?&gt;", "", text)
    home = (site / paths.INDEX).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    # only our own script tag, on every page
    for path in html_files(site):
        assert len(re.findall(r"<script\b", path.read_text(encoding="utf-8"))) == 1


def test_privacy(built):
    site = built[0]
    texts = all_text(site)
    for rel, text in texts.items():
        for secret in (SECRET_PHONE, INTERNAL_PHONE, INTERNAL_TEXT, ANNEX_PHONE, ANNEX_NAME,
                       ANNEX_ADDRESS, "52岁", "人民路"):
            assert secret not in text, (rel, secret)
    unit = texts[paths.unit_page("xinhua").as_posix()]
    assert DEDUCTION_REASON in unit
    masked = SECRET_PHONE[:3] + "****" + SECRET_PHONE[-4:]
    assert unit.count(masked) >= 4          # reason, evidence, self note, public note
    assert "已于4月整改" in unit              # a public note is published
    assert "photos/" not in unit and ".jpg" not in unit


def test_notes_need_publish_notes(tmp_path):
    project, results = small_project(tmp_path / "project")
    project.config.privacy.publish_notes = False
    build_site(context(project, results, tmp_path / "site"))
    unit = (tmp_path / "site" / paths.unit_page("xinhua")).read_text(encoding="utf-8")
    assert "已于4月整改" not in unit
    assert DEDUCTION_REASON in unit


def test_unit_page_shows_scorecard(built):
    site, _, project, results = built
    text = (site / paths.unit_page("xinhua")).read_text(encoding="utf-8")
    assert "2017年3月12日" in text                   # the deduction's date
    assert "2017年3月督查" in text                    # the inspection it came from
    assert "与考核不同" in text                       # self-assessment differs
    assert "现场照片1张" in text
    assert "平安建设经验被市综治办推广" in text        # rubric-wide bonus
    for r in results:
        if r.unit_id == "xinhua":
            assert f'id="{r.rubric_id}-{r.period}"' in text
    veto = (site / paths.unit_page("chengdong")).read_text(encoding="utf-8")
    assert "一票否决" in veto and "专职队伍仅2人" in veto
    empty = (site / paths.unit_page("nodata")).read_text(encoding="utf-8")
    assert "暂无考核成绩" in empty


def test_home_ranks_every_period(built):
    site, _, project, results = built
    home = (site / paths.INDEX).read_text(encoding="utf-8")
    assert "湖塘镇综合治理办公室" in home and "2017年度" in home
    for r in results:
        assert f'id="rank-{r.rubric_id}-{r.period}"' in home
    assert 'class="chart chart-dist"' in home and 'class="chart chart-line"' in home
    # ranking rows follow the ranks
    table = re.search(r'id="rank-hutang-2017-2017-Q2".*?</table>', home, re.S).group(0)
    ranks = [int(x) for x in re.findall(r'<tr[^>]*>\s*<td class="num" data-v="(\d+)">', table)]
    assert len(ranks) == 5 and ranks == sorted(ranks)
    assert 'class="vetoed"' in table


def test_rubric_page(built):
    site = built[0]
    text = (site / paths.rubric_page("hutang-2017")).read_text(encoding="utf-8")
    rubric = hutang_rubric()
    for it in rubric.items:
        for rule in it.rules:
            assert rule.text in text
            assert describe_rule(rule).replace("“", "&#8220;") in text or \
                str(describe_rule(rule)) in text
    assert "<strong>本细则</strong>" in text               # markdown rendered
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in text  # raw HTML shown as text
    assert "第2项评分标准可得6+2×3分" in text               # seed warning
    assert "原文未写上下限" in text                          # editor's note
    assert "实地检查" in text                               # an extra field column
    assert "95分以上的评为优秀" in text and "一票否决" in text


def test_about_page_is_reproducible_and_explains(built, tmp_path):
    site, _, project, results = built
    about = (site / paths.ABOUT).read_text(encoding="utf-8")
    for name in KIND_NAMES.values():
        assert name in about
    assert "0123456789ab" in about          # build id
    assert "2017年12月26日" in about          # newest record date, not today
    site2 = tmp_path / "again"
    build_site(context(project, results, site2))
    a, b = all_text(site), all_text(site2)
    assert a.keys() == b.keys()
    for rel in a:
        assert a[rel] == b[rel], rel
    assert (site / paths.SCORES_XLSX).read_bytes() == (site2 / paths.SCORES_XLSX).read_bytes()


def test_csv_and_xlsx(built, tmp_path):
    site, _, project, results = built
    raw = (site / paths.SCORES_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][:6] == ["考核细则编号", "考核细则", "考核期编号", "考核期", "单位编号", "单位名称"]
    assert len(rows) == 1 + len(results)
    assert any(r[5] == XSS_NAME for r in rows)

    import openpyxl
    wb = openpyxl.load_workbook(site / paths.SCORES_XLSX)
    summary, items = wb["成绩汇总"], wb["分项得分"]
    assert summary.max_row == 1 + len(results)
    assert items.max_row == 1 + sum(len(r.items) for r in results)
    values = [c.value for c in summary[2]]
    assert isinstance(values[7], (int, float))


def test_formula_looking_names_stay_text(tmp_path):
    project, results = small_project(tmp_path / "project")
    evil = '=HYPERLINK("http://x","y")'
    project.config.unit("hutang").name = evil
    build_site(context(project, results, tmp_path / "site"))
    text = (tmp_path / "site" / paths.SCORES_CSV).read_text(encoding="utf-8-sig")
    assert "'" + evil.replace('"', '""') in text
    import openpyxl
    ws = openpyxl.load_workbook(tmp_path / "site" / paths.SCORES_XLSX)["成绩汇总"]
    cells = [row[5] for row in ws.iter_rows(min_row=2) if row[4].value == "hutang"]
    assert cells and all(c.value == evil and c.data_type == "s" for c in cells)


def test_output_paths_stay_inside(tmp_path):
    project, results = small_project(tmp_path / "project")
    results[0].unit_id = "../../escape"
    with pytest.raises(OutsideSiteError):
        build_site(context(project, results, tmp_path / "site"))
    assert not (tmp_path / "escape.html").exists()


def test_project_templates_override_the_theme(tmp_path):
    project, results = small_project(tmp_path / "project")
    custom = tmp_path / "project" / "templates" / "site"
    custom.mkdir(parents=True)
    (custom / "site.css").write_text("/* 本镇样式 */\nbody { color: #000; }\n", encoding="utf-8")
    build_site(context(project, results, tmp_path / "site"))
    assert "本镇样式" in (tmp_path / "site" / "assets" / "site.css").read_text(encoding="utf-8")


def test_ranks_changes_and_values_are_scorings(tmp_path):
    project, results = synthetic_project(tmp_path, 6, ("2017-Q1", "2017-Q2"))
    results[0].rank, results[1].rank = None, 99           # the site never re-ranks
    data = SiteData(project, results)
    for pv in data.rubric_views[0].periods:
        for row in pv.rows:
            r = row.result
            assert (row.rank, row.rank_of, row.change, row.value) == (
                r.rank, r.rank_of, r.change, r.total)
    q1 = data.rubric_views[0].periods[0].rows
    assert q1[-1].result is results[0] and q1[-2].result is results[1]
    assert any(row.change is not None for row in data.rubric_views[0].periods[1].rows)


def test_period_views_are_chronological_with_period_labels(tmp_path):
    data = SiteData(*synthetic_project(tmp_path, 4, ("2017-Q2", "2017", "2017-03", "2017-Q1")))
    view = data.rubric_views[0]
    ids = [pv.id for pv in view.periods]
    assert ids == ["2017-03", "2017-Q1", "2017-Q2", "2017"]
    for pv in view.periods:
        assert (pv.label, pv.short) == (Period.parse(pv.id).label, Period.parse(pv.id).short)


def test_every_rule_kind_in_words():
    assert set(KIND_NAMES) == set(KIND_EXPLAIN)
    rubric = hutang_rubric()
    kinds = {}
    for rule in [r for it in rubric.items for r in it.rules] + rubric.bonuses + rubric.extra_deductions:
        kinds[rule.kind] = describe_rule(rule)
    assert set(kinds) == set(KIND_NAMES)
    assert kinds["deduct"] in ("扣分：每次2分", "扣分：每次5分", "扣分：1–3分（酌情确定）")
    assert describe_rule(rubric.item("4").rules[0]) == "扣分：每次2分"
    assert describe_rule(rubric.extra_deductions[0]) == "扣分：1–3分（酌情确定）"
    assert describe_rule(rubric.item("2").rules[1]) == "得分：每支2分"
    assert kinds["shortfall"] == "未达标扣分：目标95%，每低1%扣1分，最多扣10分"
    assert "持平得10分" in kinds["trend"] and "每下降6%加1分" in kinds["trend"]
    assert "全年零发案得满分" in kinds["trend"]
    assert kinds["tiered"].startswith("分档扣分：5起以上扣5分")
    assert "同一事项只计最高一次" in kinds["bonus"]


def test_charts_escape_and_describe():
    svg = str(charts.distribution_svg([D(90), D(95), D("99.5")], uid="x", title="<b>&",
                                      scale=D(100)))
    assert "<title id=\"x-t\">&lt;b&gt;&amp;</title>" in svg
    assert "共3个单位" in svg and "最高99.5分" in svg
    line = str(charts.line_svg(["一季度", "二季度"],
                               [charts.Series("<i>", [D(1), None])], uid="y", title="t",
                               desc="d"))
    assert "&lt;i&gt;" in line and "<i>" not in line
    empty = str(charts.distribution_svg([], uid="z", title="t"))
    assert "暂无数据" in empty


@pytest.mark.parametrize("raw, shown", [
    ("电话13812345678", "电话138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("+86 13812345678", "138****5678"),
    ("8613812345678", "138****5678"),
    ("0519-86123456", "0519-********"),
    ("身份证32040219800101123X", "身份证320402********123X"),
    ("110101199003071234", "110101********1234"),
    ("督查记录第12号", "督查记录第12号"),
])
def test_public_text_masks_numbers(raw, shown):
    from booklet.site.privacy import public_text
    assert public_text(raw) == shown


# ------------------------------------------------------------ the example town, as a resident reads it

REPO = Path(__file__).resolve().parents[1]


def _text(html: str) -> str:
    import html as htmllib
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _block(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i:html.index(end, i)]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    from booklet import build
    out = tmp_path_factory.mktemp("example")
    ctx = build.prepare(REPO, site_dir=out / "site", internal_dir=out / "internal", pdf=False)
    build_site(ctx)
    return out / "site", ctx


def test_earned_rubric_shows_what_was_lost_and_why(example):
    site, _ = example
    page = (site / paths.unit_page("hutang-01")).read_text(encoding="utf-8")
    card = _text(_block(page, 'id="hutang-2017-2017-Q3"', "</details>"))
    # 府前社区 Q3: 83.1 of 100, so 16.9 lost: item 10 earned 10 of 20, item 11 one case
    # (有一起得2分) of 8, item 12 3 + 11×0.1 of 5
    assert "得分 83.1 · 失分 16.9" in card
    assert "失分 加分 得分、失分事由" in card
    assert "失10分 本项20分，按以上条款得10分" in card
    assert "失6分 本项8分，按以上条款得2分" in card
    assert "失0.9分 本项5分，按以上条款得4.1分" in card
    assert "合计 100 83.1 16.9 满分100分，失分合计16.9分，得分83.1分" in card
    rows = list(csv.DictReader(io.StringIO((site / paths.SCORES_CSV).read_text(encoding="utf-8-sig"))))
    (row,) = [r for r in rows if r["单位编号"] == "hutang-01" and r["考核期编号"] == "2017-Q3"]
    assert row["得分"] == "83.1" and row["失分合计"] == "16.9"


def test_year_card_says_what_it_adds_up(example):
    site, _ = example
    page = (site / paths.unit_page("hutang-01")).read_text(encoding="utf-8")
    card = _text(_block(page, 'id="hutang-2017-2017"', "</details>"))
    # the four quarters of 府前社区: 85.1 + 82.6 + 83.1 + 86.2 = 337, averaged (year_end: average)
    assert ("全年4次考核得出：第一季度 85.1分、第二季度 82.6分、第三季度 83.1分、第四季度 86.2分，"
            "全年4次考核共计337分，年度得分取平均：337 ÷ 4 = 84.25分") in card
    assert "×16" not in card and "×4" not in card      # counts of four quarters are not teams


def test_veto_is_shown_once_per_unit(example):
    site, _ = example
    index = (site / paths.INDEX).read_text(encoding="utf-8")
    q3 = _block(index, 'id="r-hutang-2017-2017-Q3"', "</details>")
    row = _block(q3, '<tr data-unit="华阳社区"', "</tr>")
    assert row.count("一票否决") == 2      # data-grade="一票否决" and the one badge
    assert _text(row).count("一票否决") == 1
    stats = _block(q3, '<dl class="stats">', "</dl>")
    assert stats.count("<dt>一票否决</dt>") == 1
    unit = (site / paths.unit_page("hutang-37")).read_text(encoding="utf-8")
    over = _block(unit, '<table class="overview-table">', "</table>")
    rows = [_text(r) for r in re.findall(r"<tr.*?</tr>", over, re.S)]
    (q3row,) = [r for r in rows if "2017年第三季度" in r]
    assert q3row.count("一票否决") == 1
    assert all(r.count("一票否决") <= 1 for r in rows)


def test_data_dates_belong_to_their_rubric(example):
    site, ctx = example
    index = (site / paths.INDEX).read_text(encoding="utf-8")
    lead = _block(index, '<p class="lead">', "</p>")
    assert "数据截至" not in lead
    hutang = _text(_block(index, 'id="r-hutang-2017"', "</section>"))
    newest = max(r.date for r in ctx.results if r.rubric_id == "hutang-2017" and r.date)
    assert newest.year == 2017
    assert f"数据截至{newest.year}年{newest.month}月{newest.day}日" in hutang
    assert "2022年" not in hutang
    unit = (site / paths.unit_page("hutang-01")).read_text(encoding="utf-8")
    footer = _text(_block(unit, "<footer", "</footer>"))
    mine = max(r.date for r in ctx.results if r.unit_id == "hutang-01" and r.date)
    assert f"本页数据截至{mine.year}年{mine.month}月{mine.day}日" in footer
    assert "2022年" not in footer


def test_rubrics_in_one_order_everywhere(example):
    site, _ = example
    index = (site / paths.INDEX).read_text(encoding="utf-8")
    cards = re.findall(r'<li><a href="rubrics/([^"]+)\.html">', _block(index, 'id="rubrics"', "</section>"))
    blocks = re.findall(r'<section class="rubric-block" id="r-([^"]+)"', index)
    assert cards[:len(blocks)] == blocks and len(cards) == 5
    about = (site / paths.ABOUT).read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="rubrics/([^"]+)\.html">', about) == cards
    downloads = (site / paths.DOWNLOADS).read_text(encoding="utf-8")
    titles = re.findall(r"<h3>([^<]+)</h3>", downloads)
    assert titles[:5] == [re.search(rf'id="r-{c}-h">([^<]+)<', index).group(1)
                          if c in blocks else None for c in cards][:5]


def test_downloads_list_each_file_size(example):
    site, _ = example
    from booklet.site.build import file_size
    downloads = (site / paths.DOWNLOADS).read_text(encoding="utf-8")
    for rel in (paths.SCORES_CSV, paths.SCORES_XLSX):
        size = (site / rel).stat().st_size
        assert size > 1024
        assert re.search(rf'href="{re.escape(str(rel))}" download>[^<]*</a> <span class="size">'
                         rf'（{re.escape(file_size(size))}）</span>', downloads), rel
    assert file_size(812) == "812 字节" and file_size(46_387) == "45.3 KB"
    assert file_size(2_202_009) == "2.1 MB"


def test_empty_issuer_leaves_no_dangling_dot(tmp_path):
    project, results = small_project(tmp_path / "project")
    for rb in project.rubrics.values():
        rb.issuer = ""
    site = tmp_path / "site"
    build_site(context(project, results, site, pdf=False))
    for path in html_files(site):
        for meta in re.findall(r'<p class="(?:meta|lead)">(.*?)</p>', path.read_text(encoding="utf-8"), re.S):
            text = _text(meta).strip()
            assert not text.startswith("·") and "· ·" not in text and not text.endswith("·"), (path, text)

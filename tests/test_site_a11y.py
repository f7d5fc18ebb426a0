"""The example town's site on a 390 px phone and under axe-core, in Debian's
chromium driven by Playwright from file://.

The site is built from a temporary copy of the example in which one
community's fourth-quarter record cites a 140-character URL as evidence and
the community has a long name without a break opportunity: both must wrap
inside their table cell. axe-core is the npm package installed by the
Makefile (`npm install --prefix .venv/axe axe-core@4`); its file is injected
into the real page with add_script_tag. Skipped when chromium, playwright or
axe-core is missing.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from booklet import build, paths
from booklet.site.build import build_site

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
AXE_REL = Path("axe") / "node_modules" / "axe-core" / "axe.min.js"

LONG_URL = ("https://www.hutang.gov.cn/zongzhiban/qunfangqunzhi/2017/kaohe/disijidu/"
            "huayang-shequ-xunluo-rizhi-jiancha-jilu-fujian-0001-0002-0003-004.pdf")
LONG_NAME = "华阳社区HuayangCommunityComprehensiveGovernanceWorkstation"
UNIT = "hutang-37"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="需要 Debian 的 chromium"),
]


def axe_file() -> Path | None:
    """axe.min.js from `make`'s install: this checkout's .venv, else the venv
    running the tests (a worktree sharing the main checkout's .venv)."""
    for base in (REPO / ".venv", Path(sys.prefix)):
        if (base / AXE_REL).is_file():
            return base / AXE_REL
    return None


def test_long_url_is_140_characters():
    assert len(LONG_URL) == 140 and " " not in LONG_URL


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example, copied, with the long URL and the long name, built without PDFs."""
    root = tmp_path_factory.mktemp("a11y")
    project = root / "project"
    project.mkdir()
    for name in ("booklet.yml", "rubrics", "assessments", "templates"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, project / name)
        elif src.is_file():
            shutil.copy2(src, project / name)
    record = project / "assessments" / "hutang-2017" / "2017-Q4" / f"{UNIT}.yml"
    text = record.read_text(encoding="utf-8")
    text, n = re.subn(r"evidence: .*", f"evidence: {LONG_URL}", text, count=1)
    assert n == 1, "the example's record no longer cites any evidence"
    record.write_text(text, encoding="utf-8")
    config = project / "booklet.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"(id: %s, name: )[^,]+" % UNIT, r"\g<1>" + LONG_NAME, text)
    assert n == 1
    config.write_text(text, encoding="utf-8")
    ctx = build.prepare(project, site_dir=root / "site", internal_dir=root / "internal",
                        pdf=False)
    build_site(ctx)
    site = (root / "site").resolve()
    page = (site / paths.unit_page(UNIT)).read_text(encoding="utf-8")
    assert LONG_URL in page and LONG_NAME in page
    return site


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    yield page
    ctx.close()


def open_all(page) -> None:
    """Open every <details> (what a reader does, card by card) and let the
    page's script see the new layout."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    page.wait_for_timeout(100)


# every text run inside a table cell that reaches outside the cell's box
TEXT_OUTSIDE_CELL = """() => {
  const bad = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const box = cell.getBoundingClientRect();
    if (!box.width) continue;
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) {
          bad.push({text: n.textContent.trim().slice(0, 60), text_width: Math.round(r.width),
                    cell_width: Math.round(box.width)});
          break;
        }
      }
    }
  }
  return bad;
}"""

# every table box wider than its content area, and whether a hint is shown
WIDE_TABLES = """() => Array.from(document.querySelectorAll('.table-scroll'))
  .filter(b => b.offsetWidth > 0 && b.scrollWidth > b.clientWidth + 1)
  .map(b => {
    const hint = b.previousElementSibling;
    const shown = !!hint && hint.classList.contains('scroll-hint') && !hint.hidden
                  && hint.getBoundingClientRect().height > 0;
    return {label: b.getAttribute('aria-label'), hint: shown ? hint.textContent : null};
  })"""


@pytest.mark.parametrize("rel", [paths.INDEX, paths.unit_page(UNIT),
                                 paths.rubric_page("hutang-2017")])
def test_phone_390_nothing_wider_than_screen_or_cell(phone, site, rel):
    phone.goto((site / rel).as_uri())
    open_all(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{rel}: the page is {width}px wide on a 390px phone"
    assert phone.evaluate(TEXT_OUTSIDE_CELL) == [], f"{rel}: text runs out of its table cell"
    for table in phone.evaluate(WIDE_TABLES):
        assert table["hint"] and "左右滑动" in table["hint"], (
            f"{rel}: table {table['label']} has columns off-screen and no scroll hint")


def test_phone_390_long_url_wraps_in_its_cell(phone, site):
    phone.goto((site / paths.unit_page(UNIT)).as_uri() + f"#hutang-2017-2017-Q4")
    phone.wait_for_timeout(100)
    meta = phone.locator("#hutang-2017-2017-Q4 .adj-meta", has_text=LONG_URL[:40])
    assert meta.count() == 1 and meta.is_visible()
    cell = meta.locator("xpath=ancestor::td[1]")
    text_box = meta.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e);"
                             " const b = r.getBoundingClientRect(); return [b.left, b.right]; }")
    cell_box = cell.bounding_box()
    assert cell_box["x"] - 1 <= text_box[0] and text_box[1] <= cell_box["x"] + cell_box["width"] + 1
    assert cell_box["x"] + cell_box["width"] <= 390
    # the URL is whole in the page text (wrapped, not cut)
    assert LONG_URL in meta.inner_text().replace("\n", "")


def test_wide_ranking_says_it_scrolls(phone, site):
    """The index ranking at 390 px: either every column fits, or the hint is there."""
    phone.goto((site / paths.INDEX).as_uri())
    box = phone.locator(".table-scroll").first
    over = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
    hint = phone.locator(".table-scroll").first.locator("xpath=preceding-sibling::*[1]")
    if over:
        assert hint.get_attribute("class") == "scroll-hint" and hint.is_visible()
        assert "左右滑动" in hint.inner_text()
    else:
        assert not (hint.count() and hint.get_attribute("class") == "scroll-hint"
                    and hint.is_visible())


AXE_PAGES = [paths.INDEX, paths.unit_page(UNIT), paths.unit_page("zjj-01"),
             paths.rubric_page("hutang-2017"), paths.rubric_page("changde-zjj-2017"),
             paths.DOWNLOADS]


@pytest.mark.parametrize("rel", AXE_PAGES)
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_reports_no_violations(browser, site, rel, width):
    axe = axe_file()
    if axe is None:
        pytest.skip("需要 axe-core：make 会用 npm 安装到 .venv/axe")
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    try:
        page.goto((site / rel).as_uri())
        open_all(page)
        page.add_script_tag(path=str(axe))
        result = page.evaluate("""async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }""")
    finally:
        ctx.close()
    assert result == [], f"{rel} at {width}px:\n" + json.dumps(result, ensure_ascii=False, indent=1)

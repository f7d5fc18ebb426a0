"""The site in Debian's chromium, driven by Playwright, opened from file://.

Never downloads a browser: /usr/bin/chromium is used as is; the tests are
skipped when it or the playwright package is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from booklet import paths
from booklet.site.build import build_site
from site_fixtures import DEDUCTION_REASON, SECRET_PHONE, XSS_NAME, context, small_project

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="需要 Debian 的 chromium"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    project, results = small_project(root / "project")
    site = root / "site"
    build_site(context(project, results, site, pdf=False))
    return site.resolve()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """Records console errors, page errors, dialogs and every request; aborts
    any request that is not a file inside the site."""

    def __init__(self, page, site: Path):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.prefix = site.as_uri() + "/"
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.route("**/*", self._route)

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.prefix):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def assert_clean(self):
        assert self.errors == []
        assert self.dialogs == []
        assert self.outside == []
        assert self.requests, "no request was seen at all: the watch is not working"
        for url in self.requests:
            assert url.startswith(self.prefix), url


@pytest.fixture
def page(browser, site):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.watch = Watch(pg, site)
    yield pg
    ctx.close()


def url(site: Path, rel) -> str:
    return (site / rel).as_uri()


def first_ranking(page):
    return page.locator("table.ranking").first


def totals(table) -> list[float]:
    cells = table.locator("tbody tr:not([hidden]) td.total")
    return [float(x) for x in cells.evaluate_all("els => els.map(e => e.dataset.v)")]


def test_sort_ranking_by_total(page, site):
    page.goto(url(site, paths.INDEX))
    table = first_ranking(page)
    header = table.locator("thead th", has_text="得分").locator("button")
    header.click()
    got = totals(table)
    assert got == sorted(got, reverse=True)
    assert table.locator("thead th", has_text="得分").get_attribute("aria-sort") == "descending"
    header.click()
    got = totals(table)
    assert got == sorted(got)
    # by unit name, then back by rank
    table.locator("thead th", has_text="单位").locator("button").click()
    table.locator("thead th", has_text="名次").locator("button").click()
    ranks = table.locator("tbody tr td:first-child").evaluate_all(
        "els => els.map(e => +e.dataset.v)")
    assert ranks == sorted(ranks)
    page.watch.assert_clean()


def test_filter_by_community_name_and_grade(page, site):
    page.goto(url(site, paths.INDEX))
    table = first_ranking(page)
    box = page.locator(".toolbar input.filter-name").first
    box.fill("新华")
    visible = table.locator("tbody tr:not([hidden])")
    assert visible.count() == 1
    assert visible.first.get_attribute("data-unit") == "新华社区"
    assert "显示 1 / 5 个单位" in page.locator(".toolbar output").first.inner_text()
    box.fill("")
    assert table.locator("tbody tr:not([hidden])").count() == 5
    select = page.locator(".toolbar select.filter-grade").first
    grade = select.locator("option").nth(1).get_attribute("value")
    select.select_option(grade)
    rows = table.locator("tbody tr:not([hidden])")
    assert rows.count() >= 1
    assert set(rows.evaluate_all("els => els.map(e => e.dataset.grade)")) == {grade}
    page.watch.assert_clean()


def test_unit_search(page, site):
    page.goto(url(site, paths.INDEX))
    search = page.locator("#unit-search")
    assert search.is_visible()
    search.fill("城东")
    items = page.locator("#unit-list li:not([hidden])")
    assert items.count() == 1 and "城东社区" in items.first.inner_text()
    page.watch.assert_clean()


def test_unit_page_shows_the_deduction(page, site):
    page.goto(url(site, paths.INDEX))
    # the Q1 ranking is in a closed <details>: the link into the unit page still works
    page.locator("#r-hutang-2017-2017-Q1 summary").click()
    page.locator("#rank-hutang-2017-2017-Q1 a", has_text="新华社区").click()
    page.wait_for_load_state()
    assert page.url.startswith(url(site, paths.unit_page("xinhua")))
    card = page.locator("#hutang-2017-2017-Q1")
    assert card.get_attribute("open") is not None          # opened by the #fragment
    reason = card.locator(".adj-reason", has_text=DEDUCTION_REASON)
    assert reason.count() == 1 and reason.is_visible()
    assert "138****5678" in reason.inner_text()
    assert SECRET_PHONE not in page.content()
    page.watch.assert_clean()


def test_script_named_unit_is_text(page, site):
    page.goto(url(site, paths.INDEX))
    assert XSS_NAME in page.locator("#rank-hutang-2017-2017-Q4").inner_text()
    page.goto(url(site, paths.unit_page("xss")))
    assert page.locator("h1").inner_text() == XSS_NAME
    assert XSS_NAME in page.title()
    page.goto(url(site, paths.rubric_page("hutang-2017")))
    assert "<script>alert(3)</script>" in page.locator(".intro").inner_text()
    page.wait_for_timeout(200)
    page.watch.assert_clean()


def test_every_page_loads_cleanly(page, site):
    for p in sorted(site.rglob("*.html")):
        page.goto(p.as_uri())
        assert page.locator("main h1").count() == 1, p
    page.watch.assert_clean()


def test_reads_without_javascript(browser, site):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(url(site, paths.INDEX))
    assert page.locator("table.ranking").first.is_visible()
    assert page.locator(".toolbar").count() == 0            # controls come with the script
    assert not page.locator("#unit-search").is_visible()
    assert page.locator("svg.chart title").count() >= 2
    page.goto(url(site, paths.unit_page("xinhua")))
    assert page.locator("details#hutang-2017-2017-Q4").get_attribute("open") is not None
    page.locator("#hutang-2017-2017-Q1 > summary").click()     # <details> needs no script
    assert page.get_by_text(DEDUCTION_REASON).first.is_visible()
    ctx.close()


@pytest.mark.parametrize("rel", [paths.INDEX, paths.unit_page("xinhua"),
                                 paths.rubric_page("hutang-2017"), paths.DOWNLOADS,
                                 paths.ABOUT])
def test_phone_width_has_no_page_overflow(browser, site, rel):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(url(site, rel))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{rel}: page is {width}px wide on a 390px phone"
    ctx.close()


def test_print_opens_every_period(page, site):
    page.goto(url(site, paths.INDEX))
    closed = page.locator("details:not([open])").count()
    assert closed > 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details:not([open])").count() == closed
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()

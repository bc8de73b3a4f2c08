"""The dashboard in a real browser (headless Chromium from the Debian package, driven by
Playwright; never `playwright install`): the overview loads, every chart renders marks, a
filter changes the figures, a CSV downloads, the simulated-data banner shows. The offline
report renders its charts with every network request blocked. Screenshots go to tmp_path."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from browser_support import BROWSER_MARKS, chromium, serve
from kartoteka.report import write_report
from kartoteka.web import create_app

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(web_store):
    with serve(create_app(web_store.data_dir)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def wait_for_charts(page) -> list[tuple[str, str, int]]:
    page.wait_for_function(
        "document.querySelectorAll('.vis').length > 0 && "
        "document.querySelectorAll('.vis[data-rendered]').length == "
        "document.querySelectorAll('.vis').length",
        timeout=20000,
    )
    # marks, not axes: Vega's SVG renderer puts each mark's shapes in a group `g.mark-<type>`
    return [
        (
            v.get_attribute("data-chart"),
            v.get_attribute("data-rendered"),
            v.locator("svg g.mark-rect path, svg g.mark-line path, svg g.mark-symbol path").count(),
        )
        for v in page.locator(".vis").all()
    ]


def test_overview_renders_filters_and_downloads(server, browser, web_store, tmp_path):
    context = browser.new_context(
        accept_downloads=True, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/?lang=en")
    assert page.locator("#simulated-banner").is_visible()
    charts = wait_for_charts(page)
    assert [c[0] for c in charts] == ["monthly", "verdicts", "outcomes", "courts"]
    for key, state, marks in charts:
        assert state == "1" and marks > 0, (key, state, marks)
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    total = page.locator("#headline-since_mobilisation .value").get_attribute("data-value")
    assert total == str(web_store.n_cases)

    # a filter: pick article 338 and apply; the URL and the figures change
    page.select_option("select[name=article]", "338")
    page.click("#apply-filters")
    page.wait_for_url("**article=338**")
    wait_for_charts(page)
    filtered = page.locator("#headline-since_mobilisation .value").get_attribute("data-value")
    assert filtered == str(sum(1 for c in web_store.truth if c.article == "338"))
    page.screenshot(path=str(tmp_path / "filtered.png"), full_page=True)

    # the CSV download of the monthly chart, with the filter
    with page.expect_download() as info:
        page.click('a[data-csv="monthly"]')
    path = info.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert sum(int(r["cases"]) for r in rows) == int(filtered)
    assert errors == []
    context.close()


def test_a_click_on_a_month_lists_its_cases(server, browser, web_store, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/?lang=en")
    wait_for_charts(page)
    bars = page.locator("#chart-monthly svg g.mark-rect").last.locator("path")
    assert bars.count() > 0
    bars.nth(bars.count() // 2).click(force=True)
    page.wait_for_url("**/cases?**since=**")
    query = dict(p.split("=", 1) for p in page.url.split("?", 1)[1].split("&"))
    month = query["since"][:7]
    assert query["since"] == f"{month}-01" and query["until"].startswith(month)
    expected = sum(1 for c in web_store.truth if c.entry_date.strftime("%Y-%m") == month)
    assert f"of {expected}" in page.locator(".pager").first.inner_text()
    page.screenshot(path=str(tmp_path / "month-cases.png"), full_page=True)
    page.close()


def test_revisions_page_draws_its_line(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server + "/revisions?lang=ru")
    [(key, state, marks)] = wait_for_charts(page)
    assert (key, state) == ("revisions", "1") and marks > 0
    assert page.locator("#simulated-banner").is_visible()
    page.screenshot(path=str(tmp_path / "revisions.png"), full_page=True)
    page.close()


def test_offline_report_renders_without_network(browser, web_store, tmp_path):
    out = tmp_path / "report.html"
    write_report(web_store.data_dir, out, lang="ru")
    context = browser.new_context(offline=True)
    requested: list[str] = []

    def only_the_file(route):
        requested.append(route.request.url)
        if route.request.url == out.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(out.as_uri())
    assert page.locator("#simulated-banner").is_visible()
    charts = wait_for_charts(page)
    assert all(state == "1" and marks > 0 for _, state, marks in charts), charts
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    # only the file itself was requested: nothing from any network
    assert [u for u in requested if u != out.as_uri()] == []
    context.close()

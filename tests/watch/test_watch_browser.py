"""The digest (HTML) and the feed entries in a real browser (headless Chromium, as in
tests/web/test_web_browser.py): the simulated banner shows, the watch sections list their
changes, a case link of the digest opens the case page on the dashboard, and the Atom feed's
entries are there to read. Screenshots go to tmp_path."""

from __future__ import annotations

import pytest

from browser_support import BROWSER_MARKS, chromium, serve
from kartoteka.store.db import connect
from kartoteka.watch.digest import build_digest
from kartoteka.watch.render import to_html
from kartoteka.web import create_app

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(watch_store):
    with serve(create_app(watch_store, mode="direct")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_digest_page_shows_changes_and_links_to_case_pages(server, browser, watch_store, tmp_path):
    con = connect(watch_store, read_only=True)
    digest = build_digest(con, latest=True)
    con.close()
    out = tmp_path / "digest.html"
    out.write_text(to_html(digest, server), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    assert page.locator(".simulated").is_visible()
    sections = page.locator("section.watch")
    assert [sections.nth(i).get_attribute("data-watch") for i in range(sections.count())] == [
        "all",
        "ussuri",
        "w337",
    ]
    rows = page.locator('section[data-watch="all"] table.new_case tr[data-change-id]')
    assert rows.count() == len(digest.watches[0].of_kind("new_case")) == 3
    assert page.locator('section[data-watch="all"] table.removed tr[data-change-id]').count() == 1
    page.screenshot(path=str(tmp_path / "digest.png"), full_page=True)
    link = rows.first.locator("a")
    number = link.inner_text()
    link.click()
    page.wait_for_url(f"{server}/case/**")
    assert number in page.locator("body").inner_text()
    page.screenshot(path=str(tmp_path / "case-from-digest.png"), full_page=True)
    assert errors == []
    page.close()


def test_feed_entries_are_readable_in_the_browser(server, browser, watch_store, tmp_path):
    page = browser.new_page()
    response = page.goto(server + "/feeds/w337.atom")
    assert response is not None and response.ok
    assert "application/atom+xml" in response.headers["content-type"]
    # the browser's own XML parser reads the feed it was served (a feed reader's view)
    titles = page.evaluate(
        """async (url) => {
            const text = await (await fetch(url)).text();
            const doc = new DOMParser().parseFromString(text, 'application/xml');
            if (doc.getElementsByTagName('parsererror').length) return ['PARSE ERROR'];
            const ns = 'http://www.w3.org/2005/Atom';
            return Array.from(doc.getElementsByTagNameNS(ns, 'entry')).map(
                e => e.getElementsByTagNameNS(ns, 'title')[0].textContent);
        }""",
        server + "/feeds/w337.atom",
    )
    con = connect(watch_store, read_only=True)
    entries = build_digest(con, watch="w337", latest=True).watches[0].entries
    con.close()
    assert len(titles) == len(entries) > 0
    assert all(t.startswith("[SIMULATED] ") for t in titles)
    page.screenshot(path=str(tmp_path / "feed.png"), full_page=True)
    page.close()

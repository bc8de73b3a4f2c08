"""The claim-check page in a real browser (headless Chromium, as test_web_browser.py drives
it): the two seed sentences of issue 12 typed into the text box come back with both claims
marked, and the table says what was checked."""

from __future__ import annotations

from test_web_browser import browser, pytestmark, server  # noqa: F401

SEEDS = (
    "Since the start of mobilisation in September 2022, over 13,000 cases concerning refusal "
    "to fight on the front line have been submitted to Russian courts. By the end of July this "
    "year, there have already been more cases than in the entire previous year."
)


def test_typed_seed_sentences_come_back_with_their_claims_marked(server, browser, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/check?lang=en")
    page.fill("#check-text", SEEDS)
    page.fill("#check-as-of", "2025-08-12")
    page.click("#check-submit")
    page.wait_for_selector("#marked mark.claim")
    marks = page.locator("#marked mark.claim")
    assert marks.count() == 2
    assert "13,000 cases" in marks.nth(0).inner_text()
    assert "more cases than in the entire previous year" in marks.nth(1).inner_text()
    for i in range(2):
        assert marks.nth(i).get_attribute("class").split()[1] in (
            "consistent",
            "inconsistent",
            "not_checkable",
        )
    rows = page.locator("#table-claims tbody tr")
    assert rows.count() == 2
    assert "2025-08-12" in page.locator("#check-as-of-used").inner_text()
    # the text stays in the box, so it can be edited and checked again
    assert page.input_value("#check-text") == SEEDS
    page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
    assert errors == []
    page.close()

"""The dashboard's pages through the ASGI client: language, banner, filters in the URL, CSV
downloads, the case page and the evidence view (names masked, nothing that runs)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from web_truth import by_court, by_month
from webstore import EVIDENCE_CASE_ID, EVIDENCE_NAME

from kartoteka.web import create_app
from kartoteka.web.i18n import MESSAGES

CASE_URL = f"/case/27GV0008/first/{EVIDENCE_CASE_ID}"


@pytest.fixture(scope="module")
def client(web_store):
    with TestClient(create_app(web_store.data_dir, mode="direct")) as c:
        yield c


def headline(html: str, key: str) -> str:
    match = re.search(rf'id="headline-{key}".*?data-value="([^"]*)"', html, re.S)
    assert match, f"headline {key} missing"
    return match.group(1)


def test_overview_in_russian_by_default_and_english_on_request(client):
    ru = client.get("/")
    assert ru.status_code == 200
    assert 'lang="ru"' in ru.text and MESSAGES["headline.since_mobilisation"][0] in ru.text
    en = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,ru;q=0.5"})
    assert 'lang="en"' in en.text and MESSAGES["headline.since_mobilisation"][1] in en.text
    forced = client.get("/?lang=ru", headers={"Accept-Language": "en"})
    assert 'lang="ru"' in forced.text


def test_every_page_shows_the_simulated_banner(client, web_store):
    warc_file, offset = web_store.evidence_ref
    for url in [
        "/",
        "/cases",
        "/courts",
        "/courts/27GV0008",
        CASE_URL,
        "/methodology",
        f"/evidence/{warc_file}/{offset}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="simulated-banner"' in response.text, url


def test_overview_figures_charts_and_definitions(client, web_store):
    html = client.get("/?lang=en").text
    assert headline(html, "since_mobilisation") == str(web_store.n_cases)
    for key in ("monthly", "verdicts", "outcomes", "courts"):
        assert f'data-chart="{key}"' in html
        assert f'data-csv="{key}"' in html
    assert 'data-csv="regions"' in html
    assert html.count("as of 2025-07-11") >= 5  # every headline says its date
    # the chart libraries come from the app itself, never from a CDN
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts and all(s.startswith("/") for s in scripts)
    bundle = client.get(scripts[0])
    assert bundle.status_code == 200 and "vegaEmbed" in bundle.text


def test_filters_live_in_the_url_and_change_the_figures(client, web_store):
    html = client.get("/?lang=en&article=338").text
    expected = sum(1 for c in web_store.truth if c.article == "338")
    assert headline(html, "since_mobilisation") == str(expected)
    assert '<option value="338" selected>' in html
    # the CSV links carry the filters
    assert 'href="/download/monthly.csv?article=338&amp;lang=en"' in html


def test_a_bad_filter_is_reported_on_the_page(client, web_store):
    response = client.get("/?lang=en&since=31.12.2024")
    assert response.status_code == 200
    assert "since must be a date" in response.text
    assert headline(response.text, "since_mobilisation") == str(web_store.n_cases)


def test_csv_downloads_give_the_rows_behind_the_charts(client, web_store):
    response = client.get("/download/monthly.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    per_month: dict[str, int] = {}
    for r in rows:
        per_month[r["period"]] = per_month.get(r["period"], 0) + int(r["cases"])
    assert per_month == by_month(web_store.truth)
    courts = list(
        csv.DictReader(
            io.StringIO(client.get("/download/courts.csv?court=27GV0001").text.lstrip("\ufeff"))
        )
    )
    assert [(r["court_code"], int(r["cases"])) for r in courts] == [
        ("27GV0001", by_court(web_store.truth)["27GV0001"])
    ]
    assert client.get("/download/nothing.csv").status_code == 404


def test_court_page_and_case_list(client, web_store):
    html = client.get("/courts/27GV0001?lang=en").text
    assert "Екатеринбургский гарнизонный военный суд" in html
    assert headline(html, "since_mobilisation") == str(by_court(web_store.truth)["27GV0001"])
    missing = client.get("/courts/99GV9999")
    assert missing.status_code == 404
    assert 'id="simulated-banner"' in missing.text  # error pages say it too
    cases = client.get("/cases?lang=en&court=39GV0005").text
    assert f"1–{by_court(web_store.truth)['39GV0005']} of" in cases


def test_case_page_shows_initials_events_versions_and_evidence(client, web_store):
    html = client.get(CASE_URL + "?lang=en").text
    assert "1-77/2025" in html and "В.Т.П." in html
    assert EVIDENCE_NAME not in html and EVIDENCE_NAME.split()[0] not in html
    assert "Судебное заседание" in html  # an event
    warc_file, offset = web_store.evidence_ref
    assert f"/evidence/{warc_file}/{offset}" in html


def test_evidence_view_masks_names_and_runs_nothing(client, web_store):
    warc_file, offset = web_store.evidence_ref
    page = client.get(f"/evidence/{warc_file}/{offset}/page")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Дело № 1-77/2025" in page.text
    assert "В.Т.П." in page.text
    assert EVIDENCE_NAME.split()[0] not in page.text
    assert "<script" not in page.text.lower()
    wrapper = client.get(f"/evidence/{warc_file}/{offset}")
    assert 'sandbox=""' in wrapper.text


def test_evidence_with_the_names_opt_in_shows_them(web_store):
    warc_file, offset = web_store.evidence_ref
    app = create_app(web_store.data_dir, mode="direct", show_names=True)
    with TestClient(app) as c:
        assert EVIDENCE_NAME in c.get(f"/evidence/{warc_file}/{offset}/page").text


@pytest.mark.parametrize(
    "path",
    [
        "/evidence/..%2F..%2Fetc%2Fpasswd/0",
        "/evidence/kartoteka.duckdb/0",
        "/evidence/kartoteka-20990101000000-00001.warc.gz/0",
    ],
)
def test_evidence_serves_only_records_the_store_read(client, path):
    assert client.get(path).status_code == 404


def test_methodology_is_generated_from_the_metric_docstrings(client):
    from kartoteka.stats import metrics

    html = unescape(client.get("/methodology").text)
    for fn in metrics.METRICS:
        first_line = (fn.__doc__ or "").strip().splitlines()[0]
        assert first_line.split(":")[0] in html, fn.__name__


def test_every_interface_key_used_in_templates_is_translated():
    from kartoteka.web.render import TEMPLATES_DIR

    used = set()
    for path in TEMPLATES_DIR.glob("*.html"):
        used |= set(re.findall(r't\("([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(MESSAGES)
    from kartoteka.stats.metrics import ARTICLE_GROUPS

    assert {f"group.{name}" for name in ARTICLE_GROUPS} <= set(MESSAGES)
    assert all(ru and en for ru, en in MESSAGES.values())


def test_revisions_page_and_its_csv(client, web_store):
    html = client.get("/revisions?lang=en").text
    assert 'data-chart="revisions"' in html and "2025-03-01" in html
    rows = list(
        csv.DictReader(io.StringIO(client.get("/download/revisions.csv").text.lstrip("\ufeff")))
    )
    assert [r["as_of"] for r in rows] == ["2025-03-01", "2025-07-10", "2025-07-11"]
    assert int(rows[-1]["cases"]) == web_store.n_cases

"""The claim check on the web: `POST /api/v1/check` answers the JSON contract of issue 12 with
figures equal to the fixture's own count (as of publication and today), its `cases_url` lists
exactly those cases, bad input is a 422, and the /check page marks the claims in the text."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from webstore import FIRST_HARVEST

from kartoteka.web import create_app

CONTRACT = {
    "span", "text", "quantity", "value", "comparator", "articles", "parts",
    "mobilisation_parts", "from", "to", "per", "court", "region", "compare_to", "found",
    "found_today", "verdict", "cases_url",
}  # fmt: skip


@pytest.fixture(scope="module")
def client(web_store):
    with TestClient(create_app(web_store.data_dir, mode="direct")) as c:
        yield c


def _count(truth, *, article=None, part=None, court=None, since=None, until=None, seen=None):
    return sum(
        1
        for c in truth
        if (article is None or c.article == article)
        and (part is None or c.part == part)
        and (court is None or c.court == court)
        and (since is None or c.entry_date >= since)
        and (until is None or c.entry_date <= until)
        and (seen is None or c.first_seen <= seen)
    )


def test_check_answers_the_contract_with_the_fixtures_figures(client, web_store):
    n = _count(web_store.truth, article="337", part="5", court="27GV0008",
               since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))  # fmt: skip
    text = (
        f"В 2024 году в Пермский гарнизонный военный суд поступило {n} дел по ч. 5 ст. 337 "
        f"УК РФ. In 2024, the same court received {n * 3} such cases."
    )
    r = client.post("/api/v1/check", json={"text": text, "as_of": "2025-07-31"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == "2025-07-31" and body["as_of_source"] == "given"
    first, second = body["claims"]
    assert set(first) >= CONTRACT
    assert text[first["span"][0] : first["span"][1]] == first["text"]
    assert (first["quantity"], first["value"], first["comparator"]) == ("cases", n, "eq")
    assert (first["articles"], first["parts"], first["court"]) == (["337"], ["337.5"], "27GV0008")
    assert (first["from"], first["to"]) == ("2024-01-01", "2024-12-31")
    assert first["found"] == first["found_today"] == n and first["verdict"] == "consistent"
    assert second["found"] == n and second["verdict"] == "inconsistent"
    listed = client.get("/api/v1/cases", params=dict(parse_qsl(urlsplit(first["cases_url"]).query)))
    assert listed.json()["total"] == n


def test_the_figure_as_of_publication_and_its_revision_since(client, web_store):
    """Published the day of the first harvest, a figure for early 2025 was lower than today:
    the check says both and the revision."""
    since = dt.date(2025, 1, 1)
    then = _count(web_store.truth, since=since, seen=FIRST_HARVEST)
    now = _count(web_store.truth, since=since)
    assert now > then
    text = f"С начала 2025 года в военные суды поступило {then} дел."
    claim = client.post(
        "/api/v1/check", json={"text": text, "as_of": FIRST_HARVEST.isoformat()}
    ).json()["claims"][0]
    assert (claim["found"], claim["found_today"], claim["revision"]) == (then, now, now - then)
    assert claim["verdict"] == "consistent"


def test_mobilisation_parts_count_each_case_once_and_link_to_them(client, web_store):
    mob = {("337", "5"), ("337", "3.1"), ("338", "3"), ("332", "2.1")}
    n = sum(1 for c in web_store.truth if (c.article, c.part) in mob)
    claim = client.post(
        "/api/v1/check", json={"text": f"По мобилизационным статьям поступило {n} дел."}
    ).json()["claims"][0]
    assert claim["mobilisation_parts"] is True and claim["found"] == n
    assert claim["verdict"] == "consistent"
    page = client.get(claim["cases_url"])
    assert page.status_code == 200
    listed = client.get("/api/v1/cases", params=dict(parse_qsl(urlsplit(claim["cases_url"]).query)))
    assert listed.json()["total"] == n


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": 5},
        {"text": "x" * 20001},
        {"text": "ok", "as_of": "2024-13-01"},
        {"text": "ok", "as_of": "1800-01-01"},
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, body):
    r = client.post("/api/v1/check", json=body)
    assert r.status_code == 422 and r.json()["detail"]


def test_the_endpoint_is_in_the_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/check"]


def test_the_check_page_marks_the_claims_in_the_text(client, web_store):
    n = _count(web_store.truth, article="338")
    text = f"Всего поступило {n} дел о дезертирстве. <script>alert(1)</script> Тысячи дел."
    page = client.get("/check", params={"text": text, "lang": "ru"})
    assert page.status_code == 200
    marks = re.findall(r'<mark class="claim (\w+)"[^>]*>(.*?)</mark>', page.text)
    assert marks == [("consistent", f"{n} дел о дезертирстве")]
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert 'id="unmapped"' in page.text
    assert client.get("/check", params={"lang": "en"}).status_code == 200
    bad = client.get("/check", params={"text": "5 дел", "as_of": "tomorrow"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    assert 'href="/check?lang=ru"' in client.get("/", params={"lang": "ru"}).text


def test_an_unread_court_is_not_checkable_and_a_partial_archive_says_so(client):
    """27OV0000 is in the registry but the fixture never read its listings: a figure about it
    is unproven, not zero; a national figure says how many courts it rests on."""
    body = client.post(
        "/api/v1/check",
        json={
            "text": "В Центральный окружной военный суд поступило 5 дел. "
            "В российские военные суды поступило 81 дело.",
            "as_of": "2025-07-31",
        },
    ).json()
    court, national = body["claims"]
    assert court["court"] == "27OV0000" and court["verdict"] == "not_checkable"
    assert court["found"] is None and "no case listing" in court["reason"]
    assert national["verdict"] != "not_checkable"
    assert any("3 of the 4 first-instance courts" in n for n in national["notes"])

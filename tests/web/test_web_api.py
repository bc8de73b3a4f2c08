"""The JSON API through the ASGI client: every endpoint, its figures against the fixture's
own count, and bad parameters (422 with the reason, 404 as JSON)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from web_truth import DISTRICT_OF, REGION_OF, by_court, by_month, in_year, seen_by

from kartoteka.web import create_app


@pytest.fixture(scope="module")
def client(web_store):
    with TestClient(create_app(web_store.data_dir, mode="direct")) as c:
        yield c


def test_stats_by_month_and_court_match_the_fixture(client, web_store):
    months = client.get("/api/v1/stats", params={"by": "month"}).json()
    assert {r["period"]: r["cases"] for r in months} == by_month(web_store.truth)
    courts = client.get("/api/v1/stats", params={"by": "court"}).json()
    assert {r["court_code"]: r["cases"] for r in courts} == by_court(web_store.truth)


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"article": "338"}, lambda c: c.article == "338"),
        ({"article": "337,338"}, lambda c: c.article in ("337", "338")),
        ({"article": "refusal"}, lambda c: c.article in ("337", "338", "332", "339", "352.1")),
        ({"article": "337", "part": "3.1"}, lambda c: c.article == "337" and c.part == "3.1"),
        ({"court": "27GV0001"}, lambda c: c.court == "27GV0001"),
        ({"district": "27OV0000"}, lambda c: DISTRICT_OF[c.court] == "27OV0000"),
        ({"region": "Санкт-Петербург"}, lambda c: REGION_OF[c.court] == "Санкт-Петербург"),
        (
            {"since": "2025-01-01", "until": "2025-03-31"},
            lambda c: dt.date(2025, 1, 1) <= c.entry_date <= dt.date(2025, 3, 31),
        ),
    ],
)
def test_filters_select_the_cases_they_name(client, web_store, params, keep):
    expected = [c for c in web_store.truth if keep(c)]
    assert expected, "the fixture must have cases for every filter tested"
    rows = client.get("/api/v1/stats", params={"by": "court", **params}).json()
    assert sum(r["cases"] for r in rows) == len(expected)
    page = client.get("/api/v1/cases", params={"per_page": 500, **params}).json()
    assert page["total"] == len(expected) == len(page["items"])


def test_as_of_counts_only_what_had_been_seen(client, web_store):
    as_of = dt.date(2025, 3, 5)
    visible = seen_by(web_store.truth, as_of)
    assert 0 < len(visible) < web_store.n_cases
    rows = client.get("/api/v1/stats", params={"by": "month", "as_of": as_of.isoformat()})
    assert sum(r["cases"] for r in rows.json()) == len(visible)


def test_overview_headlines_match_the_fixture(client, web_store):
    body = client.get("/api/v1/overview").json()
    heads = {h["key"]: h for h in body["headlines"]}
    assert body["as_of"] == "2025-07-11"  # the latest fetch in the fixture's archive
    assert heads["since_mobilisation"]["value"] == web_store.n_cases
    assert heads["ytd"]["value"] == in_year(web_store.truth, 2025)
    assert heads["last_year"]["value"] == in_year(web_store.truth, 2024)
    assert heads["last_month"]["value"] == by_month(web_store.truth).get("2025-06", 0)
    assert heads["verdicts"]["value"] == sum(1 for c in web_store.truth if c.outcome == "verdict")
    assert heads["removed"]["value"] == 0  # the fixture's second listing still shows every case
    for h in heads.values():
        assert h["as_of"] == "2025-07-11"
        assert len(h["definition"]) > 40  # the metric's docstring, not a placeholder
    assert set(body["series"]) >= {"monthly", "verdicts", "outcomes", "courts", "regions"}


def test_cases_are_paged_without_gaps_or_repeats(client, web_store):
    keys = []
    for page in range(1, 10):
        body = client.get("/api/v1/cases", params={"page": page, "per_page": 10}).json()
        assert body["total"] == web_store.n_cases
        keys += [item["case_key"] for item in body["items"]]
    assert len(keys) == len(set(keys)) == web_store.n_cases
    beyond = client.get("/api/v1/cases", params={"page": 50, "per_page": 10}).json()
    assert beyond["items"] == []


def test_a_case_has_events_versions_evidence_and_no_full_name(client, web_store):
    from webstore import EVIDENCE_CASE_ID, EVIDENCE_NAME

    response = client.get(f"/api/v1/cases/27GV0008/first/{EVIDENCE_CASE_ID}")
    assert response.status_code == 200
    body = response.json()
    assert body["case"]["outcome"] == "verdict"
    assert body["case"]["entry_date"] == "2025-02-03"
    assert [d["shown_name"] for d in body["defendants"]] == ["В.Т.П."]
    assert [c["charge_key"] for c in body["charges"]] == ["337.5"]
    assert len(body["events"]) == 3
    assert body["versions"] and body["evidence"]
    assert body["evidence"][0]["warc_file"] == web_store.evidence_ref[0]
    assert EVIDENCE_NAME.split()[0] not in response.text


def test_courts_list_and_one_court(client, web_store):
    courts = client.get("/api/v1/courts").json()
    known = {c["code"]: c["cases_known"] for c in courts}
    assert {k: v for k, v in known.items() if v} == by_court(web_store.truth)
    one = client.get("/api/v1/courts/27GV0008").json()
    assert one["region"] == "Пермский край" and one["district"] == "27OV0000"


def test_metrics_list_every_definition(client):
    from kartoteka.stats import metrics

    body = client.get("/api/v1/metrics").json()
    names = {m["name"] for m in body}
    assert {fn.__name__ for fn in metrics.METRICS} <= names
    assert all(m["definition"] for m in body)


@pytest.mark.parametrize(
    ("url", "params", "param"),
    [
        ("/api/v1/stats", {"article": "abc"}, "article"),
        ("/api/v1/stats", {"by": "weekday"}, "by"),
        ("/api/v1/stats", {"since": "2025-13-01"}, "since"),
        ("/api/v1/stats", {"since": "2025-05-01", "until": "2025-04-01"}, "until"),
        ("/api/v1/stats", {"part": "5"}, "part"),
        ("/api/v1/stats", {"court": "MOSCOW"}, "court"),
        ("/api/v1/cases", {"per_page": "0"}, "per_page"),
        ("/api/v1/cases", {"page": "x"}, "page"),
        ("/api/v1/overview", {"as_of": "yesterday"}, "as_of"),
    ],
)
def test_bad_parameters_answer_422_with_the_reason(client, url, params, param):
    response = client.get(url, params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(param in map(str, d["loc"]) and d["msg"] for d in detail), detail


@pytest.mark.parametrize(
    "url", ["/api/v1/cases/27GV0008/first/nope", "/api/v1/courts/99GV9999", "/api/v1/nothing"]
)
def test_unknown_things_are_json_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


def test_missing_store_is_a_json_503(tmp_path):
    with TestClient(create_app(tmp_path / "nothing.duckdb")) as c:
        response = c.get("/api/v1/courts")
        assert response.status_code == 503
        assert "no store" in response.json()["detail"]
        assert c.get("/").status_code == 503


@pytest.mark.parametrize(
    "params",
    [
        {"by": "month"},
        {"by": "court", "article": "337"},
        {"by": "region", "article": "337", "principal": "true"},
        {"by": "part", "since": "2025-01-01"},
        {"by": "outcome", "as_of": "2025-03-05"},
    ],
)
def test_stats_endpoint_gives_what_the_cli_prints(client, web_store, params):
    import json

    from typer.testing import CliRunner

    from kartoteka.cli import app

    args = ["stats", "--format", "json", "--data-dir", str(web_store.data_dir.root)]
    for key, value in params.items():
        if key == "principal":
            args.append("--principal")
        else:
            args += [f"--{key.replace('_', '-')}", value]
    cli = CliRunner().invoke(app, args)
    assert cli.exit_code == 0, cli.output
    printed = json.loads(cli.stdout[cli.stdout.index("[") :])
    assert client.get("/api/v1/stats", params=params).json() == printed


def test_revisions_count_the_period_as_of_each_harvest_day(client, web_store):
    body = client.get("/api/v1/revisions").json()
    days = [p["as_of"] for p in body["points"]]
    assert days == ["2025-03-01", "2025-07-10", "2025-07-11"]  # the fixture's fetch days
    for point in body["points"]:
        day = dt.date.fromisoformat(point["as_of"])
        assert point["cases"] == len(seen_by(web_store.truth, day)), point
    assert body["points"][0]["cases"] < body["points"][-1]["cases"] == web_store.n_cases
    assert "revised" in body["definition"]
    assert client.get("/api/v1/revisions", params={"points": 1}).status_code == 422

"""`service=` on the API and the dashboard: the sentence figures within one service status
are the metrics with `Filter.service`; an unknown status, and a status given to a figure or
list of cases, answer 422 naming the parameter (the API) or are shown on the page, never
ignored; the dashboard's sentence table says which status it shows, keeps its definition
and as-of beside it, and the links of the case figures do not carry the status."""

from __future__ import annotations

import duckdb
import pytest
from fastapi.testclient import TestClient

from kartoteka.stats import metrics as m
from kartoteka.web import create_app

MOBILISED = m.Filter(service="mobilised")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from act_archive import small_sentence_store

    return small_sentence_store(tmp_path_factory.mktemp("web-service"))


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(store, mode="direct")) as client:
        yield client


@pytest.fixture(scope="module")
def con(store):
    con = duckdb.connect(str(store.store), read_only=True)
    yield con
    con.close()


def test_stats_endpoint_within_a_status_is_the_metric(client, con) -> None:
    for by in ("punishment", "service", "regime", "term"):
        answer = client.get("/api/v1/stats", params={"by": by, "service": "mobilised"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == m.cases_by(con, MOBILISED, by)
    rows = client.get("/api/v1/stats", params={"by": "punishment", "service": "mobilised"}).json()
    everyone = client.get("/api/v1/stats", params={"by": "punishment"}).json()
    assert rows and sum(r["sentences"] for r in rows) < sum(r["sentences"] for r in everyone)
    assert {r["published_share"] for r in rows} == {everyone[0]["published_share"]}
    both = client.get("/api/v1/stats", params={"by": "punishment", "service": "contract,mobilised"})
    assert both.status_code == 200
    assert both.json() == m.cases_by(con, m.Filter(service="mobilised,contract"), "punishment")


def _service_error(answer) -> str:
    assert answer.status_code == 422, answer.text
    errors = answer.json()["detail"]
    assert [e["loc"] for e in errors] == [["query", "service"]]
    return str(errors[0]["msg"])


def test_an_unknown_status_is_422_with_the_allowed_values(client) -> None:
    msg = _service_error(
        client.get("/api/v1/stats", params={"by": "punishment", "service": "volunteer"})
    )
    assert "mobilised, contract, conscript" in msg


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/stats", {"by": "month"}),
        ("/api/v1/stats", {"by": "court"}),
        ("/api/v1/stats", {"by": "outcome"}),
        ("/api/v1/cases", {}),
        ("/api/v1/revisions", {}),
    ],
)
def test_figures_of_cases_refuse_a_status(client, path, params) -> None:
    msg = _service_error(client.get(path, params={**params, "service": "mobilised"}))
    assert "has no service status" in msg


def test_the_openapi_lists_the_service_parameter(client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/stats"]["get"]["parameters"]}
    assert "mobilised, contract, conscript" in params["service"]["description"]


def test_dashboard_sentence_table_within_a_status(client, con) -> None:
    rows = m.sentences_by_punishment(con, MOBILISED)
    everyone = m.cases_by(con, m.Filter(), "month")
    page = client.get("/", params={"service": "mobilised", "lang": "en"}).text
    assert 'id="service-filter"' in page
    assert '<option value="mobilised" selected>mobilised</option>' in page
    section = page[page.index('id="table-sentences"') :]
    section = section[: section.index("</section>")]
    assert "only defendants whose verdict states them: mobilised" in section
    share = f"{rows[0].published_share:.0%}"
    assert f"texts published for {share} of {rows[0].verdicts} verdicts" in section
    for g in rows:
        assert f"<td>{g.sentences}</td>" in section
    assert "Definition" in section and "Service status" in section and "as of " in section
    assert "the published share stays that of all" in section
    # the case figures of the same page are all cases, and their links do not carry it
    monthly = page[page.index('data-chart="monthly"') :]
    assert "service=" not in monthly[: monthly.index(">")]
    assert sum(r["cases"] for r in everyone) > 0
    download = page[page.index('id="table-sentences"') :]
    assert "/download/sentences.csv?service=mobilised" in download
    csv = client.get("/download/sentences.csv", params={"service": "mobilised"}).text
    assert csv.count("\n") == len(rows) + 1  # a header and one line per punishment
    ru = client.get("/", params={"service": "mobilised", "lang": "ru"}).text
    assert "только осуждённые, чей статус в приговоре: мобилизованные" in ru


def test_a_page_of_cases_shows_the_refusal(client) -> None:
    page = client.get("/cases", params={"service": "mobilised", "lang": "en"})
    assert page.status_code == 200
    assert 'role="alert"' in page.text and "has no service status" in page.text
    answer = client.get("/download/monthly.csv", params={"service": "mobilised"})
    assert answer.status_code == 422

"""Against the sandbox: harvest and ingest at T1, save searches, harvest and ingest a simulated
month later (T2). Each saved search's digest must hold exactly the ground truth's changes
(cases.csv, never the store) between T1 and T2 that match its filters: the cases that became
visible, the outcomes that changed, the cases removed, and the overall monthly counts that
were revised. The Atom feed holds the same entries and validates; re-running ingest or
rebuilding the store changes no id."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from atom_check import check_atom
from lxml import etree

from kartoteka.paths import DataDir
from kartoteka.stats.metrics import split_charge_key
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect, dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.watch.digest import build_digest
from kartoteka.watch.feeds import entry_urn
from kartoteka.watch.render import digest_json
from kartoteka.watch.searches import add_watch, parse_watch_filters

sandbox = pytest.importorskip("kartoteka.sandbox")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from test_stats_sandbox_e2e import (  # noqa: E402  (the stats tests' sandbox helpers)
    SINCE,
    T1,
    T2,
    _harvest_and_ingest,
    _pick,
    _truth,
)

pytestmark = pytest.mark.slow
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def _day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _visible(row: dict[str, str], now: dt.date) -> bool:
    removed = _day(row["removed_from"])
    return _day(row["visible_from"]) <= now and (removed is None or removed > now)


def _charges(row: dict[str, str]) -> set[tuple[str, str | None]]:
    return {split_charge_key(k) for k in row["charges"].split(";") if k}


def _watches(courts) -> dict[str, dict[str, object]]:
    """The saved searches of the test: an article, an article and part, a court, a group,
    a region-free district, and an outcome."""
    return {
        "w337": {"article": "337"},
        "desertion-3": {"article": "338", "part": "3"},
        "court-one": {"court": courts[0].code},
        "refusal": {"article": "refusal"},
        "court-one-337-5": {"court": courts[0].code, "article": "337", "part": "5"},
    }


REFUSAL = {"337", "338", "332", "339", "352.1"}


def _matches(row: dict[str, str], filters: dict[str, object]) -> bool:
    charges = _charges(row)
    articles = {a for a, _ in charges}
    if "court" in filters and row["court_code"] != filters["court"]:
        return False
    article = filters.get("article")
    if article == "refusal":
        return bool(articles & REFUSAL)
    if article and "part" in filters:
        return (article, filters["part"]) in charges
    if article:
        return article in articles
    return True


class TruthChanges:
    """The changes between T1 and T2 from the truth files alone."""

    def __init__(self, rows1, rows2, codes: set[str]) -> None:
        def first(rows):
            return {
                (r["court_code"], r["case_id"]): r
                for r in rows
                if r["court_code"] in codes
                and r["instance"] == "first"
                and _day(r["entry_date"]) >= SINCE
            }

        at1, at2 = first(rows1), first(rows2)
        seen1 = {k: r for k, r in at1.items() if _visible(r, T1)}
        seen2 = {k: r for k, r in at2.items() if _visible(r, T2)}
        self.rows = {**at1, **at2}
        self.new = {k for k in seen2 if k not in seen1}
        self.removed = {k for k in seen1 if k not in seen2}
        self.outcomes: dict[tuple[str, str], str] = {}
        for key in seen1.keys() & seen2.keys():
            before, after = seen1[key]["result_kind"], seen2[key]["result_kind"]
            if before != after:
                resumed = before == "suspended" and after == "pending"
                self.outcomes[key] = "resumed" if resumed else after
        # the store keeps removed cases: its count at T2 is everything seen by then
        boundary = T1.strftime("%Y-%m")
        months1 = Counter(r["entry_date"][:7] for r in seen1.values())
        months2 = Counter(r["entry_date"][:7] for r in {**seen1, **seen2}.values())
        self.revised = {
            m: (months1[m], months2[m])
            for m in set(months1) | set(months2)
            if m < boundary and months1[m] != months2[m]
        }

    def of(self, keys, filters) -> set[tuple[str, str]]:
        return {k for k in keys if _matches(self.rows[k], filters)}


def _keys(entries: list[dict[str, object]]) -> set[tuple[str, str]]:
    return {(str(e["case_key"]).split("/")[0], str(e["case_key"]).split("/")[2]) for e in entries}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("watch-e2e")
    # a bigger caseload for a closer look: KARTOTEKA_WATCH_E2E_SCALE=1 (default 0.2)
    scale = float(os.environ.get("KARTOTEKA_WATCH_E2E_SCALE", "0.2"))
    config = sandbox.SandboxConfig(seed=1, faults="none", scale=scale, now=T1)
    with sandbox.run_sandbox(config) as sb:
        courts = _pick(sb)
        data_dir = DataDir(tmp / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        _harvest_and_ingest(sb, data_dir, courts, T1)
        rows1 = _truth(sb, tmp / "truth1")
        watches = _watches(courts)
        con = connect(data_dir)
        for name, filters in watches.items():
            add_watch(con, name, parse_watch_filters(filters))
        con.close()
        sb.set_now(T2)
        _harvest_and_ingest(sb, data_dir, courts, T2)
        rows2 = _truth(sb, tmp / "truth2")
    truth = TruthChanges(rows1, rows2, {c.code for c in courts})
    return data_dir, watches, truth


def test_each_saved_search_holds_exactly_the_truths_changes(run):
    data_dir, watches, truth = run
    con = connect(data_dir, read_only=True)
    digest = digest_json(build_digest(con, latest=True))
    con.close()
    assert digest["simulated"] is True
    by_name = {w["name"]: w for w in digest["watches"]}
    assert set(by_name) == {"all", *watches}
    figures = {}
    for name, filters in {"all": {}, **watches}.items():
        got = by_name[name]
        want_new = truth.of(truth.new, filters)
        want_removed = truth.of(truth.removed, filters)
        want_outcomes = {
            k: v for k, v in truth.outcomes.items() if k in truth.of(truth.outcomes, filters)
        }
        assert _keys(got["new_cases"]) == want_new, name
        assert _keys(got["removed"]) == want_removed, name
        assert {
            (str(o["case_key"]).split("/")[0], str(o["case_key"]).split("/")[2]): o["outcome"]
            for o in got["new_outcomes"]
        } == want_outcomes, name
        assert got["returned"] == []  # the sandbox never brings a removed case back
        figures[name] = (len(want_new), len(want_outcomes), len(want_removed))
    # the overall revised months (the lag made visible) are the truth's
    revised = {m["month"]: (m["before"], m["after"]) for m in by_name["all"]["revised_months"]}
    assert revised == truth.revised
    print("\nsaved search: new cases, new outcomes, removed (store = truth)")
    for name, (n, o, r) in figures.items():
        print(f"  {name}: {n}, {o}, {r}")
    print(f"  all: revised months {sorted(revised.items())}")
    if "KARTOTEKA_WATCH_E2E_SCALE" not in os.environ:
        # the default caseload exercises every kind for the broad searches
        assert revised and all(figures["all"]) and all(figures["w337"])
    # every case entry carries the JSON contract's fields and no name
    entry = by_name["w337"]["new_cases"][0]
    assert set(entry) >= {
        "case_key",
        "court_code",
        "case_id",
        "case_number",
        "entry_date",
        "charges",
        "url",
    }
    assert entry["url"] == f"/case/{entry['case_key']}"
    dt.date.fromisoformat(entry["entry_date"])


def test_the_atom_feed_holds_the_digest_entries_and_validates(run):
    from fastapi.testclient import TestClient

    from kartoteka.web import create_app

    data_dir, _, _ = run
    con = connect(data_dir, read_only=True)
    digest = build_digest(con, latest=True)
    con.close()
    app = create_app(data_dir, mode="direct")
    with TestClient(app) as client:
        for wd in digest.watches:
            response = client.get(f"/feeds/{wd.watch.name}.atom")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/atom+xml")
            assert check_atom(response.content) == [], wd.watch.name
            root = etree.fromstring(response.content)
            ids = {e.findtext("a:id", namespaces=ATOM_NS) for e in root.findall("a:entry", ATOM_NS)}
            # the feed covers every run; the digest the latest: all of the latest are there
            assert {entry_urn(e) for e in wd.entries} <= ids
            assert "[SIMULATED]" in root.findtext("a:title", namespaces=ATOM_NS)
            for entry in root.findall("a:entry", ATOM_NS):
                terms = {c.get("term") for c in entry.findall("a:category", ATOM_NS)}
                assert "simulated" in terms
            links = [
                e.find("a:link", ATOM_NS).get("href")
                for e in root.findall("a:entry", ATOM_NS)
                if "new_case" in {c.get("term") for c in e.findall("a:category", ATOM_NS)}
            ]
            for link in links[:3]:  # the entry links open the case page
                path = link.removeprefix("http://testserver")
                assert client.get(path).status_code == 200, path
            feed = client.get(f"/feeds/{wd.watch.name}.json").json()
            assert {i["id"] for i in feed["items"]} == ids
        assert client.get("/feeds/nosuch.atom").status_code == 404


def test_reingest_and_rebuild_change_no_entry_id(run):
    data_dir, _, _ = run
    tables = ("change_epochs", "changes", "watches")
    con = connect(data_dir, read_only=True)
    before = dump_tables(con, tables)
    digest_before = json.dumps(digest_json(build_digest(con, latest=True)), sort_keys=True)
    con.close()
    again = ingest(data_dir)
    assert again.records == 0
    con = connect(data_dir, read_only=True)
    assert dump_tables(con, tables) == before
    con.close()
    ingest(data_dir, rebuild=True)
    con = connect(data_dir, read_only=True)
    assert dump_tables(con, tables) == before
    digest_after = json.dumps(digest_json(build_digest(con, latest=True)), sort_keys=True)
    con.close()
    assert digest_after == digest_before

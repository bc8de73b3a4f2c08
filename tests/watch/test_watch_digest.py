"""The digest and feeds over a small synthetic store with known changes (tests/stats'
history: run 2 brings late-published cases, a verdict, a removal and a revised month)."""

from __future__ import annotations

import json

from atom_check import check_atom
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.stats.metrics import Filter, list_cases
from kartoteka.store.db import connect
from kartoteka.watch.digest import build_digest
from kartoteka.watch.feeds import atom_feed, feed_content
from kartoteka.watch.render import digest_json
from kartoteka.web import create_app

NAME_STEM = "Подсудимый"
CONTRACT = {"since", "until", "watches"}
WATCH_KEYS = {"name", "filters", "new_cases", "new_outcomes", "removed", "returned",
              "revised_months"}  # fmt: skip
CASE_KEYS = {"case_key", "court_code", "case_id", "case_number", "entry_date", "charges", "url"}


def _json(output: str) -> dict:
    return json.loads(output[output.index("{") :])


def test_digest_json_follows_the_contract(watch_store):
    result = CliRunner().invoke(
        app, ["digest", "--format", "json", "--data-dir", str(watch_store.root)]
    )
    assert result.exit_code == 0, result.output
    digest = _json(result.stdout)
    assert set(digest) >= CONTRACT
    assert [w["name"] for w in digest["watches"]] == ["all", "ussuri", "w337"]
    for watch in digest["watches"]:
        assert set(watch) >= WATCH_KEYS
        for case in watch["new_cases"]:
            assert set(case) >= CASE_KEYS
            assert case["url"] == f"/case/{case['case_key']}"
        for outcome in watch["new_outcomes"]:
            assert {"case_key", "outcome", "date"} <= set(outcome)
        for month in watch["revised_months"]:
            assert set(month) == {"month", "before", "after"}
    overall = digest["watches"][0]
    # what run 2 of the synthetic history changed (tests/stats/stats_history.py)
    assert {c["case_key"] for c in overall["new_cases"]} == {
        "27GV0008/first/4",
        "54GV0003/first/8",
        "54GV0003/first/9",
    }
    assert [(o["case_key"], o["outcome"]) for o in overall["new_outcomes"]] == [
        ("27GV0008/first/3", "verdict")
    ]
    assert [r["case_key"] for r in overall["removed"]] == ["27GV0008/first/6"]
    assert overall["revised_months"] == [{"month": "2024-01", "before": 4, "after": 5}]
    w337 = digest["watches"][2]
    assert w337["filters"] == {"article": "337"}
    assert all(any(c.startswith("337.") for c in x["charges"]) for x in w337["new_cases"])


def test_the_stored_overall_revisions_are_the_digests(watch_store):
    con = connect(watch_store, read_only=True)
    stored = con.execute(
        "SELECT change_id, month, count_before, count_after FROM changes "
        "WHERE kind = 'revised_month' ORDER BY month"
    ).fetchall()
    overall = build_digest(con, latest=True).watches[0]
    con.close()
    assert stored == [
        (e.change_id, e.month, e.before, e.after) for e in overall.of_kind("revised_month")
    ]


def test_since_a_date_and_one_watch(watch_store):
    runner = CliRunner()
    common = ["--data-dir", str(watch_store.root), "--format", "json"]
    everything = _json(runner.invoke(app, ["digest", "--since", "2024-01-01", *common]).stdout)
    assert len(everything["runs"]) == 2  # the baseline run has no changes
    later = _json(runner.invoke(app, ["digest", "--since", "2024-03-05", *common]).stdout)
    assert later["runs"] == ["run-2"]
    assert later["watches"] == everything["watches"]
    none = _json(runner.invoke(app, ["digest", "--since", "2024-03-06", *common]).stdout)
    assert none["runs"] == [] and all(not w["new_cases"] for w in none["watches"])
    one = _json(runner.invoke(app, ["digest", "--watch", "w337", *common]).stdout)
    assert [w["name"] for w in one["watches"]] == ["w337"]


def test_markdown_and_html_say_simulated_and_carry_no_name(watch_store):
    runner = CliRunner()
    common = ["--data-dir", str(watch_store.root)]
    md = runner.invoke(app, ["digest", *common]).stdout
    html = runner.invoke(app, ["digest", "--format", "html", *common]).stdout
    assert "SIMULATED DATA" in md and 'class="simulated"' in html
    assert "](/case/27GV0008/first/4)" in md
    assert 'href="/case/27GV0008/first/4"' in html
    assert "2024-01: 4 → 5" in md
    con = connect(watch_store, read_only=True)
    feeds = [atom_feed(feed_content(con, n), "http://h", "http://h/f") for n in ("all", "w337")]
    con.close()
    for text in (md, html, *(f.decode() for f in feeds)):
        assert NAME_STEM not in text


def test_watch_show_counts_what_stats_lists(watch_store):
    result = CliRunner().invoke(
        app, ["watch", "show", "w337", "--format", "json", "--data-dir", str(watch_store.root)]
    )
    assert result.exit_code == 0, result.output
    con = connect(watch_store, read_only=True)
    expected = len(list_cases(con, Filter(article="337")))
    con.close()
    assert json.loads(result.stdout)["matching_cases"] == expected > 0


def test_feeds_validate_and_keep_their_ids(watch_store):
    with TestClient(create_app(watch_store, mode="direct")) as client:
        first = client.get("/feeds/ussuri.atom")
        assert first.status_code == 200 and check_atom(first.content) == []
        again = client.get("/feeds/ussuri.atom")
        assert again.content == first.content  # same store, same document
        assert check_atom(client.get("/feeds/all.atom").content) == []
        feed = client.get("/feeds/w337.json")
        assert feed.headers["content-type"].startswith("application/feed+json")
        body = feed.json()
        assert body["version"] == "https://jsonfeed.org/version/1.1" and body["items"]
        assert client.get("/feeds/..%2Fetc.atom").status_code == 404


def test_the_atom_checker_finds_what_rfc_4287_forbids(watch_store):
    con = connect(watch_store, read_only=True)
    good = atom_feed(feed_content(con, "all"), "http://h", "http://h/f").decode()
    con.close()
    assert check_atom(good.encode()) == []
    no_id = good.replace("<id>http://h/feeds/all.atom</id>", "", 1)
    assert any("atom:id" in e for e in check_atom(no_id.encode()))
    bad_date = good.replace("+00:00</updated>", "</updated>", 1)
    assert any("RFC 3339" in e for e in check_atom(bad_date.encode()))
    no_author = good.replace("<author>", "<contributor>").replace("</author>", "</contributor>")
    assert any("author" in e for e in check_atom(no_author.encode()))
    first_id = good.split("<entry>")[1].split("<id>")[1].split("</id>")[0]
    twice = good.replace(good.split("<entry>")[2].split("<id>")[1].split("</id>")[0], first_id)
    assert "two entries share an id" in check_atom(twice.encode())


def test_a_case_back_on_the_site_is_returned_and_ids_stay(tmp_path, monkeypatch):
    import datetime as dt

    import stats_history
    from watch_store import build_with_archive

    from kartoteka.store.db import dump_tables
    from kartoteka.store.ingest import ingest

    data_dir, arc = build_with_archive(tmp_path / "data")
    con = connect(data_dir, read_only=True)
    removal = build_digest(con, latest=True).watches[0].of_kind("removed")
    con.close()
    # a third run a month later: the removed case is listed again (stats_history's run 3)
    monkeypatch.setattr(stats_history, "RUN2", dt.datetime(2024, 4, 5, 10, tzinfo=dt.UTC))
    stats_history.write_run(arc, 3)
    ingest(data_dir, reader=arc.book)
    con = connect(data_dir, read_only=True)
    latest = digest_json(build_digest(con, latest=True))
    everything = build_digest(con, since=dt.datetime(2024, 1, 1)).watches[0]
    tables = dump_tables(con, ("changes", "change_epochs"))
    con.close()
    overall = latest["watches"][0]
    assert [r["case_key"] for r in overall["returned"]] == ["27GV0008/first/6"]
    assert overall["new_cases"] == [] and overall["removed"] == []
    # the removal of run 2 keeps its id; the return is a change of its own
    assert [e.change_id for e in everything.of_kind("removed")] == [e.change_id for e in removal]
    assert len({e.change_id for e in everything.entries}) == len(everything.entries)
    ingest(data_dir, reader=arc.book, rebuild=True)
    con = connect(data_dir, read_only=True)
    assert dump_tables(con, ("changes", "change_epochs")) == tables
    con.close()

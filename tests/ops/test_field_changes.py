"""Against the sandbox's field network (issue 9, "How it is checked"): courts that migrated
before the first run (the registry's hint is stale) and between two runs; every migrated
court's change is in `kartoteka courts` and in `kartoteka doctor`, with its date."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.harvest.harvester import harvest
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.ops.courts import court_overviews
from kartoteka.ops.doctor import diagnose
from kartoteka.paths import DataDir
from kartoteka.sandbox.config import FIELD, NONE, SandboxConfig
from kartoteka.sandbox.server import build_site, run_sandbox
from kartoteka.store.courts import update_registry
from kartoteka.store.ingest import ingest
from kartoteka.store.windows import window_notes

NOW = dt.date(2024, 6, 30)
LATER = NOW + dt.timedelta(days=14)
SINCE = dt.date(2024, 5, 1)


def test_every_migrated_court_is_shown_with_its_change(tmp_path):
    plain = [
        c.code
        for c in build_site(SandboxConfig(seed=1, faults=NONE, now=NOW)).network
        if c.level.value == "garrison" and not c.captcha and not c.always_down
    ]
    before, between, steady, moved = plain[0], plain[1], plain[2], plain[3]
    network = FIELD.with_rates(
        migration_share=0.0, https_share=0.0, moved_share=0.0, off_site=0, late_days=0
    )
    config = SandboxConfig(
        seed=1,
        faults=NONE,
        now=NOW,
        network=network,
        migrations={before: NOW - dt.timedelta(days=40), between: NOW + dt.timedelta(days=5)},
        redirects={moved: "host"},
    )
    data = DataDir(tmp_path / "data")
    with run_sandbox(config) as sb:
        registry = [c for c in sb.registry() if c.code in (before, between, steady, moved)]
        new_host = next(c.new_host for c in sb.courts if c.code == moved)
        update_registry(data, registry)
        first = harvest(
            data,
            registry,
            for_sandbox(),
            PlanOptions(since=SINCE, until=NOW),
            sandbox_url=sb.url,
            parse_workers=1,
        )
        sb.set_now(LATER)
        second = harvest(
            data,
            registry,
            for_sandbox(),
            PlanOptions(since=SINCE, until=LATER),
            sandbox_url=sb.url,
            parse_workers=1,
        )
        now_dialect = {c.code: c.dialect.value for c in sb.courts}
    hint = {c.code: c.dialect.value if c.dialect else None for c in registry}
    assert {c.status.value for c in first.courts + second.courts} == {"ok"}

    overviews = {o.code: o for o in court_overviews(data)}
    for code in (before, between):
        o = overviews[code]
        dialect_changes = [
            ch for ch in o.changes if ch.origin == "harvest" and ch.change == "dialect"
        ]
        assert dialect_changes, (code, o.changes)
        assert dialect_changes[-1].new == now_dialect[code] != hint[code]
        assert dt.datetime.fromisoformat(dialect_changes[-1].at)
        assert o.dialect_seen == now_dialect[code]
    assert not [ch for ch in overviews[steady].changes if ch.origin == "harvest"]

    doctor = diagnose(data)
    changed = {(f.court, f.kind) for f in doctor.findings}
    assert (before, "dialect_changed") in changed and (between, "dialect_changed") in changed
    assert (steady, "dialect_changed") not in changed
    assert not doctor.needs_person, doctor.render()
    assert (moved, "host_moved") in changed  # a warning: import a newer registry
    assert overviews[moved].host_seen == new_host
    assert [(ch.old, ch.new) for ch in overviews[moved].changes if ch.change == "host"] == [
        (overviews[moved].host, new_host)
    ]

    # The store's footnote agrees with the harvester: after the migrations were found and the
    # windows listed again, nothing is unproven (the wrong-dialect "no data" answers of the
    # stale hint are superseded, the control queries are not windows).
    from kartoteka.harvest.state import HarvestState

    ingest(data)
    state = HarvestState(data.state)
    assert state.window_problems() == []
    state.close()
    con = duckdb.connect(str(data.store), read_only=True)
    try:
        assert window_notes(con) == {}
    finally:
        con.close()

    runner = CliRunner()
    table = runner.invoke(app, ["courts", "--data-dir", str(data.root)])
    assert table.exit_code == 0, table.output
    for code in (before, between):
        assert f"dialect {hint[code]} → {now_dialect[code]}" in table.output
    listed = json.loads(
        runner.invoke(app, ["courts", "--data-dir", str(data.root), "--json"]).output
    )
    by_code = {c["code"]: c for c in listed["courts"]}
    assert by_code[between]["dialect_seen"] == now_dialect[between]
    assert by_code[between]["dialect_hint"] == hint[between]

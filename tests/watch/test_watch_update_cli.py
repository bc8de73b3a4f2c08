"""`kartoteka update` against the sandbox, twice a simulated month apart, with a saved search
that notifies a local webhook: the second update prints its run's changes, writes the digest
into the data directory and notifies once; `kartoteka digest` then shows the same changes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from receivers import Webhook
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts

sandbox = pytest.importorskip("kartoteka.sandbox")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from test_stats_sandbox_e2e import T1, T2, _pick  # noqa: E402

pytestmark = pytest.mark.slow


def test_update_writes_its_digest_and_notifies_once(tmp_path):
    runner = CliRunner()
    config = sandbox.SandboxConfig(seed=3, faults="none", scale=0.2, now=T1)
    with sandbox.run_sandbox(config) as sb, Webhook() as hook:
        court = _pick(sb)[0]
        data_dir = DataDir(tmp_path / "data").ensure()
        import_courts(data_dir, [c.court for c in sb.courts])
        common = ["--data-dir", str(data_dir.root)]

        def update(until) -> str:
            result = runner.invoke(
                app,
                ["update", "--sandbox", sb.url, "--courts", court.code, "--since", "2024-01-01",
                 "--until", until.isoformat(), "--no-progress", "--no-prompt-captcha", *common],
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            return result.output

        first = update(T1)
        assert "changes of this run (SIMULATED DATA)" in first  # the baseline run
        added = runner.invoke(
            app, ["watch", "add", "here", "--court", court.code, "--notify", hook.url, *common]
        )
        assert added.exit_code == 0, added.output
        sb.set_now(T2)
        second = update(T2)
        truth = {
            r.case_id
            for r in sb.truth
            if r.court_code == court.code
            and r.instance == "first"
            and r.entry_date.isoformat() >= "2024-01-01"
            and T1 < r.visible_from <= T2
            and (r.removed_from is None or r.removed_from > T2)
        }
    line = next(x for x in second.splitlines() if x.strip().startswith("here:"))
    assert f"{len(truth)} new cases" in line and truth
    assert "notified here → json://127.0.0.1" in second
    files = sorted((data_dir.root / "digests").glob("digest-*.json"))
    assert len(files) == 2  # one per update
    written = json.loads(files[-1].read_text(encoding="utf-8"))
    here = next(w for w in written["watches"] if w["name"] == "here")
    assert {c["case_id"] for c in here["new_cases"]} == truth
    assert len(hook.received) == 1 and hook.received[0]["title"].startswith("[SIMULATED]")
    shown = runner.invoke(app, ["digest", "--format", "json", *common])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout[shown.stdout.index("{") :])["watches"] == written["watches"]

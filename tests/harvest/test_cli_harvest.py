"""The harvest stage's commands as a user types them."""

from __future__ import annotations

from typer.testing import CliRunner

from kartoteka.cli import app

runner = CliRunner()


def test_courts_import_then_list(courts_csv, tmp_path):
    result = runner.invoke(app, ["courts", "import", str(courts_csv), "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "imported 111 courts" in result.output
    listed = runner.invoke(app, ["courts", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    assert "54KV0000" in listed.output and "never" in listed.output


def test_courts_list_says_how_to_import_when_empty(tmp_path):
    result = runner.invoke(app, ["courts", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "kartoteka courts import" in result.output


def test_real_harvest_refuses_without_contact_and_ruder_intervals(courts_csv, tmp_path):
    base = [
        "harvest",
        "--courts-file",
        str(courts_csv),
        "--data-dir",
        str(tmp_path),
        "--no-progress",
    ]
    result = runner.invoke(app, base)
    assert result.exit_code == 2 and "contact" in result.output
    result = runner.invoke(app, [*base, "--contact", "ops@example.org", "--per-host-interval", "1"])
    assert result.exit_code == 2 and "below the floor" in result.output


def test_captcha_lists_pending_and_takes_answers(tmp_path):
    from kartoteka.harvest.state import HarvestState

    result = runner.invoke(app, ["captcha", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "No captcha waits" in result.output
    state = HarvestState(tmp_path / "state")
    state.save_pending(
        "27GV0001",
        "region:27",
        image_path=str(tmp_path / "state" / "captcha" / "captcha-27GV0001.png"),
        page_url="http://x.sudrf.ru/modules.php?name=sud_delo&name_op=r",
        captcha_id="abc",
        asked_at=1_700_000_000.0,
    )
    state.close()
    listed = runner.invoke(app, ["captcha", "--data-dir", str(tmp_path)])
    assert "27GV0001" in listed.output and "region:27" in listed.output
    assert "captcha-27GV0001.png" in listed.output and "waiting" in listed.output
    wrong = runner.invoke(
        app, ["captcha", "answer", "27GV0002", "12345", "--data-dir", str(tmp_path)]
    )
    assert wrong.exit_code == 1
    ok = runner.invoke(app, ["captcha", "answer", "27gv0001", "12345", "--data-dir", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    as_json = runner.invoke(app, ["captcha", "--json", "--data-dir", str(tmp_path)])
    assert '"answer": "12345"' in as_json.output

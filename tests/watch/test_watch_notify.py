"""Notifications end to end against receivers on localhost: a JSON webhook (apprise `json://`)
and an SMTP server (aiosmtpd, apprise `mailto://`). New changes are sent once; a receiver that
fails gets them with the next update, exactly once; a rebuild sends nothing again; the URLs
(secrets) stay in config.toml, never in the store; no message carries a name."""

from __future__ import annotations

import email
import email.policy
import sys
import tomllib
from pathlib import Path

import pytest
from receivers import Mailbox, Webhook
from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.paths import DataDir
from kartoteka.store.courts import import_courts
from kartoteka.store.db import connect, dump_tables
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import SyntheticArchive
from kartoteka.watch.digest import build_digest
from kartoteka.watch.runs import after_update, last_run_end

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stats"))
from stats_history import COURTS, write_run

NAME_STEM = "Подсудимый"  # every invented defendant's surname starts so (stats_history)


def _mail_text(raw: str) -> str:
    msg = email.message_from_string(raw, policy=email.policy.default)
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return f"{msg['Subject']}\n{part.get_content()}"


def _lines(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


def test_new_changes_are_sent_once_and_a_failed_delivery_is_retried_once(tmp_path):
    data_dir = DataDir(tmp_path / "data").ensure()
    import_courts(data_dir, COURTS)
    arc = SyntheticArchive(data_dir.archive)
    write_run(arc, 1)
    ingest(data_dir, reader=arc.book)  # the baseline: nothing is news yet
    runner = CliRunner()
    common = ["--data-dir", str(data_dir.root)]
    with Webhook() as hook, Webhook(fail=1) as flaky, Mailbox() as mailbox:
        added = runner.invoke(
            app,
            ["watch", "add", "w337", "--article", "337", "--notify", hook.url,
             "--notify", mailbox.url, *common],
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        added = runner.invoke(app, ["watch", "add", "everything", "--notify", flaky.url, *common])
        assert added.exit_code == 0, added.output

        # run 2 arrives: the first update notifies; the flaky receiver refuses
        previous = last_run_end(data_dir)
        write_run(arc, 2)
        ingest(data_dir, reader=arc.book)
        done = after_update(data_dir, previous)
        con = connect(data_dir, read_only=True)
        w337 = build_digest(con, latest=True, watch="w337").watches[0].entries
        everything = build_digest(con, latest=True, watch="everything").watches[0].entries
        con.close()
        assert w337 and len(everything) > len(w337)
        assert len(hook.received) == 1 and len(mailbox.messages) == 1
        assert flaky.refused == 1 and flaky.received == []
        assert [a.ok for a in done.delivery.attempts].count(False) == 1
        assert flaky.url not in (done.delivery.failed[0].error or "")
        sent = hook.received[0]
        assert sent["title"].startswith("[SIMULATED]")
        assert len(_lines(sent["message"])) == len(w337)
        mail = _mail_text(mailbox.messages[0])
        assert len(_lines(mail)) == len(w337)
        assert "SIMULATED" in mail
        # the digest of the run was written into the data directory
        assert {p.suffix for p in done.files} == {".json", ".md", ".html"}

        # the next update (nothing new harvested) retries the flaky receiver, exactly once
        again = after_update(data_dir, last_run_end(data_dir))
        assert not again.digest.spans and not again.delivery.failed
        assert len(flaky.received) == 1
        assert len(_lines(flaky.received[0]["message"])) == len(everything)
        assert len(hook.received) == 1 and len(mailbox.messages) == 1

        # re-ingesting and rebuilding keep every id: nothing is sent twice
        ingest(data_dir, reader=arc.book)
        ingest(data_dir, reader=arc.book, rebuild=True)
        after_update(data_dir, last_run_end(data_dir))
        assert len(hook.received) == 1 and len(mailbox.messages) == 1
        assert len(flaky.received) == 1

        messages = [sent["message"], mail, flaky.received[0]["message"]]
        assert not any(NAME_STEM in m for m in messages)

        # the URLs live in config.toml only; the store knows labels and hashes
        config = tomllib.loads((data_dir.root / "config.toml").read_text(encoding="utf-8"))
        assert config["watch"]["notify"]["w337"] == [hook.url, mailbox.url]
        assert (data_dir.root / "config.toml").stat().st_mode & 0o077 == 0
        con = connect(data_dir, read_only=True)
        stored = repr(dump_tables(con))
        failures = con.execute("SELECT count(*) FROM watch_delivery_failures").fetchone()
        con.close()
        assert failures == (1,)
        for url in (hook.url, mailbox.url, flaky.url):
            assert url not in stored and f":{url.split(':')[2].split('/')[0]}" not in stored

        listed = runner.invoke(app, ["watch", "list", *common])
        assert "json://127.0.0.1" in listed.output and "/hook" not in listed.output
        shown = runner.invoke(app, ["watch", "show", "w337", "--format", "json", *common])
        assert shown.exit_code == 0 and '"changes_delivered": ' + str(len(w337)) in shown.output


def test_a_receiver_that_is_down_never_fails_the_update(tmp_path):
    data_dir = DataDir(tmp_path / "data").ensure()
    import_courts(data_dir, COURTS)
    arc = SyntheticArchive(data_dir.archive)
    write_run(arc, 1)
    ingest(data_dir, reader=arc.book)
    from receivers import free_port

    dead = f"json://127.0.0.1:{free_port()}/nobody"
    result = CliRunner().invoke(
        app, ["watch", "add", "w", "--notify", dead, "--data-dir", str(data_dir.root)]
    )
    assert result.exit_code == 0, result.output
    previous = last_run_end(data_dir)
    write_run(arc, 2)
    ingest(data_dir, reader=arc.book)
    done = after_update(data_dir, previous)
    assert len(done.delivery.failed) == 1 and done.digest.spans
    assert dead not in (done.delivery.failed[0].error or "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["watch", "add", "Bad Name"], "slug"),
        (["watch", "add", "all"], "reserved"),
        (["watch", "add", "x", "--article", "33x"], "--article"),
        (["watch", "add", "x", "--article", "337,338", "--part", "5"], "--part"),
        (["watch", "add", "x", "--court", "Moscow"], "--court"),
        (["watch", "add", "x", "--outcome", "acquitted"], "--outcome"),
        (["watch", "add", "x", "--since", "2024-13-01"], "since"),
        (["watch", "add", "x", "--notify", "nonsense://"], "--notify"),
        (["watch", "remove", "nosuch"], "no saved search"),
        (["watch", "show", "nosuch"], "no saved search"),
        (["digest", "--watch", "nosuch"], "no saved search"),
    ],
)
def test_bad_watch_commands_say_why_and_change_nothing(tmp_path, args, message):
    data_dir = DataDir(tmp_path / "data").ensure()
    import_courts(data_dir, COURTS)
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir.root)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    con = connect(data_dir, read_only=True)
    assert con.execute("SELECT count(*) FROM watches").fetchone() == (0,)
    con.close()
    assert not (data_dir.root / "config.toml").exists()

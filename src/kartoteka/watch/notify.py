"""Notifications: after each update, every saved search's new changes are sent to its targets
(apprise URLs: Telegram, Slack, Mattermost, Matrix, e-mail, JSON webhooks, ...).

The rules a newsroom relies on:
- a change is sent to a target once: each delivered change id is recorded per (watch,
  target), and ids are stable across re-ingests and rebuilds;
- a failed delivery is recorded (time, error) and the same changes are tried again with the
  next update, together with the newer ones;
- a failure never fails the update: `deliver` catches everything a target can throw;
- a target receives the changes of harvest runs that ended after it was added (what the
  store already knew is not news);
- messages hold what digests hold (court, number, dates, charges, outcome), never a name, and
  say SIMULATED for sandbox data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from kartoteka.paths import DataDir
from kartoteka.watch.config import notify_urls, target_id, target_label
from kartoteka.watch.digest import Entry, spans, watch_entries
from kartoteka.watch.render import entry_title
from kartoteka.watch.searches import Watch, WatchError, latest_epoch_end, list_watches

MAX_LINES = 40  # lines of one message; the rest is counted ("… and N more")


@dataclass(frozen=True, slots=True)
class Attempt:
    watch: str
    target: str  # label: scheme://host
    changes: int
    ok: bool
    error: str | None = None


@dataclass(slots=True)
class DeliveryReport:
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(a.changes for a in self.attempts if a.ok)

    @property
    def failed(self) -> list[Attempt]:
        return [a for a in self.attempts if not a.ok]


def check_url(url: str) -> None:
    """A target URL apprise understands, else WatchError (nothing is saved)."""
    import apprise

    if not apprise.Apprise().add(url):
        raise WatchError(
            f"--notify {target_label(url)}...: not a notification URL apprise understands "
            "(see https://github.com/caronc/apprise/wiki for the URL of each service)"
        )


def add_targets(
    con: duckdb.DuckDBPyConnection, watch: Watch, urls: list[str], *, replace: bool = False
) -> None:
    """Record targets in the store (by hash and label) from the next harvest run on."""
    if replace:
        con.execute("DELETE FROM watch_targets WHERE watch = ?", [watch.name])
    after = latest_epoch_end(con)
    for url in urls:
        con.execute(
            "INSERT INTO watch_targets VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [watch.name, target_id(url), target_label(url), after],
        )


def _send(url: str, title: str, body: str) -> str | None:
    """Send one message; None on success, else the reason."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        return "not a notification URL apprise understands"
    with apprise.LogCapture(level=apprise.logging.WARNING) as log:
        ok = notifier.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        captured = log.getvalue().strip()
    if ok:
        return None
    return captured.splitlines()[-1] if captured else "the service did not accept the message"


def message(watch: str, entries: list[Entry], base_url: str = "") -> tuple[str, str]:
    """(title, body) of one notification."""
    simulated = any(e.simulated for e in entries)
    title = f"{'[SIMULATED] ' if simulated else ''}kartoteka · {watch}: {len(entries)} change(s)"
    lines = []
    for e in entries[:MAX_LINES]:
        link = f" {base_url}{e.url}" if e.url else ""
        lines.append(f"- {entry_title(e)}{link}")
    if len(entries) > MAX_LINES:
        lines.append(f"… and {len(entries) - MAX_LINES} more: `kartoteka digest --watch {watch}`")
    if simulated:
        lines.append("SIMULATED DATA from the kartoteka sandbox, not real courts.")
    return title, "\n".join(lines)


def _pending(
    con: duckdb.DuckDBPyConnection,
    watch: Watch,
    tid: str,
    after: dt.datetime | None,
    cache: dict[tuple[str, str], list[Entry]],
) -> list[Entry]:
    done = {
        r[0]
        for r in con.execute(
            "SELECT change_id FROM watch_deliveries WHERE watch = ? AND target_id = ?",
            [watch.name, tid],
        ).fetchall()
    }
    out: list[Entry] = []
    seen: set[str] = set()
    for span in spans(con, since=after):
        key = (watch.name, span.run_key)  # several targets of a watch: select once
        if key not in cache:
            cache[key] = watch_entries(con, watch, span)
        for e in cache[key]:
            if e.change_id not in done and e.change_id not in seen:
                seen.add(e.change_id)
                out.append(e)
    return out


def deliver(
    con: duckdb.DuckDBPyConnection,
    data_dir: DataDir,
    *,
    base_url: str = "",
    now: dt.datetime | None = None,
) -> DeliveryReport:
    """Send every watch's undelivered changes to its targets (a read-write connection)."""
    report = DeliveryReport()
    try:
        urls = notify_urls(data_dir)
    except WatchError as exc:
        report.attempts.append(Attempt("*", "config.toml", 0, False, str(exc)))
        return report
    cache: dict[tuple[str, str], list[Entry]] = {}
    for watch in list_watches(con):
        for url in urls.get(watch.name, []):
            tid, label = target_id(url), target_label(url)
            row = con.execute(
                "SELECT notify_after FROM watch_targets WHERE watch = ? AND target_id = ?",
                [watch.name, tid],
            ).fetchone()
            if row is None:  # added to config.toml by hand: from the watch's start
                con.execute(
                    "INSERT INTO watch_targets VALUES (?, ?, ?, ?)",
                    [watch.name, tid, label, watch.notify_after],
                )
                after = watch.notify_after
            else:
                after = row[0]
            entries: list[Entry] = []
            try:
                entries = _pending(con, watch, tid, after, cache)
                if not entries:
                    continue
                title, body = message(watch.name, entries, base_url)
                error = _send(url, title, body)
            except Exception as exc:  # a target must never fail the update
                error = f"{type(exc).__name__}: {exc}"
            at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
            if error is None:
                con.executemany(
                    "INSERT INTO watch_deliveries VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [(watch.name, tid, e.change_id, at) for e in entries],
                )
                report.attempts.append(Attempt(watch.name, label, len(entries), True))
            else:
                error = error.replace(url, label)  # never echo a secret
                con.execute(
                    "INSERT INTO watch_delivery_failures VALUES (?, ?, ?, ?, ?)",
                    [watch.name, tid, at, len(entries), error[:500]],
                )
                report.attempts.append(Attempt(watch.name, label, len(entries), False, error))
    return report

"""CLI commands of the watch stage: `kartoteka watch add|list|remove|show` and
`kartoteka digest`, and what `update` prints about its run's changes.

Thin: each parses its options and calls `kartoteka.watch`, which the tests call too.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kartoteka.cli.options import DataDirOption, parse_date
from kartoteka.paths import DataDir, resolve_data_dir

watch_app = typer.Typer(
    help="Saved searches: the filters of `kartoteka stats`, followed from one update to the "
    "next (digest, feeds /feeds/NAME.atom, notifications).",
    no_args_is_help=True,
)


class DigestFormat(StrEnum):
    MD = "md"
    JSON = "json"
    HTML = "html"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _open(data_dir: DataDir, *, read_only: bool) -> Any:
    from kartoteka.errors import KartotekaError
    from kartoteka.store.db import connect

    try:
        return connect(data_dir, read_only=read_only)
    except KartotekaError as exc:
        raise _fail(str(exc)) from exc


@watch_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A slug: lowercase letters, digits, - and _.")],
    article: Annotated[
        str | None, typer.Option(help="Article (337), several (337,338) or a group (refusal).")
    ] = None,
    part: Annotated[str | None, typer.Option(help="Part of the article, e.g. 5.")] = None,
    principal: Annotated[
        bool, typer.Option(help="Match on the principal article only (as `stats --principal`).")
    ] = False,
    court: Annotated[str | None, typer.Option(help="Court code, e.g. 27GV0008.")] = None,
    district: Annotated[str | None, typer.Option(help="District/fleet court code.")] = None,
    region: Annotated[str | None, typer.Option(help="Region name or code.")] = None,
    since: Annotated[str | None, typer.Option(help="Received on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Received on or before (YYYY-MM-DD).")] = None,
    outcome: Annotated[
        str | None,
        typer.Option(help="Only cases with this outcome (verdict, suspended, ...)."),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            help="An apprise URL to send new changes to (repeatable); kept in config.toml.",
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Save a search; its changes appear in digests, feeds and notifications from the next
    update on."""
    from kartoteka.watch.config import notify_urls, set_notify_urls, target_label
    from kartoteka.watch.notify import add_targets, check_url
    from kartoteka.watch.searches import WatchError, add_watch, check_name, parse_watch_filters

    values = {
        "article": article,
        "part": part,
        "principal": principal,
        "court": court,
        "district": district,
        "region": region,
        "since": since,
        "until": until,
        "outcome": outcome,
    }
    urls = list(notify or [])
    try:
        check_name(name)
        filters = parse_watch_filters(values)
        for url in urls:
            check_url(url)
    except WatchError as exc:
        raise _fail(str(exc)) from exc
    ddir = resolve_data_dir(data_dir)
    con = _open(ddir, read_only=False)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            watch = add_watch(con, name, filters)
            add_targets(con, watch, urls)
            if urls:  # the secrets go to config.toml, only then is the store committed
                set_notify_urls(ddir, name, [*notify_urls(ddir).get(name, []), *urls])
            con.execute("COMMIT")
        except WatchError as exc:
            con.execute("ROLLBACK")
            raise _fail(str(exc)) from exc
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    shown = ", ".join(f"{k}={v}" for k, v in filters.as_dict().items()) or "all cases"
    typer.echo(f"saved search {name}: {shown}")
    for url in urls:
        typer.echo(f"  notifies {target_label(url)} (URL kept in {ddir.root / 'config.toml'})")


@watch_app.command("list")
def list_(
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    data_dir: DataDirOption = None,
) -> None:
    """The saved searches, their filters and notification targets (labels only)."""
    from kartoteka.watch.searches import list_watches

    con = _open(resolve_data_dir(data_dir), read_only=True)
    try:
        watches = list_watches(con)
        targets: dict[str, list[str]] = {}
        for watch, label in con.execute(
            "SELECT watch, label FROM watch_targets ORDER BY watch, label"
        ).fetchall():
            targets.setdefault(watch, []).append(label)
    finally:
        con.close()
    rows: list[dict[str, Any]] = [
        {
            "name": w.name,
            "filters": w.filters.as_dict(),
            "notify": targets.get(w.name, []),
            "created_at": w.created_at.isoformat(),
        }
        for w in watches
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no saved searches: `kartoteka watch add NAME --article 337 ...`")
    for r in rows:
        shown = ", ".join(f"{k}={v}" for k, v in r["filters"].items()) or "all cases"
        notify = f"  → {', '.join(r['notify'])}" if r["notify"] else ""
        typer.echo(f"{r['name']}: {shown}{notify}")


@watch_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The saved search to remove.")],
    data_dir: DataDirOption = None,
) -> None:
    """Remove a saved search, its delivery records and its notification URLs."""
    from kartoteka.watch.config import set_notify_urls
    from kartoteka.watch.searches import WatchError, remove_watch

    ddir = resolve_data_dir(data_dir)
    con = _open(ddir, read_only=False)
    try:
        remove_watch(con, name)
    except WatchError as exc:
        raise _fail(str(exc), 1) from exc
    finally:
        con.close()
    if (ddir.root / "config.toml").exists():
        set_notify_urls(ddir, name, [])
    typer.echo(f"removed saved search {name}")


@watch_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="The saved search (or `all`).")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    data_dir: DataDirOption = None,
) -> None:
    """A saved search: its filters, how many cases it matches now, its deliveries."""
    from kartoteka.watch.searches import WatchError, count_matching, get_watch

    con = _open(resolve_data_dir(data_dir), read_only=True)
    try:
        try:
            watch = get_watch(con, name)
        except WatchError as exc:
            raise _fail(str(exc), 1) from exc
        matching, removed = count_matching(con, watch.filters)
        delivered = con.execute(
            "SELECT t.label, count(d.change_id) FROM watch_targets t LEFT JOIN watch_deliveries "
            "d USING (watch, target_id) WHERE t.watch = ? GROUP BY t.label ORDER BY t.label",
            [name],
        ).fetchall()
        failures = con.execute(
            "SELECT count(*) FROM watch_delivery_failures WHERE watch = ?", [name]
        ).fetchone()
    finally:
        con.close()
    info = {
        "name": watch.name,
        "filters": watch.filters.as_dict(),
        "matching_cases": matching,
        "removed_from_court_sites": removed,
        "feed": f"/feeds/{watch.name}.atom",
        "notify": [{"target": label, "changes_delivered": int(n)} for label, n in delivered],
        "failed_deliveries": int(failures[0]) if failures else 0,
    }
    if fmt == "json":
        typer.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    for key, value in info.items():
        typer.echo(f"{key}: {value}")


def digest(
    since: Annotated[
        str | None,
        typer.Option(help="Changes seen from this day on (default: the latest harvest run)."),
    ] = None,
    watch: Annotated[
        str | None, typer.Option("--watch", help="One saved search (or `all`).")
    ] = None,
    fmt: Annotated[DigestFormat, typer.Option("--format", help="md, json or html.")] = (
        DigestFormat.MD
    ),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """What changed, per saved search: new cases, new outcomes, removals, returns and revised
    monthly counts, each case with a link to its dashboard page."""
    from kartoteka.watch.config import base_url
    from kartoteka.watch.digest import build_digest
    from kartoteka.watch.render import SIMULATED_NOTE, to_html, to_json, to_markdown
    from kartoteka.watch.searches import WatchError

    day = parse_date(since, option="--since")
    ddir = resolve_data_dir(data_dir)
    con = _open(ddir, read_only=True)
    try:
        start = dt.datetime.combine(day, dt.time()) - dt.timedelta(microseconds=1) if day else None
        try:
            result = build_digest(con, since=start, watch=watch, latest=day is None)
        except WatchError as exc:
            raise _fail(str(exc), 1) from exc
    finally:
        con.close()
    link = base_url(ddir)
    render = {
        DigestFormat.MD: lambda: to_markdown(result, link),
        DigestFormat.JSON: lambda: to_json(result),
        DigestFormat.HTML: lambda: to_html(result, link),
    }[fmt]
    text = render()
    if result.simulated and fmt is DigestFormat.JSON:
        typer.echo(SIMULATED_NOTE, err=True)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"digest written to {output}")
    else:
        typer.echo(text.rstrip("\n"))


def update_previous_end(data_dir: str | None) -> dt.datetime | None:
    """Before `update` ingests: where its digest will start."""
    from kartoteka.watch.runs import last_run_end

    return last_run_end(resolve_data_dir(data_dir))


def update_report(data_dir: str | None, previous_end: dt.datetime | None) -> None:
    """After `update` ingested: write its digest, notify, print the summary. A failure here
    is reported and never fails the update."""
    from kartoteka.watch.render import summary_lines
    from kartoteka.watch.runs import after_update

    try:
        done = after_update(resolve_data_dir(data_dir), previous_end)
    except Exception as exc:  # the harvest and ingest succeeded: say what failed, go on
        typer.echo(f"digest/notifications failed: {type(exc).__name__}: {exc}", err=True)
        return
    if not done.digest.spans:
        typer.echo("changes: no new harvest run")
        return
    typer.echo("changes of this run" + (" (SIMULATED DATA)" if done.digest.simulated else ""))
    for line in summary_lines(done.digest):
        typer.echo(f"  {line}")
    if done.files:
        typer.echo(f"  digest: {done.files[0].parent}/{done.files[0].stem}.{{json,md,html}}")
    for attempt in done.delivery.attempts:
        if attempt.ok:
            typer.echo(
                f"  notified {attempt.watch} → {attempt.target}: {attempt.changes} change(s)"
            )
        else:
            typer.echo(
                f"  notification {attempt.watch} → {attempt.target} failed (retried with the "
                f"next update): {attempt.error}",
                err=True,
            )


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")
    app.command("digest")(digest)

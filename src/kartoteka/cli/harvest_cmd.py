"""CLI commands of the harvest stage: `kartoteka harvest`, `kartoteka courts [import FILE]`.

Thin: options are parsed here; the work is done by `kartoteka.harvest` (which the tests call
directly) and the court registry API of the store (`kartoteka.store.courts`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from kartoteka.cli import courts_cmd
from kartoteka.cli.options import DATA_DIR_OPTION, parse_date
from kartoteka.errors import KartotekaError, PolitenessError
from kartoteka.harvest.acts import DEFAULT_ACT_MAX_AGE
from kartoteka.harvest.captcha import CaptchaChallenge, CaptchaPolicy
from kartoteka.harvest.harvester import CourtStatus, Harvester, HarvestReport
from kartoteka.harvest.planner import DEFAULT_SINCE, PlanOptions
from kartoteka.harvest.politeness import for_real, for_sandbox
from kartoteka.harvest.state import HarvestState
from kartoteka.paths import DataDir, resolve_data_dir
from kartoteka.registry.articles import CHAPTER_33
from kartoteka.registry.courts import Court, CourtLevel, read_courts, select_courts

courts_app = typer.Typer(
    help="The court registry: import a court list, list the courts.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _store_courts(data_dir: DataDir) -> list[Court]:
    from kartoteka.store.courts import load_courts

    return load_courts(data_dir)


@courts_app.callback()
def courts_list(
    ctx: typer.Context,
    data_dir: str | None = DATA_DIR_OPTION,
    courts: str | None = typer.Option(None, "--courts", help="Court codes, comma-separated."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the courts: dialect and template seen, changes with dates, hosts, active or not."""
    if ctx.invoked_subcommand is None:
        courts_cmd.list_courts(data_dir, courts, as_json)


@courts_app.command("import")
def courts_import(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="military_courts.csv or sudrf_websites.json"
    ),
    data_dir: str | None = DATA_DIR_OPTION,
    partial: bool = typer.Option(
        False, "--partial", help="A partial list: courts it does not name stay active."
    ),
) -> None:
    """Merge a newer court list (CSV or sudrf directory JSON) and print what changed."""
    courts_cmd.import_courts_file(file, data_dir, partial)


def _tty_solver(console: Console):
    async def solve(challenge: CaptchaChallenge) -> str | None:
        where = challenge.image_path or challenge.image_url or "(no image found on the page)"
        console.print(
            f"[bold yellow]Court {challenge.court_code} asks for a captcha.[/] Image: {where}"
        )
        answer = await asyncio.to_thread(
            input, f"Code for {challenge.court_code} (empty to skip this court): "
        )
        return answer.strip() or None

    return solve


def _acts_cell(read: int, failed: int) -> str:
    """Linked act pages read this run, and those that failed (retried next run)."""
    return f"{read}" + (f" ({failed} failed)" if failed else "")


def summary_table(report: HarvestReport) -> Table:
    """The closing summary: one row per court, then the totals."""
    table = Table(title=f"Harvest run {report.run_id}" + (" (resumed)" if report.resumed else ""))
    for col, justify in (
        ("court", "left"),
        ("status", "left"),
        ("requests", "right"),
        ("pages", "right"),
        ("new", "right"),
        ("changed", "right"),
        ("acts", "right"),
        ("time", "right"),
        ("throttle use", "right"),
        ("detail", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    colours = {
        CourtStatus.OK: "green",
        CourtStatus.INCOMPLETE: "yellow",
        CourtStatus.CAPTCHA: "magenta",
        CourtStatus.UNAVAILABLE: "red",
        CourtStatus.BLOCKED: "red",
        CourtStatus.ERROR: "bold red",
    }
    for c in report.courts:
        util = f"{c.utilisation:.0%}" if c.utilisation is not None else ""
        table.add_row(
            c.code,
            f"[{colours[c.status]}]{c.status.value}[/]",
            str(c.requests),
            str(c.pages_used),
            str(c.new_cases),
            str(c.changed_cases),
            _acts_cell(c.acts, c.acts_failed),
            f"{c.elapsed:.1f}s",
            util,
            (c.detail or "")[:80],
        )
    per_case = report.requests_per_case()
    table.add_section()
    table.add_row(
        "total",
        "",
        str(report.requests),
        str(sum(c.pages_used for c in report.courts)),
        str(report.new_cases),
        str(report.changed_cases),
        _acts_cell(report.acts, report.acts_failed),
        f"{report.elapsed:.1f}s",
        "",
        f"requests per new/changed case: {per_case:.2f}" if per_case else "",
    )
    return table


def verification_line(report: HarvestReport) -> str:
    """What checking the harvester's own assumptions cost and found (issue 9)."""
    share = report.extra_requests / report.requests if report.requests else 0.0
    suspect = sum(c.windows_suspect for c in report.courts)
    changes = sum(len(c.changes) for c in report.courts)
    return (
        f"verification: {report.extra_requests} extra requests of {report.requests} "
        f"({share:.1%}); {changes} change(s) of dialect/template/host; {suspect} "
        f"suspect-empty window(s); {report.captcha_questions} captcha question(s)"
    )


def harvest_command(
    courts: str | None = typer.Option(None, "--courts", help="Court codes, comma-separated."),
    level: CourtLevel | None = typer.Option(None, "--level", help="Only courts of this level."),
    courts_file: Path | None = typer.Option(
        None, "--courts-file", help="Read the courts from this file instead of the store."
    ),
    since: str | None = typer.Option(
        None, "--since", help=f"First month of receipt (YYYY-MM-DD, default {DEFAULT_SINCE})."
    ),
    until: str | None = typer.Option(None, "--until", help="Last day (default today)."),
    data_dir: str | None = DATA_DIR_OPTION,
    archive: Path | None = typer.Option(
        None, "--archive", help="WARC directory (default: the data directory's archive)."
    ),
    sandbox: str | None = typer.Option(
        None,
        "--sandbox",
        help="Harvest the kartoteka sandbox at this URL instead of the real sites.",
    ),
    contact: str | None = typer.Option(
        None,
        "--contact",
        help="Your e-mail or URL, sent in the User-Agent (required for real court sites).",
    ),
    proxy: str | None = typer.Option(None, "--proxy", help="HTTP(S)/SOCKS proxy URL."),
    all_cards: bool = typer.Option(
        False, "--all-cards", help="Fetch every card, not only the cases with watched charges."
    ),
    watch: str | None = typer.Option(
        None, "--watch", help="Watched articles, comma-separated (default: all of Chapter 33)."
    ),
    recent_months: int = typer.Option(6, "--recent-months", help="Months every run re-lists."),
    card_max_age_days: float = typer.Option(
        7.0,
        "--card-max-age-days",
        help="Re-fetch the card of an undecided case after this many days.",
    ),
    act_max_age_days: float = typer.Option(
        DEFAULT_ACT_MAX_AGE / 86400,
        "--act-max-age-days",
        help="Re-check a decided case's act (none yet, a stub, no text) after this many days.",
    ),
    per_host_interval: float | None = typer.Option(
        None,
        "--per-host-interval",
        help="Seconds between requests to one court (real sites: ≥ 3; may only be raised).",
    ),
    global_interval: float | None = typer.Option(
        None, "--global-interval", help="Seconds between any two requests (real sites: ≥ 1)."
    ),
    prompt_captcha: bool = typer.Option(
        True,
        "--prompt-captcha/--no-prompt-captcha",
        help="Ask for captcha codes when a terminal is attached.",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Live progress bars."),
    captcha_scope: str = typer.Option(
        "court",
        "--captcha-scope",
        help="Where a solved captcha is reused: court, or region (all captcha courts of the "
        "court's region, as peers report the real sites do).",
    ),
    captcha_valid_hours: float = typer.Option(
        6.0,
        "--captcha-valid-hours",
        help="How long a solved captcha is sent again (a captcha form ends it earlier).",
    ),
) -> None:
    """Harvest the courts' case indexes politely into the WARC archive (resumable)."""
    console = Console(stderr=True)
    data = resolve_data_dir(data_dir).ensure()
    overrides: dict[str, object] = {}
    if per_host_interval is not None:
        overrides["per_host_interval"] = per_host_interval
    if global_interval is not None:
        overrides["global_interval"] = global_interval
    try:
        config = for_sandbox(contact, **overrides) if sandbox else for_real(contact, **overrides)
    except PolitenessError as exc:
        console.print(f"[red]refused:[/] {exc}")
        raise typer.Exit(2) from exc
    try:
        registry = read_courts(courts_file) if courts_file else _store_courts(data)
    except KartotekaError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    codes = [c for c in (courts or "").split(",") if c.strip()] or None
    selected = select_courts(registry, codes, level)
    if not selected:
        console.print(
            "[red]No courts selected.[/] Import a registry with "
            "`kartoteka courts import FILE` or check --courts/--level."
        )
        raise typer.Exit(2)
    options = PlanOptions(
        since=parse_date(since, DEFAULT_SINCE) or DEFAULT_SINCE,
        until=parse_date(until),
        watch=frozenset(w.strip() for w in watch.split(",")) if watch else CHAPTER_33,
        all_cards=all_cards,
        recent_months=recent_months,
        card_max_age=card_max_age_days * 86400,
        act_max_age=act_max_age_days * 86400,
    )
    try:
        policy = CaptchaPolicy(captcha_scope, captcha_valid_hours * 3600.0)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    solver = _tty_solver(console) if prompt_captcha and sys.stdin.isatty() else None

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not progress,
        transient=False,
    )
    overall = bars.add_task("all courts", total=None)
    tasks: dict[str, TaskID] = {}
    done: dict[str, tuple[int, int]] = {}

    def on_progress(code: str, pages: int, planned: int) -> None:
        if code not in tasks:
            tasks[code] = bars.add_task(f"  {code}", total=planned)
        bars.update(tasks[code], completed=pages, total=max(planned, pages))
        done[code] = (pages, max(planned, pages))
        bars.update(
            overall,
            completed=sum(p for p, _ in done.values()),
            total=sum(t for _, t in done.values()),
        )
        if pages >= planned:
            bars.update(tasks[code], visible=False)

    harvester = Harvester(
        data,
        selected,
        config,
        options,
        sandbox_url=sandbox,
        proxy=proxy,
        captcha_solver=solver,
        captcha_policy=policy,
        progress=on_progress,
        archive_dir=str(archive) if archive else None,
    )
    with bars:
        report = asyncio.run(harvester.run())
    # Logs of scheduled runs are read later: give the table room there too.
    Console(width=None if sys.stdout.isatty() else 160).print(summary_table(report))
    if report.truncated_warcs:
        console.print(f"repaired torn WARC tails: {', '.join(report.truncated_warcs)}")
    typer.echo(verification_line(report))
    for c in report.courts:
        for ch in c.changes:
            typer.echo(
                f"{c.code}: {ch.what.value} changed {ch.old} -> {ch.new} ({ch.evidence_url})"
            )
    pending = [c.code for c in report.courts if c.status is CourtStatus.CAPTCHA]
    if pending:
        typer.echo(f"{len(pending)} court(s) wait for a captcha answer: see `kartoteka captcha`")
    if any(c.status is CourtStatus.ERROR for c in report.courts):
        raise typer.Exit(1)


captcha_app = typer.Typer(
    help="Captchas waiting for a person: list them, answer them (the next harvest uses the "
    "answers while they are valid).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@captcha_app.callback()
def captcha_list(
    ctx: typer.Context,
    data_dir: str | None = DATA_DIR_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List the pending captcha challenges and the solved pairs in force."""
    if ctx.invoked_subcommand is not None:
        return
    data = resolve_data_dir(data_dir)
    pending, pairs = captcha_overview(data)
    if as_json:
        typer.echo(json.dumps({"pending": pending, "pairs": pairs}, ensure_ascii=False, indent=2))
        return
    if not pending:
        typer.echo("No captcha waits for an answer.")
    for p in pending:
        state = f"answered {p['answer']!r}, used by the next run" if p["answer"] else "waiting"
        typer.echo(
            f"{p['court']}  scope {p['scope']}  since {p['asked_at']}  {state}\n"
            f"    image: {p['image'] or '(none on the page)'}\n    page:  {p['url']}"
        )
    if pending:
        typer.echo("Answer with: kartoteka captcha answer COURT DIGITS (one per scope is enough)")
    for pair in pairs:
        typer.echo(f"in force: {pair['scope']} (solved at {pair['court']}) until {pair['until']}")


@captcha_app.command("answer")
def captcha_answer(
    court: str = typer.Argument(..., help="The court code of a pending challenge."),
    code: str = typer.Argument(..., help="The digits shown in its image."),
    data_dir: str | None = DATA_DIR_OPTION,
) -> None:
    """Answer a pending captcha; the next `kartoteka harvest` sends it while it is valid."""
    data = resolve_data_dir(data_dir)
    if not answer_captcha(data, court.strip().upper(), code):
        typer.echo(f"no pending captcha for {court}: see `kartoteka captcha`", err=True)
        raise typer.Exit(1)
    typer.echo(f"answer for {court} kept; the next harvest sends it")


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def captcha_overview(data: DataDir) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(pending challenges, pairs in force) as plain dicts, for the CLI and its tests."""
    if not (data.state / "harvest.sqlite3").exists():
        return [], []
    state = HarvestState(data.state)
    try:
        now = time.time()
        pending = [
            {
                "court": p.court_code,
                "scope": p.scope_key,
                "asked_at": _iso(p.asked_at),
                "image": p.image_path,
                "url": p.page_url,
                "answer": p.answer,
            }
            for p in state.pending_challenges()
        ]
        pairs = [
            {"scope": p.scope_key, "court": p.court_code, "until": _iso(p.expires_at)}
            for p in state.captcha_pairs()
            if p.valid(now)
        ]
        return pending, pairs
    finally:
        state.close()


def answer_captcha(data: DataDir, court: str, code: str) -> bool:
    """Keep a person's answer to a court's pending challenge (False: none pending)."""
    code = code.strip()
    if not code:
        return False
    state = HarvestState(data.ensure().state)
    try:
        return state.answer_pending(court, code, time.time())
    finally:
        state.close()


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""
    app.command("harvest")(harvest_command)
    app.add_typer(courts_app, name="courts")
    app.add_typer(captcha_app, name="captcha")

"""`kartoteka probe COURT`: first contact with one court, at most five requests.

Thin: `kartoteka.harvest.probe.Prober` does the work (the tests call it too); this parses the
options, builds the politeness config exactly as `kartoteka harvest` does (a real court needs
`--contact`; `--sandbox URL` for the sandbox), shares the harvest state's ledger (cooldowns,
daily caps, cached robots.txt) and archives into the data directory's WARC archive.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from kartoteka.cli.options import DATA_DIR_OPTION
from kartoteka.errors import KartotekaError, PolitenessError
from kartoteka.harvest.politeness import for_real, for_sandbox
from kartoteka.harvest.probe import RECENT_DAYS, Prober
from kartoteka.harvest.state import HarvestState
from kartoteka.harvest.warc import WarcWriter
from kartoteka.paths import resolve_data_dir
from kartoteka.registry.courts import read_courts


def probe_command(
    court: str = typer.Argument(..., help="Court code, e.g. 27GV0008."),
    data_dir: str | None = DATA_DIR_OPTION,
    courts_file: Path | None = typer.Option(
        None, "--courts-file", help="Find the court in this file instead of the store."
    ),
    sandbox: str | None = typer.Option(
        None, "--sandbox", help="Probe the kartoteka sandbox at this URL instead of the real site."
    ),
    contact: str | None = typer.Option(
        None,
        "--contact",
        help="Your e-mail or URL, sent in the User-Agent (required for real court sites).",
    ),
    proxy: str | None = typer.Option(None, "--proxy", help="HTTP(S)/SOCKS proxy URL."),
    days: int = typer.Option(
        RECENT_DAYS, "--days", min=1, help="The recent listing covers this many days."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """First contact with one court in at most 5 requests: dialect, template, captcha,
    counter, one card; archived. Exit 1 when something needs attention."""
    data = resolve_data_dir(data_dir)
    try:
        config = for_sandbox(contact) if sandbox else for_real(contact)
    except PolitenessError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        if courts_file:
            registry = read_courts(courts_file)
        else:
            from kartoteka.store.courts import load_courts

            registry = load_courts(data)
    except KartotekaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    found = next((c for c in registry if c.code == court.strip().upper()), None)
    if found is None:
        typer.echo(
            f"error: no court {court} in the registry (`kartoteka courts import FILE`, "
            "or --courts-file)",
            err=True,
        )
        raise typer.Exit(2)
    data.ensure()
    state = HarvestState(data.state)
    writer = WarcWriter(data.archive)
    try:
        prober = Prober(
            found,
            config,
            writer,
            ledger=state,
            sandbox_url=sandbox,
            proxy=proxy,
            recent_days=days,
            state=state,
        )
        report = asyncio.run(prober.run())
    finally:
        writer.close()
        state.close()
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        typer.echo(report.render())
    if report.needs_attention:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("probe")(probe_command)

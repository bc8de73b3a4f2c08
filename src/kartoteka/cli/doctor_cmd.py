"""`kartoteka doctor [--courts …] [--json] [--bundle FILE.zip]`: what needs a person.

Thin: `kartoteka.ops.doctor.diagnose` reads the registry, the harvest state, the archive
index and the store; `kartoteka.ops.bundle.write_bundle` writes the bug-report zip. Exit
status 1 when something needs a person, 0 otherwise (for cron and monitoring).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kartoteka.cli.options import DATA_DIR_OPTION
from kartoteka.errors import KartotekaError
from kartoteka.ops.doctor import diagnose
from kartoteka.paths import resolve_data_dir


def doctor_command(
    courts: str | None = typer.Option(None, "--courts", help="Court codes, comma-separated."),
    data_dir: str | None = DATA_DIR_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    all_courts: bool = typer.Option(False, "--all", help="Show courts without findings too."),
    bundle: Path | None = typer.Option(
        None,
        "--bundle",
        dir_okay=False,
        help="Write a bug-report zip: the summary, the pages behind every problem (names "
        "masked), versions. No secret, no full name.",
    ),
) -> None:
    """Per court, what needs attention. Exit 1 when something needs a person."""
    data = resolve_data_dir(data_dir)
    codes = [c.strip() for c in (courts or "").split(",") if c.strip()] or None
    try:
        report = diagnose(data, codes)
    except KartotekaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not report.courts:
        typer.echo(
            "No courts to examine: import a registry (`kartoteka courts import FILE`) "
            "or check --courts.",
            err=True,
        )
        raise typer.Exit(2)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str))
    else:
        typer.echo(report.render(all_courts=all_courts))
    if bundle is not None:
        from kartoteka.ops.bundle import write_bundle

        result = write_bundle(report, data, bundle)
        typer.echo(
            f"bundle written: {result.path} ({result.pages} pages, names masked)",
            err=as_json,
        )
        for reason in result.skipped:
            typer.echo(f"  page not included: {reason}", err=True)
    if report.needs_person:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_command)

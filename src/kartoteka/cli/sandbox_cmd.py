"""CLI commands of the sandbox stage: `kartoteka sandbox serve` and `kartoteka sandbox truth`.

Thin: both build a `SandboxConfig` and call `kartoteka.sandbox` (the functions tests call).
Without `--courts`, the registry `../shared/data/military_courts.csv` (relative to the current
directory) is used when present, else `$KARTOTEKA_SANDBOX_COURTS`, else a generated set of
plainly fictional courts.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import typer

sandbox_app = typer.Typer(
    help="Simulated military court sites with a known caseload (tests, demos, benchmarks).",
    no_args_is_help=True,
)

DEFAULT_REGISTRY = Path("../shared/data/military_courts.csv")


def _courts_path(courts: Path | None) -> Path | None:
    if courts is not None:
        return courts
    env = os.environ.get("KARTOTEKA_SANDBOX_COURTS")
    if env:
        return Path(env)
    return DEFAULT_REGISTRY if DEFAULT_REGISTRY.exists() else None


def _parse_date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()


def _config(
    seed: int,
    courts: Path | None,
    faults: str,
    scale: float,
    now: str | None,
    request_log: Path | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
):
    from kartoteka.sandbox import SandboxConfig
    from kartoteka.sandbox.config import fault_profile

    try:
        fault_profile(faults)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--faults") from None
    return SandboxConfig(
        seed=seed,
        courts_path=_courts_path(courts),
        faults=faults,
        scale=scale,
        now=_parse_date(now),
        request_log=request_log,
        port=port,
        host=host,
    )


SEED = typer.Option(1, "--seed", help="Seed of the caseload, traits and fault draws.")
COURTS = typer.Option(None, "--courts", help="Court registry (CSV or sudrf directory JSON).")
FAULTS = typer.Option("realistic", "--faults", help="Fault profile: realistic or none.")
SCALE = typer.Option(1.0, "--scale", help="Multiplier of the national caseload.")
NOW = typer.Option(None, "--now", help="Sandbox clock, YYYY-MM-DD (default: today).")


@sandbox_app.command("serve")
def serve(
    port: int = typer.Option(8765, "--port", help="Port (0: any free port)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    seed: int = SEED,
    courts: Path | None = COURTS,
    faults: str = FAULTS,
    scale: float = SCALE,
    now: str | None = NOW,
    request_log: Path | None = typer.Option(
        None, "--request-log", help="Append every request as JSON Lines."
    ),
) -> None:
    """Serve the simulated court sites until interrupted (Ctrl-C)."""
    from kartoteka.sandbox import run_sandbox

    config = _config(seed, courts, faults, scale, now, request_log, port, host)
    with run_sandbox(config) as sb:
        sample = next((c for c in sb.courts if not c.always_down), sb.courts[0])
        typer.echo(f"kartoteka sandbox (SIMULATED data) listening on {sb.url}")
        typer.echo(
            f"  {len(sb.courts)} courts, seed {config.seed}, clock {config.now}, "
            f"faults {config.fault_profile.name}, scale {config.scale}"
        )
        typer.echo(
            f"  court pages at {sb.url}/<host>/modules.php?..., e.g. "
            f"{sb.url}/{sample.host}/modules.php?name=sud_delo&name_op=sf"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopped")


@sandbox_app.command("truth")
def truth(
    out: Path = typer.Option(..., "--out", help="Directory for cases.csv/.parquet, courts.csv."),
    seed: int = SEED,
    courts: Path | None = COURTS,
    faults: str = FAULTS,
    scale: float = SCALE,
    now: str | None = NOW,
) -> None:
    """Write the ground truth of a sandbox configuration (as of --now)."""
    from kartoteka.sandbox import build_site, truth_cases, write_truth
    from kartoteka.sandbox.truth import truth_sentences

    config = _config(seed, courts, faults, scale, now)
    site = build_site(config)
    cases = truth_cases(site.caseload, config.now)
    paths = write_truth(
        out,
        cases,
        site.network,
        always_down_active=config.fault_profile.always_down,
        sentences=truth_sentences(site.caseload, config.now),
    )
    typer.echo(
        f"{len(cases)} cases of {len(site.network)} courts as of {config.now} "
        f"(SIMULATED): {', '.join(str(p) for p in paths.values())}"
    )


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""
    app.add_typer(sandbox_app, name="sandbox")

"""CLI commands of the sandbox stage: `kartoteka sandbox serve`, `kartoteka sandbox truth` and
`kartoteka sandbox registry` (the stale court list of the field network).

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
    network: str = "stable",
):
    from kartoteka.sandbox import SandboxConfig
    from kartoteka.sandbox.config import fault_profile, network_profile

    try:
        fault_profile(faults)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--faults") from None
    try:
        network_profile(network)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--network") from None
    return SandboxConfig(
        network=network,
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
NETWORK = typer.Option(
    "stable",
    "--network",
    help="Network profile: stable (as the registry says) or field (migrations, captcha "
    "pairs, redirects, rows shifting while paging).",
)


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
    network: str = NETWORK,
) -> None:
    """Serve the simulated court sites until interrupted (Ctrl-C)."""
    from kartoteka.sandbox import run_sandbox

    config = _config(seed, courts, faults, scale, now, request_log, port, host, network)
    with run_sandbox(config) as sb:
        sample = next((c for c in sb.courts if not c.always_down), sb.courts[0])
        typer.echo(f"kartoteka sandbox (SIMULATED data) listening on {sb.url}")
        typer.echo(
            f"  {len(sb.courts)} courts, seed {config.seed}, clock {config.now}, "
            f"faults {config.fault_profile.name}, network {config.network_profile.name}, "
            f"scale {config.scale}"
        )
        if sb.migrations or sb.redirects:
            typer.echo(
                f"  field network: {len(sb.migrations)} courts migrate, "
                f"{len(sb.redirects)} redirect (the index page {sb.url}/ lists them)"
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
    network: str = NETWORK,
) -> None:
    """Write the ground truth of a sandbox configuration (as of --now)."""
    from kartoteka.sandbox import build_site, truth_cases, write_truth

    config = _config(seed, courts, faults, scale, now, network=network)
    site = build_site(config)
    cases = truth_cases(site.caseload, config.now)
    paths = write_truth(
        out, cases, site.courts_now(), always_down_active=config.fault_profile.always_down
    )
    typer.echo(
        f"{len(cases)} cases of {len(site.network)} courts as of {config.now} "
        f"(SIMULATED): {', '.join(str(p) for p in paths.values())}"
    )


@sandbox_app.command("registry")
def registry(
    out: Path = typer.Option(..., "--out", help="CSV file to write (military_courts.csv format)."),
    seed: int = SEED,
    courts: Path | None = COURTS,
    now: str | None = NOW,
    network: str = typer.Option("field", "--network", help="Network profile (default field)."),
) -> None:
    """Write the stale court list a harvester is given: as a November 2023 snapshot says, every
    migrated court's dialect the old way round and moved courts on their old host."""
    from kartoteka.sandbox.network import build_network, registry_csv, stale_registry

    config = _config(seed, courts, "none", 1.0, now, network=network)
    sim = build_network(config)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(registry_csv(stale_registry(sim)), encoding="utf-8")
    moved = sum(1 for c in sim if c.redirect)
    migrating = sorted((c.migrates_on, c.code) for c in sim if c.migrates_on)
    typer.echo(
        f"{len(sim)} courts (SIMULATED network {config.network_profile.name}, seed {seed}) "
        f"written to {out}: {len(migrating)} migrate, {moved} moved"
    )
    for day, code in migrating:
        passed = "migrated" if day <= config.now else "migrates"
        typer.echo(f"  {code} {passed} {day.isoformat()}")


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""
    app.add_typer(sandbox_app, name="sandbox")

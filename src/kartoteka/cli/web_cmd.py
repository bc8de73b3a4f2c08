"""CLI commands of the web stage: `kartoteka serve` and `kartoteka report`.

Thin: they resolve the data directory and call `kartoteka.web.create_app` and
`kartoteka.report.write_report`, which the tests call too.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from kartoteka.cli.options import DataDirOption, parse_date
from kartoteka.paths import resolve_data_dir


def serve(
    data_dir: DataDirOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    direct: Annotated[
        bool,
        typer.Option(
            "--direct",
            help="Hold the store open instead of reading snapshots (the store must "
            "not be updated while serving).",
        ),
    ] = False,
    lang: Annotated[str, typer.Option(help="Default interface language: ru or en.")] = "ru",
) -> None:
    """Serve the dashboard and the JSON API (read-only; `update` may run meanwhile)."""
    import uvicorn

    from kartoteka.web import create_app

    if lang not in ("ru", "en"):
        raise typer.BadParameter("lang must be ru or en", param_hint="--lang")
    app = create_app(
        resolve_data_dir(data_dir), mode="direct" if direct else "snapshot", default_lang=lang
    )
    typer.echo(f"kartoteka dashboard on http://{host}:{port}/  (API: /api/v1/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    data_dir: DataDirOption = None,
    lang: Annotated[str, typer.Option(help="Report language: ru or en.")] = "ru",
    charts_dir: Annotated[
        Path | None,
        typer.Option("--charts", help="Also write every chart as PNG and SVG into this directory."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Count only what had been seen by this date (YYYY-MM-DD)."),
    ] = None,
    article: Annotated[str | None, typer.Option(help="Only cases under this article.")] = None,
) -> None:
    """Write a self-contained offline HTML report (headline figures, charts, methodology)."""
    from kartoteka.report import write_report
    from kartoteka.web.filters import FilterError, parse_filters

    if lang not in ("ru", "en"):
        raise typer.BadParameter("lang must be ru or en", param_hint="--lang")
    try:
        filters = parse_filters({"as_of": as_of, "article": article})
    except FilterError as exc:
        hint = "--" + exc.param.replace("_", "-")
        raise typer.BadParameter(exc.message, param_hint=hint) from None
    result = write_report(
        resolve_data_dir(data_dir), output, lang=lang, filters=filters, charts_dir=charts_dir
    )
    typer.echo(f"report written to {result.path} ({result.bytes:,} bytes, {result.charts} charts)")
    for path in result.chart_files:
        typer.echo(f"  chart: {path}")


def demo(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="A fresh directory for the demo's data (default: a new temporary "
            "directory; never your real data directory).",
        ),
    ] = None,
    courts: Annotated[int, typer.Option(help="Simulated garrison courts to harvest.")] = 8,
    scale: Annotated[float, typer.Option(help="Share of the national caseload simulated.")] = 0.3,
    seed: Annotated[int, typer.Option(help="Sandbox seed (same seed, same courts and cases).")] = 1,
    faults: Annotated[str, typer.Option(help="Sandbox faults: realistic or none.")] = "realistic",
    now: Annotated[
        str | None, typer.Option(help="The sandbox clock, YYYY-MM-DD (default: today).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Report and dashboard language: ru or en.")] = "ru",
    serve_after: Annotated[
        bool, typer.Option("--serve", help="Serve the dashboard over the demo data afterwards.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """The whole pipeline offline: sandbox, real harvester, ingest, figures, report."""
    from rich.console import Console
    from rich.table import Table

    from kartoteka.report.demo import DemoError, DemoOptions, run_demo

    if faults not in ("realistic", "none"):
        raise typer.BadParameter("faults must be realistic or none", param_hint="--faults")
    clock = parse_date(now, option="--now")
    console = Console()
    options = DemoOptions(
        data_dir=data_dir,
        courts=courts,
        seed=seed,
        scale=scale,
        faults=faults,
        now=clock,
        lang=lang,
    )
    try:
        result = run_demo(options, progress=lambda line: console.print(f"[dim]·[/dim] {line}"))
    except DemoError as exc:
        raise typer.BadParameter(exc.message, param_hint="--data-dir") from None
    table = Table(
        title=f"SIMULATED DATA — headline figures as of {result.now} "
        f"({len(result.courts)} sandbox courts)"
    )
    table.add_column("figure")
    table.add_column("kartoteka", justify="right")
    table.add_column("ground truth", justify="right")
    table.add_column("")
    for f in result.figures:
        table.add_row(
            f.label, str(f.store), str(f.truth), "[green]=[/green]" if f.matches else "[red]≠[/red]"
        )
    console.print(table)
    console.print(
        f"{result.cases_ingested:,} cases ingested from {result.requests:,} requests, "
        f"{result.parse_failures} parse failures, {result.seconds:.0f} s in all"
    )
    console.print(
        "every figure matches the sandbox's ground truth"
        if result.all_match
        else "[red]some figures differ from the ground truth[/red]"
    )
    console.print(f"report: {result.report}")
    console.print(f"dashboard: kartoteka serve --data-dir {result.data_dir.root}")
    if serve_after:
        import webbrowser

        import uvicorn

        from kartoteka.web import create_app

        url = f"http://127.0.0.1:{port}/?lang={lang}"
        console.print(f"serving the dashboard on {url} (Ctrl-C to stop)")
        with contextlib.suppress(Exception):  # no browser here: the URL is printed above
            webbrowser.open(url)
        uvicorn.run(
            create_app(result.data_dir, mode="direct", default_lang=lang),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    if not result.all_match:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""
    app.command()(serve)
    app.command()(report)
    app.command()(demo)

"""CLI commands of the web stage: `kartoteka serve` and `kartoteka report`.

Thin: they resolve the data directory and call `kartoteka.web.create_app` and
`kartoteka.report.write_report`, which the tests call too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kartoteka.paths import resolve_data_dir

DataDirOption = Annotated[
    str | None,
    typer.Option(
        "--data-dir",
        help="Data directory (default: $KARTOTEKA_DATA_DIR or the platform's user data directory).",
    ),
]


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


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""
    app.command()(serve)
    app.command()(report)

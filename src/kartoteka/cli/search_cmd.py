"""`kartoteka search`: full-text search over the masked act texts (kartoteka.store.search)."""

from __future__ import annotations

import dataclasses

import typer

from kartoteka.cli.options import DATA_DIR_OPTION
from kartoteka.cli.store_cmd import OutputFormat, _open_read_only, render
from kartoteka.paths import resolve_data_dir


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""

    @app.command()
    def search(
        query: str = typer.Argument(..., help='Words or "a phrase" (any inflection).'),
        limit: int = typer.Option(20, min=1, help="Most acts to list."),
        fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="Output format."),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """Search the published act texts (masked) with Russian morphology: "мобилизован"
        finds "мобилизованного". Each hit names its case (`kartoteka case`)."""
        from kartoteka.store.search import SearchError, search_acts

        index = resolve_data_dir(data_dir).root / "search.sqlite"
        con = _open_read_only(data_dir)
        try:
            hits = search_acts(con, index, query, limit)
        except SearchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        finally:
            con.close()
        typer.echo(render([dataclasses.asdict(h) for h in hits], fmt))

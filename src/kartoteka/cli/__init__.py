"""The `kartoteka` command. Thin: every command parses its options and calls library
functions that the tests call too. Each pipeline stage registers its commands from its own
module here, so that stages can grow without touching each other."""

from __future__ import annotations

import typer

from kartoteka import __version__
from kartoteka.cli import (
    check_cmd,
    doctor_cmd,
    harvest_cmd,
    inspect_cmd,
    probe_cmd,
    sandbox_cmd,
    search_cmd,
    store_cmd,
    watch_cmd,
    web_cmd,
)

app = typer.Typer(
    name="kartoteka",
    help="Monitor of military-court prosecutions on sudrf.ru: harvest, archive, parse, count.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the kartoteka version."""
    typer.echo(__version__)


for module in (
    inspect_cmd,
    sandbox_cmd,
    harvest_cmd,
    probe_cmd,
    doctor_cmd,
    store_cmd,
    watch_cmd,
    web_cmd,
    check_cmd,
    search_cmd,
):
    module.register(app)


def main() -> None:
    app()

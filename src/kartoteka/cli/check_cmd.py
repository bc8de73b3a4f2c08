"""`kartoteka check`: the numeric claims of a news text, checked against the store."""

from __future__ import annotations

import json
import sys

import typer

from kartoteka.cli.options import DATA_DIR_OPTION, parse_date
from kartoteka.cli.store_cmd import SIMULATED_NOTE, _open_read_only, _simulated

MARKS = {"consistent": "✓", "inconsistent": "✗", "not_checkable": "?"}


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        text: str = typer.Argument(..., help="The text to check, or - to read standard input."),
        as_of: str | None = typer.Option(
            None,
            "--as-of",
            help="Publication date (YYYY-MM-DD); default: a date the text states, else today.",
        ),
        as_json: bool = typer.Option(False, "--json", help="The result as JSON (the API's)."),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """Read every numeric claim of a news text (Russian or English) and check it against
        the store as of the publication date and as of today (rules: docs/claims.md)."""
        from kartoteka.claims.check import check_text

        published = parse_date(as_of, option="--as-of")
        body = sys.stdin.read() if text == "-" else text
        con = _open_read_only(data_dir)
        try:
            report = check_text(con, body, published)
            simulated = _simulated(con)
        finally:
            con.close()
        if simulated:
            typer.echo(SIMULATED_NOTE, err=as_json)
        if as_json:
            typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
            return
        typer.echo(f"as of {report.as_of} ({report.as_of_source}); today {report.today}")
        if not report.findings and not report.unmapped:
            typer.echo("no numeric claims found")
        for f in report.findings:
            c = f.claim
            typer.echo(f"{MARKS[f.verdict]} {f.verdict}: «{c.text}» [{c.span[0]}:{c.span[1]}]")
            typer.echo(f"    {f.reason}")
            if f.found is not None:
                revised = f" (revised {f.revision:+})" if f.revision else ""
                typer.echo(
                    f"    found {f.found:g} as of {report.as_of}; {f.found_today:g} today{revised}"
                )
            for note in c.notes:
                typer.echo(f"    note: {note}")
            if f.cases_url:
                typer.echo(f"    cases: {f.cases_url}")
        for u in report.unmapped:
            typer.echo(f"- not mapped ({u.reason}): «{u.text}»")

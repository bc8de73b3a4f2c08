"""`kartoteka inspect FILE [--json]`: classify and parse one saved court page and show what
the parsers read from it — the quickest way to check a page the harvester could not read, or a
new page variant before it becomes a fixture.

Privacy by default: defendants' and other parties' names are shown as initials (also in the
JSON, and inside listing info cells) unless `--names` is given (DESIGN.md, "Privacy").
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from kartoteka.registry.charges import format_charges
from kartoteka.sudrf import Card, Listing, Page, read_page
from kartoteka.sudrf.values import initials, mask_person_names


def mask_names(page: Page) -> Page:
    """The page with names reduced to initials, in place: defendants' names whole, and the
    name-shaped parts of parties' names and listing info cells."""
    if page.card is not None:
        for defendant in page.card.defendants:
            defendant.name = initials(defendant.name)
        for party in page.card.parties:
            party.name = mask_person_names(party.name)
    if page.listing is not None:
        for row in page.listing.rows:
            for defendant in row.defendants:
                if defendant.name and row.info:
                    row.info = row.info.replace(defendant.name, initials(defendant.name) or "")
                defendant.name = initials(defendant.name)
            row.info = mask_person_names(row.info)
    return page


def inspect_file(path: Path, *, names: bool = False, url: str | None = None) -> Page:
    """Read one saved page; names masked unless `names`."""
    page = read_page(path.read_bytes(), url=url or path.as_uri())
    return page if names else mask_names(page)


HIDDEN = "(hidden by the court)"


def _dash(value: object) -> str:
    return "—" if value in (None, "", []) else str(value)


def _print_block(
    console: Console, title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]
) -> None:
    """One repeated block of a card (defendants, events ...) as a table titled with its row
    count; nothing when the card has none."""
    if not rows:
        return
    table = Table(title=f"{title} ({len(rows)})")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _card_view(card: Card, console: Console) -> None:
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    uid = card.uid and f"{card.uid} ({'valid' if card.uid_valid else 'FAILS mod-97 check'})"
    for label, value in (
        ("Case number", card.case_number),
        ("As printed", card.case_number_raw),
        ("UID", uid),
        ("Received", card.entry_date),
        ("Judge", card.judge),
        ("Result", card.result),
        ("Result date", card.result_date),
        ("Category", card.category),
        ("Card online", card.published_at and f"{card.published_at:%Y-%m-%d %H:%M}"),
        ("Card changed", card.modified_at and f"{card.modified_at:%Y-%m-%d %H:%M}"),
    ):
        summary.add_row(label, _dash(value))
    console.print(summary)
    if card.lower_court:
        lower = Table(title="Lower court", show_header=False)
        for label, value in card.lower_court.items():
            lower.add_row(label, value)
        console.print(lower)
    _print_block(
        console,
        "Defendants",
        ("name", "charges", "result", "date"),
        [
            (
                HIDDEN if d.name_hidden else _dash(d.name),
                format_charges(d.charges) if d.charges else _dash(d.charges_raw),
                _dash(d.result),
                _dash(d.result_date),
            )
            for d in card.defendants
        ],
    )
    _print_block(
        console,
        "Events",
        ("date", "time", "event", "result"),
        [(_dash(e.date), _dash(e.time), _dash(e.name), _dash(e.result)) for e in card.events],
    )
    _print_block(
        console,
        "Other parties",
        ("role", "name"),
        [(_dash(p.role), HIDDEN if p.name_hidden else _dash(p.name)) for p in card.parties],
    )
    _print_block(
        console,
        "Judicial acts",
        ("#", "title", "on this page"),
        [
            (
                _dash(a.number),
                _dash(a.title),
                f"text, {len(a.text)} chars" if a.text else _dash(a.url),
            )
            for a in card.acts
        ],
    )
    if card.complaints:
        console.print(f"Complaints recorded: {len(card.complaints)}")


def _listing_view(listing: Listing, console: Console) -> None:
    span = f", records {listing.first}..{listing.last}" if listing.first is not None else ""
    console.print(f"Counter: {_dash(listing.total)} in all{span}; rows read: {len(listing.rows)}")
    table = Table()
    for column in ("case", "received", "judge", "decided", "result", "defendants / charges"):
        table.add_column(column)
    for row in listing.rows:
        people = "; ".join(
            f"{'(hidden)' if d.name_hidden else _dash(d.name)}: {format_charges(d.charges)}"
            for d in row.defendants
        )
        table.add_row(
            _dash(row.case_number),
            _dash(row.entry_date),
            _dash(row.judge),
            _dash(row.result_date),
            _dash(row.result),
            people or "—",
        )
    console.print(table)


def render(page: Page, console: Console) -> None:
    """The readable Rich view of a page."""
    head = f"kind: [bold]{page.kind.value}[/bold]   template: {_dash(page.template)}"
    if page.reason:
        head += f"\nreason: {page.reason}"
    console.print(Panel(head, title=_dash(page.url), expand=False))
    if page.card is not None:
        _card_view(page.card, console)
    if page.listing is not None:
        _listing_view(page.listing, console)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""

    @app.command()
    def inspect(
        file: Path = typer.Argument(
            ...,
            exists=True,
            dir_okay=False,
            readable=True,
            help="A saved court page (HTML as fetched or archived).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the parsed page as JSON."),
        names: bool = typer.Option(
            False, "--names", help="Show full names as printed (default: initials)."
        ),
        url: str | None = typer.Option(None, "--url", help="The URL the page came from."),
    ) -> None:
        """Classify and parse one saved court page and show what was read from it."""
        page = inspect_file(file, names=names, url=url)
        if as_json:
            typer.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        else:
            render(page, Console())

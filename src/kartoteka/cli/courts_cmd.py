"""`kartoteka courts` and `kartoteka courts import`: the registry as the operator sees it.

Thin: `kartoteka.store.courts.update_registry` merges a list, `kartoteka.ops.courts` puts the
registry, the harvest state and the change logs together; both are what the tests call.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kartoteka.errors import KartotekaError
from kartoteka.ops.courts import court_overviews
from kartoteka.paths import resolve_data_dir
from kartoteka.registry.courts import ChangeKind, read_courts


def list_courts(data_dir: str | None, codes: str | None, as_json: bool) -> None:
    data = resolve_data_dir(data_dir)
    wanted = [c.strip() for c in (codes or "").split(",") if c.strip()] or None
    overviews = court_overviews(data, wanted)
    if not overviews:
        typer.echo(
            "No courts in the registry yet: run `kartoteka courts import FILE` "
            "(a military_courts.csv or the sudrf directory JSON; see README).",
            err=as_json,
        )
        raise typer.Exit(1)
    if as_json:
        typer.echo(
            json.dumps({"courts": [o.to_json() for o in overviews]}, ensure_ascii=False, indent=1)
        )
        return
    inactive = sum(not o.active for o in overviews)
    table = Table(title=f"{len(overviews)} courts" + (f", {inactive} inactive" if inactive else ""))
    for col in ("code", "level", "name", "host", "dialect", "template", "last harvest", "changes"):
        table.add_column(col, overflow="fold", no_wrap=col == "code")
    for o in overviews:
        hint, seen = o.dialect_hint, o.dialect_seen
        if seen and hint and seen != hint:
            dialect = f"[yellow]{seen}[/] (registry: {hint})"
        else:
            dialect = seen or hint or "?"
        host = o.host
        if o.host_seen and o.host_seen != o.host:
            host = f"[yellow]{o.host_seen}[/] (registry: {o.host})"
        host += "".join(f"\n(was {h})" for h in o.previous_hosts)
        changes = "; ".join(
            f"{ch.at[:10]} {ch.change}"
            + (f" {ch.old or '?'} → {ch.new or '?'}" if ch.change != ChangeKind.ADDED else "")
            for ch in o.changes
            if ch.change != ChangeKind.ADDED
        )
        status = (o.last_status or "never") + (f" {o.last_at[:16]}" if o.last_at else "")
        table.add_row(
            o.code if o.active else f"[dim]{o.code}[/]",
            o.level,
            o.name + ("" if o.active else " [red](inactive)[/]"),
            host,
            dialect,
            o.template_seen or "?",
            status,
            changes,
        )
    # Read in logs and pipes too: give the table room there.
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def import_courts_file(file: Path, data_dir: str | None, partial: bool) -> None:
    from kartoteka.store.courts import update_registry

    try:
        courts = read_courts(file)
        data = resolve_data_dir(data_dir).ensure()
        merge = update_registry(data, courts, deactivate_missing=not partial, source=file)
    except KartotekaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    counts = merge.counts()
    summary = ", ".join(f"{n} {kind.value}" for kind, n in counts.items() if n) or "no changes"
    typer.echo(f"imported {len(courts)} courts from {file}: {summary}")
    for change in merge.changes:
        if change.kind is not ChangeKind.ADDED or counts[ChangeKind.ADDED] <= 20:
            typer.echo(f"  {change.describe()}")

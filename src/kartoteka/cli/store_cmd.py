"""CLI commands of the store stage: `ingest`, `stats`, `case`, `export`, `update`.

Thin: each parses its options and calls the library (`kartoteka.store`, `kartoteka.stats`),
which the tests call too.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import inspect
import io
import json
import typing
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kartoteka.cli.options import DATA_DIR_OPTION, parse_date
from kartoteka.paths import resolve_data_dir

SIMULATED_NOTE = "SIMULATED DATA: these figures come from the kartoteka sandbox, not real courts."


class By(StrEnum):
    MONTH = "month"
    COURT = "court"
    DISTRICT = "district"
    REGION = "region"
    PART = "part"
    ARTICLE = "article"
    OUTCOME = "outcome"
    PUNISHMENT = "punishment"
    SERVICE = "service"
    REGIME = "regime"
    TERM = "term"


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _moment(value: str | None) -> dt.date | dt.datetime | None:
    """--as-of: a day (YYYY-MM-DD) or an instant (ISO 8601; naive means UTC)."""
    if not value or len(value) <= 10:
        return parse_date(value)
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS") from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def render(rows: list[dict[str, Any]], fmt: OutputFormat) -> str:
    """Rows of plain objects as a table, CSV or JSON (a list of objects)."""
    if fmt is OutputFormat.JSON:
        return json.dumps(_jsonable(rows), ensure_ascii=False, indent=2)
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    if fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_jsonable(rows))
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console = Console(file=io.StringIO(), width=160)
    console.print(table)
    return console.file.getvalue().rstrip("\n")  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""

    @app.command()
    def ingest(
        archive: Path | None = typer.Option(
            None, help="WARC archive (default: the data directory's archive)."
        ),
        rebuild: bool = typer.Option(
            False,
            help="Empty the store and re-read the whole "
            "archive (same content as ingesting step by step).",
        ),
        keep_names: bool | None = typer.Option(
            None,
            "--keep-names/--no-keep-names",
            help="Store defendants' full names (opt-in; default from config.toml, else no).",
        ),
        workers: int | None = typer.Option(
            None,
            min=1,
            help="Processes that parse records (default: every core). The store is the "
            "same at any count.",
        ),
        dask: str | None = typer.Option(
            None,
            "--dask",
            metavar="ADDRESS",
            help="Parse on a Dask cluster: the scheduler's address (tcp://host:8786), or "
            "`local` for a cluster of --workers processes here (docs/scaling.md).",
        ),
        parts: Path | None = typer.Option(
            None,
            help="With --dask: where the workers write their Parquet parts (storage shared "
            "by the workers and this machine; default: the data directory).",
        ),
        keep_parts: bool = typer.Option(
            False, help="With --dask: keep the Parquet parts after loading them."
        ),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """Parse new WARC records into the store (idempotent)."""
        from kartoteka.store.ingest import ingest as run_ingest

        unreadable: list[tuple[str, str]] = []
        if dask is not None:
            from kartoteka.errors import KartotekaError
            from kartoteka.store.cluster import ingest_on_cluster

            try:
                run = ingest_on_cluster(
                    resolve_data_dir(data_dir),
                    dask,
                    archive=archive,
                    rebuild=rebuild,
                    keep_names=keep_names,
                    workers=workers,
                    parts_dir=parts,
                    keep_parts=keep_parts,
                )
            except KartotekaError as exc:  # no scheduler there, parts not shared ...
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from exc
            summary, unreadable = run.summary, run.unreadable
            typer.echo(f"read on the cluster at {dask}: {run.tasks} tasks")
            if run.parts_dir is not None:
                typer.echo(f"parts kept in {run.parts_dir}")
        elif parts is not None or keep_parts:
            raise typer.BadParameter("--parts and --keep-parts go with --dask")
        else:
            summary = run_ingest(
                resolve_data_dir(data_dir),
                archive=archive,
                rebuild=rebuild,
                keep_names=keep_names,
                workers=workers,
            )
        typer.echo(
            f"records read: {summary.records} (already ingested: "
            f"{summary.already_ingested}); listings {summary.listings}, cards "
            f"{summary.cards}, act pages {summary.act_pages}, other pages {summary.other_pages}; "
            f"new versions "
            f"{summary.new_versions}; parse failures {summary.parse_failures}"
        )
        typer.echo(f"cases in store: {summary.cases} (removed from court sites: {summary.removed})")
        for url, reason in summary.failures:
            typer.echo(f"  unreadable: {url}: {reason}", err=True)
        for path, reason in unreadable:
            typer.echo(f"  unreadable WARC file: {path}: {reason}", err=True)
        if unreadable:
            typer.echo(
                f"{len(unreadable)} WARC file(s) could not be read to their end: what was read "
                "is in the store, the files stay in the archive and the next ingest tries "
                "them again",
                err=True,
            )
            raise typer.Exit(1)

    @app.command()
    def stats(
        article: str | None = typer.Option(
            None, help="Article (337, 352.1), several (337,338) or a group (refusal, chapter33)."
        ),
        part: str | None = typer.Option(None, help="Part of the article, e.g. 5 or 2.1."),
        principal: bool = typer.Option(
            False, help="Count each case once, under its principal article (default: multi-label)."
        ),
        by: By = typer.Option(By.MONTH, help="Grouping."),
        court: str | None = typer.Option(None, help="Court code, e.g. 27GV0008."),
        district: str | None = typer.Option(None, help="District/fleet court code."),
        region: str | None = typer.Option(None, help="Region name or code."),
        since: str | None = typer.Option(None, help="From this receipt date (YYYY-MM-DD)."),
        until: str | None = typer.Option(None, help="Up to this receipt date (inclusive)."),
        as_of: str | None = typer.Option(
            None,
            help="Count only what had been seen by the "
            "end of this day (reproduces earlier figures).",
        ),
        cases: str | None = typer.Option(
            None,
            "--cases",
            help="List the cases behind one group's number instead: the group's key as shown "
            "(e.g. --by month --cases 2024-02, --by part --cases 337.5; --by punishment "
            "--cases imprisonment lists the sentenced defendants and their acts).",
        ),
        headline: bool = typer.Option(
            False,
            help="The headline figures instead of a "
            "grouping (since mobilisation, YTD, verdicts ...).",
        ),
        after_appeal: bool = typer.Option(
            False,
            "--after-appeal",
            help="Sentences (--by punishment|service|regime|term) as they stand after the "
            "appeal and cassation rulings seen, instead of as handed down.",
        ),
        service: str | None = typer.Option(
            None,
            "--service",
            help="Only the sentences of defendants of this service status as their verdict "
            "states it: mobilised, contract or conscript (several comma-separated). For the "
            "sentence groupings (--by punishment|service|regime|term) and their --cases; "
            "the published share stays that of all verdicts (docs/metrics.md); case figures "
            "refuse it.",
        ),
        fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format"),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """Cases received, grouped by month, court, district, region, part, article or
        outcome; sentences by punishment, service or regime, and real terms by article and
        part (term), optionally of one service status; or the headline figures
        (definitions: docs/metrics.md)."""
        from kartoteka.stats.metrics import (
            SENTENCE_GROUPINGS,
            Filter,
            cases_by,
            headline_figures,
            list_cases,
            list_sentences,
        )

        try:
            flt = Filter(
                article=article,
                part=part,
                court=court,
                district=district,
                region=region,
                since=parse_date(since),
                until=parse_date(until),
                as_of=_moment(as_of),
                principal=principal,
                sentence_stage="final" if after_appeal else "handed_down",
                service=service,
            )
        except ValueError as exc:  # an unknown service status
            raise typer.BadParameter(str(exc), param_hint="--service") from exc
        con = _open_read_only(data_dir)
        try:
            try:
                if cases is not None and by.value in SENTENCE_GROUPINGS:
                    # the sentenced defendants behind the row, with the act each was read from
                    refs = list_sentences(con, flt, by.value, cases)
                    rows = [dataclasses.asdict(r) for r in refs]
                elif cases is not None:
                    # `--by article` groups by principal article: list the same cases
                    grouping = "principal" if by is By.ARTICLE else by.value
                    rows = [dataclasses.asdict(r) for r in list_cases(con, flt, grouping, cases)]
                elif headline:
                    rows = headline_figures(con, flt)
                else:
                    rows = cases_by(con, flt, by.value)
            except ValueError as exc:  # a filter that cannot be applied: part + group, or
                # --service with a figure of cases (metrics.FilterNotApplicable)
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from exc
            simulated = _simulated(con)
            notes = _window_notes(con, flt)
        finally:
            con.close()
        if simulated and fmt is OutputFormat.TABLE:
            typer.echo(SIMULATED_NOTE)
        elif simulated:
            typer.echo(SIMULATED_NOTE, err=True)
        typer.echo(render(rows, fmt))
        # The footnote: courts whose numbers rest on listings not proven complete. Beside
        # a table it is part of the output; beside CSV/JSON it goes to stderr (data stays data).
        for line in notes:
            typer.echo(line, err=fmt is not OutputFormat.TABLE)

    @app.command()
    def case(
        court: str = typer.Argument(..., help="Court code, e.g. 27GV0008."),
        number: str = typer.Argument(..., help="Case number as printed, case id or UID."),
        fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format"),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """A case, its versions, and the WARC records it was read from."""
        from kartoteka.store.lookup import find_cases

        con = _open_read_only(data_dir)
        try:
            found = find_cases(con, court, number)
        finally:
            con.close()
        if not found:
            typer.echo(f"no case {number} of court {court} in the store", err=True)
            raise typer.Exit(1)
        if fmt is OutputFormat.JSON:
            typer.echo(json.dumps(_jsonable(found), ensure_ascii=False, indent=2))
            return
        for history in found:
            if history.case.get("simulated"):
                typer.echo(SIMULATED_NOTE)
            typer.echo(
                render(
                    [{"field": k, "value": v} for k, v in history.case.items()], OutputFormat(fmt)
                )
            )
            typer.echo("defendants:")
            typer.echo(render(history.defendants, OutputFormat(fmt)))
            typer.echo("versions:")
            typer.echo(render(history.versions, OutputFormat(fmt)))
            if history.other_instances:
                typer.echo("the same case at other instances (by UID):")
                typer.echo(render(history.other_instances, OutputFormat(fmt)))
            typer.echo("evidence (WARC records):")
            typer.echo(render([dataclasses.asdict(e) for e in history.evidence], OutputFormat(fmt)))

    @app.command()
    def export(
        fmt: str = typer.Option("csv", "--format", help="csv | parquet | xlsx | datapackage"),
        out: Path = typer.Option(Path("kartoteka-export"), help="Output directory."),
        names: bool = typer.Option(
            False,
            "--names",
            help="Export full names (only if the store was built with --keep-names).",
        ),
        data_dir: str | None = DATA_DIR_OPTION,
    ) -> None:
        """Export the dataset as open data (never full names unless opted in)."""
        from kartoteka.store.export import ExportFormat
        from kartoteka.store.export import export as run_export

        try:
            export_format = ExportFormat(fmt)
        except ValueError as exc:
            raise typer.BadParameter(f"--format {fmt}: csv, parquet, xlsx or datapackage") from exc
        con = _open_read_only(data_dir)
        try:
            result = run_export(con, out, export_format, names=names)
        finally:
            con.close()
        if result.simulated:
            typer.echo(SIMULATED_NOTE)
        for path in result.files:
            typer.echo(str(path))
        for note in result.window_notes:
            typer.echo(f"note: {note}", err=True)

    app.command("update")(update_command)


def update_command(**options: Any) -> None:
    """Harvest the courts (same options as `kartoteka harvest`), then ingest what was
    archived: the one command a newsroom runs on a schedule. The ingest runs even when some
    courts failed (what was archived is evidence); the exit code is the harvest's. Then the
    digest of the run is written into the data directory and notifications are sent
    (`kartoteka.watch`); neither ever fails the update."""
    from kartoteka.cli.harvest_cmd import harvest_command
    from kartoteka.store.ingest import ingest as run_ingest

    failure: typer.Exit | None = None
    try:
        harvest_command(**options)
    except typer.Exit as exc:
        if exc.exit_code == 2:  # nothing harvested: refused config or no courts
            raise
        failure = exc
    from kartoteka.cli import watch_cmd

    previous_end = watch_cmd.update_previous_end(options.get("data_dir"))
    summary = run_ingest(resolve_data_dir(options.get("data_dir")), archive=options.get("archive"))
    typer.echo(
        f"ingested {summary.records} new records; {summary.cases} cases in the store "
        f"({summary.removed} removed from court sites), {summary.parse_failures} unreadable pages"
    )
    watch_cmd.update_report(options.get("data_dir"), previous_end)  # digest + notifications
    if failure is not None:
        raise failure


def _take_harvest_options() -> None:
    """Typer reads a command's options from its signature and type hints: give `update`
    exactly `harvest`'s (resolved, since that module's annotations are strings)."""
    from kartoteka.cli.harvest_cmd import harvest_command

    hints = typing.get_type_hints(harvest_command)
    signature = inspect.signature(harvest_command)
    update_command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(annotation=hints[p.name]) for p in signature.parameters.values()],
        return_annotation=None,
    )
    update_command.__annotations__ = {**hints, "return": None}


_take_harvest_options()


def _open_read_only(data_dir: str | None) -> Any:
    """The store for reading, or a one-line error (no traceback) when there is none yet."""
    from kartoteka.errors import KartotekaError
    from kartoteka.store.db import connect

    try:
        return connect(resolve_data_dir(data_dir), read_only=True)
    except KartotekaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def _window_notes(con: Any, flt: Any) -> list[str]:
    """Footnote lines for the courts in the figures (the filter's court, district or region,
    else all) with incomplete or suspect-empty windows."""
    from kartoteka.store.windows import notes_text, window_notes

    courts = None
    if flt.court:
        courts = [flt.court.upper()]
    elif flt.district or flt.region:
        courts = [
            r[0]
            for r in con.execute(
                "SELECT code FROM courts WHERE ($d IS NULL OR district = $d) "
                "AND ($r IS NULL OR region = $r OR region_code = $r)",
                {"d": flt.district.upper() if flt.district else None, "r": flt.region},
            ).fetchall()
        ]
    notes = window_notes(con, flt.as_of, courts)
    if not notes:
        return []
    names = dict(con.execute("SELECT code, name FROM courts").fetchall())
    return [
        "Note: numbers of these courts rest on listings not proven complete "
        '(fewer rows than the site\'s counter, or "no data" without a control query):',
        *(f"  {line}" for line in notes_text(notes, names)),
    ]


def _simulated(con: Any) -> bool:
    row = con.execute("SELECT coalesce(bool_or(simulated), false) FROM cases").fetchone()
    return bool(row and row[0])

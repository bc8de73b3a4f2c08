"""Options and values several CLI stages share: the data directory option and dates.

One place, so that `--data-dir` reads and is explained the same in every command and a
malformed date is a usage error (exit 2, no traceback) everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

DATA_DIR_HELP = "Data directory (default: $KARTOTEKA_DATA_DIR, else the user data directory)."

# `data_dir: str | None = DATA_DIR_OPTION`, for commands declared with option defaults.
DATA_DIR_OPTION: Any = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)

# `data_dir: DataDirOption = None`, for commands declared with `Annotated` options.
DataDirOption = Annotated[str | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]


def parse_date(
    value: str | None, default: dt.date | None = None, *, option: str | None = None
) -> dt.date | None:
    """A date given as YYYY-MM-DD; `default` when the option was left out or empty. A value
    that is not such a date is a `typer.BadParameter` (naming `option` when given)."""
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: use YYYY-MM-DD", param_hint=option) from exc

"""How simulated data is marked, in one place for the sandbox that marks it and the harvester
and the store that carry the mark forward (DESIGN.md: everything the sandbox produces is
labelled simulated, everywhere it is shown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

# Every sandbox response carries this header ("1") and a <meta name="kartoteka-simulated">.
SIMULATED_HEADER = "X-Kartoteka-Simulated"
# The sandbox's clock (ISO date) when it served the page. The store reads a simulated page as
# seen at that date (at the real time of day of the fetch), so that "as of" counts, revisions
# and the reporting lag of simulated data run on the simulated calendar: two harvests a
# simulated month apart are a month apart in the store too.
CLOCK_HEADER = "X-Kartoteka-Sandbox-Clock"


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    if not headers:
        return None
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def seen_at(fetched_at: dt.datetime, headers: Mapping[str, str] | None) -> dt.datetime:
    """When a page counts as seen: its fetch time, moved to the sandbox's simulated date when
    the sandbox served it (the time of day is kept, so fetches stay in order)."""
    clock = header(headers, CLOCK_HEADER)
    if not clock:
        return fetched_at
    try:
        day = dt.date.fromisoformat(clock.strip())
    except ValueError:
        return fetched_at
    return dt.datetime.combine(day, fetched_at.timetz())

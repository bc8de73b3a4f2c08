"""Checking claims against the store: each claim's query run with the metrics of
`kartoteka.stats.metrics`, as of the publication date and as of today.

The verdict rules (docs/claims.md has the table):

- `eq` (a figure as written): consistent when the found figure rounds to it at the precision
  it was written with ("13 000" is a round thousand: 12 500–13 499; "5 024" is exact);
- `about` ("около", "почти", "about", "nearly"): within 10 % of the figure, or its rounding,
  whichever is wider;
- `gt`/`ge`/`lt`/`le` ("более", "over", "at least", "less than", "up to"): the inequality
  itself, no tolerance;
- a comparison between periods: this side against `factor` × the other side, by the same
  rules (`about` within 10 %);
- a rate ("100 a week"): the count over the period divided by its weeks (days, months);
  without a period, the 28 days (per day or week) or the calendar month (per month) before
  the as-of date.

Sentences (counts by punishment or regime, shares of suspended and other sentences, median
terms) are read from the published verdict texts: every such verdict carries the published
share it rests on ("checked against 31 % of verdicts whose text is published"); a share is a
share over the published texts; a count below the claim that the unpublished texts could
make up is `not_checkable`, a count above it (or one they cannot reach) `inconsistent`.

`not_checkable`, never a guess, when: the text names a court or region the registry does not have,
an article kartoteka does not monitor, or the archive had seen nothing of the period by the
as-of date (an unproven empty answer is not a zero).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlencode

import duckdb

from kartoteka.claims.model import SENTENCE_QUANTITIES, Claim, Reading, Side, Unmapped
from kartoteka.claims.reader import read_claims
from kartoteka.claims.sentence_figures import sentence_figure
from kartoteka.registry.articles import CHAPTER_33, REFUSAL_TO_FIGHT
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter, mobilisation_charges

Verdict = Literal["consistent", "inconsistent", "not_checkable"]
ABOUT = 0.10  # "about": within 10 % (or the figure's rounding, if wider)
SHARES = frozenset({"share_suspended", "share_sentences"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One claim with what the store says about it."""

    claim: Claim
    verdict: Verdict
    found: float | None  # the figure as of the publication date
    found_today: float | None  # the same query as of today
    reason: str  # why consistent / inconsistent / not checkable, in one line
    cases_url: str | None
    compare_found: float | None = None  # the other side of a comparison, as of publication
    compare_found_today: float | None = None
    coverage: str | None = None  # which courts the figure rests on, when not all of them
    published_share: float | None = None  # sentences: verdicts with a published text / all

    @property
    def revision(self) -> float | None:
        """How the figure was revised since publication (late cards, removals)."""
        if self.found is None or self.found_today is None:
            return None
        return _number(self.found_today - self.found)

    def to_json(self) -> dict[str, Any]:
        out = self.claim.to_json()
        if out["compare_to"] is not None:
            out["compare_to"] |= {
                "found": _number(self.compare_found),
                "found_today": _number(self.compare_found_today),
            }
        return out | {
            "found": _number(self.found),
            "found_today": _number(self.found_today),
            "revision": self.revision,
            "verdict": self.verdict,
            "reason": self.reason,
            "notes": [*self.claim.notes, *([self.coverage] if self.coverage else [])],
            "cases_url": self.cases_url,
            "published_share": (
                round(self.published_share, 4) if self.published_share is not None else None
            ),
        }


@dataclass(frozen=True, slots=True)
class CheckReport:
    as_of: dt.date
    as_of_source: str
    today: dt.date
    findings: tuple[Finding, ...]
    unmapped: tuple[Unmapped, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "as_of_source": self.as_of_source,
            "today": self.today.isoformat(),
            "claims": [f.to_json() for f in self.findings],
            "unmapped": [u.to_json() for u in self.unmapped],
        }


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


def registry_courts(con: duckdb.DuckDBPyConnection) -> list[Court]:
    """The court registry of the store, for matching the courts and regions a text names."""
    rows = con.execute(
        "SELECT code, name, level, host, region_code, region FROM courts ORDER BY position, code"
    ).fetchall()
    return [
        Court(code, name, CourtLevel(level), host, region_code, region)
        for code, name, level, host, region_code, region in rows
    ]


def check_text(
    con: duckdb.DuckDBPyConnection,
    text: str,
    published: dt.date | None = None,
    today: dt.date | None = None,
) -> CheckReport:
    """Read the claims of `text` (courts and regions matched against the store's registry)
    and check each as of the publication date and as of today."""
    today = today or dt.date.today()
    reading = read_claims(text, published, registry_courts(con), today=today)
    return check_reading(con, reading, today)


def check_reading(
    con: duckdb.DuckDBPyConnection, reading: Reading, today: dt.date | None = None
) -> CheckReport:
    today = today or dt.date.today()
    with m.shared_queries():
        findings = tuple(check_claim(con, c, reading.as_of, today) for c in reading.claims)
    return CheckReport(reading.as_of, reading.as_of_source, today, findings, reading.unmapped)


def check_claim(
    con: duckdb.DuckDBPyConnection, claim: Claim, as_of: dt.date, today: dt.date
) -> Finding:
    side = claim.side
    url = cases_url(side, as_of)
    reason = _not_checkable(con, side, as_of)
    if reason is None and claim.compare_to is not None:
        reason = _not_checkable(con, claim.compare_to.side, as_of)
    if reason is not None:
        return Finding(claim, "not_checkable", None, None, reason, url)
    if side.quantity in SENTENCE_QUANTITIES:
        return _check_sentences(con, claim, as_of, today, url)
    found = figure(con, side, as_of)
    found_today = figure(con, side, None if today >= dt.date.today() else today)
    coverage = coverage_note(con, side, as_of)
    if claim.compare_to is not None:
        other_side = claim.compare_to.side
        other = figure(con, other_side, as_of)
        other_today = figure(con, other_side, None if today >= dt.date.today() else today)
        target = claim.compare_to.factor * other
        holds = _holds(found, claim.comparator, target, precision=1.0)
        reason = (
            f"{_fmt(found)} against {_fmt(claim.compare_to.factor)} × {_fmt(other)} "
            f"({claim.comparator})"
        )
        return Finding(
            claim,
            "consistent" if holds else "inconsistent",
            found,
            found_today,
            reason,
            url,
            other,
            other_today,
            coverage,
        )
    assert claim.value is not None
    holds = _holds(found, claim.comparator, claim.value, claim.precision)
    low, high = tolerance(claim.comparator, claim.value, claim.precision)
    if claim.comparator == "eq" and side.per is None:  # whole counts: the integers it covers
        low, high = math.ceil(low or 0), math.ceil(high or 0) - 1
    reason = f"found {_fmt(found)}; the claim holds for {_range(low, high)}"
    return Finding(
        claim,
        "consistent" if holds else "inconsistent",
        found,
        found_today,
        reason,
        url,
        coverage=coverage,
    )


def _check_sentences(
    con: duckdb.DuckDBPyConnection, claim: Claim, as_of: dt.date, today: dt.date, url: str
) -> Finding:
    """A claim about sentences against the figure read from the published verdict texts."""
    side = claim.side
    if claim.compare_to is not None:
        return _compare_sentences(con, claim, as_of, today, url)
    assert claim.value is not None
    now = sentence_figure(con, side, stats_filter(side, as_of))
    later = sentence_figure(
        con, side, stats_filter(side, None if today >= dt.date.today() else today)
    )
    coverage = coverage_note(con, side, as_of)

    def finding(verdict: Verdict, reason: str) -> Finding:
        return Finding(
            claim,
            verdict,
            now.value,
            later.value,
            reason,
            url,
            coverage=coverage,
            published_share=now.published_share,
        )

    rests_on = now.rests_on()
    if now.verdicts == 0:
        reason = (
            f"the archive holds no verdict of this selection by {as_of.isoformat()}: an "
            "empty answer is not a zero"
        )
        return Finding(claim, "not_checkable", None, None, reason, url, coverage=coverage)
    if now.value is None:
        what = "real term of imprisonment" if side.quantity == "sentence_term" else "sentence"
        return finding(
            "not_checkable", f"no {what} was read from a published verdict text; {rests_on}"
        )
    low, high = tolerance(claim.comparator, claim.value, claim.precision)
    whole = side.quantity == "sentences"
    holds = _holds(now.value, claim.comparator, claim.value, claim.precision, whole)
    if side.quantity in SHARES:
        reason = (
            f"found {_pct(now.value)} of {now.sentences:,} sentences read; the claim holds for "
            f"{_pct_range(low, high)}; {rests_on}: a share over the published texts, not over "
            "all verdicts"
        )
        return finding("consistent" if holds else "inconsistent", reason)
    if side.quantity == "sentence_term":
        reason = (
            f"median real term found {_months(now.value)} over {now.sentences:,} terms read; "
            f"the claim holds for {_months_range(low, high)}; {rests_on}"
        )
        return finding("consistent" if holds else "inconsistent", reason)
    if claim.comparator == "eq":  # whole counts: the integers it covers
        low, high = math.ceil(low or 0), math.ceil(high or 0) - 1
    claimed = _range(low, high)
    upper = now.upper if now.upper is not None else now.value
    if holds and now.value == 0 and upper > 0:
        return finding(
            "not_checkable",
            f"none in the published texts, but the verdicts whose text is not published "
            f"could hold up to {_fmt(upper)}: an unproven zero; {rests_on}",
        )
    if holds:
        return finding(
            "consistent",
            f"found {_fmt(now.value)} in the published texts; the claim holds for {claimed}; "
            f"{rests_on}"
            + (
                f" (the others could hold up to {_fmt(upper - now.value)} more)"
                if upper > now.value
                else ""
            ),
        )
    reachable = (high is None or now.value <= high) and (low is None or upper >= low)
    if reachable and upper > now.value:
        return finding(
            "not_checkable",
            f"found {_fmt(now.value)} in the published texts, fewer than the claim's "
            f"{claimed}; the verdicts whose text is not published could hold up to "
            f"{_fmt(upper - now.value)} more; {rests_on}",
        )
    return finding(
        "inconsistent",
        f"found {_fmt(now.value)} in the published texts (at most {_fmt(upper)} with the "
        f"unpublished ones); the claim holds for {claimed}; {rests_on}",
    )


def _compare_sentences(
    con: duckdb.DuckDBPyConnection, claim: Claim, as_of: dt.date, today: dt.date, url: str
) -> Finding:
    """Two groups' shares of a punishment ("мобилизованные получают реальный срок чаще, чем
    контрактники"): this side's share against the other's, a plain inequality."""
    assert claim.compare_to is not None
    sides = (claim.side, claim.compare_to.side)
    if any(s.quantity not in SHARES for s in sides):
        return Finding(claim, "not_checkable", None, None, "a comparison of sentences", url)
    later_day = None if today >= dt.date.today() else today
    this, other = (sentence_figure(con, s, stats_filter(s, as_of)) for s in sides)
    this_later, other_later = (sentence_figure(con, s, stats_filter(s, later_day)) for s in sides)
    rests_on = this.rests_on()
    if this.value is None or other.value is None:
        verdict: Verdict = "not_checkable"
        reason = f"no sentence of one of the two groups was read from a published text; {rests_on}"
    else:
        holds = _holds(this.value, claim.comparator, other.value, 0.0, whole=False)
        verdict = "consistent" if holds else "inconsistent"
        reason = (
            f"{_pct(this.value)} of {this.sentences:,} sentences ({claim.side.service}) against "
            f"{_pct(other.value)} of {other.sentences:,} ({claim.compare_to.side.service}); "
            f"{rests_on}: shares over the published texts, not over all verdicts"
        )
    return Finding(
        claim,
        verdict,
        this.value,
        this_later.value,
        reason,
        url,
        other.value,
        other_later.value,
        coverage_note(con, claim.side, as_of),
        this.published_share,
    )


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def _pct_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_pct(max(low, 0))}–{_pct(min(high, 1))}"
    if low is not None:
        return f"> {_pct(low)}" if low else "any share"
    return f"< {_pct(high or 0)}"


def _months(value: float) -> str:
    years, months = divmod(value, 12)
    text = f"{_fmt(value)} months"
    if years:
        text += f" ({int(years)} y {_fmt(months)} m)"
    return text


def _months_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{_fmt(low)}–{_fmt(high)} months"
    if low is not None:
        return f"≥ {_fmt(low)} months"
    return f"≤ {_fmt(high or 0)} months"


def _fmt(value: float) -> str:
    n = _number(value)
    return f"{n:,}" if isinstance(n, int) else f"{n:,.2f}"


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return _fmt(low) if low == high else f"{_fmt(low)}–{_fmt(high)}"
    if low is not None:
        return f"≥ {_fmt(low)}"
    return f"≤ {_fmt(high or 0)}"


def tolerance(comparator: str, value: float, precision: float) -> tuple[float | None, float | None]:
    """The range of found figures a claim is consistent with (bounds inclusive; `gt`/`lt`
    strict, shown as the nearest whole numbers for counts)."""
    half = precision / 2
    if comparator == "eq":
        return value - half, value + half
    if comparator == "about":
        spread = max(ABOUT * value, half)
        return value - spread, value + spread
    if comparator == "gt":
        return (value + (1 if float(value).is_integer() and value >= 1 else 0.0001)), None
    if comparator == "ge":
        return value, None
    if comparator == "lt":
        return None, value - (1 if float(value).is_integer() and value >= 1 else 0.0001)
    return None, value


def _holds(
    found: float, comparator: str, value: float, precision: float, whole: bool = True
) -> bool:
    """Whether `found` bears the claim out; `whole`: a count (rounding at least to the unit),
    else a share or a term (its written precision as it is)."""
    if comparator == "gt":
        return found > value
    if comparator == "ge":
        return found >= value
    if comparator == "lt":
        return found < value
    if comparator == "le":
        return found <= value
    if comparator == "eq":  # rounds to the figure at its written precision
        half = (max(precision, 1.0) if whole else precision) / 2
        return value - half <= found < value + half
    low, high = tolerance(comparator, value, precision)
    return (low is None or found >= low) and (high is None or found <= high)


# -- the query behind a side ------------------------------------------------------------------
MONITORED = CHAPTER_33


FIRST_INSTANCE_LEVELS = ("garrison", "district", "fleet")


def harvested_courts(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> set[str]:
    """The courts whose case listings the archive had read by the end of `as_of`."""
    rows = con.execute(
        "SELECT DISTINCT court_code FROM listing_pages WHERE CAST(fetched_at AS DATE) <= ?",
        [as_of],
    ).fetchall()
    return {code for (code,) in rows}


def coverage_note(con: duckdb.DuckDBPyConnection, side: Side, as_of: dt.date) -> str | None:
    """For a figure about all courts (or a region), how many of the registry's first-instance
    courts the archive had read by the as-of date, when it is not all of them: the figure is
    their sum, and a national claim can only be as complete as that."""
    if side.court:
        return None
    sql = "SELECT code FROM courts WHERE level IN ('garrison', 'district', 'fleet')"
    params: list[object] = []
    if side.region:
        sql += " AND (region = ? OR region_code = ?)"
        params = [side.region, side.region]
    registry = {code for (code,) in con.execute(sql, params).fetchall()}
    read = harvested_courts(con, as_of) & registry
    if not registry or read >= registry:
        return None
    where = f" in {side.region}" if side.region else ""
    return (
        f"the archive had read {len(read)} of the {len(registry)} first-instance courts{where} "
        f"in the registry by {as_of.isoformat()}: the figure is their sum"
    )


def _not_checkable(con: duckdb.DuckDBPyConnection, side: Side, as_of: dt.date) -> str | None:
    if side.statistic == "mean":
        return (
            "an average (mean) term: the sentence metrics give the median and quartiles of "
            "real terms, not the mean"
        )
    if side.unresolved:
        return side.unresolved
    if side.articles:
        outside = [a for a in side.articles if a not in MONITORED]
        if outside:
            return f"article {', '.join(outside)} is not one kartoteka monitors (Chapter 33)"
    seen = con.execute(
        "SELECT min(CAST(fetched_at AS DATE)) FROM fetch_log WHERE CAST(fetched_at AS DATE) <= ?",
        [as_of],
    ).fetchone()
    if not seen or seen[0] is None:
        return f"the archive had seen nothing by {as_of.isoformat()}"
    read = harvested_courts(con, as_of)
    if side.court and side.court not in read and side.quantity != "appeals":
        return f"the archive had read no case listing of court {side.court} by {as_of.isoformat()}"
    if side.region:
        in_region = {
            code
            for (code,) in con.execute(
                "SELECT code FROM courts WHERE region = ? OR region_code = ?",
                [side.region, side.region],
            ).fetchall()
        }
        if not in_region & read:
            return f"the archive had read no court of {side.region} by {as_of.isoformat()}"
    covered = con.execute(
        "SELECT min(entry_from), max(entry_to) FROM listing_pages "
        "WHERE CAST(fetched_at AS DATE) <= ?",
        [as_of],
    ).fetchone()
    if covered and covered[0] is not None and side.quantity in ("cases", "defendants"):
        first = covered[0]
        start = side.from_
        if start is not None and start < first:
            return (
                f"the archive covers cases received from {first.isoformat()} only; the claim "
                f"starts {start.isoformat()}"
            )
        if start is None and side.to is not None and side.to < first:
            return f"the archive covers cases received from {first.isoformat()} only"
    return None


def stats_filter(side: Side, as_of: dt.date | None) -> Filter:
    """The metrics Filter for one side of a claim."""
    article: str | None = None
    part: str | None = None
    charges: tuple[str, ...] | None = None
    arts = frozenset(side.articles) if side.articles else None
    if side.parts and len(side.parts) == 1 and arts and len(arts) == 1:
        article, part = m.split_charge_key(side.parts[0])
    elif side.parts:  # several parts, or parts of one article and all of another
        rest = tuple(a for a in (arts or ()) if not any(p.startswith(a + ".") for p in side.parts))
        charges = tuple(sorted({*side.parts, *rest}))
    elif side.mobilisation_parts:
        charges = mobilisation_charges(arts)
    elif arts:
        article = "refusal" if arts == REFUSAL_TO_FIGHT else ",".join(sorted(arts))
    return Filter(
        article=article,
        part=part,
        charges=charges,
        court=side.court,
        region=side.region,
        since=side.from_,
        until=side.to,
        as_of=as_of,
    )


def figure(con: duckdb.DuckDBPyConnection, side: Side, as_of: dt.date | None) -> float:
    """The store's figure for one side of a claim, as of a day (None: now)."""
    if side.per is not None:
        return _rate(con, side, as_of)
    flt = stats_filter(side, as_of)
    return float(_count(con, side.quantity, flt))


def _count(con: duckdb.DuckDBPyConnection, quantity: str, flt: Filter) -> int:
    if quantity == "cases":
        return m.cumulative_cases(con, flt, since=None).cases
    if quantity == "defendants":
        return m.defendants_total(con, flt)
    if quantity == "verdicts":
        return sum(x.cases for x in m.verdicts_by_month(con, flt))
    if quantity == "convicted":
        return sum(x.defendants for x in m.verdicts_by_month(con, flt))
    if quantity == "appeals" and flt.court and flt.court[2:4] == "GV":
        # appeals against a garrison court's verdicts are heard above it: follow the UID
        return sum(a.cases for a in m.appeals_against(con, flt, flt.court))
    if quantity == "appeals":
        return sum(a.cases for a in m.appeals(con, flt))
    raise ValueError(f"no metric for {quantity!r}")


def rate_window(side: Side, as_of: dt.date) -> tuple[dt.date, dt.date, float]:
    """The period a rate is measured over and its number of days/weeks/months."""
    if side.from_ is not None:
        start = side.from_
        end = min(side.to or as_of, as_of)
    elif side.per == "month":
        end = as_of.replace(day=1) - dt.timedelta(days=1)
        start = end.replace(day=1)
    else:
        end = side.to or as_of
        start = end - dt.timedelta(days=27)
    days = (end - start).days + 1
    units = {"day": days, "week": days / 7, "month": days / (365.25 / 12)}[side.per or "day"]
    if side.per == "month" and start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
        units = (end.year - start.year) * 12 + end.month - start.month + 1
    return start, end, float(max(units, 1e-9))


def _rate(con: duckdb.DuckDBPyConnection, side: Side, as_of: dt.date | None) -> float:
    start, end, units = rate_window(side, as_of or dt.date.today())
    flt = stats_filter(replace(side, from_=start, to=end, per=None), as_of)
    return _count(con, side.quantity, flt) / units


# -- the cases behind it -------------------------------------------------------------------------
def cases_url(side: Side, as_of: dt.date) -> str:
    """The dashboard's /cases page with the claim's filters (the page filters by receipt
    date, so for verdicts the period is left out and the link lists the cases of the claim's
    articles and courts)."""
    flt = stats_filter(side, as_of)
    params: dict[str, str] = {}
    if flt.article:
        params["article"] = flt.article
    if flt.part:
        params["part"] = flt.part
    if flt.charges:
        params["charges"] = ",".join(flt.charges)
    if flt.court:
        params["court"] = flt.court
    if flt.region:
        params["region"] = flt.region
    if side.quantity in ("cases", "defendants"):
        since, until = flt.since, flt.until
        if side.per is not None:
            since, until, _ = rate_window(side, as_of)
        if since:
            params["since"] = since.isoformat()
        if until:
            params["until"] = min(until, as_of).isoformat() if until > as_of else until.isoformat()
    params["as_of"] = as_of.isoformat()
    return "/cases?" + urlencode(params)


def findings_spans(findings: Iterable[Finding]) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, title) of each finding, for `annotate`."""
    return [
        (f.claim.span[0], f.claim.span[1], f"claim {f.verdict}", f"{f.verdict}: {f.reason}")
        for f in findings
    ]

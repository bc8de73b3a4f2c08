"""A digest as JSON (the contract of issue 10), Markdown and a self-contained HTML page, and
the one-line and one-paragraph texts of a change that feeds and notifications share.

Only what the change rows hold is shown: court, case number, dates, charges, outcome. No
names, ever. Simulated data says so at the top of every form.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from kartoteka.stats.metrics import split_charge_key
from kartoteka.watch.digest import Digest, Entry, WatchDigest

SIMULATED_NOTE = "SIMULATED DATA: these changes come from the kartoteka sandbox, not real courts."
KIND_TITLES = {
    "new_case": "New cases",
    "new_outcome": "New outcomes",
    "removed": "Removed from the court sites",
    "returned": "Back on the court sites",
    "revised_month": "Revised monthly counts",
}
OUTCOME_WORDS = {
    "verdict": "verdict",
    "terminated": "terminated",
    "returned": "returned to the prosecutor",
    "transferred": "transferred to another court",
    "suspended": "suspended (return to the front)",
    "resumed": "proceedings resumed",
    "pending": "pending",
    "other": "other decision",
}


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def charge_text(key: str) -> str:
    """ "337.3.1" → "ст. 337 ч. 3.1" (the statistics' own reading of a charge key)."""
    article, part = split_charge_key(key)
    return f"ст. {article} ч. {part}" if part else f"ст. {article}"


def _charges(entry: Entry) -> str:
    return ", ".join(charge_text(c) for c in entry.charges) or "charges not published"


def entry_title(entry: Entry) -> str:
    """One line saying what changed (feed entry title, notification line)."""
    case = f"{entry.court_code} {entry.case_number or entry.case_id}"
    if entry.kind == "new_case":
        return f"New case {case} ({_charges(entry)}), received {_iso(entry.entry_date)}"
    if entry.kind == "new_outcome":
        word = OUTCOME_WORDS.get(entry.outcome or "", entry.outcome or "")
        return f"{case}: {word} ({_iso(entry.date)})"
    if entry.kind == "removed":
        return f"{case} removed from the court site ({_iso(entry.date)})"
    if entry.kind == "returned":
        return f"{case} is back on the court site"
    return f"Cases received in {entry.month} revised: {entry.before} → {entry.after}"


def entry_text(entry: Entry) -> str:
    """A short paragraph with the entry's facts (feed entry summary)."""
    parts = [entry_title(entry) + "."]
    if entry.case_key:
        if entry.court_name:
            parts.append(f"Court: {entry.court_name} ({entry.court_code}).")
        parts.append(f"Received {_iso(entry.entry_date) or 'date unknown'}; {_charges(entry)}.")
        if entry.outcome and entry.kind != "new_outcome":
            parts.append(f"Outcome: {OUTCOME_WORDS.get(entry.outcome, entry.outcome)}.")
        if entry.previous_outcome:
            parts.append(
                f"Before: {OUTCOME_WORDS.get(entry.previous_outcome, entry.previous_outcome)}."
            )
    if entry.simulated:
        parts.append("SIMULATED DATA (kartoteka sandbox).")
    return " ".join(parts)


# -- JSON -------------------------------------------------------------------------------------
def _case_json(e: Entry) -> dict[str, Any]:
    return {
        "change_id": e.change_id,
        "case_key": e.case_key,
        "court_code": e.court_code,
        "case_id": e.case_id,
        "case_number": e.case_number,
        "entry_date": _iso(e.entry_date),
        "charges": list(e.charges),
        "url": e.url,
    }


def _outcome_json(e: Entry) -> dict[str, Any]:
    return {
        "change_id": e.change_id,
        "case_key": e.case_key,
        "outcome": e.outcome,
        "date": _iso(e.date),
        "previous_outcome": e.previous_outcome,
        "court_code": e.court_code,
        "case_number": e.case_number,
        "url": e.url,
    }


def _gone_json(e: Entry) -> dict[str, Any]:
    return {**_case_json(e), "date": _iso(e.date)}


def revised_months(wd: WatchDigest) -> list[dict[str, Any]]:
    """A watch's revised months over the digest's runs: the count before the first run that
    revised it and after the last one."""
    out: dict[str, dict[str, Any]] = {}
    for e in wd.of_kind("revised_month"):
        assert e.month is not None
        if e.month in out:
            out[e.month]["after"] = e.after
        else:
            out[e.month] = {"month": e.month, "before": e.before, "after": e.after}
    return [out[m] for m in sorted(out)]


def watch_json(wd: WatchDigest) -> dict[str, Any]:
    return {
        "name": wd.watch.name,
        "filters": wd.watch.filters.as_dict(),
        "new_cases": [_case_json(e) for e in wd.of_kind("new_case")],
        "new_outcomes": [_outcome_json(e) for e in wd.of_kind("new_outcome")],
        "removed": [_gone_json(e) for e in wd.of_kind("removed")],
        "returned": [_gone_json(e) for e in wd.of_kind("returned")],
        "revised_months": revised_months(wd),
    }


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "since": _iso(digest.since),
        "until": _iso(digest.until),
        "simulated": digest.simulated,
        "runs": [s.run_key for s in digest.spans],
        "watches": [watch_json(w) for w in digest.watches],
    }


def to_json(digest: Digest) -> str:
    return json.dumps(digest_json(digest), ensure_ascii=False, indent=2)


# -- Markdown -----------------------------------------------------------------------------------
def _span_text(digest: Digest) -> str:
    since = _iso(digest.since) or "the first harvest"
    until = _iso(digest.until) or "now (no harvest run in this span)"
    return f"Changes seen after {since} up to {until} ({len(digest.spans)} harvest run(s))."


def summary_lines(digest: Digest) -> list[str]:
    """One line per watch with its counts (what `update` prints)."""
    lines = []
    for wd in digest.watches:
        counts = ", ".join(f"{len(wd.of_kind(k))} {KIND_TITLES[k].lower()}" for k in KIND_TITLES)
        lines.append(f"{wd.watch.name}: {counts}")
    return lines


def to_markdown(digest: Digest, base_url: str = "") -> str:
    out = ["# kartoteka digest", ""]
    if digest.simulated:
        out += [f"**{SIMULATED_NOTE}**", ""]
    out += [_span_text(digest), ""]
    for wd in digest.watches:
        filters = ", ".join(f"{k}={v}" for k, v in wd.watch.filters.as_dict().items())
        out += [f"## {wd.watch.name}" + (f" ({filters})" if filters else " (all cases)"), ""]
        if not wd.entries:
            out += ["No changes.", ""]
            continue
        for kind, title in KIND_TITLES.items():
            entries = wd.of_kind(kind)
            if kind == "revised_month":
                months = revised_months(wd)
                if months:
                    out += [f"### {title}", ""]
                    out += [f"- {m['month']}: {m['before']} → {m['after']}" for m in months]
                    out.append("")
                continue
            if not entries:
                continue
            out += [f"### {title} ({len(entries)})", ""]
            for e in entries:
                out.append(f"- [{entry_title(e)}]({base_url}{e.url})")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML ---------------------------------------------------------------------------------------
_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
.simulated{background:#fff3cd;border:1px solid #d39e00;padding:.5rem 1rem;font-weight:bold}
table{border-collapse:collapse;width:100%;margin-bottom:1rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}"""


def to_html(digest: Digest, base_url: str = "") -> str:
    """A self-contained page (no scripts, no external assets)."""
    esc = html.escape
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>kartoteka digest</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>kartoteka digest</h1>",
    ]
    if digest.simulated:
        out.append(f'<p class="simulated" data-simulated="true">{esc(SIMULATED_NOTE)}</p>')
    out.append(f"<p>{esc(_span_text(digest))}</p>")
    for wd in digest.watches:
        filters = ", ".join(f"{k}={v}" for k, v in wd.watch.filters.as_dict().items())
        out.append(
            f'<section class="watch" data-watch="{esc(wd.watch.name)}">'
            f"<h2>{esc(wd.watch.name)} <small>{esc(filters or 'all cases')}</small></h2>"
        )
        if not wd.entries:
            out.append("<p>No changes.</p></section>")
            continue
        for kind, title in KIND_TITLES.items():
            if kind == "revised_month":
                months = revised_months(wd)
                if months:
                    out.append(f"<h3>{esc(title)}</h3><table><tr><th>month</th>")
                    out.append("<th>before</th><th>after</th></tr>")
                    out += [
                        f"<tr><td>{m['month']}</td><td>{m['before']}</td><td>{m['after']}</td></tr>"
                        for m in months
                    ]
                    out.append("</table>")
                continue
            entries = wd.of_kind(kind)
            if not entries:
                continue
            out.append(
                f'<h3>{esc(title)} ({len(entries)})</h3><table class="{kind}">'
                "<tr><th>court</th><th>case</th><th>received</th><th>charges</th>"
                "<th>outcome</th><th>date</th></tr>"
            )
            for e in entries:
                outcome = OUTCOME_WORDS.get(e.outcome or "", e.outcome or "")
                out.append(
                    f'<tr data-change-id="{e.change_id}">'
                    f"<td>{esc(e.court_name or '')} ({esc(e.court_code or '')})</td>"
                    f'<td><a href="{esc(base_url + (e.url or ""))}">'
                    f"{esc(e.case_number or e.case_id or '')}</a></td>"
                    f"<td>{_iso(e.entry_date) or ''}</td><td>{esc(_charges(e))}</td>"
                    f"<td>{esc(outcome)}</td><td>{_iso(e.date) or ''}</td></tr>"
                )
            out.append("</table>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"

"""Harvest efficiency against the sandbox (issue 4). A benchmark, not a test.

1. Full harvest of every sandbox court for the last `--months` months with the intervals
   scaled down (20 ms per host, 5 ms global by default) and the realistic faults on.
   The lower bound of its wall time is set by the intervals alone:
       bound = max(requests × global interval, max over courts of requests × per-host interval)
   efficiency = bound / actual wall time (target ≥ 0.9).
2. One simulated week later (the sandbox clock moved on), an incremental run: requests per
   new or changed case (target ≤ 1.5).

The sandbox runs in this process and the harvester in a child process (as a user runs it),
so the two do not share one interpreter lock. The last printed line is `efficiency N`.

    .venv/bin/python bench/harvest.py [--months 6] [--faults realistic] [--seed 1] [--network field]

With `--network field` (stale registry, migrations, captcha pairs, redirects, shifting rows)
it also prints the share of extra requests spent on verification (issue 9).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sandbox.server import run_sandbox

PROJECT = Path(__file__).resolve().parents[1]

CHILD = """
import asyncio, datetime as dt, json, pathlib, sys
from kartoteka.harvest.harvester import Harvester
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.paths import DataDir
from kartoteka.registry.courts import read_courts
url, registry, data, since, until, per_host, glob = sys.argv[1:8]
harvester = Harvester(
    DataDir(pathlib.Path(data)), read_courts(registry),
    for_sandbox(per_host_interval=float(per_host), global_interval=float(glob)),
    PlanOptions(since=dt.date.fromisoformat(since), until=dt.date.fromisoformat(until)),
    sandbox_url=url)
report = asyncio.run(harvester.run())
print(json.dumps({
    "elapsed": report.elapsed, "requests": report.requests,
    "new": report.new_cases, "changed": report.changed_cases,
    "extra": report.extra_requests,
    "courts": [{"code": c.code, "status": c.status.value, "requests": c.requests,
                "imposed_wait": c.imposed_wait, "elapsed": c.elapsed} for c in report.courts],
}))
"""


def harvest(
    url: str,
    registry: Path,
    data: Path,
    since: dt.date,
    until: dt.date,
    per_host: float,
    glob: float,
) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            url,
            str(registry),
            str(data),
            since.isoformat(),
            until.isoformat(),
            str(per_host),
            str(glob),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bound(report: dict, per_host: float, glob: float) -> float:
    per_court = max((c["requests"] * per_host for c in report["courts"]), default=0.0)
    return max(report["requests"] * glob, per_court)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--now", default="2024-06-30")
    parser.add_argument("--faults", default="realistic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-host", type=float, default=0.020)
    parser.add_argument("--global", dest="glob", type=float, default=0.005)
    parser.add_argument("--network", default="stable", choices=["stable", "field"])
    args = parser.parse_args()
    now = dt.date.fromisoformat(args.now)
    index = now.year * 12 + now.month - 1 - (args.months - 1)
    since = dt.date(index // 12, index % 12 + 1, 1)
    work = Path(tempfile.mkdtemp(prefix="kartoteka-bench-"))
    config = SandboxConfig(seed=args.seed, faults=args.faults, now=now, network=args.network)
    with run_sandbox(config) as sb:
        registry = work / "courts.csv"
        with open(registry, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["code", "name", "level", "host", "search_dialect"])
            if args.network == "field":  # the stale registry: migrated courts the old way
                for r in sb.registry():
                    dialect = r.dialect.value if r.dialect else ""
                    out.writerow([r.code, r.name, r.level.value, r.host, dialect])
            else:
                for c in sb.courts:
                    out.writerow([c.code, c.court.name, c.court.level.value, c.host, ""])
        _ = sb.truth  # build the caseload before the clock starts
        print(
            f"sandbox: {len(sb.courts)} courts, faults={args.faults}, "
            f"window {since}..{now}, intervals {args.per_host * 1000:g} ms per host, "
            f"{args.glob * 1000:g} ms global"
        )

        first = harvest(sb.url, registry, work / "data", since, now, args.per_host, args.glob)
        b = bound(first, args.per_host, args.glob)
        imposed = max((c["imposed_wait"] for c in first["courts"]), default=0.0)
        statuses: dict[str, int] = {}
        for c in first["courts"]:
            statuses[c["status"]] = statuses.get(c["status"], 0) + 1
        efficiency = b / first["elapsed"]
        print(
            f"full harvest: {first['requests']} requests, {first['new']} cases, "
            f"wall {first['elapsed']:.2f} s, bound {b:.2f} s "
            f"(longest site-imposed wait of one court: {imposed:.2f} s), courts {statuses}"
        )

        week = now + dt.timedelta(days=7)
        sb.set_now(week)
        second = harvest(sb.url, registry, work / "data", since, week, args.per_host, args.glob)
        moved = second["new"] + second["changed"]
        per_case = second["requests"] / moved if moved else float("inf")
        print(
            f"incremental one week later: {second['requests']} requests, "
            f"{second['new']} new + {second['changed']} changed cases, "
            f"wall {second['elapsed']:.2f} s"
        )
        print(f"requests per new or changed case {per_case:.2f}")
        for label, run in (("full", first), ("incremental", second)):
            share = run["extra"] / run["requests"] if run["requests"] else 0.0
            print(
                f"verification ({label}): {run['extra']} extra requests of "
                f"{run['requests']} ({share:.2%})"
            )
    print(f"efficiency {efficiency:.3f}")


if __name__ == "__main__":
    main()

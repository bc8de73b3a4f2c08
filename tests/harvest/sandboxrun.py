"""Helpers for the end-to-end tests: the sandbox in this process, the harvester in another
(`kartoteka harvest` as a user runs it), so that the two do not share one interpreter lock and
the sandbox's request log shows the intervals as they are on the wire."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from kartoteka.registry.courts import CSV_COLUMNS
from kartoteka.sandbox.server import SandboxHandle

PROJECT = Path(__file__).resolve().parents[2]


def write_registry(
    sb: SandboxHandle,
    path: Path,
    codes: list[str] | None = None,
    with_dialect: bool = False,
    stale: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """The sandbox's courts as a registry CSV (the military_courts.csv format). Courts in
    `stale` get the other dialect than their site speaks (a registry snapshot from before
    their site was upgraded)."""
    rows = [c for c in sb.courts if codes is None or c.code in codes]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for c in rows:
            out.writerow(
                [
                    c.code,
                    c.court.name,
                    c.court.level.value,
                    c.host,
                    "",
                    "",
                    _dialect_hint(c.dialect.value, c.code in stale) if with_dialect else "",
                    "",
                ]
            )
    return [c.code for c in rows]


def write_court_list(courts: list, path: Path) -> list[str]:
    """Registry records (e.g. the sandbox's stale registry) as a registry CSV."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "name", "level", "host", "region_code", "search_dialect"])
        for c in courts:
            dialect = c.dialect.value if c.dialect else ""
            out.writerow([c.code, c.name, c.level.value, c.host, c.region_code or "", dialect])
    return [c.code for c in courts]


def _dialect_hint(actual: str, stale: bool) -> str:
    if not stale:
        return actual
    return "classic" if actual == "vnkod" else "vnkod"


def harvest_argv(
    sb_url: str, registry: Path, data_dir: Path, since: str, until: str, *extra: str
) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from kartoteka.cli import main; main()",
        "harvest",
        "--courts-file",
        str(registry),
        "--sandbox",
        sb_url,
        "--data-dir",
        str(data_dir),
        "--since",
        since,
        "--until",
        until,
        "--no-progress",
        "--no-prompt-captcha",
        *extra,
    ]


def start(argv: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PROJECT
    )


def run(argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    proc = start(argv)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)

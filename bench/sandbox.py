"""Benchmark: pages the sandbox serves per second on one core (target ≥ 500/s).

The server runs in this process (one thread: the GIL keeps it on one core); the load comes
from a separate client process over keep-alive connections, with a harvest-like mix of
listing pages (random courts, month windows, articles, page numbers) and case cards. The
baseline, measured in the same run the same way, is the trivial robots.txt answer: the ratio
says how much of the budget page rendering takes. Also printed: server start time and the
time for the first (cold, generating) page of every court.

    .venv/bin/python bench/sandbox.py [--seconds 5] [--connections 8] [--courts CSV]

The last line is `pages_per_s N`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import random
import time
from pathlib import Path
from urllib.parse import urlsplit

from kartoteka.sandbox import SandboxConfig, run_sandbox
from kartoteka.sudrf.urls import card_url, listing_url

NOW = dt.date(2025, 6, 1)


def _targets(sb, n: int, seed: int = 1) -> list[str]:
    """Request targets (`/<host>/modules.php?…`): ~30 % listings, ~70 % cards."""
    rng = random.Random(seed)
    courts = [c for c in sb.courts if not c.always_down]
    out = []
    while len(out) < n:
        court = rng.choice(courts)
        if rng.random() < 0.3:
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1600))
            url = listing_url(
                court.host,
                court.dialect,
                start,
                start + dt.timedelta(days=30),
                article=rng.choice([None, "ст.337", "ст.338"]),
                page=rng.choice([1, 1, 1, 2]),
            )
        else:
            cases = sb.site.caseload.court(court.code).cases
            if not cases:
                continue
            case = rng.choice(cases)
            url = card_url(
                court.host, court.dialect, case.case_id, case.guid, instance=case.instance
            )
        split = urlsplit(url)
        out.append(f"/{split.hostname}{split.path}?{split.query}")
    return out


async def _client(port: int, targets: list[str], seconds: float, connections: int) -> int:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        while time.perf_counter() < deadline:
            target = targets[i % len(targets)]
            i += connections
            writer.write(
                f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n".encode(
                    "ascii"
                )
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])
            await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    return done


def _client_process(
    port: int, targets: list[str], seconds: float, connections: int, queue: mp.Queue
) -> None:
    queue.put(asyncio.run(_client(port, targets, seconds, connections)))


def _measure(port: int, targets: list[str], seconds: float, connections: int) -> float:
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_client_process, args=(port, targets, seconds, connections, queue))
    started = time.perf_counter()
    proc.start()
    count = queue.get()
    proc.join()
    elapsed = time.perf_counter() - started
    return count / min(elapsed, seconds + 0.5) if count else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    default = Path(__file__).resolve().parents[1].parent / "shared/data/military_courts.csv"
    parser.add_argument("--courts", type=Path, default=default if default.exists() else None)
    args = parser.parse_args()

    config = SandboxConfig(seed=1, faults="none", now=NOW, courts_path=args.courts)
    t0 = time.perf_counter()
    with run_sandbox(config) as sb:
        start_s = time.perf_counter() - t0
        print(
            f"courts {len(sb.courts)} ({'registry' if args.courts else 'fictional'}), "
            f"server start {start_s:.3f} s"
        )
        t1 = time.perf_counter()
        for court in sb.courts:
            sb.site.page(
                court,
                "/modules.php",
                "",
                {"name": "sud_delo", "name_op": "r", "delo_id": "1540006"},
            )
        print(
            f"first page of every court (cold caseload generation): "
            f"{time.perf_counter() - t1:.2f} s, "
            f"{sum(len(sb.site.caseload.court(c.code).cases) for c in sb.courts)} cases"
        )
        targets = _targets(sb, 4000)
        robots = [f"/{c.host}/robots.txt" for c in sb.courts]
        base = _measure(sb.port, robots, args.seconds / 2, args.connections)
        print(f"baseline robots.txt: {base:.0f} responses/s")
        pages = _measure(sb.port, targets, args.seconds, args.connections)
        print(
            f"pages (30 % listings, 70 % cards): {pages:.0f} pages/s "
            f"(ratio to baseline {pages / base:.2f}; target >= 500/s: "
            f"{'met' if pages >= 500 else 'NOT met'})"
        )
        print(f"pages_per_s {pages:.0f}")


if __name__ == "__main__":
    main()

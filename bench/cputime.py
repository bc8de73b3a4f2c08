"""What the throughput benchmarks share: items per second of this process's CPU time, so that
other processes on a shared machine slow neither side of a comparison (each side is
single-threaded)."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_cpu_second(read: Callable[[bytes], object], items: list[bytes], seconds: float) -> float:
    """Read `items` over and over for at least `seconds` of CPU time; items per CPU second."""
    done = 0
    start = time.process_time()
    while True:
        for data in items:
            read(data)
        done += len(items)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return done / elapsed

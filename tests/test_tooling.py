"""The tooling the README promises runs clean: ruff on the whole tree, mypy on src/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PROJECT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing():
    done = _run("ruff", "check", "src", "tests", "bench")
    assert done.returncode == 0, done.stdout[-3000:]


def test_mypy_finds_nothing_in_src():
    done = _run("mypy", "src")
    assert done.returncode == 0, done.stdout[-3000:]

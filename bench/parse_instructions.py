"""Parse cost in instructions, the load-independent companion of `bench/parse.py`: the same
8 real card/listing pages, the same two readers (kartoteka's `read_page` and the
BeautifulSoup baseline), each counted by callgrind (valgrind) in a child process. A
machine shared with other work moves CPU-time figures by a quarter between runs; the count
of instructions does not move (decision 22). Instructions are not time (C code runs more of
them per cycle than the interpreter), so `bench/parse.py` stays the figure of record.

    .venv/bin/python bench/parse_instructions.py [--passes 3]

Per reader: instructions of N passes over the pages minus those of a run that only starts
up and loads the pages, divided by N × pages. Only the main thread's instructions count
(`--separate-threads=yes`), with a fixed hash seed: pyarrow, which the UTF-8 check loads,
starts threads of its own that wake on their own, and they and a random hash seed had moved
whole-process counts by ±0.3 M per page between runs of the same code. Needs `valgrind`
on PATH; takes a few minutes (the baseline is ~500 M instructions per page, and callgrind
runs ~50× slower than the CPU).
The last line is `ratio N` (baseline instructions per page over kartoteka's).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kartoteka.sudrf import PageKind, read_page
from parse import FIXTURES, baseline_read, kartoteka_read

READERS = {"kartoteka": kartoteka_read, "baseline": baseline_read}
_SUMMARY = re.compile(r"^summary:\s*(\d+)", re.MULTILINE)


def _pages() -> list[bytes]:
    """The pages `bench/parse.py` reads: the real card and listing fixtures."""
    pages = [path.read_bytes() for path in sorted(FIXTURES.glob("*.html"))]
    return [data for data in pages if read_page(data).kind in (PageKind.CARD, PageKind.LISTING)]


def _child(reader: str, passes: int) -> None:
    read = READERS[reader]
    pages = _pages()
    for _ in range(passes):
        for data in pages:
            read(data)


def _instructions(reader: str, passes: int) -> int:
    """The instructions of the child's main thread (callgrind's first thread file)."""
    with tempfile.TemporaryDirectory(prefix="kartoteka-callgrind-") as out:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--separate-threads=yes",
            f"--callgrind-out-file={out}/callgrind.out",
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            reader,
            "--passes",
            str(passes),
        ]
        env = dict(os.environ, PYTHONHASHSEED="0")
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        main_thread = sorted(Path(out).glob("callgrind.out*-01"))
        if not main_thread:
            raise RuntimeError(f"callgrind wrote no thread file: {done.stderr[-500:]}")
        found = _SUMMARY.search(main_thread[0].read_text())
    if found is None:
        raise RuntimeError(f"no instruction count in {main_thread[0].name}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3, help="passes over the pages")
    parser.add_argument("--child", choices=sorted(READERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.passes)
        return 0
    if not FIXTURES.exists():
        print(f"{FIXTURES} is absent: the real pages live in ../shared", file=sys.stderr)
        return 2
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    count = len(_pages())
    per_page: dict[str, float] = {}
    for reader in ("kartoteka", "baseline"):
        passes = args.passes if reader == "kartoteka" else 1  # the baseline is 25x dearer
        start_up = _instructions(reader, 0)
        total = _instructions(reader, passes)
        per_page[reader] = (total - start_up) / (passes * count)
        print(f"{reader:10} {per_page[reader] / 1e6:8.2f} M instructions per page")
    print(f"ratio {per_page['baseline'] / per_page['kartoteka']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Parse throughput on the real fixture pages: kartoteka (`read_page`: decode, classify,
parse) against a BeautifulSoup(html.parser) extraction of the same fields, both measured in
this run on this machine, decoding included, in pages per CPU-second of this process. Not a
test: prints figures, asserts nothing.

    .venv/bin/python bench/parse.py [--seconds 6] [--rounds 3]

Targets: ratio ≥ 15 (issue 2), ≥ 28 (issue 11). The last line is `ratio N` (kartoteka's best
round over the baseline's best round, pages/s). The line before it gives the ratio of each
pair of neighbouring rounds (lowest, median, highest): on a shared machine one disturbed
round moves a best-of figure, the median of pairs much less.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup

from cputime import per_cpu_second
from kartoteka.sudrf import PageKind, read_page
from kartoteka.sudrf.encoding import decode_page

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "sudrf"


def baseline_read(data: bytes) -> dict:
    """What a straightforward BeautifulSoup scraper does for the same fields: every data
    table's rows as cell texts (labels, events, persons, listing rows), the case number, the
    counter, the card links' ids and the acts' texts."""
    soup = BeautifulSoup(decode_page(data), "html.parser")
    out: dict = {"tables": [], "links": [], "acts": []}
    header = soup.select_one("div.casenumber, div.case-num")
    out["number"] = header.get_text(" ", strip=True) if header else None
    counter = soup.find(string=lambda s: s and "Всего по запросу найдено" in s)
    out["counter"] = str(counter) if counter else None
    for table in soup.select("table#tablcont, table.law-case-table"):
        rows = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = tr.find_all(["td", "th"], recursive=False)
            rows.append([c.get_text("\n", strip=True) for c in cells])
        out["tables"].append(rows)
    for a in soup.select("a[href*='name_op=case']"):
        out["links"].append(dict(parse_qsl(urlsplit(a["href"]).query)))
    for div in soup.select("div[id^='cont_doc']"):
        out["acts"].append(div.get_text("\n", strip=True))
    return out


def kartoteka_read(data: bytes) -> object:
    return read_page(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="time per side")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    args = parser.parse_args()
    if not FIXTURES.exists():
        print(f"{FIXTURES} is absent: the real pages live in ../shared", file=sys.stderr)
        return 2
    pages: list[bytes] = []
    kinds: dict[str, int] = {}
    for path in sorted(FIXTURES.glob("*.html")):
        data = path.read_bytes()
        kind = read_page(data).kind
        if kind in (PageKind.CARD, PageKind.LISTING):
            pages.append(data)
            kinds[kind.value] = kinds.get(kind.value, 0) + 1
    size = sum(map(len, pages)) / len(pages) / 1024
    print(f"pages: {len(pages)} real card/listing pages ({kinds}), mean {size:.0f} KiB")
    start = time.process_time()
    for data in pages * 20:
        decode_page(data)
    decode_rate = len(pages) * 20 / (time.process_time() - start)
    print(f"decode only:               {decode_rate:8.0f} pages/s")
    # Alternate short rounds and keep each side's best: other work on the machine then
    # slows both sides alike instead of whichever ran during the disturbance.
    bases: list[float] = []
    ourses: list[float] = []
    for _ in range(args.rounds):
        bases.append(per_cpu_second(baseline_read, pages, args.seconds / args.rounds))
        ourses.append(per_cpu_second(kartoteka_read, pages, args.seconds / args.rounds))
    base, ours = max(bases), max(ourses)
    pairs = sorted(o / b for b, o in zip(bases, ourses, strict=True))
    print(f"baseline bs4(html.parser): {base:8.1f} pages/s (best of {args.rounds} rounds)")
    print(f"kartoteka read_page:       {ours:8.1f} pages/s (best of {args.rounds} rounds)")
    print(
        f"ratio per round pair: lowest {pairs[0]:.1f}, median {statistics.median(pairs):.1f}, "
        f"highest {pairs[-1]:.1f}"
    )
    print(f"ratio {ours / base:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

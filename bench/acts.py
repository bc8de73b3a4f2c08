"""Judicial-act throughput: kartoteka (decode → Word-HTML to clean paragraphs → sentence
extraction → masking of names → indexing: the masked text lemmatised and inserted into an
SQLite FTS5 table, as `kartoteka.store.search` indexes it) against a plain regular-expression
reader of the same texts (decode, strip tags, one regex for the conviction formula and the
term, one for name shapes), both measured in this run on this machine, in acts per
CPU-second of this process. Not a test: prints figures, asserts nothing.

    .venv/bin/python bench/acts.py [--seconds 6] [--rounds 3]

Inputs: the real verdict texts of ../shared/fixtures/acts (re-encoded to windows-1251, as
the court sites serve them) and sandbox `name_op=doc` act pages (HTML). Also printed: how
many of the hand-checked term_months in labels.json each side reads right. The last line is
`ratio N` (kartoteka acts/s over baseline acts/s: below 1, the price of the grammar and the
NER model over a regex that reads far less).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from cputime import per_cpu_second
from kartoteka.acts import mask_text, read_act
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import act_html
from kartoteka.store.search import lemmatise
from kartoteka.sudrf.act import parse_act_page
from kartoteka.sudrf.encoding import decode_page, encode_page
from kartoteka.sudrf.html import parse_html
from kartoteka.sudrf.values import PERSON_NAME

ACTS = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "acts"

_TAG = re.compile(r"<[^>]+>")
_CONVICTED = re.compile(r"признать\s+виновн|виновным\s+в\s+совершении", re.IGNORECASE)
_TERM = re.compile(
    r"(\d+)\s*(?:\([^)]*\)\s*)?(?:год|года|лет)(?:\s+(\d+)\s*(?:\([^)]*\)\s*)?месяц)?"
    r"|(\d+)\s*(?:\([^)]*\)\s*)?месяц",
    re.IGNORECASE,
)


def baseline_read(data: bytes) -> dict:
    """What a regex reader does: decode, drop tags, per "признать виновным" the first term in
    digits after it, and name shapes replaced by a mark."""
    text = _TAG.sub(" ", decode_page(data)).replace("&nbsp;", " ")
    terms = []
    for match in _CONVICTED.finditer(text):
        term = _TERM.search(text, match.end())
        if term is None:
            terms.append(None)
        elif term.group(3):
            terms.append(int(term.group(3)))
        else:
            terms.append(int(term.group(1)) * 12 + int(term.group(2) or 0))
    return {"terms": terms, "masked": PERSON_NAME.sub("<ФИО>", text)}


_HTML = re.compile(r"<(?:html|body|p|div|span|br|table|meta)[\s>/]", re.IGNORECASE)


_INDEX = sqlite3.connect(":memory:")
_INDEX.execute("CREATE VIRTUAL TABLE acts USING fts5(text, lemmas)")


def kartoteka_read(data: bytes) -> dict:
    text = decode_page(data)
    html = bool(_HTML.search(text, 0, 4096))
    if html:
        act = parse_act_page(parse_html(text))
        body = act.text or ""
    else:
        body = text
    reading = read_act(body, cleaned=html)
    names = [reading.text[a:b] for a, b in (s.name_span for s in reading.sentences)]
    masked = mask_text(reading.text, names)
    _INDEX.execute("INSERT INTO acts VALUES (?, ?)", (masked, lemmatise(masked)))
    return {"terms": [s.term_months for s in reading.sentences], "masked": masked}


def sandbox_acts(limit: int) -> list[bytes]:
    now = dt.date(2025, 6, 1)
    site = build_site(SandboxConfig(seed=7, faults="none", now=now))
    out: list[bytes] = []
    for code, court in site.caseload.courts.items():
        for case in site.caseload.court(code).cases:
            if case.act_published_at(now):
                page = f"<html><body><div id='cont_doc1'>{act_html(case, court.name)}</div>"
                out.append(encode_page(page + "</body></html>"))
                if len(out) >= limit:
                    return out
    return out


def terms_right(read: Callable[[bytes], dict], labels: dict) -> tuple[int, int]:
    right = total = 0
    for file, label in labels.items():
        if file.startswith("_"):
            continue
        got = read(encode_page((ACTS / file).read_text("utf-8")))["terms"]
        for i, want in enumerate(label["defendants"]):
            total += 1
            right += i < len(got) and got[i] == want["term_months"]
    return right, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="time per side")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    parser.add_argument("--sandbox", type=int, default=14, help="sandbox act pages to add")
    args = parser.parse_args()
    if not ACTS.exists():
        print(f"{ACTS} is absent: the real verdict texts live in ../shared", file=sys.stderr)
        return 2
    real = [encode_page(p.read_text("utf-8")) for p in sorted(ACTS.glob("*.txt"))]
    acts = real + sandbox_acts(args.sandbox)
    size = sum(map(len, acts)) / len(acts) / 1024
    print(f"acts: {len(real)} real verdict texts + {len(acts) - len(real)} sandbox act pages,")
    print(f"      mean {size:.1f} KiB")
    labels = json.loads((ACTS / "labels.json").read_text("utf-8"))
    for name, read in (("baseline regex", baseline_read), ("kartoteka", kartoteka_read)):
        right, total = terms_right(read, labels)
        print(f"{name + ':':16} term_months right for {right}/{total} labelled defendants")
    for data in acts:  # load the dictionaries, the grammar and the NER model once
        kartoteka_read(data)
    base = ours = 0.0
    for _ in range(args.rounds):
        base = max(base, per_cpu_second(baseline_read, acts, args.seconds / args.rounds))
        ours = max(ours, per_cpu_second(kartoteka_read, acts, args.seconds / args.rounds))
    print(f"baseline regex:  {base:8.1f} acts/s (best of {args.rounds} rounds)")
    print(
        f"kartoteka:       {ours:8.1f} acts/s (extraction + masking + indexing, decoding included)"
    )
    print(f"ratio {ours / base:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

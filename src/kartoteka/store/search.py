"""Full-text search over the masked act texts, with Russian morphology.

Why SQLite FTS5 over pymorphy3 lemmas (docs/decisions.md): DuckDB's fts extension cannot be
downloaded here, SQLite's FTS5 ships with Python, and pymorphy3 is already the package's
dictionary. Every word of a text is indexed as its first normal form ("мобилизованного" →
"мобилизовать", "участия" → "участие"), and a query is normalised the same way, so a search
for "мобилизован" finds "мобилизованного" and the phrase "отказался от участия" finds
"отказавшись от участия"-style wordings whose words share the lemmas, in order.

The index is a derived file (`search.sqlite` in the data directory) built from the store's
`act_readings` of each case's latest card and its `act_pages` (acts on their own pages):
only the masked texts the store holds (the original only in a store built with
`--keep-names`), so the index can hold no name the store does not. It is rebuilt whenever
the store's act readings changed (a fingerprint of their keys and hashes), so it never
answers from a stale state.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kartoteka.acts.morph import analyser
from kartoteka.store.sentences import acts_sql

_WORD = re.compile(r"[А-ЯЁа-яёA-Za-z0-9]+")
SNIPPET_CHARS = 160


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One act matching a query, with where to find its case (`kartoteka case`)."""

    case_key: str
    court_code: str
    case_number: str | None
    doc_type: str | None
    date: str | None  # YYYY-MM-DD
    snippet: str  # the masked text around the first matching word
    warc_file: str
    warc_offset: int


class SearchError(ValueError):
    """A query with no word to search for."""


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The first normal form pymorphy3 gives a word, lower case (ё as е). Cached: the words
    of court texts repeat, and pymorphy3's lookups are pure Python."""
    return str(analyser().parse(word.lower())[0].normal_form).replace("ё", "е")


def lemmatise(text: str) -> str:
    """The text as a space-separated sequence of lemmas, one per word, in order."""
    return " ".join(lemma(w) for w in _WORD.findall(text))


# The acts of both sources, one row per act by the rule the sentence metrics count them with.
_ACTS_SQL = f"""
    WITH {acts_sql()}
    SELECT r.case_key, r.act_number, c.court_code, c.case_number, r.doc_type,
           CAST(r.date AS VARCHAR), r.text_masked, r.warc_file, r.warc_offset
    FROM act r JOIN cases c ON c.case_key = r.case_key
    WHERE r.published AND r.text_masked IS NOT NULL
    ORDER BY r.case_key, r.act_number
"""


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    cards = con.execute(
        "SELECT count(*), coalesce(string_agg(md5(case_key || ':' || version || ':' || "
        "position || ':' || coalesce(text_masked, '')), ',' ORDER BY case_key, version, "
        "position), '') FROM act_readings"
    ).fetchone()
    pages = con.execute(
        "SELECT count(*), coalesce(string_agg(md5(case_key || ':' || act_number || ':' || "
        "page_version || ':' || content_hash), ',' ORDER BY case_key, act_number, "
        "page_version), '') FROM act_pages"
    ).fetchone()
    return hashlib.sha256(repr((cards, pages)).encode("utf-8")).hexdigest()


def build_index(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """(Re)build the index file at `path` from the store; returns the acts indexed."""
    # a private file per build, then an atomic rename: two builders never share a file
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    db = sqlite3.connect(tmp)
    try:
        db.execute(
            "CREATE VIRTUAL TABLE acts USING fts5(lemmas, case_key UNINDEXED, "
            "position UNINDEXED, court_code UNINDEXED, case_number UNINDEXED, "
            "doc_type UNINDEXED, date UNINDEXED, text UNINDEXED, warc_file UNINDEXED, "
            "warc_offset UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
        )
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        n = 0
        for key, pos, court, number, doc_type, date, text, wfile, woff in con.execute(
            _ACTS_SQL
        ).fetchall():
            db.execute(
                "INSERT INTO acts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (lemmatise(text), key, pos, court, number, doc_type, date, text, wfile, woff),
            )
            n += 1
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (_fingerprint(con),))
        db.commit()
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    tmp.replace(path)
    return n


def _current(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    if not path.exists():
        return False
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()
    return row is not None and row[0] == _fingerprint(con)


def fts_query(query: str) -> str:
    """The FTS5 query of a user's query: each quoted part a phrase of lemmas, the other
    words lemmas that must all occur ("отказался от участия" is one phrase when quoted or
    when it is the whole query)."""
    phrases = re.findall(r'"([^"]*)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    parts = [lemmatise(p) for p in phrases if _WORD.search(p)]
    words = _WORD.findall(rest)
    if not phrases and words:  # the whole query as one phrase, the way people type it
        parts, words = [lemmatise(rest)], []
    terms = [f'"{p}"' for p in parts] + [f'"{lemma(w)}"' for w in words]
    if not terms:
        raise SearchError(f"nothing to search for in {query!r}")
    return " AND ".join(terms)


def _snippet(text: str, wanted: set[str]) -> str:
    for m in _WORD.finditer(text):
        if lemma(m.group()) in wanted:
            start = max(0, m.start() - SNIPPET_CHARS // 2)
            out = text[start : start + SNIPPET_CHARS].replace("\n", " ")
            return ("…" if start else "") + out + "…"
    return text[:SNIPPET_CHARS].replace("\n", " ")


def search_acts(
    con: duckdb.DuckDBPyConnection, index: Path, query: str, limit: int = 20
) -> list[SearchHit]:
    """Acts whose masked text matches `query` (see `fts_query`), best match first (BM25),
    rebuilding the index at `index` first if the store changed since it was built."""
    match = fts_query(query)
    if not _current(con, index):
        build_index(con, index)
    wanted = set(" ".join(re.findall(r'"([^"]*)"', match)).split())
    db = sqlite3.connect(index)
    try:
        rows = db.execute(
            "SELECT case_key, court_code, case_number, doc_type, date, text, warc_file, "
            "warc_offset FROM acts WHERE acts MATCH ? ORDER BY bm25(acts), case_key, position "
            "LIMIT ?",
            (match, limit),
        ).fetchall()
    finally:
        db.close()
    return [
        SearchHit(key, court, number, doc_type, date, _snippet(text, wanted), wfile, int(woff))
        for key, court, number, doc_type, date, text, wfile, woff in rows
    ]

"""Judicial acts in the store: the masked text of every act a card carries and one sentence
row per defendant its operative part names (`act_readings`, `sentences`, migration 8).

Why here and in two halves: reading an act (the grammar, the NER model of the masking) is the
costly part of an ingest, so `read_card_acts` runs in the parse workers beside the page
parser and is pure per record; the one writer (`write_rows`) turns its result into rows of
the case version the card became, in archive order. Rows follow case versions like `acts`
do, so `ingest --rebuild` rebuilds them exactly at any worker count, and "as of" a date the
metrics read the acts of the card version seen by then.

Privacy: act texts name defendants, witnesses and officers. Only the masked text
(`kartoteka.acts.mask_text`, given the card's defendant names) is stored unless the store is
built with `--keep-names`; a sentence's defendant is the initials or the court's mark the
reader gives, never a name, with the keyed hash of the card defendant of the same initials.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from kartoteka.store.privacy import NamePolicy, initials
from kartoteka.sudrf.models import Act

# Bumped whenever what `read_card_acts` produces changes for the same text: stored beside the
# page parser's version in every row.
SENTENCE_READER_VERSION = "acts-1"


@dataclasses.dataclass(slots=True)
class ReadSentence:
    """One defendant of an act, as its `sentences` row holds it (provenance added later)."""

    defendant: str | None
    name_hash: str | None
    outcome: str
    articles: list[str]
    punishment: str
    term_months: int | None
    term_hours: int | None
    suspended: bool
    probation_months: int | None
    regime: str | None
    fine_rub: int | None
    pay_withheld_pct: int | None
    additional: list[str]
    below_minimum: bool
    release: str | None
    service: str | None
    span: tuple[int, int]


@dataclasses.dataclass(slots=True)
class ReadAct:
    """One act with a text, read and masked: an `act_readings` row and its sentences."""

    position: int
    doc_type: str | None
    date: dt.date | None
    published: bool
    unpublished_reason: str | None
    ruling: str | None
    text: str  # masked unless the policy keeps names
    text_chars: int
    sentences: list[ReadSentence]


def _article_key(article: str, part: str | None) -> str:
    return f"{article}.{part}" if part else article


def _defendant_hash(mark: str, policy: NamePolicy, names: Sequence[str]) -> str | None:
    """The keyed hash of the one card defendant whose initials are the sentence's mark (the
    link between a sentence and the card's defendant, without a name); None when no single
    defendant matches (court marks such as "ФИО1", or two defendants with the same
    initials)."""
    wanted = mark.replace(" ", "").casefold()
    matches = {n for n in names if (initials(n) or "").replace(" ", "").casefold() == wanted}
    return policy.name_hash(matches.pop()) if len(matches) == 1 else None


def _read_one(
    position: int, act: Act, names: Sequence[str], policy: NamePolicy, link_names: bool
) -> ReadAct:
    """One act with a text, read and masked with `names` known to be in it. `link_names`:
    whether `names` are the card's defendants (then a sentence gets the keyed hash of the
    one whose initials it bears)."""
    from kartoteka.acts import mask_text, read_act  # the grammar and NER load on first use

    assert act.text is not None
    reading = read_act(act.text, act.title, cleaned=True)
    published = bool(reading.published and act.published is not False)
    if not link_names:  # an act page alone: the names its operative part gives
        names = [s.defendant for s in reading.sentences if s.defendant]
    sentences = []
    for s in reading.sentences if published else []:
        mark = s.defendant or None
        if mark is not None and not policy.keep_names:
            mark = mask_text(mark, names, use_ner=False)
        linked = link_names and bool(s.defendant)
        sentences.append(
            ReadSentence(
                defendant=mark,
                name_hash=_defendant_hash(s.defendant, policy, names) if linked else None,
                outcome=s.outcome,
                articles=list(dict.fromkeys(_article_key(a.article, a.part) for a in s.articles)),
                punishment=s.punishment,
                term_months=s.term_months,
                term_hours=s.term_hours,
                suspended=s.suspended,
                probation_months=s.probation_months,
                regime=s.regime,
                fine_rub=s.fine_rub,
                pay_withheld_pct=s.pay_withheld_pct,
                additional=list(s.additional),
                below_minimum=s.below_minimum,
                release=s.release,
                service=s.service,
                span=(int(s.span[0]), int(s.span[1])),
            )
        )
    text = reading.text if policy.keep_names else mask_text(reading.text, names)
    return ReadAct(
        position=position,
        doc_type=reading.doc_type or act.doc_type,
        date=reading.date or act.date,
        published=published,
        unpublished_reason=reading.unpublished_reason or act.unpublished_reason,
        ruling=reading.ruling,
        text=text,
        text_chars=len(reading.text),
        sentences=sentences,
    )


def read_card_acts(acts: Sequence[Act], names: Sequence[str], policy: NamePolicy) -> list[ReadAct]:
    """Every act of a card that carries a text, read (`kartoteka.acts.read_act`) and masked
    with the card's defendant `names` known. An unpublished act (a stub) is kept, with no
    sentences: it counts in the published share's denominator, never as "no punishment"."""
    return [
        _read_one(position, act, names, policy, link_names=True)
        for position, act in enumerate(acts)
        if act.text is not None
    ]


# -- acts on their own pages (`name_op=doc`) ------------------------------------------------
@dataclasses.dataclass(slots=True)
class ReadActPage:
    """An act page read in a parse worker: the case it belongs to, the act's number there
    (`text_number`), and the act read and masked as a card's inline act is."""

    key: str
    act_number: str
    url: str
    act: ReadAct
    content_hash: str  # of the reading as stored: a re-fetch saying the same adds no row


def act_page_ids(url: str) -> tuple[str | None, str | None, str]:
    """(case id, delo_id, act number) of an act page URL
    (`name_op=doc&number=CASE_ID&delo_id=D&new=N&text_number=K`); the act number is "1"
    when the URL gives none (a case's only act)."""
    from urllib.parse import urlsplit

    from kartoteka.sudrf.urls import parse_query

    params = parse_query(urlsplit(url).query)
    number = params.get("number") or params.get("_id") or params.get("case_id")
    delo_id = params.get("delo_id") or params.get("_deloId")
    return number or None, delo_id or None, (params.get("text_number") or "1").strip()


def read_act_page(key: str, act_number: str, url: str, act: Act, policy: NamePolicy) -> ReadActPage:
    """An act page's act read and masked. No card is at hand in the worker, so the names
    masked with certainty are those the operative part gives (plus every detector of
    `mask_text`), and sentences carry no `name_hash`. A page without a text (an attachment
    only, or nothing) is an unpublished act."""
    if act.text is None:
        act = dataclasses.replace(act, text="", published=False)
        act.unpublished_reason = act.unpublished_reason or "no text on the act page"
    read = _read_one(0, act, (), policy, link_names=False)
    if act.unpublished_reason and not read.published and read.unpublished_reason is None:
        read.unpublished_reason = act.unpublished_reason
    content = json.dumps(
        [url, dataclasses.asdict(read)], ensure_ascii=False, sort_keys=True, default=str
    )
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return ReadActPage(key, act_number, url, read, digest)


class ActPageWriter:
    """The writer's side of act pages: numbers the distinct readings of each (case, act) in
    archive order, as case versions are numbered, so a rebuild at any worker count and an
    incremental ingest give the same rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.latest: dict[tuple[str, str], tuple[int, str]] = {}
        for key, number, version, digest in con.execute(
            "SELECT case_key, act_number, page_version, content_hash FROM act_pages "
            "ORDER BY case_key, act_number, page_version"
        ).fetchall():
            self.latest[(key, number)] = (int(version), digest)

    def rows(
        self,
        page: ReadActPage,
        seen_at: dt.datetime,
        provenance: tuple[str, int, str | None, str],
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(`act_pages` rows, `act_page_sentences` rows) for one fetched act page: none when
        the page says what it said when last read."""
        ref = (page.key, page.act_number)
        previous = self.latest.get(ref)
        if previous is not None and previous[1] == page.content_hash:
            return [], []
        version = (previous[0] if previous else 0) + 1
        self.latest[ref] = (version, page.content_hash)
        a = page.act
        head = (page.key, page.act_number, version)
        readings = [
            (
                *head,
                page.url,
                seen_at,
                a.doc_type,
                a.date,
                a.published,
                a.unpublished_reason,
                a.ruling,
                a.text,
                a.text_chars,
                page.content_hash,
                *provenance,
            )
        ]
        return readings, [
            (*head, i, *_sentence_values(s), *provenance) for i, s in enumerate(a.sentences)
        ]


def stored_version(parser_version: str | None) -> str:
    """The version stored with act rows: the page parser's and the act reader's."""
    return f"{parser_version or 'unknown'}+{SENTENCE_READER_VERSION}"


def act_rows(
    key: str,
    version: int,
    acts: Sequence[ReadAct],
    provenance: tuple[str, int, str | None, str],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(`act_readings` rows, `sentences` rows) of one case version, in column order.
    `provenance` is (warc_file, warc_offset, record_id, stored parser version)."""
    readings: list[tuple[Any, ...]] = []
    sentences: list[tuple[Any, ...]] = []
    for a in acts:
        readings.append(
            (
                key,
                version,
                a.position,
                a.doc_type,
                a.date,
                a.published,
                a.unpublished_reason,
                a.ruling,
                a.text,
                a.text_chars,
                *provenance,
            )
        )
        for i, s in enumerate(a.sentences):
            sentences.append((key, version, a.position, i, *_sentence_values(s), *provenance))
    return readings, sentences


def _sentence_values(s: ReadSentence) -> tuple[Any, ...]:
    """A sentence's columns from `defendant` to `span_end`, in table order."""
    return (
        s.defendant,
        s.name_hash,
        s.outcome,
        s.articles,
        s.punishment,
        s.term_months,
        s.term_hours,
        s.suspended,
        s.probation_months,
        s.regime,
        s.fine_rub,
        s.pay_withheld_pct,
        s.additional,
        s.below_minimum,
        s.release,
        s.service,
        s.span[0],
        s.span[1],
    )


def acts_sql(cutoff: str | None = None) -> str:
    """The CTEs `card`, `act_read` and `act` (no WITH): one row per act a case has, read from
    the acts of its latest card (inline texts, `act_readings`) and the latest reading of each
    of its act pages (`act_pages`). One act is one (case, act number): the card's "#N" (else
    its position) and the page's `text_number`; where both hold it, the one seen last counts
    (ties: the card), so an act is never counted twice. The sentence metrics and the search
    index both read acts through this one rule. `cutoff`: the name of a SQL parameter bounding
    what counts as seen ("as of"), None for everything."""
    card_seen = f"AND first_seen_at < ${cutoff} " if cutoff else ""
    page_seen = f"WHERE seen_at < ${cutoff}" if cutoff else ""
    return f"""
    card AS (
        SELECT case_key, max(version) AS v FROM case_versions
        WHERE source = 'card' {card_seen}GROUP BY case_key),
    act_read AS (
        SELECT r.case_key, coalesce(a.number, CAST(r.position + 1 AS VARCHAR)) AS act_number,
               'card' AS source, r.version, r.position AS act_position, r.published,
               r.ruling, r.date, r.doc_type, r.text_masked, cv.first_seen_at AS seen_at,
               r.warc_file, r.warc_offset, r.record_id
        FROM act_readings r
        JOIN card c ON r.case_key = c.case_key AND r.version = c.v
        JOIN case_versions cv ON cv.case_key = r.case_key AND cv.version = r.version
        LEFT JOIN acts a
          ON a.case_key = r.case_key AND a.version = r.version AND a.position = r.position
        UNION ALL
        SELECT * FROM (
            SELECT case_key, act_number, 'page', page_version, 0, published, ruling, date,
                   doc_type, text_masked, seen_at, warc_file, warc_offset, record_id
            FROM act_pages {page_seen}
            QUALIFY row_number() OVER (
                PARTITION BY case_key, act_number ORDER BY page_version DESC) = 1)),
    act AS (
        SELECT * FROM act_read
        QUALIFY row_number() OVER (
            PARTITION BY case_key, act_number ORDER BY seen_at DESC, source) = 1)"""

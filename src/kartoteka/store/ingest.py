"""Ingest: WARC response records → parsed pages → the store.

The archive is the source of truth and the store its projection (DESIGN.md "Storage"):
- records are read in archive order and each is ingested once (`fetch_log` remembers
  `(warc_file, offset)`), so running ingest again only adds what is new; closed WARC files
  already read to their end are not even opened again (`ingested_files`);
- history tables are append-only (versions, observations, listing pages, fetch log); the
  derived tables (`cases`, `case_charges`, the as-of history) are recomputed from that
  history at the end, whole on a rebuild, else only the rows of what the new records
  touched (`derive.refresh_derived`), so an incremental ingest and `--rebuild` from an empty
  store give the same rows;
- no wall-clock time enters the content: every time comes from the WARC record;
- a page that cannot be read is recorded with its URL and reason and the ingest goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from kartoteka.paths import DataDir
from kartoteka.registry.articles import is_mobilisation_part, principal_article
from kartoteka.simulated import seen_at
from kartoteka.store.changes import record_changes
from kartoteka.store.db import StoreError, connect
from kartoteka.store.derive import refresh_derived
from kartoteka.store.outcomes import classify_result
from kartoteka.store.privacy import (
    NamePolicy,
    keep_names_configured,
    load_or_create_secret,
)
from kartoteka.store.sentences import (
    ActPageWriter,
    ReadAct,
    ReadActPage,
    act_page_ids,
    act_rows,
    read_act_page,
    read_card_acts,
    stored_version,
)
from kartoteka.sudrf.models import (
    Act,
    Card,
    Charge,
    Defendant,
    ListingRow,
    Page,
    PageKind,
    Party,
    to_jsonable,
)
from kartoteka.sudrf.urls import INSTANCE_BY_DELO_ID, Instance, parse_query, read_listing_query

PageReader = Callable[[bytes, str], Page]
_JUDGE_LABEL = re.compile(r"судья|докладчик|председательствующ|judge", re.IGNORECASE)
# Keys of parsed records whose values are identifiers or already privacy-processed.
_UNSCRUBBED_KEYS = frozenset(
    {
        "url",
        "uid",
        "case_uid",
        "case_id",
        "delo_id",
        "case_number",
        "case_number_raw",
        "number",
        "initials",
        "name_hash",
        "name_hidden",
        "text_sha256",
        "charges",
        "charges_raw",
    }
)
BATCH_RECORDS = 5000
MAX_REPORTED_FAILURES = 50

# Tables written from the archive. `courts` (imported) and `schema_version` are not.
INGESTED_TABLES = (
    "fetch_log",
    "parse_failures",
    "listing_pages",
    "case_versions",
    "observations",
    "defendants",
    "charges",
    "events",
    "acts",
    "act_readings",
    "sentences",
    "act_pages",
    "act_page_sentences",
    "cases",
    "case_charges",
    "ingested_files",
)


class ResponseRecord(Protocol):
    """What ingest needs of a WARC response (kartoteka.harvest.warc.ArchivedResponse)."""

    @property
    def url(self) -> str: ...

    @property
    def fetched_at(self) -> dt.datetime: ...

    @property
    def court_code(self) -> str | None: ...

    @property
    def page_kind(self) -> str | None: ...

    @property
    def simulated(self) -> bool: ...

    @property
    def status(self) -> int: ...

    @property
    def body(self) -> bytes: ...

    @property
    def warc_file(self) -> str: ...

    @property
    def offset(self) -> int: ...

    @property
    def record_id(self) -> str: ...


@dataclass
class IngestSummary:
    """What one ingest did; the CLI prints it."""

    records: int = 0  # response records read for the first time
    already_ingested: int = 0
    listings: int = 0
    cards: int = 0
    act_pages: int = 0  # `name_op=doc` pages read (kartoteka.store.sentences)
    other_pages: int = 0  # captcha, unavailable, empty, HTTP errors
    parse_failures: int = 0
    new_versions: int = 0
    cases: int = 0  # cases in the store afterwards
    removed: int = 0  # of which marked removed
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason), first 50


def _utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def case_key(court_code: str, instance: str, case_id: str) -> str:
    """The store's key of a case: court, instance (the sites number each kind apart), id."""
    return f"{court_code}/{instance}/{case_id}"


def _instance(delo_id: str | None, default: Instance | None = None) -> str:
    inst = INSTANCE_BY_DELO_ID.get(delo_id or "") or default or Instance.FIRST
    return inst.value


def _card_ids(url: str) -> tuple[str | None, str | None]:
    """(case_id, delo_id) of a card URL in either dialect."""
    params = parse_query(urlsplit(url).query)
    case_id = params.get("case_id") or params.get("_id")
    delo_id = params.get("delo_id") or params.get("_deloId")
    return case_id, delo_id


def _row_case_id(row: ListingRow) -> str | None:
    if row.case_id:
        return row.case_id
    if row.url:
        return _card_ids(row.url)[0]
    return None


def _hash(content: Any) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Batch:
    """Rows waiting to be written, per table, flushed as Arrow tables."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, rows in self.rows.items():
            if not rows:
                continue
            names = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            columns = list(zip(*rows, strict=True))
            arrow = pa.table(
                {name: pa.array(list(col)) for name, col in zip(names, columns, strict=True)}
            )
            con.register("_kartoteka_batch", arrow)
            con.execute(f"INSERT INTO {table} SELECT * FROM _kartoteka_batch")
            con.unregister("_kartoteka_batch")
        self.rows.clear()


@dataclass(slots=True)
class Observation:
    """One sighting of a case in a record (a listing row or a card): where it is, its
    content's hash (the content as the store keeps it, privacy applied), and what the rows
    of a new version would be made of, should the hash be new to the writer.

    `version` is a `VersionSource` while the record stays in one process; a record sent to
    another process carries the rows themselves, made where it was read and pickled
    (`ReadRecord.packed`): most sightings repeat a version already stored, and then the
    writer never unpickles them (docs/scaling.md)."""

    position: int
    key: str
    source: str  # "listing" | "card"
    content_hash: str
    version: VersionSource | bytes


@dataclass(slots=True)
class VersionSource:
    """What a new version's rows are made of: the content as stored, its JSON, the parsed
    facts and the acts read (`version_rows` makes the rows)."""

    content: dict[str, Any]
    content_json: str  # what case_versions.content holds
    facts: _Facts
    acts_read: list[ReadAct] = field(default_factory=list)  # a card's acts with a text


# The tables a case version writes, in the order `version_rows` gives their rows.
VERSION_TABLES = (
    "case_versions",
    "defendants",
    "charges",
    "events",
    "acts",
    "act_readings",
    "sentences",
)
# Per table of VERSION_TABLES, its rows without their first two columns (case_key, version):
# the version number is the writer's to give.
VersionRows = tuple[list[tuple[Any, ...]], ...]


@dataclass(slots=True)
class ReadRecord:
    """Everything one record yields that does not depend on the store: the page read, its
    rows as contents and hashes, the failures. Made by `RecordReader` (in a worker process
    when ingest runs a pool); the one writer (`Ingestor.apply`) then numbers versions and
    writes rows, in archive order, so the store is the same at any worker count."""

    fetched_at: dt.datetime
    page_kind: str | None
    template: str | None
    outcome: str  # "listing" | "card" | "act" | "other" | "none" (no page read, e.g. HTTP errors)
    listing_page: tuple[Any, ...] | None = None  # listing_pages after (warc_file, offset)
    act_page: ReadActPage | None = None  # outcome "act": a `name_op=doc` page read
    observations: list[Observation] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (row or -1, reason)

    def packed(self, record: ResponseRecord, parser_version: str | None) -> ReadRecord:
        """This record ready to go to another process: every observation's version rows
        made here and pickled (see `Observation`). Changes it in place and returns it."""
        for observation in self.observations:
            if isinstance(observation.version, VersionSource):
                rows = version_rows(
                    record, self.fetched_at, parser_version, observation, observation.version
                )
                observation.version = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        return self


@dataclass(frozen=True, slots=True)
class ReadResponse:
    """A response record as the writer gets it from another process (a pool worker, a
    cluster's part): what `Ingestor.apply` uses of the WARC record, never its body (that
    stays in the archive), and what reading it gave (None: already ingested, not read)."""

    url: str
    fetched_at: dt.datetime
    court_code: str | None
    page_kind: str | None
    simulated: bool
    status: int
    warc_file: str
    offset: int
    record_id: str
    run_id: str | None
    read: ReadRecord | None
    body: bytes = b""

    @classmethod
    def of(cls, record: ResponseRecord, read: ReadRecord | None) -> ReadResponse:
        return cls(
            url=record.url,
            fetched_at=record.fetched_at,
            court_code=record.court_code,
            page_kind=record.page_kind,
            simulated=bool(record.simulated),
            status=int(record.status),
            warc_file=record.warc_file,
            offset=int(record.offset),
            record_id=record.record_id,
            run_id=getattr(record, "run_id", None),
            read=read,
        )


class RecordReader:
    """Reads records into `ReadRecord`s: the parser and the privacy policy, no store. Pure
    per record (same record, same result), which is what lets a pool run it anywhere."""

    def __init__(self, policy: NamePolicy, reader: PageReader) -> None:
        self.policy = policy
        self.reader = reader
        self.parser_version = getattr(reader, "parser_version", None) or _parser_version()

    def read(self, record: ResponseRecord) -> ReadRecord:
        # The time a page counts as seen (on the sandbox's calendar for simulated pages).
        clock_headers = getattr(record, "headers", None) if record.simulated else None
        fetched_at = _utc_naive(seen_at(record.fetched_at, clock_headers))
        page: Page | None = None
        failure: str | None = None
        if record.status == 200:
            try:
                page = self.reader(record.body, record.url)
            except Exception as exc:  # a parser bug must not stop the ingest
                failure = f"parser raised {type(exc).__name__}: {exc}"
        read = ReadRecord(
            fetched_at,
            page.kind.value if page else None,
            page.template.value if page and page.template else None,
            "none",
        )
        if (
            page is not None
            and page.kind is PageKind.UNRECOGNIZED
            and not _holds_records(record.url)
        ):
            read.outcome = "other"
        elif page is not None and page.kind is PageKind.UNRECOGNIZED:
            failure = page.reason or "unrecognized page"
        elif page is not None and not record.court_code:
            failure = "record carries no Kartoteka-Court-Code"
        elif page is not None and page.kind is PageKind.LISTING and page.listing is not None:
            read.outcome = "listing"
            self._listing(record, page, read)
        elif page is not None and page.kind is PageKind.CARD and page.card is not None:
            read.outcome = "card"
            failure = self._card(record, page.card, read)
        elif page is not None and page.kind is PageKind.ACT and page.act is not None:
            read.outcome = "act"
            failure = self._act_page(record, page, read)
        elif page is not None and page.kind in (PageKind.LISTING, PageKind.CARD):
            failure = f"{page.kind.value} page without content"
        elif failure is None:
            read.outcome = "other"
        if failure is not None:
            read.failures.append((-1, failure))
        return read

    def read_packed(self, record: ResponseRecord) -> ReadRecord:
        """`read`, ready to be sent to the writer in another process (`ReadRecord.packed`)."""
        return self.read(record).packed(record, self.parser_version)

    # -- listings ------------------------------------------------------------------------
    def _listing(self, record: ResponseRecord, page: Page, read: ReadRecord) -> None:
        assert page.listing is not None and record.court_code
        query = read_listing_query(parse_query(urlsplit(record.url).query))
        instance = query.instance.value if query.instance else None
        window = "|".join(
            [
                record.court_code,
                instance or "",
                str(query.entry_from or ""),
                str(query.entry_to or ""),
                query.article,
            ]
        )
        run_id = getattr(record, "run_id", None)
        run_key = run_id or read.fetched_at.date().isoformat()
        read.listing_page = (
            read.fetched_at,
            run_key,
            window,
            record.court_code,
            instance,
            query.entry_from,
            query.entry_to,
            query.article,
            query.page,
            page.listing.total,
            len(page.listing.rows),
        )
        for position, row in enumerate(page.listing.rows):
            case_id = _row_case_id(row)
            if not case_id:
                read.failures.append((position, "listing row without a case id"))
                continue
            key = case_key(record.court_code, _instance(row.delo_id, query.instance), case_id)
            read.observations.append(
                _observation(position, key, "listing", self._row_content(row), _row_facts(row))
            )

    def _row_content(self, row: ListingRow) -> dict[str, Any]:
        names = [d.name for d in row.defendants if d.name]
        content = to_jsonable(row)
        content["defendants"] = [self._defendant_json(d) for d in row.defendants]
        content["acts"] = [self._act_json(a) for a in row.acts]
        return self._scrub_tree(content, names)  # type: ignore[no-any-return]

    # -- cards ---------------------------------------------------------------------------
    def _card(self, record: ResponseRecord, card: Card, read: ReadRecord) -> str | None:
        assert record.court_code
        case_id, delo_id = _card_ids(record.url)
        if not case_id:
            return "card URL carries no case id"
        key = case_key(record.court_code, _instance(delo_id), case_id)
        observation = _observation(0, key, "card", self._card_content(card), _card_facts(card))
        names = [d.name for d in card.defendants if d.name]
        assert isinstance(observation.version, VersionSource)
        observation.version.acts_read = read_card_acts(card.acts, names, self.policy)
        read.observations.append(observation)
        return None

    # -- act pages (`name_op=doc`) ---------------------------------------------------------
    def _act_page(self, record: ResponseRecord, page: Page, read: ReadRecord) -> str | None:
        """An act page attached to its case: the record's court, the instance its delo_id
        names, the case id in `number`; read and masked here, in the worker."""
        assert record.court_code and page.act is not None
        case_id, delo_id, act_number = act_page_ids(record.url)
        if not case_id:
            return "act page URL carries no case number"
        key = case_key(record.court_code, _instance(delo_id), case_id)
        try:
            read.act_page = read_act_page(key, act_number, record.url, page.act, self.policy)
        except Exception as exc:  # an act reader bug must not stop the ingest
            return f"act reader raised {type(exc).__name__}: {exc}"
        return None

    def _card_content(self, card: Card) -> dict[str, Any]:
        names = [d.name for d in card.defendants if d.name]
        names += [p.name for p in card.parties if p.name]
        content = to_jsonable(card)
        content["defendants"] = [self._defendant_json(d) for d in card.defendants]
        content["parties"] = [self._party_json(p) for p in card.parties]
        content["acts"] = [self._act_json(a) for a in card.acts]
        return self._scrub_tree(content, names)  # type: ignore[no-any-return]

    def _scrub_tree(self, value: Any, names: list[str], key: str = "") -> Any:
        """Every free-text string of a parsed record, however deep (the parser may add fields,
        e.g. a cassation card's complaint blocks), scrubbed of personal names. Kept as they
        are: identifiers, the privacy-processed name fields, and judges (public officials
        named by the court itself)."""
        if self.policy.keep_names or key in _UNSCRUBBED_KEYS or _JUDGE_LABEL.search(key):
            return value
        if isinstance(value, str):
            return self.policy.scrub(value, names)
        if isinstance(value, dict):
            return {k: self._scrub_tree(v, names, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub_tree(v, names, key) for v in value]
        return value

    # -- privacy-filtered parts ----------------------------------------------------------
    def _defendant_json(self, d: Defendant) -> dict[str, Any]:
        stored = self.policy.store(d.name, d.name_hidden)
        return {
            "initials": stored.initials,
            "name_hash": stored.name_hash,
            "name": stored.name,
            "name_hidden": stored.hidden,
            "charges": [to_jsonable(c) for c in d.charges],
            "charges_raw": d.charges_raw,
            "result": d.result,
            "result_date": to_jsonable(d.result_date),
        }

    def _party_json(self, p: Party) -> dict[str, Any]:
        stored = self.policy.store(p.name, p.name_hidden)
        return {
            "role": p.role,
            "initials": stored.initials,
            "name_hash": stored.name_hash,
            "name": stored.name,
            "name_hidden": stored.hidden,
        }

    def _act_json(self, a: Act) -> dict[str, Any]:
        return {
            "title": a.title,
            "url": a.url,
            "number": a.number,
            "date": to_jsonable(a.date),
            **_act_text(a, self.policy.keep_names),
        }


def _observation(
    position: int, key: str, source: str, content: dict[str, Any], facts: _Facts
) -> Observation:
    content_json = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return Observation(
        position, key, source, _hash(content), VersionSource(content, content_json, facts)
    )


def version_rows(
    record: ResponseRecord,
    fetched_at: dt.datetime,
    parser_version: str | None,
    observation: Observation,
    source: VersionSource,
) -> VersionRows:
    """The rows a new version of `observation`'s case writes, per table of VERSION_TABLES
    and without (case_key, version). Pure: made in the reading half when the record goes to
    another process, else by the writer for the versions that are new."""
    key, content, facts = observation.key, source.content, source.facts
    court_code, instance, case_id = key.split("/", 2)
    all_charges = [c for d in facts.defendants for c in d.charges]
    principal = principal_article(all_charges)
    version = (
        observation.source,
        court_code,
        instance,
        case_id,
        observation.content_hash,
        fetched_at,
        fetched_at,
        record.warc_file,
        int(record.offset),
        bool(record.simulated),
        facts.uid,
        facts.uid_valid,
        facts.case_number,
        facts.case_number_raw,
        facts.entry_date,
        facts.judge,
        facts.category,
        facts.result,
        facts.result_date,
        facts.legal_force_date,
        classify_result(facts.result, facts.events).value,
        len(facts.defendants),
        len(all_charges),
        principal.article if principal else None,
        principal.key if principal else None,
        source.content_json,
    )
    defendants: list[tuple[Any, ...]] = []
    charges: list[tuple[Any, ...]] = []
    for dpos, (d, dj) in enumerate(zip(facts.defendants, content["defendants"], strict=True)):
        defendants.append(
            (
                dpos,
                dj["initials"],
                dj["name_hash"],
                dj["name"],
                dj["name_hidden"],
                d.charges_raw,
                d.result,
                d.result_date,
            )
        )
        for cpos, charge in enumerate(d.charges):
            charges.append((dpos, cpos, *_charge_row(charge)))
    events = [
        (
            epos,
            e.name,
            e.date,
            e.time,
            e.place,
            e.result,
            content["events"][epos]["basis"],
            content["events"][epos]["note"],
            e.published,
        )
        for epos, e in enumerate(facts.events)
    ]
    acts = [
        (
            apos,
            a.title,
            a.number,
            a.date,
            a.url,
            aj["text_chars"],
            aj["text_sha256"],
            aj.get("text"),
        )
        for apos, (a, aj) in enumerate(zip(facts.acts, content["acts"], strict=True))
    ]
    provenance = (
        record.warc_file,
        int(record.offset),
        record.record_id,
        stored_version(parser_version),
    )
    readings, sentences = act_rows(key, 0, source.acts_read, provenance)
    return (
        [version],
        defendants,
        charges,
        events,
        acts,
        [row[2:] for row in readings],
        [row[2:] for row in sentences],
    )


class Ingestor:
    """The one writer: turns read records into rows, in archive order. Holds, per case, the
    latest version of each source (to write a new version only when content changes) and
    the set of records already ingested."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, policy: NamePolicy, reader: PageReader
    ) -> None:
        self.con = con
        self.policy = policy
        self.reader = reader
        self.records = RecordReader(policy, reader)
        self.parser_version = getattr(reader, "parser_version", None) or _parser_version()
        self.summary = IngestSummary()
        self.batch = _Batch()
        self.done: set[tuple[str, int]] = set(
            con.execute("SELECT warc_file, warc_offset FROM fetch_log").fetchall()
        )
        self.latest: dict[tuple[str, str], tuple[int, str]] = {}
        self.max_version: dict[str, int] = {}
        self.act_pages = ActPageWriter(con)
        for key, source, version, content_hash in con.execute(
            "SELECT case_key, source, version, content_hash FROM case_versions "
            "ORDER BY case_key, version"
        ).fetchall():
            self.latest[(key, source)] = (version, content_hash)
            self.max_version[key] = version

    # -- records -------------------------------------------------------------------------
    def is_new(self, record: ResponseRecord) -> bool:
        """Whether the record still has to be read (counted as already ingested if not)."""
        if (record.warc_file, int(record.offset)) in self.done:
            self.summary.already_ingested += 1
            return False
        return True

    def add(self, record: ResponseRecord) -> None:
        """Read one record here and write it (the one-process path)."""
        if self.is_new(record):
            self.apply(record, self.records.read(record))

    def apply(self, record: ResponseRecord, read: ReadRecord) -> None:
        """Write one record's rows: the record must be new (`is_new`) and come in archive
        order."""
        ref = (record.warc_file, int(record.offset))
        if ref in self.done:  # the same record twice in one read: once is enough
            self.summary.already_ingested += 1
            return
        self.done.add(ref)
        self.summary.records += 1
        fetched_at = read.fetched_at
        self.batch.add(
            "fetch_log",
            (
                record.warc_file,
                int(record.offset),
                record.record_id,
                record.url,
                fetched_at,
                record.court_code,
                record.status,
                record.page_kind,
                read.page_kind,
                read.template,
                bool(record.simulated),
                getattr(record, "run_id", None),
                self.parser_version,
            ),
        )
        if read.outcome == "other":
            self.summary.other_pages += 1
        elif read.outcome == "listing":
            self.summary.listings += 1
            assert read.listing_page is not None
            self.batch.add(
                "listing_pages", (record.warc_file, int(record.offset), *read.listing_page)
            )
        elif read.outcome == "card":
            self.summary.cards += 1
        elif read.outcome == "act":
            self._write_act_page(record, read)
        for observation in read.observations:
            self._observe(record, fetched_at, observation)
        for row, reason in read.failures:
            self._failure(record, fetched_at, row, reason)

    def _failure(
        self, record: ResponseRecord, fetched_at: dt.datetime, row: int, reason: str
    ) -> None:
        self.summary.parse_failures += 1
        if len(self.summary.failures) < MAX_REPORTED_FAILURES:
            self.summary.failures.append((record.url, reason))
        self.batch.add(
            "parse_failures",
            (
                record.warc_file,
                int(record.offset),
                row,
                record.url,
                fetched_at,
                record.court_code,
                reason,
            ),
        )

    # -- versions ------------------------------------------------------------------------
    def _observe(
        self, record: ResponseRecord, fetched_at: dt.datetime, observation: Observation
    ) -> None:
        position, key, source = observation.position, observation.key, observation.source
        content_hash = observation.content_hash
        latest = self.latest.get((key, source))
        if latest is not None and latest[1] == content_hash:
            version = latest[0]
        else:
            version = self.max_version.get(key, 0) + 1
            self.max_version[key] = version
            self.latest[(key, source)] = (version, content_hash)
            self.summary.new_versions += 1
            self._write_version(record, fetched_at, version, observation)
        self.batch.add(
            "observations",
            (record.warc_file, int(record.offset), position, key, source, version, fetched_at),
        )

    def _write_version(
        self,
        record: ResponseRecord,
        fetched_at: dt.datetime,
        version: int,
        observation: Observation,
    ) -> None:
        made = observation.version
        rows = (
            pickle.loads(made)  # our own reading half's output (ReadRecord.packed)
            if isinstance(made, bytes)
            else version_rows(record, fetched_at, self.parser_version, observation, made)
        )
        head = (observation.key, version)
        for table, table_rows in zip(VERSION_TABLES, rows, strict=True):
            for row in table_rows:
                self.batch.add(table, (*head, *row))

    def _write_act_page(self, record: ResponseRecord, read: ReadRecord) -> None:
        """An act page's rows (`act_pages`, `act_page_sentences`) when it says something new
        about its act; seen at the record's time. A page not attached to a case (its
        failure is recorded) writes nothing else."""
        self.summary.act_pages += 1
        if read.act_page is None:
            return
        provenance = (
            record.warc_file,
            int(record.offset),
            record.record_id,
            stored_version(self.parser_version),
        )
        readings, sentences = self.act_pages.rows(read.act_page, read.fetched_at, provenance)
        for row in readings:
            self.batch.add("act_pages", row)
        for row in sentences:
            self.batch.add("act_page_sentences", row)

    def flush(self) -> None:
        self.batch.flush(self.con)


# Only listings (`name_op=r`) and cards (`name_op=case`) carry records; the harvester also
# archives search forms (the dialect probe), robots.txt and act pages (read when the parser
# classifies them as acts, `Ingestor._write_act_page`), so a page of another op not being a
# listing or a card is no parse failure.
_RECORD_OPS = frozenset({"r", "case"})


def _holds_records(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.path.endswith("modules.php"):
        return False
    return parse_query(parts.query).get("name_op", "") in _RECORD_OPS


def _act_text(act: Act, keep_names: bool) -> dict[str, Any]:
    """Acts name the defendant throughout: keep only the text's size and hash unless names
    are kept (the archive still holds the page)."""
    if act.text is None:
        return {"text_chars": None, "text_sha256": None}
    out: dict[str, Any] = {
        "text_chars": len(act.text),
        "text_sha256": hashlib.sha256(act.text.encode("utf-8")).hexdigest(),
    }
    if keep_names:
        out["text"] = act.text
    return out


def _charge_row(charge: Charge) -> tuple[Any, ...]:
    return (
        charge.code,
        charge.article,
        charge.part,
        charge.point,
        charge.key,
        charge.raw,
        is_mobilisation_part(charge.article, charge.part),
    )


@dataclass
class _Facts:
    """The case-level fields of one card or listing row, for `case_versions`."""

    uid: str | None
    uid_valid: bool | None
    case_number: str | None
    case_number_raw: str | None
    entry_date: dt.date | None
    judge: str | None
    category: str | None
    result: str | None
    result_date: dt.date | None
    legal_force_date: dt.date | None
    defendants: list[Defendant]
    events: list[Any]
    acts: list[Act]


def _card_facts(card: Card) -> _Facts:
    return _Facts(
        card.uid,
        card.uid_valid,
        card.case_number,
        card.case_number_raw,
        card.entry_date,
        card.judge,
        card.category,
        card.result,
        card.result_date,
        None,
        card.defendants,
        card.events,
        card.acts,
    )


def _row_facts(row: ListingRow) -> _Facts:
    return _Facts(
        row.case_uid,
        None,
        row.case_number,
        row.case_number_raw,
        row.entry_date,
        row.judge,
        None,
        row.result,
        row.result_date,
        row.legal_force_date,
        row.defendants,
        [],
        row.acts,
    )


def _parser_version() -> str | None:
    try:
        from kartoteka.sudrf import PARSER_VERSION  # type: ignore[attr-defined]
    except ImportError:
        return None
    return str(PARSER_VERSION)


# -- entry points ---------------------------------------------------------------------------
def default_reader() -> PageReader:
    """The parser stage's `read_page` (imported late: the store does not need it to open)."""
    from kartoteka.sudrf import read_page  # type: ignore[attr-defined]

    return read_page  # type: ignore[no-any-return]


def clear_ingested(con: duckdb.DuckDBPyConnection) -> None:
    """Empty every table that ingest fills (the court registry and settings stay)."""
    for table in INGESTED_TABLES:
        con.execute(f"DELETE FROM {table}")


def _check_name_policy(con: duckdb.DuckDBPyConnection, keep_names: bool) -> None:
    """A store is built under one name policy: switching it needs a rebuild, or the store
    would hold names from some pages and not others."""
    row = con.execute("SELECT value FROM store_settings WHERE key = 'keep_names'").fetchone()
    wanted = "true" if keep_names else "false"
    if row is None:
        con.execute("INSERT INTO store_settings VALUES ('keep_names', ?)", [wanted])
    elif row[0] != wanted:
        raise StoreError(
            f"this store was built with keep_names={row[0]}: run "
            f"`kartoteka ingest --rebuild` to change it"
        )


def ingest_records(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[ResponseRecord],
    policy: NamePolicy,
    reader: PageReader | None = None,
    *,
    rebuild: bool = False,
    reading: Reading | None = None,
) -> IngestSummary:
    """Ingest records into an open store in one transaction (all or nothing).

    `reading`: where the records are read (default: here, `read_here`; records that other
    processes have read already, `ReadResponse`s from the local pool or a Dask cluster's
    parts, come with `already_read`). The writing stays here, in archive order, so the
    result does not depend on where they were read."""
    con.execute("BEGIN TRANSACTION")
    try:
        if rebuild:
            clear_ingested(con)
            con.execute("DELETE FROM store_settings WHERE key = 'keep_names'")
        _check_name_policy(con, policy.keep_names)
        ingestor = Ingestor(con, policy, reader or default_reader())
        fresh = (record for record in records if ingestor.is_new(record))
        pairs = (reading or read_here)(ingestor, fresh)
        # what this ingest writes, for a refresh of only what it touched (none on a rebuild)
        written: list[tuple[str, int]] | None = None if rebuild else []
        for n, (record, read) in enumerate(pairs, start=1):
            ingestor.apply(record, read)
            if written is not None:
                written.append((record.warc_file, int(record.offset)))
            if n % BATCH_RECORDS == 0:
                ingestor.flush()
        ingestor.flush()
        refresh_derived(con, written)
        record_changes(con, rebuild=rebuild)  # what changed per harvest run (store.changes)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    summary = ingestor.summary
    counts = con.execute("SELECT count(*), count(removed_at) FROM cases").fetchone()
    summary.cases, summary.removed = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    return summary


# (ingestor, new records in archive order) → (record, read record) in that order.
Reading = Callable[
    ["Ingestor", Iterator[ResponseRecord]],
    Iterator[tuple[ResponseRecord, ReadRecord]],
]


def read_here(
    ingestor: Ingestor, records: Iterator[ResponseRecord]
) -> Iterator[tuple[ResponseRecord, ReadRecord]]:
    """(record, read record) in archive order, read in this process."""
    for record in records:
        yield record, ingestor.records.read(record)


def already_read(
    ingestor: Ingestor, records: Iterator[ResponseRecord]
) -> Iterator[tuple[ResponseRecord, ReadRecord]]:
    """`ingest_records`' reading step for records other processes have read already."""
    for record in records:
        assert isinstance(record, ReadResponse) and record.read is not None
        yield record, record.read


# Starting a pool costs about a second of CPU per worker (each imports the parser and loads
# the act reader's models): below this many bytes of WARC files still to read (about 450
# sandbox exchanges) the one process reads them itself.
POOL_MIN_BYTES = 2 * 1024 * 1024


def _pooled_records(
    con: duckdb.DuckDBPyConnection,
    archive_dir: Path,
    rebuild: bool,
    record_reader: RecordReader,
    workers: int | None,
) -> tuple[Iterator[ReadResponse], list[tuple[str, int]]] | None:
    """The archive's unread records as a pool of `workers` processes reads them (see
    `kartoteka.store.pool`), and the closed files this read will have finished; None when
    one process is to read them: one worker asked for, little to read, or a reader that
    cannot be sent to another process (a test's lambda)."""
    from kartoteka.store import pool

    count = pool.machine_workers() if workers is None else max(1, workers)
    if count < 2:
        return None
    todo, closed = files_to_read(con, archive_dir, rebuild)
    done: dict[str, list[int]] = defaultdict(list)
    if not rebuild and todo:
        for name, offset in con.execute(
            "SELECT warc_file, warc_offset FROM fetch_log WHERE list_contains(?, warc_file)",
            [todo],
        ).fetchall():
            done[name].append(int(offset))
    # New records are appended: what a file holds after its last ingested record.
    unread = sum((archive_dir / name).stat().st_size - max(done.get(name, [0])) for name in todo)
    if unread < POOL_MIN_BYTES or not pool.can_ship(record_reader):
        return None
    return pool.read_in_pool(record_reader, archive_dir, todo, dict(done), count), closed


def name_policy(data_dir: DataDir, keep_names: bool | None = None) -> NamePolicy:
    """The policy of an installation: its secret, and the opt-in (flag, else config)."""
    keep = keep_names_configured(data_dir) if keep_names is None else keep_names
    return NamePolicy(load_or_create_secret(data_dir), keep)


def ingest(
    data_dir: DataDir,
    *,
    archive: Path | None = None,
    rebuild: bool = False,
    keep_names: bool | None = None,
    reader: PageReader | None = None,
    workers: int | None = None,
) -> IngestSummary:
    """`kartoteka ingest`: read the archive's new response records into the store, parsing
    on `workers` processes (default: every core; the store is the same at any count)."""
    archive_dir = archive or data_dir.archive
    policy = name_policy(data_dir.ensure(), keep_names)
    con = connect(data_dir)
    try:
        record_reader = RecordReader(policy, reader or default_reader())
        pooled = _pooled_records(con, archive_dir, rebuild, record_reader, workers)
        if pooled is not None:
            read_records, closed = pooled
            summary = ingest_records(
                con, read_records, policy, reader, rebuild=rebuild, reading=already_read
            )
        else:
            with _unread_records(con, archive_dir, rebuild) as (records, closed):
                summary = ingest_records(con, records, policy, reader, rebuild=rebuild)
        if closed:
            con.executemany("INSERT OR REPLACE INTO ingested_files VALUES (?, ?)", closed)
        return summary
    finally:
        con.close()


def files_to_read(
    con: duckdb.DuckDBPyConnection, archive_dir: Path, rebuild: bool
) -> tuple[list[str], list[tuple[str, int]]]:
    """The archive's WARC files still to read, in writing order (all of them on a rebuild;
    else all but the closed ones already read to their end), and the closed files this read
    will have finished (name, size): the newest file may still grow, so it is never closed."""
    from kartoteka.harvest.warc import warc_files

    names = warc_files(archive_dir)
    sizes = {n: (archive_dir / n).stat().st_size for n in names}
    closed = [(n, sizes[n]) for n in names[:-1]]
    done = (
        {}
        if rebuild
        else dict(con.execute("SELECT warc_file, size_bytes FROM ingested_files").fetchall())
    )
    return [n for n in names if done.get(n) != sizes[n]], closed


@contextlib.contextmanager
def _unread_records(
    con: duckdb.DuckDBPyConnection, archive_dir: Path, rebuild: bool
) -> Iterator[tuple[Iterable[ResponseRecord], list[tuple[str, int]]]]:
    """The archive's response records, skipping closed WARC files already read to their end,
    and the closed files this read will have finished (name, size).

    Skipping uses a view of the archive (a temporary directory of links to the files still to
    read) so that the harvest stage's reader, with its torn-tail handling, reads them; where
    links cannot be made, the whole archive is read (slower, same result)."""
    from kartoteka.harvest.warc import warc_files
    from kartoteka.store.warcread import iter_responses_fast as iter_responses

    names = warc_files(archive_dir)
    todo, closed = files_to_read(con, archive_dir, rebuild)
    if len(todo) == len(names):
        yield (iter_responses(archive_dir) if names else iter(())), closed
        return
    with tempfile.TemporaryDirectory(prefix="kartoteka-ingest-") as view:
        try:
            for name in todo:
                os.symlink(archive_dir.resolve() / name, Path(view) / name)
        except OSError:
            yield iter_responses(archive_dir), closed
            return
        yield iter_responses(view), closed

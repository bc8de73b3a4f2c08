"""The store's schema as an ordered list of migrations.

Each migration is applied once, in order, inside a transaction, and recorded in
`schema_version`. A committed migration is never edited: a schema change is a new migration
at the end of the list (an installation may have a store built by any earlier release).

Conventions:
- times are `TIMESTAMP` in UTC (naive), dates are `DATE`;
- every row that came from a page carries `(warc_file, warc_offset)`, the WARC record it was
  read from (see `fetch_log`), so every number can be traced to its evidence;
- `cases` (and `case_charges`) are derived tables, recomputed from the append-only history
  (`case_versions`, `observations`, `listing_pages`) at the end of every ingest, so an
  incremental ingest and a rebuild from the archive give the same content.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "court registry",
        """
CREATE TABLE courts (
    code         VARCHAR PRIMARY KEY,  -- vnkod, e.g. 27GV0008
    name         VARCHAR NOT NULL,
    level        VARCHAR NOT NULL,     -- garrison | district | fleet | appellate | cassation
    host         VARCHAR NOT NULL,
    region_code  VARCHAR,
    region       VARCHAR,
    district     VARCHAR,              -- code of the superior district/fleet court, if known
    dialect      VARCHAR,              -- classic | vnkod | NULL (unknown, detected later)
    captcha_seen BOOLEAN,
    position     INTEGER NOT NULL      -- order of the imported registry
);
""",
    ),
    Migration(
        2,
        "cases, versions, observations, provenance",
        """
CREATE TABLE store_settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- One row per WARC response record read by ingest: the provenance of everything else.
CREATE TABLE fetch_log (
    warc_file       VARCHAR NOT NULL,
    warc_offset     BIGINT NOT NULL,
    record_id       VARCHAR,
    url             VARCHAR NOT NULL,
    fetched_at      TIMESTAMP NOT NULL,
    court_code      VARCHAR,
    status          INTEGER,
    fetch_page_kind VARCHAR,   -- as classified by the harvester at fetch time
    page_kind       VARCHAR,   -- as read by the parser at ingest
    template        VARCHAR,
    simulated       BOOLEAN NOT NULL,
    run_id          VARCHAR,
    parser_version  VARCHAR,   -- kartoteka.sudrf.PARSER_VERSION at ingest
    PRIMARY KEY (warc_file, warc_offset)
);

-- Pages (or listing rows) that could not be read: kept in the archive, reported here.
CREATE TABLE parse_failures (
    warc_file   VARCHAR NOT NULL,
    warc_offset BIGINT NOT NULL,
    row_position INTEGER NOT NULL,  -- -1 for the whole page, else the listing row
    url         VARCHAR NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    court_code  VARCHAR,
    reason      VARCHAR NOT NULL,
    PRIMARY KEY (warc_file, warc_offset, row_position)
);

-- One row per listing page: the window it answers and the site's own counter.
CREATE TABLE listing_pages (
    warc_file   VARCHAR NOT NULL,
    warc_offset BIGINT NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    run_key     VARCHAR NOT NULL,   -- harvest run id, else the UTC date of the fetch
    window_key  VARCHAR NOT NULL,   -- court|instance|entry_from|entry_to|article
    court_code  VARCHAR NOT NULL,
    instance    VARCHAR,
    entry_from  DATE,
    entry_to    DATE,
    article     VARCHAR NOT NULL,
    page        INTEGER NOT NULL,
    total       INTEGER,            -- "Всего по запросу найдено — N"
    rows        INTEGER NOT NULL,
    PRIMARY KEY (warc_file, warc_offset)
);

-- What a case looked like, one row per distinct content per source (card or listing row).
-- A new version is written only when the content differs from the case's previous version
-- from the same source; `version` numbers a case's versions in archive order.
CREATE TABLE case_versions (
    case_key         VARCHAR NOT NULL,   -- court_code/instance/case_id
    version          INTEGER NOT NULL,
    source           VARCHAR NOT NULL,   -- card | listing
    court_code       VARCHAR NOT NULL,
    instance         VARCHAR NOT NULL,   -- first | appeal | cassation
    case_id          VARCHAR NOT NULL,   -- the site's case_id / _id
    content_hash     VARCHAR NOT NULL,
    first_seen_at    TIMESTAMP NOT NULL,
    last_seen_at     TIMESTAMP NOT NULL, -- derived: latest observation of this version
    warc_file        VARCHAR NOT NULL,   -- the record this content was first read from
    warc_offset      BIGINT NOT NULL,
    simulated        BOOLEAN NOT NULL,
    uid              VARCHAR,
    uid_valid        BOOLEAN,
    case_number      VARCHAR,
    case_number_raw  VARCHAR,
    entry_date       DATE,
    judge            VARCHAR,
    category         VARCHAR,
    result_raw       VARCHAR,
    result_date      DATE,
    legal_force_date DATE,
    outcome          VARCHAR NOT NULL,   -- see kartoteka.store.outcomes
    n_defendants     INTEGER NOT NULL,
    n_charges        INTEGER NOT NULL,
    principal_article VARCHAR,           -- kartoteka.registry.articles.principal_article
    principal_charge  VARCHAR,           -- its article.part key, e.g. 337.5
    content          JSON NOT NULL,      -- the parsed record after the privacy rules
    PRIMARY KEY (case_key, version)
);

-- Every sighting of a case: one per card fetch, one per listing row.
CREATE TABLE observations (
    warc_file    VARCHAR NOT NULL,
    warc_offset  BIGINT NOT NULL,
    row_position INTEGER NOT NULL,   -- 0 for a card, the row index for a listing
    case_key     VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    fetched_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (warc_file, warc_offset, row_position)
);

CREATE TABLE defendants (
    case_key     VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    initials     VARCHAR,            -- "И.И.И." (NULL when the name is hidden)
    name_hash    VARCHAR,            -- HMAC-SHA256 of the normalised name, per installation
    name         VARCHAR,            -- only with the keep-names opt-in
    name_hidden  BOOLEAN NOT NULL,   -- "Информация скрыта"
    charges_raw  VARCHAR,
    result_raw   VARCHAR,
    result_date  DATE,
    PRIMARY KEY (case_key, version, position)
);

CREATE TABLE charges (
    case_key     VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    defendant    INTEGER NOT NULL,   -- defendants.position
    position     INTEGER NOT NULL,
    code         VARCHAR,            -- "УК РФ"
    article      VARCHAR NOT NULL,   -- "337", "352.1"
    part         VARCHAR,            -- "5", "2.1"
    point        VARCHAR,            -- "б"
    charge_key   VARCHAR NOT NULL,   -- "337.5"
    raw          VARCHAR,
    mobilisation BOOLEAN NOT NULL,   -- a part added by 365-ФЗ for mobilisation / wartime
    PRIMARY KEY (case_key, version, defendant, position)
);

CREATE TABLE events (
    case_key  VARCHAR NOT NULL,
    version   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    name      VARCHAR,
    date      DATE,
    time      VARCHAR,
    place     VARCHAR,
    result    VARCHAR,
    basis     VARCHAR,
    note      VARCHAR,
    published DATE,
    PRIMARY KEY (case_key, version, position)
);

CREATE TABLE acts (
    case_key    VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    title       VARCHAR,
    number      VARCHAR,
    date        DATE,
    url         VARCHAR,
    text_chars  INTEGER,            -- NULL: no text on the page
    text_sha256 VARCHAR,
    text        VARCHAR,            -- only with the keep-names opt-in (acts name people)
    PRIMARY KEY (case_key, version, position)
);

-- Derived (recomputed by every ingest): the case as currently known.
CREATE TABLE cases (
    case_key          VARCHAR PRIMARY KEY,
    court_code        VARCHAR NOT NULL,
    instance          VARCHAR NOT NULL,   -- first | appeal | cassation
    case_id           VARCHAR NOT NULL,
    uid               VARCHAR,
    case_number       VARCHAR,
    entry_date        DATE,
    result_raw        VARCHAR,
    result_date       DATE,
    outcome           VARCHAR NOT NULL,
    principal_article VARCHAR,
    principal_charge  VARCHAR,
    n_defendants      INTEGER NOT NULL,
    info_version      INTEGER NOT NULL,   -- version the case fields come from
    charges_version   INTEGER NOT NULL,   -- version the charges and defendants come from
    first_seen_at     TIMESTAMP NOT NULL,
    last_seen_at      TIMESTAMP NOT NULL,
    removed_at        TIMESTAMP,          -- first complete listing without it (never deleted)
    simulated         BOOLEAN NOT NULL
);

-- Derived: distinct (case, article, part) of each case's current charges.
CREATE TABLE case_charges (
    case_key     VARCHAR NOT NULL,
    article      VARCHAR NOT NULL,
    part         VARCHAR,
    charge_key   VARCHAR NOT NULL,
    mobilisation BOOLEAN NOT NULL
);
""",
    ),
    Migration(
        3,
        "charge lists on cases, for fast multi-label filters",
        """
ALTER TABLE cases ADD COLUMN articles VARCHAR[];     -- distinct articles charged, sorted
ALTER TABLE cases ADD COLUMN charge_keys VARCHAR[];  -- distinct article.part keys, sorted
""",
    ),
    Migration(
        4,
        "fill the charge lists of cases ingested before migration 3",
        """
UPDATE cases SET articles = l.articles, charge_keys = l.charge_keys
FROM (SELECT case_key, version, list(DISTINCT article ORDER BY article) AS articles,
             list(DISTINCT charge_key ORDER BY charge_key) AS charge_keys
      FROM charges GROUP BY case_key, version) l
WHERE l.case_key = cases.case_key AND l.version = cases.charges_version
  AND cases.articles IS NULL;
UPDATE cases SET articles = [], charge_keys = [] WHERE articles IS NULL;
""",
    ),
    Migration(
        5,
        "WARC files read to their end, so that ingest skips them",
        """
-- A WARC file is closed once a newer one exists (every writer starts a new file): when
-- ingest has read a closed file to its end, later ingests need not read it again.
CREATE TABLE ingested_files (
    warc_file  VARCHAR PRIMARY KEY,
    size_bytes BIGINT NOT NULL
);
""",
    ),
    Migration(
        6,
        "registry merges: inactive courts, previous hosts, the registry's change log",
        """
-- A court gone from a newer registry is kept (its cases refer to it) but marked inactive.
ALTER TABLE courts ADD COLUMN active BOOLEAN DEFAULT true;
ALTER TABLE courts ADD COLUMN previous_hosts VARCHAR[] DEFAULT [];
UPDATE courts SET active = true WHERE active IS NULL;
UPDATE courts SET previous_hosts = [] WHERE previous_hosts IS NULL;

-- What each `courts import` changed, one row per change (append-only).
CREATE TABLE court_registry_changes (
    imported_at TIMESTAMP NOT NULL,
    source      VARCHAR,             -- the file imported
    court_code  VARCHAR NOT NULL,
    change      VARCHAR NOT NULL,    -- kartoteka.registry.courts.ChangeKind
    old_value   VARCHAR,
    new_value   VARCHAR,
    position    INTEGER NOT NULL     -- order of the change within its import
);
""",
    ),
    Migration(
        7,
        "what changed between harvests; saved searches and their notifications",
        """
-- Derived (recomputed by ingest from the history, see kartoteka.store.changes): one row per
-- harvest run ("epoch"), in the order of the last page it saw. Its changes are those between
-- the store as of its end and as of the previous epoch's end.
CREATE TABLE change_epochs (
    run_key          VARCHAR PRIMARY KEY, -- harvest run id, else the UTC date of the fetch
    started_at       TIMESTAMP NOT NULL,  -- first page of the run (seen time)
    ended_at         TIMESTAMP NOT NULL,  -- last page of the run: the epoch's cutoff
    previous_ended_at TIMESTAMP,          -- the span is (previous_ended_at, ended_at]
    records          BIGINT NOT NULL,     -- response records of the run
    simulated        BOOLEAN NOT NULL
);

-- Derived: what changed in each epoch. `change_id` is derived from the content (kind, case,
-- outcome, date), so a re-ingest or a rebuild gives the same ids and feeds never repeat.
CREATE TABLE changes (
    change_id        VARCHAR PRIMARY KEY,
    run_key          VARCHAR NOT NULL,    -- change_epochs.run_key
    seen_at          TIMESTAMP NOT NULL,  -- the epoch's ended_at
    -- new_case | new_outcome | removed | returned | revised_month
    kind             VARCHAR NOT NULL,
    case_key         VARCHAR,
    court_code       VARCHAR,
    instance         VARCHAR,
    case_id          VARCHAR,
    case_number      VARCHAR,
    entry_date       DATE,
    charge_keys      VARCHAR[],
    principal_charge VARCHAR,
    outcome          VARCHAR,             -- the case's outcome after the change
    previous_outcome VARCHAR,
    date             DATE,                -- result date, removal date or the epoch's date
    month            VARCHAR,             -- revised_month: YYYY-MM
    count_before     INTEGER,
    count_after      INTEGER,
    simulated        BOOLEAN NOT NULL
);

-- Saved searches (not derived: kept across --rebuild). `filters` holds the same fields as
-- `kartoteka stats` (kartoteka.stats.metrics.Filter) plus an outcome; notification URLs are
-- secrets and live in the data directory's config.toml, here only their hashed ids.
CREATE TABLE watches (
    name         VARCHAR PRIMARY KEY,
    filters      JSON NOT NULL,
    created_at   TIMESTAMP NOT NULL,   -- wall clock, for the record
    notify_after TIMESTAMP             -- notifications cover epochs ending after this
);

CREATE TABLE watch_targets (
    watch        VARCHAR NOT NULL,
    target_id    VARCHAR NOT NULL,     -- sha256 of the URL, first 16 hex digits
    label        VARCHAR NOT NULL,     -- the URL's scheme and host only
    notify_after TIMESTAMP,            -- this target gets changes of epochs ending after this
    PRIMARY KEY (watch, target_id)
);

-- One row per change delivered to a target: never sent twice.
CREATE TABLE watch_deliveries (
    watch        VARCHAR NOT NULL,
    target_id    VARCHAR NOT NULL,
    change_id    VARCHAR NOT NULL,
    delivered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (watch, target_id, change_id)
);

-- Failed attempts (retried with the next update).
CREATE TABLE watch_delivery_failures (
    watch        VARCHAR NOT NULL,
    target_id    VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    changes      INTEGER NOT NULL,
    error        VARCHAR NOT NULL
);
""",
    ),
    Migration(
        8,
        "judicial acts read: masked texts and one sentence per defendant",
        """
-- One row per act with a text on a card version (kartoteka.store.sentences): what the act
-- is, whether its text is published, and the text masked (kartoteka.acts.mask_text; the
-- original only with the keep-names opt-in). Rows follow case versions like `acts`.
CREATE TABLE act_readings (
    case_key           VARCHAR NOT NULL,
    version            INTEGER NOT NULL,
    position           INTEGER NOT NULL,   -- the act's position in `acts`
    doc_type           VARCHAR,            -- приговор, апелляционное определение ...
    date               DATE,
    published          BOOLEAN NOT NULL,   -- false: a stub or an attachment-only act
    unpublished_reason VARCHAR,
    ruling             VARCHAR,            -- appeal / cassation: upheld | changed | quashed
    text_masked        VARCHAR,            -- masked unless keep_names (then the original)
    text_chars         INTEGER,            -- length of the cleaned original text
    warc_file          VARCHAR NOT NULL,
    warc_offset        BIGINT NOT NULL,
    record_id          VARCHAR,
    parser_version     VARCHAR,
    PRIMARY KEY (case_key, version, position)
);

-- One row per defendant the operative part of an act names. Spans are offsets into the
-- cleaned original text of the act (`kartoteka.acts.read_act` of the archived record).
CREATE TABLE sentences (
    case_key         VARCHAR NOT NULL,
    version          INTEGER NOT NULL,
    act_position     INTEGER NOT NULL,
    defendant_index  INTEGER NOT NULL,
    defendant        VARCHAR,            -- initials or the court's mark, never the name
    name_hash        VARCHAR,            -- HMAC of the card defendant with these initials
    outcome          VARCHAR NOT NULL,   -- convicted | acquitted | terminated | other
    articles         VARCHAR[] NOT NULL, -- article.part of conviction, e.g. 337.5
    punishment       VARCHAR NOT NULL,
    term_months      INTEGER,
    term_hours       INTEGER,
    suspended        BOOLEAN NOT NULL,
    probation_months INTEGER,
    regime           VARCHAR,
    fine_rub         BIGINT,
    pay_withheld_pct INTEGER,
    additional       VARCHAR[] NOT NULL,
    below_minimum    BOOLEAN NOT NULL,
    release          VARCHAR,
    service          VARCHAR,            -- mobilised | contract | conscript
    span_start       INTEGER NOT NULL,
    span_end         INTEGER NOT NULL,
    warc_file        VARCHAR NOT NULL,
    warc_offset      BIGINT NOT NULL,
    record_id        VARCHAR,
    parser_version   VARCHAR,
    PRIMARY KEY (case_key, version, act_position, defendant_index)
);
""",
    ),
    Migration(
        9,
        "the history of every case as interval-valid states, for fast as-of figures",
        """
-- Derived (recomputed by every ingest, kartoteka.store.history): the columns of `cases` that
-- come from a case's versions (all but last_seen_at and removed_at), one row per span of
-- cutoffs over which they hold: as of a cutoff c (everything seen before c counts) the row
-- with valid_from < c <= valid_to (valid_to NULL: still). A span begins when a version is
-- first seen, so the rows are a case's versions grouped by their first_seen_at.
CREATE TABLE case_states (
    case_key          VARCHAR NOT NULL,
    valid_from        TIMESTAMP NOT NULL,  -- first_seen_at of the versions that begin it
    valid_to          TIMESTAMP,           -- the next such time (NULL: the current state)
    court_code        VARCHAR NOT NULL,
    instance          VARCHAR NOT NULL,
    case_id           VARCHAR NOT NULL,
    uid               VARCHAR,
    case_number       VARCHAR,
    entry_date        DATE,
    result_raw        VARCHAR,
    result_date       DATE,
    outcome           VARCHAR NOT NULL,
    principal_article VARCHAR,
    principal_charge  VARCHAR,
    n_defendants      INTEGER NOT NULL,
    info_version      INTEGER NOT NULL,
    charges_version   INTEGER NOT NULL,
    first_seen_at     TIMESTAMP NOT NULL,
    simulated         BOOLEAN NOT NULL,
    articles          VARCHAR[] NOT NULL,
    charge_keys       VARCHAR[] NOT NULL
);

-- Derived: each listing sighting (one window in one harvest run, removal_sql) whole, with
-- whether it is complete; an as-of cutoff inside a sighting's span falls back to the replay.
CREATE TABLE listing_sightings (
    window_key VARCHAR NOT NULL,
    run_key    VARCHAR NOT NULL,
    began      TIMESTAMP NOT NULL,
    ended      TIMESTAMP NOT NULL,
    complete   BOOLEAN NOT NULL,
    court_code VARCHAR NOT NULL,
    instance   VARCHAR NOT NULL,
    article    VARCHAR NOT NULL,
    entry_from DATE NOT NULL,
    entry_to   DATE NOT NULL,
    PRIMARY KEY (window_key, run_key)
);

-- Derived: the sightings of the cases that some cutoff could show as removed (a superset:
-- a complete listing covering the case began after it was listed and did not show it),
-- with the listing window and run of each (NULL for a card).
CREATE TABLE removal_evidence (
    case_key   VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    window_key VARCHAR,
    run_key    VARCHAR
);

-- Derived: the receipt date the removal rule compares with windows (that of the latest
-- version that has one), over spans of cutoffs as in case_states, for the same cases.
CREATE TABLE removal_receipts (
    case_key   VARCHAR NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to   TIMESTAMP,
    entry_date DATE
);
""",
    ),
    Migration(
        10,
        "judicial acts read from their own pages (name_op=doc)",
        """
-- One row per distinct reading of an act page (`name_op=doc`) of a case
-- (kartoteka.store.sentences.page_act_rows): like `act_readings`, but the act is its own
-- record, not part of a card version. A new `page_version` is written only when what the
-- page says changed; `seen_at` is the first fetch that said it ("as of" a date, the metrics
-- read the latest version seen by then).
CREATE TABLE act_pages (
    case_key           VARCHAR NOT NULL,   -- court of the record, instance from delo_id, number
    act_number         VARCHAR NOT NULL,   -- text_number of the URL: "Судебный акт #N" on the card
    page_version       INTEGER NOT NULL,
    url                VARCHAR NOT NULL,
    seen_at            TIMESTAMP NOT NULL,
    doc_type           VARCHAR,
    date               DATE,
    published          BOOLEAN NOT NULL,
    unpublished_reason VARCHAR,
    ruling             VARCHAR,
    text_masked        VARCHAR,            -- masked unless keep_names (then the original)
    text_chars         INTEGER,
    content_hash       VARCHAR NOT NULL,   -- of the reading as stored
    warc_file          VARCHAR NOT NULL,
    warc_offset        BIGINT NOT NULL,
    record_id          VARCHAR,
    parser_version     VARCHAR,
    PRIMARY KEY (case_key, act_number, page_version)
);

-- One row per defendant the operative part of an act page names: the columns of
-- `sentences`, keyed by the act page's version instead of a card version.
CREATE TABLE act_page_sentences (
    case_key         VARCHAR NOT NULL,
    act_number       VARCHAR NOT NULL,
    page_version     INTEGER NOT NULL,
    defendant_index  INTEGER NOT NULL,
    defendant        VARCHAR,
    name_hash        VARCHAR,            -- NULL: the page alone names no card defendant
    outcome          VARCHAR NOT NULL,
    articles         VARCHAR[] NOT NULL,
    punishment       VARCHAR NOT NULL,
    term_months      INTEGER,
    term_hours       INTEGER,
    suspended        BOOLEAN NOT NULL,
    probation_months INTEGER,
    regime           VARCHAR,
    fine_rub         BIGINT,
    pay_withheld_pct INTEGER,
    additional       VARCHAR[] NOT NULL,
    below_minimum    BOOLEAN NOT NULL,
    release          VARCHAR,
    service          VARCHAR,
    span_start       INTEGER NOT NULL,
    span_end         INTEGER NOT NULL,
    warc_file        VARCHAR NOT NULL,
    warc_offset      BIGINT NOT NULL,
    record_id        VARCHAR,
    parser_version   VARCHAR,
    PRIMARY KEY (case_key, act_number, page_version, defendant_index)
);
""",
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version

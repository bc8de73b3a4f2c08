"""A small store built through the store stage's public API (synthetic archive → ingest),
shared by the web tests. Names are invented; one card carries an HTML body so that the
evidence view has a real page to mask."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kartoteka.harvest.warc import WarcWriter
from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.store.courts import import_courts
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import SyntheticArchive, card, defendant, row
from kartoteka.sudrf.encoding import encode_page
from kartoteka.sudrf.models import Event, Page, PageKind, Template
from kartoteka.sudrf.urls import card_url

COURTS = [
    Court(
        "27GV0008",
        "Пермский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "ugvs.prm.sudrf.ru",
        "59",
        "Пермский край",
    ),
    Court(
        "27GV0001",
        "Екатеринбургский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "egvs.svd.sudrf.ru",
        "66",
        "Свердловская область",
    ),
    Court(
        "27OV0000",
        "Центральный окружной военный суд",
        CourtLevel.DISTRICT,
        "covs.svd.sudrf.ru",
        "66",
        "Свердловская область",
    ),
    Court(
        "39GV0005",
        "224 гарнизонный военный суд",
        CourtLevel.GARRISON,
        "224gvs.spb.sudrf.ru",
        "78",
        "Санкт-Петербург",
    ),
]

EVIDENCE_NAME = "Выдумкин Тестослав Примерович"
EVIDENCE_CASE_ID = "9001"
FIRST_HARVEST = dt.date(2025, 3, 1)  # saw the cases received up to the end of February
SECOND_HARVEST = dt.date(2025, 7, 10)  # saw everything


@dataclass(frozen=True)
class TruthCase:
    """What the fixture put into the archive, for tests to count independently."""

    court: str
    article: str
    part: str
    entry_date: dt.date
    outcome: str
    result_date: dt.date | None
    first_seen: dt.date


@dataclass(frozen=True)
class WebStore:
    data_dir: DataDir
    truth: list[TruthCase]
    evidence_ref: tuple[str, int]  # (warc_file, offset) of the HTML card

    @property
    def n_cases(self) -> int:
        return len(self.truth)


def _fetched(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


# 27GV0008's 337 window spans two listing pages (25 rows a page): nothing may be "removed".
PLAN = [
    ("27GV0008", "ugvs.prm.sudrf.ru", "337", "5", 40),
    ("27GV0008", "ugvs.prm.sudrf.ru", "338", "3", 8),
    ("27GV0001", "egvs.svd.sudrf.ru", "332", "2.1", 12),
    ("39GV0005", "224gvs.spb.sudrf.ru", "337", "3.1", 20),
]


def build_store(root: Path) -> WebStore:
    data_dir = DataDir(root).ensure()
    import_courts(data_dir, COURTS)
    archive = SyntheticArchive(data_dir.archive)
    truth: list[TruthCase] = []
    serial = 0
    for court_code, host, article, part, count in PLAN:
        charges = f"ст.{article} ч.{part} УК РФ"
        rows = []
        for _ in range(count):
            serial += 1
            month_index = (serial * 7) % 18  # receipts spread over 2024-01 .. 2025-06
            entry = dt.date(2024 + month_index // 12, month_index % 12 + 1, 1 + serial % 27)
            kind = ("verdict", "terminated", "pending")[serial % 3 - 1 if serial % 3 else 2]
            result = {
                "verdict": "Вынесен ПРИГОВОР",
                "terminated": "Уголовное дело ПРЕКРАЩЕНО",
                "pending": None,
            }[kind]
            result_date = entry + dt.timedelta(days=45) if result else None
            first_seen = FIRST_HARVEST if entry < FIRST_HARVEST else SECOND_HARVEST
            # what the first harvest saw is what the card said then: no later decisions
            rows.append(
                (
                    entry,
                    row(
                        str(2000 + serial),
                        f"1-{serial}/{entry.year}",
                        entry,
                        [defendant(f"Придуманов{serial} Иван Иванович", charges)],
                        result=result,
                        result_date=result_date,
                    ),
                )
            )
            truth.append(TruthCase(court_code, article, part, entry, kind, result_date, first_seen))
        early = [r for entry, r in rows if entry < FIRST_HARVEST]
        archive.write_listing(
            host,
            court_code,
            early,
            dt.date(2024, 1, 1),
            FIRST_HARVEST - dt.timedelta(days=1),
            _fetched(FIRST_HARVEST),
            article=article,
        )
        archive.write_listing(
            host,
            court_code,
            [r for _, r in rows],
            dt.date(2024, 1, 1),
            dt.date(2025, 6, 30),
            _fetched(SECOND_HARVEST),
            article=article,
        )
    # One case with a card: events, a verdict, and an HTML body for the evidence view.
    entry = dt.date(2025, 2, 3)
    the_card = card(
        "1-77/2025",
        entry,
        [defendant(EVIDENCE_NAME, "ст.337 ч.5 УК РФ", result="Приговор")],
        result="Вынесен ПРИГОВОР",
        result_date=dt.date(2025, 4, 1),
        events=[
            Event("Регистрация поступившего в суд дела", entry),
            Event("Судебное заседание", dt.date(2025, 3, 20), result="Отложено"),
            Event("Вынесен приговор", dt.date(2025, 4, 1)),
        ],
    )
    html = (
        "<html><head><meta charset='windows-1251'><title>Карточка дела</title>"
        "<script>alert('x')</script></head><body><h1>Дело № 1-77/2025</h1>"
        f"<p>Подсудимый: {EVIDENCE_NAME} (ст.337 ч.5 УК РФ)</p>"
        "<p>Судья Судейкин С.С.</p></body></html>"
    )
    body = encode_page(html)
    page = Page(PageKind.CARD, Template.CLASSIC, card=the_card)
    archive.book.pages[body] = page  # the synthetic reader answers this body with `page`
    archive.close()
    url = card_url("ugvs.prm.sudrf.ru", "classic", EVIDENCE_CASE_ID, None)
    with WarcWriter(data_dir.archive) as writer:
        ref = writer.write_exchange(
            url,
            {"User-Agent": "kartoteka-tests"},
            200,
            [("Content-Type", "text/html; charset=windows-1251")],
            body,
            "27GV0008",
            "card",
            True,
            "run-2",
            _fetched(dt.date(2025, 7, 11)),
        )
    truth.append(
        TruthCase(
            "27GV0008", "337", "5", entry, "verdict", dt.date(2025, 4, 1), dt.date(2025, 7, 11)
        )
    )
    ingest(data_dir, reader=archive.book)
    return WebStore(data_dir=data_dir, truth=truth, evidence_ref=ref)

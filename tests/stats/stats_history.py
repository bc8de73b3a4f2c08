"""A small synthetic history with known answers: two courts, two harvest runs a month apart,
late-published cases, a verdict, a suspension, a removal and an appeal."""

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from kartoteka.paths import DataDir
from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.store.synthetic import SyntheticArchive, card, defendant, row
from kartoteka.sudrf.models import Event
from kartoteka.sudrf.urls import Instance

COURTS = [
    Court(
        "27OV0000",
        "1-й Восточный окружной военный суд",
        CourtLevel.DISTRICT,
        "1vovs.hbr.sudrf.ru",
        "27",
        "Хабаровский край",
    ),
    Court(
        "27GV0008",
        "Уссурийский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "ugvs.prm.sudrf.ru",
        "25",
        "Приморский край",
    ),
    Court(
        "54GV0003",
        "Барнаульский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "bgvs.alt.sudrf.ru",
        "22",
        "Алтайский край",
    ),
]
HOST = {c.code: c.host for c in COURTS}
RUN1 = dt.datetime(2024, 2, 5, 10, tzinfo=dt.UTC)
RUN2 = dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)


@dataclass
class Case:
    court: str
    case_id: str
    entry: dt.date
    charges: str
    defendants: int = 1
    first_run: int = 1  # the run whose listing first shows it
    result: str | None = None
    result_date: dt.date | None = None
    result_run: int = 1  # the run whose card shows the result
    suspended: bool = False
    removed_in_run2: bool = False

    @property
    def uid(self) -> str:
        return f"{self.court}-01-{self.entry.year}-{int(self.case_id):06d}-00"

    @property
    def number(self) -> str:
        return f"1-{self.case_id}/2024"


CASES = [
    Case("27GV0008", "1", dt.date(2023, 11, 3), "ст.337 ч.5 УК РФ"),
    Case(
        "27GV0008",
        "2",
        dt.date(2023, 12, 1),
        "ст.337 ч.5; ст.338 ч.3 УК РФ",
        2,
        result="Вынесен ПРИГОВОР",
        result_date=dt.date(2024, 1, 30),
    ),
    Case(
        "27GV0008",
        "3",
        dt.date(2024, 1, 10),
        "ст.332 ч.2.1 УК РФ",
        result="Вынесен ПРИГОВОР",
        result_date=dt.date(2024, 2, 20),
        result_run=2,
    ),
    Case("27GV0008", "4", dt.date(2024, 1, 20), "ст.337 ч.3.1 УК РФ", first_run=2),
    Case("27GV0008", "5", dt.date(2024, 1, 25), "ст.337 ч.5 УК РФ", suspended=True),
    Case("27GV0008", "6", dt.date(2024, 1, 28), "ст.352.1 УК РФ", removed_in_run2=True),
    Case(
        "54GV0003",
        "7",
        dt.date(2024, 1, 12),
        "ст.337 ч.5 УК РФ",
        result="Уголовное дело ПРЕКРАЩЕНО",
        result_date=dt.date(2024, 1, 31),
    ),
    Case("54GV0003", "8", dt.date(2024, 2, 14), "ст.338 ч.3 УК РФ", first_run=2),
    Case(
        "54GV0003",
        "9",
        dt.date(2024, 2, 26),
        "ст.337 ч.5 УК РФ",
        3,
        first_run=2,
        result="ВОЗВРАЩЕНО ПРОКУРОРУ",
        result_date=dt.date(2024, 3, 1),
        result_run=2,
    ),
]


@dataclass
class History:
    data_dir: DataDir
    cases: list[Case] = field(default_factory=lambda: list(CASES))

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.data_dir.store), read_only=True)


def _defendants(case: Case):
    return [
        defendant(f"Подсудимый{case.case_id}-{n} Иван Иванович", case.charges)
        for n in range(case.defendants)
    ]


def _row(case: Case, decided: bool):
    return row(
        case.case_id,
        case.number,
        case.entry,
        _defendants(case),
        result=case.result if decided else None,
        result_date=case.result_date if decided else None,
    )


def write_run(arc: SyntheticArchive, run: int) -> None:
    when = RUN1 if run == 1 else RUN2
    arc.run_id = f"run-{run}"
    for court in ("27GV0008", "54GV0003"):
        visible = [
            c
            for c in CASES
            if c.court == court and c.first_run <= run and not (run == 2 and c.removed_in_run2)
        ]
        rows = [_row(c, c.result is not None and c.result_run <= run) for c in visible]
        arc.write_listing(
            HOST[court], court, rows, dt.date(2023, 1, 1), dt.date(2024, 12, 31), when, article=""
        )
        for n, c in enumerate(visible):
            events = (
                [
                    Event(
                        "Судебное заседание",
                        c.entry + dt.timedelta(days=10),
                        result="Производство по делу приостановлено",
                    )
                ]
                if c.suspended
                else []
            )
            decided = c.result is not None and c.result_run <= run
            arc.write_card(
                HOST[court],
                court,
                c.case_id,
                card(
                    c.number,
                    c.entry,
                    _defendants(c),
                    result=c.result if decided else None,
                    result_date=c.result_date if decided else None,
                    events=events,
                    uid=c.uid,
                ),
                when + dt.timedelta(minutes=10 + n),
            )
    if run == 2:  # an appeal at the district court against case 2's verdict
        arc.write_card(
            HOST["27OV0000"],
            "27OV0000",
            "501",
            card(
                "22-11/2024",
                dt.date(2024, 2, 15),
                _defendants(CASES[1]),
                result="Приговор оставлен БЕЗ ИЗМЕНЕНИЯ",
                result_date=dt.date(2024, 3, 1),
                uid=CASES[1].uid,  # the UID follows the case to appeal
            ),
            RUN2 + dt.timedelta(hours=2),
            instance=Instance.APPEAL,
        )
    arc.close()

"""The claim reader on a table of (text, expected) written from the language: each row is one
wording a news text uses for a quantity, a comparator, an article, a period, a place, a rate
or a comparison, in Russian or English. Only the fields a row names are compared."""

from __future__ import annotations

import datetime as dt

import pytest

from kartoteka.claims import annotate, publication_date, read_claims
from kartoteka.registry.courts import Court, CourtLevel

PUBLISHED = dt.date(2024, 8, 12)
COURTS = [
    Court(
        "63GV0006",
        "Пермский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "p",
        "59",
        "Пермский край",
    ),
    Court(
        "78GV0009",
        "Псковский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "s",
        "60",
        "Псковская область",
    ),
    Court(
        "39GV0005",
        "224 гарнизонный военный суд",
        CourtLevel.GARRISON,
        "x",
        "78",
        "Город Санкт-Петербург",
    ),
    Court(
        "77GV0001",
        "Московский гарнизонный военный суд",
        CourtLevel.GARRISON,
        "m",
        "77",
        "Город Москва",
    ),
]
REFUSAL = ["332", "337", "338", "339", "352.1"]

SEED_1 = (
    "Since the start of mobilisation in September 2022, over 13,000 cases concerning refusal to "
    "fight on the front line have been submitted to Russian courts."
)
SEED_2 = (
    "By the end of July this year, there have already been more cases than in the entire "
    "previous year."
)

ROWS: list[tuple[str, list[dict]]] = [
    # the seed sentences of issue 12
    (
        SEED_1,
        [
            {
                "quantity": "cases",
                "value": 13000,
                "comparator": "gt",
                "articles": REFUSAL,
                "from": "2022-09-21",
                "to": None,
            }
        ],
    ),
    # quantities
    (
        "В военные суды поступило 536 уголовных дел на 548 солдат.",
        [{"quantity": "cases", "value": 536}, {"quantity": "defendants", "value": 548}],
    ),
    ("Суды вынесли 8 594 приговора.", [{"quantity": "verdicts", "value": 8594}]),
    ("Осуждены 17 721 военнослужащий.", [{"quantity": "convicted", "value": 17721}]),
    ("17,721 soldiers have already been sentenced.", [{"quantity": "convicted", "value": 17721}]),
    ("10,085 people have been charged.", [{"quantity": "defendants", "value": 10085}]),
    (
        "На приговоры подано более 80 апелляционных жалоб.",
        [{"quantity": "appeals", "value": 80, "comparator": "gt"}],
    ),
    (
        "Defence lawyers filed 42 appeals in 2024.",
        [{"quantity": "appeals", "value": 42, "from": "2024-01-01", "to": "2024-12-31"}],
    ),
    # values: digits and words
    ("Поступило 13 000 дел.", [{"value": 13000}]),
    ("Поступило 13 тыс. дел.", [{"value": 13000}]),
    ("Поступило 2,5 тыс. дел.", [{"value": 2500}]),
    ("Поступило тринадцать тысяч дел.", [{"value": 13000}]),
    ("Поступило полторы тысячи дел.", [{"value": 1500}]),
    ("Поступило более двух тысяч дел.", [{"value": 2000, "comparator": "gt"}]),
    ("Courts received 1.5 thousand cases.", [{"value": 1500}]),
    ("Courts received twenty-five cases.", [{"value": 25}]),
    ("A thousand cases reached the courts.", [{"value": 1000}]),
    # comparators
    ("Поступило не менее 500 дел.", [{"comparator": "ge"}]),
    ("Поступило менее 100 дел.", [{"comparator": "lt"}]),
    ("Поступило почти 3000 дел.", [{"comparator": "about"}]),
    ("Поступило около 3000 дел.", [{"comparator": "about"}]),
    ("Поступило свыше 3000 дел.", [{"comparator": "gt"}]),
    ("Courts received at least 500 cases.", [{"comparator": "ge"}]),
    ("Courts received fewer than 100 cases.", [{"comparator": "lt"}]),
    ("Courts received no more than 100 cases.", [{"comparator": "le"}]),
    ("Courts received nearly 7,400 cases.", [{"comparator": "about"}]),
    ("Courts received 500 or more cases.", [{"comparator": "ge"}]),
    # articles by number and by name
    ("Поступило 120 дел по ч. 5 ст. 337 УК РФ.", [{"articles": ["337"], "parts": ["337.5"]}]),
    ("Поступило 120 дел по статьям 337 и 338.", [{"articles": ["337", "338"], "parts": None}]),
    (
        "Courts received 120 cases under part 5 of Article 337.",
        [{"articles": ["337"], "parts": ["337.5"]}],
    ),
    (
        "Courts received 120 cases under Article 337(5).",
        [{"articles": ["337"], "parts": ["337.5"]}],
    ),
    ("Поступило 120 дел о дезертирстве.", [{"articles": ["338"]}]),
    ("Поступило 120 дел о самоволке.", [{"articles": ["337"]}]),
    ("Поступило 120 дел о самовольном оставлении части.", [{"articles": ["337"]}]),
    ("Поступило 120 дел о неисполнении приказа.", [{"articles": ["332"]}]),
    ("Courts received 120 AWOL cases.", [{"articles": ["337"]}]),
    ("Courts received 120 cases of unauthorised absence.", [{"articles": ["337"]}]),
    ("Courts received 120 insubordination cases.", [{"articles": ["332"]}]),
    ("Courts received 12 cases of voluntary surrender.", [{"articles": ["352.1"]}]),
    ("Поступило 12 дел о добровольной сдаче в плен.", [{"articles": ["352.1"]}]),
    ("Courts received 120 cases of refusal to fight.", [{"articles": REFUSAL}]),
    (
        "Поступило 120 дел по мобилизационным статьям.",
        [{"articles": None, "mobilisation_parts": True}],
    ),
    (
        "Courts received 120 cases of AWOL during mobilisation.",
        [{"articles": ["337"], "mobilisation_parts": True}],
    ),
    (
        "Поступило 120 дел о преступлениях против военной службы.",
        [
            {
                "articles": [
                    "331",
                    "332",
                    "333",
                    "334",
                    "335",
                    "336",
                    "337",
                    "338",
                    "339",
                    "340",
                    "341",
                    "342",
                    "343",
                    "344",
                    "345",
                    "346",
                    "347",
                    "348",
                    "349",
                    "350",
                    "351",
                    "352",
                    "352.1",
                ]
            }
        ],
    ),
    # periods, relative to the publication date (12 August 2024)
    (
        "В первом полугодии 2023 года поступило 2076 дел.",
        [{"from": "2023-01-01", "to": "2023-06-30"}],
    ),
    (
        "In the first half of 2023, courts received 2,076 cases.",
        [{"from": "2023-01-01", "to": "2023-06-30"}],
    ),
    ("In May 2024 alone, 929 cases were brought.", [{"from": "2024-05-01", "to": "2024-05-31"}]),
    ("В мае поступило 929 дел.", [{"from": "2024-05-01", "to": "2024-05-31"}]),
    ("В сентябре поступило 929 дел.", [{"from": "2023-09-01", "to": "2023-09-30"}]),
    ("В 2023 году поступило 5517 дел.", [{"from": "2023-01-01", "to": "2023-12-31"}]),
    ("За год поступило 5517 дел.", [{"from": "2023-08-14", "to": "2024-08-12"}]),
    ("С начала года поступило 5517 дел.", [{"from": "2024-01-01", "to": "2024-08-12"}]),
    ("В прошлом году поступило 5517 дел.", [{"from": "2023-01-01", "to": "2023-12-31"}]),
    (
        "С января по июль 2024 года поступило 5204 дела.",
        [{"from": "2024-01-01", "to": "2024-07-31"}],
    ),
    (
        "In the first quarter of 2024, courts received 2,000 cases.",
        [{"from": "2024-01-01", "to": "2024-03-31"}],
    ),
    ("Since 21 September 2022, courts received 20,000 cases.", [{"from": "2022-09-21"}]),
    ("С начала мобилизации поступило 20 538 дел.", [{"from": "2022-09-21", "to": None}]),
    ("По состоянию на 1 июня поступило 20 538 дел.", [{"from": None, "to": "2024-06-01"}]),
    (
        "Courts received 5,204 cases between January and July 2024.",
        [{"from": "2024-01-01", "to": "2024-07-31"}],
    ),
    # courts and regions, matched against the registry
    ("В Пермский гарнизонный военный суд поступило 120 дел.", [{"court": "63GV0006"}]),
    (
        "В производстве Пермского гарнизонного военного суда находится 120 дел.",
        [{"court": "63GV0006"}],
    ),
    ("224-й гарнизонный военный суд получил 50 дел.", [{"court": "39GV0005"}]),
    (
        "В Псковской области возбудили 300 дел о дезертирстве.",
        [{"region": "Псковская область", "court": None}],
    ),
    ("В Москве возбудили 300 дел.", [{"region": "Город Москва"}]),
    ("The Perm garrison court received over 120 AWOL cases in 2025.", [{"court": "63GV0006"}]),
    ("The 224th garrison military court received 300 cases.", [{"court": "39GV0005"}]),
    ("In the Pskov region, 50 desertion cases were filed.", [{"region": "Псковская область"}]),
    ("In the Moscow region, 50 cases were filed.", [{"region": None}]),
    # rates
    ("About 100 verdicts a week are handed down.", [{"per": "week", "comparator": "about"}]),
    ("Суды выносят около 100 приговоров в неделю.", [{"per": "week", "quantity": "verdicts"}]),
    ("Courts receive 500 cases a month.", [{"per": "month"}]),
    ("Суды ежемесячно получают 500 дел.", [{"per": "month"}]),
    (
        "The courts were issuing 34-35 such verdicts per day.",
        [{"per": "day", "value": 34.5, "comparator": "about"}],
    ),
    (
        "In February 2024 courts received 718 cases in one month.",
        [{"per": None, "from": "2024-02-01", "to": "2024-02-29"}],
    ),
    # comparisons between periods
    (
        "В 2024 году дел стало вдвое больше, чем в 2023 году.",
        [
            {
                "value": None,
                "comparator": "about",
                "from": "2024-01-01",
                "to": "2024-12-31",
                "compare_to": {"from": "2023-01-01", "to": "2023-12-31", "factor": 2.0},
            }
        ],
    ),
    (
        "In 2024 the number of AWOL cases was double the amount of 2022.",
        [
            {
                "comparator": "about",
                "compare_to": {"from": "2022-01-01", "to": "2022-12-31", "factor": 2.0},
            }
        ],
    ),
    (
        "С начала года поступило больше дел, чем за весь прошлый год.",
        [
            {
                "comparator": "gt",
                "from": "2024-01-01",
                "to": "2024-08-12",
                "compare_to": {"from": "2023-01-01", "to": "2023-12-31", "factor": 1.0},
            }
        ],
    ),
    # shares and sentences: read, checked later as not checkable
    (
        "Более половины приговоров по статье о самоволке — условные.",
        [{"quantity": "share_suspended", "value": 0.5, "comparator": "gt", "articles": ["337"]}],
    ),
    (
        "Some 35% of the sentences were suspended.",
        [{"quantity": "share_suspended", "value": 0.35, "comparator": "about"}],
    ),
    # one defendant's term, or the law's maximum, is not a figure about sentences
    ("Суд приговорил его к 5 годам лишения свободы.", []),
    # sentences read from the published verdicts (issue 13): shares, counts, median terms
    (
        "More than half of the sentences under Article 337 are suspended.",
        [{"quantity": "share_suspended", "value": 0.5, "comparator": "gt", "articles": ["337"]}],
    ),
    (
        "Около 60 % осуждённых по статье о самоволке получили условные сроки.",
        [{"quantity": "share_suspended", "value": 0.6, "comparator": "about", "articles": ["337"]}],
    ),
    (
        "Real terms for 35 % of the mobilised against 28 % of contract soldiers.",
        [
            {
                "quantity": "share_sentences",
                "value": 0.35,
                "punishment": "imprisonment",
                "service": "mobilised",
            },
            {
                "quantity": "share_sentences",
                "value": 0.28,
                "punishment": "imprisonment",
                "service": "contract",
            },
        ],
    ),
    (
        "Реальные сроки получили 35 % мобилизованных и 28 % контрактников.",
        [
            {
                "quantity": "share_sentences",
                "value": 0.35,
                "punishment": "imprisonment",
                "service": "mobilised",
            },
            {
                "quantity": "share_sentences",
                "value": 0.28,
                "punishment": "imprisonment",
                "service": "contract",
            },
        ],
    ),
    (
        "Мобилизованные составили 40 % осуждённых.",
        [{"quantity": "share_sentences", "value": 0.4, "punishment": None, "service": "mobilised"}],
    ),
    (
        "The median term under ст.338 is 5 years.",
        [{"quantity": "sentence_term", "value": 60, "articles": ["338"], "statistic": "median"}],
    ),
    (
        "Медианный срок по ч. 1 ст. 338 — 5 лет и 6 месяцев.",
        [{"quantity": "sentence_term", "value": 66, "parts": ["338.1"], "statistic": "median"}],
    ),
    (
        "Медианный срок за дезертирство составил почти полтора года.",
        [{"quantity": "sentence_term", "value": 18, "comparator": "about", "articles": ["338"]}],
    ),
    (
        "In 2023 the average prison term for desertion was 4.5 years.",
        [{"quantity": "sentence_term", "value": 54, "statistic": "mean", "from": "2023-01-01"}],
    ),
    (
        "In 2023, 45 were sent to a disciplinary unit.",
        [
            {
                "quantity": "sentences",
                "value": 45,
                "punishment": "disciplinary_unit",
                "from": "2023-01-01",
                "to": "2023-12-31",
            }
        ],
    ),
    (
        "В 2023 году 120 военнослужащих были отправлены в дисциплинарную воинскую часть.",
        [{"quantity": "sentences", "value": 120, "punishment": "disciplinary_unit"}],
    ),
    (
        "12 человек приговорены к отбыванию наказания в колонии-поселении.",
        [
            {
                "quantity": "sentences",
                "value": 12,
                "punishment": "imprisonment",
                "regime": "settlement",
            }
        ],
    ),
    (
        "Fourteen soldiers were sentenced to a colony-settlement in 2024.",
        [{"quantity": "sentences", "value": 14, "regime": "settlement", "from": "2024-01-01"}],
    ),
    (
        "Суды отправили в колонию общего режима 40 мобилизованных.",
        [{"quantity": "sentences", "value": 40, "regime": "general", "service": "mobilised"}],
    ),
    (
        "Из 300 осуждённых по ст. 337 условные сроки получили 180.",
        [
            {"quantity": "convicted", "value": 300, "punishment": None},
            {
                "quantity": "sentences",
                "value": 180,
                "punishment": "suspended_imprisonment",
                "articles": ["337"],
            },
        ],
    ),
    (
        "Не менее 25 человек оштрафованы, ещё 10 получили штраф в 2024 году.",
        [
            {"quantity": "sentences", "value": 25, "comparator": "ge", "punishment": "fine"},
            {"quantity": "sentences", "value": 10, "punishment": "fine", "from": "2024-01-01"},
        ],
    ),
    (
        "Контрактники получают реальный срок реже, чем мобилизованные: 21 % против 40 %.",
        [
            {"quantity": "share_sentences", "value": 0.21, "service": "contract"},
            {"quantity": "share_sentences", "value": 0.4, "service": "mobilised"},
        ],
    ),
    (
        "In most of them (18 cases) the court imposed a suspended sentence.",
        [
            {"quantity": "share_suspended", "value": 0.5, "comparator": "gt"},
            {"quantity": "sentences", "value": 18, "punishment": "suspended_imprisonment"},
        ],
    ),
    (
        "В 2023 году поступило 500 дел о самовольном оставлении части; многим дали условные сроки.",
        [{"quantity": "cases", "value": 500, "punishment": None}],
    ),
    (
        "After appeal, 30 % of the sentences under Article 337 were suspended.",
        [
            {
                "quantity": "share_suspended",
                "value": 0.3,
                "unresolved": "a figure about sentences "
                "after appeal: the checker reads sentences as handed down at first instance",
            }
        ],
    ),
    (
        "В большинстве случаев суды назначали условные сроки.",
        [{"quantity": "share_suspended", "value": 0.5, "comparator": "gt"}],
    ),
    (
        "The majority of sentences for desertion are real prison terms.",
        [
            {
                "quantity": "share_sentences",
                "value": 0.5,
                "comparator": "gt",
                "articles": ["338"],
                "punishment": "imprisonment",
            }
        ],
    ),
    # "the majority" of something that is not sentences is no share
    ("The majority of cases (471) concern AWOL.", [{"quantity": "cases", "value": 471}]),
    (
        "Каждый третий осуждённый за самоволку получил реальный срок.",
        [
            {
                "quantity": "share_sentences",
                "value": 1 / 3,
                "comparator": "about",
                "articles": ["337"],
                "punishment": "imprisonment",
            }
        ],
    ),
    (
        "One in four convicted deserters was sent to a disciplinary battalion.",
        [{"quantity": "share_sentences", "value": 0.25, "punishment": "disciplinary_unit"}],
    ),
    # two groups compared without figures: the first named against the second
    (
        "Мобилизованные получают реальный срок немного чаще, чем контрактники.",
        [
            {
                "quantity": "share_sentences",
                "value": None,
                "comparator": "gt",
                "service": "mobilised",
                "punishment": "imprisonment",
            }
        ],
    ),
    (
        "Contract soldiers are less likely than the mobilised to get suspended sentences.",
        [
            {
                "quantity": "share_sentences",
                "value": None,
                "comparator": "lt",
                "service": "contract",
                "punishment": "suspended_imprisonment",
            }
        ],
    ),
    # suspended proceedings are not suspended sentences
    ("30% of cases were suspended.", []),
    # items of a first figure, periods counted in months, the year before the claim's own
    (
        "К концу мая 2025 года поступило 20 538 дел, из них 18 159 — по статье о самовольном "
        "оставлении части.",
        [
            {"value": 20538, "articles": None, "to": "2025-05-31"},
            {"value": 18159, "articles": ["337"], "to": "2025-05-31", "quantity": "cases"},
        ],
    ),
    (
        "За первые пять месяцев 2025 года суды получили 5 500 новых дел.",
        [{"from": "2025-01-01", "to": "2025-05-31"}],
    ),
    (
        "In the first five months of 2025, courts received 5,500 cases.",
        [{"from": "2025-01-01", "to": "2025-05-31"}],
    ),
    (
        "В 2024 году поступило 10 308 дел — почти вдвое больше, чем годом ранее.",
        [
            {"value": 10308},
            {
                "comparator": "about",
                "from": "2024-01-01",
                "compare_to": {"from": "2023-01-01", "to": "2023-12-31", "factor": 2.0},
            },
        ],
    ),
    (
        "Число дел о неисполнении приказа (ст. 332) выросло до 1 369.",
        [{"quantity": "cases", "value": 1369, "articles": ["332"]}],
    ),
    (
        "The number of desertion cases rose to 1,010.",
        [{"quantity": "cases", "value": 1010, "articles": ["338"]}],
    ),
    (
        "In 2023 courts received 421 cases on disobeying orders, up from 102 in 2022.",
        [
            {"value": 421, "from": "2023-01-01"},
            {"value": 102, "from": "2022-01-01", "articles": ["332"]},
        ],
    ),
    (
        "С момента объявления мобилизации 21 сентября 2022 года поступило свыше 15 тыс. дел.",
        [{"from": "2022-09-21", "to": None, "value": 15000}],
    ),
    # not a count of prosecutions: reported, not read as one
    ("The courts received 2,000 more cases in the first quarter than a year earlier.", []),
    ("An estimated 50,000 Russian soldiers have deserted since the start of the war.", []),
    # figures that are not counts of cases
    ("В 2023 году суд рассмотрел дело 24-летнего военнослужащего.", []),
    ("Приговор вынесли 21 сентября 2023 года.", []),
    (
        "Статья 337 предусматривает до 10 лет лишения свободы за самовольное оставление части.",
        [],
    ),
    ("Ему выплатили 200 тысяч рублей.", []),
    ("The weather was fine.", []),
]


def _subset(got: dict, want: dict) -> dict:
    return {k: got.get(k) for k in want}


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[r[0][:50] for r in ROWS])
def test_reads_each_wording(text: str, expected: list[dict]) -> None:
    reading = read_claims(text, PUBLISHED, COURTS)
    got = [c.to_json() for c in reading.claims]
    assert len(got) == len(expected), got
    for g, want in zip(got, expected, strict=True):
        if "compare_to" in want and want["compare_to"] is not None:
            assert g["compare_to"] is not None, g
            assert _subset(g["compare_to"], want["compare_to"]) == want["compare_to"]
            want = {k: v for k, v in want.items() if k != "compare_to"}
        assert _subset(g, want) == want, g


def test_the_second_seed_sentence_compares_this_year_with_the_whole_previous_one() -> None:
    reading = read_claims(f"{SEED_1} {SEED_2}", PUBLISHED)
    first, second = (c.to_json() for c in reading.claims)
    assert first["value"] == 13000
    assert second["value"] is None and second["comparator"] == "gt"
    assert (second["from"], second["to"]) == ("2024-01-01", "2024-07-31")
    other = second["compare_to"]
    assert (other["from"], other["to"], other["factor"]) == ("2023-01-01", "2023-12-31", 1.0)
    # "more cases" is about the same cases as the sentence before: refusal to fight
    assert second["articles"] == other["articles"] == REFUSAL


def test_each_claim_keeps_its_span_in_the_text() -> None:
    text = f"Заголовок\n\n{SEED_1} {SEED_2}"
    for claim in read_claims(text, PUBLISHED).claims:
        start, end = claim.span
        assert text[start:end] == claim.text
    assert "13,000 cases" in read_claims(text, PUBLISHED).claims[0].text


def test_what_it_cannot_map_is_reported_never_guessed() -> None:
    reading = read_claims(
        "Тысячи дел ждут рассмотрения. Суд рассмотрел 330 текстов приговоров. "
        "In a vague month 40% of the cases moved.",
        PUBLISHED,
    )
    assert reading.claims == ()
    reasons = [u.reason for u in reading.unmapped]
    assert any("vague" in r for r in reasons)
    assert any("quantity" in r for r in reasons)
    assert any("share" in r for r in reasons)


def test_a_court_or_region_not_in_the_registry_is_unresolved_not_dropped() -> None:
    claim = read_claims("В Тверской области возбудили 30 дел.", PUBLISHED, COURTS).claims[0]
    assert claim.side.region is None and "Тверской области" in (claim.side.unresolved or "")
    claim = read_claims(
        "Оренбургский гарнизонный военный суд рассмотрел 12 дел.", PUBLISHED, COURTS
    )
    assert "not in the registry" in (claim.claims[0].side.unresolved or "")
    claim = read_claims(
        "The Southern District Military Court heard 312 appeals.", PUBLISHED, COURTS
    )
    assert "not in the registry" in (claim.claims[0].side.unresolved or "")


def test_a_sentence_about_one_court_passes_it_on_but_not_to_a_national_figure() -> None:
    text = (
        "В 2025 году в Пермский гарнизонный военный суд поступило 120 дел. "
        "На приговоры подано 80 жалоб. "
        "Всего в российские военные суды поступило 20 000 дел."
    )
    _, second, third = read_claims(text, dt.date(2026, 1, 2), COURTS).claims
    assert second.side.court == "63GV0006" and second.side.from_ == dt.date(2025, 1, 1)
    assert third.side.court is None


def test_publication_date_is_read_from_a_dateline() -> None:
    assert publication_date("12 августа 2024\nВ 2024 году поступило 100 дел.") == dt.date(
        2024, 8, 12
    )
    assert publication_date("Published June 18, 2024. Courts received 10 cases.") == dt.date(
        2024, 6, 18
    )
    assert publication_date("Courts received 10 cases.") is None
    reading = read_claims(
        "29.12.2023\nС начала года поступило 5024 дела.", today=dt.date(2026, 1, 1)
    )
    assert reading.as_of == dt.date(2023, 12, 29) and reading.as_of_source == "text"
    assert reading.claims[0].side.from_ == dt.date(2023, 1, 1)
    today = read_claims("Поступило 5 дел.", today=dt.date(2026, 1, 1))
    assert today.as_of == dt.date(2026, 1, 1) and today.as_of_source == "today"


def test_annotate_marks_the_spans_and_escapes_the_rest() -> None:
    text = "<b>Поступило</b> 120 дел."
    claim = read_claims(text, PUBLISHED).claims[0]
    html = annotate(text, [(claim.span[0], claim.span[1], "claim consistent", "ok")])
    assert "&lt;b&gt;" in html
    assert '<mark class="claim consistent"' in html and ">120 дел</mark>" in html

"""The words claims are made of, as data (the reporters-db idea: patterns live in tables, the
reader is generic code over them).

Russian entries are written as lemmas (pymorphy3 normal forms), so that every inflected form
matches ("дел", "делам", "дела" → дело; "самовольного оставления части" → самовольный
оставление часть). English entries are lower-case words; a trailing `*` matches any ending
("prosecution*"). Multi-word entries match consecutive words (punctuation between them is
skipped, hyphens split words).

Change a table here, not the reader, when news language turns up a new wording; the tables
are tested by `tests/claims/test_reader.py`.
"""

from __future__ import annotations

from kartoteka.registry.articles import CHAPTER_33, REFUSAL_TO_FIGHT
from kartoteka.russian import CARDINALS

# -- what is counted ----------------------------------------------------------------------------
# quantity → phrases naming it right after (or, for "the number of X", before) the number
QUANTITY_NOUNS: dict[str, tuple[str, ...]] = {
    "cases": (
        "дело",
        "уголовный дело",
        "case*",
        "prosecution*",
        "criminal case*",
        "lawsuit*",
    ),
    "verdicts": ("приговор", "verdict*", "conviction*", "sentences", "sentence"),
    "appeals": ("апелляция", "апелляционный жалоба", "жалоба", "appeal*"),
    "share_suspended": (),
}

# persons: defendants unless a conviction word is near (then convicted)
PERSON_NOUNS: tuple[str, ...] = (
    "обвиняемый",
    "подсудимый",
    "фигурант",
    "военнослужащий",
    "солдат",
    "человек",
    "военный",
    "мобилизованный",
    "контрактник",
    "боец",
    "срочник",
    "people",
    "person*",
    "soldier*",
    "servicem*",
    "service member*",
    "serviceman",
    "defendant*",
    "accused",
    "individual*",
    "troop*",
    "men",
    "mobilised",
    "mobilized",
    "conscript*",
    "contract soldier*",
)
CONVICTION_WORDS: tuple[str, ...] = (
    "осудить",
    "осуждённый",
    "осужденный",
    "приговорить",
    "признать виновный",
    "convicted",
    "sentenced",
    "found guilty",
)
CHARGE_WORDS: tuple[str, ...] = (
    "обвинить",
    "обвинять",
    "обвинение",
    "привлечь",
    "charged",
    "accused",
    "prosecuted",
    "tried",
    "trial*",
    "prosecution*",
    "дело",
    "суд",
    "судить",
    "court*",
    "case*",
    "подсудимый",
    "обвиняемый",
)

# -- comparators --------------------------------------------------------------------------------
# phrases right before the number (longest first wins)
COMPARATORS_BEFORE: dict[str, str] = {
    "более": "gt",
    "более чем": "gt",
    "больше": "gt",
    "больше чем": "gt",
    "свыше": "gt",
    "превысить": "gt",
    "over": "gt",
    "more than": "gt",
    "upwards of": "gt",
    "in excess of": "gt",
    "exceed*": "gt",
    "surpass*": "gt",
    "не менее": "ge",
    "не меньше": "ge",
    "как минимум": "ge",
    "минимум": "ge",
    "по меньшей мере": "ge",
    "at least": "ge",
    "no fewer than": "ge",
    "no less than": "ge",
    "a minimum of": "ge",
    "менее": "lt",
    "меньше": "lt",
    "меньше чем": "lt",
    "less than": "lt",
    "fewer than": "lt",
    "under": "lt",
    "below": "lt",
    "не более": "le",
    "не больше": "le",
    "максимум": "le",
    "at most": "le",
    "no more than": "le",
    "up to": "le",
    "почти": "about",
    "около": "about",
    "примерно": "about",
    "приблизительно": "about",
    "порядка": "about",
    "почти что": "about",
    "nearly": "about",
    "almost": "about",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "close to": "about",
    "ровно": "eq",
    "exactly": "eq",
}
# phrases right after the number ("13 000 с лишним", "500 or more")
COMPARATORS_AFTER: dict[str, str] = {
    "с лишний": "gt",
    "с небольшой": "gt",
    "и более": "ge",
    "или более": "ge",
    "и больше": "ge",
    "or more": "ge",
    "and more": "ge",
    "plus": "ge",
}

# -- numbers in words ----------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {
    **CARDINALS,  # Russian lemmas
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
HUNDRED_WORDS = ("hundred",)
# multipliers written after a number ("13 тыс.", "1.5 million", "тринадцать тысяч")
MULTIPLIERS: dict[str, int] = {
    "тысяча": 1000,
    "тыс": 1000,
    "thousand": 1000,
    "миллион": 1_000_000,
    "млн": 1_000_000,
    "million": 1_000_000,
}
HALF_AND_A = {"полтора": 1.5, "полторы": 1.5}
# fractions as shares ("more than half of the sentences are suspended")
FRACTIONS: dict[str, float] = {
    "половина": 0.5,
    "half": 0.5,
    "треть": 1 / 3,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "четверть": 0.25,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "две трети": 2 / 3,
    "two thirds": 2 / 3,
    "three quarters": 0.75,
    "три четверть": 0.75,
    # "каждый третий осуждённый", "one in three convicts"
    "каждый второй": 0.5,
    "каждый третий": 1 / 3,
    "каждый четвёртый": 0.25,
    "каждый четвертый": 0.25,
    "каждый пятый": 0.2,
    "каждый десятый": 0.1,
    "one in two": 0.5,
    "one in three": 1 / 3,
    "one in four": 0.25,
    "one in five": 0.2,
    "one in ten": 0.1,
    "every second": 0.5,
    "every third": 1 / 3,
    "every fourth": 0.25,
    "every fifth": 0.2,
    "every tenth": 0.1,
}
# the loose ones among them ("каждый третий", "one in four", "every fifth"): "about"
LOOSE_FRACTIONS = frozenset(
    p for p in FRACTIONS if p.startswith(("каждый ", "every ")) or " in " in p
)
PERCENT_WORDS = ("%", "процент", "per cent", "percent")
TERM_UNITS = ("год", "лет", "месяц", "year*", "month*")
# a number right before one of these is not a count of cases (money, ages, distances, ...)
NOT_COUNT_UNITS = (
    "день",
    "сутки",
    "час",
    "неделя",
    "рубль",
    "руб",
    "доллар",
    "километр",
    "км",
    "летний",
    "day*",
    "hour*",
    "week*",
    "rouble*",
    "ruble*",
    "dollar*",
    "km",
    "kilomet*",
    "year-old",
    "раз",
    "time*",
)

# -- articles by name -----------------------------------------------------------------------------
# phrase → (articles, parts as article.part keys, mobilisation parts only)
ARTICLE_NAMES: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {}


def _names(articles: frozenset[str], *phrases: str, parts: frozenset[str] = frozenset()) -> None:
    for phrase in phrases:
        ARTICLE_NAMES[phrase] = (articles, parts, False)


_names(
    frozenset({"337"}),
    "самовольный оставление часть",
    "самовольный оставление воинский часть",
    "самовольный оставление место служба",
    "самоволка",
    "самоволк",
    "awol",
    "absent without leave",
    "absence without leave",
    "unauthorised absence",
    "unauthorized absence",
    "unauthorised abandonment",
    "unauthorized abandonment",
    "unauthorised leaving",
    "unauthorized leaving",
    "leaving a unit without permission",
    "leaving the unit without permission",
    "arbitrarily leaving a unit",
    "abandoning a unit",
    "abandoning their unit*",
)
_names(
    frozenset({"338"}),
    "дезертирство",
    "дезертир",
    "desertion",
    "deserter*",
)
_names(
    frozenset({"332"}),
    "неисполнение приказ",
    "невыполнение приказ",
    "insubordination",
    "failure to obey",
    "failing to obey",
    "failure to follow orders",
    "failure to execute an order",
    "failure to comply with an order",
    "failure to comply with orders",
    "failing to comply with orders",
    "non-execution of an order",
    "non execution of an order",
    "disobeying order*",
    "disobedience",
    "refusing order*",
)
_names(
    frozenset({"339"}),
    "уклонение от исполнение обязанность военный служба",
    "симуляция болезнь",
    "malingering",
    "evasion of military service",
    "evading military service",
)
_names(
    frozenset({"352.1"}),
    "добровольный сдача в плен",
    "сдача в плен",
    "voluntary surrender",
    "voluntarily surrender*",
    "surrender* voluntarily",
    "surrender* into captivity",
    "surrender* to captivity",
)
_names(
    frozenset({"333"}), "сопротивление начальник", "resisting a superior", "resisting a commander"
)
_names(
    frozenset({"334"}),
    "насильственный действие в отношение начальник",
    "избиение командир",
    "violence against a superior",
    "violence against a commander",
    "beating a commander",
    "assaulting a commander",
)
_names(
    frozenset({"328"}),
    "уклонение от призыв",
    "уклонение от прохождение военный служба",
    "draft evasion",
    "evading the draft",
    "evading conscription",
)
# the groups the CLI knows (kartoteka.stats.metrics.ARTICLE_GROUPS)
_names(
    REFUSAL_TO_FIGHT,
    "отказ воевать",
    "отказ от участие в боевой действие",
    "отказ служить",
    "отказ от военный служба",
    "отказ от служба",
    "отказник",
    "refusal to fight",
    "refusing to fight",
    "refusal to serve",
    "refusing to serve",
    "refusal to take part in the war",
    "refusal to take part in hostilities",
    "refusal to take part in combat",
    "refuse to fight",
    "refused to fight",
    "refuseniks",
    "refusenik",
)
_names(
    CHAPTER_33,
    "преступление против военный служба",
    "воинский преступление",
    "crimes against military service",
    "offences against military service",
    "offenses against military service",
    "military crimes",
)
# "the mobilisation article(s)/part(s)": the parts 365-ФЗ added
MOBILISATION_NAMES: tuple[str, ...] = (
    "мобилизационный статья",
    "мобилизационный часть",
    "мобилизационный пункт",
    "mobilisation article*",
    "mobilization article*",
    "mobilisation part*",
    "mobilization part*",
    "wartime part*",
    "wartime provision*",
)
# "... during mobilisation" right after an article name: the 365-ФЗ parts of that article
MOBILISATION_QUALIFIERS: tuple[str, ...] = (
    "в период мобилизация",
    "во время мобилизация",
    "в условие мобилизация",
    "в период мобилизация военный положение",
    "during mobilisation",
    "during mobilization",
    "during the mobilisation",
    "during the mobilization",
    "in wartime",
    "during martial law",
    "в военный время",
)
# words saying a figure is about the whole country: a sentence with one of them does not take
# the court or region of the sentence before it
NATIONAL_WORDS: tuple[str, ...] = (
    "российский",
    "россия",
    "страна",
    "russia",
    "russian",
    "nationwide",
    "country",
    "all courts",
)
# topic words: a sentence with one of them and a number it cannot map is reported unmapped
TOPIC_WORDS: tuple[str, ...] = (
    "дело",
    "суд",
    "приговор",
    "статья",
    "осудить",
    "обвиняемый",
    "военнослужащий",
    "case*",
    "court*",
    "verdict*",
    "sentence*",
    "article*",
    "prosecution*",
    "convicted",
    "charged",
    "soldier*",
    "servicem*",
)

# -- sentences (what the verdicts handed down, read from the published acts) ------------------
# phrase → the main punishment of `kartoteka.stats.metrics.sentences_by_punishment`. Longest
# phrase wins, so "условное лишение свободы" is suspended and "лишение свободы" a real term.
PUNISHMENT_NAMES: dict[str, str] = {}


def _punishment(key: str, *phrases: str) -> None:
    for phrase in phrases:
        PUNISHMENT_NAMES[phrase] = key


_punishment(
    "suspended_imprisonment",
    "условный",  # "условные сроки", "условный приговор", "условное наказание"
    "условно",
    "условный лишение свобода",
    "лишение свобода условно",
    "условный срок",
    "suspended",
    "suspended sentence*",
    "suspended term*",
    "suspended prison term*",
    "suspended prison sentence*",
    "probation",
    "on probation",
)
_punishment(
    "imprisonment",
    "реальный срок",
    "реальный лишение свобода",
    "реальный наказание",
    "реальный заключение",
    "лишение свобода",
    "колония",
    "исправительный колония",
    "тюрьма",
    "заключение",
    "real term*",
    "real prison term*",
    "real prison sentence*",
    "real sentence*",
    "actual prison term*",
    "actual prison sentence*",
    "actual term*",
    "prison term*",
    "prison sentence*",
    "jail term*",
    "custodial sentence*",
    "imprisonment",
    "penal colony",
    "penal colonies",
    "prison",
    "jail",
)
_punishment(
    "disciplinary_unit",
    "дисциплинарный воинский часть",
    "дисциплинарный часть",
    "дисциплинарный батальон",
    "дисбат",
    "дисбатальон",
    "disciplinary unit*",
    "disciplinary military unit*",
    "disciplinary battalion*",
    "disbat",
)
_punishment(
    "military_restriction",
    "ограничение по военный служба",
    "ограничение по служба",
    "restriction in military service",
    "restriction of military service",
    "restrictions in military service",
    "restricted military service",
    "restricted service",
)
_punishment("fine", "штраф", "оштрафовать", "fine", "fines", "fined")
_punishment("compulsory_works", "обязательный работа", "compulsory work*", "compulsory labo*")
_punishment(
    "correctional_works", "исправительный работа", "correctional work*", "correctional labo*"
)
_punishment("forced_labour", "принудительный работа", "forced labo*")
_punishment(
    "restriction_of_freedom", "ограничение свобода", "restriction of freedom", "restricted freedom"
)
# the colony's regime (`sentences_by_regime`: real terms only)
REGIME_NAMES: dict[str, str] = {
    "колония-поселение": "settlement",
    "колония поселение": "settlement",
    "поселение": "settlement",
    "colony-settlement": "settlement",
    "colony settlement": "settlement",
    "settlement colony": "settlement",
    "settlement colonies": "settlement",
    "penal settlement*": "settlement",
    "общий режим": "general",
    "general regime": "general",
    "general-regime": "general",
    "general security": "general",
    "строгий режим": "strict",
    "strict regime": "strict",
    "strict-regime": "strict",
    "maximum security": "strict",
    "особый режим": "special",
    "special regime": "special",
    "special-regime": "special",
}
# the defendant's service status (`sentences_by_service`)
SERVICE_NAMES: dict[str, str] = {
    "мобилизованный": "mobilised",
    "мобилизовать": "mobilised",  # pymorphy3's lemma of "мобилизованных"
    "призванный по мобилизация": "mobilised",
    "призвать по мобилизация": "mobilised",
    "mobilised": "mobilised",
    "mobilized": "mobilised",
    "mobilised soldier*": "mobilised",
    "mobilized soldier*": "mobilised",
    "mobilised men": "mobilised",
    "mobilized men": "mobilised",
    "контрактник": "contract",
    "военнослужащий по контракт": "contract",
    "по контракт": "contract",
    "contract soldier*": "contract",
    "contract servicem*": "contract",
    "contract service member*": "contract",
    "contractor*": "contract",
    "срочник": "conscript",
    "призывник": "conscript",
    "военнослужащий по призыв": "conscript",
    "по призыв": "conscript",
    "срочный служба": "conscript",
    "conscript*": "conscript",
    "draftee*": "conscript",
}
# a term of imprisonment is a figure about sentences only with one of these; a bare term
# ("приговорён к пяти годам колонии") is one defendant's sentence
MEDIAN_WORDS: tuple[str, ...] = ("медианный", "медиана", "median", "typical", "типичный")
MEAN_WORDS: tuple[str, ...] = ("средний", "в средний", "average", "on average", "mean")
# nouns a share of sentences is a share of ("половина приговоров", "60 % of those convicted")
SENTENCE_NOUNS: tuple[str, ...] = (
    "приговор",
    "наказание",
    "осудить",
    "осуждённый",
    "осужденный",
    "приговорить",
    "sentence*",
    "verdict*",
    "convicted",
    "convict*",
    "sentenced",
    "punishment*",
)
# verbs right after a figure that make it a count of sentenced people ("120 were sent to a
# disciplinary unit", "12 получили условные сроки") when the sentence names a punishment
SENTENCING_VERBS: tuple[str, ...] = (
    "получить",
    "отправить",
    "приговорить",
    "осудить",
    "направить",
    "were sent",
    "was sent",
    "were given",
    "was given",
    "were sentenced",
    "was sentenced",
    "were handed",
    "received",
    "got",
    "sent",
    "went",
)
# punishment words that are a punishment only in a sentence about sentences ("30 % of cases
# were suspended" is about suspended proceedings, not suspended sentences)
WEAK_PUNISHMENTS: frozenset[str] = frozenset({"suspended", "probation", "on probation"})
# words of a case's arrival or opening: a count of cases with them stays a count of cases even
# where the sentence also names a punishment
RECEIPT_WORDS: tuple[str, ...] = (
    "поступить",
    "возбудить",
    "завести",
    "направить в суд",
    "received",
    "submitted",
    "brought",
    "opened",
    "filed",
    "launched",
    "reached",
)
# a figure about sentences as they stand after appeal ("после апелляции 30 % сроков смягчили"):
# the checker reads sentences as handed down, so such a claim is not checkable
APPEAL_STAGE_WORDS: tuple[str, ...] = (
    "после апелляция",
    "после обжалование",
    "в апелляция",
    "апелляционный суд",
    "апелляционный инстанция",
    "after appeal",
    "on appeal",
    "upon appeal",
    "appeal court*",
    "appellate",
    "reduced on appeal",
)
# "more than half" said in words: in a sentence about sentences, a share above one half
# ("the majority of sentences are suspended", "в большинстве случаев — условные сроки")
MAJORITY_WORDS: tuple[str, ...] = (
    "большинство",
    "больший часть",
    "majority",
    "most of",
    "most cases",
    "most sentences",
    "most convicts",
    "most defendants",
)
# a comparison of two groups' sentences without figures ("мобилизованные получают реальный
# срок чаще, чем контрактники"): the first group named against the second
SHARE_COMPARATIVES: dict[str, str] = {
    "чаще": "gt",
    "реже": "lt",
    "more often": "gt",
    "less often": "lt",
    "more frequently": "gt",
    "less frequently": "lt",
    "more likely": "gt",
    "less likely": "lt",
    "more commonly": "gt",
    "less commonly": "lt",
}

"""The article catalogue: Chapter 33 of the Criminal Code (crimes against military service)
and ст.328 (draft evasion), as data with a small API. Source: DOMAIN.md §3.

Federal law 365-ФЗ of 24.09.2022 added "mobilisation" parts: the same acts committed during
mobilisation, martial law, wartime or armed conflict, with much heavier penalties. Newsrooms
count them apart, so every statistic needs to know which parts those are. Parts that DOMAIN.md
marks unconfirmed (346–348 gained special-period parts, numbers not recorded) are left out
rather than guessed; 534-ФЗ (2026) parts are unknown yet, and unknown parts are simply
"not mobilisation" until this table says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kartoteka.registry.charges import CRIMINAL_CODE
from kartoteka.sudrf.models import Charge


@dataclass(frozen=True, slots=True)
class Article:
    """One article of the Criminal Code as the product needs it."""

    number: str  # "337", "352.1"
    name: str  # official Russian title
    name_en: str  # short English label for charts
    mobilisation_parts: frozenset[str] = field(default_factory=frozenset)
    whole_article_mobilisation: bool = False  # 352.1 exists only since 365-ФЗ
    chapter: int | None = 33


def _a(number: str, name: str, name_en: str, parts: Iterable[str] = (), **kw: object) -> Article:
    return Article(number, name, name_en, frozenset(parts), **kw)  # type: ignore[arg-type]


ARTICLES: dict[str, Article] = {
    a.number: a
    for a in (
        _a("331", "Понятие преступлений против военной службы", "definitions"),
        _a("332", "Неисполнение приказа", "failure to obey an order", ("2.1", "2.2")),
        _a(
            "333",
            "Сопротивление начальнику или принуждение его к нарушению обязанностей военной службы",
            "resisting a superior",
            ("3",),
        ),
        _a(
            "334",
            "Насильственные действия в отношении начальника",
            "violence against a superior",
            ("3",),
        ),
        _a(
            "335",
            "Нарушение уставных правил взаимоотношений между военнослужащими при отсутствии "
            "между ними отношений подчиненности",
            "hazing",
        ),
        _a("336", "Оскорбление военнослужащего", "insulting a serviceman"),
        _a("337", "Самовольное оставление части или места службы", "AWOL", ("2.1", "3.1", "5")),
        _a("338", "Дезертирство", "desertion", ("3",)),
        _a(
            "339",
            "Уклонение от исполнения обязанностей военной службы путем симуляции болезни или "
            "иными способами",
            "evasion by malingering",
            ("3",),
        ),
        _a("340", "Нарушение правил несения боевого дежурства", "combat duty violations"),
        _a("341", "Нарушение правил несения пограничной службы", "border service violations"),
        _a("342", "Нарушение уставных правил караульной службы", "guard duty violations"),
        _a(
            "343",
            "Нарушение правил несения службы по охране общественного порядка и обеспечению "
            "общественной безопасности",
            "public-order duty violations",
        ),
        _a(
            "344",
            "Нарушение уставных правил внутренней службы и патрулирования в гарнизоне",
            "internal service violations",
        ),
        _a("345", "Оставление погибающего военного корабля", "abandoning a sinking warship"),
        _a(
            "346",
            "Умышленные уничтожение или повреждение военного имущества",
            "destroying military property",
        ),
        _a(
            "347",
            "Уничтожение или повреждение военного имущества по неосторожности",
            "damaging military property by negligence",
        ),
        _a("348", "Утрата военного имущества", "loss of military property"),
        _a(
            "349",
            "Нарушение правил обращения с оружием и предметами, представляющими повышенную "
            "опасность для окружающих",
            "weapons handling violations",
        ),
        _a("350", "Нарушение правил вождения или эксплуатации машин", "vehicle rules violations"),
        _a("351", "Нарушение правил полетов или подготовки к ним", "flight rules violations"),
        _a("352", "Нарушение правил кораблевождения", "navigation rules violations"),
        _a(
            "352.1",
            "Добровольная сдача в плен",
            "voluntary surrender",
            whole_article_mobilisation=True,
        ),
        _a(
            "328",
            "Уклонение от прохождения военной и альтернативной гражданской службы",
            "draft evasion",
            chapter=None,
        ),
    )
}

CHAPTER_33: frozenset[str] = frozenset(n for n, a in ARTICLES.items() if a.chapter == 33)

# "Refusal to fight" in newsroom usage (333/334, violence against commanders, are reported apart).
REFUSAL_TO_FIGHT: frozenset[str] = frozenset({"337", "338", "332", "339", "352.1"})

# Principal-article order, highest first; every other Chapter 33 article ranks next, then
# anything else.
PRINCIPAL_ORDER: tuple[str, ...] = ("352.1", "338", "337", "332", "339", "334", "333")


def is_criminal(charge: Charge) -> bool:
    """A charge under the Criminal Code. A charge printed without a code counts as one: on
    criminal-case pages the code is often left off (`ст. 337 ч. 2.1`)."""
    return charge.code in (None, CRIMINAL_CODE)


def article_name(number: str) -> str | None:
    """The official title of an article in the catalogue, or None."""
    article = ARTICLES.get(number)
    return article.name if article else None


def is_mobilisation_part(article: str, part: str | None) -> bool:
    """Whether `ст.article ч.part` is one of the parts 365-ФЗ added for mobilisation, martial
    law, wartime or armed conflict (every part of 352.1, which did not exist before)."""
    entry = ARTICLES.get(article)
    if entry is None:
        return False
    if entry.whole_article_mobilisation:
        return True
    return part is not None and part in entry.mobilisation_parts


def is_watched(charge: Charge, watch: Iterable[str] = REFUSAL_TO_FIGHT) -> bool:
    """Whether a charge falls under a watch list. Each entry is an article ("337", "352.1":
    any part) or an article with its part in `Charge.key` form ("337.5", "332.2.1").
    Only Criminal Code charges match: `ст.12.15 КоАП РФ` is not article 12.15 of the УК."""
    if not is_criminal(charge):
        return False
    wanted = set(watch)
    return charge.article in wanted or (charge.part is not None and charge.key in wanted)


def _rank(charge: Charge) -> tuple[int, int]:
    """Smaller is more principal: (article tier, 0 for a mobilisation part else 1)."""
    if not is_criminal(charge):
        return (len(PRINCIPAL_ORDER) + 2, 1)
    if charge.article in PRINCIPAL_ORDER:
        tier = PRINCIPAL_ORDER.index(charge.article)
    elif charge.article in CHAPTER_33:
        tier = len(PRINCIPAL_ORDER)
    else:
        tier = len(PRINCIPAL_ORDER) + 1
    return (tier, 0 if is_mobilisation_part(charge.article, charge.part) else 1)


def principal_article(charges: Iterable[Charge]) -> Charge | None:
    """The one charge a case is counted under when one is needed (DOMAIN.md §3):
    352.1 > 338 > 337 > 332 > 339 > 334 > 333 > other Chapter 33 > anything else, and within
    one article the mobilisation parts above the peacetime ones. Ties keep the first written.
    """
    best: Charge | None = None
    for charge in charges:
        if best is None or _rank(charge) < _rank(best):
            best = charge
    return best

"""Map table columns to fields by their header text, never by position: column order differs
between courts and template generations (new-template event tables put the date first).

A column spec is a list of (field, rule) pairs tried in order; a rule is a tuple of lower-case
stems that must all occur in the header, optionally with stems that must not occur. The first
header that satisfies a rule claims that field; a header claims at most one field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kartoteka.sudrf.html import Node, node_text


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: rules are constants
class Rule:
    field: str
    needs: tuple[str, ...]
    avoids: tuple[str, ...] = ()

    def matches(self, header: str) -> bool:
        return all(s in header for s in self.needs) and not any(s in header for s in self.avoids)


def header_key(text: str) -> str:
    """Header text as the rules see it: lower case, line breaks and blanks as one space, and
    the tooltip text some headers carry cut off (it follows the header's own words)."""
    return " ".join(text.lower().replace("ё", "е").split())


def map_columns(headers: Sequence[str], rules: Sequence[Rule]) -> dict[str, int]:
    """{field: column index} for every rule some header satisfies.

    One court's software prints the same few header rows on every page, so the mapping is
    remembered per (headers, rules): a harvest maps each distinct header row once instead of
    matching every rule against every header of every table (a tenth of reading a card).
    The caller gets its own copy."""
    return dict(_mapping(tuple(headers), tuple(rules)))


@lru_cache(maxsize=4096)
def _mapping(headers: tuple[str, ...], rules: tuple[Rule, ...]) -> dict[str, int]:
    keys = [header_key(h) for h in headers]
    taken: set[int] = set()
    mapping: dict[str, int] = {}
    for rule in rules:
        if rule.field in mapping:
            continue
        for index, key in enumerate(keys):
            if index not in taken and rule.matches(key):
                mapping[rule.field] = index
                taken.add(index)
                break
    return mapping


EVENT_COLUMNS: tuple[Rule, ...] = (
    Rule("name", ("наименование события",)),
    Rule("name", ("событие",), ("дата", "результат")),
    Rule("published", ("дата размещения",)),
    Rule("date", ("дата",), ("размещения", "поступления")),
    Rule("time", ("время",)),
    Rule("place", ("место",)),
    Rule("basis", ("основание",)),
    Rule("result", ("результат",)),
    Rule("note", ("примечание",)),
)

PERSON_COLUMNS: tuple[Rule, ...] = (
    Rule("role", ("вид лица",)),
    Rule("role", ("процессуальн", "статус")),
    Rule("charges", ("перечень статей",)),
    Rule("charges", ("стать",), ("дата", "результат")),
    Rule("name", ("фамилия",)),
    Rule("name", ("наименование",), ("вид",)),
    Rule("name", ("фио",)),
    Rule("name", ("лицо",), ("вид", "дата", "результат")),
    Rule("result_date", ("дата",), ("поступления",)),
    Rule("result", ("результат",)),
)

LISTING_COLUMNS: tuple[Rule, ...] = (
    Rule("case_number", ("№ дела",)),
    Rule("case_number", ("номер дела",), ("первой инстанции",)),
    Rule("case_number", ("номер",), ("первой инстанции", "дата")),
    Rule("legal_force_date", ("законную силу",)),
    Rule("entry_date", ("поступлен",)),
    Rule("result_date", ("дата решения",)),
    Rule("result_date", ("дата рассмотрения",)),
    Rule("result_date", ("дата",), ("поступ", "законную", "размещ")),
    Rule("acts", ("акт",)),
    Rule("judge", ("судья",), ("первой инстанции", "мировой")),
    Rule("judge", ("докладчик",)),
    Rule("result", ("решение",)),
    Rule("result", ("результат",)),
    Rule("info", ("информация",)),
    Rule("info", ("категория",)),
    Rule("info", ("стороны",)),
    Rule("info", ("участник",)),
    Rule("info", ("лица",)),
)


def column_text(row_cells: Sequence[Node], columns: Mapping[str, int], field: str) -> str | None:
    """The text of a row's cell in the column `map_columns` gave `field`; None when the table
    has no such column, the row is short of it (some servers drop trailing cells) or the cell
    is empty."""
    index = columns.get(field)
    if index is None or index >= len(row_cells):
        return None
    return node_text(row_cells[index]) or None

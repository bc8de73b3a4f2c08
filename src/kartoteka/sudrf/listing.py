"""Result listings (`name_op=r`) of both template generations → `Listing`.

- Classic: `table#tablcont` whose first row is `<th>` headers; counter "Всего по запросу
  найдено — N. На странице записи с A по B."; card links `case_id/case_uid/delo_id`.
- New: `table.law-case-table` with a `thead` of `<td>` headers, `div.lawcase-count`
  "Всего по запросу найдено - <b>N</b>"; links `_id/_uid/_deloId`; a mobile copy of the rows in
  `div#resultMob` (and `.block-mobile`), which is never read, so rows are not doubled.

Columns are mapped by header text. The info cell ("Информация по делу") is kept as text, and
for criminal cases the defendants and charges printed in it are read out of it (courts that
hide articles in listings leave them empty: the card is the authority).

A listing is checked against its own counter: more rows than a page holds, more rows than the
total, or a row count that differs from "записи с A по B" is a `ParseError` — such a page is
truncated, doubled or not what it claims, and must not be counted.
"""

from __future__ import annotations

import re

from kartoteka.errors import ParseError
from kartoteka.registry import charges as charge_strings
from kartoteka.sudrf.classify import read_counter
from kartoteka.sudrf.columns import LISTING_COLUMNS, map_columns
from kartoteka.sudrf.html import (
    Node,
    Tree,
    attr,
    cells,
    in_page_copy,
    links,
    node_text,
    one_line,
    parse_html,
    rows,
)
from kartoteka.sudrf.models import Act, Defendant, Listing, ListingRow
from kartoteka.sudrf.urls import PAGE_SIZE
from kartoteka.sudrf.values import (
    card_id_params,
    case_number_raw,
    first_case_number,
    first_param,
    is_hidden_name,
    parse_date,
)

_LABEL_PREFIX = re.compile(r"^[^:]{1,60}:\s*")
_NAME_TRIM = " \t-–—:,;()"


def _header(table: Node) -> tuple[list[str], list[Node]]:
    """(header texts, data rows) of a result table, or ([], []) when it has no header."""
    table_rows = rows(table)
    for index, row in enumerate(table_rows[:3]):
        row_cells = cells(row)
        if not row_cells:
            continue
        in_thead = row.parent is not None and row.parent.tag == "thead"
        if in_thead or all(c.tag == "th" for c in row_cells):
            return [one_line(node_text(c)) for c in row_cells], table_rows[index + 1 :]
        break
    return [], []


def _result_table(tree: Tree, url: str | None) -> tuple[dict[str, int], list[Node]] | None:
    """The results table: the data table outside the page copies whose header maps a case
    number column. Returns ({field: column}, data rows). Two such tables mean two listings'
    worth of rows on one page (pages glued together, a proxy's error): a ParseError."""
    found: list[tuple[dict[str, int], list[Node]]] = []
    # One selector, not the list `table#tablcont, table.law-case-table`: lexbor gives a node
    # once per selector of a list it matches, so a table with both marks was two tables.
    for table in tree.css("table:is(#tablcont, .law-case-table)"):
        if in_page_copy(table):
            continue
        headers, body = _header(table)
        if not headers:
            continue
        columns = map_columns(headers, LISTING_COLUMNS)
        if "case_number" in columns:
            found.append((columns, body))
    if len(found) > 1:
        raise ParseError(f"listing: {len(found)} result tables on one page", url)
    return found[0] if found else None


def defendants_from_info(info: str) -> list[Defendant]:
    """Defendants printed in a criminal listing's info cell: each line that names an article
    is one person ("ФИО - ст.337 ч.5 УК РФ"); a line of articles alone belongs to the name on
    the line before it. Lines without articles are not read as people (civil parties and
    category lines look the same).

    A cell of several lines that names no article at all has no defendants and is not split:
    an article named on one line is named in the whole text too (the pattern looks at most
    at the letter before "ст", and a line break before a line is no letter), so asking the
    whole text once settles most civil and administrative rows. (A cell of one line is asked
    once either way.)"""
    if "\n" in info and not charge_strings.mentions_charge(info):
        return []
    return _defendants_by_line(info)


def _defendants_by_line(info: str) -> list[Defendant]:
    """`defendants_from_info` without its pre-check: every line asked on its own."""
    found: list[Defendant] = []
    previous = ""
    for line in info.split("\n"):
        if not charge_strings.mentions_charge(line):
            previous = line
            continue
        charges = charge_strings.parse_charges(line)
        start = line.find(charges[0].raw) if charges and charges[0].raw else -1
        name_part = line[:start] if start > 0 else ""
        name_part = _LABEL_PREFIX.sub("", name_part).strip(_NAME_TRIM)
        if not name_part and previous and ":" not in previous:
            name_part = previous.strip(_NAME_TRIM)
        hidden = is_hidden_name(name_part)
        found.append(
            Defendant(
                name=None if hidden or not name_part else name_part,
                name_hidden=hidden,
                charges=charges,
                charges_raw=line[start:].strip() if start >= 0 else line.strip(),
            )
        )
        previous = ""
    return found


# The fields a row is read into besides its number, in the order of the column tuple
# `_row_columns` gives (the text fields first, the acts last).
_ROW_FIELDS = (
    "info",
    "entry_date",
    "judge",
    "result_date",
    "result",
    "legal_force_date",
    "acts",
)


def _row_columns(columns: dict[str, int]) -> tuple[int | None, ...]:
    """The column of each of `_ROW_FIELDS` (None where the table has none), worked out once
    per table: a row then reads its cells by position instead of asking the mapping for
    every field of every row."""
    return tuple(columns.get(field) for field in _ROW_FIELDS)


def _card_link(row_cells: list[Node], number_cell: Node) -> Node | None:
    """The row's card link: the first link of the number cell, else the first `name_op=case`
    link of any cell. The number cell's link is nearly always its first child, which is then
    taken without a walk of the cell (the walk's first find would be that same node)."""
    first = number_cell.first_child
    if first is not None and first.tag == "a" and "href" in first.attributes:
        return first
    link = next(links(number_cell), None)
    if link is None:
        for cell in row_cells:
            link = next((a for a in links(cell) if "name_op=case" in attr(a, "href")), None)
            if link is not None:
                break
    return link


def _acts(cell: Node) -> list[Act]:
    """The act links of a row's acts cell. A cell of text alone (no act published: half the
    rows) has no links, which is seen from its children without a walk."""
    child = cell.first_child
    while child is not None and child.tag == "-text":
        child = child.next
    if child is None:
        return []
    return [
        Act(title=attr(a, "title") or one_line(node_text(a)) or None, url=attr(a, "href"))
        for a in links(cell)
    ]


def _read_row(
    row_cells: list[Node], number_index: int, columns: tuple[int | None, ...]
) -> ListingRow:
    """One data row (which has its number cell), its other cells read by the positions
    `_row_columns` gave. A cell the row is short of (some servers drop trailing cells) reads
    as absent, as `column_text` has it."""
    count = len(row_cells)
    texts: list[str | None] = []
    for index in columns[:6]:  # info .. legal_force_date
        text = node_text(row_cells[index]) if index is not None and index < count else ""
        texts.append(text or None)
    info, entry_date, judge, result_date, result, legal_force_date = texts
    number_cell = row_cells[number_index]
    link = _card_link(row_cells, number_cell)
    href = attr(link, "href") if link is not None else ""
    params = card_id_params(href)
    raw_number = case_number_raw(node_text(number_cell))
    acts_index = columns[6]
    acts = _acts(row_cells[acts_index]) if acts_index is not None and acts_index < count else []
    return ListingRow(
        case_number=first_case_number(raw_number),
        case_number_raw=raw_number,
        case_id=first_param(params, "case_id", "_id"),
        case_uid=first_param(params, "case_uid", "_uid"),
        delo_id=first_param(params, "delo_id", "_deloId"),
        url=href or None,
        entry_date=parse_date(entry_date),
        info=info,
        judge=judge,
        result_date=parse_date(result_date),
        result=result,
        legal_force_date=parse_date(legal_force_date),
        defendants=defendants_from_info(info) if info else [],
        acts=acts,
    )


def listing_from_tree(tree: Tree, body_text: str, url: str | None = None) -> Listing:
    """Read a listing from a parsed page (see `parse_listing`)."""
    total, first, last = read_counter(body_text)
    found = _result_table(tree, url)
    listing_rows: list[ListingRow] = []
    if found is not None:
        columns, body = found
        number_index = columns["case_number"]
        row_columns = _row_columns(columns)
        for row in body:
            row_cells = cells(row)
            if len(row_cells) <= number_index:
                continue  # a spacer or a colspan note row
            listing_rows.append(_read_row(row_cells, number_index, row_columns))
    _check(total, first, last, listing_rows, found is not None, url)
    return Listing(total=total, first=first, last=last, rows=listing_rows)


def _check(
    total: int | None,
    first: int | None,
    last: int | None,
    found_rows: list[ListingRow],
    has_table: bool,
    url: str | None,
) -> None:
    count = len(found_rows)
    if not has_table and total:
        raise ParseError(f"listing: counter says {total} but no result table was found", url)
    if total is None and not has_table:
        raise ParseError("listing: neither a counter nor a result table", url)
    if count > PAGE_SIZE:
        raise ParseError(f"listing: {count} rows, more than a page holds ({PAGE_SIZE})", url)
    if total is not None and count > total:
        raise ParseError(f"listing: {count} rows but the counter says {total} in all", url)
    if first is not None and last is not None and count != last - first + 1:
        raise ParseError(f"listing: {count} rows but the page says records {first}..{last}", url)
    if any(r.case_number is None and r.case_id is None for r in found_rows):
        raise ParseError("listing: a row has neither a case number nor a card link", url)


def parse_listing(text: str, url: str | None = None) -> Listing:
    """A decoded listing page → Listing. Raises ParseError (with the URL) when the page
    cannot be read as a listing or contradicts its own counter."""
    tree = parse_html(text)
    body = tree.body
    return listing_from_tree(tree, body.text(deep=True, separator=" ") if body else "", url)

"""Case cards (`name_op=case`) of both template generations and all instances → `Card`.

A card is a set of tabs whose order and set vary by court, instance and case kind (ДЕЛО,
ДВИЖЕНИЕ ДЕЛА or СЛУШАНИЯ, ЛИЦА, СТОРОНЫ (ПО ДЕЛУ) or УЧАСТНИКИ, ИСПОЛНИТЕЛЬНЫЕ ЛИСТЫ,
ЖАЛОБЫ, СУДЕБНЫЕ АКТЫ, РАССМОТРЕНИЕ В НИЖЕСТОЯЩЕМ СУДЕ). So tables are found by structure
and read by content:

- the data tables are `table#tablcont` (classic) or `table.law-case-table` (new) that are not
  nested in another data table (complaint blocks nest their own event tables), not inside a
  judicial act's text, and not in the mobile or print copies the new template repeats;
- each table gets a title: its own `<th>` title row (classic), else its tab's label;
- a two-column table of `label | value` rows is a label table: ДЕЛО fields, or the lower-court
  block when its title or labels say "нижестоящ"/"первой инстанции";
- any other table is read by its header row, columns mapped by header text: event tables
  ("Наименование события"), person tables ("Фамилия", "Перечень статей", "Вид лица").

Judicial acts come from the inline act tabs (`li#tab_docN` + `div#cont_docN`) with their text,
and from `name_op=doc` links otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kartoteka.errors import ParseError
from kartoteka.registry import charges as charge_strings
from kartoteka.sudrf.act import describe, inline_act
from kartoteka.sudrf.columns import EVENT_COLUMNS, PERSON_COLUMNS, column_text, map_columns
from kartoteka.sudrf.html import (
    TEXT_NODE,
    Node,
    Tree,
    ancestors,
    attr,
    cells,
    is_page_copy,
    node_text,
    one_line,
    parse_html,
    rows,
    tag_number,
)
from kartoteka.sudrf.models import Act, Card, Defendant, Event, Party
from kartoteka.sudrf.uid import is_valid_uid, normalise_uid
from kartoteka.sudrf.values import (
    case_number_raw,
    first_case_number,
    is_hidden_name,
    parse_date,
    parse_publish_info,
    parse_time,
)

# Roles of the person a criminal or administrative case is about, as stems (lower case).
DEFENDANT_ROLE_STEMS = (
    "подсудим",
    "обвиняем",
    "осужд",
    "оправдан",
    "привлекаем",
    "лицо, в отношении",
    "подозреваем",
)
LOWER_COURT_STEMS = ("нижестоящ", "первой инстанции", "первая инстанция")
_ACT_TAB = re.compile(r"#\s*(\d+)\s*(?:\((.*)\))?\s*$", re.S)


# lexbor's numbers of the tags the readers below compare (`tag_id`, cheaper than `tag`, a
# new string on every call), as html.py's walks do.
_A, _B, _DIV, _LI, _TABLE = map(tag_number, ("a", "b", "div", "li", "table"))

Grid = list[tuple[Node, list[Node]]]


@dataclass(slots=True)
class Section:
    """One data table of a card with the title it was found under, and its own rows with
    their cells (read once: every reader below walks them)."""

    title: str
    table: Node
    grid: Grid


def _is_data_table(node: Node, attributes: dict[str, str | None]) -> bool:
    return node.tag == "table" and (
        attributes.get("id") == "tablcont"
        or "law-case-table" in (attributes.get("class") or "").split()
    )


Placement = tuple[bool, str | None]  # (excluded, id of the tab content it sits in)


def _placement(table: Node, titles: Mapping[str, str], known: dict[int, Placement]) -> Placement:
    """(excluded, tab) of a data table, from its parents. Excluded: nested in another data
    table, inside an act's text, or in a mobile/print copy. The tab is the id of the nearest
    parent that is a tab's content (a key of `titles`); its label is read only if the table
    has no title of its own (`_sections`).

    The tables of a card share most of their parents (the page layout above the tabs):
    `known` keeps the placement of every parent already read (by lexbor node id), so each
    parent's attributes are read once per page, not once per table below it."""
    chain: list[tuple[int, Node]] = []  # parents not read yet, nearest first
    above: Placement = (False, None)
    for parent in ancestors(table):
        key = parent.mem_id
        if key in known:
            above = known[key]
            break
        chain.append((key, parent))
    excluded, tab = above
    for key, parent in reversed(chain):  # from the top down: a nearer tab wins
        if not excluded:
            attributes = parent.attributes
            pid = attributes.get("id") or ""
            nested = _is_data_table(parent, attributes) or pid.startswith("cont_doc")
            if nested or is_page_copy(attributes):
                excluded, tab = True, None
            elif pid in titles:
                tab = pid
        known[key] = (excluded, tab)
    return excluded, tab


# One CSS walk of the page finds the tab labels, the data tables, the inline acts and the
# links to act pages (a walk costs 35-50 µs on these pages, whatever it looks for). Each
# selector names its own tag, so the tag tells which one matched (lexbor matches ids and
# classes case-insensitively in quirks mode, a page without a doctype, so the attributes
# could not tell it). The two kinds of data table are one selector, `table:is(...)`: lexbor
# walks the page once per selector of a list and returns a node once per selector it matches,
# so `table#tablcont, table.law-case-table` gave a table with both marks twice, read as two
# sections (its events and people counted twice). tests/sudrf/test_card_reading.py: per kind,
# the nodes of the separate selectors, each once, in page order.
_CARD_NODES = (
    "li[id^='tab'], table:is(#tablcont, .law-case-table),"
    " div[id^='cont_doc'], a[href*='name_op=doc']"
)


@dataclass(slots=True)
class _CardNodes:
    """What the one walk found, by kind, each in page order."""

    tabs: list[Node]
    tables: list[Node]
    act_texts: list[Node]  # the inline acts' `div#cont_docN`
    act_links: list[Node]


def _card_nodes(tree: Tree) -> _CardNodes:
    found = _CardNodes([], [], [], [])
    by_tag = {_LI: found.tabs, _TABLE: found.tables, _DIV: found.act_texts, _A: found.act_links}
    for node in tree.css(_CARD_NODES):
        by_tag[node.tag_id].append(node)
    return found


class TabTitles(Mapping[str, str]):
    """{content id: tab label}: classic `li#tabN` ↔ `div#contN`, new `li#tab_id_X` ↔
    `div#tab_content_X`, inline acts `li#tab_docN` ↔ `div#cont_docN` (a later tab with the
    same content id wins). A label is read from its `li` when first asked for: most tables
    carry their own title row and most tabs are never asked about."""

    __slots__ = ("_labels", "_tabs")

    def __init__(self, tabs: list[Node]) -> None:
        self._tabs: dict[str, Node] = {}
        self._labels: dict[str, str] = {}
        for li in tabs:
            lid = li.id or ""
            if lid.startswith("tab_id_"):
                self._tabs["tab_content_" + lid[len("tab_id_") :]] = li
            elif lid.startswith("tab_doc"):
                self._tabs["cont_doc" + lid[len("tab_doc") :]] = li
            elif lid[3:].isdigit():
                self._tabs["cont" + lid[3:]] = li

    def __getitem__(self, content_id: str) -> str:
        label = self._labels.get(content_id)
        if label is None:
            label = self._labels[content_id] = one_line(node_text(self._tabs[content_id]))
        return label

    def __contains__(self, content_id: object) -> bool:  # without reading the label
        return content_id in self._tabs

    def __iter__(self) -> Iterator[str]:
        return iter(self._tabs)

    def __len__(self) -> int:
        return len(self._tabs)


def _tab_titles(tree: Tree) -> dict[str, str]:
    """{content id: tab label} of a page, every label read."""
    return dict(TabTitles(_card_nodes(tree).tabs))


def _own_title(grid: Grid) -> str | None:
    """The `<th>` title row a classic table opens with ("ДЕЛО", "ДВИЖЕНИЕ ДЕЛА" ...)."""
    if not grid:
        return None
    first = grid[0][1]
    if len(first) == 1 and first[0].tag == "th":
        return one_line(node_text(first[0]))
    return None


def find_sections(tree: Tree, titles: Mapping[str, str] | None = None) -> list[Section]:
    """The card's data tables, in page order, each with its title (upper-cased)."""
    found = _card_nodes(tree)
    return _sections(found.tables, TabTitles(found.tabs) if titles is None else titles)


def _sections(tables: list[Node], titles: Mapping[str, str]) -> list[Section]:
    sections: list[Section] = []
    known: dict[int, Placement] = {}
    for table in tables:
        excluded, tab = _placement(table, titles, known)
        if excluded:
            continue
        grid = [(row, cells(row)) for row in rows(table)]
        title = _own_title(grid)
        if title is None:
            title = titles[tab] if tab is not None else ""
        sections.append(Section(title.upper(), table, grid))
    return sections


def _label_pairs(grid: Grid) -> list[tuple[str, str]] | None:
    """`label | value` rows of a label table, or None when the table is not one."""
    pairs: list[tuple[str, str]] = []
    for _row, row_cells in grid:
        if len(row_cells) <= 1 or row_cells[0].tag == "th":
            continue  # title, sub-title or a cell that holds a nested table
        if len(row_cells) != 2:
            return None
        label = one_line(node_text(row_cells[0])).rstrip(":").strip()
        if not label:
            continue
        pairs.append((label, node_text(row_cells[1])))
    return pairs or None


def _header_and_body(grid: Grid) -> tuple[list[str], list[list[Node]]]:
    """Header texts and the data rows' cells. The header is the `thead` row, else the first
    row after the title whose cells are all labels (bold or `th`)."""
    header: list[str] = []
    body: list[list[Node]] = []
    for row, row_cells in grid:
        if not row_cells:
            continue
        if not header:
            if len(row_cells) == 1 and row_cells[0].tag == "th":
                continue  # the title row
            in_thead = row.parent is not None and row.parent.tag == "thead"
            if in_thead or all(c.tag == "th" or _has_bold(c) for c in row_cells):
                header = [one_line(node_text(c)) for c in row_cells]
                continue
        body.append(row_cells)
    return header, body


def _has_bold(cell: Node) -> bool:
    """Whether a `<b>` is anywhere under the cell. A cell of one text node (most data cells)
    has none, told without walking it; the header cells' `<b>` is one of their first nodes."""
    child = cell.first_child
    if child is None or (child.next is None and child.tag_id == TEXT_NODE):
        return False
    walk = cell.traverse()  # elements and comments, the cell first
    next(walk)
    for node in walk:  # noqa: SIM110 (a loop, as in html._collect: cheaper than `any`)
        if node.tag_id == _B:
            return True
    return False


Table = tuple[list[str], list[list[Node]]]  # header texts, data rows' cells


def _read_events(table: Table) -> list[Event] | None:
    header, body = table
    columns = map_columns(header, EVENT_COLUMNS)
    if "name" not in columns or "date" not in columns:
        return None
    events = []
    for row_cells in body:
        name = column_text(row_cells, columns, "name")
        date_text = column_text(row_cells, columns, "date")
        if name is None and date_text is None:
            continue
        events.append(
            Event(
                name=name,
                date=parse_date(date_text),
                time=parse_time(column_text(row_cells, columns, "time")),
                place=column_text(row_cells, columns, "place"),
                result=column_text(row_cells, columns, "result"),
                basis=column_text(row_cells, columns, "basis"),
                note=column_text(row_cells, columns, "note"),
                published=parse_date(column_text(row_cells, columns, "published")),
            )
        )
    return events


def _is_defendant_role(role: str | None) -> bool:
    return role is not None and any(s in role.lower() for s in DEFENDANT_ROLE_STEMS)


def _read_people(table: Table, section_title: str) -> tuple[list[Defendant], list[Party]] | None:
    header, body = table
    columns = map_columns(header, PERSON_COLUMNS)
    if "name" not in columns:
        return None
    persons_tab = "ЛИЦА" in section_title.split() or section_title.startswith("ЛИЦА")
    defendants: list[Defendant] = []
    parties: list[Party] = []
    for row_cells in body:
        name = column_text(row_cells, columns, "name")
        role = column_text(row_cells, columns, "role")
        charges_raw = column_text(row_cells, columns, "charges")
        if name is None and role is None and charges_raw is None:
            continue
        hidden = is_hidden_name(name)
        shown = None if hidden else (one_line(name) if name else None)
        is_defendant = (
            bool(charges_raw) or _is_defendant_role(role) or (persons_tab and "role" not in columns)
        )
        if is_defendant:
            defendants.append(
                Defendant(
                    name=shown,
                    name_hidden=hidden,
                    charges=charge_strings.parse_charges(charges_raw or ""),
                    charges_raw=charges_raw,
                    result=column_text(row_cells, columns, "result"),
                    result_date=parse_date(column_text(row_cells, columns, "result_date")),
                )
            )
        else:
            parties.append(
                Party(role=one_line(role) if role else None, name=shown, name_hidden=hidden)
            )
    return defendants, parties


def _is_lower_court(title: str, pairs: list[tuple[str, str]]) -> bool:
    """The lower-court block: by its title, else when its first labels all name the first
    instance ("Суд первой инстанции", "Номер дела в первой инстанции" ...)."""
    lowered = title.lower()
    if any(s in lowered for s in LOWER_COURT_STEMS):
        return True
    labels = [label.lower() for label, _ in pairs]
    return bool(labels) and all(any(s in lab for s in LOWER_COURT_STEMS) for lab in labels[:2])


def _acts(found: _CardNodes, titles: Mapping[str, str]) -> list[Act]:
    acts: list[Act] = []
    for container in found.act_texts:
        label = titles.get(container.id or "", "")
        number = title = None
        match = _ACT_TAB.search(label)
        if match:
            number, title = match.group(1), (match.group(2) or "").strip() or None
        elif label:
            title = label
        acts.append(inline_act(container, title, number))
    seen: set[str] = set()
    for link in found.act_links:
        href = attr(link, "href")
        if "name_op=doc" not in href or href in seen or _in_act_text(link):
            continue
        seen.add(href)
        title = attr(link, "title") or one_line(node_text(link)) or None
        acts.append(describe(None, title=title, url=href))
    return acts


def _in_act_text(node: Node) -> bool:
    return any((p.id or "").startswith("cont_doc") for p in ancestors(node))


def _case_number_text(tree: Tree, case_header: Node | None = None) -> str | None:
    """The text of the first `div.casenumber`, else of the first `div.case-num`.
    `case_header` is the first `div.casenumber` when the caller knows it already."""
    if case_header is not None:
        return one_line(node_text(case_header))
    for selector in ("div.casenumber", "div.case-num"):
        node = tree.css_first(selector)
        if node is not None:
            return one_line(node_text(node))
    return None


_JUDGE_LABELS = ("председательствующий судья", "судья", "судья-докладчик", "докладчик")


def _pick(by_label: dict[str, str], *labels: str) -> str | None:
    """The first non-empty value among `labels` in `by_label` (the fields keyed by their
    lower-cased labels)."""
    for label in labels:
        value = by_label.get(label)
        if value:
            return value
    return None


def card_from_tree(tree: Tree, url: str | None = None, *, case_header: Node | None = None) -> Card:
    """Read a card from a parsed page. Raises ParseError when the page has no readable card
    tables (it claims to be a card but is not one we can read). `case_header`: the page's
    first `div.casenumber`, when classifying found it (`classify.Verdict.case_header`)."""
    found = _card_nodes(tree)
    titles = TabTitles(found.tabs)
    sections = _sections(found.tables, titles)
    if not sections:
        raise ParseError("card: no data tables (table#tablcont / table.law-case-table)", url)
    raw_number = case_number_raw(_case_number_text(tree, case_header))
    fields: dict[str, str] = {}
    lower_court: dict[str, str] = {}
    events: list[Event] = []
    defendants: list[Defendant] = []
    parties: list[Party] = []
    complaints: list[dict[str, str]] = []
    for section in sections:
        if section.title.startswith("ЖАЛОБ"):
            complaints.extend(_read_complaints(section.grid))
            continue
        pairs = _label_pairs(section.grid)
        if pairs and not _looks_like_header(pairs):
            target = lower_court if _is_lower_court(section.title, pairs) else fields
            for label, value in pairs:
                target.setdefault(label, value)
            continue
        table = _header_and_body(section.grid)  # read once for both readers below
        found_events = _read_events(table)
        if found_events is not None:
            # the case's own events; a second event table elsewhere only when titled so
            if not events or _is_case_events_title(section.title):
                events.extend(found_events)
            continue
        people = _read_people(table, section.title)
        if people is not None:
            defendants.extend(people[0])
            parties.extend(people[1])
    for label in list(fields):
        if any(s in label.lower() for s in ("первой инстанции", "нижестоящ")):
            lower_court.setdefault(label, fields[label])
    if not fields and not events and not defendants and not parties:
        raise ParseError("card: tables found but none readable as card fields", url)

    by_label = {k.lower(): v for k, v in fields.items()}
    uid_raw = _pick(by_label, "уникальный идентификатор дела", "уид")
    uid = normalise_uid(one_line(uid_raw)) if uid_raw else None
    result = _pick(by_label, "результат рассмотрения", "решение", "результат")
    published_at, modified_at = parse_publish_info(node_text(tree.css_first(".publishInfo")))
    return Card(
        case_number=first_case_number(raw_number),
        case_number_raw=raw_number,
        uid=uid,
        uid_valid=is_valid_uid(uid) if uid else None,
        entry_date=parse_date(_pick(by_label, "дата поступления")),
        judge=_pick(by_label, *_JUDGE_LABELS),
        result=result,
        result_date=parse_date(_pick(by_label, "дата рассмотрения", "дата решения")),
        category=_pick(by_label, "категория дела", "категория"),
        fields=fields,
        lower_court=lower_court or None,
        events=events,
        defendants=defendants,
        parties=parties,
        acts=_acts(found, titles),
        complaints=complaints,
        published_at=published_at,
        modified_at=modified_at,
    )


def _read_complaints(grid: Grid) -> list[dict[str, str]]:
    """A "ЖАЛОБА № N" label block → one dict; a ЖАЛОБЫ table → one dict per row."""
    pairs = _label_pairs(grid)
    if pairs is not None:
        return [dict(pairs)]
    header, body = _header_and_body(grid)
    found = []
    for row_cells in body:
        record = {h: node_text(c) for h, c in zip(header, row_cells, strict=False) if h}
        if any(record.values()):
            found.append(record)
    return found


def _looks_like_header(pairs: list[tuple[str, str]]) -> bool:
    """A two-column person table (e.g. `Вид лица | Фамилия`) is not a label table."""
    return len(pairs) > 0 and pairs[0][0].lower().startswith(("вид лица", "наименование события"))


def _is_case_events_title(title: str) -> bool:
    return "ДВИЖЕНИЕ ДЕЛА" in title or "СЛУШАНИ" in title


def parse_card(text: str, url: str | None = None) -> Card:
    """A decoded card page → Card. Raises ParseError (with the URL) when the page cannot be
    read as a card; `read_page` turns that into an unrecognized page with the reason."""
    return card_from_tree(parse_html(text), url)

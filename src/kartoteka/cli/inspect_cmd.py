"""`kartoteka inspect FILE [--json]`: classify and parse one saved court page and show what
the parsers read from it — the quickest way to check a page the harvester could not read, or a
new page variant before it becomes a fixture. `inspect --act FILE` reads any file (HTML or
plain text) as a judicial act and shows its sentences; act pages (`name_op=doc`) are read the
same way without the flag.

Privacy by default: defendants' and other parties' names are shown as initials (also in the
JSON, and inside listing info cells), and act texts are masked (`kartoteka.acts.mask_text`),
unless `--names` is given (DESIGN.md, "Privacy").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from kartoteka.acts import ActReading, mask_text, read_act
from kartoteka.registry.charges import format_charges
from kartoteka.sudrf import Act, Card, Listing, Page, PageKind, read_page
from kartoteka.sudrf.act import parse_act_page
from kartoteka.sudrf.classify import detect_template
from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.html import parse_html
from kartoteka.sudrf.values import initials, mask_person_names


def mask_names(page: Page) -> Page:
    """The page with names reduced to initials, in place: defendants' names whole, and the
    name-shaped parts of parties' names and listing info cells."""
    if page.card is not None:
        for defendant in page.card.defendants:
            defendant.name = initials(defendant.name)
        for party in page.card.parties:
            party.name = mask_person_names(party.name)
    if page.listing is not None:
        for row in page.listing.rows:
            for defendant in row.defendants:
                if defendant.name and row.info:
                    row.info = row.info.replace(defendant.name, initials(defendant.name) or "")
                defendant.name = initials(defendant.name)
            row.info = mask_person_names(row.info)
    acts = list(page.card.acts) if page.card is not None else []
    acts += [a for r in page.listing.rows for a in r.acts] if page.listing is not None else []
    acts += [page.act] if page.act is not None else []
    for act in acts:
        if act.text:
            act.text = mask_text(act.text, _defendant_names(page))
    return page


def _defendant_names(page: Page) -> list[str]:
    if page.card is None:
        return []
    return [d.name for d in page.card.defendants if d.name]


def inspect_file(path: Path, *, names: bool = False, url: str | None = None) -> Page:
    """Read one saved page; names masked unless `names`."""
    page = read_page(path.read_bytes(), url=url or path.as_uri())
    return page if names else mask_names(page)


# Tags that make a file HTML; "<данные изъяты>" and "<адрес>" in a plain text do not.
_HTML_MARK = re.compile(rb"<(?:html|body|p|div|span|br|table|meta)[\s>/]", re.IGNORECASE)


def decode_any(data: bytes) -> str:
    """Text of a saved file: UTF-8 when it decodes, else windows-1251 (the court sites' own),
    via the one module that owns encodings for HTML."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_page(data, None)


def read_act_file(path: Path, *, url: str | None = None) -> tuple[Act, ActReading, str | None]:
    """Any file read as one judicial act: HTML (a `name_op=doc` page, a card's act tab, a
    fragment of Word-HTML) or plain text. Returns the act, its reading and the template."""
    data = path.read_bytes()
    if _HTML_MARK.search(data[:4096]):
        text = decode_page(data, None)
        tree = parse_html(text)
        template = detect_template(tree)
        container = tree.css_first("div[id^='cont_doc']")
        if container is not None:
            act = parse_act_page(parse_html(container.html or ""), url)
        else:
            act = parse_act_page(tree, url)
        act_template = template.value if template is not None else None
    else:
        from kartoteka.acts.clean import clean_text
        from kartoteka.sudrf.act import describe

        act = describe(clean_text(decode_any(data)) or None, url=url)
        act_template = None
    reading = read_act(act.text or "", act.title, cleaned=True)
    if not act.published and act.unpublished_reason and reading.published:
        reading.published, reading.unpublished_reason = False, act.unpublished_reason
    return act, reading, act_template


def act_json(
    reading: ActReading, template: str | None, *, names: bool = False, url: str | None = None
) -> dict[str, Any]:
    """The inspect JSON of one act (issue 13, item 7): kind, template and the act's
    sentences; defendants as initials or the court's marks unless `names`."""
    body = reading.to_contract()
    if names:
        for sentence, out in zip(reading.sentences, body["sentences"], strict=True):
            out["defendant"] = reading.text[sentence.name_span[0] : sentence.name_span[1]]
    return {"kind": "act", "template": template, "act": body, "url": url}


def act_page_json(page: Page, *, names: bool = False) -> dict[str, Any]:
    """`inspect --json` of a page of kind act: the act contract, read from the page's text."""
    act = page.act or Act(title=None)
    reading = read_act(act.text or "", act.title, cleaned=True)
    if act.published is False and reading.published:
        reading.published, reading.unpublished_reason = False, act.unpublished_reason
    template = page.template.value if page.template is not None else None
    out = act_json(reading, template, names=names, url=page.url)
    out["reason"] = page.reason
    return out


HIDDEN = "(hidden by the court)"


def _dash(value: object) -> str:
    return "—" if value in (None, "", []) else str(value)


def _print_block(
    console: Console, title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]
) -> None:
    """One repeated block of a card (defendants, events ...) as a table titled with its row
    count; nothing when the card has none."""
    if not rows:
        return
    table = Table(title=f"{title} ({len(rows)})")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _card_view(card: Card, console: Console) -> None:
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    uid = card.uid and f"{card.uid} ({'valid' if card.uid_valid else 'FAILS mod-97 check'})"
    for label, value in (
        ("Case number", card.case_number),
        ("As printed", card.case_number_raw),
        ("UID", uid),
        ("Received", card.entry_date),
        ("Judge", card.judge),
        ("Result", card.result),
        ("Result date", card.result_date),
        ("Category", card.category),
        ("Card online", card.published_at and f"{card.published_at:%Y-%m-%d %H:%M}"),
        ("Card changed", card.modified_at and f"{card.modified_at:%Y-%m-%d %H:%M}"),
    ):
        summary.add_row(label, _dash(value))
    console.print(summary)
    if card.lower_court:
        lower = Table(title="Lower court", show_header=False)
        for label, value in card.lower_court.items():
            lower.add_row(label, value)
        console.print(lower)
    _print_block(
        console,
        "Defendants",
        ("name", "charges", "result", "date"),
        [
            (
                HIDDEN if d.name_hidden else _dash(d.name),
                format_charges(d.charges) if d.charges else _dash(d.charges_raw),
                _dash(d.result),
                _dash(d.result_date),
            )
            for d in card.defendants
        ],
    )
    _print_block(
        console,
        "Events",
        ("date", "time", "event", "result"),
        [(_dash(e.date), _dash(e.time), _dash(e.name), _dash(e.result)) for e in card.events],
    )
    _print_block(
        console,
        "Other parties",
        ("role", "name"),
        [(_dash(p.role), HIDDEN if p.name_hidden else _dash(p.name)) for p in card.parties],
    )
    _print_block(
        console,
        "Judicial acts",
        ("#", "title", "on this page"),
        [
            (
                _dash(a.number),
                _dash(a.title),
                f"text, {len(a.text)} chars" if a.text else _dash(a.url),
            )
            for a in card.acts
        ],
    )
    if card.complaints:
        console.print(f"Complaints recorded: {len(card.complaints)}")


def _listing_view(listing: Listing, console: Console) -> None:
    span = f", records {listing.first}..{listing.last}" if listing.first is not None else ""
    console.print(f"Counter: {_dash(listing.total)} in all{span}; rows read: {len(listing.rows)}")
    table = Table()
    for column in ("case", "received", "judge", "decided", "result", "defendants / charges"):
        table.add_column(column)
    for row in listing.rows:
        people = "; ".join(
            f"{'(hidden)' if d.name_hidden else _dash(d.name)}: {format_charges(d.charges)}"
            for d in row.defendants
        )
        table.add_row(
            _dash(row.case_number),
            _dash(row.entry_date),
            _dash(row.judge),
            _dash(row.result_date),
            _dash(row.result),
            people or "—",
        )
    console.print(table)


def render_act(reading: ActReading, title: str | None, console: Console, names: bool) -> None:
    """The readable view of one act: its heading facts and a row per sentence."""
    head = (
        f"kind: [bold]act[/bold]   type: {_dash(reading.doc_type)}   date: {_dash(reading.date)}"
        f"   published: {'yes' if reading.published else 'no'}"
    )
    if reading.unpublished_reason:
        head += f" ({reading.unpublished_reason})"
    if reading.ruling:
        head += f"   ruling: {reading.ruling}"
    console.print(Panel(head, title=_dash(title), expand=False))
    rows: list[tuple[str, ...]] = []
    for s in reading.sentences:
        who = reading.text[s.name_span[0] : s.name_span[1]] if names else s.defendant
        articles = ", ".join(
            f"{'п.' + a.point + ' ' if a.point else ''}{'ч.' + a.part + ' ' if a.part else ''}"
            f"ст.{a.article}"
            for a in s.articles
        )
        term = f"{s.term_months} mo" if s.term_months is not None else _dash(s.term_hours)
        extra = [x for x in (s.regime, s.service, s.release) if x] + s.additional
        if s.suspended:
            extra.append(f"probation {_dash(s.probation_months)} mo")
        if s.below_minimum:
            extra.append("ст.64")
        rows.append((who, s.outcome, articles or "—", s.punishment, term, ", ".join(extra) or "—"))
    _print_block(
        console,
        "Sentences",
        ("defendant", "outcome", "articles", "punishment", "term", "more"),
        rows,
    )


def render(page: Page, console: Console) -> None:
    """The readable Rich view of a page."""
    head = f"kind: [bold]{page.kind.value}[/bold]   template: {_dash(page.template)}"
    if page.reason:
        head += f"\nreason: {page.reason}"
    console.print(Panel(head, title=_dash(page.url), expand=False))
    if page.card is not None:
        _card_view(page.card, console)
    if page.listing is not None:
        _listing_view(page.listing, console)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the main app."""

    @app.command()
    def inspect(
        file: Path = typer.Argument(
            ...,
            exists=True,
            dir_okay=False,
            readable=True,
            help="A saved court page (HTML as fetched or archived).",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the parsed page as JSON."),
        names: bool = typer.Option(
            False, "--names", help="Show full names as printed (default: initials)."
        ),
        url: str | None = typer.Option(None, "--url", help="The URL the page came from."),
        as_act: bool = typer.Option(
            False, "--act", help="Read the file (HTML or plain text) as one judicial act."
        ),
    ) -> None:
        """Classify and parse one saved court page and show what was read from it."""
        if as_act:
            act, reading, template = read_act_file(file, url=url or file.as_uri())
            if as_json:
                data = act_json(reading, template, names=names, url=url or file.as_uri())
                typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                render_act(reading, act.title or file.name, Console(), names)
            return
        raw = read_page(file.read_bytes(), url=url or file.as_uri())
        if raw.kind is PageKind.ACT:
            if as_json:
                data = act_page_json(raw, names=names)
                typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                act = raw.act or Act(title=None)
                render_act(
                    read_act(act.text or "", act.title, cleaned=True), raw.url, Console(), names
                )
            return
        page = raw if names else mask_names(raw)
        if as_json:
            typer.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        else:
            render(page, Console())

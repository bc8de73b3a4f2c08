"""Parsers against the structures DOMAIN.md describes, on small synthetic pages: both
template generations, column order, mobile and print duplicates, unclosed rows, nested
tables, counters, and the page kinds."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kartoteka.errors import ParseError
from kartoteka.sudrf import (
    PageKind,
    Template,
    classify,
    parse_card,
    parse_listing,
    read_page,
)
from kartoteka.sudrf.encoding import encode_page
from sudrf import markup


def _read(html: str, url: str = "http://test.sudrf.ru/modules.php?x=1"):
    return read_page(encode_page(html), url=url)


def test_classic_listing_rows_counter_links_and_criminal_info():
    info = "Тестов Т.Т. - ст.337 ч.5 УК РФ<br>Пробный П.П. - ст.338 ч.1; ст.337 ч.3.1 УК РФ"
    page = _read(markup.classic_listing(3, total=53, first=26, info=info))
    assert (page.kind, page.template) == (PageKind.LISTING, Template.CLASSIC)
    listing = page.listing
    assert (listing.total, listing.first, listing.last, len(listing.rows)) == (53, 26, 28, 3)
    row = listing.rows[0]
    assert (row.case_number, row.case_id, row.case_uid, row.delo_id) == (
        "1-26/2026",
        "1026",
        "uid-26",
        "1540006",
    )
    assert row.entry_date == dt.date(2026, 3, 9)
    assert row.result_date == dt.date(2026, 4, 15)
    assert row.judge == "Тестова Т.Т."
    assert row.info.split("\n")[1].startswith("Пробный П.П.")  # <br> kept as a line break
    assert [(d.name, [c.key for c in d.charges]) for d in row.defendants] == [
        ("Тестов Т.Т.", ["337.5"]),
        ("Пробный П.П.", ["338.1", "337.3.1"]),
    ]
    assert row.acts[0].title == "Приговоры" and "name_op=doc" in row.acts[0].url


def test_counter_is_found_after_other_uses_of_the_word():
    news = "<div class='news'>По делу ничего не найдено, найдено 2 документа</div>"
    html = markup.classic_listing(3, total=53, first=26).replace(
        "<div id='content'>", news + "<div id='content'>"
    )
    listing = _read(html).listing
    assert (listing.total, listing.first, listing.last) == (53, 26, 28)


def test_unclosed_rows_are_all_read():
    page = _read(markup.classic_listing(10, close_tr=False))
    assert page.kind is PageKind.LISTING
    assert [r.case_number for r in page.listing.rows] == [f"1-{i}/2026" for i in range(1, 11)]


def test_new_listing_mobile_copy_is_not_counted_and_columns_map_by_header():
    page = _read(markup.new_listing(4, total=29, info="Тестов Т.Т. - ст.332 ч.2.1 УК РФ"))
    assert (page.kind, page.template) == (PageKind.LISTING, Template.NEW)
    assert page.listing.total == 29
    assert len(page.listing.rows) == 4
    row = page.listing.rows[0]
    assert (row.case_id, row.case_uid, row.delo_id) == ("2001", "u-1", "1540006")
    assert row.judge == "Пробная П.П."  # third column here, fourth on classic pages
    assert row.result == "Вынесен ПРИГОВОР" and row.result_date == dt.date(2026, 3, 20)
    assert row.defendants[0].charges[0].key == "332.2.1"


@given(st.permutations(range(len(markup.NEW_HEADERS))))
@settings(max_examples=30, deadline=None)
def test_listing_columns_are_mapped_by_header_in_any_order(order):
    page = _read(
        markup.new_listing(2, total=2, info="Тестов Т.Т. - ст.338 ч.3 УК РФ", order=tuple(order))
    )
    row = page.listing.rows[1]
    assert (row.case_number, row.case_id, row.judge) == ("1-2/2026", "2002", "Пробная П.П.")
    assert (row.entry_date, row.result_date) == (dt.date(2026, 2, 1), dt.date(2026, 3, 20))
    assert row.result == "Вынесен ПРИГОВОР"
    assert row.defendants[0].charges[0].key == "338.3"


def test_new_listing_counter_followed_by_page_links():
    html = markup.new_listing(3, total=29).replace(
        "</b></div>", "</b></div><div class='pages'><a>1</a> <a>2</a></div>"
    )
    assert _read(html).listing.total == 29


def test_new_listing_with_more_rows_than_a_page_is_not_a_listing():
    page = _read(markup.new_listing(26, total=300))
    assert page.kind is PageKind.UNRECOGNIZED and "26 rows" in page.reason


def test_two_listings_worth_of_rows_is_not_a_listing():
    html = markup.classic_listing(50, total=530)
    page = _read(html)
    assert page.kind is PageKind.UNRECOGNIZED
    assert "50 rows" in page.reason
    with pytest.raises(ParseError) as error:
        parse_listing(html, url="http://x/page2")
    assert error.value.url == "http://x/page2"


def test_rows_that_contradict_the_counter_range_are_not_a_listing():
    html = markup.classic_listing(3).replace("записи с 1\t\tпо 3", "записи с 1\t\tпо 25")
    page = _read(html)
    assert page.kind is PageKind.UNRECOGNIZED
    assert "1..25" in page.reason


def test_counter_zero_is_empty_and_no_data_text_is_empty():
    html = markup.classic_listing(0, total=0).replace("записи с 1", "записи с 0")
    assert _read(html).kind is PageKind.EMPTY
    empty = "<html><body><div id='content'>Данных по запросу не обнаружено</div></body></html>"
    assert _read(empty).kind is PageKind.EMPTY
    new_empty = (
        "<html><body><div id='search_results'><div class='lawcase-count'>"
        "Данных по запросу не обнаружено</div></div></body></html>"
    )
    assert _read(new_empty).kind is PageKind.EMPTY


def test_listing_rows_win_over_a_captcha_form_in_a_side_panel():
    panel = (
        "<form><td>Проверочный код</td><input name='captcha'><input name='captchaid' "
        "value='x'></form>"
    )
    page = _read(markup.classic_listing(2, extra=panel))
    assert page.kind is PageKind.LISTING and len(page.listing.rows) == 2


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("<div>Информация временно недоступна. Попробуйте позже.</div>", PageKind.UNAVAILABLE),
        (
            "<form>Проверочный код <input name='captcha'><img src='data:image/png;base64,AA'>"
            "</form>",
            PageKind.CAPTCHA,
        ),
        ("<div>Неверно указан проверочный код с картинки.</div>", PageKind.CAPTCHA),
        ("<h1>Портал ГАС Правосудие</h1><p>Новости суда</p>", PageKind.UNRECOGNIZED),
        ("<div>Ведутся технические работы</div>", PageKind.UNRECOGNIZED),
    ],
)
def test_failure_pages_are_classified(body: str, kind: PageKind):
    page = _read(f"<html><body>{body}</body></html>")
    assert page.kind is kind
    assert page.card is None and page.listing is None
    if kind is PageKind.UNRECOGNIZED:
        assert page.reason


def test_new_card_labels_date_first_events_and_duplicates():
    page = _read(markup.new_card())
    assert (page.kind, page.template) == (PageKind.CARD, Template.NEW)
    card = page.card
    assert card.case_number == "22-15/2026" and card.case_number_raw == "22-15/2026 (1-3/2025)"
    assert card.uid_valid is True
    assert card.judge == "Пробная П.П."  # "Председательствующий судья"
    assert card.result == "Вынесен ПРИГОВОР" and card.result_date == dt.date(2026, 3, 3)
    assert card.lower_court == {"Суд первой инстанции": "Тестовый гарнизонный военный суд"}
    assert [(e.date, e.time, e.name, e.place) for e in card.events] == [
        (dt.date(2026, 2, 2), "10:00", "Регистрация поступившего в суд дела", None),
        (dt.date(2026, 3, 3), "09:30", "Судебное заседание", "Зал 2"),
    ]  # the print copy of the events table is not read again
    hidden, named = card.defendants  # the mobile copy adds nobody
    assert hidden.name is None and hidden.name_hidden is True
    assert hidden.charges[0].key == "337.5" and hidden.result_date == dt.date(2026, 3, 3)
    assert named.name == "Тестов Тест Тестович"
    assert [c.key for c in named.charges] == ["30.3", "338.3"]


def test_a_table_with_both_data_table_marks_is_read_once():
    """`id='tablcont'` and `class='law-case-table'` on one table: one table, read once (a
    selector list gave it once per mark: its events and defendants twice, a listing "two
    result tables")."""
    plain = _read(markup.new_card()).card
    both = markup.new_card().replace(
        "<table class='law-case-table list none-mobile'>",
        "<table id='tablcont' class='law-case-table list none-mobile'>",
    )
    card = _read(both).card
    assert card is not None and len(card.events) == 2 and len(card.defendants) == 2
    assert (card.events, card.defendants) == (plain.events, plain.defendants)
    listing = markup.classic_listing(3, total=3, first=1)
    assert listing.count("id='tablcont'") == 1
    page = _read(listing.replace("id='tablcont'", "id='tablcont' class='law-case-table'"))
    assert page.kind is PageKind.LISTING and len(page.listing.rows) == 3


def test_cassation_card_hearings_nested_complaint_and_script_string():
    page = _read(markup.classic_cassation_card())
    assert (page.kind, page.template) == (PageKind.CARD, Template.CLASSIC)
    card = page.card
    assert card.case_number == "7У-12/2026"
    assert card.uid == "27GV0008-01-2019-000081-21" and card.uid_valid is False  # damaged
    assert card.result == "Приговор оставлен БЕЗ ИЗМЕНЕНИЯ"
    # the СЛУШАНИЯ rows (never closed) count; the complaint's nested event row does not
    assert [e.name for e in card.events] == ["Судебное заседание", "Передано в экспедицию"]
    assert card.events[0].result == "Оставлено без изменения"
    assert card.complaints == [
        {"Заявитель": "Осужденный", "Результат обжалования": "Без изменения"}
    ]
    assert "Заявитель" not in card.fields


def test_direct_parsers_raise_typed_errors_with_url():
    with pytest.raises(ParseError) as error:
        parse_card("<html><body><p>nothing</p></body></html>", url="http://x/card")
    assert error.value.url == "http://x/card"
    with pytest.raises(ParseError):
        parse_listing("<html><body><p>nothing</p></body></html>")


def test_classify_returns_kind_and_template():
    assert classify(markup.new_card()) == (PageKind.CARD, Template.NEW)
    assert classify(markup.classic_listing(1)) == (PageKind.LISTING, Template.CLASSIC)
    assert classify("") == (PageKind.UNRECOGNIZED, None)


def test_a_card_whose_tables_are_unreadable_is_unrecognized_with_reason():
    html = "<html><body><div class='casenumber'>ДЕЛО № 1-1/2026</div></body></html>"
    page = _read(html)
    assert page.kind is PageKind.UNRECOGNIZED
    assert page.reason.startswith("looks like a card")


def test_a_bare_search_form_is_unrecognized_and_says_so():
    form = (
        "<html><body><form action='/modules.php'><input type='hidden' name='name_op' "
        "value='r'>Номер дела <input name='u1_case__CASE_NUMBERSS'></form></body></html>"
    )
    page = _read(form)
    assert page.kind is PageKind.UNRECOGNIZED and "search form" in page.reason

import datetime as dt

from kartoteka.sudrf.encoding import decode_page, encode_query_value
from kartoteka.sudrf.urls import (
    Dialect,
    Instance,
    card_url,
    listing_url,
    parse_query,
    read_listing_query,
)


def test_query_values_are_windows_1251():
    assert encode_query_value("ст.337") == "%F1%F2.337"


def test_listing_urls_round_trip_in_both_dialects():
    for dialect in Dialect:
        url = listing_url(
            "bgvs.alt.sudrf.ru",
            dialect,
            dt.date(2024, 3, 1),
            dt.date(2024, 3, 31),
            article="ст.337",
            page=2,
            instance=Instance.APPEAL,
        )
        assert url.startswith("http://bgvs.alt.sudrf.ru/modules.php?name=sud_delo&")
        query = read_listing_query(parse_query(url.split("?", 1)[1]))
        assert query.dialect is dialect
        assert query.instance is Instance.APPEAL
        assert (query.entry_from, query.entry_to) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
        assert query.article == "ст.337"
        assert query.page == 2


def test_classic_listing_url_matches_the_documented_shape():
    url = listing_url("h", "classic", dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert "delo_id=1540006&case_type=0&new=0&delo_table=u1_case" in url
    assert "u1_case__ENTRY_DATE1D=01.03.2024" in url
    assert "page=" not in url


def test_utf8_encoded_query_does_not_read_back_as_the_article():
    query = parse_query("name_op=r&_deloId=1540006&parts__law_articless=%D1%81%D1%82.337")
    assert read_listing_query(query).article != "ст.337"


def test_card_url_dialects():
    assert "case_id=5&case_uid=abc&delo_id=1540006" in card_url("h", "classic", "5", "abc")
    assert "_id=5&_uid=abc&_deloId=1540006" in card_url("h", "vnkod", "5", "abc")


def test_decode_prefers_strict_utf8_then_declared_charset():
    page = '<meta charset="windows-1251"><p>Дело</p>'
    assert "Дело" in decode_page(page.encode("utf-8"))
    assert "Дело" in decode_page(page.encode("cp1251"))
    assert decode_page(b"\xff\xfe\x00garbage\x81") is not None

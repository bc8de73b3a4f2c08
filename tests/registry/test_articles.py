"""The Chapter 33 catalogue (DOMAIN.md §3): mobilisation parts, the refusal-to-fight group,
the principal-article order and watch lists."""

from __future__ import annotations

from kartoteka.registry.articles import (
    ARTICLES,
    CHAPTER_33,
    REFUSAL_TO_FIGHT,
    article_name,
    is_mobilisation_part,
    is_watched,
    principal_article,
)
from kartoteka.registry.charges import parse_charges


def _one(raw: str):
    (charge,) = parse_charges(raw)
    return charge


def test_mobilisation_parts_of_365_fz():
    for article, part in [
        ("337", "2.1"),
        ("337", "3.1"),
        ("337", "5"),
        ("338", "3"),
        ("332", "2.1"),
        ("332", "2.2"),
        ("339", "3"),
        ("333", "3"),
        ("334", "3"),
    ]:
        assert is_mobilisation_part(article, part), (article, part)
    for article, part in [
        ("337", "1"),
        ("337", "3"),
        ("337", "4"),
        ("338", "1"),
        ("332", "1"),
        ("337", None),
        ("105", "1"),
        ("337", "5.1"),
    ]:
        assert not is_mobilisation_part(article, part), (article, part)
    assert is_mobilisation_part("352.1", None) and is_mobilisation_part("352.1", "2")


def test_catalogue_covers_chapter_33_and_328():
    assert {"332", "337", "338", "339", "352.1", "346", "352"} <= CHAPTER_33
    assert "328" in ARTICLES and "328" not in CHAPTER_33
    assert article_name("338") == "Дезертирство"
    assert article_name("352.1") == "Добровольная сдача в плен"
    assert article_name("105") is None
    assert {"337", "338", "332", "339", "352.1"} == REFUSAL_TO_FIGHT


def test_principal_article_order():
    charges = parse_charges("ст.333 ч.1; ст.337 ч.4; ст.332 ч.2.1; ст.105 ч.1 УК РФ")
    assert principal_article(charges).article == "337"
    charges = parse_charges("ст.337 ч.5; ст.338 ч.1; ст.352.1 ч.1 УК РФ")
    assert principal_article(charges).article == "352.1"
    charges = parse_charges("ст.339 ч.1; ст.334 ч.3; ст.346 ч.1 УК РФ")
    assert principal_article(charges).article == "339"
    charges = parse_charges("ст.346 ч.1; ст.158 ч.2 УК РФ")
    assert principal_article(charges).article == "346"
    # within one article the mobilisation part wins, whatever the order written
    assert principal_article(parse_charges("ст.337 ч.4; ст.337 ч.5 УК РФ")).part == "5"
    assert principal_article([]) is None


def test_koap_charges_never_outrank_criminal_ones():
    charges = parse_charges("ст.19.3 ч.1 КоАП РФ; ст.158 ч.1 УК РФ")
    assert principal_article(charges).code == "УК РФ"


def test_watch_lists():
    assert is_watched(_one("ст.337 ч.5 УК РФ"))
    assert is_watched(_one("ст. 338 ч. 3"))  # no code printed: a criminal-case page
    assert not is_watched(_one("ст.333 ч.1 УК РФ"))
    assert is_watched(_one("ст.333 ч.1 УК РФ"), watch={"333"})
    assert is_watched(_one("ст.332 ч.2.1 УК РФ"), watch={"332.2.1"})
    assert not is_watched(_one("ст.332 ч.1 УК РФ"), watch={"332.2.1"})
    assert not is_watched(_one("ст.337 ч.1 КоАП РФ"))

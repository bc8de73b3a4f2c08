"""Judicial acts on court pages: the inline act of a card (СУДЕБНЫЕ АКТЫ, `div#cont_docN`)
and `name_op=doc` pages become `Act`s with type, date, clean text and publication state.

Word-HTML quirks are built here with invented content (split spans, `&nbsp;`, spaced-out
headings); the real card with an inline act is read from ../shared/fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kartoteka.acts import read_act
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.caseload import ResultKind
from kartoteka.sudrf import PageKind, read_page
from kartoteka.sudrf.encoding import encode_page
from sandbox.conftest import fetch

P = '<p style="TEXT-ALIGN: justify; TEXT-INDENT: 0.5in">'
WORD_ACT = (
    '<span style="TEXT-ALIGN: justify">'
    f'<p style="TEXT-ALIGN: center">П Р И Г О В О Р</p>'
    f"{P}<span>12</span>&nbsp;<span>марта</span> 2024&nbsp;года</p>"
    f"{P}Энский гарнизонный военный суд в составе председательствующего ФИО9,</p>"
    f"{P}рассмотрев уголовное дело в отношении <span class='FIO1'>ФИО1</span>, военнослужащего, "
    "проходящего военную службу по мобилизации, обвиняемого по ч. 5 ст. 337 УК РФ,</p>"
    f'<p style="TEXT-ALIGN: center">У С Т А Н О В И Л:</p>'
    + f"{P}Подсудимый самовольно оставил место службы и не явился в срок без уважительных "
    "причин, уклоняясь от прохождения военной службы.</p>"
    * 3
    + f'<p style="TEXT-ALIGN: center">П Р И Г О В О Р И Л:</p>'
    f"{P}<span class='FIO1'>ФИО1</span> признать вино<span>вным</span> в совершении "
    "преступления, предусмотренного ч.&nbsp;5 ст.&nbsp;337 УК РФ, и назначить ему наказание в "
    "виде лишения свободы на срок 5 (пять) лет 6 (шесть) меся<span>цев</span> с отбыванием "
    "наказания в исправительной колонии общего режима.</p>"
    "</span>"
)


def _doc_page(body: str) -> bytes:
    return encode_page(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        f'</head><body><div id="modSdpContent"><div id="content">{body}</div></div></body></html>'
    )


def test_word_html_act_page_becomes_clean_paragraphs() -> None:
    page = read_page(_doc_page(f'<div id="cont_doc1">{WORD_ACT}</div>'), url="doc")
    assert page.kind is PageKind.ACT and page.act is not None
    act = page.act
    assert (act.doc_type, act.date, act.published) == ("приговор", dt.date(2024, 3, 12), True)
    assert act.text is not None
    lines = act.text.split("\n")
    assert lines[0] == "ПРИГОВОР" and lines[1] == "12 марта 2024 года"
    assert "ПРИГОВОРИЛ:" in lines and "\u00a0" not in act.text
    assert "признать виновным" in act.text and "6 (шесть) месяцев" in act.text
    s = read_act(act.text, cleaned=True).sentences[0].to_contract()
    assert (s["term_months"], s["regime"], s["service"]) == (66, "general", "mobilised")


def test_unpublished_stub_page_is_an_act_without_text() -> None:
    page = read_page(_doc_page("<p>Текст документа не подлежит опубликованию.</p>"))
    assert page.kind is PageKind.ACT and page.act is not None
    assert page.act.published is False
    assert page.act.unpublished_reason == "не подлежит опубликованию"


def test_attachment_only_act_is_not_a_published_text() -> None:
    page = read_page(
        _doc_page('<div id="cont_doc1"><a href="/files/act_123.rtf">Приговор (скачать)</a></div>')
    )
    assert page.kind is PageKind.ACT and page.act is not None
    assert page.act.published is False
    assert (page.act.unpublished_reason or "").startswith("attachment only: /files/act_123.rtf")


def test_real_card_inline_act(fixtures_dir: Path) -> None:
    page = read_page((fixtures_dir / "leninsky_ufa_criminal.html").read_bytes())
    assert page.kind is PageKind.CARD and page.card is not None
    (act,) = page.card.acts
    assert (act.doc_type, act.date, act.published) == ("постановление", dt.date(2026, 5, 6), True)
    assert act.text is not None and "ПОСТАНОВИЛ:" in act.text
    reading = read_act(act.text, cleaned=True)
    assert [(s.defendant, s.outcome) for s in reading.sentences] == [("Ю.Г.Р.", "terminated")]
    assert [a.key() for a in reading.sentences[0].articles] == [("173.1", "2", "б")]


def test_sandbox_doc_pages_are_acts_and_read_back_their_sentence() -> None:
    now = dt.date(2025, 6, 1)
    site = build_site(SandboxConfig(seed=7, faults="none", now=now))
    checked = 0
    for code, court in list(site.caseload.courts.items())[:4]:
        for case in site.caseload.court(code).cases:
            if not (case.act_published_at(now) and case.visible_at(now)):
                continue
            if case.final_kind is not ResultKind.VERDICT or case.sentence is None:
                continue
            if case.instance.value != "first":
                continue
            url = (
                f"http://{court.host}/modules.php?name=sud_delo&srv_num=1&name_op=doc"
                f"&number={case.case_id}&delo_id=1540006&new=0&text_number=1"
            )
            page = read_page(fetch(site, url).body, url=url)
            assert page.kind is PageKind.ACT and page.act is not None, page.reason
            assert page.act.doc_type == "приговор" and page.act.published
            reading = read_act(page.act.text or "", cleaned=True)
            assert len(reading.sentences) == len(case.defendants)
            assert all(s.term_months == case.sentence.months for s in reading.sentences)
            checked += 1
            if checked >= 15:
                return
    assert checked > 0

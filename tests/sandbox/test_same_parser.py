"""Same-parser tests: the project's own parser (`kartoteka.sudrf.read_page`, the code path that
reads the real fixture pages) reads every kind of sandbox page, in both templates and both
query dialects, and gets back what the sandbox's ground truth says."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.sandbox.conftest import NOW, fetch

from kartoteka.registry.courts import CourtLevel
from kartoteka.sandbox import html_classic
from kartoteka.sandbox.caseload import ResultKind, SimCase
from kartoteka.sandbox.network import SimCourt
from kartoteka.sandbox.site import Site
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind, Template
from kartoteka.sudrf.urls import Dialect, Instance, card_url, listing_url, search_form_url

read_page_module = pytest.importorskip("kartoteka.sudrf.page")


def _court(
    site: Site,
    template: Template,
    level: CourtLevel = CourtLevel.GARRISON,
    act_display: str | None = None,
) -> SimCourt:
    """The busiest court of a template and level (so that every case kind is there) among
    those that publish act texts (and show them as `act_display` says, when given)."""
    courts = [
        c
        for c in site.network
        if c.template is template
        and c.level is level
        and not c.hides_listing_articles
        and c.publishes_acts
        and act_display in (None, c.act_display)
    ]
    return max(courts, key=lambda c: len(site.caseload.court(c.code).cases))


def _visible(site: Site, court: SimCourt, instance: Instance = Instance.FIRST) -> list[SimCase]:
    return [
        c
        for c in site.caseload.court(court.code).by_instance.get(instance, [])
        if c.entry_date <= NOW and c.visible_at(NOW)
    ]


TEMPLATES = [Template.CLASSIC, Template.NEW]


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_goes_with_dialect(quiet_site: Site, template: Template) -> None:
    court = _court(quiet_site, template)
    assert court.dialect is (Dialect.VNKOD if template is Template.NEW else Dialect.CLASSIC)


@pytest.mark.parametrize("template", TEMPLATES)
def test_listing_reads_back(quiet_site: Site, template: Template) -> None:
    court = _court(quiet_site, template)
    start, end = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    url = listing_url(court.host, court.dialect, start, end)
    resp = fetch(quiet_site, url)
    page = read_page(resp.body, url)
    assert (page.kind, page.template) == (PageKind.LISTING, template)
    expected = [c for c in _visible(quiet_site, court) if start <= c.entry_date <= end]
    assert page.listing is not None and page.listing.total == len(expected) > 25
    assert len(page.listing.rows) == 25  # the mobile copy of the new template is not counted
    by_id = {c.case_id: c for c in expected}
    for row in page.listing.rows:
        case = by_id[row.case_id]
        assert row.case_number == case.number
        assert row.case_uid == case.guid
        assert row.entry_date == case.entry_date
        assert row.delo_id == "1540006"
        assert len(row.defendants) == len(case.defendants)
        parsed = {c.key for d in row.defendants for c in d.charges}
        assert parsed == {c.key for c in case.charges}
        if case.decided_at(NOW):
            assert row.result_date == case.final_date
            assert (row.result or "").startswith(case.final_text or "")


@pytest.mark.parametrize("display", ["inline", "linked"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_first_instance_cards_read_back(quiet_site: Site, template: Template, display: str) -> None:
    court = _court(quiet_site, template, act_display=display)
    cases = _visible(quiet_site, court)
    # One case of every outcome class, a hidden name, several defendants, a published act.
    wanted: dict[str, SimCase] = {}
    for case in cases:
        wanted.setdefault(case.kind_at(NOW).value, case)
        if any(d.hidden for d in case.defendants):
            wanted.setdefault("hidden", case)
        if len(case.defendants) > 1:
            wanted.setdefault("several", case)
        if case.act_published_at(NOW):
            wanted.setdefault("act", case)
        if case.act_shown_at(NOW) and case.act_form != "text":
            wanted.setdefault(f"act {case.act_form}", case)
    assert {"verdict", "pending", "hidden", "act", "act stub", "act attachment"} <= set(wanted)
    for label, case in wanted.items():
        url = card_url(court.host, court.dialect, case.case_id, case.guid)
        page = read_page(fetch(quiet_site, url).body, url)
        assert (page.kind, page.template) == (PageKind.CARD, template), label
        card = page.card
        assert card is not None
        assert card.uid == case.uid and card.uid_valid is True
        assert card.case_number == case.number
        assert card.entry_date == case.entry_date
        assert card.judge == case.judge.short
        if case.decided_at(NOW):
            assert card.result_date == case.final_date
            assert (card.result or "").startswith(case.final_text or "")
        else:
            assert card.result is None and card.result_date is None
        assert len(card.defendants) == len(case.defendants)
        for parsed, truth in zip(card.defendants, case.defendants, strict=True):
            assert parsed.name_hidden is truth.hidden
            assert (parsed.name is None) is truth.hidden
            assert [c.key for c in parsed.charges] == [c.key for c in truth.charges]
        assert card.events and card.events[0].name == "Регистрация поступившего в суд дела"
        if case.kind_at(NOW) is ResultKind.SUSPENDED:
            assert any(e.result == "Производство по делу приостановлено" for e in card.events)
        assert {p.role for p in card.parties} == {"Прокурор", "Защитник (адвокат)"}
        if not case.act_shown_at(NOW):
            assert not card.acts, label
        elif court.act_display == "linked":
            # Only a link on the card: nothing is known about the text until its page is read.
            (act,) = card.acts
            assert act.text is None and act.published is None, label
            assert act.url == html_classic.doc_href(case), label
        elif case.act_published_at(NOW):
            assert card.acts and card.acts[0].text and "симуляция kartoteka" in card.acts[0].text
            assert card.acts[0].published is True
        else:  # a stub or an attachment only, inline: an act that is not a published text
            (act,) = card.acts
            assert act.published is False, (label, act)


@pytest.mark.parametrize("template", TEMPLATES)
def test_appeal_cards_carry_the_first_instance_uid(quiet_site: Site, template: Template) -> None:
    courts = [
        c
        for c in quiet_site.network
        if c.template is template and _visible(quiet_site, c, Instance.APPEAL)
    ]
    if not courts:
        # The appellate court speaks the dialect the seed gave it; check the other courts.
        pytest.skip(f"no court of the {template} template hears appeals under this seed")
    court = courts[0]
    case = _visible(quiet_site, court, Instance.APPEAL)[-1]
    url = listing_url(
        court.host, court.dialect, case.entry_date, case.entry_date, instance=Instance.APPEAL
    )
    page = read_page(fetch(quiet_site, url).body, url)
    assert page.kind is PageKind.LISTING
    row = next(r for r in page.listing.rows if r.case_id == case.case_id)
    assert row.delo_id == "4"
    card_page = read_page(
        fetch(
            quiet_site,
            card_url(court.host, court.dialect, case.case_id, case.guid, instance=Instance.APPEAL),
        ).body
    )
    assert card_page.kind is PageKind.CARD
    assert card_page.card.uid == case.uid == case.lower.uid
    assert card_page.card.case_number.startswith("22-")
    assert case.lower.number in str(card_page.card.lower_court or card_page.card.fields)


def test_appeal_cards_in_the_classic_template(quiet_site: Site) -> None:
    court = _court(quiet_site, Template.CLASSIC, CourtLevel.DISTRICT)
    case = next(c for c in _visible(quiet_site, court, Instance.APPEAL) if c.decided_at(NOW))
    url = card_url(court.host, court.dialect, case.case_id, case.guid, instance=Instance.APPEAL)
    page = read_page(fetch(quiet_site, url).body, url)
    assert (page.kind, page.template) == (PageKind.CARD, Template.CLASSIC)
    assert page.card.uid == case.lower.uid
    assert page.card.result == case.final_text


@pytest.mark.parametrize("template", TEMPLATES)
def test_empty_result(quiet_site: Site, template: Template) -> None:
    court = _court(quiet_site, template)
    url = listing_url(court.host, court.dialect, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    resp = fetch(quiet_site, url)
    assert "Данных по запросу не обнаружено" in resp.body.decode("cp1251")
    assert read_page(resp.body, url).kind is PageKind.EMPTY


@pytest.mark.parametrize("template", TEMPLATES)
def test_failure_pages(make_site, template: Template) -> None:
    from kartoteka.sandbox.config import FaultProfile

    site = make_site(faults=FaultProfile(captcha=1.0, min_interval_s=1.0))
    court = (
        next(c for c in site.network if c.template is template and c.captcha)
        if any(c.template is template and c.captcha for c in site.network)
        else None
    )
    if court is None:
        pytest.skip(f"no captcha court of the {template} template under this seed")
    url = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    captcha = fetch(site, url, t=100.0)
    assert read_page(captcha.body, url).kind is PageKind.CAPTCHA
    too_fast = fetch(site, url, t=100.001)
    assert read_page(too_fast.body, url).kind is PageKind.UNAVAILABLE


@pytest.mark.parametrize("template", TEMPLATES)
def test_search_form_names_its_dialect(quiet_site: Site, template: Template) -> None:
    harvester = pytest.importorskip("kartoteka.harvest.harvester")
    court = _court(quiet_site, template)
    body = fetch(quiet_site, search_form_url(court.host)).body.decode("cp1251")
    assert harvester.detect_dialect(body) is court.dialect


def test_act_text_page(quiet_site: Site) -> None:
    court = _court(quiet_site, Template.CLASSIC)
    case = next(
        c
        for c in _visible(quiet_site, court)
        if c.act_published_at(NOW) and c.final_kind is ResultKind.VERDICT and c.sentence is not None
    )
    url = (
        f"http://{court.host}/modules.php?name=sud_delo&srv_num=1&name_op=doc"
        f"&number={case.case_id}&delo_id=1540006&new=0&text_number=1"
    )
    body = fetch(quiet_site, url).body
    text = body.decode("cp1251")
    # Words are split across spans in the markup (Word-HTML): read the clean text.
    page = read_page(body, url)
    assert page.kind is PageKind.ACT and page.act is not None and page.act.published
    assert "ПРИГОВОР" in text and "назначить ему наказание" in (page.act.text or "")
    assert all(d.name.full not in text for d in case.defendants)  # acts are anonymised


def test_real_fixture_and_sandbox_card_share_the_parser(quiet_site: Site, fixtures_dir) -> None:
    """The real classic criminal card and a sandbox card come out of the same function with
    the same field labels (the same tabs and label/value markup)."""
    real = read_page((fixtures_dir / "leninsky_ufa_criminal.html").read_bytes())
    court = _court(quiet_site, Template.CLASSIC)
    case = next(c for c in _visible(quiet_site, court) if c.decided_at(NOW))
    ours = read_page(
        fetch(quiet_site, card_url(court.host, court.dialect, case.case_id, case.guid)).body
    )
    assert real.kind is ours.kind is PageKind.CARD
    assert real.template is ours.template is Template.CLASSIC
    shared = {
        "Уникальный идентификатор дела",
        "Дата поступления",
        "Судья",
        "Дата рассмотрения",
        "Результат рассмотрения",
    }
    assert shared <= set(real.card.fields) and shared <= set(ours.card.fields)


def test_listing_with_a_captcha_side_panel_is_still_a_listing(make_site) -> None:
    """On captcha courts the results page carries the captcha form in a side panel: the rows
    with case links win (DOMAIN.md §2), for the parser as for the real pages."""
    from kartoteka.sandbox.config import FaultProfile

    site = make_site(faults=FaultProfile(captcha=1.0))
    court = max(
        (c for c in site.network if c.captcha), key=lambda c: len(site.caseload.court(c.code).cases)
    )
    url = listing_url(court.host, court.dialect, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    gate = fetch(site, url, t=1.0)
    captcha_id = site.gate.captchas.current_id(court.host)
    answer = site.gate.captchas.answer(court.host)
    page_bytes = fetch(site, f"{url}&captcha={answer}&captchaid={captcha_id}", t=2.0).body
    assert read_page(gate.body).kind is PageKind.CAPTCHA
    assert "Проверочный код" in page_bytes.decode("cp1251")
    page = read_page(page_bytes, url)
    assert page.kind is PageKind.LISTING and page.listing.total > 0


def test_cassation_listing_and_card(quiet_site: Site) -> None:
    """The cassation court hears appeal rulings again: listing with the long delo_id pair,
    card with ПРОИЗВОДСТВО / СЛУШАНИЯ tabs, the same UID through all three instances."""
    court = next(c for c in quiet_site.network if c.level is CourtLevel.CASSATION)
    cases = _visible(quiet_site, court, Instance.CASSATION)
    assert cases
    case = next(c for c in reversed(cases) if c.decided_at(NOW))
    url = listing_url(
        court.host, court.dialect, case.entry_date, case.entry_date, instance=Instance.CASSATION
    )
    page = read_page(fetch(quiet_site, url).body, url)
    assert page.kind is PageKind.LISTING
    row = next(r for r in page.listing.rows if r.case_id == case.case_id)
    assert row.delo_id == "2450001" and row.case_number_raw == case.number
    url = card_url(court.host, court.dialect, case.case_id, case.guid, instance=Instance.CASSATION)
    card = read_page(fetch(quiet_site, url).body, url).card
    assert card is not None and card.uid == case.uid == case.lower.uid == case.lower.lower.uid
    assert card.case_number_raw == case.number
    assert card.result == case.final_text and card.result_date == case.final_date
    assert card.events and {e.name for e in card.events} == {"Судебное заседание"}
    assert case.lower.number in str(card.lower_court or card.fields)

"""Judicial acts as the sites show them (issue 13, DOMAIN.md §6): inline on the card or only
linked to their `name_op=doc` page per court; stubs, attachment-only acts and courts that
publish no texts; acts that come out months after the decision. The ground truth counts an
act as published only when its text can be read, and the project's parser agrees with it on
every form."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from tests.sandbox.conftest import NOW, fetch

from kartoteka.registry.courts import CourtLevel
from kartoteka.sandbox import SandboxConfig, build_site, html_classic
from kartoteka.sandbox.caseload import SimCase
from kartoteka.sandbox.site import Site
from kartoteka.sandbox.truth import truth_cases, truth_sentences
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind, Template
from kartoteka.sudrf.urls import card_url


def _doc_url(host: str, case: SimCase, text_number: int = 1) -> str:
    return f"http://{host}" + html_classic.doc_href(case).replace(
        "text_number=1", f"text_number={text_number}"
    )


def _shown(site: Site, now: dt.date = NOW) -> list[tuple[object, SimCase]]:
    out = []
    for court in site.network:
        for case in site.caseload.court(court.code).cases:
            if case.entry_date <= now and case.visible_at(now) and case.act_shown_at(now):
                out.append((court, case))
    return out


def test_courts_show_acts_inline_or_linked_and_a_few_publish_none(quiet_site: Site) -> None:
    display = Counter(c.act_display for c in quiet_site.network)
    assert set(display) == {"inline", "linked"}
    assert 0.25 <= display["linked"] / len(quiet_site.network) <= 0.55
    withheld = [c for c in quiet_site.network if not c.publishes_acts]
    assert 1 <= len(withheld) <= 5
    assert all(c.level is CourtLevel.GARRISON and not c.always_down for c in withheld)
    # Drawn from the seed: the same config gives the same traits.
    again = build_site(SandboxConfig(seed=7, faults="none", now=NOW))
    assert [(c.act_display, c.publishes_acts) for c in again.network] == [
        (c.act_display, c.publishes_acts) for c in quiet_site.network
    ]


def test_act_forms_and_late_publication_follow_the_seed(quiet_site: Site) -> None:
    forms: Counter[str] = Counter()
    lags = []
    for court in quiet_site.network:
        if not court.publishes_acts:
            continue
        for case in quiet_site.caseload.court(court.code).cases:
            if case.act_on is None:
                continue
            forms[case.act_form or "?"] += 1
            if case.final_date is not None:
                lags.append((case.act_on - case.final_date).days)
    total = sum(forms.values())
    assert set(forms) == {"text", "stub", "attachment"}
    assert 0.82 <= forms["text"] / total <= 0.92
    assert 0.05 <= forms["stub"] / total <= 0.11
    assert 0.03 <= forms["attachment"] / total <= 0.08
    late = [d for d in lags if d > 40]
    assert 0.12 <= len(late) / len(lags) <= 0.28
    assert max(lags) > 90  # months late, not only weeks


def test_configured_display_and_withheld_courts(make_site) -> None:
    site = make_site(faults="none", act_display="linked", acts_withheld=())
    assert {c.act_display for c in site.network} == {"linked"}
    assert all(c.publishes_acts for c in site.network)
    first = site.network[5].code
    one = make_site(faults="none", act_display={first: "inline"}, acts_withheld=(first,))
    assert one.network[5].act_display == "inline" and not one.network[5].publishes_acts
    with pytest.raises(ValueError, match="act_display"):
        make_site(faults="none", act_display="embedded")
    with pytest.raises(ValueError, match="acts_withheld"):
        make_site(faults="none", acts_withheld=("00XX0000",))


def test_linked_cards_link_the_act_page_and_inline_cards_carry_it(quiet_site: Site) -> None:
    seen: Counter[tuple[str, str, str]] = Counter()
    for court, case in _shown(quiet_site):
        key = (court.template.value, court.act_display, case.act_form or "")
        if seen[key] >= 2:
            continue
        seen[key] += 1
        url = card_url(court.host, court.dialect, case.case_id, case.guid, instance=case.instance)
        page = read_page(fetch(quiet_site, url).body, url)
        assert page.kind is PageKind.CARD and page.card is not None, (key, page.reason)
        (act,) = page.card.acts
        if court.act_display == "linked":
            assert act.text is None and act.url == html_classic.doc_href(case), key
        else:
            assert act.url is None and act.text, key
            assert act.published is (case.act_form == "text"), key
    for template in ("classic", "new"):
        for display in ("inline", "linked"):
            for form in ("text", "stub", "attachment"):
                assert seen[(template, display, form)] > 0, (template, display, form)


def test_act_pages_are_read_as_the_truth_says(quiet_site: Site) -> None:
    """Every form of a `name_op=doc` page, both templates: an act page the parser reads,
    published exactly when the truth says the text can be read."""
    seen: Counter[tuple[str, str, bool]] = Counter()
    for court, case in _shown(quiet_site):
        key = (court.template.value, case.act_form or "", court.publishes_acts)
        if seen[key] >= 3:
            continue
        seen[key] += 1
        url = _doc_url(court.host, case)
        resp = fetch(quiet_site, url)
        assert resp.kind == "doc"
        page = read_page(resp.body, url)
        assert page.kind is PageKind.ACT and page.act is not None, (key, page.reason)
        assert page.act.published is case.act_published_at(NOW), (key, page.act)
        reason = page.act.unpublished_reason or ""
        if case.act_form == "attachment":
            assert reason.startswith("attachment only"), reason
            assert ".rtf" in reason or ".doc" in reason, reason
        elif case.act_form == "stub":
            assert "публик" in reason, reason
            if not court.publishes_acts:
                assert "Тексты судебных актов не публикуются" in resp.body.decode("cp1251")
        else:
            assert page.act.doc_type and page.act.text and "симуляция kartoteka" in page.act.text
        # The act has one text on the site: any other text_number finds nothing.
        other = read_page(fetch(quiet_site, _doc_url(court.host, case, 2)).body, url)
        assert other.kind is PageKind.EMPTY
    for template in ("classic", "new"):
        for form in ("text", "stub", "attachment"):
            assert seen[(template, form, True)] > 0, (template, form)
    assert any(not withheld for _, _, withheld in seen)


def test_an_act_published_late_is_absent_at_first_and_present_later() -> None:
    site = build_site(SandboxConfig(seed=7, faults="none", now=NOW, act_display="inline"))
    late = next(
        (court, case)
        for court in site.network
        if court.publishes_acts and court.template is Template.CLASSIC
        for case in site.caseload.court(court.code).cases
        if case.act_form == "text"
        and case.final_date is not None
        and case.act_on is not None
        and (case.act_on - case.final_date).days > 60
        and case.visible_at(case.final_date)
        and case.act_on < NOW
    )
    court, case = late
    assert case.final_date is not None and case.act_on is not None
    url = card_url(court.host, court.dialect, case.case_id, case.guid, instance=case.instance)
    doc = _doc_url(court.host, case)
    site.now = case.final_date + dt.timedelta(days=45)  # decided, act not out yet
    card = read_page(fetch(site, url).body, url).card
    assert card is not None and card.result_date == case.final_date and not card.acts
    assert read_page(fetch(site, doc).body, doc).kind is PageKind.EMPTY
    at_t1 = {t.case_id: t for t in truth_cases(site.caseload, site.now, [court.code])}
    assert at_t1[case.case_id].act_published is False and at_t1[case.case_id].act_form == ""
    site.now = case.act_on
    card = read_page(fetch(site, url).body, url).card
    assert card is not None and card.acts and card.acts[0].published is True
    at_t2 = {t.case_id: t for t in truth_cases(site.caseload, site.now, [court.code])}
    assert at_t2[case.case_id].act_published is True and at_t2[case.case_id].act_form == "text"


def test_truth_publishes_only_readable_texts(quiet_site: Site) -> None:
    codes = [c.code for c in quiet_site.network[:40]] + [
        c.code for c in quiet_site.network if not c.publishes_acts
    ]
    cases = truth_cases(quiet_site.caseload, NOW, codes)
    forms = Counter(t.act_form for t in cases)
    assert forms["stub"] and forms["attachment"] and forms["text"]
    for t in cases:
        assert t.act_published is (t.act_form == "text"), t
        if not t.act_published:
            assert t.punishment == "" and t.term_months is None
    published = {(t.court_code, t.case_id) for t in cases if t.act_published}
    rows = truth_sentences(quiet_site.caseload, NOW, codes)
    assert rows and {(r["court_code"], r["case_id"]) for r in rows} <= published
    withheld = {c.code for c in quiet_site.network if not c.publishes_acts}
    assert not any(t.act_published for t in cases if t.court_code in withheld)

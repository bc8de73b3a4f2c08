"""Linked judicial acts (issue 13) harvested from the sandbox: after a card whose act tab only
links `name_op=doc` pages, each act page is fetched through the gateway and archived with page
kind `act`; it is not fetched again while nothing changed; an act that comes out later is
fetched when its listing row shows it; a failed act page is reported and fetched by the next
run, never lost. The truth side is the sandbox's own (`act_shown_at`, `act_published_at`)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from kartoteka.harvest.acts import (
    ActState,
    ActStatus,
    acts_to_fetch,
    card_act_links,
    needs_recheck,
)
from kartoteka.harvest.harvester import CourtStatus, harvest
from kartoteka.harvest.planner import PlanOptions
from kartoteka.harvest.politeness import for_sandbox
from kartoteka.harvest.state import HarvestState
from kartoteka.harvest.warc import iter_responses
from kartoteka.paths import DataDir
from kartoteka.sandbox import SandboxConfig, html_classic, html_common, run_sandbox
from kartoteka.sandbox.site import Response, Site
from kartoteka.sudrf.models import Template

T1 = dt.date(2024, 6, 30)
SINCE = dt.date(2024, 1, 1)
# The contract with the store (docs/sandbox.md, "Judicial acts").
ACT_URL = re.compile(
    r"^http://[^/]+/modules\.php\?name=sud_delo&srv_num=1&name_op=doc&number=\d+"
    r"&delo_id=\d+&new=\d+&text_number=\d+$"
)


def _courts(sb) -> list:
    """Two busy garrison courts (one per template) that link their acts, and one that shows
    them inline; none with a captcha or always down."""
    usable = [
        c
        for c in sb.courts
        if c.court.level.value == "garrison" and not c.captcha and not c.always_down
    ]
    load = Counter(t.court_code for t in sb.truth if t.instance == "first")
    out = []
    for template, display in ((Template.CLASSIC, "linked"), (Template.NEW, "linked")):
        pool = [c for c in usable if c.template is template and c.act_display == display]
        out.append(max(pool, key=lambda c: (load[c.code], c.code)))
    inline = [c for c in usable if c.act_display == "inline" and c.template is Template.CLASSIC]
    out.append(max(inline, key=lambda c: (load[c.code], c.code)))
    return out


def _expected(sb, court, since: dt.date, until: dt.date) -> dict[str, tuple[bool, str]]:
    """Real act URL → (text published, case id) of every act the court shows at the clock
    for the cases of the harvested windows."""
    site: Site = sb.site
    now = site.now
    out = {}
    for case in site.caseload.court(court.code).cases:
        if not (since <= case.entry_date <= until and case.visible_at(now)):
            continue
        if case.instance.value != "first" or not case.act_shown_at(now):
            continue
        url = f"http://{court.host}{html_classic.doc_href(case)}"
        out[url] = (case.act_published_at(now), case.case_id)
    return out


def _act_records(data_dir: DataDir, run_id: str | None = None) -> list:
    return [
        r
        for r in iter_responses(data_dir.archive)
        if "name_op=doc" in r.url and (run_id is None or r.run_id == run_id)
    ]


def _run(sb, data_dir, courts, until, **options):
    opts = PlanOptions(since=SINCE, until=until, all_cards=True, **options)
    return harvest(data_dir, [c.court for c in courts], for_sandbox(), opts, sandbox_url=sb.url)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "requests.jsonl"
    config = SandboxConfig(seed=1, faults="none", now=T1, request_log=log)
    with run_sandbox(config) as sb:
        sb.wait_warm()
        yield sb, log


def test_linked_acts_are_fetched_archived_as_acts_and_not_fetched_again(sandbox, tmp_path):
    sb, log = sandbox
    sb.set_now(T1)
    courts = _courts(sb)
    data_dir = DataDir(tmp_path / "data")
    first = _run(sb, data_dir, courts, T1)
    assert all(c.status is CourtStatus.OK for c in first.courts), first.courts
    records = _act_records(data_dir, first.run_id)
    by_url = {r.url: r for r in records}
    assert len(by_url) == len(records)  # each act page once
    unpublished = 0
    for court in courts[:2]:
        expected = _expected(sb, court, SINCE, T1)
        assert sum(published for published, _ in expected.values()) >= 3
        unpublished += sum(not published for published, _ in expected.values())
        fetched = {u for u in by_url if urlsplit(u).netloc == court.host}
        assert fetched == set(expected), court.code
        report = next(c for c in first.courts if c.code == court.code)
        assert report.acts == len(expected) and report.acts_failed == 0
        assert report.act_texts == sum(p for p, _ in expected.values())
        state = HarvestState(data_dir.state)
        try:
            for inst, case_id, act in state.court_acts(court.code):
                published, expected_case = expected[act.url]
                assert case_id == expected_case and inst == "first"
                wanted = ActStatus.TEXT if published else ActStatus.UNPUBLISHED
                assert act.status is wanted, (act, published)
        finally:
            state.close()
    assert unpublished > 0  # stubs and attachments are fetched and recognised too
    # Inline acts are read from the card: no act page of that court is fetched.
    inline = courts[2]
    assert _expected(sb, inline, SINCE, T1)
    assert not [u for u in by_url if urlsplit(u).netloc == inline.host]
    for r in records:
        assert ACT_URL.match(r.url), r.url
        assert r.page_kind == "act" and r.court_code in {c.code for c in courts[:2]}
        assert r.simulated

    # The same run again: nothing changed, so no act page is fetched (stubs are rechecked
    # only when their card is read again, or after act_max_age).
    again = _run(sb, data_dir, courts, T1)
    assert all(c.status is CourtStatus.OK for c in again.courts), again.courts
    assert _act_records(data_dir, again.run_id) == []
    assert again.acts == 0

    # Act requests keep the floors like every request (the sandbox's log, on the wire).
    served = [json.loads(line) for line in log.read_text().splitlines()]
    docs = [r for r in served if r["kind"] == "doc"]
    assert len(docs) >= len(records)
    per_host: dict[str, list[float]] = {}
    for r in served:
        per_host.setdefault(r["host"], []).append(r["t"])
    interval = for_sandbox().per_host_interval
    for host in {r["host"] for r in docs}:
        times = sorted(per_host[host])
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= interval - 0.005, (host, min(gaps))


def test_an_act_that_comes_out_later_is_fetched_when_it_appears(sandbox, tmp_path):
    sb, _ = sandbox
    sb.set_now(T1)
    courts = _courts(sb)[:2]
    data_dir = DataDir(tmp_path / "data")
    first = _run(sb, data_dir, courts, T1)
    assert all(c.status is CourtStatus.OK for c in first.courts), first.courts
    before = {u: v for c in courts for u, v in _expected(sb, c, SINCE, T1).items()}
    t2 = T1 + dt.timedelta(days=75)
    sb.set_now(t2)
    try:
        # 75 simulated days later (wall time barely moved: the ages play the time).
        second = _run(sb, data_dir, courts, t2, act_max_age=0.0)
        assert all(c.status is CourtStatus.OK for c in second.courts), second.courts
        after = {u: v for c in courts for u, v in _expected(sb, c, SINCE, T1).items()}
        # Some of them in windows the second run does not list again (older than its
        # recent period): their cards were read again because they awaited an act.
        recent = dt.date(2024, 4, 1)
        site: Site = sb.site
        old_late = [
            u
            for c in courts
            for u, (_, case_id) in _expected(sb, c, SINCE, T1).items()
            if u not in before and site.caseload.court(c.code).by_id[case_id].entry_date < recent
        ]
        assert old_late
        late = set(after) - set(before)
        assert late, "no act of these windows came out between the two runs"
        fetched = {r.url for r in _act_records(data_dir, second.run_id)}
        assert late <= fetched
        # An act read before is not fetched again (its listing row and card list did not
        # change); only acts without a text may be fetched again, with their card.
        again = fetched & set(before)
        assert all(not before[u][0] for u in again), sorted(again)[:3]
        archived = {r.url for r in _act_records(data_dir)}
        assert set(after) <= archived
    finally:
        sb.set_now(T1)


def test_a_failed_act_page_is_reported_and_fetched_by_the_next_run(sandbox, tmp_path, monkeypatch):
    sb, _ = sandbox
    sb.set_now(T1)
    court = _courts(sb)[0]
    site: Site = sb.site
    real_doc = site.doc
    failing = {"on": True}

    def doc(sim_court, params):
        if failing["on"]:  # a maintenance page where the act should be: unrecognised
            page = html_common.portal_page(sim_court)
            return site._page(200, page, "portal")
        return real_doc(sim_court, params)

    monkeypatch.setattr(site, "doc", doc)
    data_dir = DataDir(tmp_path / "data")
    expected = _expected(sb, court, SINCE, T1)
    first = _run(sb, data_dir, [court], T1)
    (report,) = first.courts
    assert report.status is CourtStatus.INCOMPLETE
    assert report.acts_failed == len(expected) and report.acts == 0
    assert any(p.startswith("act of case") for p in report.problems)
    state = HarvestState(data_dir.state)
    try:
        acts = state.court_acts(court.code)
        assert {a.url for _, _, a in acts} == set(expected)
        assert {a.status for _, _, a in acts} == {ActStatus.FAILED}
    finally:
        state.close()
    records = _act_records(data_dir, first.run_id)
    assert {r.page_kind for r in records} == {"unrecognized"}  # archived all the same

    failing["on"] = False
    second = _run(sb, data_dir, [court], T1)
    (report,) = second.courts
    assert report.status is CourtStatus.OK, report.problems
    assert report.cards == 0  # the cards were read before: only the acts are fetched
    assert report.acts == len(expected)
    assert {r.url for r in _act_records(data_dir, second.run_id)} == set(expected)
    state = HarvestState(data_dir.state)
    try:
        got = {a.url: a.status for _, _, a in state.court_acts(court.code)}
    finally:
        state.close()
    assert got == {
        u: ActStatus.TEXT if published else ActStatus.UNPUBLISHED
        for u, (published, _) in expected.items()
    }


def test_a_captcha_on_act_pages_leaves_them_for_the_next_run(sandbox, tmp_path, monkeypatch):
    sb, _ = sandbox
    sb.set_now(T1)
    court = _courts(sb)[1]
    site: Site = sb.site
    real_doc = site.doc
    asking = {"on": True}

    def doc(sim_court, params) -> Response:
        if asking["on"]:
            page = html_common.captcha_page(sim_court, site._instance(params), "0" * 26)
            return site._page(200, page, "captcha")
        return real_doc(sim_court, params)

    monkeypatch.setattr(site, "doc", doc)
    data_dir = DataDir(tmp_path / "data")
    expected = _expected(sb, court, SINCE, T1)
    first = _run(sb, data_dir, [court], T1)
    (report,) = first.courts
    assert report.status is CourtStatus.INCOMPLETE and report.acts_failed == 1
    # One captcha ends the court's act fetches for the run: one act page was asked for.
    assert len(_act_records(data_dir, first.run_id)) == 1
    asking["on"] = False
    second = _run(sb, data_dir, [court], T1)
    (report,) = second.courts
    assert report.status is CourtStatus.OK, report.problems
    assert {r.url for r in _act_records(data_dir, second.run_id)} == set(expected)


# -- the pure decisions ---------------------------------------------------------------------


def _state(url, status, listed=True, at=1000.0, run="r1"):
    return ActState(url, status, listed, at, run)


def test_acts_to_fetch_new_changed_and_textless() -> None:
    a, b, c = "http://h/a", "http://h/b", "http://h/c"
    assert acts_to_fetch([a], {}, "r2") == [a]
    known = {a: _state(a, ActStatus.TEXT), b: _state(b, ActStatus.UNPUBLISHED)}
    # Same list: the text is not fetched again, the stub is (its card was read again).
    assert acts_to_fetch([a, b], known, "r2") == [b]
    # The list changed: every linked act again.
    assert acts_to_fetch([a, b, c], known, "r2") == [a, b, c]
    # Fetched earlier in this (resumed) run: not again.
    assert acts_to_fetch([a, b], known, "r1") == []
    known[b] = _state(b, ActStatus.FAILED)
    assert acts_to_fetch([a, b], known, "r2") == [b]


def test_needs_recheck() -> None:
    url = "http://h/a"
    day = 86400.0
    assert needs_recheck(_state(url, ActStatus.PENDING, run="r2"), 0, "r2", 30 * day)
    assert needs_recheck(_state(url, ActStatus.FAILED), 0, "r2", 30 * day)
    assert not needs_recheck(_state(url, ActStatus.FAILED, run="r2"), 0, "r2", 30 * day)
    assert not needs_recheck(_state(url, ActStatus.TEXT), 1e9, "r2", 30 * day)
    stub = _state(url, ActStatus.UNPUBLISHED, at=0.0)
    assert not needs_recheck(stub, 10 * day, "r2", 30 * day)
    assert needs_recheck(stub, 31 * day, "r2", 30 * day)
    assert not needs_recheck(_state(url, ActStatus.FAILED, listed=False), 0, "r2", day)


def test_card_act_links_select_what_the_card_parser_reads(sandbox) -> None:
    """The harvest's cheap link reading agrees with the card parser ingest uses, on linked
    and inline sandbox cards of both templates and on the real cards (which carry their
    acts inline: no link)."""
    from urllib.parse import urljoin

    from kartoteka.sudrf import read_page
    from kartoteka.sudrf.urls import card_url

    sb, _ = sandbox
    sb.set_now(T1)
    site: Site = sb.site
    checked: Counter[tuple[str, str]] = Counter()
    for court in site.network:
        if court.captcha or court.always_down:
            continue
        for case in site.caseload.court(court.code).cases:
            key = (court.template.value, court.act_display)
            if checked[key] >= 3 or not (case.act_shown_at(T1) and case.visible_at(T1)):
                continue
            url = card_url(
                court.host, court.dialect, case.case_id, case.guid, instance=case.instance
            )
            resp = site.page(court, "/modules.php", url.split("?", 1)[1], _params(url))
            card = read_page(resp.body, url).card
            assert card is not None
            parsed = [urljoin(url, a.url) for a in card.acts if a.text is None and a.url]
            assert card_act_links(resp.body, url) == parsed
            assert bool(parsed) is (court.act_display == "linked")
            checked[key] += 1
    assert len(checked) == 4


def test_real_cards_carry_their_acts_inline_so_no_act_page_is_linked(fixtures_dir) -> None:
    for name in ("leninsky_ufa_criminal.html", "sgs_card.html", "blag_card.html"):
        body = (fixtures_dir / name).read_bytes()
        assert card_act_links(body, "http://court.sudrf.ru/modules.php") == []


def _params(url: str) -> dict[str, str]:
    from kartoteka.sudrf.urls import parse_query

    return parse_query(url.split("?", 1)[1])


def test_acts_noted_with_their_card_are_fetched_by_the_next_run(sandbox, tmp_path, monkeypatch):
    """A run that stops after the cards and before their act pages (here: act fetches
    skipped) leaves the acts pending; the next run fetches them without reading the cards."""
    from kartoteka.harvest.harvester import Harvester

    sb, _ = sandbox
    sb.set_now(T1)
    court = _courts(sb)[0]
    expected = _expected(sb, court, SINCE, T1)
    data_dir = DataDir(tmp_path / "data")

    async def stopped(self, *args, **kwargs):
        return None

    with monkeypatch.context() as patch:
        patch.setattr(Harvester, "_fetch_act", stopped)
        first = _run(sb, data_dir, [court], T1)
    assert first.courts[0].cards > 0 and _act_records(data_dir) == []
    state = HarvestState(data_dir.state)
    try:
        pending = {a.url: a.status for _, _, a in state.court_acts(court.code)}
    finally:
        state.close()
    assert pending == dict.fromkeys(expected, ActStatus.PENDING)
    second = _run(sb, data_dir, [court], T1)
    (report,) = second.courts
    assert report.status is CourtStatus.OK and report.cards == 0
    assert {r.url for r in _act_records(data_dir, second.run_id)} == set(expected)

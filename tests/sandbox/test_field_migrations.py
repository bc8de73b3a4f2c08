"""The field network, dialects: some courts' sites speak another dialect and template than the
stale registry says, from a migration date on the sandbox clock; a query the site does not
understand is a silent refusal, the same bytes as an honest empty window (DOMAIN.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.sandbox.conftest import NOW, fetch

from kartoteka.registry.courts import read_courts_csv
from kartoteka.sandbox import SandboxConfig, build_site, truth_cases
from kartoteka.sandbox.network import (
    REGISTRY_SNAPSHOT,
    build_network,
    registry_csv,
    stale_registry,
)
from kartoteka.sandbox.site import Site
from kartoteka.sudrf import read_page
from kartoteka.sudrf.classify import examine
from kartoteka.sudrf.encoding import decode_page
from kartoteka.sudrf.models import PageKind, Template
from kartoteka.sudrf.urls import Dialect, Instance, listing_url

WINDOW = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _busy_classic_court(site: Site) -> str:
    """A classic garrison court without captcha with many 2024 cases."""
    return max(
        (
            c
            for c in site.network
            if c.dialect is Dialect.CLASSIC
            and not c.captcha
            and not c.always_down
            and c.level.value == "garrison"
        ),
        key=lambda c: len(site.caseload.court(c.code).cases),
    ).code


@pytest.fixture(scope="module")
def migrating() -> tuple[Site, str]:
    probe = build_site(SandboxConfig(seed=7, faults="none", now=NOW, warm=False))
    code = _busy_classic_court(probe)
    site = build_site(
        SandboxConfig(
            seed=7,
            faults="none",
            now=NOW,
            network="field",
            migrations={code: NOW + dt.timedelta(days=10)},
            redirects={},
        )
    )
    return site, code


def _listing(site: Site, host: str, dialect: Dialect, page: int = 1) -> bytes:
    return fetch(site, listing_url(host, dialect, *WINDOW, page=page)).body


def test_site_switches_dialect_and_template_on_its_migration_date(migrating) -> None:
    site, code = migrating
    base = next(c for c in site.network if c.code == code)
    site.now = NOW
    try:
        before = site.current(base)
        assert (before.dialect, before.template) == (Dialect.CLASSIC, Template.CLASSIC)
        old = read_page(_listing(site, base.host, Dialect.CLASSIC))
        assert old.kind is PageKind.LISTING and old.template is Template.CLASSIC
        truth_before = truth_cases(site.caseload, NOW, [code])

        site.now = NOW + dt.timedelta(days=10)
        after = site.current(base)
        assert (after.dialect, after.template) == (Dialect.VNKOD, Template.NEW)
        assert after.migrated_now and after.dialect_before is Dialect.CLASSIC
        # The stale dialect now meets a silent refusal; the new one gets rows (new template).
        refused = read_page(_listing(site, base.host, Dialect.CLASSIC))
        assert refused.kind is PageKind.EMPTY
        fresh = read_page(_listing(site, base.host, Dialect.VNKOD))
        assert fresh.kind is PageKind.LISTING and fresh.template is Template.NEW
        assert fresh.listing is not None and old.listing is not None
        assert fresh.listing.total == old.listing.total  # the cases did not change
        # ... nor did the truth (a migration changes the site, not the caseload).
        old_ids = {t.case_id for t in truth_before}
        assert old_ids <= {t.case_id for t in truth_cases(site.caseload, site.now, [code])}
    finally:
        site.now = NOW


def test_refusal_and_honest_empty_are_the_same_bytes(migrating) -> None:
    site, code = migrating
    base = next(c for c in site.network if c.code == code)
    site.now = NOW + dt.timedelta(days=30)
    try:
        # A window of the right dialect without cases (before the caseload starts) ...
        honest = fetch(
            site,
            listing_url(base.host, Dialect.VNKOD, dt.date(2019, 1, 1), dt.date(2019, 1, 31)),
        )
        # ... and a busy window asked in the dialect the site no longer speaks ...
        refused = fetch(site, listing_url(base.host, Dialect.CLASSIC, *WINDOW))
        # ... and one with a wrong delo_id/new pair.
        wrong_pair = listing_url(base.host, Dialect.VNKOD, *WINDOW).replace("_new=0", "_new=4")
        assert wrong_pair != listing_url(base.host, Dialect.VNKOD, *WINDOW)
        mismatched = fetch(site, wrong_pair)
        assert honest.status == refused.status == mismatched.status == 200
        assert honest.body == refused.body == mismatched.body
        verdict = examine(decode_page(refused.body))
        assert verdict.kind is PageKind.EMPTY
        # The form on the page speaks the court's current dialect.
        assert verdict.tree.css_first("input[name='case__entry_date1d']") is not None
        assert verdict.tree.css_first("input[name='delo_table']") is None
        assert "Данных по запросу не обнаружено" in decode_page(refused.body)
    finally:
        site.now = NOW


def test_classic_refusal_shows_the_classic_form(quiet_site) -> None:
    court = next(
        c for c in quiet_site.network if c.dialect is Dialect.CLASSIC and not c.always_down
    )
    refused = fetch(quiet_site, listing_url(court.host, Dialect.VNKOD, *WINDOW))
    honest = fetch(
        quiet_site,
        listing_url(court.host, Dialect.CLASSIC, dt.date(2019, 1, 1), dt.date(2019, 1, 31)),
    )
    assert refused.body == honest.body
    verdict = examine(decode_page(refused.body))
    assert verdict.kind is PageKind.EMPTY and verdict.template is Template.CLASSIC
    assert verdict.tree.css_first("input[name='u1_case__ENTRY_DATE1D']") is not None


def test_honest_empty_of_an_appeal_window_names_its_instance(quiet_site) -> None:
    court = next(c for c in quiet_site.network if c.level.value == "district")
    page = fetch(
        quiet_site,
        listing_url(
            court.host,
            court.dialect,
            dt.date(2019, 1, 1),
            dt.date(2019, 1, 31),
            instance=Instance.APPEAL,
        ),
    )
    text = decode_page(page.body)
    assert examine(text).kind is PageKind.EMPTY
    assert "Уголовные дела - апелляция" in text


def test_drawn_migrations_a_tenth_of_the_network_half_between_runs() -> None:
    sim = build_network(SandboxConfig(seed=3, faults="none", now=NOW, network="field"))
    migrating = [c for c in sim if c.migrates_on is not None]
    assert 8 <= len(migrating) <= 12  # ≈ 9 % of 111
    before = [c for c in migrating if c.migrates_on <= NOW]
    after = [c for c in migrating if c.migrates_on > NOW]
    assert before and after
    assert all(c.migrates_on > REGISTRY_SNAPSHOT for c in migrating)
    assert all(c.migrates_on <= NOW + dt.timedelta(days=46) for c in after)
    assert not any(c.always_down for c in migrating)
    # The stable network (the default) has none, and its traits are the same courts'.
    stable = build_network(SandboxConfig(seed=3, faults="none", now=NOW))
    assert not any(c.migrates_on or c.redirect for c in stable)
    assert [c.dialect for c in stable] == [c.dialect for c in sim]


def test_stale_registry_says_the_old_dialect_and_reads_back(tmp_path) -> None:
    site = build_site(SandboxConfig(seed=3, faults="none", now=NOW, network="field"))
    site.now = NOW + dt.timedelta(days=60)  # every drawn migration has happened
    stale = stale_registry(site.network)
    now = {c.code: c for c in site.courts_now()}
    migrated = [c for c in site.network if c.migrates_on is not None]
    for court in migrated:
        said = next(s for s in stale if s.code == court.code)
        assert said.dialect is court.dialect_before
        assert said.dialect is not now[court.code].dialect  # the old way round
    path = tmp_path / "registry.csv"
    path.write_text(registry_csv(stale), encoding="utf-8")
    assert read_courts_csv(path) == stale


def test_unknown_migration_court_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="99XX0000"):
        build_network(
            SandboxConfig(
                seed=3, faults="none", now=NOW, network="field", migrations={"99XX0000": NOW}
            )
        )


def test_index_page_lists_migrations_and_moves() -> None:
    site = build_site(SandboxConfig(seed=3, faults="none", now=NOW, network="field"))
    page = site.handle("GET", "/", {}, b"", 0.0).body.decode("utf-8")
    for court in site.network:
        if court.migrates_on is not None:
            assert court.migrates_on.isoformat() in page
        if court.new_host:
            assert court.new_host in page

"""The field network, captcha by solved pair (DOMAIN.md §5, second-hand): listings of captcha
courts need a valid pair (captcha, captchaid) on every request; a pair is valid for a time and
within a scope (court or region); the image is a PNG of the five digits and does not change
after a wrong answer; wrong answers accumulate into the throttle page; cards are open."""

from __future__ import annotations

import base64
import datetime as dt
import re
import struct
import zlib
from urllib.parse import quote

import pytest
from tests.sandbox.conftest import NOW, UA

from kartoteka.registry.courts import Court, CourtLevel
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.captcha_image import CELL, DOT, GLYPHS, JITTER, MARGIN
from kartoteka.sandbox.config import FIELD
from kartoteka.sandbox.site import Response, Site
from kartoteka.sudrf import read_page
from kartoteka.sudrf.models import PageKind
from kartoteka.sudrf.urls import Dialect, card_url, listing_url

WINDOW = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def _courts() -> list[Court]:
    """Two captcha courts in region 91, one in region 92, one without captcha, and their
    superior courts (a small network whose regions the test decides)."""

    def court(code: str, region: str, captcha: bool, level=CourtLevel.GARRISON) -> Court:
        return Court(
            code,
            f"Учебный суд {code} (вымышленный)",
            level,
            f"{code.lower()}.sandbox.test",
            region,
            None,
            Dialect.CLASSIC,
            captcha,
        )

    return [
        court("91OV0000", "91", False, CourtLevel.DISTRICT),
        court("92OV0000", "92", False, CourtLevel.DISTRICT),
        court("91GV0001", "91", True),
        court("91GV0002", "91", True),
        court("92GV0003", "92", True),
        court("91GV0004", "91", False),
    ]


def _site(**network_changes: object) -> Site:
    return build_site(
        SandboxConfig(
            seed=5,
            faults="none",
            now=NOW,
            courts=_courts(),
            network=FIELD.with_rates(**network_changes),
            migrations={},
            redirects={},
            scale=0.05,  # four garrison courts share the national caseload
        )
    )


def _get(site: Site, url: str, t: float, pair: tuple[str, str] | None = None) -> Response:
    if pair is not None:
        url += f"&captcha={quote(pair[0])}&captchaid={quote(pair[1])}"
    path = url.split("://", 1)[1]
    return site.handle("GET", "/" + path, {"user-agent": UA}, b"", t)


def _listing_url(site: Site, code: str) -> str:
    court = next(c for c in site.network if c.code == code)
    return listing_url(court.host, court.dialect, *WINDOW)


def _captcha_id(resp: Response) -> str:
    match = re.search(rb"name='captchaid' value='([0-9a-v]+)'", resp.body)
    assert match, "no captchaid on the page"
    return match.group(1).decode()


def _image(resp: Response) -> bytes:
    match = re.search(rb"data: image/png;base64, ([A-Za-z0-9+/=]+)", resp.body)
    assert match, "no inline image"
    return base64.b64decode(match.group(1))


def _read_digits(png: bytes) -> str:
    """Read the five digits off the PNG (8-bit grayscale, filter 0 rows), the way a person
    would: ink dots matched against the digit shapes."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", data[:8])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows = [raw[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]
    digits = ""
    for n in range(5):
        x0 = MARGIN + n * CELL
        best = None
        for y0 in range(MARGIN, MARGIN + JITTER + 1):
            shape = tuple(
                "".join(
                    "#" if rows[y0 + r * DOT + 1][x0 + c * DOT + 1] < 128 else "." for c in range(5)
                )
                for r in range(7)
            )
            for digit, glyph in GLYPHS.items():
                if glyph == shape:
                    best = digit
        assert best is not None, f"digit {n} unreadable"
        digits += best
    return digits


def test_listing_needs_a_pair_and_each_form_a_new_nonce() -> None:
    site = _site()
    url = _listing_url(site, "91GV0001")
    first, second = _get(site, url, 0.0), _get(site, url, 5.0)
    assert read_page(first.body).kind is PageKind.CAPTCHA
    assert first.kind == second.kind == "captcha"
    assert _captcha_id(first) != _captcha_id(second)  # a per-request nonce
    assert site.pairs is not None
    code = site.pairs.solution(_captcha_id(first))
    assert code is not None and re.fullmatch(r"\d{5}", code)
    assert _read_digits(_image(first)) == code  # the PNG shows the five digits


def test_solved_pair_must_be_resent_and_expires() -> None:
    site = _site(captcha_valid_s=60.0)
    url = _listing_url(site, "91GV0001")
    cid = _captcha_id(_get(site, url, 0.0))
    pair = (site.pairs.solution(cid), cid)
    assert read_page(_get(site, url, 1.0, pair).body).kind is PageKind.LISTING
    assert read_page(_get(site, url, 30.0, pair).body).kind is PageKind.LISTING  # resent
    assert _get(site, url, 31.0).kind == "captcha"  # without it: the form again
    expired = _get(site, url, 62.0, pair)
    assert expired.kind == "captcha" and expired.fault == "captcha_expired"
    assert _captcha_id(expired) != cid
    assert site.pairs.counts["solved"] == 1
    assert site.pairs.counts["reused"] == 1
    assert site.pairs.counts["expired"] == 1
    assert site.pairs.counts["wrong"] == 0


@pytest.mark.parametrize(("scope", "same_region_opens"), [("region", True), ("court", False)])
def test_pair_scope(scope: str, same_region_opens: bool) -> None:
    site = _site(captcha_scope=scope)
    cid = _captcha_id(_get(site, _listing_url(site, "91GV0001"), 0.0))
    pair = (site.pairs.solution(cid), cid)
    assert _get(site, _listing_url(site, "91GV0001"), 1.0, pair).kind == "listing"
    neighbour = _get(site, _listing_url(site, "91GV0002"), 2.0, pair)
    assert (neighbour.kind == "listing") is same_region_opens
    assert _get(site, _listing_url(site, "92GV0003"), 3.0, pair).kind == "captcha"
    # A court without captcha never asks, pair or no pair.
    assert _get(site, _listing_url(site, "91GV0004"), 4.0).kind == "listing"
    assert site.pairs.counts["solved"] == 1  # one answer per scope


def test_wrong_answers_keep_the_image_and_throttle_the_court() -> None:
    site = _site(captcha_wrong_limit=3, captcha_wrong_window_s=600.0, captcha_throttle_s=1800.0)
    url = _listing_url(site, "91GV0001")
    form = _get(site, url, 0.0)
    cid, image = _captcha_id(form), _image(form)
    right = site.pairs.solution(cid)
    wrong = f"{(int(right) + 1) % 100000:05d}"
    again = _get(site, url, 10.0, (wrong, cid))
    assert again.kind == "captcha" and again.fault == "captcha_wrong"
    assert _captcha_id(again) == cid and _image(again) == image  # the same challenge
    assert "Неверно указан проверочный код" in again.body.decode("cp1251")
    assert _get(site, url, 20.0, (wrong, cid)).fault == "captcha_wrong"
    throttled = _get(site, url, 30.0, (wrong, cid))  # the third wrong answer
    assert read_page(throttled.body).kind is PageKind.UNAVAILABLE
    # The whole court is throttled for a while, cards too; even the right answer waits.
    court = next(c for c in site.network if c.code == "91GV0001")
    case = next(c for c in site.caseload.court(court.code).cases if c.visible_at(NOW))
    card = card_url(court.host, court.dialect, case.case_id, case.guid)
    assert read_page(_get(site, card, 40.0).body).kind is PageKind.UNAVAILABLE
    assert _get(site, url, 1000.0, (right, cid)).kind == "unavailable"
    assert site.pairs.counts["wrong"] == 3 and site.pairs.counts["throttled"] == 1
    # After the throttle the right answer opens the court; other courts were never affected.
    assert _get(site, _listing_url(site, "91GV0002"), 50.0).kind == "captcha"
    assert _get(site, url, 1831.0, (right, cid)).kind == "listing"
    assert site.pairs.by_court["91GV0001"]["wrong"] == 3


def test_wrong_answers_spread_out_do_not_throttle() -> None:
    site = _site(captcha_wrong_limit=3, captcha_wrong_window_s=60.0)
    url = _listing_url(site, "91GV0001")
    cid = _captcha_id(_get(site, url, 0.0))
    wrong = f"{(int(site.pairs.solution(cid)) + 1) % 100000:05d}"
    for t in (0.0, 100.0, 200.0, 300.0):
        assert _get(site, url, t, (wrong, cid)).fault == "captcha_wrong"


def test_cards_are_not_captcha_protected_and_the_form_shows_the_captcha() -> None:
    site = _site()
    court = next(c for c in site.network if c.code == "91GV0001")
    case = next(c for c in site.caseload.court(court.code).cases if c.visible_at(NOW))
    card = _get(site, card_url(court.host, court.dialect, case.case_id, case.guid), 0.0)
    assert read_page(card.body).kind is PageKind.CARD
    form = _get(site, f"http://{court.host}/modules.php?name=sud_delo&name_op=sf", 1.0)
    assert form.kind == "form" and "Проверочный код" in form.body.decode("cp1251")
    cid = _captcha_id(form)  # a challenge shown on the search form can be answered too
    listing = _get(site, _listing_url(site, "91GV0001"), 2.0, (site.pairs.solution(cid), cid))
    assert read_page(listing.body).kind is PageKind.LISTING


def test_captcha_answer_channel_gives_the_latest_challenge() -> None:
    from kartoteka.sandbox.server import SandboxHandle

    site = _site()
    handle = SandboxHandle(site.config, site, server=None, port=0)  # type: ignore[arg-type]
    court = next(c for c in site.network if c.code == "92GV0003")
    form = _get(site, _listing_url(site, "92GV0003"), 0.0)
    assert handle.captcha_answer(court.host) == handle.captcha_solution(_captcha_id(form))
    assert handle.captcha_solution("not-issued") is None
    assert handle.captcha_counts == {}


def test_same_requests_same_challenges() -> None:
    def run() -> list[bytes]:
        site = _site()
        url = _listing_url(site, "91GV0001")
        out = [_get(site, url, 0.0).body]
        cid = _captcha_id(_get(site, url, 1.0))
        out.append(_get(site, url, 2.0, (site.pairs.solution(cid), cid)).body)
        return out

    assert run() == run()

"""Captcha by solved pair, as peers report the real courts work it (DOMAIN.md §5).

On a captcha court, a listing request (`name_op=r`, `r_juid`) is answered with the search form
and its "Проверочный код" row unless it carries a valid solved pair (`captcha`, `captchaid`):

- every form shows a fresh `captchaid` (a per-request nonce, not tied to cookies) and a small
  PNG of its five digits, inline as base64;
- a request with an issued `captchaid` and its digits solves it (counted as a solved answer)
  and is served; the same pair sent again later is accepted while it is valid:
  `captcha_valid_s` seconds of the server's time after the solve, on the court that issued it
  (scope `court`) or on every captcha court of the same region (scope `region`);
- a request without a pair, or with an expired pair, or with a pair of another scope or an
  unknown `captchaid`, gets the form again with a new nonce;
- a wrong answer is counted and gets the same challenge again (same `captchaid`, same image)
  with "Неверно указан проверочный код"; the court's `captcha_wrong_limit`-th wrong answer
  within `captcha_wrong_window_s` seconds is answered with "Информация временно недоступна",
  and so is every request to that court for `captcha_throttle_s` seconds;
- case cards and act texts are not captcha-protected.

`solution(captchaid)` is the TEST-ONLY channel to the digits of a challenge; `counts` and
`by_court` count what the server received (solved answers, wrong ones, valid pairs resent).
"""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import dataclass

from kartoteka.sandbox.captcha_image import render_base64
from kartoteka.sandbox.config import NetworkProfile
from kartoteka.sandbox.network import SimCourt

PROTECTED_OPERATIONS = {"r", "r_juid"}
_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuv"  # the shape of a real captchaid (base 32)


@dataclass(slots=True)
class Challenge:
    """One issued captcha: its digits, where it is valid, and when it was solved."""

    captcha_id: str
    code: str
    scope: str
    host: str
    issued_t: float
    solved_t: float | None = None
    image_b64: str = ""


@dataclass(slots=True)
class PairVerdict:
    """What the captcha asked of one request: nothing (`outcome` "ok"/"reused"), a form
    ("captcha", "captcha_wrong", "captcha_expired"), or the throttle page
    ("captcha_throttled")."""

    outcome: str
    challenge: Challenge | None = None

    @property
    def passes(self) -> bool:
        return self.outcome in ("ok", "reused", "open")


class PairCaptcha:
    """The captcha state of every captcha court of a sandbox run."""

    def __init__(self, profile: NetworkProfile, seed: int):
        if profile.captcha_scope not in ("court", "region"):
            raise ValueError(
                f"captcha_scope must be court or region, not {profile.captcha_scope!r}"
            )
        self.profile = profile
        self.rng = random.Random(f"captcha-pairs:{seed}")
        self.challenges: dict[str, Challenge] = {}
        self.latest: dict[str, str] = {}  # court host → the captchaid it showed last
        self._wrong: dict[str, deque[float]] = {}
        self.throttled_until: dict[str, float] = {}
        self.counts: Counter[str] = Counter()
        self.by_court: dict[str, Counter[str]] = {}

    def scope_of(self, court: SimCourt) -> str:
        if self.profile.captcha_scope == "region":
            return f"region:{court.court.region_code or court.code[:2]}"
        return f"court:{court.code}"

    def issue(self, court: SimCourt, t: float) -> Challenge:
        """A fresh challenge (nonce and digits) shown on a form of `court`."""
        captcha_id = "".join(self.rng.choice(_ID_ALPHABET) for _ in range(26))
        code = f"{self.rng.randrange(100000):05d}"
        challenge = Challenge(captcha_id, code, self.scope_of(court), court.host, t)
        challenge.image_b64 = render_base64(code, captcha_id)
        self.challenges[captcha_id] = challenge
        self.latest[court.host] = captcha_id
        return challenge

    def solution(self, captcha_id: str) -> str | None:
        """TEST-ONLY: the digits of an issued challenge (None for an unknown captchaid)."""
        found = self.challenges.get(captcha_id)
        return found.code if found is not None else None

    def latest_solution(self, host: str) -> str | None:
        """TEST-ONLY: the digits of the challenge the court showed last."""
        captcha_id = self.latest.get(host)
        return self.solution(captcha_id) if captcha_id else None

    def _count(self, court: SimCourt, what: str) -> None:
        self.counts[what] += 1
        self.by_court.setdefault(court.code, Counter())[what] += 1

    def throttled(self, court: SimCourt, t: float) -> bool:
        return self.throttled_until.get(court.code, 0.0) > t

    def check(self, court: SimCourt, t: float, params: dict[str, str]) -> PairVerdict:
        """The captcha's answer to a request of a captcha court."""
        if self.throttled(court, t):
            return PairVerdict("captcha_throttled")
        if params.get("name_op") not in PROTECTED_OPERATIONS:
            return PairVerdict("open")
        code, captcha_id = params.get("captcha"), params.get("captchaid")
        if code is None or not captcha_id:
            return PairVerdict("captcha", self.issue(court, t))
        challenge = self.challenges.get(captcha_id.strip())
        if challenge is None or challenge.scope != self.scope_of(court):
            self._count(court, "unknown_pair")
            return PairVerdict("captcha", self.issue(court, t))
        if code.strip() != challenge.code:
            self._count(court, "wrong")
            wrong = self._wrong.setdefault(court.code, deque())
            wrong.append(t)
            while wrong and wrong[0] <= t - self.profile.captcha_wrong_window_s:
                wrong.popleft()
            if len(wrong) >= self.profile.captcha_wrong_limit:
                wrong.clear()
                self.throttled_until[court.code] = t + self.profile.captcha_throttle_s
                self._count(court, "throttled")
                return PairVerdict("captcha_throttled")
            if challenge.solved_t is not None:  # a solved pair with other digits: a new form
                return PairVerdict("captcha_wrong", self.issue(court, t))
            self.latest[court.host] = challenge.captcha_id
            return PairVerdict("captcha_wrong", challenge)  # the same image again
        if challenge.solved_t is None:
            challenge.solved_t = t
            self._count(court, "solved")
            return PairVerdict("ok")
        if t < challenge.solved_t + self.profile.captcha_valid_s:
            self._count(court, "reused")
            return PairVerdict("reused")
        self._count(court, "expired")
        return PairVerdict("captcha_expired", self.issue(court, t))

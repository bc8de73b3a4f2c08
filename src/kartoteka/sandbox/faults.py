"""The failure modes of the court sites, decided per request from a `FaultProfile`.

Checked in this order (the first that applies wins; `slow` only delays):

1. the court that is always down: HTTP 503;
2. no User-Agent: HTTP 403 (the sites' WAF);
3. more than `burst_max` requests to one host within `burst_window_s`: HTTP 429 with
   Retry-After;
4. a request to a host sooner than `min_interval_s` after the previous one: the page
   "Информация временно недоступна" (HTTP 200, as the real anti-bot defence answers);
5. random faults at their rates: dropped connection, HTTP 5xx, HTTP 429, "unavailable";
6. random slow answer (delay);
7. the captcha gate on courts flagged captcha_seen, for case-index requests while the court's
   gate is closed: the search form with "Проверочный код". The answer to the current
   challenge is available to tests only through `CaptchaBook.answer(host)` (exposed as
   `SandboxHandle.captcha_answer`), never in the page. A request carrying `captcha` and
   `captchaid` with the right code opens the court for `captcha_open_s` seconds.

Random draws come from one generator seeded by the sandbox seed, so a run that sends the same
requests in the same order meets the same faults.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from kartoteka.sandbox.config import FaultProfile
from kartoteka.sandbox.network import SimCourt


@dataclass(slots=True)
class Fault:
    """What the gate decided for one request."""

    name: str  # down | forbidden | burst | too_many | too_fast | unavailable | server_error |
    #            drop | captcha | captcha_wrong
    status: int = 200
    retry_after: int | None = None


@dataclass(slots=True)
class _Challenge:
    captcha_id: str
    code: str
    open_until: float = 0.0


@dataclass(slots=True)
class CaptchaBook:
    """Per-court captcha challenges: the current one, and until when a solved court is open."""

    rng: random.Random
    challenges: dict[str, _Challenge] = field(default_factory=dict)
    gate_of: dict[str, str] = field(default_factory=dict)  # host → gate key (default: host)

    def _challenge(self, host: str) -> _Challenge:
        key = self.gate_of.get(host, host)
        found = self.challenges.get(key)
        if found is None:
            found = self.challenges[key] = self._new()
        return found

    def _new(self, open_until: float = 0.0) -> _Challenge:
        return _Challenge(
            f"{self.rng.getrandbits(48):012x}", f"{self.rng.randrange(100000):05d}", open_until
        )

    def current_id(self, host: str) -> str:
        return self._challenge(host).captcha_id

    def answer(self, host: str) -> str:
        """The code that solves the court's current challenge (test-only channel)."""
        return self._challenge(host).code

    def is_open(self, host: str, t: float) -> bool:
        return self._challenge(host).open_until > t

    def solve(self, host: str, captcha_id: str, code: str, t: float, open_s: float) -> bool:
        """True (and the court opens, with a fresh challenge for later) if the code is right."""
        ch = self._challenge(host)
        if captcha_id != ch.captcha_id or code.strip() != ch.code:
            return False
        self.challenges[self.gate_of.get(host, host)] = self._new(open_until=t + open_s)
        return True


CAPTCHA_OPERATIONS = {"r", "case", "doc", "r_juid"}


class FaultGate:
    """Decides, request by request, whether a fault replaces the page."""

    def __init__(self, profile: FaultProfile, seed: int, courts: list[SimCourt] | None = None):
        self.profile = profile
        self.rng = random.Random(f"faults:{seed}")
        gate_of = {}
        if profile.captcha_scope == "region":
            gate_of = {
                c.host: f"region:{c.court.region_code or c.code[:2]}"
                for c in courts or []
                if c.captcha
            }
        self.captchas = CaptchaBook(random.Random(f"captcha:{seed}"), gate_of=gate_of)
        self._last: dict[str, float] = {}
        self._recent: dict[str, deque[float]] = {}

    def decide(
        self, court: SimCourt, t: float, user_agent: str | None, params: dict[str, str]
    ) -> tuple[Fault | None, float]:
        """(fault or None, delay in seconds) for a request to `court` at time `t`."""
        p = self.profile
        host = court.host
        # Draw every random number on every request, so that the sequence does not depend on
        # which rule fired.
        r_drop, r_5xx, r_429, r_unav, r_slow, r_cap = (self.rng.random() for _ in range(6))
        code_5xx = self.rng.choice((500, 502, 503))
        if p.always_down and court.always_down:
            return Fault("down", 503), 0.0
        if p.forbid_missing_user_agent and not (user_agent or "").strip():
            return Fault("forbidden", 403), 0.0
        if p.burst_max > 0:
            recent = self._recent.setdefault(host, deque())
            recent.append(t)
            while recent and recent[0] <= t - p.burst_window_s:
                recent.popleft()
            if len(recent) > p.burst_max:
                return Fault("burst", 429, p.retry_after_s), 0.0
        last = self._last.get(host)
        self._last[host] = t
        if p.min_interval_s > 0 and last is not None and t - last < p.min_interval_s:
            return Fault("too_fast", 200), 0.0
        if r_drop < p.drop:
            return Fault("drop", 0), 0.0
        if r_5xx < p.server_error:
            return Fault("server_error", code_5xx), 0.0
        if r_429 < p.too_many:
            return Fault("too_many", 429, p.retry_after_s), 0.0
        if r_unav < p.unavailable:
            return Fault("unavailable", 200), 0.0
        delay = p.slow_s if r_slow < p.slow else 0.0
        if court.captcha and p.captcha > 0 and params.get("name_op") in CAPTCHA_OPERATIONS:
            code, cid = params.get("captcha"), params.get("captchaid")
            if code is not None and cid is not None:
                if self.captchas.solve(host, cid, code, t, p.captcha_open_s):
                    return None, delay
                return Fault("captcha_wrong", 200), delay
            if not self.captchas.is_open(host, t) and r_cap < p.captcha:
                return Fault("captcha", 200), delay
        return None, delay

    def form_needs_captcha(self, court: SimCourt, t: float) -> bool:
        """Whether the search form shows the captcha row (closed gate on a captcha court)."""
        p = self.profile
        return court.captcha and p.captcha > 0 and not self.captchas.is_open(court.host, t)

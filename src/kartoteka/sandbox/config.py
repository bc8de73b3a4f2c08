"""Configuration of a sandbox run: seed, court registry, clock, scale and fault profile.

Fault profiles are data: every failure mode the real court sites show has a rate (or a switch)
here, `realistic` turns them all on at modest rates, `none` turns every one of them off. A
polite client (one request per host every 20 ms, as the harvester's sandbox mode does) never
trips the speed-triggered faults of `realistic`: the per-host limit is 10 ms and the burst
limit is 60 requests a second per host.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kartoteka.registry.courts import Court


@dataclass(frozen=True, slots=True)
class FaultProfile:
    """Rates (probabilities per request, 0 = off) and switches of the simulated failures."""

    name: str = "custom"
    # Captcha gate on courts flagged captcha_seen: probability that a request to a court whose
    # gate is closed gets the captcha form instead of the page. A solved code opens the court
    # for `captcha_open_s` seconds (wall clock).
    captcha: float = 0.0
    captcha_open_s: float = 600.0
    # "court": each court has its own challenge; "region": one solved code opens every
    # captcha court of the same region (as some courts do).
    captcha_scope: str = "court"
    # "Информация временно недоступна" when a client comes back to one host sooner than this
    # (seconds; 0 = off), plus an optional random rate.
    min_interval_s: float = 0.0
    unavailable: float = 0.0
    # HTTP 429 with Retry-After when one host gets more than `burst_max` requests within
    # `burst_window_s` (0 = off), plus an optional random rate.
    burst_max: int = 0
    burst_window_s: float = 1.0
    too_many: float = 0.0
    retry_after_s: int = 2
    # HTTP 403 for a request without a User-Agent header.
    forbid_missing_user_agent: bool = False
    # Random HTTP 5xx, slow answers (delayed by `slow_s`), dropped connections.
    server_error: float = 0.0
    slow: float = 0.0
    slow_s: float = 0.3
    drop: float = 0.0
    # One court (SandboxConfig.down_court, or one chosen by the seed) answers 503 always.
    always_down: bool = False

    def with_rates(self, **changes: object) -> FaultProfile:
        """A copy with some fields changed (e.g. `REALISTIC.with_rates(drop=0)`)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


REALISTIC = FaultProfile(
    name="realistic",
    captcha=1.0,
    captcha_open_s=600.0,
    min_interval_s=0.010,
    burst_max=60,
    burst_window_s=1.0,
    too_many=0.002,
    retry_after_s=2,
    forbid_missing_user_agent=True,
    server_error=0.005,
    slow=0.01,
    slow_s=0.3,
    drop=0.003,
    always_down=True,
)
NONE = FaultProfile(name="none")
PROFILES: dict[str, FaultProfile] = {"realistic": REALISTIC, "none": NONE}


def fault_profile(value: str | FaultProfile) -> FaultProfile:
    """A profile by name (`realistic`, `none`) or the profile itself."""
    if isinstance(value, FaultProfile):
        return value
    try:
        return PROFILES[value]
    except KeyError:
        raise ValueError(f"unknown fault profile {value!r}; known: {', '.join(PROFILES)}") from None


DEFAULT_START = dt.date(2021, 1, 1)


@dataclass(slots=True)
class SandboxConfig:
    """Everything that decides what a sandbox serves. Same config, same bytes.

    - `seed`: the caseload, court traits and fault draws all derive from it.
    - `courts_path`: a court registry (CSV or directory JSON, see kartoteka.registry.courts);
      `courts` a list of courts given directly; neither: a generated set of plainly fictional
      courts with the real network's shape (100 garrison, 6 district, 3 fleet, appellate,
      cassation).
    - `now`: the sandbox's clock (what is visible, decided, removed by then); movable at run
      time with `SandboxHandle.set_now`.
    - `scale`: multiplies the national caseload (1.0 ≈ the published figures).
    - `horizon`: cases are generated up to this date (default `now` + 1 year), so that moving
      the clock forward makes new cases appear.
    """

    seed: int = 1
    courts_path: Path | None = None
    faults: str | FaultProfile = "realistic"
    scale: float = 1.0
    now: dt.date = field(default_factory=dt.date.today)
    request_log: Path | None = None
    courts: list[Court] | None = None
    host: str = "127.0.0.1"
    port: int = 0
    start: dt.date = DEFAULT_START
    horizon: dt.date | None = None
    down_court: str | None = None  # court code that is always down (when the profile says so)
    # Generate every court's caseload in a background thread as soon as the server runs
    # (≈ 3 s for 111 courts), so that no request waits for a superior court's generation.
    warm: bool = True

    @property
    def fault_profile(self) -> FaultProfile:
        return fault_profile(self.faults)

    @property
    def end(self) -> dt.date:
        return self.horizon or (self.now + dt.timedelta(days=366))

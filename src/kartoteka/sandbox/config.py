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


@dataclass(frozen=True, slots=True)
class NetworkProfile:
    """How far the court network departs from the registry the harvester is given (issue 9).

    `stable` (the default) is the network the registry describes: every site speaks the
    registry's dialect, nobody moves, captcha courts use the simple gate of the fault profile.
    `field` plays the real network (DOMAIN.md §5): stale dialects and migrations, captcha by
    solved pair, redirects, rows that shift while a window is paged. Combine it with any fault
    profile: `SandboxConfig(network="field", faults="none")`.
    """

    name: str = "custom"
    # Share of courts whose site speaks the other dialect and template than the registry
    # snapshot says, from a migration date drawn by the seed (half before the clock, half in
    # the 45 days after it: they migrate between two runs). `SandboxConfig.migrations`
    # replaces the draw.
    migration_share: float = 0.0
    # Captcha courts: "gate" (the fault profile's gate, opened by one solved code) or "pair"
    # (a solved pair captcha+captchaid resent on every request, valid `captcha_valid_s` within
    # `captcha_scope`; wrong answers accumulate into the throttle page).
    captcha: str = "gate"
    captcha_valid_s: float = 6 * 3600.0
    captcha_scope: str = "region"  # "court" or "region"
    captcha_wrong_limit: int = 3  # the Nth wrong answer within the window throttles the court
    captcha_wrong_window_s: float = 600.0
    captcha_throttle_s: float = 1800.0
    # Redirects: share of courts that moved to https (http requests answer 301 to the same URL
    # on https), share whose host changed (301 to the new host, which is served too), and how
    # many courts redirect off sudrf.ru (302 to a portal of another domain).
    https_share: float = 0.0
    moved_share: float = 0.0
    off_site: int = 0
    # Rows shift while a window is paged: cases that became visible within `late_days` before
    # the clock are missing from the first page served for a (court, query without its page
    # number), when the window spans several pages without them; every later request of that
    # query shows them.
    late_days: int = 0

    def with_rates(self, **changes: object) -> NetworkProfile:
        """A copy with some fields changed (e.g. `FIELD.with_rates(captcha_valid_s=5)`)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


STABLE = NetworkProfile(name="stable")
FIELD = NetworkProfile(
    name="field",
    migration_share=0.09,
    captcha="pair",
    captcha_valid_s=6 * 3600.0,
    captcha_scope="region",
    https_share=0.05,
    moved_share=0.03,
    off_site=1,
    late_days=3,
)
NETWORKS: dict[str, NetworkProfile] = {"stable": STABLE, "field": FIELD}


def network_profile(value: str | NetworkProfile) -> NetworkProfile:
    """A network profile by name (`stable`, `field`) or the profile itself."""
    if isinstance(value, NetworkProfile):
        return value
    try:
        return NETWORKS[value]
    except KeyError:
        raise ValueError(
            f"unknown network profile {value!r}; known: {', '.join(NETWORKS)}"
        ) from None


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
    - `network`: `stable` or `field` (a `NetworkProfile`): how far the sites depart from the
      registry (stale dialects, migrations, captcha pairs, redirects, shifting rows).
    - `migrations`: court code → the date its site switches to the other dialect and
      template (replaces the field profile's draw); `redirects`: court code → "https",
      "host" or "off-site" (replaces the draw of moved sites).
    - `act_display`: how cards show judicial acts, "inline" (the text in the СУДЕБНЫЕ АКТЫ
      tab) or "linked" (the tab only links the `name_op=doc` page): one value for every
      court, or court code → value (the other courts keep the seed's draw); None: drawn.
      `acts_withheld`: the courts that publish no act texts (every act a "не публикуются"
      stub), replacing the seed's draw; `()` for none.
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
    network: str | NetworkProfile = "stable"
    migrations: dict[str, dt.date] | None = None
    redirects: dict[str, str] | None = None
    act_display: str | dict[str, str] | None = None
    acts_withheld: tuple[str, ...] | None = None

    @property
    def fault_profile(self) -> FaultProfile:
        return fault_profile(self.faults)

    @property
    def network_profile(self) -> NetworkProfile:
        return network_profile(self.network)

    @property
    def end(self) -> dt.date:
        return self.horizon or (self.now + dt.timedelta(days=366))

"""How gently the harvester treats the court sites: the floors, and who may lower them.

DESIGN.md makes politeness a product feature: against real court sites a user can only make
the harvester *stricter* than the defaults (≥ 3 s between two requests to one court, ≥ 1 s
between any two requests overall, a 30-minute cooldown after 429 or the throttle page, a
daily cap per court, robots.txt obeyed, a contact in the User-Agent). Only the sandbox, which
is our own simulated network on localhost, may run faster. `PolitenessConfig.validate()`
enforces this; `for_real` / `for_sandbox` build validated configs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kartoteka import __version__
from kartoteka.errors import PolitenessError

# Floors for real court sites (DOMAIN.md §5). Tests pin these numbers and docs/harvest.md.
REAL_PER_HOST_INTERVAL = 3.0
REAL_GLOBAL_INTERVAL = 1.0
REAL_COOLDOWN = 30 * 60.0
REAL_DAILY_CAP = 2000  # requests per court per UTC day (a ceiling: may only be lowered)
REAL_TIMEOUT = 60.0
REAL_MIN_BACKOFF = 5.0

# Sandbox defaults: the same logic, scaled down so that tests and benchmarks run in seconds.
SANDBOX_PER_HOST_INTERVAL = 0.020
SANDBOX_GLOBAL_INTERVAL = 0.005
SANDBOX_COOLDOWN = 0.5
SANDBOX_TIMEOUT = 5.0
SANDBOX_MIN_BACKOFF = 0.02

_EMAIL_OR_URL = re.compile(r"(^[^@\s]+@[^@\s]+\.[^@\s]+$)|(^https?://\S+$)")


@dataclass(frozen=True, slots=True)
class PolitenessConfig:
    """Every knob of the gateway. Times are seconds."""

    per_host_interval: float = REAL_PER_HOST_INTERVAL
    global_interval: float = REAL_GLOBAL_INTERVAL
    cooldown: float = REAL_COOLDOWN  # after 429 / "Информация временно недоступна"
    daily_cap: int = REAL_DAILY_CAP
    timeout: float = REAL_TIMEOUT  # per request (connect, read, write, pool)
    max_retries: int = 4  # timeouts, 5xx, dropped connections
    backoff_base: float = REAL_MIN_BACKOFF  # first retry waits about this, then doubles
    backoff_max: float = 600.0
    max_cooldowns: int = 3  # a court throttled more often than this in one run is left
    respect_robots: bool = True
    contact: str | None = None
    sandbox: bool = False

    @property
    def user_agent(self) -> str:
        """Browser-like (the courts' WAF answers 403 otherwise) and honest: it names the tool
        and how to reach the operator."""
        contact = self.contact or "no-contact"
        return (
            f"Mozilla/5.0 (compatible; kartoteka/{__version__}; "
            f"+https://github.com/kartoteka; contact: {contact})"
        )

    def validate(self) -> PolitenessConfig:
        """Raise `PolitenessError` if this config is ruder than the product allows."""
        if self.per_host_interval < 0 or self.global_interval < 0 or self.cooldown < 0:
            raise PolitenessError("intervals and cooldowns cannot be negative")
        if self.timeout <= 0:
            raise PolitenessError("every request needs a timeout (> 0 s)")
        if self.max_retries < 0 or self.daily_cap < 1:
            raise PolitenessError("max_retries must be ≥ 0 and daily_cap ≥ 1")
        if self.sandbox:
            return self
        floors = [
            ("per-host interval", self.per_host_interval, REAL_PER_HOST_INTERVAL),
            ("global interval", self.global_interval, REAL_GLOBAL_INTERVAL),
            ("cooldown after throttling", self.cooldown, REAL_COOLDOWN),
            ("first retry backoff", self.backoff_base, REAL_MIN_BACKOFF),
        ]
        for what, value, floor in floors:
            if value < floor:
                raise PolitenessError(
                    f"{what} {value:g} s is below the floor of {floor:g} s for real court "
                    "sites (only the sandbox may run faster)"
                )
        if self.daily_cap > REAL_DAILY_CAP:
            raise PolitenessError(
                f"daily cap {self.daily_cap} is above the ceiling of {REAL_DAILY_CAP} "
                "requests per court per day"
            )
        if not self.respect_robots:
            raise PolitenessError("robots.txt can only be ignored in the sandbox")
        if not self.contact or not _EMAIL_OR_URL.match(self.contact.strip()):
            raise PolitenessError(
                "harvesting real court sites needs the operator's contact (--contact "
                "EMAIL or URL): it goes into the User-Agent so a court can reach you"
            )
        return self

    def with_(self, **changes: object) -> PolitenessConfig:
        """A changed copy, validated again (so a real config can only get stricter)."""
        return replace(self, **changes).validate()  # type: ignore[arg-type]


def for_real(contact: str | None, **overrides: object) -> PolitenessConfig:
    """The config for real court sites: defaults, optionally stricter. Validated."""
    return replace(PolitenessConfig(contact=contact), **overrides).validate()  # type: ignore[arg-type]


def for_sandbox(contact: str | None = None, **overrides: object) -> PolitenessConfig:
    """The config for the sandbox on localhost: scaled-down intervals, may go lower."""
    base = PolitenessConfig(
        per_host_interval=SANDBOX_PER_HOST_INTERVAL,
        global_interval=SANDBOX_GLOBAL_INTERVAL,
        cooldown=SANDBOX_COOLDOWN,
        timeout=SANDBOX_TIMEOUT,
        backoff_base=SANDBOX_MIN_BACKOFF,
        backoff_max=1.0,
        daily_cap=1_000_000,
        contact=contact or "sandbox@localhost",
        sandbox=True,
    )
    return replace(base, **overrides).validate()  # type: ignore[arg-type]

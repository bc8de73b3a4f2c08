"""Sandbox test helpers: a site over the generated fictional courts (no ../shared needed), and
`fetch`, which sends a REAL court URL to a site the way the harvester's rewrite does."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.site import Response, Site

NOW = dt.date(2025, 6, 1)
UA = "kartoteka-tests (sandbox; contact: tests@example.org)"


def fetch(site: Site, real_url: str, t: float = 0.0, user_agent: str | None = UA) -> Response:
    """The sandbox's answer to `real_url` (http://HOST/modules.php?…), without a socket."""
    split = urlsplit(real_url)
    target = f"/{split.hostname}{split.path}" + (f"?{split.query}" if split.query else "")
    headers = {"user-agent": user_agent} if user_agent is not None else {}
    return site.handle("GET", target, headers, b"", t)


@pytest.fixture(scope="session")
def quiet_site() -> Site:
    """Fictional courts, no faults, clock at NOW. Shared: tests must not move its clock."""
    return build_site(SandboxConfig(seed=7, faults="none", now=NOW))


@pytest.fixture
def make_site():
    def make(**kwargs) -> Site:
        kwargs.setdefault("seed", 7)
        kwargs.setdefault("now", NOW)
        return build_site(SandboxConfig(**kwargs))

    return make

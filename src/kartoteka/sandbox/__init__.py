"""A simulated network of military court sites with a known caseload (issue 3).

Public API:

- `SandboxConfig`, `FaultProfile`, `REALISTIC`, `NONE`: what a run serves;
- `NetworkProfile`, `STABLE`, `FIELD`: how far the sites depart from the registry (the field
  network: migrations, captcha pairs, redirects, rows shifting while paging; issue 9);
- `stale_registry(network)`, `SandboxHandle.registry()`: the registry a harvester is given;
- `run_sandbox(config)`: context manager; starts the HTTP server on 127.0.0.1 (port 0: a free
  port) in a background thread and yields a `SandboxHandle` (`url`, `set_now`,
  `captcha_answer`, `captcha_solution`, `captcha_counts`, `truth`, `courts`, `registry`,
  `migrations`, `redirects`, `court_url`);
- `build_site(config)`: the same sites without a server (`Site.handle` / `Site.page`);
- `TruthCase`, `truth_cases`, `write_truth`: the ground truth.

Court pages live at `<url>/<court host>/modules.php?…` (the real URL with the host moved into
the path). Everything served is marked simulated: header `X-Kartoteka-Simulated: 1` and
`<meta name="kartoteka-simulated" content="1">`. See docs/sandbox.md.
"""

from kartoteka.sandbox.config import (
    FIELD,
    NONE,
    REALISTIC,
    STABLE,
    FaultProfile,
    NetworkProfile,
    SandboxConfig,
)
from kartoteka.sandbox.network import SimCourt, stale_registry
from kartoteka.sandbox.server import SandboxHandle, build_site, run_sandbox
from kartoteka.sandbox.truth import TruthCase, truth_cases, write_truth

__all__ = [
    "FIELD",
    "NONE",
    "REALISTIC",
    "STABLE",
    "FaultProfile",
    "NetworkProfile",
    "SandboxConfig",
    "SandboxHandle",
    "SimCourt",
    "TruthCase",
    "build_site",
    "run_sandbox",
    "stale_registry",
    "truth_cases",
    "write_truth",
]

"""The simulated court network: which courts exist, and each one's simulated traits.

Courts come from a registry (the real `military_courts.csv` keeps every court's code, name and
host) or, without one, from a generated set of plainly fictional courts. Each court gets traits
drawn from the seed where the registry is silent: query dialect (a court that speaks the vnkod
dialect serves the new page template, as on the real sites), whether it asks for a captcha,
whether it hides articles in its listings, its column order, its share of the national
caseload, its superior court (where its appeals go), markup quirks (event rows left
unclosed), and whether it is the court that is always down.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kartoteka.registry.courts import Court, CourtLevel, read_courts
from kartoteka.sandbox.config import SandboxConfig
from kartoteka.sudrf.models import Template
from kartoteka.sudrf.urls import Dialect


@dataclass(frozen=True, slots=True)
class SimCourt:
    """A court of the sandbox with its simulated traits."""

    court: Court
    dialect: Dialect
    template: Template
    captcha: bool
    always_down: bool
    superior: str | None  # code of the court that hears its appeals
    weight: float  # share of its level's caseload (sums to 1 within a level)
    hides_listing_articles: bool = False  # listings omit articles (the card is the authority)
    events_date_first: bool = False  # new template: event tables with the date first
    listing_columns: str = "standard"  # new template: "standard" or "judge-first"
    unclosed_rows: bool = False  # classic: event rows without </tr>, as some servers send

    @property
    def code(self) -> str:
        return self.court.code

    @property
    def host(self) -> str:
        return self.court.host

    @property
    def name(self) -> str:
        return self.court.name

    @property
    def level(self) -> CourtLevel:
        return self.court.level


_FICTIONAL_DISTRICTS = [
    ("91OV0000", "Учебный окружной военный суд (вымышленный) № 1", CourtLevel.DISTRICT),
    ("92OV0000", "Учебный окружной военный суд (вымышленный) № 2", CourtLevel.DISTRICT),
    ("93OV0000", "Учебный окружной военный суд (вымышленный) № 3", CourtLevel.DISTRICT),
    ("94OV0000", "Учебный окружной военный суд (вымышленный) № 4", CourtLevel.DISTRICT),
    ("95OV0000", "Учебный окружной военный суд (вымышленный) № 5", CourtLevel.DISTRICT),
    ("96OV0000", "Учебный окружной военный суд (вымышленный) № 6", CourtLevel.DISTRICT),
    ("97OV0000", "Учебный флотский военный суд (вымышленный) № 1", CourtLevel.FLEET),
    ("98OV0000", "Учебный флотский военный суд (вымышленный) № 2", CourtLevel.FLEET),
    ("99OV0000", "Учебный флотский военный суд (вымышленный) № 3", CourtLevel.FLEET),
]


def fictional_courts(seed: int = 1) -> list[Court]:
    """111 plainly fictional military courts on `.sandbox.test` hosts, shaped like the real
    network: 100 garrison courts spread over 6 district and 3 fleet courts, plus an appellate
    and a cassation court. About a tenth speak the vnkod dialect, a sixth ask for captchas."""
    rng = random.Random(f"fictional-courts:{seed}")
    courts = [
        Court(
            "54KV0000",
            "Учебный кассационный военный суд (вымышленный)",
            CourtLevel.CASSATION,
            "kvs.sandbox.test",
            "54",
            None,
            Dialect.CLASSIC,
            False,
        ),
        Court(
            "50AV0000",
            "Учебный апелляционный военный суд (вымышленный)",
            CourtLevel.APPELLATE,
            "avs.sandbox.test",
            "50",
            None,
            Dialect.CLASSIC,
            False,
        ),
    ]
    for code, name, level in _FICTIONAL_DISTRICTS:
        courts.append(
            Court(
                code,
                name,
                level,
                f"ovs{code[:2]}.sandbox.test",
                code[:2],
                None,
                Dialect.VNKOD if code == "93OV0000" else Dialect.CLASSIC,  # one new-template
                False,
            )
        )
    for n in range(1, 101):
        prefix = _FICTIONAL_DISTRICTS[(n - 1) % len(_FICTIONAL_DISTRICTS)][0][:2]
        code = f"{prefix}GV{n:04d}"
        dialect = Dialect.VNKOD if rng.random() < 0.08 else Dialect.CLASSIC
        courts.append(
            Court(
                code,
                f"Учебный гарнизонный военный суд (вымышленный) № {n}",
                CourtLevel.GARRISON,
                f"gvs{n:03d}.sandbox.test",
                prefix,
                None,
                dialect,
                rng.random() < 0.16,
            )
        )
    return courts


def _superior(
    court: Court,
    by_prefix: dict[str, str],
    appellate: str | None,
    cassation: str | None,
    fallback: str | None,
) -> str | None:
    if court.level is CourtLevel.GARRISON:
        return by_prefix.get(court.code[:2], fallback)
    if court.level in (CourtLevel.DISTRICT, CourtLevel.FLEET):
        return appellate
    if court.level is CourtLevel.APPELLATE:
        return cassation
    return None


def build_network(config: SandboxConfig) -> list[SimCourt]:
    """The courts of a sandbox run, in registry order, with their traits."""
    if config.courts is not None:
        courts = list(config.courts)
    elif config.courts_path is not None:
        courts = read_courts(config.courts_path)
    else:
        courts = fictional_courts(config.seed)
    rng = random.Random(f"network:{config.seed}")

    by_prefix: dict[str, str] = {}
    for c in courts:
        if c.level in (CourtLevel.DISTRICT, CourtLevel.FLEET):
            by_prefix.setdefault(c.code[:2], c.code)
    appellate = next((c.code for c in courts if c.level is CourtLevel.APPELLATE), None)
    cassation = next((c.code for c in courts if c.level is CourtLevel.CASSATION), None)
    fallback = next(iter(by_prefix.values()), None)

    garrisons = [c for c in courts if c.level is CourtLevel.GARRISON]
    down_code = config.down_court
    if down_code is None and garrisons:
        down_code = garrisons[rng.randrange(len(garrisons))].code

    raw_weights: dict[str, float] = {}
    for c in courts:
        raw_weights[c.code] = rng.lognormvariate(0.0, 0.6)
    totals: dict[CourtLevel, float] = {}
    for c in courts:
        totals[c.level] = totals.get(c.level, 0.0) + raw_weights[c.code]

    sim = []
    for c in courts:
        dialect = c.dialect or (Dialect.VNKOD if rng.random() < 0.08 else Dialect.CLASSIC)
        template = Template.NEW if dialect is Dialect.VNKOD else Template.CLASSIC
        sim.append(
            SimCourt(
                court=c,
                dialect=dialect,
                template=template,
                captcha=bool(c.captcha_seen),
                always_down=c.code == down_code,
                superior=_superior(c, by_prefix, appellate, cassation, fallback),
                weight=raw_weights[c.code] / totals[c.level],
                hides_listing_articles=(c.level is CourtLevel.GARRISON and rng.random() < 0.03),
                events_date_first=(template is Template.NEW and rng.random() < 0.5),
                listing_columns=(
                    "judge-first" if template is Template.NEW and rng.random() < 0.5 else "standard"
                ),
                unclosed_rows=(template is Template.CLASSIC and rng.random() < 0.2),
            )
        )
    return sim

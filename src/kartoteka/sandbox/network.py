"""The simulated court network: which courts exist, and each one's simulated traits.

Courts come from a registry (the real `military_courts.csv` keeps every court's code, name and
host) or, without one, from a generated set of plainly fictional courts. Each court gets traits
drawn from the seed where the registry is silent: query dialect (a court that speaks the vnkod
dialect serves the new page template, as on the real sites), whether it asks for a captcha,
whether it hides articles in its listings, its column order, its share of the national
caseload, its superior court (where its appeals go), markup quirks (event rows left
unclosed), and whether it is the court that is always down.

The `field` network profile adds, from a generator of its own (so the traits above stay those
of the `stable` network for the same seed): a migration date on some courts (their site
switches to the other dialect and template then; `migrated` gives the court as it is after),
and redirects (http → https, a new host, or off sudrf.ru).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from kartoteka.registry.courts import CSV_COLUMNS, Court, CourtLevel, read_courts
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
    # Field network: the date the site switches to the other dialect and template (on it and
    # after, `Site` serves `migrated(court)`); the dialect before that date, which is what the
    # registry snapshot says.
    migrates_on: dt.date | None = None
    dialect_before: Dialect | None = None
    # Field network: "https" (http requests answer 301 to https on the same host), "host"
    # (the site moved to `new_host`: 301 there), "off-site" (302 to `new_host`, a portal of
    # another domain), or None.
    redirect: str | None = None
    new_host: str | None = None
    # Judicial acts (issue 13): "inline" (the card's СУДЕБНЫЕ АКТЫ tab holds the text) or
    # "linked" (the tab only links the act's `name_op=doc` page); and whether the court
    # publishes act texts at all (a few courts answer every act "не публикуются").
    act_display: str = "inline"
    publishes_acts: bool = True

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

    @property
    def migrated_now(self) -> bool:
        """Whether this is the court as it is after its migration."""
        return self.dialect_before is not None and self.dialect is not self.dialect_before

    def serving_host(self) -> str:
        """The host whose pages show the case index: the new one for a moved court."""
        return self.new_host if self.redirect == "host" and self.new_host else self.host


def _other(dialect: Dialect) -> Dialect:
    return Dialect.CLASSIC if dialect is Dialect.VNKOD else Dialect.VNKOD


def migrated(court: SimCourt, seed: int) -> SimCourt:
    """The court after its migration: the other dialect and the matching template, with the
    new template's per-court quirks drawn for it (deterministic from seed and code)."""
    rng = random.Random(f"migrated:{seed}:{court.code}")
    dialect = _other(court.dialect)
    template = Template.NEW if dialect is Dialect.VNKOD else Template.CLASSIC
    return dataclasses.replace(
        court,
        dialect=dialect,
        template=template,
        events_date_first=(template is Template.NEW and rng.random() < 0.5),
        listing_columns=(
            "judge-first" if template is Template.NEW and rng.random() < 0.5 else "standard"
        ),
        unclosed_rows=(template is Template.CLASSIC and rng.random() < 0.2),
    )


OFF_SITE_HOST = "gas-portal.example"  # where the court that left sudrf.ru redirects (RFC 2606)
_SUFFIXES = (".sudrf.ru", ".sandbox.test")


def moved_host(host: str) -> str:
    """A court's new host within its domain: `1vovs.hbr.sudrf.ru` → `1vovs--hbr.sudrf.ru`,
    `vkas.sudrf.ru` → `vkas--new.sudrf.ru` (the shape of the sites' renames)."""
    for suffix in _SUFFIXES:
        if host.endswith(suffix):
            stem = host[: -len(suffix)]
            new = stem.replace(".", "--") if "." in stem else f"{stem}--new"
            return new + suffix
    return f"new--{host}"


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
    sim = _with_act_display(sim, config)
    profile = config.network_profile
    if profile.migration_share > 0 or config.migrations:
        sim = _with_migrations(sim, config)
    if profile.https_share > 0 or profile.moved_share > 0 or profile.off_site or config.redirects:
        sim = _with_redirects(sim, config)
    return sim


ACT_DISPLAYS = ("inline", "linked")
LINKED_SHARE = 0.4  # courts whose cards only link their acts' `name_op=doc` pages
WITHHELD_SHARE = 0.03  # garrison courts that publish no act texts


def _with_act_display(sim: list[SimCourt], config: SandboxConfig) -> list[SimCourt]:
    """How each court shows its acts, from a generator of its own (every other trait stays
    the seed's): inline or linked (`config.act_display` overrides), and the few garrison
    courts that publish no texts (never the court that is always down; `config.acts_withheld`
    replaces the draw)."""
    rng = random.Random(f"act-display:{config.seed}")
    drawn = {c.code: ("linked" if rng.random() < LINKED_SHARE else "inline") for c in sim}
    wanted = config.act_display
    if isinstance(wanted, str):
        display = dict.fromkeys(drawn, wanted)
    else:
        display = {**drawn, **(wanted or {})}
    codes = set(drawn)
    bad = sorted(
        f"{code}={value}"
        for code, value in display.items()
        if code not in codes or value not in ACT_DISPLAYS
    )
    if bad:
        raise ValueError(
            f"act_display: unknown court or value (one of {', '.join(ACT_DISPLAYS)}): "
            + ", ".join(bad)
        )
    if config.acts_withheld is not None:
        unknown = sorted(set(config.acts_withheld) - codes)
        if unknown:
            raise ValueError(f"acts_withheld names courts not in the network: {unknown}")
        withheld = set(config.acts_withheld)
    else:
        pool = [c.code for c in sim if c.level is CourtLevel.GARRISON and not c.always_down]
        k = min(len(pool), round(WITHHELD_SHARE * len(pool)))
        withheld = set(rng.sample(pool, k))
    return [
        dataclasses.replace(c, act_display=display[c.code], publishes_acts=c.code not in withheld)
        for c in sim
    ]


REGISTRY_SNAPSHOT = dt.date(2023, 11, 30)  # the stale registry is "as of November 2023"


def _with_migrations(sim: list[SimCourt], config: SandboxConfig) -> list[SimCourt]:
    """Migration dates: `config.migrations`, or a seeded share of the courts (never the court
    that is always down), half of them before the clock and half in the 45 days after it."""
    by_code = {c.code: c for c in sim}
    if config.migrations is not None:
        unknown = sorted(set(config.migrations) - set(by_code))
        if unknown:
            raise ValueError(f"migrations name courts not in the network: {', '.join(unknown)}")
        dates = dict(config.migrations)
    else:
        rng = random.Random(f"field-migrations:{config.seed}")
        candidates = [c.code for c in sim if not c.always_down]
        k = min(len(candidates), round(config.network_profile.migration_share * len(sim)))
        chosen = rng.sample(candidates, k)
        now = config.now
        early = min(REGISTRY_SNAPSHOT + dt.timedelta(days=1), now - dt.timedelta(days=60))
        before_span = max(1, (now - dt.timedelta(days=7) - early).days)
        dates = {}
        for i, code in enumerate(chosen):
            if i % 2 == 0:
                dates[code] = early + dt.timedelta(days=rng.randrange(before_span))
            else:
                dates[code] = now + dt.timedelta(days=1 + rng.randrange(45))
    return [
        dataclasses.replace(c, migrates_on=dates[c.code], dialect_before=c.dialect)
        if c.code in dates
        else c
        for c in sim
    ]


REDIRECT_KINDS = ("https", "host", "off-site")


def _with_redirects(sim: list[SimCourt], config: SandboxConfig) -> list[SimCourt]:
    """Moved sites: `config.redirects`, or seeded shares (never the court that is always
    down; the court that left sudrf.ru is a garrison court that does not migrate)."""
    if config.redirects is not None:
        codes = {c.code for c in sim}
        bad = sorted(
            code
            for code, kind in config.redirects.items()
            if code not in codes or kind not in REDIRECT_KINDS
        )
        if bad:
            raise ValueError(
                f"redirects: unknown court or kind (one of {', '.join(REDIRECT_KINDS)}): "
                + ", ".join(bad)
            )
        kinds = dict(config.redirects)
    else:
        profile = config.network_profile
        rng = random.Random(f"field-redirects:{config.seed}")
        pool = [c.code for c in sim if not c.always_down]
        kinds = {}
        off_pool = [
            c.code
            for c in sim
            if c.level is CourtLevel.GARRISON and not c.always_down and c.migrates_on is None
        ]
        for code in rng.sample(off_pool, min(profile.off_site, len(off_pool))):
            kinds[code] = "off-site"
        rest = [code for code in pool if code not in kinds]
        n_host = min(len(rest), round(profile.moved_share * len(sim)))
        for code in rng.sample(rest, n_host):
            kinds[code] = "host"
        rest = [code for code in rest if code not in kinds]
        n_https = min(len(rest), round(profile.https_share * len(sim)))
        for code in rng.sample(rest, n_https):
            kinds[code] = "https"
    out = []
    for c in sim:
        kind = kinds.get(c.code)
        if kind is None:
            out.append(c)
            continue
        new_host = {"host": moved_host(c.host), "off-site": OFF_SITE_HOST}.get(kind)
        out.append(dataclasses.replace(c, redirect=kind, new_host=new_host))
    return out


def stale_registry(network: list[SimCourt]) -> list[Court]:
    """The court list "as a November 2023 snapshot says": the registry the sandbox was given,
    with every migrated court's dialect the old way round (the dialect before its migration,
    also where the given registry left it blank) and moved courts on their old host."""
    out = []
    for c in network:
        dialect = c.dialect_before if c.dialect_before is not None else c.court.dialect
        out.append(dataclasses.replace(c.court, dialect=dialect))
    return out


def migrations(network: list[SimCourt]) -> dict[str, dt.date]:
    """Court code → migration date, for the courts that migrate."""
    return {c.code: c.migrates_on for c in network if c.migrates_on is not None}


def redirects(network: list[SimCourt]) -> dict[str, tuple[str, str | None]]:
    """Court code → (redirect kind, new host), for the moved sites."""
    return {c.code: (c.redirect, c.new_host) for c in network if c.redirect is not None}


def registry_csv(courts: list[Court]) -> str:
    """Courts in the `military_courts.csv` format (kartoteka.registry.courts reads it back)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in courts:
        captcha = "" if c.captcha_seen is None else ("yes" if c.captcha_seen else "no")
        writer.writerow(
            [
                c.code,
                c.name,
                c.level.value,
                c.host,
                c.region_code or "",
                c.region or "",
                c.dialect.value if c.dialect is not None else "",
                captcha,
            ]
        )
    return buf.getvalue()

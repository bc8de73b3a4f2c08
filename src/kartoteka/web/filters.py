"""The page filters (article, part, court, district, region, date range, as-of, and the
service status of the sentence figures), read from the URL and written back into it, so that
a filtered view is a link a journalist can share.

Validation happens here, once, for pages and API alike: a bad value becomes `FilterError`
with the parameter and the reason, which the API answers as 422 and the pages show inline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import urlencode

from kartoteka.errors import KartotekaError
from kartoteka.stats.metrics import ARTICLE_GROUPS, SERVICE_STATUSES, service_set

ONE_ARTICLE = r"\d{3}(\.\d{1,2})?"
# one article, a comma-separated list, or a group name of kartoteka.stats (refusal, chapter33)
GROUPS = "|".join(sorted(ARTICLE_GROUPS))
ARTICLE = re.compile(rf"^({ONE_ARTICLE}(,{ONE_ARTICLE}){{0,19}}|{GROUPS})$")
PART = re.compile(r"^\d{1,2}(\.\d{1,2})?$")
COURT = re.compile(r"^\d{2}(GV|OV|AV|KV)\d{4}$")
DISTRICT = COURT
# charges as `kartoteka.stats.metrics.Filter.charges`: whole articles or article.part keys
CHARGES = re.compile(
    rf"^{ONE_ARTICLE}(\.\d{{1,2}}(\.\d{{1,2}})?)?(,{ONE_ARTICLE}(\.\d{{1,2}}(\.\d{{1,2}})?)?){{0,29}}$"
)
REGION = re.compile(r"^[\w .,()«»\"'-]{1,80}$")


class FilterError(KartotekaError):
    """A filter value that cannot be used; `param` names it for the 422 answer."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True, slots=True)
class Filters:
    """The subset of cases a page or API call is about. None means "all"."""

    article: str | None = None  # "337", "352.1", "337,338", or a group: refusal, chapter33
    part: str | None = None  # "5" or "2.1" (of `article`)
    court: str | None = None  # court code, e.g. 27GV0008
    district: str | None = None  # code of the superior district/fleet court
    region: str | None = None  # region name as in the court registry
    since: dt.date | None = None  # cases received on or after
    until: dt.date | None = None  # cases received on or before
    as_of: dt.date | None = None  # count only what had been seen by the end of that day
    charges: str | None = None  # "337.5,338.3": any of these charges (the mobilisation parts)
    # the sentence figures only: sentences of defendants of this service status
    # ("mobilised", "mobilised,contract"); the figures of cases cannot apply it
    service: str | None = None

    def query(self, **overrides: object) -> str:
        """The URL query for these filters (empty values left out), with `overrides`."""
        values = {k: v for k, v in asdict(replace(self, **overrides)).items() if v is not None}  # type: ignore[arg-type]
        return urlencode(
            {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
        )

    def as_dict(self) -> dict[str, str]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in asdict(self).items()
            if v is not None
        }

    def of_cases(self) -> Filters:
        """These filters for a figure or list of cases: without the service status, which
        only the sentence figures apply (a link from a case chart to the case list)."""
        return replace(self, service=None)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


def _date(param: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(param, f"{param} must be a date as YYYY-MM-DD, got {value!r}") from None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_filters(params: Mapping[str, str | None]) -> Filters:
    """Filters from query parameters; raises FilterError naming the bad parameter."""
    article = _clean(params.get("article"))
    part = _clean(params.get("part"))
    court = _clean(params.get("court"))
    district = _clean(params.get("district"))
    region = _clean(params.get("region"))
    if article is not None:
        article = article.removeprefix("ст.").removeprefix("ст").replace(" ", "").strip()
        if not ARTICLE.match(article):
            raise FilterError(
                "article",
                f"article must look like 337, 352.1, 337,338 or a group "
                f"({', '.join(sorted(ARTICLE_GROUPS))}), got {article!r}",
            )
    if part is not None:
        part = part.removeprefix("ч.").strip()
        if not PART.match(part):
            raise FilterError("part", f"part must look like 5 or 2.1, got {part!r}")
        if article is None or not re.match(rf"^{ONE_ARTICLE}$", article):
            raise FilterError("part", "part needs one article (e.g. article=337&part=5)")
    if court is not None:
        court = court.upper()
        if not COURT.match(court):
            raise FilterError("court", f"court must be a court code like 27GV0008, got {court!r}")
    if district is not None:
        district = district.upper()
        if not DISTRICT.match(district):
            raise FilterError(
                "district",
                f"district must be a district court code like 27OV0000, got {district!r}",
            )
    charges = _clean(params.get("charges"))
    if charges is not None:
        charges = charges.replace(" ", "")
        if not CHARGES.match(charges):
            raise FilterError(
                "charges", f"charges must look like 337.5,338.3 or 352.1, got {charges!r}"
            )
    service = _clean(params.get("service"))
    if service is not None:
        try:
            service = ",".join(service_set(service))
        except ValueError:
            raise FilterError(
                "service",
                f"service must be one of {', '.join(SERVICE_STATUSES)} (several "
                f"comma-separated), got {service!r}",
            ) from None
    if region is not None and not REGION.match(region):
        raise FilterError("region", f"region has characters a region name cannot have: {region!r}")
    since = _date("since", v) if (v := _clean(params.get("since"))) else None
    until = _date("until", v) if (v := _clean(params.get("until"))) else None
    as_of = _date("as_of", v) if (v := _clean(params.get("as_of"))) else None
    if since and until and since > until:
        raise FilterError("until", f"until ({until}) is before since ({since})")
    for name, value in (("since", since), ("until", until), ("as_of", as_of)):
        if value is not None and not dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise FilterError(name, f"{name} is outside 1990–2100: {value}")
    return Filters(
        article=article,
        part=part,
        court=court,
        district=district,
        region=region,
        since=since,
        until=until,
        as_of=as_of,
        charges=charges,
        service=service,
    )


def service_refused(where: str, service: str) -> FilterError:
    """The error for a service status given to a page or endpoint of cases: a case has no
    service status, so the filter is refused rather than silently ignored."""
    return FilterError(
        "service",
        f"{where} counts cases, and a case has no service status: service={service} applies "
        "only to the sentence figures (the dashboard's sentence table, /api/v1/stats with "
        "by=punishment, service, regime or term)",
    )

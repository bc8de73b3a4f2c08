"""The JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

- `/api/v1/stats`: the `kartoteka stats` command over HTTP, same parameters, same JSON;
- `/api/v1/overview`: the headline figures of the dashboard, with definitions and as-of date;
- `/api/v1/metrics`: every metric's name and definition (its docstring);
- `/api/v1/cases` (paged, filtered), `/api/v1/cases/{case_key}`;
- `/api/v1/courts`, `/api/v1/courts/{code}`.

Errors are JSON `{"detail": ...}`; a bad parameter answers 422 naming it and saying why.
`service=` (mobilised, contract, conscript) restricts the sentence figures (`/stats` by
punishment, service, regime or term; the overview's sentence table); an endpoint or grouping
of cases answers 422 for it, since a case has no service status.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import ARTICLE_GROUPS, SERVICE_STATUSES
from kartoteka.web import data, pages, records
from kartoteka.web.filters import (
    ARTICLE,
    COURT,
    PART,
    Filters,
    parse_filters,
    service_refused,
)
from kartoteka.web.i18n import Translator

router = APIRouter(prefix="/api/v1", tags=["kartoteka"])

MAX_PER_PAGE = 500


def filters_dependency(
    article: Annotated[
        str | None,
        Query(
            description="Article (337, 352.1), several (337,338) or a group: "
            + ", ".join(sorted(ARTICLE_GROUPS)),
            pattern=ARTICLE.pattern,
        ),
    ] = None,
    part: Annotated[
        str | None, Query(description="Part of the article, e.g. 5 or 2.1", pattern=PART.pattern)
    ] = None,
    court: Annotated[
        str | None, Query(description="Court code, e.g. 27GV0008", pattern=COURT.pattern)
    ] = None,
    district: Annotated[
        str | None,
        Query(
            description="Code of the district/fleet court above the cases' courts",
            pattern=COURT.pattern,
        ),
    ] = None,
    region: Annotated[
        str | None, Query(description="Region name as in the court registry", max_length=80)
    ] = None,
    since: Annotated[dt.date | None, Query(description="Received on or after (YYYY-MM-DD)")] = None,
    until: Annotated[
        dt.date | None, Query(description="Received on or before (YYYY-MM-DD)")
    ] = None,
    as_of: Annotated[
        dt.date | None, Query(description="Count only what had been seen by the end of this day")
    ] = None,
    service: Annotated[
        str | None,
        Query(
            description="Sentence figures only: sentences of defendants whose verdict states "
            f"this service status, one of {', '.join(SERVICE_STATUSES)} (several "
            "comma-separated). The published share stays that of all verdicts; an endpoint "
            "or grouping of cases answers 422 (a case has no service status).",
            max_length=60,
        ),
    ] = None,
) -> Filters:
    """Query parameters shared by every counting endpoint, validated by `parse_filters`."""
    return parse_filters(
        {
            "service": service,
            "article": article,
            "part": part,
            "court": court,
            "district": district,
            "region": region,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "as_of": as_of.isoformat() if as_of else None,
        }
    )


FiltersDep = Annotated[Filters, Depends(filters_dependency)]


def _con(request: Request) -> Any:
    return request.app.state.reader.cursor()


class Page(BaseModel):
    total: int = Field(description="Cases matching the filters")
    page: int
    per_page: int
    items: list[dict[str, Any]]


@router.get("/stats", summary="Counts by group, as `kartoteka stats` prints them")
def stats(
    request: Request,
    filters: FiltersDep,
    by: Annotated[
        Literal[
            "month",
            "court",
            "district",
            "region",
            "part",
            "article",
            "outcome",
            "punishment",
            "service",
            "regime",
            "term",
        ],
        Query(
            description="How to group the cases (or, for punishment, service and regime, "
            "the sentences read from the published verdicts; term: their real terms by "
            "article and part)"
        ),
    ] = "month",
    principal: Annotated[
        bool, Query(description="Count each case once, under its principal article")
    ] = False,
    after_appeal: Annotated[
        bool,
        Query(
            description="Sentences (punishment, service, regime) as they stand after the "
            "appeal and cassation rulings seen, instead of as handed down"
        ),
    ] = False,
) -> list[dict[str, Any]]:
    """One object per group with its key (`period` as YYYY-MM, `court_code`, `district`,
    `region`, `part` (article.part, multi-label), `article` (principal), `outcome`) and
    `cases`, plus the other counts `kartoteka.stats.metrics.cases_by` gives; `punishment`,
    `service` and `regime` give `sentences`, `cases`, `published_share` and `verdicts`,
    `term` the real terms by article and part (`after_appeal`: as `kartoteka stats
    --after-appeal`; `service`: as `--service`, the sentence groupings only)."""
    con = _con(request)
    try:
        return data.stats_rows(con, filters, by, principal=principal, after_appeal=after_appeal)
    finally:
        con.close()


@router.get("/overview", summary="The dashboard's headline figures")
def overview(
    request: Request, filters: FiltersDep, lang: Annotated[Literal["ru", "en"], Query()] = "en"
) -> dict[str, Any]:
    con = _con(request)
    try:
        ov = pages.cached_overview(request, con, filters, Translator(lang))
    finally:
        con.close()
    return {
        "as_of": ov.as_of.isoformat(),
        "filters": filters.as_dict(),
        "headlines": [
            {
                "key": h.key,
                "label": h.label,
                "value": h.value,
                "as_of": h.as_of,
                "definition": h.definition,
                "detail": h.detail,
            }
            for h in ov.headlines
        ],
        "series": {c.key: c.rows for c in ov.charts} | {t.key: t.rows for t in ov.tables},
    }


@router.get("/revisions", summary="How a figure was revised as late cards appeared")
def revisions(
    request: Request,
    filters: FiltersDep,
    points: Annotated[int, Query(ge=2, le=data.MAX_REVISION_POINTS)] = 12,
) -> dict[str, Any]:
    """Cases of the filters' period (`since`..`until`) as counted on up to `points` days on
    which the archive saw something (`metrics.revisions`). Each point replays the store's
    history: allow about a second per point on a million cases."""
    if filters.service:
        raise service_refused("/api/v1/revisions", filters.service)
    con = _con(request)
    try:
        rows = data.revision_rows(con, filters, points)
    finally:
        con.close()
    return {
        "filters": filters.as_dict(),
        "definition": data.definition(m.revisions),
        "points": rows,
    }


@router.get("/metrics", summary="Every metric and its definition")
def metrics() -> list[dict[str, str]]:
    return [
        {
            "name": m.name,
            "function": f"kartoteka.stats.{m.qualname}",
            "title": m.title,
            "definition": m.doc,
        }
        for m in data.methodology(Translator("en"))
    ]


@router.get("/cases", summary="Cases matching the filters, paged", response_model=Page)
def cases(
    request: Request,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> Page:
    if filters.service:
        raise service_refused("/api/v1/cases", filters.service)
    con = _con(request)
    try:
        listing = data.case_list(con, filters, page=page, per_page=per_page)
    finally:
        con.close()
    return Page(
        total=listing.total,
        page=listing.page,
        per_page=per_page,
        items=[records.jsonable_row(r) for r in listing.rows],
    )


@router.get("/cases/{case_key:path}", summary="One case: charges, events, versions, evidence")
def case(request: Request, case_key: str) -> dict[str, Any]:
    con = _con(request)
    try:
        detail = records.case_detail(con, case_key, show_names=request.app.state.config.show_names)
    finally:
        con.close()
    if detail is None:
        raise HTTPException(404, f"no case {case_key!r} in the store")
    return detail.to_json()


@router.get("/search", summary="Full-text search over the masked act texts")
def search(
    request: Request,
    q: Annotated[str, Query(description='Words or "a phrase", any inflection')],
    limit: Annotated[int, Query(ge=1, le=200, description="Most acts to return")] = 20,
) -> list[dict[str, Any]]:
    """The acts whose masked text matches, best first, as `kartoteka search --format json`
    prints them: `case_key` (see `/cases/{case_key}`), court, case number, act type and
    date, a snippet of the masked text, the WARC record."""
    from kartoteka.store.search import SearchError, search_acts

    index = request.app.state.config.store_path.parent / "search.sqlite"
    con = _con(request)
    try:
        hits = search_acts(con, index, q, limit)
    except SearchError as exc:
        raise HTTPException(422, str(exc)) from exc
    finally:
        con.close()
    return [dataclasses.asdict(h) for h in hits]


@router.get("/courts", summary="The court registry with known case counts")
def courts(request: Request) -> list[dict[str, Any]]:
    con = _con(request)
    try:
        return [records.jsonable_row(r) for r in records.courts(con)]
    finally:
        con.close()


@router.get("/courts/{code}", summary="One court")
def court(request: Request, code: str) -> dict[str, Any]:
    con = _con(request)
    try:
        found = records.court(con, code.upper())
    finally:
        con.close()
    if found is None:
        raise HTTPException(404, f"no court {code!r} in the registry")
    return records.jsonable_row(found)

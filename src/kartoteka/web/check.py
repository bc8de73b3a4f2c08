"""The claim check on the dashboard: `POST /api/v1/check` (JSON) and the `/check` page, a text
box whose figures come back marked consistent, inconsistent or not checkable.

Both call `kartoteka.claims.check.check_text`, as `kartoteka check` does; the page marks the
claims with `kartoteka.claims.annotate`. The page submits with GET, so a checked text is a
link that can be shared (texts are short: the box takes up to MAX_TEXT characters).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kartoteka.claims import annotate
from kartoteka.claims.check import CheckReport, check_text, findings_spans

MAX_TEXT = 20_000
VERDICTS = ("consistent", "inconsistent", "not_checkable")
SOURCES = ("given", "text", "today")

api_router = APIRouter(prefix="/api/v1", tags=["kartoteka"])
page_router = APIRouter(include_in_schema=False)


class CheckRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT, description="The news text (Russian or English)")
    as_of: dt.date | None = Field(
        default=None,
        description="Publication date; default: a date the text states, else today",
        ge=dt.date(1990, 1, 1),
        le=dt.date(2100, 12, 31),
    )


class CheckedClaim(BaseModel):
    span: list[int] = Field(description="[start, end) offsets of the claim in the text")
    text: str
    quantity: Literal[
        "cases",
        "defendants",
        "verdicts",
        "convicted",
        "appeals",
        "sentences",
        "share_suspended",
        "share_sentences",
        "sentence_term",
    ] = Field(
        description="sentences, share_suspended, share_sentences (fractions) and sentence_term "
        "(the median real term, in months) are read from the published verdict texts"
    )
    value: float | int | None
    comparator: Literal["eq", "gt", "ge", "lt", "le", "about"]
    articles: list[str] | None
    parts: list[str] | None
    mobilisation_parts: bool
    from_: str | None = Field(alias="from")
    to: str | None
    per: Literal["day", "week", "month"] | None
    court: str | None
    region: str | None
    punishment: str | None = Field(
        description="Sentences: the main punishment (as in `stats --by punishment`)"
    )
    regime: Literal["settlement", "general", "strict", "special"] | None
    service: Literal["mobilised", "contract", "conscript"] | None
    statistic: Literal["median", "mean"] | None = Field(
        description="sentence_term: the statistic the text names (a mean is not checkable)"
    )
    compare_to: dict[str, Any] | None = Field(
        description="The other side of a comparison: the same fields, `factor`, `found`, "
        "`found_today`"
    )
    found: float | int | None = Field(description="The figure as of the publication date")
    found_today: float | int | None
    revision: float | int | None = Field(description="found_today − found")
    verdict: Literal["consistent", "inconsistent", "not_checkable"]
    reason: str
    notes: list[str]
    cases_url: str | None
    published_share: float | None = Field(
        default=None,
        description="Sentences: verdicts of the selection whose text is published, out of all "
        "of them; a figure read from the texts rests on this share",
    )

    model_config = {"populate_by_name": True}


class UnmappedOut(BaseModel):
    span: list[int]
    text: str
    reason: str


class CheckResponse(BaseModel):
    as_of: str
    as_of_source: Literal["given", "text", "today"]
    today: str
    claims: list[CheckedClaim]
    unmapped: list[UnmappedOut]


def _report(request: Request, text: str, as_of: dt.date | None) -> CheckReport:
    con = request.app.state.reader.cursor()
    try:
        return check_text(con, text, as_of)
    finally:
        con.close()


@api_router.post(
    "/check",
    summary="Check the figures of a news text",
    response_model=CheckResponse,
    response_model_by_alias=True,
)
def check_api(request: Request, body: CheckRequest) -> dict[str, Any]:
    """Every numeric claim of the text as a structured query, checked with the metrics as of
    the publication date and as of today (rules and tolerances: docs/claims.md). Sentences
    that look like claims but cannot be mapped are listed under `unmapped`."""
    return _report(request, body.text, body.as_of).to_json()


@page_router.get("/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    text: Annotated[str, Query(max_length=MAX_TEXT)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    from kartoteka.web.pages import page_context, render, translator

    t = translator(request)
    error = None
    published = None
    if as_of:
        try:
            published = dt.date.fromisoformat(as_of)
        except ValueError:
            error = f"as_of must be a date as YYYY-MM-DD, got {as_of!r}"
    report = _report(request, text, published) if text.strip() and error is None else None
    con = request.app.state.reader.cursor()
    try:
        ctx = page_context(
            request,
            t,
            con,
            filters=None,
            text=text,
            as_of_input=as_of,
            report=report,
            error=error,
            marked=annotate(text, findings_spans(report.findings)) if report else None,
            verdict_label={v: t(f"check.verdict.{v}") for v in VERDICTS},
            source_label={s: t(f"check.source.{s}") for s in SOURCES},
        )
    finally:
        con.close()
    ctx["as_of"] = None
    return render("check.html", ctx)

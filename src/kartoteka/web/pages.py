"""The dashboard's HTML pages: overview, cases, courts, a court, a case, evidence,
methodology, and the CSV download behind every chart and table.

Pages gather data through `kartoteka.web.data` (statistics) and `kartoteka.web.records`
(single records), and render the templates with the context of `kartoteka.web.render`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from kartoteka.web import data, records
from kartoteka.web.assets import vega_bundle
from kartoteka.web.evidence import EVIDENCE_CSP, EvidenceNotFound, load_evidence
from kartoteka.web.filters import FilterError, Filters, parse_filters, service_refused
from kartoteka.web.i18n import Translator, pick_language
from kartoteka.web.render import base_context, environment, rows_to_csv, with_query

router = APIRouter(include_in_schema=False)

FILTER_KEYS = (
    "article",
    "part",
    "court",
    "district",
    "region",
    "since",
    "until",
    "as_of",
    "charges",
    "service",
)


def translator(request: Request) -> Translator:
    default = getattr(request.app.state.config, "default_lang", "ru")
    lang = pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    if not request.query_params.get("lang") and not request.headers.get("accept-language"):
        lang = default
    return Translator(lang)


def page_context(request: Request, t: Translator, con: Any, **extra: Any) -> dict[str, Any]:
    """Context for a live page: language-preserving links, the banner, the snapshot state."""

    def link(path: str, **params: Any) -> str:
        return with_query(path, {"lang": t.lang, **params})

    params = dict(request.query_params)
    params["lang"] = t.other
    switch = f"{request.url.path}?{urlencode(params)}"

    def csv_href(item: Any) -> str:
        filters: Filters = extra.get("filters") or Filters()
        # the service status is the sentence table's; the other items count cases
        query = (filters if item.key == "sentences" else filters.of_cases()).query()
        lang = f"lang={t.lang}"
        return f"/download/{item.key}.csv?{query + '&' if query else ''}{lang}"

    reader = request.app.state.reader
    ctx = base_context(
        t,
        offline=False,
        simulated=per_snapshot(request, ("simulated", ""), lambda: records.is_simulated(con)),
        link=link,
        switch_lang_url=switch,
        csv_href=csv_href,
        vega_url=f"/assets/vega-{vega_bundle().digest}.js",
        snapshot=reader.info(),
        request_path=request.url.path,
        **extra,
    )
    return ctx


def filter_page_context(
    request: Request,
    t: Translator,
    con: Any,
    filters: Filters,
    error: str | None,
    form_action: str,
    **extra: Any,
) -> dict[str, Any]:
    """Context for a page with the filter form: the filters in force, the message about a
    filter that was ignored, the form's choices and where it submits to."""
    return page_context(
        request,
        t,
        con,
        filters=filters,
        filter_error=error,
        choices=per_snapshot(request, ("choices", t.lang), lambda: data.choices(con, t)),
        form_action=form_action,
        **extra,
    )


def render(
    name: str, ctx: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    html = environment().get_template(name).render(**ctx)
    return HTMLResponse(html, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page (the API answers JSON instead; see app.py)."""
    t = translator(request)
    title = t("error.not_found") if status == 404 else f"{t('error.title')} {status}"
    simulated = False
    with contextlib.suppress(Exception):  # the error may be that the store cannot be read
        con = request.app.state.reader.cursor()
        try:
            simulated = records.is_simulated(con)
        finally:
            con.close()
    ctx = base_context(
        t,
        offline=False,
        simulated=simulated,
        link=lambda path, **p: with_query(path, {"lang": t.lang, **p}),
        title=title,
        message=message,
    )
    return render("error.html", ctx, status=status)


def per_snapshot(request: Request, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
    """What every page shows and a snapshot fixes (the filter form's choices, with each
    court's number of cases: a scan of every case; whether the data is simulated), computed
    once per store snapshot."""
    cache = request.app.state.page_cache
    return cache.get(request.app.state.reader.info().taken_at, key, compute)


def _filters(request: Request, sentences: bool = False) -> tuple[Filters, str | None]:
    """Filters from the URL; a bad value is shown on the page and the filter ignored. A
    service status is a bad value on a page without sentence figures (`sentences` False):
    its figures of cases cannot apply it."""
    raw = {k: request.query_params.get(k) for k in FILTER_KEYS}
    try:
        filters = parse_filters(raw)
        if filters.service and not sentences:
            raise service_refused(f"the page {request.url.path}", filters.service)
        return filters, None
    except FilterError as exc:
        return Filters(), exc.message


def _per_snapshot(
    request: Request, cache: Any, filters: Filters, compute: Callable[[], Any]
) -> Any:
    """`compute()` for these filters, run once per store snapshot (the cache keeps it)."""
    return cache.get(request.app.state.reader.info().taken_at, filters, compute)


def cached_overview(request: Request, con: Any, filters: Filters, t: Translator) -> Any:
    """The overview for these filters, computed once per store snapshot."""
    cache = request.app.state.figures_cache
    figures = _per_snapshot(request, cache, filters, lambda: data.gather(con, filters))
    return data.arrange(figures, t)


def cached_window_notes(
    request: Request, con: Any, court: str | None, as_of: Any = None
) -> list[dict[str, Any]]:
    """The footnote of courts with incomplete or suspect-empty windows (one court, or all),
    computed once per store snapshot."""
    cache = request.app.state.window_notes_cache
    snapshot = request.app.state.reader.info().taken_at
    return cache.get(  # type: ignore[no-any-return]
        snapshot, (court, as_of), lambda: data.window_notes(con, court, as_of)
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


FAVICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    b'<rect width="16" height="16" rx="3" fill="#b3261e"/>'
    b'<path d="M4 3h2v4l4-4h2.5l-4.5 4.5 4.8 5.5H10.3L6 8.2V13H4z" fill="#fff"/></svg>'
)


@contextlib.contextmanager
def _store(request: Request) -> Iterator[Any]:
    """A cursor on the store being served, closed once the page's data is gathered."""
    con = request.app.state.reader.cursor()
    try:
        yield con
    finally:
        con.close()


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    t = translator(request)
    filters, error = _filters(request, sentences=True)  # the service: the sentence table's
    with _store(request) as con:
        overview = cached_overview(request, con, filters, t)
        ctx = filter_page_context(
            request,
            t,
            con,
            filters,
            error,
            "/",
            overview=overview,
            as_of=overview.as_of.isoformat(),
            window_notes=cached_window_notes(request, con, filters.court, filters.as_of),
        )
    return render("overview.html", ctx)


@router.get("/download/{key}.csv")
def download_csv(request: Request, key: str) -> Response:
    """The rows behind one chart or table of the overview, with the page's filters."""
    t = translator(request)
    filters = parse_filters({k: request.query_params.get(k) for k in FILTER_KEYS})
    if filters.service and key != "sentences":  # only the sentence table applies it
        raise service_refused(f"the {key} download", filters.service)
    with _store(request) as con:
        item = (
            data.revisions_chart(cached_revisions(request, con, filters), t)
            if key == "revisions"
            else cached_overview(request, con, filters, t).item(key)
        )
    if item is None:
        raise HTTPException(404, f"no chart or table named {key!r}")
    from kartoteka.web.render import csv_columns

    text = rows_to_csv(item.rows, csv_columns(item))
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="kartoteka-{key}.csv"'},
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, page: int = 1) -> HTMLResponse:
    t = translator(request)
    filters, error = _filters(request)
    page = max(1, min(page, 100000))
    with _store(request) as con:
        listing = data.case_list(con, filters, page=page, per_page=50)
        ctx = filter_page_context(
            request,
            t,
            con,
            filters,
            error,
            "/cases",
            listing=listing,
            table=data.case_table(listing, t),
        )
    return render("cases.html", ctx)


@router.get("/courts", response_class=HTMLResponse)
def courts_page(request: Request) -> HTMLResponse:
    t = translator(request)
    with _store(request) as con:
        table = data.courts_table(con, t)
        ctx = page_context(request, t, con, table=table, filters=Filters())
    return render("courts.html", ctx)


@router.get("/courts/{code}", response_class=HTMLResponse)
def court_page(request: Request, code: str) -> HTMLResponse:
    t = translator(request)
    filters, error = _filters(request)
    with _store(request) as con:
        court = records.court(con, code.upper())
        if court is None:
            raise HTTPException(404, f"no court {code!r} in the registry")
        filters = replace(filters, court=court["code"])
        overview = cached_overview(request, con, filters, t)
        listing = data.case_list(con, filters, page=1, per_page=25)
        ctx = filter_page_context(
            request,
            t,
            con,
            filters,
            error,
            f"/courts/{court['code']}",
            court=court,
            overview=overview,
            table=data.case_table(listing, t),
            listing=listing,
            as_of=overview.as_of.isoformat(),
            window_notes=cached_window_notes(request, con, court["code"], filters.as_of),
        )
    return render("court.html", ctx)


@router.get("/case/{case_key:path}", response_class=HTMLResponse)
def case_page(request: Request, case_key: str) -> HTMLResponse:
    t = translator(request)
    with _store(request) as con:
        detail = records.case_detail(con, case_key, show_names=request.app.state.config.show_names)
        if detail is None:
            raise HTTPException(404, f"no case {case_key!r} in the store")
        ctx = page_context(
            request,
            t,
            con,
            detail=detail,
            outcome_label=lambda o: data.outcome_label(o, t),
            filters=Filters(),
            archive=request.app.state.config.archive_dir is not None,
        )
    return render("case.html", ctx)


def _evidence(request: Request, warc_file: str, offset: int) -> Any:
    config = request.app.state.config
    if config.archive_dir is None:
        raise HTTPException(404, "this installation has no WARC archive beside its store")
    with _store(request) as con:
        known = records.known_record(con, warc_file, offset)
    if not known:
        raise HTTPException(404, f"the store read no record at {warc_file}:{offset}")
    try:
        return load_evidence(config.archive_dir, warc_file, offset, show_names=config.show_names)
    except EvidenceNotFound as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/evidence/{warc_file}/{offset}", response_class=HTMLResponse)
def evidence_page(request: Request, warc_file: str, offset: int) -> HTMLResponse:
    t = translator(request)
    evidence = _evidence(request, warc_file, offset)
    with _store(request) as con:
        ctx = page_context(
            request,
            t,
            con,
            evidence=evidence,
            warc_file=warc_file,
            offset=offset,
            filters=Filters(),
        )
        ctx["simulated"] = ctx["simulated"] or evidence.simulated
    return render("evidence.html", ctx)


@router.get("/evidence/{warc_file}/{offset}/page", response_class=HTMLResponse)
def evidence_raw(request: Request, warc_file: str, offset: int) -> HTMLResponse:
    """The archived page itself (sanitised, masked), for the sandboxed iframe."""
    evidence = _evidence(request, warc_file, offset)
    return HTMLResponse(
        evidence.html,
        headers={
            "Content-Security-Policy": EVIDENCE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def cached_revisions(request: Request, con: Any, filters: Filters) -> list[dict[str, Any]]:
    """The revision series for these filters, computed once per store snapshot."""
    cache = request.app.state.revisions_cache
    return _per_snapshot(  # type: ignore[no-any-return]
        request, cache, filters, lambda: data.revision_rows(con, filters)
    )


@router.get("/revisions", response_class=HTMLResponse)
def revisions_page(request: Request) -> HTMLResponse:
    t = translator(request)
    filters, error = _filters(request)
    with _store(request) as con:
        chart = data.revisions_chart(cached_revisions(request, con, filters), t)
        ctx = filter_page_context(request, t, con, filters, error, "/revisions", chart=chart)
    return render("revisions.html", ctx)


@router.get("/methodology", response_class=HTMLResponse)
def methodology_page(request: Request) -> HTMLResponse:
    t = translator(request)
    with _store(request) as con:
        ctx = page_context(request, t, con, methodology=data.methodology(t), filters=Filters())
    return render("methodology.html", ctx)

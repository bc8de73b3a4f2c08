"""The search box of the dashboard: `/search?q=…` lists the published acts whose masked text
matches, each linked to its case page and its archived record.

It calls `kartoteka.store.search.search_acts`, as `kartoteka search` and
`GET /api/v1/search` do, so the three answer the same. Only masked texts are indexed
(the store never keeps the original unless the installation opted in to names), so a
snippet shows what the case page would.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kartoteka.store.search import SearchError, SearchHit, search_acts

MAX_QUERY = 200
LIMIT = 50

page_router = APIRouter(include_in_schema=False)


def _hits(request: Request, q: str) -> list[SearchHit]:
    index = request.app.state.config.store_path.parent / "search.sqlite"
    con = request.app.state.reader.cursor()
    try:
        return search_acts(con, index, q, LIMIT)
    finally:
        con.close()


@page_router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, q: Annotated[str, Query(max_length=MAX_QUERY)] = ""
) -> HTMLResponse:
    from kartoteka.web.pages import page_context, render, translator

    t = translator(request)
    hits: list[SearchHit] | None = None
    error = None
    if q.strip():
        try:
            hits = _hits(request, q)
        except SearchError as exc:
            error = str(exc)
    con = request.app.state.reader.cursor()
    try:
        ctx = page_context(request, t, con, filters=None, q=q, hits=hits, error=error)
    finally:
        con.close()
    ctx["as_of"] = None
    return render("search.html", ctx)

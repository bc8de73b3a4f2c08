"""Feed routes: `/feeds/NAME.atom` and `/feeds/NAME.json` for every saved search, and
`/feeds/all.atom` / `/feeds/all.json` for every first-instance case.

The routes only format: the entries are the store's changes as `kartoteka.watch` selects
them (stable ids, links to the case pages of this dashboard, the simulated mark).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from kartoteka.watch.feeds import atom_feed, feed_content, json_feed
from kartoteka.watch.searches import OVERALL, SLUG, WatchError

# not in the OpenAPI schema: that documents the JSON API under /api/v1 (JSON errors)
router = APIRouter(prefix="/feeds", tags=["feeds"], include_in_schema=False)


def _content(request: Request, name: str):  # type: ignore[no-untyped-def]
    if name != OVERALL and not SLUG.match(name):
        raise HTTPException(404, f"no saved search {name!r}")
    con = request.app.state.reader.cursor()
    try:
        return feed_content(con, name)
    except WatchError as exc:
        raise HTTPException(404, str(exc)) from exc
    finally:
        con.close()


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/{name}.atom", summary="Atom feed of a saved search's changes")
def atom(request: Request, name: str) -> Response:
    content = _content(request, name)
    body = atom_feed(content, _base(request), str(request.url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/{name}.json", summary="JSON Feed of a saved search's changes")
def json(request: Request, name: str) -> JSONResponse:
    content = _content(request, name)
    return JSONResponse(
        json_feed(content, _base(request), str(request.url)),
        media_type="application/feed+json",
    )

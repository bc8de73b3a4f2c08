"""The FastAPI application: dashboard pages and the JSON API over one store, read-only.

`create_app(source)` takes a data directory (the normal case: `kartoteka serve`) or the path
of a store file. The store is read through `StoreReader` (see `kartoteka.web.snapshot` for
why the app reads a snapshot, so that `kartoteka update` can write while the dashboard runs).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kartoteka import __version__
from kartoteka.paths import DataDir
from kartoteka.stats.metrics import FilterNotApplicable
from kartoteka.store.privacy import keep_names_configured
from kartoteka.web import api, check, feeds, pages, search
from kartoteka.web.assets import vega_bundle
from kartoteka.web.data import FiguresCache, SnapshotCache, gather
from kartoteka.web.filters import FilterError, Filters
from kartoteka.web.snapshot import Mode, StoreReader, StoreUnavailable

STATIC_DIR = Path(__file__).parent / "static"
# overviews computed in the background whenever a new snapshot is taken
WARM_FILTERS = (Filters(), *(Filters(article=a) for a in ("337", "338", "332", "339", "352.1")))


@dataclass(frozen=True, slots=True)
class AppConfig:
    """What the app needs to know about its installation."""

    store_path: Path
    archive_dir: Path | None  # the WARC archive, for the evidence view (None: not available)
    show_names: bool  # the installation opted in to full names (privacy.keep_names)
    default_lang: str = "ru"


def config_for(
    source: DataDir | str | os.PathLike[str], show_names: bool | None = None
) -> AppConfig:
    """An AppConfig from a data directory or a store file path."""
    if isinstance(source, DataDir):
        data_dir = source
    else:
        path = Path(source)
        data_dir = DataDir(path) if path.is_dir() else DataDir(path.parent)
        if not path.is_dir():
            archive = data_dir.archive if data_dir.archive.exists() else None
            names = keep_names_configured(data_dir) if show_names is None else show_names
            return AppConfig(store_path=path, archive_dir=archive, show_names=names)
    names = keep_names_configured(data_dir) if show_names is None else show_names
    return AppConfig(
        store_path=data_dir.store,
        archive_dir=data_dir.archive if data_dir.archive.exists() else None,
        show_names=names,
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    source: DataDir | str | os.PathLike[str],
    *,
    mode: Mode = "snapshot",
    show_names: bool | None = None,
    snapshot_dir: str | Path | None = None,
    default_lang: str = "ru",
) -> FastAPI:
    """The dashboard + API app over the store of `source` (a data directory or store file).

    `mode="snapshot"` (the default for `kartoteka serve`) lets `kartoteka update` write while
    the app runs; `mode="direct"` holds one read-only connection (tests, published stores).
    `show_names` overrides the installation's keep-names opt-in (None: use the opt-in).
    """
    config = config_for(source, show_names)
    config = AppConfig(config.store_path, config.archive_dir, config.show_names, default_lang)
    reader = StoreReader(config.store_path, mode=mode, snapshot_dir=snapshot_dir)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            reader.close()

    app = FastAPI(
        title="kartoteka API",
        version=__version__,
        description=(
            "Statistics of Russian military-court cases against soldiers (Chapter 33 of the "
            "Criminal Code), computed by kartoteka from the courts' public case indexes. Every "
            "metric accepts the same parameters as `kartoteka stats`. Errors are JSON objects "
            "with a `detail` message; bad parameters answer 422 with the reason."
        ),
        docs_url="/api/v1/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.reader = reader
    app.state.figures_cache = FiguresCache()
    app.state.revisions_cache = SnapshotCache[Filters, list[dict[str, Any]]](size=32)
    app.state.window_notes_cache = SnapshotCache[tuple[Any, ...], list[dict[str, Any]]](size=32)
    app.state.page_cache = SnapshotCache[tuple[str, str], Any](size=8)  # pages.per_snapshot

    def warm_up() -> None:
        """Compute the most asked-for overviews of a new snapshot before anyone asks: the
        unfiltered one (the landing page), then one per "refusal to fight" article."""
        try:
            snapshot = reader.info().taken_at
            con = reader.cursor()
            try:
                for filters in WARM_FILTERS:
                    if reader.closing.is_set():
                        return
                    app.state.figures_cache.get(snapshot, filters, lambda f=filters: gather(con, f))
            finally:
                con.close()
        except Exception:  # a warm-up is an optimisation: the request path reports errors
            return

    reader.on_snapshot.append(warm_up)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/assets/vega-{digest}.js", include_in_schema=False)
    def vega_js(digest: str) -> Response:
        """The chart libraries; the content hash in the URL lets browsers cache it for good."""
        bundle = vega_bundle()
        headers = {"Cache-Control": "public, max-age=31536000, immutable"}
        if digest != bundle.digest:
            headers = {"Cache-Control": "no-cache"}
        return Response(bundle.text, media_type="text/javascript; charset=utf-8", headers=headers)

    app.include_router(api.router)
    app.include_router(check.api_router)
    app.include_router(check.page_router)
    app.include_router(search.page_router)
    app.include_router(feeds.router)  # /feeds/NAME.atom (kartoteka.watch)
    app.include_router(pages.router)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.message}, status_code=503, headers={"Retry-After": "5"}
            )
        return pages.error_page(request, 503, exc.message)

    @app.exception_handler(FilterError)
    async def bad_filter(request: Request, exc: FilterError) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {
                    "detail": [
                        {"loc": ["query", exc.param], "msg": exc.message, "type": "value_error"}
                    ]
                },
                status_code=422,
            )
        return pages.error_page(request, 422, exc.message)

    @app.exception_handler(FilterNotApplicable)
    async def filter_not_applicable(request: Request, exc: FilterNotApplicable) -> Response:
        # a case figure given the sentences' service status: refused, never ignored
        return await bad_filter(request, FilterError("service", exc.message))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        message = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in errors)
        return pages.error_page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return pages.error_page(request, exc.status_code, str(exc.detail))

    return app

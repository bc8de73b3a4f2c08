"""Building the offline report from the same data and templates as the dashboard."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import vl_convert as vlc

from kartoteka.paths import DataDir
from kartoteka.web import data, records
from kartoteka.web.assets import inline_script, vega_bundle, vegalite_version
from kartoteka.web.filters import Filters
from kartoteka.web.i18n import Translator
from kartoteka.web.render import STATIC_DIR, base_context, environment
from kartoteka.web.snapshot import StoreReader


@dataclass(slots=True)
class ReportResult:
    path: Path
    bytes: int
    charts: int
    chart_files: list[Path] = field(default_factory=list)


def _store_path(source: DataDir | str | os.PathLike[str]) -> Path:
    if isinstance(source, DataDir):
        return source.store
    path = Path(source)
    return DataDir(path).store if path.is_dir() else path


def build_report_html(
    con: duckdb.DuckDBPyConnection, *, lang: str = "ru", filters: Filters | None = None
) -> tuple[str, data.Overview]:
    """The report's HTML for an open store connection, and the overview it shows."""
    t = Translator(lang)
    filters = filters or Filters()
    overview = data.overview(con, filters, t)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    ctx = base_context(
        t,
        offline=True,
        simulated=records.is_simulated(con),
        link=lambda path, **_: "#",
        overview=overview,
        filters=filters,
        methodology=data.methodology(t),
        vega_script=inline_script(vega_bundle().text),
        dashboard_js=inline_script((STATIC_DIR / "dashboard.js").read_text(encoding="utf-8")),
        as_of=overview.as_of.isoformat(),
        generated=generated,
        window_notes=data.window_notes(con, filters.court, filters.as_of),
    )
    html = environment().get_template("report.html").render(**ctx)
    return html, overview


def write_report(
    source: DataDir | str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    lang: str = "ru",
    filters: Filters | None = None,
    charts_dir: str | os.PathLike[str] | None = None,
) -> ReportResult:
    """Write the report for the store of `source`; optionally PNG + SVG of every chart."""
    reader = StoreReader(_store_path(source), mode="direct")
    try:
        con = reader.cursor()
        try:
            html, overview = build_report_html(con, lang=lang, filters=filters)
        finally:
            con.close()
    finally:
        reader.close()
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    files: list[Path] = []
    if charts_dir is not None:
        target = Path(charts_dir)
        target.mkdir(parents=True, exist_ok=True)
        version = vegalite_version()
        for chart in overview.charts:
            svg = vlc.vegalite_to_svg(chart.spec, vl_version=version)
            svg_path = target / f"{chart.key}.svg"
            svg_path.write_text(svg, encoding="utf-8")
            png_path = target / f"{chart.key}.png"
            png_path.write_bytes(vlc.vegalite_to_png(chart.spec, vl_version=version, scale=2))
            files += [svg_path, png_path]
    return ReportResult(
        path=out, bytes=out.stat().st_size, charts=len(overview.charts), chart_files=files
    )

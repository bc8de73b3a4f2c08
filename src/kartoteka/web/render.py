"""Jinja2 environment and the context every page gets (language, links, banner, filters).

Shared by the live dashboard and the offline report, so both render the same templates: the
report sets `offline=True`, which inlines the CSS and the chart JavaScript and turns CSV links
into data: URIs.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import vl_convert as vlc

from kartoteka import __version__
from kartoteka.web.i18n import Translator

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

_env: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=jinja2.select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def vega_locale(lang: str) -> dict[str, Any] | None:
    """Number and date formats for the charts (Russian months, decimal comma)."""
    if lang != "ru":
        return None
    return {"format": vlc.get_format_locale("ru-RU"), "time": vlc.get_time_format_locale("ru-RU")}


def rows_to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text (UTF-8, header row) of the rows behind a chart or table."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue()


def csv_columns(item: Any) -> list[str]:
    """Column names of a Chart (`columns`) or Table (`columns` as (field, label) pairs)."""
    cols = item.columns
    return [c[0] if isinstance(c, tuple) else c for c in cols]


def base_context(
    t: Translator,
    *,
    offline: bool,
    simulated: bool,
    link: Callable[[str], str],
    switch_lang_url: str = "",
    csv_href: Callable[[Any], str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The variables base.html and the partials expect."""

    def csv_link(item: Any) -> str:
        label = jinja2.utils.markupsafe.escape(t("download.csv"))
        if offline or csv_href is None:
            text = rows_to_csv(item.rows, csv_columns(item))
            payload = base64.b64encode(("\ufeff" + text).encode("utf-8")).decode("ascii")
            href = f"data:text/csv;charset=utf-8;base64,{payload}"
        else:
            href = csv_href(item)
        return (
            f'<a class="csv" href="{jinja2.utils.markupsafe.escape(href)}" '
            f'download="{item.key}.csv" data-csv="{item.key}">{label}</a>'
        )

    ctx: dict[str, Any] = {
        "t": t,
        "offline": offline,
        "simulated": simulated,
        "link": link,
        "switch_lang_url": switch_lang_url,
        "csv_link": csv_link,
        "version": __version__,
        "vega_locale": vega_locale(t.lang),
        "static_url": lambda name: f"/static/{name}",
        "snapshot": None,
        "as_of": None,
    }
    if offline:
        ctx["css"] = (STATIC_DIR / "style.css").read_text(encoding="utf-8")
    ctx.update(extra)
    return ctx


def with_query(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(clean)}" if clean else path

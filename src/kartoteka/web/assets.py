"""The chart JavaScript (Vega, Vega-Lite, vega-embed), served by the app itself.

Nothing is fetched from a CDN at run time: newsrooms open the dashboard on laptops behind
firewalls, and a report must still render years later. vl-convert-python (a dependency) ships
the libraries compiled in and can emit one self-contained bundle offline. Building it takes a
second or two, so it is built at first use and cached: in memory for the process, and on disk
under the user cache directory keyed by the vl-convert and Vega-Lite versions (a new version
builds a new file; nothing goes stale).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import platformdirs
import vl_convert as vlc

CACHE_ENV_VAR = "KARTOTEKA_CACHE_DIR"


def vegalite_version() -> str:
    """The Vega-Lite version Altair writes specs for, e.g. "6.4" (vl-convert wants "MAJ.MIN")."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    wanted = f"{major}.{minor}"
    available = vlc.get_vegalite_versions()
    return wanted if wanted in available else available[-1]


@dataclass(frozen=True, slots=True)
class Bundle:
    """The bundle's text and a short content hash (for the URL, so browsers can cache it)."""

    text: str
    digest: str


_lock = threading.Lock()
_bundle: Bundle | None = None


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_cache_dir("kartoteka", appauthor=False))


def _cache_file() -> Path:
    vl_convert_version = getattr(vlc, "__version__", "unknown")
    return cache_dir() / f"vega-bundle-{vl_convert_version}-vl{vegalite_version()}.js"


def vega_bundle() -> Bundle:
    """The self-contained Vega + Vega-Lite + vega-embed bundle (sets window.vegaEmbed)."""
    global _bundle
    with _lock:
        if _bundle is not None:
            return _bundle
        path = _cache_file()
        text: str | None = None
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = None
        if not text:
            # the stub marks `snippet` required; at run time it defaults to the snippet that
            # sets window.vegaEmbed / vega / vegaLite, which is what the pages use
            text = vlc.javascript_bundle(vl_version=vegalite_version())  # type: ignore[call-arg]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
            except OSError:
                pass  # a read-only home is no reason to fail: the memory copy serves
        _bundle = Bundle(text=text, digest=hashlib.sha256(text.encode()).hexdigest()[:12])
        return _bundle


def inline_script(text: str) -> str:
    """JavaScript made safe to place inside an inline <script> element."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")

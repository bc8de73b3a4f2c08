"""Notification targets of saved searches, kept in the data directory's `config.toml`.

Target URLs carry secrets (a Telegram bot token, an SMTP password, a webhook key), so they
live in the installation's config file (written with owner-only permissions), never in the
store (which is copied into snapshots and exported) and never in a digest or feed. The store
knows a target only by a hash of its URL and a label (scheme and host) to show in `watch list`.

    [watch.notify]
    w337 = ["tgram://BOT_TOKEN/CHAT_ID", "mailto://user:pass@smtp.example.org"]

The file is edited with tomlkit so that a person's comments and other sections stay as they
were.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit

from kartoteka.paths import DataDir
from kartoteka.watch.searches import WatchError


def config_path(data_dir: DataDir) -> Path:
    return data_dir.root / "config.toml"


def target_id(url: str) -> str:
    """How the store refers to a target without holding its secret."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def target_label(url: str) -> str:
    """The scheme and host of a target URL: enough to recognise it, no credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}" if host else f"{parts.scheme}://"


def _load(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # tomlkit raises its own ParseError
        raise WatchError(f"{path} is not valid TOML: {exc}") from exc


def notify_urls(data_dir: DataDir) -> dict[str, list[str]]:
    """Every watch's target URLs from the config file."""
    doc = _load(config_path(data_dir))
    section = doc.get("watch", {}).get("notify", {})
    return {str(name): [str(u) for u in urls] for name, urls in section.items()}


def set_notify_urls(data_dir: DataDir, watch: str, urls: list[str]) -> None:
    """Replace a watch's targets (an empty list removes the watch's entry)."""
    path = config_path(data_dir.ensure())
    doc = _load(path)
    if "watch" not in doc:
        doc["watch"] = tomlkit.table()
    watch_table = doc["watch"]
    if "notify" not in watch_table:  # type: ignore[operator]
        watch_table["notify"] = tomlkit.table()  # type: ignore[index]
    notify = watch_table["notify"]  # type: ignore[index]
    if urls:
        notify[watch] = urls
    elif watch in notify:
        del notify[watch]
    tmp = path.with_suffix(".toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(tomlkit.dumps(doc))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def base_url(data_dir: DataDir) -> str:
    """`[watch] base_url`: where the dashboard is published, for absolute links in digests
    and notifications (empty: links relative to the dashboard's root)."""
    value = _load(config_path(data_dir)).get("watch", {}).get("base_url", "")
    return str(value).rstrip("/")

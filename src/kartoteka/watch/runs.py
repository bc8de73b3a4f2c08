"""What `kartoteka update` does after its ingest: write the digest of its run into the data
directory and send the notifications. Kept here (not in the CLI) so that tests call it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kartoteka.paths import DataDir
from kartoteka.store.db import connect
from kartoteka.watch.config import base_url
from kartoteka.watch.digest import Digest, build_digest
from kartoteka.watch.notify import DeliveryReport, deliver
from kartoteka.watch.render import to_html, to_json, to_markdown
from kartoteka.watch.searches import latest_epoch_end


@dataclass(frozen=True, slots=True)
class UpdateDigest:
    digest: Digest
    files: list[Path]
    delivery: DeliveryReport


def digests_dir(data_dir: DataDir) -> Path:
    return data_dir.root / "digests"


def last_run_end(data_dir: DataDir) -> dt.datetime | None:
    """The end of the latest harvest run the store knows (before an update's ingest)."""
    if not data_dir.store.exists():
        return None
    con = connect(data_dir)
    try:
        return latest_epoch_end(con)
    finally:
        con.close()


def write_digest(data_dir: DataDir, digest: Digest) -> list[Path]:
    """The digest as JSON, Markdown and HTML under `<data dir>/digests/`, named by the end
    of its latest run (a re-run of the same update overwrites the same files)."""
    out = digests_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = digest.until.strftime("%Y%m%dT%H%M%S") if digest.until else "empty"
    link = base_url(data_dir)
    files = []
    for suffix, text in (
        ("json", to_json(digest)),
        ("md", to_markdown(digest, link)),
        ("html", to_html(digest, link)),
    ):
        path = out / f"digest-{stamp}.{suffix}"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def after_update(
    data_dir: DataDir, previous_end: dt.datetime | None, *, now: dt.datetime | None = None
) -> UpdateDigest:
    """The digest of the runs an update added (those ending after `previous_end`), written
    into the data directory, and the notifications sent. Never raises for a target."""
    con = connect(data_dir)
    try:
        digest = build_digest(con, since=previous_end)
        delivery = deliver(con, data_dir, base_url=base_url(data_dir), now=now)
    finally:
        con.close()
    files = write_digest(data_dir, digest) if digest.spans else []
    return UpdateDigest(digest, files, delivery)

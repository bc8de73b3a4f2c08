"""`kartoteka doctor --bundle FILE.zip`: what a maintainer needs for a bug report.

The zip holds:
- `summary.txt` and `summary.json`: the doctor's report;
- `versions.json`: kartoteka, its parser and store schema versions, Python, the platform and
  the versions of the libraries that read pages;
- `pages/NNN-<court>-<kind>.html`: the archived page behind every finding that names one,
  sanitised and with personal names masked (the evidence view's masking:
  `kartoteka.web.evidence.load_evidence`, always masked here whatever the installation's
  names opt-in), and `pages/index.json` saying which finding each page belongs to.

Never in it: the installation's secret key, its config file (may hold mail passwords), the
store, the state, raw WARC records, captcha images, or any full name. Every text that goes
in (the summaries too) passes through the same name masking, as a safety net.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kartoteka import __version__
from kartoteka.ops.doctor import DoctorReport, Finding
from kartoteka.paths import DataDir

LIBRARIES = ("duckdb", "httpx", "warcio", "selectolax", "lxml", "typer", "fastapi")
MAX_PAGES = 200  # a bundle is for reading: the first pages of each kind are enough


@dataclass(frozen=True, slots=True)
class BundleResult:
    path: Path
    pages: int
    skipped: list[str]  # findings whose page could not be read back (with the reason)


def versions(data_dir: DataDir) -> dict[str, Any]:
    """Versions a maintainer asks for first."""
    from kartoteka.store.schema import LATEST_VERSION
    from kartoteka.sudrf import PARSER_VERSION

    libs = {}
    for name in LIBRARIES:
        try:
            libs[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    store_schema: int | str | None = None
    if data_dir.store.exists():
        try:
            from kartoteka.store.db import connect, schema_version

            con = connect(data_dir, read_only=True)
            store_schema = schema_version(con)
            con.close()
        except Exception as exc:  # a report must be writable even from a broken store
            store_schema = f"unreadable: {type(exc).__name__}"
    return {
        "kartoteka": __version__,
        "parser": PARSER_VERSION,
        "store_schema_supported": LATEST_VERSION,
        "store_schema": store_schema,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": libs,
    }


def _mask(text: str) -> str:
    from kartoteka.web.evidence import mask_names

    return mask_names(text)


def write_bundle(report: DoctorReport, data_dir: DataDir, path: str | Path) -> BundleResult:
    """Write the bug-report zip for a doctor report (see the module docstring)."""
    from kartoteka.ops.doctor import ArchiveLookup
    from kartoteka.web.evidence import EvidenceNotFound, load_evidence

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    seen: dict[tuple[str, int], str] = {}
    index: list[dict[str, Any]] = []
    skipped: list[str] = []
    archive = ArchiveLookup(data_dir.archive)
    try:
        findings = [_located(f, archive) for f in report.findings]
    finally:
        archive.close()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("summary.txt", _mask(report.render(all_courts=True)) + "\n")
        zf.writestr(
            "summary.json",
            _mask(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str)),
        )
        zf.writestr("versions.json", json.dumps(versions(data_dir), indent=1))
        for finding in findings:
            entry = _page_entry(finding)
            if entry is None:
                continue
            key = (finding.warc_file or "", int(finding.warc_offset or 0))
            if key in seen:
                entry["page"] = seen[key]
                index.append(entry)
                continue
            if len(seen) >= MAX_PAGES:
                skipped.append(f"{finding.court} {finding.kind}: more than {MAX_PAGES} pages")
                continue
            try:
                page = load_evidence(data_dir.archive, key[0], key[1], show_names=False)
            except EvidenceNotFound as exc:
                skipped.append(f"{finding.court} {finding.kind}: {exc}")
                continue
            name = f"pages/{len(seen) + 1:03d}-{finding.court}-{finding.kind}.html"
            header = (
                f"<!-- kartoteka doctor bundle: {finding.court} {finding.kind}; "
                f"fetched {page.fetched_at.isoformat()} from {page.url}"
                f"{' (SIMULATED)' if page.simulated else ''}; names masked -->\n"
            )
            zf.writestr(name, header + _mask(page.html))
            seen[key] = name
            entry["page"] = name
            index.append(entry)
        zf.writestr("pages/index.json", json.dumps(index, ensure_ascii=False, indent=1))
    return BundleResult(path, len(seen), skipped)


def _located(finding: Finding, archive: Any) -> Finding:
    """A finding that names only a URL (e.g. a belief's evidence) gets that URL's newest
    archived record."""
    if finding.warc_file or not finding.url:
        return finding
    page = archive.latest(finding.url)
    if page is None:
        return finding
    return replace(finding, warc_file=page.warc_file, warc_offset=page.offset)


def _page_entry(finding: Finding) -> dict[str, Any] | None:
    if not finding.warc_file or finding.warc_offset is None:
        return None
    return {
        "court": finding.court,
        "level": finding.level.value,
        "kind": finding.kind,
        "message": _mask(finding.message),
        "url": finding.url,
        "warc_file": finding.warc_file,
        "warc_offset": finding.warc_offset,
    }

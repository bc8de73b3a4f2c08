"""Where kartoteka keeps its data: `--data-dir`, else `$KARTOTEKA_DATA_DIR`, else the
platform's user data directory. Every command that touches the archive or the store resolves
its paths here, so that `kartoteka harvest`, `ingest`, `stats` and `serve` agree."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_VAR = "KARTOTEKA_DATA_DIR"


@dataclass(frozen=True, slots=True)
class DataDir:
    root: Path

    @property
    def archive(self) -> Path:
        """WARC files (the evidence, the source of truth) and their index."""
        return self.root / "archive"

    @property
    def store(self) -> Path:
        """The DuckDB file: a projection of the archive, rebuildable at any time."""
        return self.root / "kartoteka.duckdb"

    @property
    def state(self) -> Path:
        """Harvest run state (resumption, cooldowns, captcha hand-off)."""
        return self.root / "state"

    @property
    def secret(self) -> Path:
        """The per-installation key for hashing defendants' names (never committed)."""
        return self.root / "secret.key"

    def ensure(self) -> DataDir:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    if explicit:
        return DataDir(Path(explicit).expanduser().resolve())
    env = os.environ.get(ENV_VAR)
    if env:
        return DataDir(Path(env).expanduser().resolve())
    return DataDir(Path(platformdirs.user_data_dir("kartoteka", appauthor=False)))

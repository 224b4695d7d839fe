"""Run settings: command-line flags win over environment variables, which win over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "reference"
SQL_DIR = PROJECT_ROOT / "sql"

DEFAULT_BASE_URL = "http://en.kremlin.ru"
USER_AGENT = "readouts/0.1 (data warehouse of leaders' call readouts; polite feed reader)"


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    data_dir: Path = PROJECT_ROOT / "data"
    warehouse: Path | None = None
    source: str = "kremlin"
    since: date | None = None
    until: date | None = None
    overlap_pages: int = 2
    pause_seconds: float = 1.0
    timeout_seconds: float = 30.0
    max_retries: int = 4
    backoff_seconds: float = 2.0
    max_retry_after_seconds: float = 300.0
    max_consecutive_403: int = 3
    refusal_pause_seconds: float = 30.0
    max_pages: int | None = None
    # a page that failed validation in this many runs in a row is set aside
    max_page_failures: int = 3
    reprocess: bool = False
    # False for `readouts rebuild`: build from the raw zone without fetching
    extract: bool = True
    retry_set_aside: bool = False
    reference_dir: Path = REFERENCE_DIR
    user_agent: str = USER_AGENT

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def warehouse_path(self) -> Path:
        """The published, read-only serving file that analysts and BI tools open."""
        return self.warehouse or self.data_dir / "warehouse" / "readouts.duckdb"

    @property
    def build_path(self) -> Path:
        """The writer's own warehouse: only a run holding the writer's lock opens it, so no
        reader can ever block a scheduled run."""
        return self.data_dir / "build" / "readouts.duckdb"

    @property
    def run_log_path(self) -> Path:
        """Every run, whatever its outcome, as JSON lines: written before any warehouse opens."""
        return self.data_dir / "runs" / "run-log.jsonl"

    @property
    def exports_dir(self) -> Path:
        return self.warehouse_path.parent / "exports"

    @property
    def report_path(self) -> Path:
        return self.warehouse_path.parent / "report.html"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


def from_environment(**overrides: object) -> Settings:
    """Defaults, then READOUTS_* environment variables, then explicit (non-None) overrides."""
    env: dict[str, object] = {}
    if value := os.environ.get("READOUTS_BASE_URL"):
        env["base_url"] = value
    if value := os.environ.get("READOUTS_DATA_DIR"):
        env["data_dir"] = Path(value)
    if value := os.environ.get("READOUTS_WAREHOUSE"):
        env["warehouse"] = Path(value)
    if value := os.environ.get("READOUTS_REFERENCE_DIR"):
        env["reference_dir"] = Path(value)
    if value := os.environ.get("READOUTS_PAUSE_SECONDS"):
        env["pause_seconds"] = float(value)
    env.update({key: value for key, value in overrides.items() if value is not None})
    settings = Settings(**env)  # type: ignore[arg-type]
    return replace(settings, base_url=settings.base_url.rstrip("/"))

"""Run settings: command-line flags win over environment variables, which win over defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# the dbt project; its seeds are the reference data that analysts edit, which the
# normaliser reads too
SQL_DIR = PROJECT_ROOT / "sql"
SEEDS = "seeds"
REFERENCE_DIR = SQL_DIR / SEEDS

ALL_SOURCES = "all"
USER_AGENT = "readouts/0.1 (data warehouse of leaders' call readouts; polite feed reader)"


@dataclass(frozen=True)
class Settings:
    # None: the source's own default (Source.default_base_url / feed_path)
    base_url: str | None = None
    feed_path: str | None = None
    data_dir: Path = PROJECT_ROOT / "data"
    warehouse: Path | None = None
    # a source's name (flows/sources/), or every source in turn
    source: str = ALL_SOURCES
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
    # None: the source's own walk budget (Source.page_budget, Source.byte_budget)
    page_budget: int | None = None
    byte_budget_mb: int | None = None
    # a page that failed validation in this many runs in a row is set aside
    max_page_failures: int = 3
    reprocess: bool = False
    # False for `readouts rebuild`: build from the raw zone without fetching
    extract: bool = True
    retry_set_aside: bool = False
    # False for the runs of a rebuild that stopped at a failed source: readers never see a
    # warehouse that holds only some of the sources
    publish: bool = True
    # the dbt project a run builds with (READOUTS_DBT_PROJECT: a copy, to try rule changes)
    dbt_project: Path = SQL_DIR
    user_agent: str = USER_AGENT

    @property
    def reference_dir(self) -> Path:
        """The reference data: the dbt project's seeds."""
        return self.dbt_project / SEEDS

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

    def for_source(self, name: str) -> Settings:
        """These settings for one source of a run over several: its base URL and feed path
        from READOUTS_<NAME>_BASE_URL / READOUTS_<NAME>_FEED_PATH, else its defaults."""
        prefix = f"READOUTS_{name.upper()}_"
        base_url = os.environ.get(prefix + "BASE_URL")
        return replace(
            self,
            source=name,
            base_url=base_url.rstrip("/") if base_url else None,
            feed_path=os.environ.get(prefix + "FEED_PATH") or None,
        )


def from_environment(**overrides: object) -> Settings:
    """Defaults, then READOUTS_* environment variables, then explicit (non-None) overrides."""
    env: dict[str, object] = {}
    if value := os.environ.get("READOUTS_SOURCE"):
        env["source"] = value
    source = str(overrides.get("source") or env.get("source") or ALL_SOURCES)
    # READOUTS_<SOURCE>_BASE_URL wins over READOUTS_BASE_URL for that source
    prefix = f"READOUTS_{source.upper()}_"
    for key, names in (
        ("base_url", (prefix + "BASE_URL", "READOUTS_BASE_URL")),
        ("feed_path", (prefix + "FEED_PATH", "READOUTS_FEED_PATH")),
    ):
        value = next((os.environ[n] for n in names if os.environ.get(n)), None)
        if value:
            env[key] = value
    if value := os.environ.get("READOUTS_DATA_DIR"):
        env["data_dir"] = Path(value)
    if value := os.environ.get("READOUTS_WAREHOUSE"):
        env["warehouse"] = Path(value)
    if value := os.environ.get("READOUTS_DBT_PROJECT"):
        env["dbt_project"] = Path(value)
    if value := os.environ.get("READOUTS_PAUSE_SECONDS"):
        env["pause_seconds"] = float(value)
    if value := os.environ.get("READOUTS_PAGE_BUDGET"):
        env["page_budget"] = int(value)
    if value := os.environ.get("READOUTS_BYTE_BUDGET_MB"):
        env["byte_budget_mb"] = int(value)
    env.update({key: value for key, value in overrides.items() if value is not None})
    settings = Settings(**env)  # type: ignore[arg-type]
    if settings.base_url:
        settings = replace(settings, base_url=settings.base_url.rstrip("/"))
    return settings

"""`readouts serve`: the flow as a Prefect deployment on a cron schedule.

The deployment takes no parameters: each run reads its settings from READOUTS_* variables
in the serving process (or in a work pool's job variables), so the warehouse location and
the task runner stay configuration."""

from __future__ import annotations

import os

# Minute 17: off the hour, when other schedules and the site's own jobs cluster.
DEFAULT_CRON = "17 * * * *"
DEFAULT_TIMEZONE = "UTC"
DEPLOYMENT_NAME = "readouts-hourly"


def build_deployment(
    cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE, work_pool: str | None = None
):
    from prefect.schedules import Cron

    from flows.pipeline import scheduled_flow

    return scheduled_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron, timezone=timezone)],
        description="Extract the Kremlin feed, load and rebuild the readouts warehouse.",
        tags=["readouts"],
        work_pool_name=work_pool,
    )


def api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()


def serve(cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE) -> None:
    """Blocks, running the schedule. Stopping it does not pause the schedule
    (pause_on_shutdown=False): a restart must not silently switch the schedule off."""
    from prefect import serve as prefect_serve

    if not api_url():
        raise RuntimeError(
            "readouts serve needs a Prefect server that outlives it: start one with "
            "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api "
            "(a temporary server cannot keep schedules)"
        )
    prefect_serve(build_deployment(cron, timezone), pause_on_shutdown=False)

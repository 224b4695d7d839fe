"""Scheduled runs. `readouts serve` runs the schedule in one process; `readouts deploy`
hands it to a Prefect work pool, whose workers run it anywhere the code and the data
directory are. Both create the same deployment, `readouts-scheduled/<source>`: whichever
was applied last runs it.

The flow's one parameter is the source; every other setting comes from READOUTS_*
variables in the process that runs it (job variables, for a pool), so the warehouse
location and the task runner stay configuration."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from flows.ops.outcomes import PrefectUnavailable
from flows.prefect_env import SERVER_START
from flows.settings import ALL_SOURCES, PROJECT_ROOT, Settings
from flows.sources import SOURCE_NAMES

# Minute 17: off the hour, when other schedules and the site's own jobs cluster.
DEFAULT_CRON = "17 * * * *"
DEFAULT_TIMEZONE = "UTC"
# one flow run over every source in turn: one writer, and no source starves another
DEFAULT_SOURCE = ALL_SOURCES
FLOW_NAME = "readouts-scheduled"
ENTRYPOINT = "flows/pipeline.py:scheduled_flow"
PREFECT_FILE = PROJECT_ROOT / "prefect.yaml"
DESCRIPTION = (
    "Extract each source's feed in turn, load it and rebuild the readouts warehouse; a "
    "failing source does not stop the others."
)


def deployment_name(source: str = DEFAULT_SOURCE) -> str:
    """`readouts-scheduled/all`: named after the sources it runs, not the cadence."""
    return f"{FLOW_NAME}/{source}"


def schedule_settings(cron: str | None = None, timezone: str | None = None) -> tuple[str, str]:
    """Flag, then READOUTS_CRON / READOUTS_TIMEZONE, then the default."""
    return (
        cron or os.environ.get("READOUTS_CRON") or DEFAULT_CRON,
        timezone or os.environ.get("READOUTS_TIMEZONE") or DEFAULT_TIMEZONE,
    )


def build_deployment(
    cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE, source: str = DEFAULT_SOURCE
):
    """The deployment `readouts serve` runs in-process (a work pool gets prefect.yaml)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from flows.pipeline import scheduled_flow

    return scheduled_flow.to_deployment(
        name=source,
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"source": source},
        description=DESCRIPTION,
        tags=["readouts"],
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
    )


def api_url() -> str | None:
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    from prefect.settings import PREFECT_API_URL  # a profile's setting (~1 s to import)

    return PREFECT_API_URL.value()


def _require_server(command: str) -> None:
    if not api_url():
        raise PrefectUnavailable(
            f"readouts {command} needs a Prefect server that outlives it: start one with "
            f"`{SERVER_START}` and set PREFECT_API_URL=http://127.0.0.1:4200/api "
            "(a temporary server cannot keep schedules)"
        )


def _check_answers(url: str) -> None:
    """A clear message rather than Prefect's traceback when nothing answers at the URL."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=10):
            return
    except OSError as error:
        raise PrefectUnavailable(
            f"no Prefect server answers at PREFECT_API_URL={url} ({error}); start one with "
            f"`{SERVER_START}`"
        ) from None


def serve(cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE) -> None:
    """Blocks, running the schedule. Stopping it does not pause the schedule
    (pause_on_shutdown=False): a restart must not silently switch the schedule off. Its
    flow runs end in their final state, with no traceback for an expected failure
    (flows/ops/served_engine.py)."""
    from prefect import serve as prefect_serve

    from flows.handover import refuse_serve_while_pooled
    from flows.ops import served_engine

    _require_server("serve")
    _check_answers(api_url())
    refuse_serve_while_pooled(deployment_name())
    served_engine.install()
    prefect_serve(build_deployment(cron, timezone), pause_on_shutdown=False)


def deploy_environment(
    settings: Settings, cron: str, timezone: str, project_dir: Path = PROJECT_ROOT
) -> dict[str, str]:
    """The values prefect.yaml templates: the schedule, and the job variables that carry
    the settings to the worker (absolute paths: the worker starts in another directory)."""
    return {
        "READOUTS_PROJECT_DIR": str(project_dir.resolve()),
        # the interpreter of this environment (a venv's own path: not resolved), which
        # starts each flow run through flows/ops/engine_launcher.py
        "READOUTS_PYTHON": os.environ.get("READOUTS_PYTHON") or shlex.quote(sys.executable),
        "READOUTS_CRON": cron,
        "READOUTS_TIMEZONE": timezone,
        "READOUTS_DATA_DIR": str(settings.data_dir.resolve()),
        "READOUTS_WAREHOUSE": str(settings.warehouse_path.resolve()),
        "READOUTS_PAUSE_SECONDS": f"{settings.pause_seconds:g}",
        **source_sites(),
    }


def source_sites() -> dict[str, str]:
    """Each source's site for the worker: READOUTS_<SOURCE>_BASE_URL and _FEED_PATH from the
    deploying shell, empty for the source's own (the archived White House, a mirror)."""
    return {
        f"READOUTS_{name.upper()}_{key}": os.environ.get(f"READOUTS_{name.upper()}_{key}", "")
        for name in SOURCE_NAMES
        for key in ("BASE_URL", "FEED_PATH")
    }


def deploy_command(pool: str, source: str = DEFAULT_SOURCE) -> list[str]:
    return [
        sys.executable,
        "-m",
        "prefect",
        "--no-prompt",
        "deploy",
        "--prefect-file",
        str(PREFECT_FILE),
        "--name",
        deployment_name(source),
        "--pool",
        pool,
    ]


def deploy(
    pool: str,
    settings: Settings,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
) -> int:
    """Creates or updates `readouts-scheduled/all` on the work pool: `prefect deploy`
    on prefect.yaml, run from the project root with the values it templates. Returns its
    exit code."""
    from flows.handover import refuse_deploy_while_served

    _require_server("deploy")
    _check_answers(api_url())
    refuse_deploy_while_served(deployment_name(), pool)
    values = deploy_environment(settings, cron, timezone)
    command = deploy_command(pool)
    # the same command, to run by hand (from the project root: the entrypoint is relative)
    shown = " ".join(f"{key}={shlex.quote(value)}" for key, value in values.items())
    print(
        f"cd {shlex.quote(str(PROJECT_ROOT))} && {shown} \\\n  "
        + shlex.join(["prefect", *command[3:]]),
        flush=True,
    )
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, **values})
    return completed.returncode

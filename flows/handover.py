"""Who runs the scheduled deployment: `readouts serve` (no work pool; its process asks the
server for work every few seconds) or a work pool's workers. A handover is made by
design: `readouts deploy --pool` refuses while `readouts serve` still runs the deployment,
and `readouts serve` refuses while it belongs to a work pool, each with one line saying
what to do. Otherwise both would run it (the issue that asked for this saw a worker's
submissions aborted while serve kept running them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flows.ops.outcomes import DeploymentClaimed

# `readouts serve` asks for work every PREFECT_RUNNER_POLL_FREQUENCY seconds (10 by
# default): a deployment without a pool polled this recently has a live serve process.
SERVED_WITHIN_SECONDS = 30


@dataclass(frozen=True)
class Claim:
    pool: str | None  # None: `readouts serve`
    seconds_since_polled: float | None


def claim(name: str) -> Claim | None:
    """Who holds the deployment `name` (flow/deployment), or None when it does not exist."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(name)
        except ObjectNotFound:
            return None
    polled = deployment.last_polled
    since = (datetime.now(UTC) - polled).total_seconds() if polled is not None else None
    return Claim(deployment.work_pool_name, since)


def served(found: Claim | None) -> bool:
    return (
        found is not None
        and found.pool is None
        and found.seconds_since_polled is not None
        and found.seconds_since_polled < SERVED_WITHIN_SECONDS
    )


def refuse_deploy_while_served(name: str, pool: str) -> None:
    found = claim(name)
    if served(found):
        raise DeploymentClaimed(
            f"`readouts serve` is running {name} (it asked for work "
            f"{found.seconds_since_polled:.0f} s ago): stop it first (Ctrl-C in its terminal, "
            f"or SIGTERM), wait {SERVED_WITHIN_SECONDS} s, then run `readouts deploy --pool "
            f"{pool}` again. Nothing was changed"
        )


def refuse_serve_while_pooled(name: str) -> None:
    found = claim(name)
    if found is not None and found.pool is not None:
        raise DeploymentClaimed(
            f"{name} runs on the work pool {found.pool!r}: to run it with `readouts serve` "
            f"instead, delete it from the pool first (`prefect deployment delete {name}`; "
            "its workers then stop running it; stop them with Ctrl-C or SIGTERM), then run "
            "`readouts serve` again. Nothing was changed"
        )

"""How `readouts serve` starts a flow run: as Prefect's runner does (a process per flow run,
which the runner cancels and signals when serve is told to stop), but running
flows/ops/flow_run_engine.py instead of `python -m prefect.engine`, as a work pool's worker
does: the flow run's final state is its end, not an exception.

Prefect's own entry asks the engine for the flow's result, so a flow that ends Failed by its
own choice (an expected failure: exit 4 for an unreachable site, with its one message)
raised there, and serve's terminal showed the engine's traceback under the run's line. A bug
still logs its traceback (Prefect logs the exception the flow raised); a run stopped by a
signal ends as Prefect ends it, recorded as interrupted by the run book.

`prefect.serve` registers deployments without their flow object, so its runner starts each
run with `EngineCommandStarter`, which it takes from its module at each start and which
accepts the command to run; serve's process alone sets it (`install`)."""

from __future__ import annotations

import shlex
import sys
from typing import Any

from prefect.runner import runner
from prefect.runner._starter_engine import EngineCommandStarter

ENGINE_MODULE = "flows.ops.flow_run_engine"


def engine_command() -> str:
    """The flow run's process (it reads the run's id from PREFECT__FLOW_RUN_ID)."""
    return shlex.join([sys.executable, "-m", ENGINE_MODULE])


class ServedEngineStarter(EngineCommandStarter):
    """Prefect's starter, with this project's engine unless told another command."""

    def __init__(self, *, command: str | None = None, **kwargs: Any) -> None:
        super().__init__(command=command or engine_command(), **kwargs)


def install() -> None:
    """Makes this process's runner (`prefect.serve`) start flow runs as above."""
    runner.EngineCommandStarter = ServedEngineStarter

"""How `readouts serve` starts a flow run: Prefect's own way (a spawned process that runs
the flow, `run_flow_in_subprocess`), with one difference, the one flows/ops/flow_run_engine.py
makes for a work pool's worker: the flow run's final state is its end, not an exception.

Prefect's child process asks the engine for the flow's result, so a flow that ends Failed by
its own choice (an expected failure: exit 4 for an unreachable site, with its one message)
raised `prefect.exceptions.FailedRun` there, and serve's terminal showed the child's
traceback under the run's line. Here the child asks for the final state instead. A bug still
logs its traceback (Prefect logs the exception the flow raised); a run stopped by a signal
ends as Prefect ends it (Crashed or Cancelled), recorded as interrupted by the run book.

Prefect's runner reads `run_flow_in_subprocess` from its module at each start, which its own
docstring names as the way to override it (prefect/runner/_starter_direct.py)."""

from __future__ import annotations

from typing import Any


def run_flow_to_its_state(*args: Any, **kwargs: Any) -> Any:
    """Prefect's `run_flow`, returning the flow run's final state (runs in the child)."""
    from prefect import flow_engine

    return flow_engine.run_flow(*args, **{**kwargs, "return_type": "state"})


def run_flow_in_subprocess(*args: Any, **kwargs: Any) -> Any:
    """Prefect's `run_flow_in_subprocess`, its child calling `run_flow_to_its_state`: Prefect
    takes `run_flow` from its module when it builds the child's call, which pickles the
    function by reference (this module), so the child imports it from here."""
    from prefect import flow_engine

    prefect_run_flow = flow_engine.run_flow
    flow_engine.run_flow = run_flow_to_its_state
    try:
        return flow_engine.run_flow_in_subprocess(*args, **kwargs)
    finally:
        flow_engine.run_flow = prefect_run_flow


def install() -> None:
    """Makes this process's runner (`prefect.serve`) start flow runs as above."""
    from prefect.runner import _starter_direct

    _starter_direct.run_flow_in_subprocess = run_flow_in_subprocess

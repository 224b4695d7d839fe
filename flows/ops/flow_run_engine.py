"""Prefect's engine for one flow run of a work pool (`python -m prefect.engine`, as
prefect/engine.py runs it), started by flows/ops/engine_launcher.py (and by `readouts
serve`'s runner: flows/ops/served_engine.py), with one difference:
the flow run's final state is its end, not an exception. Prefect's own entry asks the
engine for the flow's result, so a flow that ends Failed by its own choice (an expected
failure: exit 4 for an unreachable site, with its one message) raised there, and the
worker's log showed a traceback of the engine. Here it shows nothing more than the run's
line; a bug still logs its traceback (Prefect logs the exception the flow raised), and a
run stopped by a signal ends as Prefect's entry ends it."""

from __future__ import annotations

import os
import sys
from uuid import UUID


def run_engine(flow_run_id: UUID) -> None:
    from prefect._internal.control_listener import configure_from_env
    from prefect.engine import handle_engine_signals

    # the control channel the worker cancels a run through, before any flow code loads
    configure_from_env()
    with handle_engine_signals(flow_run_id):
        from prefect._internal.metrics import RunMetrics
        from prefect.flow_engine import flow_run_logger, load_flow, load_flow_run, run_flow

        flow_run = load_flow_run(flow_run_id=flow_run_id)
        run_logger = flow_run_logger(flow_run=flow_run)
        try:
            flow = load_flow(flow_run)
        except Exception:
            run_logger.error(
                "Unexpected exception encountered when trying to load flow", exc_info=True
            )
            raise
        with RunMetrics(flow_run, flow):
            run_flow(flow, flow_run=flow_run, error_logger=run_logger, return_type="state")


def main() -> None:
    run_engine(UUID(sys.argv[1] if len(sys.argv) > 1 else os.environ["PREFECT__FLOW_RUN_ID"]))


if __name__ == "__main__":
    main()

"""Prefect's engine for one flow run of a work pool (`python -m prefect.engine`, as
prefect/engine.py runs it), started by flows/ops/engine_launcher.py (and by `readouts
serve`'s runner: flows/ops/served_engine.py), with one difference:
the flow run's final state is its end, not an exception. Prefect's own entry asks the
engine for the flow's result, so a flow that ends Failed by its own choice (an expected
failure: exit 4 for an unreachable site, with its one message) raised there, and the
worker's log showed a traceback of the engine. Here it shows nothing more than the run's
line; a bug still logs its traceback (Prefect logs the exception the flow raised), and a
run stopped by a signal ends as Prefect's entry ends it.

Its output is a pipe to the worker that started it, and a worker told to stop exits
without waiting for it: the engine, ending the run, logged "Crash detected!" to a pipe no
one read, and rich turned the broken pipe into SystemExit(1) before the Crashed state was
sent, so the flow run stayed Running for good. Here what cannot be written after the
reader left is dropped; the run's lines still reach the API and the run log."""

from __future__ import annotations

import os
import sys
from typing import TextIO
from uuid import UUID


class OutlivesItsReader:
    """A text stream that drops what it is given once its reader has gone (a broken pipe)
    instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self.reader_gone = True
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self.reader_gone = True

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def keep_output_past_its_reader() -> None:
    """Before Prefect sets up its logging (its console handler keeps the stream it finds)."""
    if not isinstance(sys.stdout, OutlivesItsReader):
        sys.stdout = OutlivesItsReader(sys.stdout)
    if not isinstance(sys.stderr, OutlivesItsReader):
        sys.stderr = OutlivesItsReader(sys.stderr)


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
    keep_output_past_its_reader()
    run_engine(UUID(sys.argv[1] if len(sys.argv) > 1 else os.environ["PREFECT__FLOW_RUN_ID"]))


if __name__ == "__main__":
    main()

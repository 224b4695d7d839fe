"""The process a work-pool worker starts for a flow run (the deployment's `command` job
variable, prefect.yaml): it starts the engine as its child, in a session of its own,
and when told to stop (SIGTERM, or SIGINT from Ctrl-C) passes the engine one SIGTERM.

Why it exists: a Prefect process worker told to stop cancels what it runs, and closing the
process it started sends that process SIGKILL (anyio's `Process.aclose`); an engine started
directly by the worker therefore died mid-run with nothing recorded, and its flow run stayed
Running in Prefect. Here the SIGKILL ends this launcher only. The engine, told once to
stop, ends as any stopped run does: the run log and `audit.runs` record it as
`interrupted` (exit 9) and Prefect shows it Crashed. A worker stopped without a signal to
its process group (`kill PID` of the worker alone) leaves the engine to finish its run.

The engine is Prefect's, run by flows/ops/flow_run_engine.py so that an expected failure
leaves no traceback in the worker's log. The launcher passes everything else through: its
arguments and environment (the flow run's id, the control channel Prefect cancels a run
through) to the engine, and the engine's end (its exit code, or the signal that ended it)
back to the worker. Standard library only: it starts before anything else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import suppress


def launch(command: list[str]) -> int:
    """Runs `command` in a session of its own; returns its exit code (negative: the
    signal that ended it). The first SIGTERM or SIGINT is passed on as one SIGTERM."""
    engine = subprocess.Popen(command, start_new_session=True)
    told = False

    def stop(signum: int, frame: object) -> None:
        nonlocal told
        if told:
            return
        told = True
        with suppress(ProcessLookupError):
            os.kill(engine.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return engine.wait()


def main(command: list[str] | None = None) -> None:
    engine = [sys.executable, "-m", "flows.ops.flow_run_engine", *sys.argv[1:]]
    code = launch(command or engine)
    if code < 0:  # ended by a signal: end the same way, so the worker sees what it would
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()

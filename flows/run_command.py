"""Runs one command as the warehouse's writer, for the command line and the demo alike:
the lock is taken before Prefect starts, the outcome becomes one line and an exit code, and
a run that never started is still recorded in the run log."""

from __future__ import annotations

import sys
from contextlib import suppress
from datetime import UTC, datetime

from flows.ops.outcomes import EXIT_INTERRUPTED, EXIT_OK, EXIT_PREFECT, ExpectedFailure
from flows.prefect_env import SERVER_START
from flows.settings import Settings


def say(command: str, message: str) -> None:
    print(f"readouts {command}: {message}", file=sys.stderr)


def _is_prefect_unreachable(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return "ephemeral Prefect API server" in text or (
        "ConnectError" in text or "Connection refused" in text
    )


def _record_unstarted(
    settings: Settings, run_id: str, command: str, status: str, text: str, code: int
) -> None:
    """A run that never reached its flow (busy, refused, or Prefect did not start) still has
    a line in the run log, where the log can be written."""
    from flows.ops import run_log
    from flows.summary import RunSummary

    summary = RunSummary(run_id, command, settings.source, datetime.now(UTC))
    summary.status, summary.message, summary.exit_code = status, text, code
    summary.ended_at = summary.started_at
    # a data folder that cannot be written: the one line on stderr is then the only record
    with suppress(OSError):
        run_log.append_unstarted(settings.run_log_path, summary)


def _stopped(error: BaseException) -> bool:
    return type(error).__name__ == "TerminationSignal"  # Prefect's, without importing it


def _interrupted(command: str, stop: BaseException) -> int:
    say(
        command,
        f"interrupted ({type(stop).__name__}): recorded as interrupted; run it again, it "
        "continues from the raw zone",
    )
    return EXIT_INTERRUPTED


def run_command(command: str, settings: Settings, start) -> int:
    """Takes the writer's lock before Prefect starts (a busy warehouse is answered at once),
    runs `start(run_id)` (a flow returning a RunSummary) and turns its outcome into one line
    and an exit code. A run that never started is still recorded in the run log."""
    from flows.ops.lock import hold_warehouse
    from flows.summary import new_run_id

    run_id = new_run_id()
    try:
        with hold_warehouse(settings.build_path, run_id=run_id, command=command):
            summary = start(run_id)
    except KeyboardInterrupt as stop:  # Ctrl-C: recorded by the run book
        return _interrupted(command, stop)
    except ExpectedFailure as refused:  # busy, or refused before the flow started
        _record_unstarted(
            settings, run_id, command, refused.status, str(refused), refused.exit_code
        )
        say(command, str(refused))
        return refused.exit_code
    except BaseException as error:
        if _stopped(error):  # SIGTERM, which Prefect turns into TerminationSignal
            return _interrupted(command, error)
        if not isinstance(error, Exception) or not _is_prefect_unreachable(error):
            raise
        text = (
            f"Prefect's API could not be reached or started ({str(error).splitlines()[0]}); "
            "nothing was changed. On a busy machine raise "
            f"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or run `{SERVER_START}` "
            "in another terminal and set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
        _record_unstarted(settings, run_id, command, "failed", text, EXIT_PREFECT)
        say(command, text)
        return EXIT_PREFECT
    print("\n".join(summary.lines()))
    if summary.exit_code:
        say(command, f"{summary.status}: {summary.message}")
    return summary.exit_code or EXIT_OK

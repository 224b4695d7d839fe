"""What a run can end in, and the exit code each one gives. Expected operational failures
carry one line saying what to do; anything else is a bug and keeps its traceback."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_BUSY = 3  # another run holds the writer's lock; nothing was changed
EXIT_SOURCE = 4  # the source was unreachable, refused, or served a broken feed
EXIT_DATA = 5  # systemic validation failure, a failed data test, or every entry quarantined
EXIT_WAREHOUSE = 6  # the build warehouse cannot be opened, or a disk is full or read-only
EXIT_PREFECT = 7  # Prefect's API could not be reached or started
EXIT_DRIFT = 8  # loaded and published, but the feed drifted from its own history: a warning
EXIT_INTERRUPTED = 9  # stopped mid-way (a signal, Ctrl-C, a worker told to stop): run it again

# Exit codes, most serious first: a run over several sources exits with the most serious
# of its sources' codes (0 when every source succeeded); a drift is a warning, below every
# failure.
SEVERITY = (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_WAREHOUSE,
    EXIT_PREFECT,
    EXIT_DATA,
    EXIT_SOURCE,
    EXIT_BUSY,
    EXIT_DRIFT,
)

# A finished run's status → its exit code.
STATUS_EXIT = {
    "success": EXIT_OK,
    "warned": EXIT_DRIFT,
    "partial": EXIT_SOURCE,
    "failed": EXIT_DATA,
    "interrupted": EXIT_INTERRUPTED,
}


class ExpectedFailure(RuntimeError):
    """A failure an operator can act on: its message is the whole story."""

    exit_code = EXIT_BUG
    status = "failed"


class WarehouseBusy(ExpectedFailure):
    """Another run is writing to the warehouse."""

    exit_code = EXIT_BUSY
    status = "busy"


class WarehouseUnusable(ExpectedFailure):
    """The build warehouse exists but DuckDB cannot open it (corrupt, truncated, empty)."""

    exit_code = EXIT_WAREHOUSE


class WarehouseUnwritable(ExpectedFailure):
    """A folder of the data directory is read-only or its disk is full; nothing was lost."""

    exit_code = EXIT_WAREHOUSE


class DataFailure(ExpectedFailure):
    """The data failed a systemic check; nothing was published."""

    exit_code = EXIT_DATA


class RawZoneIncomplete(DataFailure):
    """`rebuild` refused: page files that hold loaded entries are missing from the raw zone,
    so a warehouse rebuilt from it would lose them. Nothing was changed."""


class PrefectUnavailable(ExpectedFailure):
    exit_code = EXIT_PREFECT


class DeploymentClaimed(ExpectedFailure):
    """The scheduled deployment is run by another process (`readouts serve`, or a work
    pool's workers); taking it over now would have both run it. Nothing was changed."""

    exit_code = EXIT_BUSY
    status = "busy"

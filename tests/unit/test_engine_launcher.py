"""flows/ops/engine_launcher.py, the flow run's process on a work pool, with a stand-in for
Prefect's engine: a worker told to stop signals its process group and then SIGKILLs the
process it started (as anyio closes it); the engine, in a session of its own, survives the
SIGKILL, gets exactly one SIGTERM and records its end. Stopped without a signal, the
engine finishes. Its exit code, or the signal that ended it, reaches the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

# The stand-in engine: says it is ready, counts the SIGTERMs it gets (recording takes a
# moment, as a run's end line and audit row do), else finishes after `seconds`.
ENGINE = """
import signal, sys, time
from pathlib import Path
out = Path(sys.argv[1])
def stopped(signum, frame):
    with out.open("a") as f:
        f.write("sigterm\\n")
    time.sleep(0.5)
    with out.open("a") as f:
        f.write("recorded\\n")
    sys.exit(9)
signal.signal(signal.SIGTERM, stopped)
out.write_text("ready\\n")
time.sleep(float(sys.argv[2]))
with out.open("a") as f:
    f.write("finished\\n")
sys.exit(int(sys.argv[3]))
"""


def _launcher(out: Path, seconds: float, code: int = 0) -> subprocess.Popen:
    """The launcher as a worker starts it: in the worker's process group (here, a new one
    standing for the worker's)."""
    engine = [sys.executable, "-c", ENGINE, str(out), str(seconds), str(code)]
    script = f"from flows.ops.engine_launcher import main; main({engine!r})"
    launcher = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 30
    while not (out.exists() and out.read_text().startswith("ready")):
        assert time.monotonic() < deadline, "the engine did not start"
        time.sleep(0.05)
    return launcher


def _lines(out: Path, last: str) -> list[str]:
    deadline = time.monotonic() + 30
    while last not in out.read_text().split():
        assert time.monotonic() < deadline, out.read_text()
        time.sleep(0.05)
    return out.read_text().split()


def test_a_stopped_worker_s_run_gets_one_sigterm_and_outlives_the_sigkill(tmp_path):
    out = tmp_path / "engine.txt"
    launcher = _launcher(out, seconds=60)
    os.killpg(launcher.pid, signal.SIGTERM)  # the worker's group, told to stop (Ctrl-C, systemd)
    os.killpg(launcher.pid, signal.SIGINT)
    time.sleep(0.1)
    launcher.kill()  # the worker closing the process it started
    launcher.wait(timeout=10)
    assert _lines(out, "recorded") == ["ready", "sigterm", "recorded"]


def test_a_worker_stopped_alone_leaves_the_run_to_finish(tmp_path):
    out = tmp_path / "engine.txt"
    launcher = _launcher(out, seconds=1)
    launcher.kill()  # `kill PID` of the worker alone: no signal reached the group
    launcher.wait(timeout=10)
    assert _lines(out, "finished") == ["ready", "finished"]


def test_the_engine_s_end_is_the_launcher_s(tmp_path):
    launcher = _launcher(tmp_path / "done.txt", seconds=0, code=5)
    assert launcher.wait(timeout=30) == 5
    stopped = _launcher(tmp_path / "stopped.txt", seconds=60)
    stopped.send_signal(signal.SIGTERM)  # the engine exits 9 after recording
    assert stopped.wait(timeout=30) == 9


def test_a_run_left_to_finish_without_its_worker_is_not_failed_by_its_line(monkeypatch):
    from flows.pipeline import say

    read, write = os.pipe()
    os.close(read)  # the worker, gone
    closed = os.fdopen(write, "w")
    monkeypatch.setattr(sys, "stdout", closed)
    say("kremlin: success ...")  # no BrokenPipeError
    monkeypatch.undo()
    with pytest.raises(OSError):
        closed.close()


def test_the_engine_takes_the_flow_run_s_final_state_as_its_end(monkeypatch):
    """A flow that ends Failed by its own choice (exit 4, its one message) is not raised
    again by the engine: no traceback in the worker's log (Prefect's own entry asks for the
    flow's result, and the result of a Failed state is raised)."""
    import contextlib
    import uuid

    import prefect._internal.control_listener as control_listener
    import prefect._internal.metrics as metrics
    import prefect.flow_engine as flow_engine
    from prefect.states import Failed

    from flows.ops.flow_run_engine import run_engine

    calls = {}

    def run_flow(flow, **kwargs):
        calls.update(kwargs)
        return Failed(message="exit 4: kremlin: partial ...")

    monkeypatch.setattr(control_listener, "configure_from_env", lambda: None)
    monkeypatch.setattr(flow_engine, "load_flow_run", lambda flow_run_id: "the flow run")
    monkeypatch.setattr(flow_engine, "flow_run_logger", lambda flow_run: None)
    monkeypatch.setattr(flow_engine, "load_flow", lambda flow_run: "the flow")
    monkeypatch.setattr(flow_engine, "run_flow", run_flow)
    monkeypatch.setattr(metrics, "RunMetrics", lambda *args: contextlib.nullcontext())
    run_engine(uuid.uuid4())  # no exception
    assert calls["return_type"] == "state" and calls["flow_run"] == "the flow run"


def test_serve_starts_each_flow_run_with_the_project_s_engine(monkeypatch):
    """`readouts serve` (flows/ops/served_engine.py): Prefect's runner starts each flow run
    of a served deployment with `EngineCommandStarter`; once installed, that runs
    flows/ops/flow_run_engine.py (the final state is its end: no FailedRun traceback in
    serve's output) instead of `python -m prefect.engine`. A command given still wins."""
    import shlex

    from prefect.runner import runner

    from flows.ops import served_engine

    monkeypatch.setattr(runner, "EngineCommandStarter", runner.EngineCommandStarter)
    served_engine.install()
    starter = runner.EngineCommandStarter(deployment_name="readouts-scheduled/all")
    assert shlex.split(starter._command) == [sys.executable, "-m", "flows.ops.flow_run_engine"]
    assert runner.EngineCommandStarter(command="other")._command == "other"


# The engine's console after the worker that read its output exited: Prefect's console
# handler prints through rich, which turns a broken pipe into SystemExit(1) (and points fd 1
# at /dev/null, so this runs in a process of its own).
CONSOLE_AFTER_ITS_READER = """
import os, sys
from rich.console import Console
from flows.ops.flow_run_engine import OutlivesItsReader
read, write = os.pipe()
os.close(read)
stream = os.fdopen(write, "w")
if sys.argv[1] == "kept":
    stream = OutlivesItsReader(stream)
Console(file=stream).print("Crash detected! Execution was aborted by a termination signal.")
print("went on", file=sys.stderr)
"""


@pytest.mark.parametrize("output, code", [("kept", 0), ("plain", 1)])
def test_the_engine_goes_on_to_report_its_end_after_the_worker_stopped_reading(output, code):
    done = subprocess.run(
        [sys.executable, "-c", CONSOLE_AFTER_ITS_READER, output],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == code, done.stderr
    assert ("went on" in done.stderr) == (code == 0)


def test_the_engine_keeps_its_output_before_prefect_sets_up_logging(monkeypatch):
    import io

    from flows.ops import flow_run_engine

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(flow_run_engine, "run_engine", lambda flow_run_id: None)
    monkeypatch.setattr(sys, "argv", ["engine", "00000000-0000-0000-0000-000000000000"])
    flow_run_engine.main()
    assert isinstance(sys.stdout, flow_run_engine.OutlivesItsReader)
    assert isinstance(sys.stderr, flow_run_engine.OutlivesItsReader)
    print("a line", file=sys.stderr)  # the stream's other attributes pass through
    assert sys.stderr.getvalue() == "a line\n"

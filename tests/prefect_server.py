"""What the tests against a real `prefect server start` share (the work pool, the operator's
page, the alerts, a stopped worker, a stopped serve, an interrupted run): the docs' command
lines as this environment runs them, a free port, the server's environment, background
processes stopped group and all, and waits that show every process's log when they time out."""

from __future__ import annotations

import itertools
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flows import prefect_env
from flows.settings import PROJECT_ROOT

# The work-pool block of docs/operations.md starts after this line.
WORK_POOL_MARKER = "On a work pool"


def work_pool_block() -> list[str]:
    """The commands of docs/operations.md's work-pool block, comments aside."""
    text = (PROJECT_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    after = text.split(WORK_POOL_MARKER, 1)[1]
    block = after.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line]


def assignments(command: str) -> dict[str, str]:
    """The `NAME=value` words a documented line starts with (variables for that command)."""
    words = shlex.split(command)
    return dict(w.split("=", 1) for w in itertools.takewhile(lambda w: "=" in w, words))


def argv(command: str) -> list[str]:
    """A documented line as this environment runs it: `prefect` and `readouts` from the venv
    (the line's leading variables go into its environment: `assignments`)."""
    words = shlex.split(command)
    program, *rest = words[len(assignments(command)) :]
    module = {"prefect": "prefect", "readouts": "flows.cli"}[program]
    return [sys.executable, "-m", module, *rest]


EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    """A free port of 127.0.0.1 for a server a test starts, chosen below the kernel's
    ephemeral range: every other server and connection of the suite takes its port from
    that range (port 0), and one did take a port picked there between the pick and the
    Prefect server's bind ("Port 40731 is already in use")."""
    try:
        low = int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):  # not Linux: the kernel's choice
        low = 0
    candidates = random.sample(range(max(1024, low - 10_000), low), 100) if low > 1024 else []
    for port in [*candidates, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def server_env(directory: Path, **extra: str) -> dict[str, str]:
    """The environment of one test's Prefect server and its clients: none of this process's
    PREFECT_ settings, the project's quiet defaults, a Prefect home of the test's own, no UI."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(prefect_env.QUIET_DEFAULTS)
    env.update(PREFECT_HOME=str(directory / "prefect-home"), PREFECT_UI_ENABLED="false")
    # On a crowded test machine the server's SQLite answers some writes with "database is
    # locked" (a 500): the clients, a stopped flow run reporting its crash among them, retry
    # those as they retry a 503 instead of losing the state.
    env.update(PREFECT_CLIENT_RETRY_EXTRA_CODES="500", **extra)
    return env


class Processes:
    """Background processes, each in its own session, stopped (group and all) at the end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.directory / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command,
                cwd=self.directory,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((process, log))
        return process

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{_tail(log)}" for _, log in self.started)

    def stop(self) -> None:
        for process, _ in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process, _ in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def wait_for(condition, timeout: float, what: str, diagnostics=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{diagnostics()}")
        time.sleep(0.5)


def read_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def server_up(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False

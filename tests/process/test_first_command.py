"""The README's first command works from a fresh clone on a busy machine (both cores held
by busy loops), with Prefect's temporary server and no Prefect settings of ours. Among the
full suite's workers, which compete with it at normal priority already, the loops run at
the lowest priority: they keep the cores busy with what the other workers leave idle."""

from __future__ import annotations

import os
import subprocess

from flows.settings import PROJECT_ROOT


def test_the_first_command_succeeds_from_a_fresh_clone_with_both_cores_busy():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "READOUTS_"))}
    # a fresh machine has no virtual environment of ours on its PATH (scripts/test.sh puts
    # .venv/bin first, whose python has neither pip nor uv)
    venv = str(PROJECT_ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv)
    env.pop("VIRTUAL_ENV", None)
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) >= 3:
        env["BUSY_NICE"] = "19"
    result = subprocess.run(
        ["bash", "scripts/first_command_busy.sh"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "succeeded" in result.stdout
    print(result.stdout.splitlines()[-1])

"""The `readouts run` command line, as the process-level tests and benchmarks start it."""

from __future__ import annotations

import sys
from pathlib import Path


def readouts_run(base_url: str, data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        "--source",
        "kremlin",
        "--base-url",
        base_url,
        "--data-dir",
        str(data_dir),
    ]

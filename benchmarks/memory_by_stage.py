"""Peak memory of each stage of the transform (normalise, validate, load, build) from a
landed raw zone, in one process as a flow run has it: where a run's peak comes from.

    .venv/bin/python -m benchmarks.land 100000 DIR
    [READOUTS_DUCKDB_MEMORY_LIMIT=768MB] .venv/bin/python -m benchmarks.memory_by_stage DIR

Samples the process's resident memory every 50 ms and prints, per stage, its seconds and
the highest resident memory seen while it ran, then benchmarks.transform_child's JSON."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from benchmarks import transform_child

STAGES = ("stage_pages", "validate_staged", "load_staged", "build")


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


class Sampler:
    def __init__(self) -> None:
        self.stage = "start"
        self.peaks: dict[str, int] = {}
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), _rss_mb())
            time.sleep(0.05)

    def timed(self, name: str, function):
        def run(*args, **kwargs):
            self.stage, started = name, time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - started
                self.peaks[name] = max(self.peaks.get(name, 0), _rss_mb())
                print(f"{name}: {seconds:.1f} s, peak {self.peaks[name]} MB", flush=True)
                self.stage = f"after {name}"

        return run


def main(data_dir: Path) -> None:
    sampler = Sampler()
    for name in STAGES:
        setattr(transform_child, name, sampler.timed(name, getattr(transform_child, name)))
    print(json.dumps(transform_child.main(data_dir)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

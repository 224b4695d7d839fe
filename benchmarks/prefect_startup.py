"""What one `readouts run` costs in Prefect start-up: the same incremental run (the demo
feed, nothing new) as a fresh process, with Prefect's temporary server and against a
running `prefect server start`, on an idle machine and with both cores busy.

    .venv/bin/python -m benchmarks.prefect_startup [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flows.demo.sample import sample_pages
from flows.demo.server import FeedServer, feed_paths
from flows.settings import PROJECT_ROOT
from flows.sources.kremlin.source import KremlinSource
from tests.cli_commands import readouts_run


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _busy_cores(count: int):
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


@contextmanager
def _prefect_server(env: dict[str, str]):
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("prefect server start did not answer in 180 s") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(30)


def _timed_run(base_url: str, data_dir: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        readouts_run(base_url, data_dir),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"readouts run failed ({result.returncode}): {result.stderr[-800:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    home = Path(tempfile.mkdtemp(prefix="readouts-bench-prefect-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), READOUTS_PAUSE_SECONDS="0")
    rows = []
    with FeedServer(feed_paths(sample_pages(), KremlinSource.feed_path)) as feed:
        data_dir = home / "data"
        _timed_run(feed.base_url, data_dir, env)  # the first run: migrations, the data
        for label, busy in (("idle", 0), ("both cores busy", 2)):
            with _busy_cores(busy):
                temporary = [_timed_run(feed.base_url, data_dir, env) for _ in range(repeats)]
            rows.append((f"temporary server, {label}", temporary))
        with _prefect_server(env) as url:
            served = {**env, "PREFECT_API_URL": url}
            for label, busy in (("idle", 0), ("both cores busy", 2)):
                with _busy_cores(busy):
                    running = [_timed_run(feed.base_url, data_dir, served) for _ in range(repeats)]
                rows.append((f"running server, {label}", running))
    print(f"readouts run, nothing new (demo feed), {repeats} runs each, {os.cpu_count()} cores")
    print(f"{'Prefect':<34}{'median s':>10}{'max s':>8}")
    for label, seconds in rows:
        print(f"{label:<34}{statistics.median(seconds):>10.1f}{max(seconds):>8.1f}")


if __name__ == "__main__":
    main()

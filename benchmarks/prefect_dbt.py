"""`dbt build` as this project runs it (the build-models task: dbtRunner, the cached
manifest, a log line per node) against prefect-dbt's PrefectDbtRunner (a task run per
node), each inside a flow, alternately, on fresh copies of one loaded build warehouse.

prefect-dbt is not a dependency: run this from a scratch environment that has the locked
packages and prefect-dbt 0.7.25, with the clone on sys.path, e.g.

    uv venv /tmp/dbtbench && uv export --locked --no-dev --no-hashes > /tmp/req.txt
    uv pip install --python /tmp/dbtbench/bin/python -r /tmp/req.txt prefect-dbt==0.7.25
    PYTHONPATH=. /tmp/dbtbench/bin/python -m benchmarks.prefect_dbt BUILD.duckdb [ROUNDS]

BUILD.duckdb: a build warehouse with data loaded (e.g. data/demo/build/readouts.duckdb
after `readouts demo`). Prints the seconds of each build, round after round.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from flows import prefect_env

WORK = Path(tempfile.mkdtemp(prefix="prefect-dbt-bench-"))
prefect_env.configure(WORK / "prefect-home")

from prefect import flow, get_run_logger, task  # noqa: E402

from flows.transform.project import (  # noqa: E402
    SQL_DIR,
    DbtPaths,
    _close_database,
    _environment,
    build,
)


def fresh(source: Path, name: str) -> tuple[Path, DbtPaths]:
    directory = WORK / name
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "build").mkdir(parents=True)
    warehouse = directory / "build" / "readouts.duckdb"
    shutil.copy(source, warehouse)
    return warehouse, DbtPaths(directory / "dbt")


@flow(name="bench-project")
def project_way(source: Path) -> float:
    warehouse, paths = fresh(source, "project")

    @task(name="build-models")
    def build_models():
        return build(warehouse, paths, log=get_run_logger().info)

    started = time.perf_counter()
    build_models()
    return time.perf_counter() - started


@flow(name="bench-prefect-dbt")
def prefect_dbt_way(source: Path) -> float:
    from prefect_dbt import PrefectDbtRunner, PrefectDbtSettings

    warehouse, paths = fresh(source, "prefect_dbt")
    started = time.perf_counter()
    with _environment(warehouse):
        settings = PrefectDbtSettings(
            project_dir=SQL_DIR, profiles_dir=SQL_DIR, target_path=paths.target
        )
        PrefectDbtRunner(settings=settings).invoke(["build"])
    _close_database()
    return time.perf_counter() - started


def main() -> None:
    source = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    seconds: dict[str, list[float]] = {"project": [], "prefect_dbt": []}
    for _ in range(rounds):
        seconds["project"].append(round(project_way(source), 1))
        seconds["prefect_dbt"].append(round(prefect_dbt_way(source), 1))
        print(json.dumps(seconds), flush=True)


if __name__ == "__main__":
    main()

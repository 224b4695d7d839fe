"""One size's transform, in its own process so that its peak memory is its own:
normalise, validate, load and build from a landed raw zone. Prints JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from flows.landing.raw_zone import RawZone
from flows.load.loader import load_staged
from flows.load.warehouse import connect, ensure_schema, transaction
from flows.normalize.stage import stage_pages
from flows.ops.memory import release_freed_memory
from flows.sources.kremlin.source import KremlinSource
from flows.transform.fingerprint import models_fingerprint, record_models_fingerprint
from flows.transform.project import DbtPaths, build
from flows.validate.staged import validate_staged


def main(data_dir: Path) -> dict:
    zone = RawZone(data_dir / "raw", "kremlin")
    source = KremlinSource()
    seconds = {}
    started = time.perf_counter()
    batch = stage_pages(
        sorted(zone.manifest(), key=lambda r: r.fetched_at),
        zone,
        source,
        data_dir / "work" / "bench",
    )
    seconds["normalize"] = time.perf_counter() - started
    started = time.perf_counter()
    validate_staged(batch, source)
    release_freed_memory()  # as the flow's validate task does
    seconds["validate"] = time.perf_counter() - started
    warehouse = data_dir / "warehouse" / "readouts.duckdb"
    with connect(warehouse) as con:
        ensure_schema(con)
        with transaction(con):
            started = time.perf_counter()
            loaded = load_staged(
                con,
                batch,
                reference_fingerprint=source.reference.fingerprint,
            )
            seconds["load"] = time.perf_counter() - started
    # as a flow run does: dbt build (seeds, models, tests) with the writer's connection closed
    started = time.perf_counter()
    build(warehouse, DbtPaths(data_dir / "dbt"))
    with connect(warehouse) as con:
        record_models_fingerprint(con, models_fingerprint())
        seconds["build"] = time.perf_counter() - started
        calls = con.execute("select count(*) from marts.calls").fetchone()[0]
    return {
        "seconds": seconds,
        "items": loaded.item_versions,
        "calls": calls,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))

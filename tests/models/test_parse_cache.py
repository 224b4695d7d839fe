"""dbt's parse, paid once (issue 26, item 2), with dbt itself: a new process running the
project takes the manifest saved by an earlier one and never parses. (The decisions of
`parsed` alone, with dbt faked: tests/unit/test_fixed_costs.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

from flows.settings import PROJECT_ROOT
from flows.transform.project import DbtPaths, parsed, saved_manifest

CHILD = """
import json, sys
from pathlib import Path
from flows.transform import project

real = project.invoke

def no_parse(command, *args, **kwargs):
    assert command[0] != "parse", "a new process parsed an unchanged project again"
    return real(command, *args, **kwargs)

project.invoke = no_parse
warehouse, paths = Path(sys.argv[1]), project.DbtPaths(Path(sys.argv[2]))
manifest = project.parsed(warehouse, paths)
listed = project.invoke(["ls", "--resource-type", "seed", "--output", "name"], warehouse,
                        paths, manifest=manifest)
print(json.dumps({"nodes": len(manifest.nodes), "listed": len(listed.result),
                  "success": listed.success}))
"""


def test_a_new_process_runs_dbt_on_the_saved_parse_without_parsing(tmp_path):
    warehouse = tmp_path / "rules.duckdb"  # the database name tests/rule_database.py parses
    manifest = parsed(warehouse, DbtPaths(tmp_path / "dbt"))  # parses in a fresh clone only
    assert saved_manifest(warehouse).exists()
    child = DbtPaths(tmp_path / "child")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(warehouse), str(child.root)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["success"] and seen["nodes"] == len(manifest.nodes)
    seeds = [n for n in manifest.nodes.values() if n.resource_type == "seed" and n.config.enabled]
    assert seen["listed"] == len(seeds) > 0
    # dbt writes its partial parse state whenever it parses: the child's target has none
    assert not (child.target / "partial_parse.msgpack").exists()

"""The code blocks of docs/ that read the warehouse, run as the pages print them against the
demo's warehouse (the session's `demo_run`, laid out as a clone's `data/` after `readouts
demo`): the SQL of analysts.md and analyses/RESULTS.md, connect.md's Python and notebook
recipes (a notebook's `%pip` line aside) and its shell blocks in a new shell with the
README's PATH (the environment's `bin/` first). Which test runs the other blocks:
tests/doc_blocks.py."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.doc_blocks import Block, commands, page_blocks

pytestmark = pytest.mark.flow

# a new shell: the system's PATH with the environment's bin/ first (scripts/bootstrap.sh)
SHELL_PATH = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"


@pytest.fixture(scope="module")
def clone(demo_run, tmp_path_factory) -> Path:
    """A directory where `data/` is the demo's data directory, as in a clone."""
    settings, _ = demo_run
    root = tmp_path_factory.mktemp("clone")
    (root / "data").symlink_to(settings.data_dir)
    return root


def _shell(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    shell = {
        "PATH": SHELL_PATH,
        "HOME": os.environ.get("HOME", "/root"),
        "DO_NOT_TRACK": "1",
        **env,
    }
    done = subprocess.run(
        ["bash", "-c", f"set -euo pipefail\n{script}"],
        cwd=cwd, env=shell, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, (script, done.stdout, done.stderr)
    return done


@pytest.mark.parametrize("page", ["analysts.md", "analyses/RESULTS.md"])
def test_the_sql_blocks_run_on_the_warehouse(clone, page):
    found = page_blocks(page, "sql")
    assert found
    with duckdb.connect(str(clone / "data/warehouse/readouts.duckdb"), read_only=True) as con:
        for block in found:
            con.execute(block.text).fetchall()
    if page == "analysts.md":
        (who_initiates,) = found
        with duckdb.connect(str(clone / "data/warehouse/readouts.duckdb"), read_only=True) as c:
            assert c.execute(who_initiates.text).fetchall()


def _python(block: Block) -> str:
    """The block as Python runs it: a notebook's `%` lines (its installs) are the notebook's."""
    return "\n".join(line for line in block.text.splitlines() if not line.startswith("%"))


def test_the_python_recipes_run(clone, monkeypatch, capsys):
    python, notebook = page_blocks("connect.md", "python")
    monkeypatch.chdir(clone)
    names: dict = {}
    exec(compile(_python(python), "connect.md", "exec"), names)
    assert isinstance(names["calls"], pl.DataFrame) and names["calls"].height > 0
    assert names["tone"].height > 0 and names["evidence"].height > 0
    assert notebook.text.startswith("%pip install ")
    names = {}
    exec(compile(_python(notebook), "connect.md", "exec"), names)
    assert names["tone"].height > 0
    printed = capsys.readouterr().out
    manifest = json.loads((clone / "data/warehouse/exports/manifest.json").read_text())
    assert printed.strip() == manifest["source_attribution"]


def _duckdb_cli(command: str, cwd: Path) -> None:
    """`duckdb [-readonly] [FILE] "SQL"` or `duckdb -c "SQL"`: through the DuckDB CLI when
    it is on the PATH, else the same query through the Python package (the CLI is not part
    of the environment; connect.md says so)."""
    if shutil.which("duckdb", path=SHELL_PATH):
        _shell(command, cwd)
        return
    words = shlex.split(command)
    assert words[0] == "duckdb", command
    read_only = "-readonly" in words
    rest = [w for w in words[1:] if w not in ("-readonly", "-c")]
    *database, sql = rest
    assert len(database) <= 1, command
    path = str(cwd / database[0]) if database else ":memory:"
    previous = Path.cwd()
    os.chdir(cwd)  # the exports are read from relative paths
    try:
        with duckdb.connect(path, read_only=read_only) as con:
            assert con.execute(sql).fetchall(), command
    finally:
        os.chdir(previous)


def test_the_shell_blocks_of_connect_run_in_a_new_shell(clone):
    cli, query = page_blocks("connect.md", "sh")
    for command in commands(cli):
        _duckdb_cli(command, clone)
    script = "\n".join(commands(query))
    assert script.startswith("readouts query ")
    done = _shell(script, clone, READOUTS_DATA_DIR=str(clone / "data"))
    rows = list(csv.DictReader(io.StringIO((clone / "tone.csv").read_text())))
    assert rows and "share_with_descriptor" in rows[0]
    assert json.loads(done.stdout)  # the second command's rows, as JSON

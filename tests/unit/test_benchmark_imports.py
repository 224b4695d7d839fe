"""The benchmarks import only what the project still has. They run outside the suite (and
their baseline needs the `bench` dependency group), so a renamed or moved name would
otherwise surface only when someone measures."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))


def _top_level_names(path: Path) -> set[str]:
    """What a benchmark module defines (read, not imported: the baseline's libraries are
    in the `bench` group only)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _missing(module: str, name: str) -> bool:
    if module.startswith("benchmarks."):
        return name not in _top_level_names(BENCHMARKS / f"{module.split('.', 1)[1]}.py")
    found = importlib.import_module(module)
    return not hasattr(found, name) and importlib.util.find_spec(f"{module}.{name}") is None


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_project_name_a_benchmark_imports_exists(script):
    missing = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[0] in ("flows", "benchmarks", "tests")
        for alias in node.names
        if _missing(node.module, alias.name)
    ]
    assert not missing, f"{script.name} imports names that no longer exist: {missing}"

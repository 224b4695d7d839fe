"""The architecture, as code reads it: the packages of `flows/` import one way (no cycle,
counting imports inside functions), and shared code names no government."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from flows.settings import PROJECT_ROOT

FLOWS = PROJECT_ROOT / "flows"
GOVERNMENTS = re.compile(r"kremlin|white\s?house|putin|biden|trump|moscow", re.IGNORECASE)
SOURCE_SPECIFIC = ("sources", "demo")


def _unit(path: Path) -> str:
    """The package (or top-level module) of `flows/` a file belongs to."""
    parts = path.relative_to(FLOWS).with_suffix("").parts
    return parts[0]


def _imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [name for name in found if name.startswith("flows.")]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in FLOWS.rglob("*.py"):
        here = _unit(path)
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            there = name.split(".")[1]
            if there != here:
                graph[here].add(there)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_packages_of_flows_import_one_way():
    cycle = _cycle(package_graph())
    assert cycle is None, f"import cycle between packages: {' -> '.join(cycle)}"


def test_the_cycle_check_sees_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def government_names_in_code(path: Path) -> list[str]:
    """Names and strings of the code (not its comments or docstrings) that name a
    government or its leaders."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.alias):
            text = node.name
        elif isinstance(node, ast.ImportFrom):
            text = node.module
        if text and GOVERNMENTS.search(text):
            found.append(f"{path}:{getattr(node, 'lineno', '?')}: {text}")
    return found


def test_shared_code_names_no_government():
    shared = [p for p in FLOWS.rglob("*.py") if _unit(p) not in SOURCE_SPECIFIC]
    found = [line for path in shared for line in government_names_in_code(path)]
    assert not found, "\n".join(found)


def test_the_scan_sees_a_name_in_code_but_not_in_a_docstring(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text('"""Putin and Biden in a docstring."""\n# Moscow\nSOURCE = "kremlin"\n')
    assert [line.split(": ")[1] for line in government_names_in_code(module)] == ["kremlin"]


def test_the_flows_module_is_short_and_no_function_is_long():
    """Flows read as a few task calls (flows/pipeline.py at most 300 lines); tables of
    checks are split into data-like pieces, so no function in flows/ passes 80 lines."""
    assert len((FLOWS / "pipeline.py").read_text().splitlines()) <= 300
    long = []
    for path in FLOWS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name}")
    assert not long, long

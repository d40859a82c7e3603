"""The package's layers point one way: domain (pure) ← services ← api / web / jobs / cli.

Read from the source with `ast`, so an import anywhere in a module counts, including one
inside a function (imports are not hidden in functions to dodge a cycle, either).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "server"
# The layer each top-level part of the package belongs to, lowest first.
LAYERS = {
    "domain": 0,
    "errors": 0,
    "config": 0,
    "models": 1, "schemas": 1, "extensions": 1, "read_cache": 1, "sqlite_lock": 1,
    "json_provider": 1, "migrate": 1, "migrations": 1, "importers": 1,
    "services": 2,
    "jobs": 3, "api": 3, "web": 3,
    "serve": 4, "cli": 4, "__init__": 4,
}
# Parts of the same layer that must not import each other (requests may hand work to the jobs
# layer; the jobs never reach into a request's layer).
SIBLINGS_APART = {("jobs", "api"), ("jobs", "web"), ("api", "web"), ("web", "api")}
IMPURE = ("flask", "flask_smorest", "sqlalchemy", "rq", "redis", "werkzeug", "marshmallow")


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path: Path) -> Iterator[tuple[str, bool]]:
    """(module imported, whether the import sits inside a function)."""
    tree = ast.parse(path.read_text())
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested |= {id(sub) for sub in ast.walk(node) if sub is not node}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "server":
                for alias in node.names:
                    name = f"server.{alias.name}"
                    yield (name if (PACKAGE / alias.name).exists()
                           or (PACKAGE / f"{alias.name}.py").exists() else "server",
                           id(node) in nested)
            else:
                yield node.module, id(node) in nested
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in nested


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = dict(_modules())


def test_every_part_of_the_package_has_a_layer():
    assert {_part(m) for m in MODULES} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_and_sit_at_the_top(module):
    mine = _part(module)
    for imported, in_function in _imports(MODULES[module]):
        if imported.startswith("server"):
            theirs = _part(imported)
            assert not in_function, f"{module} imports {imported} inside a function"
            if theirs == mine or imported == "server":
                continue
            assert LAYERS[theirs] <= LAYERS[mine], f"{module} ({mine}) imports {imported}"
            assert (mine, theirs) not in SIBLINGS_APART, f"{module} imports {imported}"
        elif mine == "domain":
            assert imported.split(".")[0] not in IMPURE, f"{module} imports {imported}"


def test_no_import_cycles_between_modules():
    graph = {m: {i for i, _ in _imports(p) if i in MODULES and i != m}
             for m, p in MODULES.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of logic.
    for m in graph:
        graph[m] = {i for i in graph[m] if not (m.startswith(i + ".") and i != "server")}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                raise AssertionError(" -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])

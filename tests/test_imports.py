"""The packages import one way and in a tree: no cycle, and no upward import outside a composition root.

Every import counts, wherever it is written: at module level, inside a function (a late import that hides a cycle
still runs), and under ``if TYPE_CHECKING:`` (a cycle of types is still a knot to untie). The graph is read from
the source with ``ast``, so the test needs nothing imported and names each offending line.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("queries", "geodata", "dashboard")
LAYER = {"queries": 0, "geodata": 1, "dashboard": 2}

# Modules allowed to import a higher layer, each with the reason. A composition root wires the layers together
# and nothing imports it, so an upward import there makes no cycle and keeps the libraries one-way.
COMPOSITION_ROOTS = {
    # The store's command line hands geodata's places and locator to the seeder, the feed and imports, and
    # writes the audit trail with geodata's CSV writer, so that queries' library modules never import geodata.
    "queries.__main__": "command line of the store: composition root handing geodata's places to queries",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    """Every module of the three packages by its dotted name."""
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]) -> list[str]:
    """The project modules that one import statement loads (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = importer.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    found = []
    for name in names:
        while name and name not in known:  # ``import queries.store as s`` names a module; ``import x.y.z`` its parent
            name = name.rpartition(".")[0]
        if name and name != importer:
            found.append(name)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    """Module → {imported module: line of the first import}, over every import statement in the module."""
    modules = source_modules()
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in imported(node, name, path.name == "__init__.py", known):
                    edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def knots(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan): modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """One shortest cycle through each knot."""
    return [cycle_through(graph, component) for component in knots(graph)]


def cycle_through(graph: dict[str, dict[str, int]], component: list[str]) -> list[str]:
    """One closed path inside a strongly connected component, from its first module back to it (breadth first)."""
    members, start = set(component), component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in members and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return component


def describe(graph: dict[str, dict[str, int]], cycle: list[str]) -> str:
    return " → ".join(f"{a} (line {graph[a][b]})" for a, b in itertools.pairwise(cycle)) + f" → {cycle[-1]}"


def test_no_import_cycle():
    graph = import_graph()
    found = [f"{describe(graph, cycle_through(graph, knot))}   (knot: {', '.join(knot)})" for knot in knots(graph)]
    assert not found, "import cycles (move the shared thing into a lower module):\n" + "\n".join(found)


def test_no_upward_import_outside_the_composition_roots():
    graph = import_graph()
    upward = [f"{source} imports {target} (line {line})"
              for source, edges in sorted(graph.items()) if source not in COMPOSITION_ROOTS
              for target, line in sorted(edges.items())
              if LAYER[target.split(".")[0]] > LAYER[source.split(".")[0]]]
    assert not upward, "upward imports (queries ← geodata ← dashboard):\n" + "\n".join(upward)


def test_the_composition_roots_exist_and_nothing_imports_them():
    graph = import_graph()
    assert set(COMPOSITION_ROOTS) <= set(graph)
    importers = [f"{source} imports {root}" for source, edges in graph.items() for root in COMPOSITION_ROOTS
                 if root in edges]
    assert not importers


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}, [["a", "b", "c", "a"]]),
    ({"a": {"b": 1}, "b": {"a": 1}, "c": {"a": 1}}, [["a", "b", "a"]]),
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {}}, []),
])
def test_cycles_are_found(edges, expected):
    assert cycles(edges) == expected


def test_late_and_type_only_imports_count(tmp_path):
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from queries.store import Store\n"
              "def f():\n    from queries import seed\n")
    nodes = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)]
    known = {"queries", "queries.store", "queries.seed", "queries.access"}
    assert [imported(node, "queries.access", False, known) for node in nodes] == [[], ["queries.store"],
                                                                                   ["queries.seed"]]

"""The package's modules import one way: no import cycle among them (counting imports made
inside functions and under ``TYPE_CHECKING``, which are cycles all the same), and the two
clients at the top, each imported by nothing but ``__init__`` and neither by the other (they
share ``_core``). Read from the sources with ``ast``."""

from __future__ import annotations

import ast
import os
from typing import Dict, List, Set

from conftest import PACKAGE_ROOT

PACKAGE = "taptalk"
SOURCES = os.path.join(PACKAGE_ROOT, PACKAGE)


def module_imports(source: str, modules: Set[str]) -> Set[str]:
    """The package's modules that ``source`` imports, wherever the import statement is."""
    found: Set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            absolute = node.level == 0 and (node.module or "").split(".")[0] == PACKAGE
            if node.level == 1 or absolute:
                parts = (node.module or "").split(".")
                target = parts[1] if absolute and len(parts) > 1 else (
                    parts[0] if node.level == 1 and node.module else "")
                if target:
                    found.add(target if target in modules else "__init__")
                else:  # from . import x, y: each a module, or a name of __init__
                    for alias in node.names:
                        found.add(alias.name if alias.name in modules else "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == PACKAGE:
                    found.add(parts[1] if len(parts) > 1 and parts[1] in modules
                              else "__init__")
    return found


def import_graph(directory: str) -> Dict[str, Set[str]]:
    files = sorted(f for f in os.listdir(directory) if f.endswith(".py"))
    modules = {f[:-3] for f in files}
    graph = {}
    for name in files:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            graph[name[:-3]] = module_imports(f.read(), modules) - {name[:-3]}
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(SOURCES)
    assert {"_client", "_base", "_onetalk", "_raw", "errors"} <= set(graph)
    assert cycles(graph) == [], f"import cycle among taptalk's modules: {graph}"


def test_the_clients_are_the_top_and_the_base_is_below_the_namespaces() -> None:
    graph = import_graph(SOURCES)
    for top in ("_client", "_aio"):
        importers = sorted(m for m, targets in graph.items() if top in targets)
        assert importers == ["__init__"], top
    assert "_core" in graph["_client"] and "_core" in graph["_aio"]
    for namespace in ("_powertalk", "_sendtalk", "_onetalk", "_raw", "_pagination"):
        assert "_base" in graph[namespace], namespace
        assert not graph[namespace] & {"_client", "_aio", "_core", "_waiting"}, namespace
    # The lifetime, the waiting and the fork tracking sit below both clients and above
    # nothing of theirs; the fork tracking is a leaf (the standard library only).
    assert graph["_core"] <= {"_native", "_base", "_waiting", "_fork", "errors"}
    assert graph["_waiting"] <= {"_native", "errors"}
    assert graph["_fork"] == set()
    assert graph["_base"] <= {"errors"}
    assert graph["errors"] == set()
    # No module below the top goes through the package itself (it would import everything).
    assert sorted(m for m, targets in graph.items() if "__init__" in targets) == []


def test_the_check_sees_every_form_of_import_cycle(tmp_path) -> None:
    # The same check over a package that has the cycles the old layout had: in a function,
    # under TYPE_CHECKING, and absolute.
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("from ._client import Client\n")
    (package / "_client.py").write_text("from ._raw import Raw\nfrom . import _base\n")
    (package / "_raw.py").write_text("def f():\n    from ._client import helper\n")
    (package / "_base.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import taptalk._client\n")
    (package / "_leaf.py").write_text("import os\nfrom .errors import E\n")
    (package / "errors.py").write_text("")
    graph = import_graph(str(package))
    assert graph["_leaf"] == {"errors"}
    assert cycles(graph) == [["_base", "_client", "_raw"]]

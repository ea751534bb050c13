"""The apps import one way (README, Layout): chapter ← members ← admissions ← reports ← demo.

``chapter`` is the bottom layer and imports no app, except its URLconf (``chapter/urls.py``),
which mounts the apps' URLconfs; no app imports one above it; and no two modules import each
other at load time. Read from the source with ``ast``, so nothing is imported to check it.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

# Bottom first: each app may import those before it, never those after.
LAYERS = ("chapter", "members", "admissions", "ratings", "reports", "documents", "demo")
URLCONF = "chapter.urls"
ROOT = Path(settings.BASE_DIR)


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (``members.models.Member`` → members.models)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(nodes) -> set[str]:
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from pkg import sub`` needs pkg.sub; pkg itself is loaded by any import of
            # pkg.sub, so a package's own __init__ is not counted as a dependency.
            subs = {f"{node.module}.{alias.name}" for alias in node.names}
            named = {sub for sub in subs if sub in MODULES}
            names.update(named or {node.module})
            names.update(subs - named)
    return {found for name in names if (found := _resolve(name))}


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def _layer(name: str) -> int:
    return LAYERS.index(name.partition(".")[0])


def test_chapter_imports_no_app_but_its_urlconf():
    offenders = {
        name: sorted(dep for dep in _imports(ast.walk(_tree(name))) if _layer(dep) > 0)
        for name in MODULES
        if _layer(name) == 0 and name != URLCONF
    }
    assert {name: deps for name, deps in offenders.items() if deps} == {}


def test_no_app_imports_an_app_above_it():
    upward = {
        name: sorted(dep for dep in _imports(ast.walk(_tree(name))) if _layer(dep) > _layer(name))
        for name in MODULES
        if name != URLCONF
    }
    assert {name: deps for name, deps in upward.items() if deps} == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_at_load_time():
    """Module-level imports only: an import inside a function runs after both modules loaded."""
    graph = {name: _imports(_tree(name).body) - {name} for name in MODULES}
    assert _cycles(graph) == []


@pytest.mark.parametrize("graph, cycles", [({"a": {"b"}, "b": {"a"}}, [["a", "b"]])])
def test_the_cycle_finder_finds_a_cycle(graph, cycles):
    assert _cycles(graph) == cycles


MAX_LINES = 600


def test_no_module_is_over_600_lines():
    """Small modules along their seams (the apps' modules; migrations and tests aside)."""
    long = {
        str(path.relative_to(ROOT)): count
        for path in MODULES.values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}

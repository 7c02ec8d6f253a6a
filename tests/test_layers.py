"""The package's shape holds: no import cycle inside kb, and the pure packages stay pure.

Imports are read from the source (every `import` and `from ... import`, at module level, inside
functions and under TYPE_CHECKING alike: a cycle through a type is still a cycle in the design).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parents[1] / "kb"
# Pure packages take and return plain values; they never reach the database, the services or
# the permission rules, directly or through another kb module.
PURE = ("kb.checks", "kb.export", "kb.formats", "kb.ingest", "kb.measures")
FORBIDDEN = ("kb.services", "kb.db", "kb.permissions", "kb.ui", "kb.cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(KB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(KB.rglob("*.py"))}


def _resolve(module: str, name: str | None) -> str | None:
    """The kb module an import names: `from kb.x import y` is kb.x.y when that is a module."""
    if name and f"{module}.{name}" in MODULES:
        return f"{module}.{name}"
    return module if module in MODULES else None


def _imports(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kb") and (target := _resolve(alias.name, None)):
                    yield target
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if not module.startswith("kb"):
                continue
            for alias in node.names:
                if target := _resolve(module, alias.name):
                    yield target


GRAPH = {name: sorted(set(_imports(name, path)) - {name}) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return found


def _reach(start: str) -> dict[str, str]:
    """Every kb module start imports, directly or not, with the module that imports it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        v = todo.pop()
        for w in GRAPH[v]:
            if w not in seen:
                seen[w] = v
                todo.append(w)
    return seen


def test_the_graph_is_read() -> None:
    # A reader that found nothing would pass every check below.
    assert "kb.services.review" in GRAPH["kb.cli.review"] or any(
        t.startswith("kb.services.review") for t in GRAPH["kb.cli.review"]
    )
    assert len(MODULES) > 50


def test_no_import_cycle_inside_kb() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_never_reach_services_db_or_permissions(package: str) -> None:
    bad = []
    for name in (m for m in MODULES if m == package or m.startswith(package + ".")):
        for target, via in _reach(name).items():
            if target.startswith(FORBIDDEN):
                bad.append(f"{name} -> ... {via} -> {target}")
    assert bad == []


def test_only_kb_ui_imports_streamlit() -> None:
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("kb.ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(name)
    assert offenders == []


def test_modules_stay_small() -> None:
    # STYLE.md: past ~400 lines, look for the seam.
    big = {n: c for n, p in MODULES.items() if (c := len(p.read_text().splitlines())) > 400}
    assert big == {}

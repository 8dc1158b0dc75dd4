"""The house rules on imports, checked on the source (docs/architecture in the shared folder):

- no import circle among the modules of ``subsidy/`` and ``forms/``, counting imports written
  inside functions (they still run, only later);
- ``subsidy.domain`` imports neither Flask nor SQLAlchemy (nor the form and login libraries), so
  rules run on plain data without an app;
- ``subsidy.documents`` imports nothing of ``subsidy`` but the domain (the dataclasses it renders
  live there) and itself; services import no Flask (the actor is passed in);
- a module over 500 lines says why in its docstring («over 500 lines because …»).

The checker works on a folder, so it is first tried on small made-up packages with a known circle
and a known layer breach: a checker that finds nothing would otherwise pass for ever.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB_LIBRARIES = {"flask", "flask_login", "flask_wtf", "flask_limiter", "wtforms", "werkzeug"}
DB_LIBRARIES = {"sqlalchemy", "alembic"}
LINE_LIMIT = 500


def module_files(root: Path, tops: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` under the given top-level packages."""
    found: dict[str, Path] = {}
    for top in tops:
        for path in sorted((root / top).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> list[str]:
    """Every dotted name the module imports, anywhere in its body (relative imports resolved).

    ``from pkg import name`` yields ``pkg.name`` (which is a module or a name in ``pkg``; the
    caller resolves it to the longest known module prefix)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` starts with, or None for a third-party name."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path, tops: tuple[str, ...]) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """(edges between our modules, every raw imported name per module)."""
    modules = module_files(root, tops)
    edges: dict[str, set[str]] = {m: set() for m in modules}
    raw: dict[str, list[str]] = {}
    for module, path in modules.items():
        raw[module] = imported_names(module, path)
        for name in raw[module]:
            target = resolve(name, modules)
            if target and target != module:
                edges[module].add(target)
    return edges, raw


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_breaches(raw: dict[str, list[str]]) -> list[str]:
    """Imports that break the layer rules, as «module imports name» lines."""
    breaches = []
    for module, names in raw.items():
        for name in names:
            top = name.split(".")[0]
            if module.startswith("subsidy.domain") and top in WEB_LIBRARIES | DB_LIBRARIES:
                breaches.append(f"{module} imports {name}")
            # werkzeug.security (password hashing) is a library, not the request: services may use it
            if module.startswith("subsidy.services") and top in WEB_LIBRARIES - {"werkzeug"}:
                breaches.append(f"{module} imports {name}")
            if (module.startswith("subsidy.documents") and name.startswith("subsidy.")
                    and not name.startswith(("subsidy.domain", "subsidy.documents"))):
                breaches.append(f"{module} imports {name}")
    return breaches


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_a_circle_made_by_an_import_inside_a_function(tmp_path):
    _write(tmp_path, {
        "subsidy/__init__.py": "",
        "subsidy/services/__init__.py": "",
        "subsidy/services/a.py": "from subsidy.services import b\n",
        "subsidy/services/b.py": "def f():\n    from subsidy.services.c import g\n",
        "subsidy/services/c.py": "from . import a\n",
        "subsidy/services/d.py": "from subsidy.services import a\n",
    })
    edges, _ = import_graph(tmp_path, ("subsidy",))
    assert circles(edges) == [["subsidy.services.a", "subsidy.services.b", "subsidy.services.c"]]


def test_the_checker_finds_layer_breaches(tmp_path):
    _write(tmp_path, {
        "subsidy/__init__.py": "",
        "subsidy/domain/__init__.py": "",
        "subsidy/domain/rules.py": "import sqlalchemy as sa\n",
        "subsidy/documents/__init__.py": "",
        "subsidy/documents/slip.py": "from subsidy.domain import rules\nfrom subsidy.services.tally import x\n",
        "subsidy/services/__init__.py": "",
        "subsidy/services/tally.py": "def f():\n    from flask import g\n",
    })
    _, raw = import_graph(tmp_path, ("subsidy",))
    assert sorted(layer_breaches(raw)) == [
        "subsidy.documents.slip imports subsidy.services.tally.x",
        "subsidy.domain.rules imports sqlalchemy",
        "subsidy.services.tally imports flask.g",
    ]


@pytest.fixture(scope="module")
def project_graph():
    return import_graph(ROOT, ("subsidy", "forms"))


def test_no_import_circle_in_the_project(project_graph):
    edges, _ = project_graph
    assert len(edges) > 100  # the walk saw the package, not an empty folder
    assert circles(edges) == []


def test_no_layer_breach_in_the_project(project_graph):
    _, raw = project_graph
    assert layer_breaches(raw) == []


def test_a_module_over_500_lines_says_why():
    unexplained = []
    for module, path in module_files(ROOT, ("subsidy", "forms")).items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LINE_LIMIT:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if "over 500 lines because" not in docstring.lower():
                unexplained.append(f"{module}: {text.count(chr(10))} lines")
    assert unexplained == []

"""House rules of the code base (docs/architecture.md), checked on the source files themselves.

- No production module over 500 lines (models.py, migrations, tests and bench aside): a big module becomes a
  package split by sub-domain.
- No suffix-named siblings in an app (``services_x.py``, ``views_x.py``, ``forms_x.py``, ``urls_x.py``,
  ``api_x.py``, ``admin_x.py``, ``selectors_x.py``): a package instead (``services/x.py``).
- No import inside a function unless it breaks a real import cycle, said on that line: ``# cycle: a -> b -> a``.
  One exception: ``AppConfig.ready()`` in ``apps.py``, where Django requires the imports that need the app
  registry (signals, audit enums, task registration) to happen, after every app is loaded.
- Production code imports nothing that only requirements-dev.txt installs (the production image has
  requirements.txt only).

"Production" is every .py file of the project except tests (``tests/`` folders, ``test_*.py``, ``conftest.py``),
migrations, ``bench/`` and the virtualenv.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
SKIP_DIRS = {".venv", "venv", "node_modules", "migrations", "tests", "bench", "docs", "static", "media", ".test-media",
             "staticfiles", ".git", "__pycache__", ".pytest_cache"}
LONG_OK = {"models.py"}
SUFFIX_SIBLING = re.compile(r"^(services|views|forms|urls|api|admin|selectors)_\w+\.py$")
DEV_ONLY = {"pytest", "_pytest", "pytest_django", "factory", "hypothesis", "time_machine", "playwright", "schemathesis",
            "xdist"}


def production_files() -> list[Path]:
    out = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if rel.name.startswith("test_") or rel.name == "conftest.py":
            continue
        out.append(path)
    return sorted(out)


def app_dirs() -> set[Path]:
    """The project's Django apps: folders with an apps.py (and every folder below them)."""
    return {p.parent for p in production_files() if p.name == "apps.py"}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


FILES = production_files()


def test_the_rules_see_the_code():
    names = {_rel(p) for p in FILES}
    assert "core/audit.py" in names and "config/urls.py" in names
    assert not any("/tests/" in n or "/migrations/" in n or n.startswith("bench/") for n in names)


def test_no_production_module_over_500_lines():
    long = []
    for path in FILES:
        if path.name in LONG_OK:
            continue
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            long.append(f"{_rel(path)}: {n} lines")
    assert not long, f"modules over {MAX_LINES} lines (split into a package by sub-domain):\n  " + "\n  ".join(long)


def test_no_suffix_named_sibling_modules():
    apps = app_dirs()
    found = [
        _rel(p) for p in FILES
        if SUFFIX_SIBLING.match(p.name) and any(p.parent == a or a in p.parents for a in apps)
    ]
    assert not found, "suffix-named sibling modules (make a package: services/x.py, views/x.py …):\n  " + "\n  ".join(found)


def _function_imports(tree: ast.Module):
    """(function node, import node) for every import inside a function body (nested functions included)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield node, inner


def _is_app_ready(path: Path, tree: ast.Module, func: ast.AST) -> bool:
    if path.name != "apps.py" or getattr(func, "name", "") != "ready":
        return False
    return any(isinstance(cls, ast.ClassDef) and func in cls.body for cls in ast.walk(tree))


def test_function_level_imports_name_the_cycle_they_break():
    bad = []
    for path in FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = _tree(path)
        seen = set()
        for func, node in _function_imports(tree):
            if node.lineno in seen or _is_app_ready(path, tree, func):
                continue
            seen.add(node.lineno)
            text = " ".join(lines[node.lineno - 1:node.end_lineno])
            if "# cycle:" not in text:
                bad.append(f"{_rel(path)}:{node.lineno} in {func.name}(): {lines[node.lineno - 1].strip()}")
    assert not bad, (
        "imports inside functions without a '# cycle: a -> b -> a' comment (move them to the top of the module):\n  "
        + "\n  ".join(bad)
    )


def _imported_roots(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module.split(".")[0]


def test_production_code_imports_no_dev_only_package():
    bad = [
        f"{_rel(path)}:{lineno} imports {root}"
        for path in FILES
        for lineno, root in _imported_roots(_tree(path))
        if root in DEV_ONLY
    ]
    assert not bad, "production code imports a package that only requirements-dev.txt installs:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("name, suffix_sibling", [
    ("services_scoring.py", True), ("views_export.py", True), ("api_urls.py", True), ("admin_x.py", True),
    ("services.py", False), ("selectors.py", False), ("urls.py", False), ("apis.py", False), ("viewset.py", False),
])
def test_suffix_pattern(name, suffix_sibling):
    assert bool(SUFFIX_SIBLING.match(name)) is suffix_sibling


def test_cycle_comment_detection():
    source = (
        "def f():\n"
        "    import os  # cycle: a -> b -> a\n"
        "    from json import (\n"
        "        dumps,\n"
        "    )\n"
    )
    found = [n.lineno for _f, n in _function_imports(ast.parse(source))]
    assert found == [2, 3]


def test_no_template_comment_spans_lines():
    """``{# … #}`` is one line only in Django: a multi-line one is printed on the page as text."""
    bad = []
    for path in (ROOT / "templates").rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "{#" in line and "#}" not in line[line.index("{#"):]:
                bad.append(f"{_rel(path)}:{n}")
    assert not bad, "multi-line {# #} comments (use {% comment %}): " + ", ".join(bad)

"""The import direction of docs/architecture.md: core ← cadre ← assessment, documents ← selection, rotation.

Production code of an app imports only apps to its left (tests may import anything). An import of another app
goes to its services, selectors, models, choices, or a name its package exports (e.g. ``cadre.eligibility``).
"""
from __future__ import annotations

import ast

import pytest

from tests.test_house_rules import FILES, ROOT

ALLOWED = {
    "core": set(),
    "cadre": {"core"},
    "assessment": {"core", "cadre"},
    "documents": {"core", "cadre"},
    "selection": {"core", "cadre", "assessment", "documents"},
    "rotation": {"core", "cadre", "assessment", "documents"},
}
# what another app may reach into: its public layers and its documented public packages
PUBLIC = {"services", "selectors", "models", "choices", "audit", "workflow", "exceptions", "roles", "decorators",
          "campaign_docs", "reminders",
          "permissions", "jobs", "privacy", "uploads", "signals", "eligibility", "roster", "lrmx", "idnumber",
          "sortkeys", "retirement", "formatting", "workdays", "schedule", "filters", "api"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def _app(path) -> str | None:
    first = path.relative_to(ROOT).parts[0]
    return first if first in ALLOWED else None


def test_apps_import_only_to_their_left():
    wrong = []
    for path in FILES:
        app = _app(path)
        if app is None:
            continue
        for line, module, _names in _imports(path):
            other = module.split(".")[0]
            if other in ALLOWED and other != app and other not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_cross_app_imports_go_to_public_layers():
    wrong = []
    for path in FILES:
        app = _app(path)
        if app is None:
            continue
        for line, module, names in _imports(path):
            parts = module.split(".")
            if parts[0] not in ALLOWED or parts[0] in (app, "core"):  # core is the shared kernel: all of it is public
                continue
            layer = parts[1] if len(parts) > 1 else None
            targets = [layer] if layer else names
            bad = [t for t in targets if t not in PUBLIC]
            if bad:
                wrong.append(f"{path.relative_to(ROOT)}:{line} from {module} import {', '.join(names)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", ["cadre.eligibility"])
def test_eligibility_internals_stay_inside_cadre(module):
    """Other apps use the names cadre.eligibility exports, never its modules (engine, facts, rulesets …)."""
    wrong = []
    for path in FILES:
        app = _app(path)
        if app in (None, "cadre"):
            continue
        for line, imported, _names in _imports(path):
            if imported.startswith(module + "."):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, "\n".join(wrong)

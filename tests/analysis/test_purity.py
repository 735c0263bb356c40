"""lipassess.analysis stays pure: no web framework, database, store or network imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lipassess.analysis

PACKAGE = Path(lipassess.analysis.__file__).parent
FORBIDDEN = (
    "flask",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "requests",
    "moodle_plugin_bridge",
    "lipassess.store",
    "lipassess.web",
    "lipassess.services",
    "lipassess.cli",
    "lipassess.reports",
)


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_module_imports_nothing_impure(path):
    bad = {
        name
        for name in imported_names(path)
        for forbidden in FORBIDDEN
        if name == forbidden or name.startswith(forbidden + ".")
    }
    assert not bad, f"{path.name} imports {sorted(bad)}; analysis must stay pure"

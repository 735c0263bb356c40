"""The arrows point one way: walk every import with ``ast`` and fail when one points back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    hits = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                hits.append(f"{path.relative_to(ROOT)} imports {module}")
    return hits


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("moodle_plugin_bridge", ("lipassess",)),
        ("lipassess/analysis", ("flask", "sqlalchemy", "lipassess.store", "lipassess.web",
                                "lipassess.db", "lipassess.services", "requests")),
        ("lipassess/store", ("flask", "lipassess.web", "lipassess.services", "lipassess.cli")),
        ("lipassess/services", ("lipassess.web", "lipassess.cli")),
        ("lipassess/web", ("moodle_plugin_bridge", "lipassess.cli")),
    ],
)
def test_no_import_points_back(package: str, forbidden: tuple[str, ...]) -> None:
    assert (ROOT / package).is_dir()
    assert offenders(package, forbidden) == []


@pytest.mark.parametrize("package", ["lipassess/web", "lipassess/cli"])
def test_web_and_cli_write_no_sql(package: str) -> None:
    """Queries live in services and the store; web and CLI only translate (a ``Session`` type is fine)."""
    hits = [f"{path.relative_to(ROOT)} imports {module}" for path in sorted((ROOT / package).rglob("*.py"))
            for module in imported_modules(path)
            if (module == "sqlalchemy" or module.startswith("sqlalchemy.")) and module != "sqlalchemy.orm"]
    assert hits == []


def test_the_walker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom lipassess.store import models\n")
    assert "lipassess.store" in imported_modules(bad)


MAX_MODULE_LINES = 600


def test_no_product_module_is_over_600_lines() -> None:
    """A module a person can hold: split along its seams before it grows past this (migrations excepted)."""
    too_long = []
    for package in ("lipassess", "moodle_plugin_bridge"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES:
                too_long.append(f"{path.relative_to(ROOT)} ({lines} lines)")
    assert too_long == [], "split these along their seams: " + ", ".join(too_long)

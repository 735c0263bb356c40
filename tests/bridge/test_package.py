"""Package rules: the bridge never imports lipassess; its doctests hold."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import moodle_plugin_bridge

PACKAGE_DIR = Path(moodle_plugin_bridge.__file__).parent
MODULES = sorted(
    info.name for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="moodle_plugin_bridge.")
)


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_the_bridge_never_imports_lipassess(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(n == "lipassess" or n.startswith("lipassess.") for n in names), (
            f"{path.name}:{node.lineno} imports {names}"
        )


@pytest.mark.parametrize("name", ["moodle_plugin_bridge", *MODULES])
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_names_resolve() -> None:
    for name in moodle_plugin_bridge.__all__:
        assert getattr(moodle_plugin_bridge, name) is not None

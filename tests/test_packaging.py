"""Every Python package in the source tree ships in the wheel, with its data files."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_packages() -> set[str]:
    found = set()
    for top in ("lipassess", "moodle_plugin_bridge"):
        for path in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in path.parts:
                found.add(".".join(path.parent.relative_to(ROOT).parts))
    return found


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert source_packages() - listed == set()
    assert config["tool"]["setuptools"]["package-dir"]["lipassess.bundled_instruments"] == "instruments"

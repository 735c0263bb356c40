"""Every Python package in the source tree ships in the wheel, with its data files."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_packages() -> set[str]:
    """Every folder of Python modules, and every folder of templates and static files."""
    found = set()
    for top in ("lipassess", "moodle_plugin_bridge"):
        for path in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in path.parts:
                found.add(".".join(path.parent.relative_to(ROOT).parts))
    for data in ("lipassess/templates", "lipassess/static"):
        for path in (ROOT / data).rglob("*"):
            if path.is_file():
                found.add(".".join(path.parent.relative_to(ROOT).parts))
    return found


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert source_packages() - listed == set()
    assert config["tool"]["setuptools"]["package-dir"]["lipassess.bundled_instruments"] == "instruments"


def test_wheel_ships_templates_static_migrations_and_instruments(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True, text=True)
    warnings = [line for line in (build.stdout + build.stderr).splitlines() if "Warning" in line]
    assert warnings == [], "building the wheel warns; fix pyproject.toml:\n" + "\n".join(warnings)
    (wheel,) = tmp_path.glob("lipassess-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {str(p.relative_to(ROOT)) for d in ("lipassess/templates", "lipassess/static")
                for p in (ROOT / d).rglob("*") if p.is_file()}
    expected |= {"lipassess/store/migrations/script.py.mako", "lipassess/store/migrations/env.py"}
    expected |= {f"lipassess/store/migrations/versions/{p.name}"
                 for p in (ROOT / "lipassess/store/migrations/versions").glob("*.py")}
    expected |= {f"lipassess/bundled_instruments/{p.name}" for p in (ROOT / "instruments").glob("*.yaml")}
    expected |= {"lipassess-0.1.0.dist-info/licenses/LICENSE"}
    assert expected - names == set()

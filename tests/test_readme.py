"""The README is part of the product: its set-up commands and configuration table stay true."""

from __future__ import annotations

import re
from pathlib import Path

from lipassess.config import ENV_PREFIX, SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None and README.index("```sh") < README.index("\n## ")
    commands = [line for line in first_block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1].endswith("python -m pytest -n auto")


def test_ci_runs_the_readme_test_command() -> None:
    test_command = re.search(r"```sh\n.*?\n(.*?)\n```", README, re.S).group(1).strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_configuration_table_lists_every_setting() -> None:
    documented = set(re.findall(r"^\| `(LIPASSESS_[A-Z_]+)` \|", README, re.M))
    assert documented == {ENV_PREFIX + s.name for s in SETTINGS}


def _string_constants_read_by_the_code() -> set[str]:
    """Every string literal in lipassess/, except the names that merely declare a setting."""
    import ast

    found: set[str] = set()
    for path in (ROOT / "lipassess").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {id(call.args[0]) for call in ast.walk(tree)
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Setting" and call.args}
        found |= {node.value for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in declared}
    return found


def test_every_documented_setting_is_read_somewhere() -> None:
    read = _string_constants_read_by_the_code()
    unread = sorted(ENV_PREFIX + s.name for s in SETTINGS if s.name not in read)
    assert unread == [], f"documented but read by nothing: {unread}; make them work or remove them"


def test_configuration_table_states_every_numeric_range() -> None:
    from lipassess.config import NUMERIC_RANGES

    for name, (smallest, largest) in NUMERIC_RANGES.items():
        row = re.search(rf"^\| `{ENV_PREFIX}{name}` \|.*$", README, re.M)
        assert row is not None, name
        low = "greater than 0, at most" if 0 < smallest < 1 else f"{int(smallest)} to"
        assert f"(accepted: {low} {int(largest)})" in row.group(0), name

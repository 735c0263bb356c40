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
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    test_command = re.search(r"```sh\n.*?\n(.*?)\n```", README, re.S).group(1).strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_configuration_table_lists_every_setting() -> None:
    documented = set(re.findall(r"^\| `(LIPASSESS_[A-Z_]+)` \|", README, re.M))
    assert documented == {ENV_PREFIX + s.name for s in SETTINGS}

"""Every command and subcommand answers --help, and says what it does."""

from __future__ import annotations

import click
import pytest

from lipassess.cli import main
from lipassess.cli.commands import cli


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


def test_the_command_tree_is_not_empty() -> None:
    paths = command_paths(cli)
    assert ("db", "upgrade") in paths and ("analyze", "cohort") in paths and len(paths) > 15


@pytest.mark.parametrize("path", command_paths(cli), ids=lambda p: " ".join(p))
def test_help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        main([*path, "--help"])
    except SystemExit as exc:  # only a failure may exit
        pytest.fail(f"--help exited with {exc.code}")
    out = capsys.readouterr().out
    assert out.startswith("Usage: lipassess " + " ".join(path))
    command = cli
    for part in path:
        command = command.commands[part]  # type: ignore[attr-defined]
    assert (command.help or command.short_help or "").strip(), f"'{' '.join(path)}' has no help text"

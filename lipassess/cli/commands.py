"""The top-level ``lipassess`` click group and the registration of its subcommand groups."""

from __future__ import annotations

import click

from lipassess.cli.analyze import analyze


@click.group(help="lipassess: surveys and impact evaluation for training programs on Moodle.")
@click.version_option(package_name="lipassess")
def cli() -> None:
    """Top-level group; subcommands are added below."""


cli.add_command(analyze)

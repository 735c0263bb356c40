"""The top-level ``lipassess`` click group and the registration of its subcommand groups."""

from __future__ import annotations

import click

from lipassess.cli.analyses import refresh
from lipassess.cli.analyze import analyze
from lipassess.cli.analyze_needs import needs as analyze_needs
from lipassess.cli.db import db_group
from lipassess.cli.demo import demo
from lipassess.cli.dispatch import dispatch_command
from lipassess.cli.export import export
from lipassess.cli.instruments import instruments_group
from lipassess.cli.lti import lti_group
from lipassess.cli.moodle import moodle_group, sync
from lipassess.cli.raters import raters_group
from lipassess.cli.serve import serve
from lipassess.cli.staff import staff_group
from lipassess.cli.status import status_command
from lipassess.cli.waves import waves_group


@click.group(help="lipassess: surveys and impact evaluation for training programs on Moodle.")
@click.version_option(package_name="lipassess")
def cli() -> None:
    """Top-level group; subcommands are added below."""


analyze.add_command(refresh)
analyze.add_command(analyze_needs)
cli.add_command(analyze)
cli.add_command(db_group)
cli.add_command(instruments_group)
cli.add_command(staff_group)
cli.add_command(serve)
cli.add_command(lti_group)
cli.add_command(moodle_group)
cli.add_command(sync)
cli.add_command(waves_group)
cli.add_command(raters_group)
cli.add_command(dispatch_command)
cli.add_command(status_command)
cli.add_command(export)
cli.add_command(demo)

"""``lipassess status``: the scheduled jobs' state at a glance; exit 1 when something needs a person."""

from __future__ import annotations

import json

import click

from lipassess.cli import EXIT_JOB_FAILED
from lipassess.cli.context import cli_app, transaction
from lipassess.services.status import operations_status
from lipassess.store.types import utcnow


@click.command("status", help=(
    "Show the last successful sync of each running cohort, the messages Moodle has not accepted per wave "
    "(failed, unknown fate, pending), the completion scores queued for the gradebook, and the oldest of each. "
    f"Exits {EXIT_JOB_FAILED} when something needs a person (for monitoring)."))
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(as_json: bool) -> None:
    app = cli_app()
    with transaction(app) as session:
        state = operations_status(session, utcnow())
    click.echo(json.dumps(state.to_dict(), ensure_ascii=False, indent=2) if as_json else state.summary())
    if state.needs_attention:
        raise click.exceptions.Exit(EXIT_JOB_FAILED)

"""``lipassess dispatch``: open due waves, send invitations and reminders through Moodle messaging."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypedDict

import click

from lipassess import db
from lipassess.cli import EXIT_JOB_FAILED
from lipassess.cli.context import cli_app, transaction
from lipassess.services.dispatch import as_of_time, dispatch
from lipassess.services.lti import send_pending_scores
from lipassess.services.moodle import open_client
from lipassess.store.migrate import require_current_schema

EXIT_STOPPED = EXIT_JOB_FAILED
"""Exit code when Moodle refused or failed a whole batch (the run stopped early)."""


class _DispatchSettings(TypedDict):
    """The keyword arguments of :func:`~lipassess.services.dispatch.dispatch` that come from the config."""

    now: datetime
    base_url: str
    ttl_days: int
    reminders: int
    spacing_days: int


@click.command(
    "dispatch",
    help="Open the survey waves that are due and send each participant their invitation and reminders "
    "(with a personal link) through Moodle messaging, in their language; then send the completions queued by "
    "LTI submissions to the Moodle gradebook. Safe to run again and on several "
    f"hosts at once: nothing is sent twice. Exits {EXIT_STOPPED} if Moodle stopped the run.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent; change nothing, call nothing.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Run as if on this day (noon in Cambodia) or ISO time, for rehearsals.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def dispatch_command(dry_run: bool, as_of: str | None, as_json: bool) -> None:
    app = cli_app()
    config = app.config
    now = as_of_time(as_of)
    require_current_schema(db.engine_for(app))
    settings: _DispatchSettings = {
        "now": now,
        "base_url": str(config["BASE_URL"]),
        "ttl_days": int(config["LINK_TTL_DAYS"]),
        "reminders": int(config["REMINDERS"]),
        "spacing_days": int(config["REMINDER_SPACING_DAYS"]),
    }
    if dry_run:
        report = dispatch(db.session_factory(app), None, dry_run=True, **settings)
    else:
        with open_client(config) as client:
            report = dispatch(db.session_factory(app), client, **settings)
    scores = None if dry_run else _send_scores(app, now)
    if as_json:
        payload = report.to_dict() | ({"scores": scores.to_dict()} if scores is not None else {})
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(report.summary())
        if scores is not None and any(scores.to_dict().values()):
            click.echo(scores.summary())
    if report.error:
        raise click.exceptions.Exit(EXIT_STOPPED)


def _send_scores(app, now):  # Flask app, ScoreReport
    """Send completions queued by LTI submissions; their own transaction, never blocking messages."""
    with transaction(app) as session:
        return send_pending_scores(session, now)

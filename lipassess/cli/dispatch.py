"""``lipassess dispatch``: open due waves, send invitations and reminders through Moodle messaging."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, TypedDict

import click
from tqdm import tqdm

from lipassess import db
from lipassess.cli import EXIT_JOB_FAILED
from lipassess.cli.analyses import refresh_stored
from lipassess.cli.context import cli_app, transaction
from lipassess.errors import JobFailed
from lipassess.services.dispatch import Policy, as_of_time, dispatch
from lipassess.services.dispatch.stuck import stuck_messages
from lipassess.services.lti import send_pending_scores
from lipassess.services.moodle import open_client
from lipassess.store.migrate import require_current_schema
from lipassess.store.types import utcnow

EXIT_STOPPED = EXIT_JOB_FAILED
"""Exit code when Moodle could not be reached or a batch's fate is unknown (the run stopped early)."""


class _Bar:
    """A progress bar on stderr (tqdm) for the messages due when the run started."""

    def __init__(self) -> None:
        self._bar: tqdm[Any] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = tqdm(total=total, desc="sending messages", unit="msg", file=sys.stderr, leave=False)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _DispatchSettings(TypedDict):
    """The keyword arguments of :func:`~lipassess.services.dispatch.dispatch` that come from the config."""

    now: datetime
    base_url: str
    ttl_days: int
    reminders: int
    spacing_days: int
    policy: Policy


@click.command(
    "dispatch",
    help="Open the survey waves that are due and send each participant their invitation and reminders "
    "(with a personal link) through Moodle messaging, in their language; then send the completions queued by "
    "LTI submissions to the Moodle gradebook. Safe to run again and on several "
    f"hosts at once: nothing is sent twice. Exits {EXIT_STOPPED} if Moodle stopped the run "
    "(what was not sent waits for the next run; an outage uses up no retry).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be sent; change nothing, call nothing.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Run as if on this day (noon in Cambodia) or ISO time, for rehearsals.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (no progress bar).")
@click.option("--retry-failed", is_flag=True,
              help="Also send again messages Moodle refused that have used up their attempts (fix the cause first).")
@click.option("--resend-unknown", is_flag=True,
              help="Also send again messages whose fate is unknown. Check Moodle's message log first: "
              "those that arrived would arrive twice.")
@click.option("--stuck", is_flag=True, help=f"Only list the messages that need a person; exit {EXIT_STOPPED} if any.")
def dispatch_command(dry_run: bool, as_of: str | None, as_json: bool, retry_failed: bool, resend_unknown: bool,
                     stuck: bool) -> None:
    app = cli_app()
    config = app.config
    now = as_of_time(as_of)
    require_current_schema(db.engine_for(app))
    if stuck:
        _list_stuck(app, as_json)
        return
    settings: _DispatchSettings = {
        "now": now,
        "base_url": str(config["BASE_URL"]),
        "ttl_days": int(config["LINK_TTL_DAYS"]),
        "reminders": int(config["REMINDERS"]),
        "spacing_days": int(config["REMINDER_SPACING_DAYS"]),
        "policy": Policy(retry_failed=retry_failed, resend_unknown=resend_unknown),
    }
    if dry_run:
        report = dispatch(db.session_factory(app), None, dry_run=True, **settings)
    else:
        bar = _Bar() if sys.stderr.isatty() and not as_json else None
        try:
            with open_client(config) as client:
                report = dispatch(db.session_factory(app), client, progress=bar, **settings)
        finally:
            if bar is not None:
                bar.close()
    scores = None if dry_run else _send_scores(app, now)
    if as_json:
        payload = report.to_dict() | ({"scores": scores.to_dict()} if scores is not None else {})
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(report.summary())
        if scores is not None and any(scores.to_dict().values()):
            click.echo(scores.summary())
    if not dry_run:  # the submissions since the last run are analysed now, not in a staff request
        refresh_stored(app)
    if report.error:
        raise JobFailed(f"dispatch stopped: {report.error}")


def _list_stuck(app: Any, as_json: bool) -> None:
    with transaction(app) as session:
        rows = stuck_messages(session, utcnow())
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(row.line())
        click.echo(f"{len(rows)} message(s) need a person" if rows else "no stuck messages")
    if rows:
        raise click.exceptions.Exit(EXIT_STOPPED)


def _send_scores(app: Any, now: Any) -> Any:  # Flask app, datetime -> ScoreReport
    """Send completions queued by LTI submissions; their own transaction, never blocking messages."""
    with transaction(app) as session:
        return send_pending_scores(session, now)

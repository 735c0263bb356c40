"""``lipassess moodle check`` and ``lipassess sync``: the Moodle site, and pulling it into the store."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from lipassess import db
from lipassess.cli import EXIT_JOB_FAILED, EXIT_USAGE
from lipassess.cli.context import cli_app
from lipassess.config import profile_field_map
from lipassess.services.moodle import check_site, describe_site_check, open_client
from lipassess.services.sync import CourseSyncReport, sync_courses
from lipassess.store.migrate import require_current_schema
from lipassess.store.types import utcnow

EXIT_COURSE_FAILED = EXIT_JOB_FAILED
"""``lipassess sync`` exit code when at least one course failed (2 is kept for command errors)."""


@click.group("moodle", help="Check the connection to the Moodle site.")
def moodle_group() -> None:
    """Moodle commands."""


@moodle_group.command(
    "check",
    help="Check the Moodle release and that the web-service token's service has every function "
    f"lipassess calls; exits {EXIT_USAGE} listing every problem with its fix, {EXIT_JOB_FAILED} when "
    "Moodle cannot be reached.",
)
def check() -> None:
    app = cli_app()
    with open_client(app.config) as client:
        result = check_site(client)
        for line in describe_site_check(result, client.base_url):
            click.echo(line)
    if not result.ok:
        click.echo(f"error: the Moodle site is not ready for lipassess ({len(result.problems)} problem(s) above)",
                   err=True)
        raise click.exceptions.Exit(EXIT_USAGE)  # the site's configuration: a Moodle admin fixes it
    click.echo("ok: lipassess can sync and send messages through this Moodle")


class _TerminalProgress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int, report: CourseSyncReport | None) -> None:
        if self._bar is None:
            self._bar = click.progressbar(
                length=total,
                label="syncing courses",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda item: item,
            )
            self._bar.render_progress()
        if report is not None:
            self._bar.update(1, f"course {report.course_id} {'ok' if report.ok else 'FAILED'}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()


@click.command(
    "sync",
    help="Pull Moodle courses (participants, suspended and unenrolled status, profile fields, grades, "
    "completion) into the store, one transaction per course. Without --course or --category, the "
    f"cohorts already in the store are synced again. Exits {EXIT_COURSE_FAILED} if any course failed.",
)
@click.option("--course", "course_ids", multiple=True, type=click.IntRange(min=1), metavar="ID",
              help="Moodle course id (repeatable).")
@click.option("--category", "category_id", type=click.IntRange(min=1), metavar="ID",
              help="Also sync every course of this Moodle category.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def sync(course_ids: tuple[int, ...], category_id: int | None, as_json: bool) -> None:
    app = cli_app()
    field_map = profile_field_map(app.config["MOODLE_PROFILE_FIELDS"])
    require_current_schema(db.engine_for(app))
    progress = _TerminalProgress() if sys.stderr.isatty() else None
    with open_client(app.config) as client:
        try:
            report = sync_courses(
                db.session_factory(app),
                client,
                course_ids=course_ids,
                category_id=category_id,
                field_map=field_map,
                now=utcnow(),
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(EXIT_COURSE_FAILED)

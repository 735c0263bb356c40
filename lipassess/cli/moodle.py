"""``lipassess moodle check`` and ``lipassess sync``: the Moodle site, and pulling it into the store."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from tqdm import tqdm

from lipassess import db
from lipassess.cli import EXIT_JOB_FAILED, EXIT_USAGE
from lipassess.cli.analyses import refresh_stored
from lipassess.cli.context import cli_app
from lipassess.config import profile_field_map
from lipassess.services.moodle import check_site, describe_site_check, open_client
from lipassess.services.sync import (
    MAX_UNENROL_SHARE,
    UNENROL_FLOOR,
    CourseSyncReport,
    SyncOptions,
    sync_courses,
)
from lipassess.store.migrate import require_current_schema
from lipassess.store.types import utcnow

EXIT_COURSE_FAILED = EXIT_JOB_FAILED
"""``lipassess sync`` exit code when at least one course failed or Moodle was down (2 is kept for usage errors)."""


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
    """Progress bars on stderr (tqdm): courses done, and the completion calls of the course being pulled.

    Only made when stderr is a terminal and the output is not ``--json``, so
    cron and scripts get nothing but the summary.
    """

    def __init__(self) -> None:
        self._courses: tqdm[Any] | None = None
        self._calls: tqdm[Any] | None = None
        self._course_id: int | None = None

    def courses(self, done: int, total: int, report: CourseSyncReport | None) -> None:
        if self._courses is None:
            self._courses = tqdm(total=total, desc="syncing courses", unit="course", file=sys.stderr,
                                 dynamic_ncols=True)
        if report is not None:
            self._close_calls()
            self._courses.set_postfix_str(f"course {report.course_id} {'ok' if report.ok else 'FAILED'}")
            self._courses.update(1)

    def calls(self, course_id: int, done: int, total: int) -> None:
        if self._calls is None or self._course_id != course_id:
            self._close_calls()
            self._course_id = course_id
            self._calls = tqdm(total=total, desc=f"course {course_id} completion", unit="call",
                               file=sys.stderr, leave=False, position=1, dynamic_ncols=True)
        self._calls.update(done - self._calls.n)

    def _close_calls(self) -> None:
        if self._calls is not None:
            self._calls.close()
            self._calls = None

    def close(self) -> None:
        self._close_calls()
        if self._courses is not None:
            self._courses.close()


@click.command(
    "sync",
    help="Pull Moodle courses (participants, suspended and unenrolled status, profile fields, grades, "
    "completion) into the store, one transaction per course. Without --course or --category, the "
    "cohorts already in the store are synced again. Students the store holds as complete are not asked "
    "again (completion does not go back) unless --full. A course where Moodle no longer lists more than "
    f"{round(MAX_UNENROL_SHARE * 100)} % of the students (and more than {UNENROL_FLOOR}) fails instead of "
    f"marking them unenrolled, unless --allow-mass-unenrol; likewise a course where that many students would "
    f"lose every profile field, unless --allow-profile-clearing. Exits {EXIT_COURSE_FAILED} if any course "
    "failed or Moodle could not be reached.",
)
@click.option("--course", "course_ids", multiple=True, type=click.IntRange(min=1), metavar="ID",
              help="Moodle course id (repeatable).")
@click.option("--category", "category_id", type=click.IntRange(min=1), metavar="ID",
              help="Also sync every course of this Moodle category.")
@click.option("--full", is_flag=True,
              help="Ask completion of every active student, also those already complete in the store.")
@click.option("--allow-mass-unenrol", is_flag=True,
              help="Mark unenrolled every student Moodle no longer lists, however many (check Moodle first).")
@click.option("--allow-profile-clearing", is_flag=True,
              help="Clear the profile fields of every student Moodle sends none for, however many (check Moodle "
                   "first).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
def sync(course_ids: tuple[int, ...], category_id: int | None, full: bool, allow_mass_unenrol: bool,
         allow_profile_clearing: bool, as_json: bool) -> None:
    app = cli_app()
    field_map = profile_field_map(app.config["MOODLE_PROFILE_FIELDS"])
    require_current_schema(db.engine_for(app))
    progress = _TerminalProgress() if sys.stderr.isatty() and not as_json else None
    with open_client(app.config) as client:
        try:
            report = sync_courses(
                db.session_factory(app),
                client,
                course_ids=course_ids,
                category_id=category_id,
                field_map=field_map,
                now=utcnow(),
                progress=progress.courses if progress else None,
                call_progress=progress.calls if progress else None,
                options=SyncOptions(full=full, allow_mass_unenrol=allow_mass_unenrol,
                                    allow_profile_clearing=allow_profile_clearing),
            )
        finally:  # Moodle down before any course raises MoodleFailure, a JobFailed: main() exits 1
            if progress is not None:
                progress.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.summary())
    refresh_stored(app)  # what the sync changed is analysed now, not in a staff request
    if not report.ok:
        raise click.exceptions.Exit(EXIT_COURSE_FAILED)

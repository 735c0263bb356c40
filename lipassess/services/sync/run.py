"""The use cases: sync one course into the caller's transaction, or several, one transaction each."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lipassess.errors import InvalidInput, LipassessError, NotFound
from lipassess.services.moodle import as_lipassess_error
from lipassess.services.sync.apply import apply_course, completed_students
from lipassess.services.sync.profile_fields import check_field_map
from lipassess.services.sync.pull import CoursePull, pull_course
from lipassess.services.sync.report import CourseSyncReport, SyncReport, failed_report
from lipassess.store.database import session_scope
from lipassess.store.models import Cohort
from moodle_plugin_bridge import Course, MoodleClient, MoodleError

log = logging.getLogger("lipassess.services.sync")

Progress = Callable[[int, int, "CourseSyncReport | None"], None]
"""``progress(done, total, report)``: called with ``(0, total, None)`` first, then per course."""

CallProgress = Callable[[int, int, int], None]
"""``call_progress(course_id, done, total)``: after each completion answer of the course being pulled."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SyncOptions:
    """How each course is synced (the ``lipassess sync`` options).

    Attributes
    ----------
    full
        Ask completion of every active student, also those the store holds
        complete (by default they are not asked again: completion does not go back).
    allow_mass_unenrol
        Let a sync mark more than the guard's share of a course unenrolled
        (:mod:`lipassess.services.sync.guard`).
    allow_profile_clearing
        Let a sync clear every profile field of more than that share of a course.
    completion_workers
        Completion calls at a time.
    page_size
        Participants per page (the bridge's default when ``None``).
    """

    full: bool = False
    allow_mass_unenrol: bool = False
    allow_profile_clearing: bool = False
    completion_workers: int = 4
    page_size: int | None = None


def sync_course(
    session: Session,
    client: MoodleClient,
    course_id: int | Course,
    *,
    field_map: Mapping[str, str],
    now: datetime,
    completion_workers: int = 4,
    options: SyncOptions | None = None,
) -> CourseSyncReport:
    """Sync one Moodle course into the caller's transaction (flushes, never commits).

    Parameters
    ----------
    session
        The store session; roll it back if this raises.
    client
        The Moodle client.
    course_id
        The Moodle course id (or its record, already fetched).
    field_map
        ``{custom profile field shortname: participant field}`` (see
        :func:`lipassess.config.profile_field_map`).
    now
        The time recorded as ``synced_at``.
    options
        :class:`SyncOptions` (its ``completion_workers`` wins over the argument).

    Raises
    ------
    MoodleError
        Moodle failed or refused, the participant list was incomplete or
        malformed; nothing was written.
    MassUnenrolRefused
        Too many students would be marked unenrolled; roll back.
    ProfileClearingRefused
        Too many students would lose every profile field; roll back.
    NotFound
        Moodle has no such course (or it is the site's front page).
    """
    field_map = check_field_map(field_map)
    options = options or SyncOptions(completion_workers=completion_workers)
    course = course_id if isinstance(course_id, Course) else _fetch_course(client, course_id)
    if course.is_site:
        raise NotFound(_site_course_message(course.id))
    known = frozenset() if options.full else completed_students(session, course.id)
    pulled = _pull(client, course, known, options, None)
    return apply_course(session, pulled, field_map=field_map, now=now,
                        allow_mass_unenrol=options.allow_mass_unenrol,
                        allow_profile_clearing=options.allow_profile_clearing)


def _pull(
    client: MoodleClient,
    course: Course,
    known_complete: frozenset[int],
    options: SyncOptions,
    call_progress: CallProgress | None,
) -> CoursePull:
    tick = None if call_progress is None else functools.partial(call_progress, course.id)
    return pull_course(
        client,
        course,
        completion_workers=options.completion_workers,
        known_complete=known_complete,
        page_size=options.page_size,
        completion_progress=tick,
    )


def _fetch_course(client: MoodleClient, course_id: int) -> Course:
    found = client.courses([course_id])
    if not found:
        raise NotFound(_unknown_course_message(course_id))
    return found[0]


def _unknown_course_message(course_id: int) -> str:
    return (
        f"Moodle has no course with id {course_id} visible to the web-service user: check the id "
        "(Moodle shows it in the course URL, course/view.php?id=...), or grant "
        "moodle/course:viewhiddencourses if the course is hidden"
    )


def _site_course_message(course_id: int) -> str:
    return f"Moodle course {course_id} is the site's front page, not a course: name a course id"


def sync_courses(
    factory: sessionmaker[Session],
    client: MoodleClient,
    *,
    course_ids: Sequence[int] = (),
    category_id: int | None = None,
    field_map: Mapping[str, str],
    now: datetime,
    progress: Progress | None = None,
    completion_workers: int = 4,
    options: SyncOptions | None = None,
    call_progress: CallProgress | None = None,
) -> SyncReport:
    """Sync several courses, each in its own transaction; a failed course does not stop the rest.

    Parameters
    ----------
    factory
        Makes the store sessions (one transaction per course).
    client
        The Moodle client.
    course_ids
        Moodle course ids to sync (looked up in one call; an unknown id is
        reported as a failed course).
    category_id
        Also sync every course of this Moodle category.
    field_map, now
        As for :func:`sync_course`.
    progress
        Called with ``(0, total, None)`` once the courses are known, then
        ``(done, total, report)`` after each course.
    options
        :class:`SyncOptions` (its ``completion_workers`` wins over the argument).
    call_progress
        ``(course_id, done, total)`` after each completion answer.

    Without ``course_ids`` and ``category_id``, the courses of the cohorts
    already in the store are synced again.

    Raises
    ------
    InvalidInput
        Nothing to sync: no course named and no cohort in the store yet.
    NotFound
        The category has no course the web-service user can see.
    LipassessError
        Moodle refused or failed the first call that lists the courses (bad
        token, unreachable site): no course can be synced.
    """
    field_map = check_field_map(field_map)
    options = options or SyncOptions(completion_workers=completion_workers)
    wanted = list(dict.fromkeys(course_ids))
    if not wanted and category_id is None:
        with session_scope(factory) as session:
            wanted = list(session.scalars(select(Cohort.moodle_course_id).order_by(Cohort.moodle_course_id)))
        if not wanted:
            raise InvalidInput(
                "there are no cohorts in the store yet: name the Moodle courses to sync with "
                "--course ID (repeatable) or --category ID"
            )
    try:
        targets = _resolve_courses(client, wanted, category_id)
    except MoodleError as err:
        raise as_lipassess_error(err) from None
    total = len(targets)
    if progress:
        progress(0, total, None)
    reports: list[CourseSyncReport] = []
    for done, (course_id, course) in enumerate(targets, start=1):
        report = _sync_one(factory, client, course_id, course, field_map, now, options, call_progress)
        reports.append(report)
        if progress:
            progress(done, total, report)
    return SyncReport(courses=tuple(reports))


def _resolve_courses(
    client: MoodleClient, wanted: Sequence[int], category_id: int | None
) -> list[tuple[int, Course | None]]:
    """``(course id, record or None when Moodle has none)`` in the order named, then the category's."""
    found = {c.id: c for c in client.courses(wanted)} if wanted else {}
    targets: list[tuple[int, Course | None]] = [(course_id, found.get(course_id)) for course_id in wanted]
    if category_id is not None:
        in_category = client.courses_in_category(category_id)
        if not in_category:
            raise NotFound(
                f"Moodle category {category_id} has no course visible to the web-service user: check "
                "the category id (Moodle shows it in course/index.php?categoryid=...)"
            )
        named = set(wanted)
        targets += [(c.id, c) for c in sorted(in_category, key=lambda c: c.id) if c.id not in named]
    return targets


def _sync_one(
    factory: sessionmaker[Session],
    client: MoodleClient,
    course_id: int,
    course: Course | None,
    field_map: Mapping[str, str],
    now: datetime,
    options: SyncOptions,
    call_progress: CallProgress | None,
) -> CourseSyncReport:
    if course is None:
        return failed_report(course_id, _unknown_course_message(course_id), "not_found")
    if course.is_site:
        return failed_report(course_id, _site_course_message(course_id), "not_found", shortname=course.shortname)
    try:
        known: frozenset[int] = frozenset()
        if not options.full:
            with session_scope(factory) as session:
                known = completed_students(session, course.id)
        pulled = _pull(client, course, known, options, call_progress)
        with session_scope(factory) as session:
            report = apply_course(session, pulled, field_map=field_map, now=now,
                                  allow_mass_unenrol=options.allow_mass_unenrol,
                                  allow_profile_clearing=options.allow_profile_clearing)
    except MoodleError as err:
        log.warning("sync of course %d failed: %s", course_id, err.message)
        return failed_report(course_id, err.message, err.kind, shortname=course.shortname)
    except LipassessError as err:
        log.warning("sync of course %d failed: %s", course_id, err.message)
        return failed_report(course_id, err.message, err.code, shortname=course.shortname)
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        log.warning("sync of course %d failed in the store: %s", course_id, reason)
        return failed_report(
            course_id,
            f"the store refused the course's data ({reason}); nothing of this course was changed, "
            "run the sync again and report the problem if it persists",
            "store",
            shortname=course.shortname,
        )
    # DEBUG: the CLI prints the same per-course summary on stdout.
    log.debug("synced course %d (%s): %d row(s) written", course_id, course.shortname, report.changed)
    return report


"""The pull phase: every web-service read of one course, outside any database transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Any

from moodle_plugin_bridge import (
    DEFAULT_PAGE_SIZE,
    CompletionResults,
    Course,
    EnrolledUser,
    MoodleClient,
    RecordList,
    UserGrades,
)

STUDENT_ROLES = frozenset({"student"})
"""Moodle role shortnames whose holders become participants."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CoursePull:
    """Everything Moodle said about one course, before anything is written."""

    course: Course
    students: tuple[EnrolledUser, ...]
    not_students: int
    grades: RecordList[UserGrades]
    completion: CompletionResults
    completion_skipped: tuple[int, ...] = ()
    """Active students whose completion was not asked: the store holds them complete already."""
    warnings: tuple[str, ...] = ()


def pull_course(
    client: MoodleClient,
    course: Course,
    *,
    completion_workers: int = 4,
    known_complete: Collection[int] = frozenset(),
    page_size: int | None = None,
    completion_progress: Callable[[int, int], None] | None = None,
) -> CoursePull:
    """Read one course's participants, grades and completion from Moodle (no store access).

    Parameters
    ----------
    client
        The Moodle client.
    course
        The course's record.
    completion_workers
        Completion calls at a time.
    known_complete
        Moodle user ids the store already holds as complete in this course:
        course completion does not go back, so they are not asked again
        (pass nothing to ask every active student, ``lipassess sync --full``).
    page_size
        Participants per page (the bridge's default when ``None``).
    completion_progress
        ``(done, total)`` after each completion answer.

    Raises
    ------
    MoodleError
        Any failed call, an incomplete participant list or a malformed
        participant record: the course cannot be synced now.
    """
    users = client.enrolled_users(course.id, page_size=page_size or DEFAULT_PAGE_SIZE)
    students = tuple(u for u in users if STUDENT_ROLES & set(u.roles))
    grades = client.grade_items(course.id)
    active = [u.id for u in students if not u.suspended]
    skipped = tuple(uid for uid in active if uid in known_complete)
    asked = [uid for uid in active if uid not in known_complete]
    completion = client.course_completion(
        course.id, asked, max_workers=completion_workers, progress=completion_progress
    )
    warnings = [_warning_line(w) for w in (*users.warnings, *grades.warnings, *completion.warnings)]
    if completion.not_enrolled:
        warnings.append(
            "Moodle reports student(s) "
            + ", ".join(map(str, completion.not_enrolled))
            + " as not enrolled for completion although listed as active; their completion was not updated"
        )
    return CoursePull(
        course=course,
        students=students,
        not_students=len(users) - len(students),
        grades=grades,
        completion=completion,
        completion_skipped=skipped,
        warnings=tuple(warnings),
    )


def _warning_line(warning: Any) -> str:
    where = f" [{warning.item} {warning.itemid}]" if warning.item else ""
    return f"{warning.warningcode}: {warning.message}{where}"


"""The pull phase: every web-service read of one course, outside any database transaction."""

from __future__ import annotations

import dataclasses
from typing import Any

from moodle_plugin_bridge import (
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
    warnings: tuple[str, ...] = ()


def pull_course(client: MoodleClient, course: Course, *, completion_workers: int = 4) -> CoursePull:
    """Read one course's participants, grades and completion from Moodle (no store access).

    Raises
    ------
    MoodleError
        Any failed call: the course cannot be synced now.
    """
    users = client.enrolled_users(course.id)
    students = tuple(u for u in users if STUDENT_ROLES & set(u.roles))
    grades = client.grade_items(course.id)
    active = [u.id for u in students if not u.suspended]
    completion = client.course_completion(course.id, active, max_workers=completion_workers)
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
        warnings=tuple(warnings),
    )


def _warning_line(warning: Any) -> str:
    where = f" [{warning.item} {warning.itemid}]" if warning.item else ""
    return f"{warning.warningcode}: {warning.message}{where}"


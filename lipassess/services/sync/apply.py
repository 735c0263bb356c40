"""The apply phase: write one pulled course into the store, only the rows that changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.services.sync.guard import check_profile_clearing, check_unenrolments
from lipassess.services.sync.profile_fields import participant_values
from lipassess.services.sync.pull import CoursePull
from lipassess.services.sync.report import Counts, CourseSyncReport
from lipassess.services.sync.rows import RowChanges, chunks
from lipassess.store import locks
from lipassess.store.models import (
    Cohort,
    Completion,
    Enrolment,
    EnrolmentStatus,
    Grade,
    GradeItem,
    Participant,
    Program,
)
from moodle_plugin_bridge import Course, EnrolledUser, UserGrades

COURSE_TOTAL_NAME = "Course total"


def apply_course(
    session: Session,
    pulled: CoursePull,
    *,
    field_map: Mapping[str, str],
    now: datetime,
    allow_mass_unenrol: bool = False,
    allow_profile_clearing: bool = False,
) -> CourseSyncReport:
    """Write one pulled course into the store (flushes; the caller commits or rolls back).

    Raises
    ------
    MassUnenrolRefused
        Moodle no longer lists too many of the course's students (see
        :mod:`lipassess.services.sync.guard`) and ``allow_mass_unenrol`` is
        false; roll back, nothing of the course must be kept.
    ProfileClearingRefused
        Moodle sent no profile fields for too many students the store holds
        fields for, and ``allow_profile_clearing`` is false; roll back likewise.
    """
    locks.lock(session, locks.SYNC, 0)  # see the package docstring (lipassess.services.sync)
    course = pulled.course
    course_counts, cohort = _upsert_cohort(session, course, pulled, now)
    participants, by_user = _upsert_participants(session, pulled.students, field_map, now, course_id=course.id,
                                                 allow_profile_clearing=allow_profile_clearing)
    enrolments, unenrolled = _upsert_enrolments(
        session, cohort, pulled.students, by_user, allow_mass_unenrol=allow_mass_unenrol
    )
    grade_items, item_ids = _upsert_grade_items(session, cohort, pulled.grades)
    grades = _upsert_grades(session, pulled.grades, item_ids, by_user)
    completions = _upsert_completions(session, cohort, pulled, by_user)
    session.flush()
    return CourseSyncReport(
        course_id=course.id,
        shortname=course.shortname,
        course=course_counts,
        participants=participants,
        enrolments=enrolments,
        grade_items=grade_items,
        grades=grades,
        completions=completions,
        suspended=sum(1 for u in pulled.students if u.suspended),
        unenrolled=unenrolled,
        not_students=pulled.not_students,
        warnings=pulled.warnings,
    )


def _upsert_cohort(session: Session, course: Course, pulled: CoursePull, now: datetime) -> tuple[Counts, Cohort]:
    program = _program(session, course)
    idnumber = course.idnumber or next(
        (g.course_idnumber for g in pulled.grades if g.course_idnumber), None
    )
    wanted: dict[str, Any] = {
        "shortname": course.shortname,
        "fullname": course.fullname,
        "start_at": course.startdate,
        "end_at": course.enddate,
        "program_id": program.id if program is not None else None,
    }
    if idnumber:
        wanted["idnumber"] = idnumber
    found = session.scalar(select(Cohort).where(Cohort.moodle_course_id == course.id))
    changes: RowChanges[int] = RowChanges({} if found is None else {course.id: found})
    changes.compare(course.id, wanted, {"moodle_course_id": course.id})
    # One ORM object rather than a bulk write: the caller needs the cohort itself.
    cohort = found if found is not None else Cohort(**changes.inserts[0])
    for changed in changes.updates:
        for key, value in changed.items():
            if key != "id":
                setattr(cohort, key, value)
    cohort.synced_at = now  # also when nothing changed: when the course was last synced
    if found is None:
        session.add(cohort)
    session.flush()
    return changes.counts(), cohort


def _program(session: Session, course: Course) -> Program | None:
    if course.categoryid is None:
        return None
    program = session.scalar(select(Program).where(Program.moodle_category_id == course.categoryid))
    if program is None:
        program = Program(
            code=f"moodle-category-{course.categoryid}",
            name=course.categoryname or f"Moodle category {course.categoryid}",
            moodle_category_id=course.categoryid,
        )
        session.add(program)
        session.flush()
    return program


_PARTICIPANT_COLUMNS = (
    "username",
    "idnumber",
    "firstname",
    "lastname",
    "email",
    "language",
    "ministry",
    "province",
    "extra_fields",
)


def _upsert_participants(
    session: Session,
    students: Sequence[EnrolledUser],
    field_map: Mapping[str, str],
    now: datetime,
    *,
    course_id: int,
    allow_profile_clearing: bool,
) -> tuple[Counts, dict[int, int]]:
    """Create or update the students' participant rows; ``{moodle user id: participant id}``.

    Raises :class:`~lipassess.services.sync.guard.ProfileClearingRefused` before
    anything is written when too many students would lose every profile field.
    """
    columns = [getattr(Participant, name) for name in _PARTICIPANT_COLUMNS]
    existing: dict[int, Any] = {}
    for chunk in chunks([u.id for u in students]):
        rows = session.execute(
            select(Participant.id, Participant.moodle_user_id, Participant.withdrawn_at, *columns).where(
                Participant.moodle_user_id.in_(chunk)
            )
        )
        existing.update({row.moodle_user_id: row for row in rows})
    by_user = {muid: row.id for muid, row in existing.items()}
    clearing = sum(1 for user in students if not user.customfields and _holds_profile(existing.get(user.id)))
    check_profile_clearing(course_id, students=len(students), clearing=clearing, allow=allow_profile_clearing)
    # A withdrawn participant keeps what the store holds (see the package docstring).
    changes = RowChanges(existing, stamp={"synced_at": now}, frozen=lambda row: row.withdrawn_at is not None)
    for user in students:
        changes.compare(user.id, participant_values(user, field_map), {"moodle_user_id": user.id})
    created = changes.write(session, Participant, Participant.id, Participant.moodle_user_id)
    by_user.update({muid: pid for pid, muid in created})
    return changes.counts(), by_user


def _holds_profile(row: Any) -> bool:
    """Whether a stored participant row (not withdrawn: that one keeps its fields) has any profile field."""
    return row is not None and row.withdrawn_at is None and bool(row.ministry or row.province or row.extra_fields)


def _groups(user: EnrolledUser) -> list[dict[str, Any]]:
    return [{"id": g.id, "name": g.name} for g in sorted(user.groups, key=lambda g: g.id)]


def _upsert_enrolments(
    session: Session,
    cohort: Cohort,
    students: Sequence[EnrolledUser],
    by_user: Mapping[int, int],
    *,
    allow_mass_unenrol: bool,
) -> tuple[Counts, int]:
    existing = {
        row.participant_id: row
        for row in session.execute(
            select(Enrolment.id, Enrolment.participant_id, Enrolment.role, Enrolment.status, Enrolment.groups).where(
                Enrolment.cohort_id == cohort.id
            )
        )
    }
    changes = RowChanges(existing)
    for user in students:
        participant_id = by_user[user.id]
        wanted = {
            "role": "student",
            "status": EnrolmentStatus.SUSPENDED if user.suspended else EnrolmentStatus.ACTIVE,
            "groups": _groups(user),
        }
        changes.compare(participant_id, wanted, {"participant_id": participant_id, "cohort_id": cohort.id})
    # Students Moodle no longer lists left the course: marked, never deleted.
    unenrolled = changes.update_missing({"status": EnrolmentStatus.UNENROLLED})
    enrolled = sum(1 for row in existing.values() if row.status != EnrolmentStatus.UNENROLLED)
    check_unenrolments(cohort.moodle_course_id, enrolled=enrolled, leaving=unenrolled, allow=allow_mass_unenrol)
    changes.write(session, Enrolment)
    return changes.counts(), unenrolled


def _upsert_grade_items(
    session: Session, cohort: Cohort, grades: Iterable[UserGrades]
) -> tuple[Counts, dict[int, int]]:
    """Create or update the gradebook columns; ``{moodle item id: grade item id}``."""
    wanted: dict[int, dict[str, Any]] = {}
    for user_grades in grades:
        items = [*user_grades.items, *([user_grades.course_total] if user_grades.course_total else [])]
        for item in items:
            values = wanted.get(item.id)
            if values is None:
                wanted[item.id] = {
                    "name": COURSE_TOTAL_NAME if item.is_course_total else (item.itemname or f"item {item.id}"),
                    "itemtype": item.itemtype,
                    "itemmodule": item.itemmodule,
                    "grade_min": item.grademin,
                    "grade_max": item.grademax,
                }
            else:
                values["grade_min"] = min(values["grade_min"], item.grademin)
                values["grade_max"] = max(values["grade_max"], item.grademax)
    existing = {
        row.moodle_item_id: row
        for row in session.execute(
            select(
                GradeItem.id,
                GradeItem.moodle_item_id,
                GradeItem.name,
                GradeItem.itemtype,
                GradeItem.itemmodule,
                GradeItem.grade_min,
                GradeItem.grade_max,
            ).where(GradeItem.cohort_id == cohort.id)
        )
    }
    ids = {moodle_id: row.id for moodle_id, row in existing.items()}
    changes = RowChanges(existing)
    for moodle_id, values in wanted.items():
        changes.compare(moodle_id, values, {"cohort_id": cohort.id, "moodle_item_id": moodle_id})
    created = changes.write(session, GradeItem, GradeItem.id, GradeItem.moodle_item_id)
    ids.update({moodle_id: item_id for item_id, moodle_id in created})
    return changes.counts(), ids


def _upsert_grades(
    session: Session,
    grades: Iterable[UserGrades],
    item_ids: Mapping[int, int],
    by_user: Mapping[int, int],
) -> Counts:
    existing: dict[tuple[int, int], Any] = {}
    if item_ids:
        for chunk in chunks(list(item_ids.values())):
            rows = session.execute(
                select(
                    Grade.id, Grade.grade_item_id, Grade.participant_id, Grade.raw, Grade.percentage, Grade.graded_at
                ).where(Grade.grade_item_id.in_(chunk))
            )
            existing.update({(row.grade_item_id, row.participant_id): row for row in rows})
    changes = RowChanges(existing)
    for user_grades in grades:
        participant_id = by_user.get(user_grades.user_id)
        if participant_id is None:  # not a student of the course (Moodle lists graded users)
            continue
        items = [*user_grades.items, *([user_grades.course_total] if user_grades.course_total else [])]
        for item in items:
            item_id = item_ids[item.id]
            wanted = {"raw": item.graderaw, "percentage": item.percentage, "graded_at": item.graded_at}
            changes.compare((item_id, participant_id), wanted,
                            {"grade_item_id": item_id, "participant_id": participant_id})
    changes.write(session, Grade)
    return changes.counts()


def completed_students(session: Session, moodle_course_id: int) -> frozenset[int]:
    """Moodle user ids the store holds as complete in a course (not asked again: completion does not go back)."""
    return frozenset(
        session.scalars(
            select(Participant.moodle_user_id)
            .join(Completion, Completion.participant_id == Participant.id)
            .join(Cohort, Cohort.id == Completion.cohort_id)
            .where(Cohort.moodle_course_id == moodle_course_id, Completion.completed.is_(True))
        )
    )


def _upsert_completions(
    session: Session, cohort: Cohort, pulled: CoursePull, by_user: Mapping[int, int]
) -> Counts:
    completion = pulled.completion
    existing = {
        row.participant_id: row
        for row in session.execute(
            select(Completion.id, Completion.participant_id, Completion.completed, Completion.completed_at).where(
                Completion.cohort_id == cohort.id
            )
        )
    }
    changes = RowChanges(existing)
    for user_id, result in completion.by_user.items():
        participant_id = by_user.get(user_id)
        if result is None or participant_id is None:
            continue
        wanted = {"completed": result.completed, "completed_at": result.time_completed}
        changes.compare(participant_id, wanted, {"cohort_id": cohort.id, "participant_id": participant_id})
    for user_id in pulled.completion_skipped:  # complete already, not asked: unchanged by definition
        participant_id = by_user.get(user_id)
        if participant_id is not None and participant_id in existing:
            changes.compare(participant_id, {}, {})
    changes.write(session, Completion)
    return changes.counts()


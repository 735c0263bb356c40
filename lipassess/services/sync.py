"""Pull Moodle courses into the store: cohorts, participants, enrolments, grades, completion.

A sync of one course has two phases:

1. **pull** (:func:`pull_course`): every web-service read, outside any database
   transaction: the enrolled users with their suspension status and language,
   all grades in one call, and course completion of the active students
   (``moodle_plugin_bridge.api`` gives the number of calls);
2. **apply** (:func:`apply_course`): the store writes, in the caller's
   transaction. Existing rows of the course are loaded in a few bulk queries
   into dicts, compared in Python, and only new or changed rows are written,
   in bulk. The apply phase first takes a lock (PostgreSQL: a
   transaction-level advisory lock; SQLite: its write lock), so syncs running
   at once (cron on several hosts) write one course at a time, each on what
   the previous one committed; the slow Moodle reads still run in parallel.

:func:`sync_courses` runs one separate transaction per course: a fault in a
course (a Moodle error mid-pull, a store error mid-apply) rolls that course
back to exactly what it was, is reported, and the other courses still sync.

What is stored, and the choices made:

* A Moodle course is a :class:`~lipassess.store.models.Cohort` (created on
  first sync); its category is a :class:`~lipassess.store.models.Program`
  (code ``moodle-category-<id>``, named after the category, created once and
  never renamed by a sync, so staff may rename it).
* Only users holding the ``student`` role become participants. Teachers and
  other roles are counted (``not_students``) but not stored: they answer no
  survey, and the store keeps no personal data it does not need.
* A participant is one Moodle user, shared by all their courses (one
  :class:`Participant`, one :class:`Enrolment` per course). Names and profile
  fields are stored exactly as Moodle holds them (Khmer script, ``&``, tags).
  Custom profile fields named in ``field_map`` fill ``ministry`` /
  ``province`` (or, for other targets, ``extra_fields[target]``); every other
  custom field is kept in ``extra_fields`` under its shortname. A field Moodle
  no longer sends becomes empty. A participant who withdrew
  (``withdrawn_at`` set) keeps what the store holds: their profile is not
  refreshed from Moodle.
* ``language`` is ``km`` for a Moodle language starting with ``km``, else
  ``en`` (the two survey languages).
* Nothing is ever deleted. A student no longer listed by Moodle (unenrolled,
  or no longer a student) gets ``Enrolment.status = unenrolled``; a suspended
  enrolment ``suspended``; survey answers are untouched. Grades, grade items
  and completions Moodle stops reporting (Moodle leaves suspended users out)
  keep their last synced value.
* Grades: every item Moodle shows the web-service user, plus the course
  total (``itemtype = "course"``, named "Course total"), with ``raw = None``
  when ungraded. ``GradeItem.grade_max`` is the largest maximum Moodle gives
  for the item (the course total's maximum varies per user under "aggregate
  only non-empty grades"); each grade's ``percentage`` uses that user's own
  range, as Moodle shows it.
* Completion is asked only for active students (Moodle refuses the question
  for suspended ones).
* ``Participant.synced_at`` is when the participant was last written from
  Moodle (created or changed); ``Cohort.synced_at`` when the course was last
  synced successfully.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lipassess.errors import ConfigurationError, InvalidInput, LipassessError, NotFound
from lipassess.services.moodle import as_lipassess_error
from lipassess.store import locks
from lipassess.store.database import session_scope
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
from moodle_plugin_bridge import (
    CompletionResults,
    Course,
    EnrolledUser,
    MoodleClient,
    MoodleError,
    RecordList,
    UserGrades,
)

log = logging.getLogger(__name__)

STUDENT_ROLES = frozenset({"student"})
"""Moodle role shortnames whose holders become participants."""

COLUMN_TARGETS = ("ministry", "province")
"""Participant columns a custom profile field may fill; other targets go to ``extra_fields``."""

RESERVED_TARGETS = frozenset(
    {
        "id",
        "moodle_user_id",
        "pseudonym",
        "username",
        "idnumber",
        "firstname",
        "lastname",
        "email",
        "language",
        "extra_fields",
        "withdrawn_at",
        "synced_at",
        "created_at",
        "updated_at",
    }
)
"""Participant fields a profile field must not overwrite (Moodle's standard fields fill them)."""

COURSE_TOTAL_NAME = "Course total"
_IN_CHUNK = 900  # ids per IN (...) list, well under every backend's parameter limit

Progress = Callable[[int, int, "CourseSyncReport | None"], None]
"""``progress(done, total, report)``: called with ``(0, total, None)`` first, then per course."""


# --------------------------------------------------------------------------- reports


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Counts:
    """How many rows of one kind a sync created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        """Rows written (created or updated)."""
        return self.created + self.updated

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            created=self.created + other.created,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
        )

    def to_dict(self) -> dict[str, int]:
        """``{"created": ..., "updated": ..., "unchanged": ...}``."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def summary(self) -> str:
        """``created/updated/unchanged``, e.g. ``15/0/0``."""
        return f"{self.created}/{self.updated}/{self.unchanged}"


ENTITIES = ("course", "participants", "enrolments", "grade_items", "grades", "completions")
"""The row kinds counted per course, in report order."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CourseSyncReport:
    """What a sync did to one course, or why it failed (then the store is unchanged for it).

    Attributes
    ----------
    course_id
        The Moodle course id.
    shortname
        The course's shortname, when Moodle returned the course.
    course, participants, enrolments, grade_items, grades, completions
        Rows created / updated / unchanged. ``enrolments.updated`` includes the
        enrolments newly marked suspended or unenrolled.
    suspended
        Students whose enrolment Moodle reports suspended.
    unenrolled
        Enrolments newly marked unenrolled by this sync (the students left the
        course in Moodle); their data is kept.
    not_students
        Enrolled users without the student role (teachers ...), not stored.
    warnings
        What Moodle reported alongside its data, one line each.
    error
        Why the course failed (one line saying what to do), ``None`` when it synced.
    error_kind
        The kind of failure (``not_found``, ``access``, ``transport``, ``protocol``, ``store``...).
    """

    course_id: int
    shortname: str | None = None
    course: Counts = dataclasses.field(default_factory=Counts)
    participants: Counts = dataclasses.field(default_factory=Counts)
    enrolments: Counts = dataclasses.field(default_factory=Counts)
    grade_items: Counts = dataclasses.field(default_factory=Counts)
    grades: Counts = dataclasses.field(default_factory=Counts)
    completions: Counts = dataclasses.field(default_factory=Counts)
    suspended: int = 0
    unenrolled: int = 0
    not_students: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the course synced."""
        return self.error is None

    @property
    def changed(self) -> int:
        """Rows created or updated, all kinds together."""
        return sum(getattr(self, name).changed for name in ENTITIES)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: counts per entity, the status and the failure reason if any."""
        data: dict[str, Any] = {
            "course_id": self.course_id,
            "shortname": self.shortname,
            "status": "ok" if self.ok else "failed",
            "error": None if self.ok else {"kind": self.error_kind, "message": self.error},
        }
        for name in ENTITIES:
            data[name] = getattr(self, name).to_dict()
        data.update(
            suspended=self.suspended,
            unenrolled=self.unenrolled,
            not_students=self.not_students,
            warnings=list(self.warnings),
        )
        return data

    def summary(self) -> str:
        """One line for people."""
        name = f"course {self.course_id}" + (f" {self.shortname}" if self.shortname else "")
        if not self.ok:
            return f"{name}: failed: {self.error}"
        counts = ", ".join(
            f"{label} {getattr(self, label).summary()}"
            for label in ("participants", "enrolments", "grades", "completions")
        )
        return f"{name}: ok ({counts}; created/updated/unchanged)"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SyncReport:
    """The outcome of :func:`sync_courses`: one report per course, in the order synced."""

    courses: tuple[CourseSyncReport, ...]

    @property
    def failed(self) -> tuple[CourseSyncReport, ...]:
        """The courses that failed."""
        return tuple(c for c in self.courses if not c.ok)

    @property
    def ok(self) -> bool:
        """Whether every course synced."""
        return not self.failed

    def totals(self) -> dict[str, Counts]:
        """Counts per entity over the courses that synced."""
        totals = {name: Counts() for name in ENTITIES}
        for course in self.courses:
            for name in ENTITIES:
                totals[name] = totals[name] + getattr(course, name)
        return totals

    def to_dict(self) -> dict[str, Any]:
        """``{"courses": [...], "totals": {...}, "synced": n, "failed": n}``."""
        return {
            "courses": [c.to_dict() for c in self.courses],
            "totals": {name: counts.to_dict() for name, counts in self.totals().items()},
            "synced": len(self.courses) - len(self.failed),
            "failed": len(self.failed),
        }

    def summary(self) -> str:
        """A table per course (created/updated/unchanged), failures with their reason."""
        header = ("course", "shortname", "status", "participants", "enrolments", "grades", "completions")
        rows = [header]
        for c in self.courses:
            rows.append(
                (
                    str(c.course_id),
                    c.shortname or "-",
                    "ok" if c.ok else "FAILED",
                    *(
                        getattr(c, name).summary() if c.ok else "-"
                        for name in ("participants", "enrolments", "grades", "completions")
                    ),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        lines.append("(counts are created/updated/unchanged)")
        for c in self.courses:
            if c.ok and c.unenrolled:
                lines.append(f"course {c.course_id}: {c.unenrolled} student(s) left the course, marked unenrolled")
            for warning in c.warnings:
                lines.append(f"course {c.course_id}: Moodle warning: {warning}")
        for c in self.failed:
            lines.append(f"course {c.course_id} failed: {c.error}")
        synced = len(self.courses) - len(self.failed)
        lines.append(f"{len(self.courses)} course(s): {synced} synced, {len(self.failed)} failed")
        return "\n".join(lines)


def failed_report(course_id: int, message: str, kind: str, *, shortname: str | None = None) -> CourseSyncReport:
    """The report of a course that did not sync."""
    return CourseSyncReport(course_id=course_id, shortname=shortname, error=message, error_kind=kind)


# --------------------------------------------------------------------------- field map


def check_field_map(field_map: Mapping[str, str]) -> dict[str, str]:
    """Validate a ``{profile field shortname: participant field}`` mapping.

    Raises
    ------
    ConfigurationError
        A target is one of Moodle's standard fields (:data:`RESERVED_TARGETS`),
        or two profile fields fill the same target.
    """
    seen: dict[str, str] = {}
    for shortname, target in field_map.items():
        if target in RESERVED_TARGETS:
            raise ConfigurationError(
                f"LIPASSESS_MOODLE_PROFILE_FIELDS maps '{shortname}' onto '{target}', which the sync "
                f"fills from Moodle's standard fields; map it to {' or '.join(COLUMN_TARGETS)} "
                "or to a new name (kept in extra fields)"
            )
        if target in seen:
            raise ConfigurationError(
                f"LIPASSESS_MOODLE_PROFILE_FIELDS maps both '{seen[target]}' and '{shortname}' onto "
                f"'{target}'; keep one"
            )
        seen[target] = shortname
    return dict(field_map)


def participant_values(user: EnrolledUser, field_map: Mapping[str, str]) -> dict[str, Any]:
    """The participant columns a Moodle user's record fills (``language`` only when known)."""
    values: dict[str, Any] = {
        "username": user.username,
        "idnumber": user.idnumber or None,
        "firstname": user.firstname,
        "lastname": user.lastname,
        "email": user.email or None,
    }
    columns: dict[str, str | None] = dict.fromkeys(COLUMN_TARGETS)
    extra: dict[str, str] = {}
    for shortname, value in user.customfields.items():
        target = field_map.get(shortname)
        if target in COLUMN_TARGETS:
            columns[target] = value if value != "" else None
        else:
            extra[target or shortname] = value
    values.update(columns)
    values["extra_fields"] = dict(sorted(extra.items()))
    language = survey_language(user.lang)
    if language is not None:
        values["language"] = language
    return values


def survey_language(moodle_lang: str | None) -> str | None:
    """``km`` or ``en`` from a Moodle language code (``km``, ``en_us`` ...); ``None`` if unknown."""
    if not moodle_lang:
        return None
    return "km" if moodle_lang.lower().startswith("km") else "en"


# --------------------------------------------------------------------------- pull


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


# --------------------------------------------------------------------------- apply


def apply_course(
    session: Session,
    pulled: CoursePull,
    *,
    field_map: Mapping[str, str],
    now: datetime,
) -> CourseSyncReport:
    """Write one pulled course into the store (flushes; the caller commits or rolls back)."""
    locks.lock(session, locks.SYNC, 0)  # see the module docstring
    course = pulled.course
    course_counts, cohort = _upsert_cohort(session, course, pulled, now)
    participants, by_user = _upsert_participants(session, pulled.students, field_map, now)
    enrolments, unenrolled = _upsert_enrolments(session, cohort, pulled.students, by_user)
    grade_items, item_ids = _upsert_grade_items(session, cohort, pulled.grades)
    grades = _upsert_grades(session, pulled.grades, item_ids, by_user)
    completions = _upsert_completions(session, cohort, pulled.completion, by_user)
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
    cohort = session.scalar(select(Cohort).where(Cohort.moodle_course_id == course.id))
    if cohort is None:
        cohort = Cohort(moodle_course_id=course.id, synced_at=now, **wanted)
        session.add(cohort)
        session.flush()
        return Counts(created=1), cohort
    changed = {k: v for k, v in wanted.items() if getattr(cohort, k) != v}
    for key, value in changed.items():
        setattr(cohort, key, value)
    cohort.synced_at = now
    session.flush()
    return (Counts(updated=1) if changed else Counts(unchanged=1)), cohort


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
) -> tuple[Counts, dict[int, int]]:
    """Create or update the students' participant rows; ``{moodle user id: participant id}``."""
    columns = [getattr(Participant, name) for name in _PARTICIPANT_COLUMNS]
    existing: dict[int, Any] = {}
    for chunk in _chunks([u.id for u in students]):
        rows = session.execute(
            select(Participant.id, Participant.moodle_user_id, Participant.withdrawn_at, *columns).where(
                Participant.moodle_user_id.in_(chunk)
            )
        )
        existing.update({row.moodle_user_id: row for row in rows})
    by_user = {muid: row.id for muid, row in existing.items()}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = 0
    for user in students:
        values = participant_values(user, field_map)
        row = existing.get(user.id)
        if row is None:
            inserts.append({"moodle_user_id": user.id, "synced_at": now, **values})
        elif row.withdrawn_at is not None:
            unchanged += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            if changed:
                updates.append({"id": row.id, "synced_at": now, **changed})
            else:
                unchanged += 1
    if inserts:
        created = session.execute(
            insert(Participant).returning(Participant.id, Participant.moodle_user_id), inserts
        )
        by_user.update({muid: pid for pid, muid in created})
    _bulk_update(session, Participant, updates)
    return Counts(created=len(inserts), updated=len(updates), unchanged=unchanged), by_user


def _groups(user: EnrolledUser) -> list[dict[str, Any]]:
    return [{"id": g.id, "name": g.name} for g in sorted(user.groups, key=lambda g: g.id)]


def _upsert_enrolments(
    session: Session, cohort: Cohort, students: Sequence[EnrolledUser], by_user: Mapping[int, int]
) -> tuple[Counts, int]:
    existing = {
        row.participant_id: row
        for row in session.execute(
            select(Enrolment.id, Enrolment.participant_id, Enrolment.role, Enrolment.status, Enrolment.groups).where(
                Enrolment.cohort_id == cohort.id
            )
        )
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = 0
    listed: set[int] = set()
    for user in students:
        participant_id = by_user[user.id]
        listed.add(participant_id)
        wanted = {
            "role": "student",
            "status": EnrolmentStatus.SUSPENDED if user.suspended else EnrolmentStatus.ACTIVE,
            "groups": _groups(user),
        }
        row = existing.get(participant_id)
        if row is None:
            inserts.append({"participant_id": participant_id, "cohort_id": cohort.id, **wanted})
            continue
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changed:
            updates.append({"id": row.id, **changed})
        else:
            unchanged += 1
    unenrolled = 0
    for participant_id, row in existing.items():
        if participant_id in listed:
            continue
        if row.status == EnrolmentStatus.UNENROLLED:
            unchanged += 1
        else:
            updates.append({"id": row.id, "status": EnrolmentStatus.UNENROLLED})
            unenrolled += 1
    if inserts:
        session.execute(insert(Enrolment), inserts)
    _bulk_update(session, Enrolment, updates)
    return Counts(created=len(inserts), updated=len(updates), unchanged=unchanged), unenrolled


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
    changes = _RowChanges()
    for moodle_id, values in wanted.items():
        changes.compare(existing.get(moodle_id), values, {"cohort_id": cohort.id, "moodle_item_id": moodle_id})
    if changes.inserts:
        created = session.execute(insert(GradeItem).returning(GradeItem.id, GradeItem.moodle_item_id),
                                  changes.inserts)
        ids.update({moodle_id: item_id for item_id, moodle_id in created})
    _bulk_update(session, GradeItem, changes.updates)
    return changes.counts(), ids


def _upsert_grades(
    session: Session,
    grades: Iterable[UserGrades],
    item_ids: Mapping[int, int],
    by_user: Mapping[int, int],
) -> Counts:
    existing: dict[tuple[int, int], Any] = {}
    if item_ids:
        for chunk in _chunks(list(item_ids.values())):
            rows = session.execute(
                select(
                    Grade.id, Grade.grade_item_id, Grade.participant_id, Grade.raw, Grade.percentage, Grade.graded_at
                ).where(Grade.grade_item_id.in_(chunk))
            )
            existing.update({(row.grade_item_id, row.participant_id): row for row in rows})
    changes = _RowChanges()
    for user_grades in grades:
        participant_id = by_user.get(user_grades.user_id)
        if participant_id is None:  # not a student of the course (Moodle lists graded users)
            continue
        items = [*user_grades.items, *([user_grades.course_total] if user_grades.course_total else [])]
        for item in items:
            item_id = item_ids[item.id]
            wanted = {"raw": item.graderaw, "percentage": item.percentage, "graded_at": item.graded_at}
            changes.compare(existing.get((item_id, participant_id)), wanted,
                            {"grade_item_id": item_id, "participant_id": participant_id})
    if changes.inserts:
        session.execute(insert(Grade), changes.inserts)
    _bulk_update(session, Grade, changes.updates)
    return changes.counts()


def _upsert_completions(
    session: Session, cohort: Cohort, completion: CompletionResults, by_user: Mapping[int, int]
) -> Counts:
    existing = {
        row.participant_id: row
        for row in session.execute(
            select(Completion.id, Completion.participant_id, Completion.completed, Completion.completed_at).where(
                Completion.cohort_id == cohort.id
            )
        )
    }
    changes = _RowChanges()
    for user_id, result in completion.by_user.items():
        participant_id = by_user.get(user_id)
        if result is None or participant_id is None:
            continue
        wanted = {"completed": result.completed, "completed_at": result.time_completed}
        changes.compare(existing.get(participant_id), wanted,
                        {"cohort_id": cohort.id, "participant_id": participant_id})
    if changes.inserts:
        session.execute(insert(Completion), changes.inserts)
    _bulk_update(session, Completion, changes.updates)
    return changes.counts()


@dataclasses.dataclass
class _RowChanges:
    """Rows to insert, changed columns to update, and how many stayed the same."""

    inserts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    updates: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    unchanged: int = 0

    def compare(self, row: Any, wanted: Mapping[str, Any], identity: Mapping[str, Any]) -> None:
        """Queue ``identity + wanted`` as a new row, or only the columns of ``row`` that differ."""
        if row is None:
            self.inserts.append({**identity, **wanted})
            return
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changed:
            self.updates.append({"id": row.id, **changed})
        else:
            self.unchanged += 1

    def counts(self) -> Counts:
        return Counts(created=len(self.inserts), updated=len(self.updates), unchanged=self.unchanged)


def _bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key, one statement per set of changed columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for batch in by_columns.values():
        session.execute(update(model), batch)


def _chunks(values: list[int], size: int = _IN_CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --------------------------------------------------------------------------- use cases


def sync_course(
    session: Session,
    client: MoodleClient,
    course_id: int | Course,
    *,
    field_map: Mapping[str, str],
    now: datetime,
    completion_workers: int = 4,
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

    Raises
    ------
    MoodleError
        Moodle failed or refused; nothing was written.
    NotFound
        Moodle has no such course (or it is the site's front page).
    """
    field_map = check_field_map(field_map)
    course = course_id if isinstance(course_id, Course) else _fetch_course(client, course_id)
    if course.is_site:
        raise NotFound(_site_course_message(course.id))
    pulled = pull_course(client, course, completion_workers=completion_workers)
    return apply_course(session, pulled, field_map=field_map, now=now)


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
        report = _sync_one(factory, client, course_id, course, field_map, now, completion_workers)
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
    completion_workers: int,
) -> CourseSyncReport:
    if course is None:
        return failed_report(course_id, _unknown_course_message(course_id), "not_found")
    if course.is_site:
        return failed_report(course_id, _site_course_message(course_id), "not_found", shortname=course.shortname)
    try:
        pulled = pull_course(client, course, completion_workers=completion_workers)
        with session_scope(factory) as session:
            report = apply_course(session, pulled, field_map=field_map, now=now)
    except MoodleError as err:
        log.warning("sync of course %d failed: %s", course_id, err.message)
        return failed_report(course_id, err.message, err.kind, shortname=course.shortname)
    except LipassessError as err:
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
    log.info("synced course %d (%s): %d row(s) written", course_id, course.shortname, report.changed)
    return report


"""What a sync did: row counts per kind, one report per course, and their text for people."""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any


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


def shown(text: str) -> str:
    """Text from Moodle as one line of a report may show it: each control character (a line break, an
    escape sequence) written as its Python escape, so a course's name cannot forge lines or colours."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


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
        name = f"course {self.course_id}" + (f" {shown(self.shortname)}" if self.shortname else "")
        if not self.ok:
            return f"{name}: failed: {shown(self.error or '')}"
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
        rows: list[tuple[str, ...]] = [header]
        for c in self.courses:
            rows.append(
                (
                    str(c.course_id),
                    shown(c.shortname) if c.shortname else "-",
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
                lines.append(f"course {c.course_id}: Moodle warning: {shown(str(warning))}")
        for c in self.failed:
            lines.append(f"course {c.course_id} failed: {shown(c.error or '')}")
        synced = len(self.courses) - len(self.failed)
        lines.append(f"{len(self.courses)} course(s): {synced} synced, {len(self.failed)} failed")
        return "\n".join(lines)


def failed_report(course_id: int, message: str, kind: str, *, shortname: str | None = None) -> CourseSyncReport:
    """The report of a course that did not sync."""
    return CourseSyncReport(course_id=course_id, shortname=shortname, error=message, error_kind=kind)


"""Use case: how far each wave of a cohort has got (invited, started, submitted, reminded).

``invited`` counts invitations Moodle accepted (not links issued); messages
Moodle refused (``messages_failed``), whose fate is unknown
(``messages_unknown``) and not accepted yet (``messages_pending``: waiting
for the next run or being sent) are counted apart, every kind of message included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lipassess.services.cohort_data import by_a_student
from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Invitation,
    Message,
    Response,
    ResponseStatus,
    Wave,
)
from lipassess.vocabulary import WAVE_ORDER


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveProgress:
    """Counts for one wave; ``response_rate`` is submitted / active students (None when none)."""

    wave_id: int
    kind: str
    opens_at: datetime | None
    closes_at: datetime | None
    active_students: int
    invited: int
    started: int
    submitted: int
    reminders_sent: int
    messages_failed: int
    messages_unknown: int = 0
    messages_pending: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.submitted / self.active_students if self.active_students else None

    def to_dict(self) -> dict[str, object]:
        return {
            "wave_id": self.wave_id, "kind": self.kind,
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "active_students": self.active_students, "invited": self.invited, "started": self.started,
            "submitted": self.submitted, "response_rate": self.response_rate,
            "reminders_sent": self.reminders_sent, "messages_failed": self.messages_failed,
            "messages_unknown": self.messages_unknown, "messages_pending": self.messages_pending,
        }


def active_students(session: Session, cohort: Cohort) -> int:
    return session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort.id, Enrolment.role == "student",
            Enrolment.status == EnrolmentStatus.ACTIVE)
    ) or 0


def wave_progress(session: Session, cohort: Cohort) -> list[WaveProgress]:
    """Progress of every wave of ``cohort``, in wave order, with one query per count kind."""
    waves = list(session.scalars(select(Wave).where(Wave.cohort_id == cohort.id)))
    ids = [w.id for w in waves]
    students = active_students(session, cohort)

    def counts(query) -> dict[int, int]:
        return dict(session.execute(query).all()) if ids else {}

    def messages(*condition: Any) -> dict[int, int]:
        return counts(select(Invitation.wave_id, func.count()).join(Message, Message.invitation_id == Invitation.id)
                      .where(Invitation.wave_id.in_(ids), *condition).group_by(Invitation.wave_id))

    invited = messages(Message.kind == "invitation", Message.status == "sent")
    student = by_a_student(cohort.id)
    started = counts(select(Response.wave_id, func.count()).where(Response.wave_id.in_(ids), student)
                     .group_by(Response.wave_id))
    submitted = counts(select(Response.wave_id, func.count()).where(
        Response.wave_id.in_(ids), Response.status == ResponseStatus.SUBMITTED, student).group_by(Response.wave_id))
    reminders = messages(Message.kind.like("reminder%"), Message.status == "sent")
    by_status = {status: messages(Message.status == status) for status in ("failed", "unknown", "pending")}
    result = [
        WaveProgress(wave_id=w.id, kind=w.kind.value, opens_at=w.opens_at, closes_at=w.closes_at,
                     active_students=students, invited=invited.get(w.id, 0), started=started.get(w.id, 0),
                     submitted=submitted.get(w.id, 0), reminders_sent=reminders.get(w.id, 0),
                     messages_failed=by_status["failed"].get(w.id, 0),
                     messages_unknown=by_status["unknown"].get(w.id, 0),
                     messages_pending=by_status["pending"].get(w.id, 0))
        for w in waves
    ]
    return sorted(result, key=lambda p: WAVE_ORDER.get(p.kind, 9))

"""What is due: the waves to open, each participant's next message, and claims that were never recorded."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Invitation,
    Message,
    Participant,
    Response,
    ResponseStatus,
    Wave,
)

MAX_ATTEMPTS = 3
"""Sends of one message Moodle may refuse, at most (the first and two retries on later runs)."""

CLAIM_TIMEOUT = timedelta(minutes=15)
"""A claim older than this was not recorded by its run (it died): the message's fate is unknown.

Far longer than one batch can take: a send is one HTTP call with the client's timeout."""

UNKNOWN_GRACE = timedelta(hours=1)
"""After an unknown-fate message, the participant's next message goes out this long after its claim.

The unknown one is never sent again automatically (it may have arrived: no
participant gets the same invitation twice); the next message of the sequence,
which carries a working link, takes its place once this grace has passed."""

STATUSES = ("pending", "sent", "failed", "unknown")
"""``pending``: not accepted yet (waiting for the next run, or claimed by one); ``sent``: Moodle accepted it;
``failed``: Moodle refused it; ``unknown``: sent, but Moodle's answer was lost (it may have arrived)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Which stored messages a run sends again (the ``lipassess dispatch`` options)."""

    retry_failed: bool = False
    """Also refused messages out of attempts (``--retry-failed``, after the cause was fixed)."""
    resend_unknown: bool = False
    """Also unknown-fate messages (``--resend-unknown``, once Moodle's log shows they did not arrive)."""


@dataclasses.dataclass(slots=True)
class Due:
    """One message to send: a new one (``message`` is ``None``) or a stored one to send again."""

    participant: Participant
    kind: str
    message: Message | None = None


def kinds(reminders: int) -> list[str]:
    return ["invitation", *(f"reminder_{k}" for k in range(1, reminders + 1))]


def _eligible_ids(session: Session, wave: Wave) -> list[int]:
    """Active students of the wave's cohort who have not withdrawn, submitted, or had their link revoked."""
    submitted = select(Response.participant_id).where(
        Response.wave_id == wave.id, Response.status == ResponseStatus.SUBMITTED
    )
    revoked = select(Invitation.participant_id).where(
        Invitation.wave_id == wave.id, Invitation.revoked_at.is_not(None)
    )
    return list(
        session.scalars(
            select(Participant.id)
            .join(Enrolment, Enrolment.participant_id == Participant.id)
            .where(
                Enrolment.cohort_id == wave.cohort_id,
                Enrolment.role == "student",
                Enrolment.status == EnrolmentStatus.ACTIVE,
                Participant.withdrawn_at.is_(None),
                Participant.id.not_in(submitted),
                Participant.id.not_in(revoked),
            )
            .order_by(Participant.id)
        )
    )


def _again(message: Any, *, retry_before: datetime | None, policy: Policy) -> bool:
    """Whether a stored, not accepted message is sent again by this run."""
    if message.status == "pending":
        return message.claimed_at is None  # left by a run Moodle was down for; in flight otherwise
    if message.status == "unknown":
        return policy.resend_unknown
    return (
        message.status == "failed"
        and retry_before is not None
        and (message.attempts < MAX_ATTEMPTS or policy.retry_failed)
        and message.updated_at < retry_before
    )


def _next_due(previous: Any, now: datetime, spacing: timedelta) -> bool:
    """Whether the message after ``previous`` (sent, or of unknown fate) is due at ``now``."""
    if previous.status == "sent":
        return previous.sent_at is not None and previous.sent_at + spacing <= now
    if previous.status == "unknown":
        return previous.claimed_at is not None and previous.claimed_at + UNKNOWN_GRACE <= now
    return False


def due_messages(
    session: Session,
    wave: Wave,
    *,
    now: datetime,
    reminders: int,
    spacing: timedelta,
    retry_before: datetime | None,
    limit: int,
    policy: Policy = Policy(),
) -> list[Due]:
    """The messages of ``wave`` due at ``now``: new ones and those left unsent first, then failed ones.

    Decided on plain rows (no ORM objects for the whole cohort); only the
    ``limit`` chosen participants and messages are loaded as objects.
    """
    people = _eligible_ids(session, wave)
    if not people:
        return []
    rows = session.execute(
        select(Invitation.participant_id, Message.id, Message.kind, Message.status, Message.sent_at,
               Message.attempts, Message.updated_at, Message.claimed_at)
        .join(Message, Message.invitation_id == Invitation.id)
        .where(Invitation.wave_id == wave.id)
    ).all()
    by_participant: dict[int, dict[str, Any]] = {}
    for row in rows:
        by_participant.setdefault(row.participant_id, {})[row.kind] = row
    sequence = kinds(reminders)
    due: list[tuple[int, str, int | None]] = []
    retries: list[tuple[int, str, int | None]] = []
    for person in people:
        stored = by_participant.get(person, {})
        for index, kind in enumerate(sequence):
            message = stored.get(kind)
            if message is None:
                if index == 0 or _next_due(stored[sequence[index - 1]], now, spacing):
                    due.append((person, kind, None))
                break
            later = index + 1 < len(sequence) and sequence[index + 1] in stored
            if message.status == "sent" or (message.status == "unknown" and (later or not policy.resend_unknown)):
                continue
            if _again(message, retry_before=retry_before, policy=policy):
                (due if message.status == "pending" else retries).append((person, kind, message.id))
            break
    chosen = (due + retries)[:limit]
    if not chosen:
        return []
    participants = {p.id: p for p in session.scalars(
        select(Participant).where(Participant.id.in_([c[0] for c in chosen])))}
    again = [c[2] for c in chosen if c[2] is not None]
    stored_rows = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(again)))} if again else {}
    return [Due(participants[pid], kind, stored_rows.get(mid) if mid else None) for pid, kind, mid in chosen]


def open_waves(session: Session, now: datetime) -> list[Wave]:
    return list(
        session.scalars(
            select(Wave)
            .where(Wave.opens_at.is_not(None), Wave.opens_at <= now,
                   or_(Wave.closes_at.is_(None), Wave.closes_at > now))
            .order_by(Wave.cohort_id, Wave.id)
        )
    )


def open_due_waves(session: Session, now: datetime, *, dry_run: bool) -> list[str]:
    condition = and_(
        Wave.opened_at.is_(None),
        Wave.opens_at.is_not(None),
        Wave.opens_at <= now,
        or_(Wave.closes_at.is_(None), Wave.closes_at > now),
    )
    if dry_run:
        ids = list(session.scalars(select(Wave.id).where(condition)))
    else:
        ids = list(session.scalars(update(Wave).where(condition).values(opened_at=now).returning(Wave.id)))
    if not ids:
        return []
    rows = session.execute(
        select(Cohort.shortname, Wave.kind).join(Wave, Wave.cohort_id == Cohort.id).where(Wave.id.in_(ids))
        .order_by(Cohort.shortname, Wave.id)
    )
    return [f"{shortname}/{kind.value}" for shortname, kind in rows]


def resolve_abandoned(session: Session, now: datetime) -> int:
    """Mark messages claimed more than :data:`CLAIM_TIMEOUT` ago and never recorded ``unknown``; how many.

    Their run died between its claim and recording Moodle's answer: the
    message may have been delivered. Their links stay as they are: the
    invitation's current and previous tokens both keep working.
    """
    result = cast(CursorResult[Any], session.execute(
        update(Message)
        .where(Message.status == "pending", Message.claimed_at.is_not(None),
               Message.claimed_at <= now - CLAIM_TIMEOUT)
        .values(status="unknown", error="the run that sent it stopped before recording Moodle's answer")
        .execution_options(synchronize_session=False)
    ))
    return result.rowcount


def not_replaced() -> Any:
    """SQL condition: no later message of the same invitation was accepted (the participant may lack a link)."""
    later = aliased(Message)
    return ~exists().where(later.invitation_id == Message.invitation_id, later.id > Message.id,
                           later.status == "sent")


def count_open(session: Session, now: datetime) -> tuple[int, int]:
    """Unknown-fate messages no later message replaced, and messages claimed less than :data:`CLAIM_TIMEOUT` ago."""
    unknown = session.scalar(select(func.count()).select_from(Message).where(
        Message.status == "unknown", not_replaced())) or 0
    in_flight = session.scalar(select(func.count()).select_from(Message).where(
        Message.status == "pending", Message.claimed_at.is_not(None),
        Message.claimed_at > now - CLAIM_TIMEOUT)) or 0
    return unknown, in_flight

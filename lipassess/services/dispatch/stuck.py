"""Messages that need a person: refused out of attempts, of unknown fate, or waiting since an outage."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from lipassess.services.dispatch.due import CLAIM_TIMEOUT, MAX_ATTEMPTS, not_replaced
from lipassess.store.models import Cohort, Invitation, Message, Participant, Wave


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class StuckMessage:
    """One message not accepted by Moodle that a run will not settle by itself (or has not yet)."""

    cohort: str
    wave: str
    kind: str
    moodle_user_id: int
    pseudonym: str
    status: str
    attempts: int
    since: datetime
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"since": self.since.isoformat()}

    def line(self) -> str:
        detail = f": {self.error}" if self.error else ""
        return (f"{self.status:<8} {self.kind:<11} {self.cohort}/{self.wave} to user {self.moodle_user_id} "
                f"({self.pseudonym}) since {self.since:%Y-%m-%d %H:%M} UTC, {self.attempts} attempt(s){detail}")


def stuck_messages(session: Session, now: datetime) -> list[StuckMessage]:
    """Failed messages out of attempts, unknown-fate ones no later message replaced, and stale pending ones.

    A pending message is stale when it waits since an outage (no claim) or its
    claim is older than :data:`~lipassess.services.dispatch.due.CLAIM_TIMEOUT`.
    """
    rows = session.execute(
        select(Message, Cohort.shortname, Wave.kind, Participant.moodle_user_id, Participant.pseudonym)
        .join(Invitation, Invitation.id == Message.invitation_id)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Cohort, Cohort.id == Wave.cohort_id)
        .join(Participant, Participant.id == Invitation.participant_id)
        .where(or_(
            and_(Message.status == "failed", Message.attempts >= MAX_ATTEMPTS),
            and_(Message.status == "unknown", not_replaced()),
            and_(Message.status == "pending", or_(Message.claimed_at.is_(None),
                                                  Message.claimed_at <= now - CLAIM_TIMEOUT)),
        ))
        .order_by(Message.updated_at, Message.id)
    ).all()
    return [
        StuckMessage(cohort=shortname, wave=kind.value, kind=m.kind, moodle_user_id=user, pseudonym=pseudonym,
                     status=m.status, attempts=m.attempts, since=m.claimed_at or m.updated_at, error=m.error)
        for m, shortname, kind, user, pseudonym in rows
    ]

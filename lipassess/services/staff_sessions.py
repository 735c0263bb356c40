"""Staff sessions kept in the store, so that they can end: revocation, idle and maximum lifetime.

The browser's (signed) session cookie holds only a random key; the store keeps
its SHA-256 with who signed in (a staff account, or an LTI instructor limited
to one cohort). Logging out, a password change, a role change and deactivation
revoke every session of that person, on every host at once, and a copied cookie
stops working with them. A session also ends after ``idle`` without a request
(sliding) and ``maximum`` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lipassess.store.models import StaffSession

#: A request within this long of the last recorded one does not write ``last_seen_at`` again.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionLifetime:
    """How long a session lives: ``idle`` after its last request, ``maximum`` after sign-in."""

    idle: timedelta
    maximum: timedelta


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def open_staff_session(session: Session, *, staff_user_id: int, now: datetime) -> str:
    """Record a password sign-in of ``staff_user_id``; returns the key for the cookie (shown only here)."""
    key = secrets.token_urlsafe(32)
    session.add(StaffSession(key_hash=_hash(key), staff_user_id=staff_user_id, created_at=now, last_seen_at=now))
    session.flush()
    return key


def open_lti_session(session: Session, *, moodle_user_id: int, cohort_id: int, display_name: str,
                     now: datetime) -> str:
    """Record an LTI instructor's sign-in, limited to ``cohort_id``; returns the key for the cookie."""
    key = secrets.token_urlsafe(32)
    session.add(StaffSession(key_hash=_hash(key), lti_moodle_user_id=moodle_user_id, lti_cohort_id=cohort_id,
                             display_name=display_name[:255], created_at=now, last_seen_at=now))
    session.flush()
    return key


def live_session(session: Session, key: object, *, lifetime: SessionLifetime, now: datetime) -> StaffSession | None:
    """The session behind ``key`` if it is neither revoked nor expired, its use recorded; else None."""
    if not isinstance(key, str) or not key:
        return None
    record = session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    if record is None or record.revoked_at is not None:
        return None
    if now >= record.last_seen_at + lifetime.idle or now >= record.created_at + lifetime.maximum:
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
        session.flush()
    return record


def revoke_staff_user_sessions(session: Session, staff_user_id: int, *, now: datetime) -> int:
    """End every session of a staff account; returns how many were live."""
    result = session.execute(update(StaffSession).where(StaffSession.staff_user_id == staff_user_id,
                                                        StaffSession.revoked_at.is_(None)).values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_lti_sessions(session: Session, moodle_user_id: int, *, now: datetime,
                        cohort_id: int | None = None) -> int:
    """End every LTI instructor session of a Moodle user (in one cohort only when ``cohort_id`` is given)."""
    conditions = [StaffSession.lti_moodle_user_id == moodle_user_id, StaffSession.revoked_at.is_(None)]
    if cohort_id is not None:
        conditions.append(StaffSession.lti_cohort_id == cohort_id)
    result = session.execute(update(StaffSession).where(*conditions).values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def end_session(session: Session, key: object, *, now: datetime) -> None:
    """Log out: end the session behind ``key`` and every other session of the same person."""
    if not isinstance(key, str) or not key:
        return
    record = session.scalar(select(StaffSession).where(StaffSession.key_hash == _hash(key)))
    if record is None:
        return
    record.revoked_at = record.revoked_at or now
    if record.staff_user_id is not None:
        revoke_staff_user_sessions(session, record.staff_user_id, now=now)
    elif record.lti_moodle_user_id is not None:
        revoke_lti_sessions(session, record.lti_moodle_user_id, now=now)
    session.flush()

"""Personal survey links: one random, expiring token per participant and wave.

A token is 32 random bytes (256 bits) in URL-safe base64 (43 characters). Only
its SHA-256 hash is stored (``Invitation.token_hash``), so a copy of the
database does not give anyone a working link. Issuing again for the same
participant and wave rotates the token: the row is upserted in one statement
(``INSERT .. ON CONFLICT (wave_id, participant_id) DO UPDATE``), the old token
stops working at once and the expiry starts again.

:func:`resolve_link` tells three cases apart, each its own error class so the
web layer can show the right page:

* :class:`LinkInvalid` (404): unknown, altered, truncated or replaced tokens.
  One class and one text for all of them, so the answer never reveals whether
  a participant or a wave exists.
* :class:`LinkExpired` (410): the token was valid but its time is over.
* :class:`LinkRevoked` (410): the program team withdrew the link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.errors import Conflict, Gone, InvalidInput, NotFound
from lipassess.store.models import Enrolment, EnrolmentStatus, Invitation, Participant, Wave

__all__ = [
    "TOKEN_BYTES",
    "LinkExpired",
    "LinkInvalid",
    "LinkRevoked",
    "hash_token",
    "issue_link",
    "link_path",
    "looks_like_token",
    "resolve_link",
    "revoke_link",
]

TOKEN_BYTES = 32
# base64url of 32 bytes without padding is 43 characters; anything else cannot be ours.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class LinkInvalid(NotFound):
    """The token is unknown, altered or replaced by a newer one (same answer for all)."""

    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__(
            "This link is not valid. Check that you opened the whole link from your newest "
            "message, or ask the program team for a new one."
        )


class LinkExpired(Gone):
    """The token was issued but its validity ended."""

    code = "link_expired"

    def __init__(self) -> None:
        super().__init__(
            "This link has expired. Use the link in your newest message, or ask the program team "
            "for a new one."
        )


class LinkRevoked(Gone):
    """The program team withdrew this link."""

    code = "link_revoked"

    def __init__(self) -> None:
        super().__init__(
            "This link has been withdrawn. Use the link in your newest message, or ask the program "
            "team for a new one."
        )


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token, as stored in ``Invitation.token_hash``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: object) -> bool:
    """True when ``token`` has the shape of one of our tokens (43 base64url characters)."""
    return isinstance(token, str) and bool(_TOKEN_SHAPE.match(token))


def link_path(token: str) -> str:
    """The path part of a personal link (prefix it with the service's ``BASE_URL``)."""
    return f"/s/{token}"


def _check_can_invite(session: Session, participant: Participant, wave: Wave) -> None:
    if participant.withdrawn_at is not None:
        raise Conflict(
            f"participant {participant.pseudonym} has withdrawn from the evaluation; "
            "no survey link is issued"
        )
    status = session.scalar(
        select(Enrolment.status).where(
            Enrolment.participant_id == participant.id, Enrolment.cohort_id == wave.cohort_id
        )
    )
    if status is None or status is EnrolmentStatus.UNENROLLED:
        raise Conflict(
            f"participant {participant.pseudonym} is not enrolled in the cohort of wave {wave.id}; "
            "sync the course from Moodle first, or leave them out"
        )


def issue_link(session: Session, *, participant: Participant, wave: Wave, now: datetime,
               ttl_days: int) -> str:
    """Create (or rotate) the participant's personal link to ``wave`` and return its token.

    Parameters
    ----------
    session
        The caller's store session; this function flushes, never commits.
    participant, wave
        Persistent objects. The participant must be enrolled (active or
        suspended) in the wave's cohort and not withdrawn.
    now
        An aware datetime: the moment of issue.
    ttl_days
        Days the link stays valid (``LINK_TTL_DAYS``).

    Returns
    -------
    str
        The token, to put into the link (see :func:`link_path`). It is not
        stored anywhere and cannot be recovered: issuing again gives a new one
        and the previous token stops working. A revoked link is re-activated
        by issuing it again.

    Raises
    ------
    InvalidInput
        ``ttl_days`` below 1 or a naive ``now``.
    Conflict
        The participant has withdrawn or is not enrolled in the wave's cohort.
    """
    if ttl_days < 1:
        raise InvalidInput(f"ttl_days must be at least 1 (got {ttl_days}); set LINK_TTL_DAYS")
    if now.tzinfo is None:
        raise InvalidInput("now must be an aware datetime (UTC)")
    _check_can_invite(session, participant, wave)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    values = {
        "wave_id": wave.id,
        "participant_id": participant.id,
        "token_hash": hash_token(token),
        "expires_at": now + timedelta(days=ttl_days),
        "revoked_at": None,
        "created_at": now,
        "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Invitation).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Invitation.wave_id, Invitation.participant_id],
        set_={
            "token_hash": statement.excluded.token_hash,
            "expires_at": statement.excluded.expires_at,
            "revoked_at": None,
            "previous_token_hash": None,
            "updated_at": statement.excluded.updated_at,
        },
    )
    session.flush()
    session.execute(statement)
    # The identity map may hold the row with its old hash; the next read must see the new one.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Invitation) and obj.wave_id == wave.id and obj.participant_id == participant.id:
            session.expire(obj)
    return token


#: The invitation of a token's hash, current or previous (built once: building a statement costs more than running it).
_BY_TOKEN_HASH = select(Invitation).where(or_(Invitation.token_hash == bindparam("hashed"),
                                              Invitation.previous_token_hash == bindparam("hashed")))


def resolve_link(session: Session, token: str, now: datetime) -> Invitation:
    """The invitation a token opens, checked for expiry and revocation.

    Raises
    ------
    LinkInvalid
        Unknown, altered, malformed or replaced token.
    LinkRevoked
        The link was withdrawn (``revoked_at`` set).
    LinkExpired
        ``now`` is at or after ``expires_at``.
    """
    if not looks_like_token(token):
        raise LinkInvalid()
    # previous_token_hash: the link dispatch keeps working until Moodle accepted the newer message.
    hashed = hash_token(token)
    invitation = session.scalar(_BY_TOKEN_HASH, {"hashed": hashed})
    if invitation is None:
        raise LinkInvalid()
    if invitation.revoked_at is not None:
        raise LinkRevoked()
    if now >= invitation.expires_at:
        raise LinkExpired()
    return invitation


def revoke_link(session: Session, *, participant_id: int, wave_id: int, now: datetime) -> bool:
    """Withdraw a participant's link to a wave; True when there was one to withdraw."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.participant_id == participant_id,
                                 Invitation.wave_id == wave_id)
    )
    if invitation is None or invitation.revoked_at is not None:
        return False
    invitation.revoked_at = now
    session.flush()
    return True


def live_invitation(session: Session, invitation_id: object, *, participant_id: int,
                    wave_id: int) -> Invitation | None:
    """The invitation a link session holds for ``wave_id`` when it is ``participant_id``'s, else None.

    Raises
    ------
    LinkRevoked
        Staff revoked that invitation.
    """
    invitation = session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.participant_id != participant_id or invitation.wave_id != wave_id:
        return None
    if invitation.revoked_at is not None:
        raise LinkRevoked()
    return invitation

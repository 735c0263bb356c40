"""Personal rater links: the same tokens, hashing and answers as participants' links.

A rater's token is 32 random bytes in URL-safe base64; only its SHA-256 hash is
stored (``Rater.token_hash``). Issuing again rotates it (the old link stops
working at once). :func:`resolve_rater_link` raises the very errors of
:func:`lipassess.services.links.resolve_link`: :class:`LinkInvalid` (404, the
same text for unknown, altered, truncated and replaced tokens, so the answer
never reveals whether a rater exists), :class:`LinkExpired` and
:class:`LinkRevoked` (410). Rater links live under ``/r/``, participants' under
``/s/``: a token of one kind never opens the other.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.errors import Conflict, InvalidInput
from lipassess.services.links import (
    TOKEN_BYTES,
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
    hash_token,
    looks_like_token,
)
from lipassess.store.models import Participant
from lipassess.store.rater_models import Rater

__all__ = ["issue_rater_link", "rater_link_path", "resolve_rater_link", "revoke_rater_link"]


def rater_link_path(token: str) -> str:
    """The path part of a rater's link (prefix it with ``BASE_URL``)."""
    return f"/r/{token}"


def issue_rater_link(session: Session, rater: Rater, *, now: datetime, ttl_days: int) -> str:
    """A new token for ``rater`` (valid ``ttl_days``); any earlier token stops working.

    Raises
    ------
    InvalidInput
        ``ttl_days`` below 1 or a naive ``now``.
    Conflict
        The rater already submitted, or the participant withdrew from the evaluation.
    """
    if ttl_days < 1:
        raise InvalidInput(f"ttl_days must be at least 1 (got {ttl_days}); set LINK_TTL_DAYS")
    if now.tzinfo is None:
        raise InvalidInput("now must be an aware datetime (UTC)")
    if rater.submitted_at is not None:
        raise Conflict(f"rater {rater.id} has already submitted; no new link is issued")
    participant = session.get(Participant, rater.participant_id)
    if participant is None or participant.withdrawn_at is not None:
        raise Conflict(f"the participant rated by rater {rater.id} has withdrawn; no link is issued")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    rater.token_hash = hash_token(token)
    rater.expires_at = now + timedelta(days=ttl_days)
    rater.revoked_at = None
    rater.updated_at = now
    session.flush()
    return token


def resolve_rater_link(session: Session, token: str, now: datetime) -> Rater:
    """The rater a token opens, checked for shape, expiry and revocation (as participants' links)."""
    if not looks_like_token(token):
        raise LinkInvalid()
    rater = session.scalar(select(Rater).where(Rater.token_hash == hash_token(token))
                           .execution_options(populate_existing=True))
    if rater is None or rater.expires_at is None:
        raise LinkInvalid()
    if rater.revoked_at is not None:
        raise LinkRevoked()
    if now >= rater.expires_at:
        raise LinkExpired()
    participant = session.get(Participant, rater.participant_id)
    if participant is None or participant.withdrawn_at is not None:
        raise LinkRevoked()
    return rater


def revoke_rater_link(session: Session, rater: Rater, *, now: datetime) -> bool:
    """Withdraw a rater's link; True when there was a live one."""
    if rater.token_hash is None or rater.revoked_at is not None:
        return False
    rater.revoked_at = now
    session.flush()
    return True

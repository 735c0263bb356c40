"""Claim a batch (links and texts), send it through Moodle, record Moodle's answer per message."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.services import messages as templates
from lipassess.services.dispatch.due import Due
from lipassess.services.dispatch.report import DispatchItem
from lipassess.store.models import Cohort, Invitation, Message, Participant, Wave
from lipassess.store.types import storable_text
from moodle_plugin_bridge import (
    FORMAT_HTML,
    MoodleAccessError,
    MoodleAuthError,
    MoodleClient,
    MoodleError,
    MoodleInvalidParameter,
    MoodleProtocolError,
    MoodleTransportError,
    OutgoingMessage,
)

TOKEN_MASK = "[token]"

IssueLink = Callable[..., str]
Outcome = tuple[str, "int | None", "str | None"]
"""``(status, Moodle's message id, error)``; status ``sent``, ``failed``, ``unknown`` or ``unsent``."""


@dataclasses.dataclass(slots=True)
class Claimed:
    """A message taken by this run: its text (with the live token), and the link it replaced."""

    message_id: int
    invitation_id: int
    to_user_id: int
    text: str
    item: DispatchItem
    new_hash: str
    old_link: tuple[str, datetime] | None


def _insert_message(session: Session, values: Mapping[str, Any]) -> int | None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Message)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Message.invitation_id, Message.kind])
        .returning(Message.id)
    )
    return session.scalar(statement)


def _take(session: Session, message: Message, language: str, now: datetime) -> bool:
    """Compare-and-set a stored message to claimed ``pending``; False when another run took it first."""
    condition = [Message.id == message.id, Message.status == message.status, Message.attempts == message.attempts]
    if message.status == "pending":
        condition.append(Message.claimed_at.is_(None))
    # Session.execute is typed as returning Result; for an UPDATE it is a CursorResult.
    taken = cast(CursorResult[Any], session.execute(
        update(Message).where(*condition).values(status="pending", claimed_at=now, language=language)
    )).rowcount
    return taken == 1


def _new_link(session: Session, person: Participant, wave: Wave, invitation: Invitation | None, *, now: datetime,
              ttl_days: int, issue_link: IssueLink) -> str:
    """Issue the token for this message, keeping the last accepted link working until Moodle accepts this one."""
    keep = (invitation.previous_token_hash or invitation.token_hash) if invitation is not None else None
    token = issue_link(session, participant=person, wave=wave, now=now, ttl_days=ttl_days)
    if keep is not None:
        session.execute(update(Invitation).where(Invitation.wave_id == wave.id,
                                                 Invitation.participant_id == person.id)
                        .values(previous_token_hash=keep))
    return token


def claim(
    session: Session,
    wave: Wave,
    due: Iterable[Due],
    *,
    now: datetime,
    base_url: str,
    ttl_days: int,
    issue_link: IssueLink,
) -> list[Claimed]:
    """Take the due messages (rows ``pending`` with ``claimed_at``), issue their links, store their texts.

    Call it holding the wave's lock: only the holder of a message's claim may issue its link.
    """
    cohort = session.get_one(Cohort, wave.cohort_id)
    claimed: list[Claimed] = []
    for entry in due:
        person = entry.participant
        language = templates.message_language(person.language)
        invitation = session.scalar(
            select(Invitation).where(Invitation.wave_id == wave.id, Invitation.participant_id == person.id)
        )
        old_link = (invitation.token_hash, invitation.expires_at) if invitation else None
        if entry.message is None:
            token = _new_link(session, person, wave, invitation, now=now, ttl_days=ttl_days, issue_link=issue_link)
            invitation = session.scalars(
                select(Invitation).where(Invitation.wave_id == wave.id, Invitation.participant_id == person.id)
            ).one()
            message_id = _insert_message(session, {
                "invitation_id": invitation.id, "kind": entry.kind, "status": "pending", "language": language,
                "claimed_at": now})
            if message_id is None:  # another dispatcher holds it (cannot happen under the wave lock)
                continue
            message = session.get_one(Message, message_id)
        else:
            message = entry.message
            if invitation is None:  # due_messages found this message through its invitation to this wave
                raise RuntimeError(f"message {message.id} has no invitation to wave {wave.id}")
            if not _take(session, message, language, now):
                continue
            session.refresh(message)
            token = _new_link(session, person, wave, invitation, now=now, ttl_days=ttl_days, issue_link=issue_link)
        session.refresh(invitation)
        url = f"{base_url.rstrip('/')}/s/{token}"
        text = templates.render(kind=entry.kind, language=language, name=person.full_name,
                                course=cohort.fullname, wave_kind=wave.kind.value, url=url,
                                closes_at=wave.closes_at)
        message.body = text.replace(token, TOKEN_MASK)
        message.error = None
        item = DispatchItem(cohort=cohort.shortname, wave=wave.kind.value, kind=entry.kind,
                            moodle_user_id=person.moodle_user_id, pseudonym=person.pseudonym, language=language,
                            status="pending", attempt=message.attempts + 1)
        claimed.append(Claimed(message_id=message.id, invitation_id=invitation.id,
                               to_user_id=person.moodle_user_id, text=text, item=item,
                               new_hash=invitation.token_hash, old_link=old_link))
    session.flush()
    return claimed


def _restore_link(session: Session, claim: Claimed) -> None:
    """Moodle did not take the message: the participant's link is the one they hold (if nobody rotated it since)."""
    invitation = session.get_one(Invitation, claim.invitation_id)
    if invitation.token_hash != claim.new_hash:
        return
    if invitation.previous_token_hash is not None:
        invitation.token_hash, invitation.previous_token_hash = invitation.previous_token_hash, None
        if claim.old_link is not None and claim.old_link[0] == invitation.token_hash:
            invitation.expires_at = claim.old_link[1]


def record(session: Session, claimed: list[Claimed], outcomes: list[Outcome], now: datetime) -> list[DispatchItem]:
    """Store Moodle's answer per message; an attempt counts only when Moodle answered for that message."""
    items = []
    loaded = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_([c.message_id for c in claimed])))}
    for claim_, (status, moodle_id, error) in zip(claimed, outcomes, strict=True):
        message = loaded[claim_.message_id]
        message.error = error
        if status == "sent":
            message.attempts += 1
            message.status, message.moodle_message_id, message.sent_at = "sent", moodle_id, now
            session.execute(update(Invitation).where(Invitation.id == claim_.invitation_id,
                                                     Invitation.token_hash == claim_.new_hash)
                            .values(previous_token_hash=None))
        elif status == "failed":
            message.attempts += 1
            message.status, message.claimed_at = "failed", None
            _restore_link(session, claim_)
        elif status == "unsent":  # Moodle never got it: waits for the next run, no attempt used
            message.status, message.claimed_at = "pending", None
            _restore_link(session, claim_)
        else:  # unknown: both links keep working, the next message of the sequence takes its place
            message.status = "unknown"
        items.append(dataclasses.replace(claim_.item, status=status, moodle_message_id=moodle_id, error=error))
    session.flush()
    return items


def batch_fate(error: MoodleError) -> str:
    """What a failed batch call means for its messages: ``unsent`` (Moodle did not act on it) or ``unknown``.

    Unsent: the connection was never made (refused, connect timeout: the client
    marks those retryable even for a write), Moodle refused the call itself
    (token, capability, parameters: checked before any message goes out), or
    something other than Moodle answered (an HTML login, maintenance or proxy
    page: Moodle's web service always answers JSON). Unknown: a 5xx, a read
    timeout or dropped connection after the request went out, a truncated or
    unreadable answer: Moodle may have delivered the messages.
    """
    if isinstance(error, MoodleTransportError):
        return "unsent" if error.retryable else "unknown"
    if isinstance(error, MoodleAuthError | MoodleAccessError | MoodleInvalidParameter):
        return "unsent"
    if isinstance(error, MoodleProtocolError) and error.http_status is None and "answer is not JSON" in error.message:
        return "unsent"
    return "unknown"


def send(client: MoodleClient, claimed: list[Claimed]) -> tuple[list[Outcome], MoodleError | None]:
    """Moodle's verdict per message, and the error that stopped the batch (if any)."""
    outgoing = [
        OutgoingMessage(to_user_id=c.to_user_id, text=c.text, text_format=FORMAT_HTML,
                        client_msg_id=f"lipassess-message-{c.message_id}-{c.item.attempt}")
        for c in claimed
    ]
    stop: MoodleError | None = None
    try:
        results = list(client.send_messages(outgoing))
    except MoodleError as err:
        results, stop = list(err.partial), err
    outcomes: list[Outcome] = [
        ("sent", r.msgid, None) if r.ok
        else ("failed", None, storable_text(r.errormessage or "Moodle refused the message"))
        for r in results
    ]
    if stop is not None:
        outcomes += [(batch_fate(stop), None, stop.message)] * (len(claimed) - len(outcomes))
    return outcomes, stop

"""Open the waves that are due and send invitations and reminders through Moodle messaging.

One run (``lipassess dispatch``, from cron on any number of hosts):

1. **open** every wave whose window has started (``opens_at <= now <
   closes_at``) and that is not open yet: one conditional ``UPDATE ...
   WHERE opened_at IS NULL RETURNING``, so exactly one host opens it.
2. per open wave, repeatedly, until nothing is due:

   a. **claim** (one short transaction holding the wave's lock,
      :func:`lipassess.store.locks.lock`): work out which messages are due,
      insert their ``Message`` rows with status ``pending`` (the unique
      ``(invitation, kind)`` constraint makes a second insert impossible),
      or move failed ones back to ``pending`` with a compare-and-set
      ``UPDATE``; issue each claimed message's personal link and store the
      text. The lock matters for the link: issuing rotates the token and the
      old one stops working, so only the holder of a message's claim may
      issue its link.
   b. **send** the claimed batch with ``core_message_send_instant_messages``,
      outside any transaction.
   c. **record** each answer: ``sent`` (Moodle's message id, ``sent_at``) or
      ``failed`` (Moodle's reason; the previous link is restored, so the
      participant's last delivered link keeps working).

Who gets what: active student enrolments of the wave's cohort, not withdrawn,
who have not submitted the wave and whose link to it staff have not revoked. The invitation first; reminder *k*
(``reminder_1`` ... up to ``REMINDERS``) once the previous message was sent
``REMINDER_SPACING_DAYS`` ago, while the wave is open. Suspended, unenrolled
and withdrawn participants get nothing.

Never twice: a message row exists at most once per invitation and kind, and
only ``failed`` rows are sent again, at most :data:`MAX_ATTEMPTS` times in
all, on a later run. A row left ``pending`` means its fate is unknown (the
process died, or Moodle timed out mid-write): it is never re-sent
automatically and the run reports it; check Moodle's message log.

``Message.body`` is the exact text sent, except the personal token, which is
replaced by ``[token]``: tokens are stored only as hashes.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from lipassess.errors import InvalidInput
from lipassess.services import messages as templates
from lipassess.services.waves import LOCAL_TZ, parse_when
from lipassess.store import locks
from lipassess.store.database import session_scope
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
from lipassess.store.types import utcnow
from moodle_plugin_bridge import (
    FORMAT_HTML,
    MoodleClient,
    MoodleError,
    MoodleProtocolError,
    MoodleTransportError,
    OutgoingMessage,
)

MAX_ATTEMPTS = 3
"""Sends of one message, at most (the first and two retries on later runs)."""

BATCH_SIZE = 100
"""Messages claimed, sent and recorded together."""

TOKEN_MASK = "[token]"
LINK_PLACEHOLDER = "[personal link, issued when the message is sent]"

IssueLink = Callable[..., str]


# --------------------------------------------------------------------------- report


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DispatchItem:
    """One message: sent, failed, unconfirmed, or (dry run) due."""

    cohort: str
    wave: str
    kind: str
    moodle_user_id: int
    pseudonym: str
    language: str
    status: str
    attempt: int = 1
    moodle_message_id: int | None = None
    error: str | None = None
    body: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class DispatchReport:
    """What one run did (or, dry, would do).

    Attributes
    ----------
    as_of
        The time the run acted as.
    opened
        Waves opened by this run (``cohort/kind``); in a dry run, those it would open.
    items
        Every message handled, in order.
    unconfirmed
        Messages still ``pending`` from an earlier run (fate unknown).
    error
        Why the run stopped early (Moodle refused or failed a whole batch), else ``None``.
    """

    as_of: datetime
    dry_run: bool
    opened: tuple[str, ...] = ()
    items: tuple[DispatchItem, ...] = ()
    unconfirmed: int = 0
    error: str | None = None

    def counts(self) -> dict[str, int]:
        """Messages per status."""
        return dict(Counter(item.status for item in self.items))

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "opened": list(self.opened),
            "counts": self.counts(),
            "messages": [item.to_dict() for item in self.items],
            "unconfirmed": self.unconfirmed,
            "error": self.error,
        }

    def summary(self) -> str:
        """Lines for people: opened waves, one line per message, totals."""
        when = self.as_of.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        lines = [f"dispatch {'(dry run) ' if self.dry_run else ''}as of {when} Asia/Phnom_Penh"]
        verb = "would open" if self.dry_run else "opened"
        lines += [f"{verb} wave {name}" for name in self.opened]
        for item in self.items:
            detail = f": {item.error}" if item.error else ""
            attempt = f" (attempt {item.attempt})" if item.attempt > 1 else ""
            lines.append(
                f"{item.status:<11} {item.kind:<11} {item.cohort}/{item.wave} to user {item.moodle_user_id} "
                f"({item.pseudonym}, {item.language}){attempt}{detail}"
            )
            if self.dry_run and item.body:
                lines.append(f"            {item.body}")
        counts = self.counts()
        totals = ", ".join(f"{counts[s]} {s}" for s in sorted(counts)) or "nothing to send"
        lines.append(f"messages: {totals}")
        if self.unconfirmed:
            lines.append(
                f"{self.unconfirmed} message(s) from earlier runs are unconfirmed (status pending): "
                "check Moodle's message log; they are not sent again automatically"
            )
        if self.error:
            lines.append(f"stopped: {self.error}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- time


def as_of_time(text: str | None) -> datetime:
    """``--as-of``: a day (noon in Cambodia) or an ISO time; now when ``None``."""
    if text is None:
        return utcnow()
    value = text.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return parse_when(value, what="--as-of")
    return datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)


# --------------------------------------------------------------------------- what is due


@dataclasses.dataclass(slots=True)
class _Due:
    participant: Participant
    kind: str
    message: Message | None = None  # a failed message to retry


def _kinds(reminders: int) -> list[str]:
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


def _due(
    session: Session,
    wave: Wave,
    *,
    now: datetime,
    reminders: int,
    spacing: timedelta,
    retry_before: datetime | None,
    limit: int,
) -> list[_Due]:
    """The messages of ``wave`` due at ``now``: new ones first, then failed ones to retry.

    Decided on plain rows (no ORM objects for the whole cohort); only the
    ``limit`` chosen participants and messages are loaded as objects.
    """
    people = _eligible_ids(session, wave)
    if not people:
        return []
    rows = session.execute(
        select(Invitation.participant_id, Message.id, Message.kind, Message.status, Message.sent_at,
               Message.attempts, Message.updated_at)
        .join(Message, Message.invitation_id == Invitation.id)
        .where(Invitation.wave_id == wave.id)
    ).all()
    by_participant: dict[int, dict[str, Any]] = {}
    for row in rows:
        by_participant.setdefault(row.participant_id, {})[row.kind] = row
    kinds = _kinds(reminders)
    due: list[tuple[int, str, int | None]] = []
    retries: list[tuple[int, str, int | None]] = []
    for person in people:
        sent = by_participant.get(person, {})
        for index, kind in enumerate(kinds):
            message = sent.get(kind)
            if message is None:
                if index == 0:
                    due.append((person, kind, None))
                else:
                    previous = sent[kinds[index - 1]]
                    if previous.status == "sent" and previous.sent_at and previous.sent_at + spacing <= now:
                        due.append((person, kind, None))
                break
            if message.status == "sent":
                continue
            if (
                message.status == "failed"
                and retry_before is not None
                and message.attempts < MAX_ATTEMPTS
                and message.updated_at < retry_before
            ):
                retries.append((person, kind, message.id))
            break
    chosen = (due + retries)[:limit]
    if not chosen:
        return []
    participants = {p.id: p for p in session.scalars(
        select(Participant).where(Participant.id.in_([c[0] for c in chosen])))}
    retried = [c[2] for c in chosen if c[2] is not None]
    failed = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(retried)))} if retried else {}
    return [_Due(participants[pid], kind, failed.get(mid) if mid else None) for pid, kind, mid in chosen]


def _open_waves(session: Session, now: datetime) -> list[Wave]:
    return list(
        session.scalars(
            select(Wave)
            .where(Wave.opens_at.is_not(None), Wave.opens_at <= now,
                   or_(Wave.closes_at.is_(None), Wave.closes_at > now))
            .order_by(Wave.cohort_id, Wave.id)
        )
    )


def _open_due_waves(session: Session, now: datetime, *, dry_run: bool) -> list[str]:
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


def _unconfirmed(session: Session, before: datetime) -> int:
    return len(
        session.scalars(select(Message.id).where(Message.status == "pending", Message.updated_at < before)).all()
    )


# --------------------------------------------------------------------------- claim, send, record


@dataclasses.dataclass(slots=True)
class _Claimed:
    message_id: int
    invitation_id: int
    to_user_id: int
    text: str
    item: DispatchItem
    new_hash: str
    old_link: tuple[str, datetime, datetime | None] | None


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


def _claim(
    session: Session,
    wave: Wave,
    due: Iterable[_Due],
    *,
    now: datetime,
    base_url: str,
    ttl_days: int,
    issue_link: IssueLink,
) -> list[_Claimed]:
    cohort = session.get_one(Cohort, wave.cohort_id)
    claimed: list[_Claimed] = []
    for entry in due:
        person = entry.participant
        language = templates.message_language(person.language)
        invitation = session.scalar(
            select(Invitation).where(Invitation.wave_id == wave.id, Invitation.participant_id == person.id)
        )
        old_link = (invitation.token_hash, invitation.expires_at, invitation.revoked_at) if invitation else None
        if entry.message is None:
            if invitation is None:
                token = issue_link(session, participant=person, wave=wave, now=now, ttl_days=ttl_days)
                invitation = session.scalars(
                    select(Invitation).where(Invitation.wave_id == wave.id, Invitation.participant_id == person.id)
                ).one()
                old_link = None
            else:
                token = None
            message_id = _insert_message(
                session,
                {"invitation_id": invitation.id, "kind": entry.kind, "status": "pending", "language": language},
            )
            if message_id is None:  # another dispatcher holds it (cannot happen under the wave lock)
                continue
            message = session.get_one(Message, message_id)
        else:
            message = entry.message
            if invitation is None:  # _due found this message through its invitation to this wave
                raise RuntimeError(f"message {message.id} has no invitation to wave {wave.id}")
            # Session.execute is typed as returning Result; for an UPDATE it is a CursorResult.
            taken = cast(CursorResult[Any], session.execute(
                update(Message)
                .where(Message.id == message.id, Message.status == "failed", Message.attempts == message.attempts)
                .values(status="pending", language=language)
            )).rowcount
            if taken != 1:
                continue
            session.refresh(message)
            token = None
        if token is None:
            token = issue_link(session, participant=person, wave=wave, now=now, ttl_days=ttl_days)
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
        claimed.append(_Claimed(message_id=message.id, invitation_id=invitation.id,
                                to_user_id=person.moodle_user_id, text=text, item=item,
                                new_hash=invitation.token_hash, old_link=old_link))
    session.flush()
    return claimed


def _record(session: Session, claimed: list[_Claimed], outcomes: list[tuple[str, int | None, str | None]],
            now: datetime) -> list[DispatchItem]:
    items = []
    loaded = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_([c.message_id for c in claimed])))}
    for claim, (status, moodle_id, error) in zip(claimed, outcomes, strict=True):
        message = loaded[claim.message_id]
        message.attempts += 1
        message.error = error
        if status == "sent":
            message.status, message.moodle_message_id, message.sent_at = "sent", moodle_id, now
        elif status == "failed":
            message.status = "failed"
            if claim.old_link is not None:
                # Give the participant back the link they last received (if nobody rotated it since).
                session.execute(
                    update(Invitation)
                    .where(Invitation.id == claim.invitation_id, Invitation.token_hash == claim.new_hash)
                    .values(token_hash=claim.old_link[0], expires_at=claim.old_link[1], revoked_at=claim.old_link[2])
                )
        # "unconfirmed" stays pending: its fate is unknown.
        items.append(dataclasses.replace(claim.item, status=status, moodle_message_id=moodle_id, error=error))
    session.flush()
    return items


def _send(client: MoodleClient, claimed: list[_Claimed]) -> tuple[list[tuple[str, int | None, str | None]], str | None]:
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
    outcomes: list[tuple[str, int | None, str | None]] = [
        ("sent", r.msgid, None) if r.ok else ("failed", None, r.errormessage or "Moodle refused the message")
        for r in results
    ]
    if stop is not None:
        # A transport error after the request may have reached Moodle, or an answer that cannot
        # be read: Moodle may have delivered the rest, so they stay unconfirmed. Any other error
        # (refused connection, missing capability, bad token ...) means nothing more was sent.
        unknown = isinstance(stop, MoodleProtocolError) or (isinstance(stop, MoodleTransportError)
                                                            and not stop.retryable)
        rest = "unconfirmed" if unknown else "failed"
        outcomes += [(rest, None, stop.message)] * (len(claimed) - len(outcomes))
    return outcomes, (stop.message if stop is not None else None)


# --------------------------------------------------------------------------- the use case


def dispatch(
    factory: sessionmaker[Session],
    client: MoodleClient | None,
    *,
    now: datetime,
    base_url: str,
    ttl_days: int,
    reminders: int,
    spacing_days: int,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    issue_link: IssueLink | None = None,
) -> DispatchReport:
    """Open due waves and send due messages (see the module docstring); each step commits on its own.

    Parameters
    ----------
    factory
        Makes store sessions.
    client
        The Moodle client (not used, and may be ``None``, in a dry run).
    now
        The time to act as (``--as-of``).
    base_url
        This service's public address; links are ``<base_url>/s/<token>``.
    ttl_days, reminders, spacing_days
        ``LINK_TTL_DAYS``, ``REMINDERS``, ``REMINDER_SPACING_DAYS``.
    dry_run
        Work out what is due and change nothing: no wave opened, no link
        issued, no message stored or sent.
    issue_link
        The link issuer (default :func:`lipassess.services.links.issue_link`).
    """
    if reminders < 0 or spacing_days < 1 or batch_size < 1:
        raise InvalidInput("REMINDERS must be 0 or more and REMINDER_SPACING_DAYS at least 1; fix the configuration")
    started = utcnow()
    spacing = timedelta(days=spacing_days)
    if dry_run:
        return _dry_run(factory, now=now, reminders=reminders, spacing=spacing, base_url=base_url, started=started)
    if client is None:
        raise InvalidInput("dispatch needs a Moodle client unless it is a dry run")
    if issue_link is None:
        from lipassess.services.links import issue_link as default_issue_link  # the personal-link service

        issue_link = default_issue_link
    with session_scope(factory) as session:
        opened = _open_due_waves(session, now, dry_run=False)
        unconfirmed = _unconfirmed(session, started)
        wave_ids = [w.id for w in _open_waves(session, now)]
    items: list[DispatchItem] = []
    stop: str | None = None
    for wave_id in wave_ids:
        while stop is None:
            with session_scope(factory) as session:
                locks.lock(session, locks.DISPATCH, wave_id)
                wave = session.get_one(Wave, wave_id)
                due = _due(session, wave, now=now, reminders=reminders, spacing=spacing, retry_before=started,
                           limit=batch_size)
                claimed = _claim(session, wave, due, now=now, base_url=base_url, ttl_days=ttl_days,
                                 issue_link=issue_link)
            if not claimed:
                break
            outcomes, stop = _send(client, claimed)
            with session_scope(factory) as session:
                items += _record(session, claimed, outcomes, now)
        if stop is not None:
            break
    return DispatchReport(as_of=now, dry_run=False, opened=tuple(opened), items=tuple(items),
                          unconfirmed=unconfirmed, error=stop)


def _dry_run(
    factory: sessionmaker[Session], *, now: datetime, reminders: int, spacing: timedelta, base_url: str,
    started: datetime,
) -> DispatchReport:
    session = factory()
    try:
        opened = _open_due_waves(session, now, dry_run=True)
        items: list[DispatchItem] = []
        for wave in _open_waves(session, now):
            cohort = session.get_one(Cohort, wave.cohort_id)
            for entry in _due(session, wave, now=now, reminders=reminders, spacing=spacing, retry_before=started,
                              limit=10**9):
                person = entry.participant
                language = templates.message_language(person.language)
                text = templates.render(kind=entry.kind, language=language, name=person.full_name,
                                        course=cohort.fullname, wave_kind=wave.kind.value,
                                        url=f"{base_url.rstrip('/')}/s/{LINK_PLACEHOLDER}",
                                        closes_at=wave.closes_at)
                items.append(DispatchItem(
                    cohort=cohort.shortname, wave=wave.kind.value, kind=entry.kind,
                    moodle_user_id=person.moodle_user_id, pseudonym=person.pseudonym, language=language,
                    status="would send", attempt=(entry.message.attempts + 1) if entry.message else 1, body=text,
                ))
        return DispatchReport(as_of=now, dry_run=True, opened=tuple(opened), items=tuple(items),
                              unconfirmed=_unconfirmed(session, started))
    finally:
        session.rollback()
        session.close()

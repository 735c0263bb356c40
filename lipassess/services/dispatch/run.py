"""The use case: one dispatch run (and its dry run), each step in its own short transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lipassess.errors import InvalidInput
from lipassess.services import messages as templates
from lipassess.services.dispatch.due import (
    Policy,
    count_open,
    due_messages,
    open_due_waves,
    open_waves,
    resolve_abandoned,
)
from lipassess.services.dispatch.report import DispatchItem, DispatchReport
from lipassess.services.dispatch.send import IssueLink, claim, record, send
from lipassess.store import locks
from lipassess.store.database import session_scope
from lipassess.store.models import Cohort, Wave
from lipassess.store.types import utcnow
from moodle_plugin_bridge import MoodleClient, MoodleError

BATCH_SIZE = 100
"""Messages claimed, sent and recorded together."""

LINK_PLACEHOLDER = "[personal link, issued when the message is sent]"

Progress = Callable[[int, int], None]
"""``progress(done, total)``: messages handled so far of those due when the run started."""


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
    policy: Policy | None = None,
    progress: Progress | None = None,
) -> DispatchReport:
    """Open due waves and send due messages (see the package docstring); each step commits on its own.

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
    policy
        Which stored messages are sent again (``--retry-failed``, ``--resend-unknown``).
    progress
        Called after each batch (``lipassess dispatch`` draws a bar with it on a terminal).

    Returns
    -------
    DispatchReport
        ``error`` is set when the run stopped early: Moodle could not be reached
        or refused the call (the batch waits for the next run, no attempt used), or a
        batch's fate is unknown (those messages become ``unknown``).
    """
    if reminders < 0 or spacing_days < 1 or batch_size < 1:
        raise InvalidInput("REMINDERS must be 0 or more and REMINDER_SPACING_DAYS at least 1; fix the configuration")
    started = utcnow()
    spacing = timedelta(days=spacing_days)
    policy = policy or Policy()
    if dry_run:
        return _dry_run(factory, now=now, reminders=reminders, spacing=spacing, base_url=base_url, started=started,
                        policy=policy)
    if client is None:
        raise InvalidInput("dispatch needs a Moodle client unless it is a dry run")
    if issue_link is None:
        from lipassess.services.links import issue_link as default_issue_link  # the personal-link service

        issue_link = default_issue_link
    with session_scope(factory) as session:
        opened = open_due_waves(session, now, dry_run=False)
        resolved = resolve_abandoned(session, now)
        wave_ids = [w.id for w in open_waves(session, now)]
        total = sum(len(due_messages(session, session.get_one(Wave, w), now=now, reminders=reminders,
                                     spacing=spacing, retry_before=started, limit=10**9, policy=policy))
                    for w in wave_ids) if progress is not None else 0
    if progress is not None:
        progress(0, total)
    items: list[DispatchItem] = []
    stop: MoodleError | None = None
    for wave_id in wave_ids:
        while stop is None:
            with session_scope(factory) as session:
                locks.lock(session, locks.DISPATCH, wave_id)
                wave = session.get_one(Wave, wave_id)
                due = due_messages(session, wave, now=now, reminders=reminders, spacing=spacing,
                                   retry_before=started, limit=batch_size, policy=policy)
                claimed = claim(session, wave, due, now=now, base_url=base_url, ttl_days=ttl_days,
                                issue_link=issue_link)
            if not claimed:
                break
            try:
                outcomes, stop = send(client, claimed)
            except Exception:
                # Not Moodle's answer: a fault of this process after the claim. Moodle may have the
                # messages, so they become unknown-fate rather than "pending" for ever, and the error goes on.
                with session_scope(factory) as session:
                    record(session, claimed, [("unknown", None, "the run failed while sending")] * len(claimed),
                           now)
                raise
            with session_scope(factory) as session:
                items += record(session, claimed, outcomes, now)
            if progress is not None:
                progress(len(items), max(total, len(items)))
        if stop is not None:
            break
    with session_scope(factory) as session:
        unconfirmed, in_flight = count_open(session, now)
    return DispatchReport(as_of=now, dry_run=False, opened=tuple(opened), items=tuple(items),
                          unconfirmed=unconfirmed, in_flight=in_flight, resolved=resolved,
                          error=_stopped(stop, items) if stop is not None else None)


def _stopped(error: MoodleError, items: list[DispatchItem]) -> str:
    """One line: why the run stopped and what became of the batch."""
    unsent = sum(1 for i in items if i.status == "unsent")
    unknown = sum(1 for i in items if i.status == "unknown")
    if unknown:
        return (f"{error.message}; {unknown} message(s) may or may not have arrived: they are not sent again "
                "automatically (see 'lipassess dispatch --stuck'); the rest wait for the next run")
    return f"{error.message}; {unsent} message(s) and everything not yet sent wait for the next run"


def _dry_run(
    factory: sessionmaker[Session], *, now: datetime, reminders: int, spacing: timedelta, base_url: str,
    started: datetime, policy: Policy,
) -> DispatchReport:
    session = factory()
    try:
        opened = open_due_waves(session, now, dry_run=True)
        items: list[DispatchItem] = []
        for wave in open_waves(session, now):
            cohort = session.get_one(Cohort, wave.cohort_id)
            for entry in due_messages(session, wave, now=now, reminders=reminders, spacing=spacing,
                                      retry_before=started, limit=10**9, policy=policy):
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
        unconfirmed, in_flight = count_open(session, now)
        return DispatchReport(as_of=now, dry_run=True, opened=tuple(opened), items=tuple(items),
                              unconfirmed=unconfirmed, in_flight=in_flight)
    finally:
        session.rollback()
        session.close()

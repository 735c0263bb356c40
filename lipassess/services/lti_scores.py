"""Completion back to the Moodle gradebook: an outbox, filled on submission, emptied by dispatch.

:func:`queue_completion` only writes rows in the submission's own transaction,
so a participant's submission never waits for Moodle or fails because of it.
:func:`send_pending_scores` (called by ``lipassess dispatch`` and
``lipassess lti send-scores``) posts each pending row as an AGS score of 1 out
of 1, activity Completed, grading FullyGraded, with the submission time as the
score timestamp (the same on every retry). Moodle down: the row stays pending
with a growing delay and is tried again by the next run; refused for good or
out of attempts: the row is marked failed with the reason.

Which gradebook columns a completion goes to: every activity (resource link)
of the wave's cohort placed for that wave (deep linking, custom ``wave``), and
every other activity through which this participant opened that wave.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import Integer, String, and_, bindparam, cast, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from lipassess.services.lti_setup import ensure_tool_key, platform_config
from lipassess.store.models import (
    LtiLaunch,
    LtiPlatform,
    LtiResourceLink,
    LtiScoreOutbox,
    Participant,
    Response,
    ResponseStatus,
    ScoreStatus,
    Wave,
)
from lipassess.store.types import utcnow
from moodle_plugin_bridge.lti import ScoreOutcome, ServiceClient, ServiceError, TokenRequestError, completion_score

log = logging.getLogger("lipassess.lti")

MAX_ATTEMPTS = 10
RETRY_FIRST_DELAY = timedelta(minutes=5)
RETRY_MAX_DELAY = timedelta(hours=12)
DEFAULT_BATCH = 200


def retry_delay(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures: 5 min doubling, at most 12 h."""
    if attempts < 1:
        return timedelta(0)
    return min(RETRY_FIRST_DELAY * (2 ** (attempts - 1)), RETRY_MAX_DELAY)


_LINKS, _WAVES, _LAUNCHES = LtiResourceLink.__table__, Wave.__table__, LtiLaunch.__table__


def _is_gradebook_column(participant_id: Any, wave_id: Any):  # a boolean clause over _LINKS joined to the wave
    """Where a link is a gradebook column for a completion of the wave (``_WAVES`` joined on ``wave_id``).

    Every activity of the wave's cohort placed for the wave's kind, and every
    activity through which the participant launched the wave; only those with
    a gradebook column (``lineitem_url``).
    """
    launched = select(_LAUNCHES.c.link_id).where(_LAUNCHES.c.participant_id == participant_id,
                                                 _LAUNCHES.c.wave_id == wave_id)
    return and_(_LINKS.c.lineitem_url.is_not(None),
                or_(and_(_LINKS.c.cohort_id == _WAVES.c.cohort_id, _LINKS.c.wave_kind == _WAVES.c.kind),
                    _LINKS.c.id.in_(launched)))


def _queue_statement(dialect: str):  # an Insert; its generic type says nothing more
    """``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: one outbox row per gradebook column of the completion.

    The columns: :func:`_is_gradebook_column`. The participant's Moodle id is
    read in the same statement. A row already queued (a second call, or
    another worker at the same moment) is left as it is.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    links, waves, people, outbox = _LINKS, _WAVES, Participant.__table__, LtiScoreOutbox.__table__
    participant_id, wave_id = bindparam("b_participant", type_=Integer), bindparam("b_wave", type_=Integer)
    now = bindparam("b_now", type_=outbox.c.next_attempt_at.type)
    source = (
        select(participant_id, wave_id, links.c.id, links.c.lineitem_url, cast(people.c.moodle_user_id, String),
               bindparam("b_completed", type_=outbox.c.completed_at.type),
               bindparam("b_status", type_=outbox.c.status.type), literal(0, Integer), now, now, now)
        .select_from(links.join(waves, waves.c.id == wave_id).join(people, people.c.id == participant_id))
        .where(_is_gradebook_column(participant_id, wave_id))
    )
    columns = ["participant_id", "wave_id", "link_id", "lineitem_url", "user_id", "completed_at", "status",
               "attempts", "next_attempt_at", "created_at", "updated_at"]
    return insert(outbox).from_select(columns, source).on_conflict_do_nothing(
        index_elements=[outbox.c.participant_id, outbox.c.wave_id, outbox.c.link_id],
    ).execution_options(preserve_rowcount=True)  # SQLAlchemy reports an INSERT's count only when asked


#: Built once per dialect (building a statement costs more than running it on a submission); a submission on
#: PostgreSQL runs it as a part of its one statement (:mod:`lipassess.services.surveys.submission`).
QUEUE_COMPLETION = {name: _queue_statement(name) for name in ("postgresql", "sqlite")}


def enqueue_completion(session: Session, *, participant_id: int, wave_id: int, completed_at: datetime,
                       now: datetime) -> int:
    """Queue a completion for every gradebook column it belongs to, in one statement; the rows added.

    Where no gradebook column is known (a personal link in a course without an
    LTI activity for the wave: the usual case) nothing is added. Idempotent:
    columns already queued for this participant and wave are left as they are.
    """
    session.flush()  # the statement reads the store: what the ORM holds goes first
    conn = session.connection()
    result = conn.execute(QUEUE_COMPLETION[conn.dialect.name], {
        "b_participant": participant_id, "b_wave": wave_id, "b_completed": completed_at,
        "b_status": ScoreStatus.PENDING, "b_now": now})
    return max(result.rowcount, 0)


def queue_completion(session: Session, participant: Participant, wave: Wave, *,
                     now: datetime | None = None) -> list[LtiScoreOutbox]:
    """Queue the participant's completion of ``wave`` for every gradebook column it belongs to.

    Call it in the transaction that submits the response; it only inserts rows
    (idempotent: a second call adds nothing). The score timestamp is the
    response's submission time when there is one, else ``now``. Returns the
    outbox rows for this participant and wave (empty when no LTI activity with
    a gradebook column is known for them, e.g. a follow-up answered through a
    personal link in a course without a follow-up activity).
    """
    now = now or utcnow()
    submitted_at = session.scalar(select(Response.submitted_at).where(
        Response.participant_id == participant.id, Response.wave_id == wave.id,
        Response.status == ResponseStatus.SUBMITTED))
    return queue_completion_of(session, participant_id=participant.id, wave_id=wave.id,
                               completed_at=submitted_at or now, now=now)


def queue_completion_of(session: Session, *, participant_id: int, wave_id: int, completed_at: datetime,
                        now: datetime) -> list[LtiScoreOutbox]:
    """:func:`queue_completion` by ids, with the completion time known; the queued rows of every column."""
    enqueue_completion(session, participant_id=participant_id, wave_id=wave_id, completed_at=completed_at, now=now)
    targets = (select(_LINKS.c.id).select_from(_LINKS.join(_WAVES, _WAVES.c.id == wave_id))
               .where(_is_gradebook_column(participant_id, wave_id)))
    return list(session.scalars(
        select(LtiScoreOutbox).where(LtiScoreOutbox.participant_id == participant_id,
                                     LtiScoreOutbox.wave_id == wave_id, LtiScoreOutbox.link_id.in_(targets))
        .order_by(LtiScoreOutbox.link_id)
        .execution_options(populate_existing=True)))


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreReport:
    """What one run of :func:`send_pending_scores` did."""

    sent: int = 0
    already_newer: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0  # not tried this run because their platform was unreachable
    queued: int = 0  # rows still waiting for a later run after this one
    reason: str | None = None  # why rows stay queued, one line (the first platform fault of the run)

    def to_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "already_newer": self.already_newer, "retrying": self.retrying,
                "failed": self.failed, "deferred": self.deferred}

    def problem(self) -> str | None:
        """One line for an operator when something was not sent this run, else ``None``."""
        if not (self.retrying or self.failed or self.deferred):
            return None
        parts = []
        if self.retrying or self.deferred:
            parts.append(f"{self.queued} score(s) stay queued for the gradebook"
                         + (f" ({self.reason})" if self.reason else "")
                         + "; the next 'lipassess dispatch' or 'lipassess lti send-scores' sends them")
        if self.failed:
            parts.append(f"{self.failed} score(s) refused for good (see 'lipassess lti list'; "
                         "'lipassess lti send-scores --retry-failed' once the cause is fixed)")
        return "; ".join(parts)

    def summary(self) -> str:
        return (f"scores: {self.sent} sent, {self.already_newer} already newer in Moodle, "
                f"{self.retrying} to retry, {self.failed} failed, {self.deferred} deferred")


def send_pending_scores(session: Session, now: datetime | None = None, *, http: requests.Session | None = None,
                        limit: int = DEFAULT_BATCH, max_attempts: int = MAX_ATTEMPTS) -> ScoreReport:
    """Post due outbox rows to their platforms; safe to run on several hosts at once.

    Due rows are locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
    runs never post the same row. When a platform is unreachable (transport
    fault, 5xx, token refused), its remaining rows are left for the next run
    instead of each waiting for a timeout. The caller commits.
    """
    now = now or utcnow()
    due = session.scalars(
        select(LtiScoreOutbox)
        .where(LtiScoreOutbox.status == ScoreStatus.PENDING, LtiScoreOutbox.next_attempt_at <= now)
        .order_by(LtiScoreOutbox.next_attempt_at, LtiScoreOutbox.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return ScoreReport()
    key = ensure_tool_key(session, now)
    http = http or requests.Session()
    clients: dict[int, ServiceClient] = {}
    issuers: dict[int, str] = {}
    unreachable: set[int] = set()
    reason: str | None = None
    counts = {"sent": 0, "already_newer": 0, "retrying": 0, "failed": 0, "deferred": 0}
    for row in due:
        platform_id = row.link.platform_id
        if platform_id in unreachable:
            counts["deferred"] += 1
            continue
        if platform_id not in clients:
            # The link's foreign key guarantees the platform exists.
            platform = session.scalars(select(LtiPlatform).options(selectinload(LtiPlatform.deployments))
                                       .where(LtiPlatform.id == platform_id)).one()
            clients[platform_id] = ServiceClient(platform_config(platform), key, session=http)
            issuers[platform_id] = platform.issuer
        row.attempts += 1
        try:
            outcome = clients[platform_id].post_score(row.lineitem_url, completion_score(row.user_id, row.completed_at))
        except ServiceError as exc:
            row.last_error = str(exc)[:2000]
            short = _short_reason(issuers[platform_id], exc)
            if exc.retryable and row.attempts < max_attempts:
                reason = reason or short
                row.next_attempt_at = now + retry_delay(row.attempts)
                counts["retrying"] += 1
                if isinstance(exc, TokenRequestError) or exc.status is None or exc.status >= 500:
                    unreachable.add(platform_id)
            else:
                row.status = ScoreStatus.FAILED
                counts["failed"] += 1
            # The run's report says it once, in one line; the details are for debugging.
            log.debug("LTI score for participant %s, wave %s not sent (attempt %s): %s (%s)",
                      row.participant_id, row.wave_id, row.attempts, short, exc)
            continue
        row.status = ScoreStatus.SENT
        row.sent_at = now
        row.last_error = None if outcome is ScoreOutcome.POSTED else "Moodle already had a newer score"
        counts["sent" if outcome is ScoreOutcome.POSTED else "already_newer"] += 1
    session.flush()
    queued = session.scalar(select(func.count()).select_from(LtiScoreOutbox)
                            .where(LtiScoreOutbox.status == ScoreStatus.PENDING)) or 0
    return ScoreReport(**counts, queued=queued, reason=reason)


def _short_reason(issuer: str, exc: ServiceError) -> str:
    """Why a score did not go, in a few words (no library's message: those say nothing to an operator)."""
    what = "token endpoint" if isinstance(exc, TokenRequestError) else "score endpoint"
    if exc.status is None:
        return f"the platform {issuer} could not be reached ({what})"
    return f"the platform {issuer} answered HTTP {exc.status} ({what})"


def requeue_failed(session: Session, now: datetime | None = None) -> int:
    """Put failed rows back in the queue (after an admin fixed the cause); returns how many."""
    now = now or utcnow()
    rows = session.scalars(select(LtiScoreOutbox).where(LtiScoreOutbox.status == ScoreStatus.FAILED)).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = ScoreStatus.PENDING, 0, now
    session.flush()
    return len(rows)


def outbox_counts(session: Session) -> dict[str, int]:
    """How many outbox rows are pending, sent and failed."""
    counts = {s.value: 0 for s in ScoreStatus}
    for status, count in session.execute(select(LtiScoreOutbox.status, func.count()).group_by(LtiScoreOutbox.status)):
        counts[ScoreStatus(status).value] = count
    return counts

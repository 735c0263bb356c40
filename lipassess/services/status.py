"""Use case: the operator's view at a glance (``lipassess status``, the staff status page).

Last successful sync per cohort still running a wave, messages failed /
unknown / pending per wave, completion scores queued for the gradebook, the
oldest of each, and the list of what needs a person: a cohort not synced for
:data:`SYNC_MAX_AGE`, messages ``lipassess dispatch --stuck`` lists, scores
Moodle refused for good or queued for more than :data:`SCORE_MAX_AGE`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lipassess.services.dispatch.stuck import stuck_messages
from lipassess.store.models import Cohort, Invitation, LtiScoreOutbox, Message, ScoreStatus, Wave

SYNC_MAX_AGE = timedelta(days=2)
"""A cohort with a wave not closed yet whose last successful sync is older than this needs a person."""

SCORE_MAX_AGE = timedelta(days=1)
"""A completion score queued longer than this needs a person (the platform has been down that long)."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CohortSync:
    """A cohort's last successful sync (``None``: never)."""

    cohort: str
    synced_at: datetime | None
    stale: bool

    def to_dict(self) -> dict[str, Any]:
        return {"cohort": self.cohort, "synced_at": _iso(self.synced_at), "stale": self.stale}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WaveMessages:
    """Messages of one wave not accepted by Moodle: how many of each status, and since when the oldest."""

    cohort: str
    wave: str
    failed: int = 0
    unknown: int = 0
    pending: int = 0
    oldest_failed: datetime | None = None
    oldest_unknown: datetime | None = None
    oldest_pending: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"cohort": self.cohort, "wave": self.wave, "failed": self.failed, "unknown": self.unknown,
                "pending": self.pending, "oldest_failed": _iso(self.oldest_failed),
                "oldest_unknown": _iso(self.oldest_unknown), "oldest_pending": _iso(self.oldest_pending)}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ScoreQueue:
    """Completion scores for the gradebook: queued (pending) and refused for good (failed)."""

    queued: int = 0
    failed: int = 0
    oldest_queued: datetime | None = None
    oldest_failed: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"queued": self.queued, "failed": self.failed, "oldest_queued": _iso(self.oldest_queued),
                "oldest_failed": _iso(self.oldest_failed)}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OperationsStatus:
    """The state of the scheduled jobs; ``attention`` lists what needs a person (empty: all well)."""

    as_of: datetime
    syncs: tuple[CohortSync, ...]
    waves: tuple[WaveMessages, ...]
    scores: ScoreQueue
    attention: tuple[str, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "syncs": [s.to_dict() for s in self.syncs],
                "messages": [w.to_dict() for w in self.waves], "scores": self.scores.to_dict(),
                "needs_attention": self.needs_attention, "attention": list(self.attention)}

    def summary(self) -> str:
        """Lines for people."""
        def when(value: datetime | None) -> str:
            return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "never"

        lines = [f"status as of {when(self.as_of)}", "last successful sync:"]
        lines += [f"  {s.cohort:<20} {when(s.synced_at)}{'  (too old)' if s.stale else ''}" for s in self.syncs]
        if not self.syncs:
            lines.append("  no cohort with a wave still to come")
        lines.append("messages not accepted by Moodle (failed / unknown / pending, oldest):")
        for w in self.waves:
            oldest = min((t for t in (w.oldest_failed, w.oldest_unknown, w.oldest_pending) if t), default=None)
            lines.append(f"  {w.cohort}/{w.wave:<9} {w.failed} / {w.unknown} / {w.pending}, oldest {when(oldest)}")
        if not self.waves:
            lines.append("  none")
        s = self.scores
        lines.append(f"gradebook scores: {s.queued} queued (oldest {when(s.oldest_queued)}), "
                     f"{s.failed} failed (oldest {when(s.oldest_failed)})")
        lines += [f"needs a person: {item}" for item in self.attention] or ["nothing needs a person"]
        return "\n".join(lines)


def _syncs(session: Session, now: datetime) -> list[CohortSync]:
    running = select(Wave.cohort_id).where(or_(Wave.closes_at.is_(None), Wave.closes_at > now))
    cohorts = session.execute(select(Cohort.shortname, Cohort.synced_at).where(Cohort.id.in_(running))
                              .order_by(Cohort.shortname)).all()
    return [CohortSync(cohort=name, synced_at=synced,
                       stale=synced is None or synced + SYNC_MAX_AGE < now) for name, synced in cohorts]


def _waves(session: Session) -> list[WaveMessages]:
    since = func.coalesce(Message.claimed_at, Message.updated_at)
    rows = session.execute(
        select(Cohort.shortname, Wave.kind, Message.status, func.count(), func.min(since))
        .join(Invitation, Invitation.id == Message.invitation_id)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Cohort, Cohort.id == Wave.cohort_id)
        .where(Message.status.in_(("failed", "unknown", "pending")))
        .group_by(Cohort.shortname, Wave.kind, Message.status)
        .order_by(Cohort.shortname, Wave.kind)
    ).all()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for shortname, kind, status, count, oldest in rows:
        entry = found.setdefault((shortname, kind.value), {"cohort": shortname, "wave": kind.value})
        entry[status], entry[f"oldest_{status}"] = count, oldest
    return [WaveMessages(**values) for values in found.values()]


def _scores(session: Session) -> ScoreQueue:
    values: dict[str, Any] = {}
    for status, name in ((ScoreStatus.PENDING, "queued"), (ScoreStatus.FAILED, "failed")):
        count, oldest = session.execute(select(func.count(), func.min(LtiScoreOutbox.created_at))
                                        .where(LtiScoreOutbox.status == status)).one()
        values[name], values[f"oldest_{name}"] = count or 0, oldest
    return ScoreQueue(**values)


def operations_status(session: Session, now: datetime) -> OperationsStatus:
    """The state of sync, dispatch and grade passback at ``now``, and what needs a person."""
    syncs, waves, scores = _syncs(session, now), _waves(session), _scores(session)
    attention = [f"cohort {s.cohort} " + ("was never synced" if s.synced_at is None else
                                          f"has not been synced since {s.synced_at:%Y-%m-%d %H:%M} UTC")
                 + ": run 'lipassess sync' and read its errors" for s in syncs if s.stale]
    stuck = stuck_messages(session, now)
    if stuck:
        attention.append(f"{len(stuck)} message(s) are stuck (refused out of attempts, of unknown fate, or waiting "
                         "since Moodle was down): see 'lipassess dispatch --stuck'")
    if scores.failed:
        attention.append(f"{scores.failed} gradebook score(s) were refused for good: see 'lipassess lti list'")
    if scores.oldest_queued is not None and scores.oldest_queued + SCORE_MAX_AGE < now:
        attention.append(f"{scores.queued} gradebook score(s) queued, the oldest since "
                         f"{scores.oldest_queued:%Y-%m-%d %H:%M} UTC: run 'lipassess lti send-scores' to see why")
    return OperationsStatus(as_of=now, syncs=tuple(syncs), waves=tuple(waves), scores=scores,
                            attention=tuple(attention))

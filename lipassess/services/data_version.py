"""Use case: a fingerprint of the data an analysis reads, per cohort, in a fixed number of queries.

A stored analysis (:mod:`lipassess.services.analysis_store`) is fresh while the
fingerprint of its cohorts equals the one recorded when it was computed. The
fingerprint of a cohort is built from eight grouped aggregate queries, however
many cohorts are asked for:

* responses: count, count submitted, largest id, latest update. A submission
  changes the count submitted, so it is seen whatever the clocks of the hosts
  that wrote it say; the answers of a submitted response are frozen (see
  :class:`~lipassess.store.models.Response`), so they need no query of their own;
* enrolments (status, role), the enrolled participants' profiles, completions:
  count and latest update;
* waves (windows, instruments): count, latest update, instruments attached;
* the cohort row itself (its names label the results);
* observer raters: count, count submitted, latest update.

Every store write of these rows sets ``updated_at`` (or adds a row), so any
change a sync, a submission, a withdrawal or a wave edit makes gives a new
fingerprint; no write path has to remember to invalidate anything.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lipassess.store.models import (
    Cohort,
    Completion,
    Enrolment,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
)
from lipassess.store.rater_models import Rater


def cohort_versions(session: Session, cohort_ids: Iterable[int]) -> dict[int, str]:
    """The fingerprint of each cohort's data, by cohort id (eight queries in all)."""
    ids = sorted(set(cohort_ids))
    if not ids:
        return {}
    parts: dict[int, list[object]] = defaultdict(list)

    def add(name: str, rows: Iterable[Sequence[object]]) -> None:
        for cohort_id, *values in rows:
            parts[int(str(cohort_id))].append((name, *values))

    add("responses", session.execute(
        select(Wave.cohort_id, func.count(Response.id),
               func.sum(case((Response.status == ResponseStatus.SUBMITTED, 1), else_=0)),
               func.max(Response.id), func.max(Response.updated_at))
        .join(Wave, Wave.id == Response.wave_id).where(Wave.cohort_id.in_(ids)).group_by(Wave.cohort_id)))
    add("enrolments", session.execute(
        select(Enrolment.cohort_id, func.count(Enrolment.id), func.max(Enrolment.updated_at))
        .where(Enrolment.cohort_id.in_(ids)).group_by(Enrolment.cohort_id)))
    add("profiles", session.execute(
        select(Enrolment.cohort_id, func.count(Participant.id), func.max(Participant.updated_at))
        .join(Participant, Participant.id == Enrolment.participant_id)
        .where(Enrolment.cohort_id.in_(ids)).group_by(Enrolment.cohort_id)))
    add("completions", session.execute(
        select(Completion.cohort_id, func.count(Completion.id), func.max(Completion.updated_at))
        .where(Completion.cohort_id.in_(ids)).group_by(Completion.cohort_id)))
    add("waves", session.execute(
        select(Wave.cohort_id, func.count(Wave.id), func.max(Wave.updated_at))
        .where(Wave.cohort_id.in_(ids)).group_by(Wave.cohort_id)))
    add("instruments", session.execute(
        select(Wave.cohort_id, func.count(WaveInstrument.id), func.max(WaveInstrument.instrument_version_id))
        .join(Wave, Wave.id == WaveInstrument.wave_id).where(Wave.cohort_id.in_(ids)).group_by(Wave.cohort_id)))
    add("cohort", session.execute(select(Cohort.id, Cohort.updated_at).where(Cohort.id.in_(ids))))
    add("raters", session.execute(  # observer ratings (summary's "What supervisors saw")
        select(Wave.cohort_id, func.count(Rater.id), func.count(Rater.submitted_at), func.max(Rater.updated_at))
        .join(Wave, Wave.id == Rater.wave_id).where(Wave.cohort_id.in_(ids)).group_by(Wave.cohort_id)))
    return {cohort_id: _digest(sorted(map(repr, parts.get(cohort_id, [])))) for cohort_id in ids}


def scope_version(versions: Mapping[int, str], cohort_ids: Iterable[int], *extra: object) -> str:
    """The fingerprint of a set of cohorts (from :func:`cohort_versions`) and ``extra`` inputs."""
    return _digest([*(f"{cohort_id}:{versions[cohort_id]}" for cohort_id in sorted(set(cohort_ids))),
                    *map(repr, extra)])


def closed_waves(session: Session, cohort_ids: Iterable[int], now: object) -> int:
    """How many waves of the cohorts have closed by ``now`` (impact figures word an open wave differently)."""
    ids = sorted(set(cohort_ids))
    return int(session.scalar(select(func.count(Wave.id)).where(Wave.cohort_id.in_(ids), Wave.closes_at <= now))
               or 0)


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

"""Small builders for survey tests: cohorts, participants, waves with instruments."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Participant,
    Wave,
    WaveInstrument,
    WaveKind,
)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
_ids = itertools.count(1000)


def make_cohort(session: Session, **fields: Any) -> Cohort:
    n = next(_ids)
    cohort = Cohort(moodle_course_id=n, shortname=f"LIP-{n}", fullname=f"Leadership cohort {n}",
                    start_at=NOW - timedelta(days=30), end_at=NOW + timedelta(days=30), **fields)
    session.add(cohort)
    session.flush()
    return cohort


def make_participant(session: Session, cohort: Cohort | None = None, *, language: str = "km",
                     status: EnrolmentStatus = EnrolmentStatus.ACTIVE, **fields: Any) -> Participant:
    n = next(_ids)
    participant = Participant(moodle_user_id=n, username=f"user{n}", firstname="Sophea", lastname=f"Chan{n}",
                              language=language, **fields)
    session.add(participant)
    session.flush()
    if cohort is not None:
        session.add(Enrolment(participant_id=participant.id, cohort_id=cohort.id, status=status))
        session.flush()
    return participant


def make_wave(session: Session, cohort: Cohort, *, kind: WaveKind = WaveKind.PRE, versions=(),
              opens_at: datetime | None = NOW - timedelta(days=1),
              closes_at: datetime | None = NOW + timedelta(days=14)) -> Wave:
    wave = Wave(cohort_id=cohort.id, kind=kind, opens_at=opens_at, closes_at=closes_at)
    session.add(wave)
    session.flush()
    for position, version in enumerate(versions):
        session.add(WaveInstrument(wave_id=wave.id, instrument_version_id=version.id, position=position))
    session.flush()
    return wave

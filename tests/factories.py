"""Factories for store rows in tests: cohorts, participants, waves, submitted answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lipassess.instruments import bundled_instruments_dir, load_instruments
from lipassess.services.instruments import ensure_registered
from lipassess.store.models import (
    Answer,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    InstrumentVersion,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
    WaveKind,
)

START = datetime(2024, 3, 3, 17, 0, tzinfo=UTC)
END = datetime(2024, 10, 30, 17, 0, tzinfo=UTC)


def bundled_versions(session: Session) -> dict[str, InstrumentVersion]:
    """Register the bundled instruments; instrument id -> stored version."""
    return {i.id: ensure_registered(session, i) for i in load_instruments(bundled_instruments_dir())}


def make_cohort(session: Session, course_id: int = 3, shortname: str | None = None, **kw: Any) -> Cohort:
    cohort = Cohort(moodle_course_id=course_id, shortname=shortname or f"LIP-C{course_id}",
                    fullname=kw.pop("fullname", f"LIP Cohort {course_id}"),
                    start_at=kw.pop("start_at", START), end_at=kw.pop("end_at", END), **kw)
    session.add(cohort)
    session.flush()
    return cohort


def make_participant(session: Session, user_id: int, cohort: Cohort | None = None, *,
                     status: EnrolmentStatus = EnrolmentStatus.ACTIVE, role: str = "student",
                     **kw: Any) -> Participant:
    person = Participant(moodle_user_id=user_id, **kw)
    session.add(person)
    session.flush()
    if cohort is not None:
        session.add(Enrolment(participant_id=person.id, cohort_id=cohort.id, status=status, role=role))
        session.flush()
    return person


def make_wave(session: Session, cohort: Cohort, kind: str | WaveKind,
              versions: Sequence[InstrumentVersion], **kw: Any) -> Wave:
    wave = Wave(cohort_id=cohort.id, kind=WaveKind(kind), **kw)
    wave.instruments = [WaveInstrument(instrument_version_id=v.id, position=i) for i, v in enumerate(versions)]
    session.add(wave)
    session.flush()
    return wave


def submit(session: Session, participant: Participant, wave: Wave,
           answers: Mapping[InstrumentVersion, Mapping[str, Any]], *, language: str = "km") -> Response:
    """A submitted response with the given answers (numbers or text)."""
    response = Response(participant_id=participant.id, wave_id=wave.id, status=ResponseStatus.SUBMITTED,
                        language=language, submitted_at=END)
    for version, items in answers.items():
        for item, value in items.items():
            number = float(value) if isinstance(value, (int, float)) else None
            text = value if isinstance(value, str) else None
            response.answers.append(Answer(instrument_version_id=version.id, item_key=item,
                                           value_number=number, value_text=text))
    session.add(response)
    session.flush()
    return response

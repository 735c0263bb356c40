"""The schema: migrations apply from empty and match the models; constraints hold on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from lipassess import db
from lipassess.store import migrate
from lipassess.store.models import (
    Base,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    InstrumentVersion,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveKind,
)

pytestmark = pytest.mark.postgres

KHMER_NAME = "រតនា ពេជ្រ"


def make_cohort(session, course_id: int = 3, **kw) -> Cohort:
    cohort = Cohort(moodle_course_id=course_id, shortname=kw.pop("shortname", f"LIP-C{course_id}"),
                    fullname=kw.pop("fullname", f"LIP Cohort {course_id}"), **kw)
    session.add(cohort)
    session.flush()
    return cohort


def make_participant(session, user_id: int = 10, **kw) -> Participant:
    participant = Participant(moodle_user_id=user_id, **kw)
    session.add(participant)
    session.flush()
    return participant


def test_migrations_reach_head_and_match_the_models(app) -> None:
    engine = db.engine_for(app)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_one_response_per_participant_and_wave(session) -> None:
    cohort = make_cohort(session)
    person = make_participant(session)
    wave = Wave(cohort_id=cohort.id, kind=WaveKind.PRE)
    session.add(wave)
    session.flush()
    session.add(Response(participant_id=person.id, wave_id=wave.id))
    session.commit()
    session.add(Response(participant_id=person.id, wave_id=wave.id, status=ResponseStatus.SUBMITTED))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert len(session.scalars(select(Response)).all()) == 1


@pytest.mark.parametrize(
    "duplicate",
    [
        lambda s: s.add_all([Participant(moodle_user_id=5), Participant(moodle_user_id=5)]),
        lambda s: s.add_all([Cohort(moodle_course_id=2, shortname="a", fullname="a"),
                             Cohort(moodle_course_id=2, shortname="b", fullname="b")]),
        lambda s: s.add_all([
            InstrumentVersion(instrument_key="x", version="1", content_hash="a" * 64, definition={}),
            InstrumentVersion(instrument_key="x", version="1", content_hash="b" * 64, definition={}),
        ]),
    ],
    ids=["participant-moodle-id", "cohort-course-id", "instrument-key-version"],
)
def test_duplicates_are_impossible(session, duplicate) -> None:
    duplicate(session)
    with pytest.raises(IntegrityError):
        session.commit()


def test_one_wave_of_each_kind_per_cohort_and_close_after_open(session) -> None:
    cohort = make_cohort(session)
    now = datetime(2024, 3, 1, tzinfo=UTC)
    session.add(Wave(cohort_id=cohort.id, kind=WaveKind.POST, opens_at=now, closes_at=now - timedelta(days=1)))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add_all([Wave(cohort_id=cohort.id, kind=WaveKind.PRE), Wave(cohort_id=cohort.id, kind=WaveKind.PRE)])
    with pytest.raises(IntegrityError):
        session.commit()


def test_enrolment_requires_existing_participant(session) -> None:
    cohort = make_cohort(session)
    session.add(Enrolment(participant_id=999, cohort_id=cohort.id))
    with pytest.raises(IntegrityError):
        session.commit()


def test_khmer_text_and_utc_times_round_trip(app, session) -> None:
    start = datetime(2024, 3, 3, 17, 0, tzinfo=UTC)  # 2024-03-04 00:00 in Phnom Penh
    make_cohort(session, start_at=start, fullname="ជំនាន់ទី ៦")
    make_participant(session, firstname="រតនា", lastname="ពេជ្រ", ministry="ក្រសួងសុខាភិបាល",
                     extra_fields={"department": "Policy <b>O'Neil & Partners</b>"})
    session.commit()
    with app.app_context():
        fresh = db.session_factory(app)()
        person = fresh.scalar(select(Participant))
        cohort = fresh.scalar(select(Cohort))
        assert person.full_name == KHMER_NAME
        assert person.ministry == "ក្រសួងសុខាភិបាល"
        assert person.extra_fields == {"department": "Policy <b>O'Neil & Partners</b>"}
        assert person.pseudonym.startswith("P-") and len(person.pseudonym) == 10
        assert cohort.start_at == start and cohort.start_at.tzinfo is not None
        assert cohort.fullname == "ជំនាន់ទី ៦"
        fresh.close()


def test_naive_datetimes_are_refused(session) -> None:
    session.add(Cohort(moodle_course_id=9, shortname="n", fullname="n", start_at=datetime(2024, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()


def test_enrolment_status_is_validated(session) -> None:
    cohort = make_cohort(session)
    person = make_participant(session)
    session.add(Enrolment(participant_id=person.id, cohort_id=cohort.id, status=EnrolmentStatus.SUSPENDED))
    session.commit()
    assert session.scalar(select(Enrolment.status)) is EnrolmentStatus.SUSPENDED
    with pytest.raises(StatementError):
        session.add(Enrolment(participant_id=person.id, cohort_id=cohort.id, status="gone"))
        session.flush()

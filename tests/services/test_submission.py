"""A submission's writes (one statement on PostgreSQL): the response, its audit event, its queued completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from lipassess.services import lti as lti_service
from lipassess.services import surveys
from lipassess.services.surveys.form import receipt_of
from lipassess.store.models import (
    AuditEvent,
    LtiResourceLink,
    LtiScoreOutbox,
    Response,
    ResponseStatus,
    ScoreStatus,
    WaveInstrument,
)
from tests.bridge.lti.signing_platform import RECORDED_LINEITEM
from tests.services.lti_world import LabLaunches, add_hfd_cohort, add_lab_platform, add_synced_participant, add_waves
from tests.survey_factories import all_answers, register

pytestmark = pytest.mark.postgres

NOW = datetime.now(UTC).replace(microsecond=0)
SUBMITTED_AT = datetime(2026, 12, 4, 3, 15, 42, 123456, tzinfo=UTC)  # microseconds survive the round trip


def _world(session, *, launched: bool):
    """User 36 enrolled, the pre wave open with one instrument; ``launched``: they came through the LTI activity."""
    add_lab_platform(session)
    cohort = add_hfd_cohort(session)
    wave = add_waves(session, cohort, NOW)["pre"]
    person = add_synced_participant(session, cohort)
    version = register(session)
    session.add(WaveInstrument(wave_id=wave.id, instrument_version_id=version.id))
    session.commit()
    if launched:
        lti_service.resolve_launch(session, LabLaunches().verify(session, "learner", NOW), now=NOW)
        session.commit()
    surveys.open_form(session, participant_id=person.id, wave_id=wave.id, now=NOW, channel="lti")
    surveys.record_consent(session, participant_id=person.id, wave_id=wave.id, now=NOW)
    session.commit()
    return person, wave, version


def _statements(session):
    seen: list[str] = []
    engine = session.get_bind()
    listener = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    return seen, lambda: event.remove(engine, "before_cursor_execute", listener)


def test_a_launched_submission_writes_its_response_audit_event_and_completion(session) -> None:
    person, wave, version = _world(session, launched=True)
    answers = all_answers(version.id)
    receipt = surveys.submit(session, participant_id=person.id, wave_id=wave.id, now=SUBMITTED_AT,
                             answers=answers)
    session.commit()
    response = session.scalars(select(Response)).one()
    assert (response.status, response.submitted_at, response.updated_at) == (
        ResponseStatus.SUBMITTED, SUBMITTED_AT, SUBMITTED_AT)
    assert receipt.code == receipt_of(response).code and receipt.submitted_at == SUBMITTED_AT
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "response.submit")).all()
    assert [(e.at, e.actor, e.target, e.details) for e in events] == [(
        SUBMITTED_AT, f"participant:{person.pseudonym}", f"response:{response.id}",
        {"wave_id": wave.id, "channel": "lti", "receipt": receipt.code, "answers": len(answers)})]
    link = session.scalars(select(LtiResourceLink)).one()
    queued = session.scalars(select(LtiScoreOutbox)).one()
    assert (queued.participant_id, queued.wave_id, queued.link_id, queued.lineitem_url, queued.user_id) == (
        person.id, wave.id, link.id, RECORDED_LINEITEM, "36")
    assert (queued.status, queued.attempts, queued.completed_at, queued.next_attempt_at) == (
        ScoreStatus.PENDING, 0, SUBMITTED_AT, SUBMITTED_AT)
    # A second submit changes nothing: the same receipt, one audit event, one queued completion.
    with pytest.raises(surveys.AlreadySubmitted) as again:
        surveys.submit(session, participant_id=person.id, wave_id=wave.id, now=NOW)
    session.rollback()
    assert again.value.receipt.code == receipt.code
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "response.submit")).all()) == 1
    assert len(session.scalars(select(LtiScoreOutbox)).all()) == 1


def test_a_submission_without_a_gradebook_column_queues_nothing_in_as_few_statements(session) -> None:
    person, wave, version = _world(session, launched=False)  # no activity placed for the wave, no launch
    seen, stop = _statements(session)
    try:
        receipt = surveys.submit(session, participant_id=person.id, wave_id=wave.id, now=SUBMITTED_AT,
                                 answers=all_answers(version.id))
        session.commit()
    finally:
        stop()
    assert session.scalars(select(LtiScoreOutbox)).all() == []
    event_ = session.scalars(select(AuditEvent).where(AuditEvent.action == "response.submit")).one()
    assert event_.details["receipt"] == receipt.code
    postgres = session.get_bind().dialect.name == "postgresql"
    # PostgreSQL: the draft locked with every access check, the answers written, the stored answers read,
    # then the three writes in one statement. SQLite: access and lock apart, and the three writes apart.
    assert len(seen) == (4 if postgres else 7), seen

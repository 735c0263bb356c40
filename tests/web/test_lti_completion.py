"""A learner launched from Moodle submits: the completion is queued for the gradebook, not sent inline."""

from __future__ import annotations

import time

from sqlalchemy import select

from lipassess.services import surveys
from lipassess.store.models import LtiScoreOutbox, Participant, Response, ResponseStatus, WaveInstrument
from lipassess.store.types import utcnow
from tests.survey_factories import all_answers, register
from tests.web.test_lti import PLATFORM, launch, moodle, start_login, world  # noqa: F401 - fixtures


def test_submission_after_launch_queues_one_completion(client, session, world, moodle) -> None:  # noqa: F811
    pre = world["waves"]["pre"]
    version = register(session)
    session.add(WaveInstrument(wave_id=pre.id, instrument_version_id=version.id))
    session.commit()
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=int(time.time())), state)
    assert response.status_code in (302, 303)
    learner = session.scalar(select(Participant).where(Participant.moodle_user_id == 36))
    now = utcnow()
    surveys.open_form(session, participant_id=learner.id, wave_id=pre.id, now=now, channel="lti")
    surveys.record_consent(session, participant_id=learner.id, wave_id=pre.id, now=now)
    receipt = surveys.submit(session, participant_id=learner.id, wave_id=pre.id, now=now,
                             answers=all_answers(version.id))
    session.commit()
    assert receipt.code
    rows = session.scalars(select(LtiScoreOutbox)).all()
    assert len(rows) == 1 and rows[0].participant_id == learner.id and rows[0].wave_id == pre.id
    assert rows[0].user_id == "36" and rows[0].status.value == "pending"
    # A second submit attempt is refused and queues nothing more.
    try:
        surveys.submit(session, participant_id=learner.id, wave_id=pre.id, now=now)
    except surveys.AlreadySubmitted:
        session.rollback()
    assert len(session.scalars(select(LtiScoreOutbox)).all()) == 1
    assert session.scalar(select(Response.status).where(Response.wave_id == pre.id)) \
        is ResponseStatus.SUBMITTED

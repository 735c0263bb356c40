"""A page save in one statement (PostgreSQL): everything written with every check passed, or nothing at all.

Each refusal is checked against the store: the answers and the response row
are exactly as before. The save that waits for a submit's lock is checked
with two real connections.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from lipassess.services import surveys as service
from lipassess.services.links import revoke_link
from lipassess.services.surveys import access
from lipassess.store.models import Answer, Invitation, Participant, Response, ResponseStatus, WaveInstrument
from lipassess.store.types import utcnow
from tests.survey_factories import build, register, sample_definition


def _ready(session: Session, *, consent: bool = True):
    """A participant with a draft (consent given unless told), the wave's instruments seen by this process."""
    s = build(session)
    now = utcnow()
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now, channel="link")
    if consent:
        service.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    session.commit()
    s.invitation_id = session.scalar(select(Invitation.id).where(Invitation.participant_id == s.participant.id))
    return s


def _stored(session: Session, s) -> dict[str, float | str]:
    session.expire_all()
    rows = session.execute(select(Answer.item_key, Answer.value_number, Answer.value_text)
                           .join(Response, Response.id == Answer.response_id)
                           .where(Response.participant_id == s.participant.id)).all()
    return {item: text if text is not None else number for item, number, text in rows}


def _response(session: Session, s) -> tuple:
    session.expire_all()
    return session.execute(select(Response.status, Response.language, Response.updated_at, Response.consent_at)
                           .where(Response.participant_id == s.participant.id)).one()


def _save(session: Session, s, answers: dict[str, str], **kwargs):
    options = {"now": utcnow(), "invitation_id": s.invitation_id, **kwargs}
    return service.save_draft_at_once(session, participant_id=s.participant.id, wave_id=s.wave.id,
                                      answers=answers, **options)


def test_on_sqlite_the_steps_do_it(session) -> None:
    s = _ready(session)
    assert session.get_bind().dialect.name == "sqlite"
    assert _save(session, s, {s.key("L1"): "4"}) is None
    assert _stored(session, s) == {}


@pytest.mark.postgres(only=True)
@pytest.mark.parametrize("through", ["link", "lti"])
def test_one_statement_writes_the_answers_clears_the_emptied_and_sets_the_language(session, through: str) -> None:
    s = _ready(session)
    if through == "lti":  # an LTI session names no invitation: the statement without the link's checks
        s.invitation_id = None
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        text = 'ក្រុមការងារ “ស្តាប់” {១,២}, back\\slash; NULL'
        form = _save(session, s, {s.key("L1"): "4", s.key("L2"): "9", s.key("Y1"): "0", s.key("T1"): text},
                     language="en")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    session.commit()
    assert form is not None and len(statements) == 1 and statements[0].lstrip().startswith("WITH locked AS")
    assert _stored(session, s) == {"L1": 4.0, "L2": 9.0, "Y1": 0.0, "T1": text}
    assert form.answers.get(s.key("L1")) == 4 and form.answers.get(s.key("T1")) == text
    assert form.response.language == "en" and _response(session, s)[1] == "en"

    again = _save(session, s, {s.key("L1"): "2", s.key("L2"): "", s.key("T1"): ""})
    session.commit()
    assert again is not None
    assert _stored(session, s) == {"L1": 2.0, "Y1": 0.0}
    assert again.answers.get(s.key("L2")) is None and s.key("T1") not in again.answers
    assert again.answers.get(s.key("Y1")) == 0  # not sent: read from the store when asked


@pytest.mark.postgres(only=True)
@pytest.mark.parametrize("case", ["no consent", "submitted", "closed", "revoked link", "withdrawn",
                                  "rejected answer", "other instruments", "wave not seen"])
def test_a_failed_check_writes_nothing_and_leaves_it_to_the_steps(session, monkeypatch, case: str) -> None:
    s = _ready(session, consent=case != "no consent")
    _save(session, s, {s.key("L1"): "3"})
    session.commit()
    now = utcnow()
    if case == "submitted":
        session.execute(update(Response).where(Response.participant_id == s.participant.id)
                        .values(status=ResponseStatus.SUBMITTED, submitted_at=now))
    elif case == "closed":
        now = now + timedelta(days=30)
    elif case == "revoked link":
        assert revoke_link(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    elif case == "withdrawn":
        session.get(Participant, s.participant.id).withdrawn_at = now
    elif case == "other instruments":  # the wave now presents a second instrument this process has not seen
        other = register(session, sample_definition(instrument_id="lip-other"))
        session.add(WaveInstrument(wave_id=s.wave.id, instrument_version_id=other.id, position=1))
    elif case == "wave not seen":
        monkeypatch.setattr(access, "_KNOWN", {})
    session.commit()
    before_answers, before_response = _stored(session, s), _response(session, s)
    answers = {s.key("L1"): "5", s.key("L2"): "2"}
    if case == "rejected answer":
        answers[s.key("L3")] = "17"
    assert _save(session, s, answers, now=now, language="en") is None
    session.commit()
    assert _stored(session, s) == before_answers
    assert _response(session, s) == before_response


@pytest.mark.postgres(only=True)
def test_the_wave_seen_with_other_instruments_is_learned_again_from_the_next_read(session) -> None:
    s = _ready(session)
    other = register(session, sample_definition(instrument_id="lip-other"))
    session.add(WaveInstrument(wave_id=s.wave.id, instrument_version_id=other.id, position=1))
    session.commit()
    assert _save(session, s, {s.key("L1"): "5"}) is None
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(), channel="link",
                      invitation_id=s.invitation_id)
    session.commit()
    assert len(access.known_instruments(s.wave.id)) == 2
    assert _save(session, s, {s.key("L1"): "5"}) is not None
    session.commit()
    assert _stored(session, s) == {"L1": 5.0}


@pytest.mark.postgres(only=True)
def test_a_save_that_waits_for_a_submit_writes_nothing(session) -> None:
    """The submit holds the draft's lock; the one-statement save waits, then finds it submitted."""
    s = _ready(session)
    _save(session, s, {s.key("L1"): "3"})
    session.commit()
    engine = session.get_bind()
    outcome: dict[str, object] = {}

    def save() -> None:
        with Session(bind=engine) as other:
            other.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            outcome["form"] = _save(other, s, {s.key("L1"): "5", s.key("L2"): "1"})

    with engine.connect() as submitter:
        transaction = submitter.begin()
        submitter.execute(update(Response).where(Response.participant_id == s.participant.id)
                          .values(status=ResponseStatus.SUBMITTED, submitted_at=utcnow()))
        waiting = threading.Thread(target=save)
        waiting.start()
        time.sleep(1.0)
        assert waiting.is_alive()  # blocked on the row lock
        transaction.commit()
    waiting.join(30)
    assert not waiting.is_alive() and outcome["form"] is None
    assert _stored(session, s) == {"L1": 3.0}

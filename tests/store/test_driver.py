"""The survey's hot statements on the driver's cursor give what SQLAlchemy gives, and fail as it fails."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import Integer, String, bindparam, event, insert, literal_column, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from lipassess.services import surveys as service
from lipassess.services.surveys import access, answers, form
from lipassess.store.database import make_engine
from lipassess.store.driver import DriverStatement
from lipassess.store.models import EnrolmentStatus, Invitation, Participant, ResponseStatus
from lipassess.store.types import utcnow
from tests.conftest import POSTGRES_URL
from tests.survey_factories import build


def _through_sqlalchemy(connection, statement: DriverStatement, params: dict) -> list[tuple]:
    return [tuple(row) for row in connection.execute(statement.statement, params)]


def _same(fast: list[tuple], slow: list[tuple]) -> None:
    assert fast == slow
    assert [[type(v) for v in row] for row in fast] == [[type(v) for v in row] for row in slow]


@pytest.mark.postgres
def test_each_hot_statement_gives_the_rows_sqlalchemy_gives(session) -> None:
    s = build(session)
    now = utcnow()
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now, channel="lti")
    service.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    saved = service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now,
                               answers={s.key("L1"): "4", s.key("Y1"): "0", s.key("T1"): "ក្រុមការងារ"})
    session.commit()
    invitation_id = session.scalar(select(Invitation.id).where(Invitation.participant_id == s.participant.id))
    connection = session.connection()
    plain = {"participant_id": s.participant.id, "wave_id": s.wave.id}
    linked = {**plain, "invitation_id": invitation_id}
    reads = [
        (access._ACCESS[False, False], plain),
        (access._ACCESS[True, False], linked),
        (access._ACCESS[False, False], {**plain, "participant_id": s.participant.id + 999}),  # no row
        (access._ACCESS[False, True], plain),
        (access._ACCESS[True, True], linked),
        (form._STORED_VALUES, {"response_id": saved.response.id}),
    ]
    for statement, params in reads:
        _same(statement.rows(connection, params), _through_sqlalchemy(connection, statement, params))
    (row,) = access._ACCESS[True, False].rows(connection, linked)
    # The enum columns come back as enums, the times as aware UTC times, the missing ones as None.
    assert row[8] is EnrolmentStatus.ACTIVE and row[12] is ResponseStatus.DRAFT
    assert row[15].tzinfo is not None and row[15].utcoffset() == timedelta(0) and row[16] is None
    assert access._ACCESS[False, False].first(connection, reads[2][1]) is None
    (with_answers,) = access._ACCESS[True, True].rows(connection, linked)
    assert with_answers[:-1] == row  # the same columns, then the answers' JSON aggregate
    assert sorted(access._answer_rows(with_answers[-1])) == sorted(
        (s.version.id, item, number, text) for item, number, text in
        [("L1", 4.0, None), ("T1", None, "ក្រុមការងារ"), ("Y1", 0.0, None)])

    # The lock: the same UPDATE ... RETURNING twice on PostgreSQL (it changes the row: compare the second
    # call's rows with a third through SQLAlchemy, each given its own time); SQLite has no such statement.
    if connection.dialect.name == "postgresql":
        statement = access._LOCK_WITH_ACCESS[True]
        later = now + timedelta(seconds=5)

        def params(when):
            return {"b_participant": s.participant.id, "b_wave": s.wave.id, "b_now": when, "b_language": "en",
                    "b_consent": None, "b_invitation": invitation_id}

        fast = statement.rows(connection, params(later))
        slow = _through_sqlalchemy(connection, statement, params(later))
        _same(fast, slow)
        assert fast[0][4] == "en" and fast[0][3] is ResponseStatus.DRAFT
        # A naive time is refused as SQLAlchemy's type refuses it (the bind processor runs).
        with pytest.raises(ValueError):
            statement.rows(connection, params(later.replace(tzinfo=None)))
    session.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize("text", ['He said "yes", then {no}.', "back\\slash \\u0041 [1,2] null",
                                  "ក្រុមការងារ “ស្តាប់” ១,២", "line\nbreak\ttab", "NULL", "4"])
def test_answers_read_with_the_access_are_the_stored_answers(session, text: str) -> None:
    s = build(session)
    now = utcnow()
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now, channel="lti")
    service.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    saved = service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now,
                               answers={s.key("L1"): "5", s.key("L2"): "1", s.key("Y1"): "0", s.key("T1"): text})
    found = access.read_access(session, s.participant.id, s.wave.id, with_answers=True)
    expected = {s.key("L1"): 5, s.key("L2"): 1, s.key("Y1"): 0, s.key("T1"): text}
    assert form.values_of(found.answers or ()) == form.stored_values(session, saved.response.id) == expected
    opened = service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now, channel="lti")
    assert dict(opened.answers) == expected


@pytest.mark.postgres
def test_a_response_without_answers_or_no_response_reads_no_answers(session) -> None:
    s = build(session)
    assert access.read_access(session, s.participant.id, s.wave.id, with_answers=True).answers == ()
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(), channel="lti")
    found = access.read_access(session, s.participant.id, s.wave.id, with_answers=True)
    assert found.response is not None and found.answers == ()
    assert access.read_access(session, s.participant.id, s.wave.id).answers is None  # not asked for


@pytest.mark.postgres
def test_a_pages_answers_are_written_in_one_statement_on_postgresql(session) -> None:
    s = build(session)
    form_ = service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                              channel="lti")
    connection = session.connection()
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", note)
    try:
        written = answers.write_answers(session, form_.response.id, {s.key("L1"): (3.0, None),
                                                                     s.key("T1"): (None, "ក")})
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", note)
    assert written == {s.key("L1"): 3, s.key("T1"): "ក"}
    assert sorted(form.stored_values(session, form_.response.id).items()) == [(s.key("L1"), 3), (s.key("T1"), "ក")]
    upserts = [statement for statement in seen if statement.startswith("INSERT INTO answers")]
    if connection.dialect.name == "postgresql":
        assert len(upserts) == 1 and "unnest" in upserts[0]  # the arrays, through the driver's cursor
    else:
        assert upserts and all("unnest" not in statement for statement in upserts)


@pytest.mark.postgres
def test_listeners_see_each_statement(session) -> None:
    s = build(session)
    seen: list[str] = []
    engine = session.get_bind()

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        access.read_access(session, s.participant.id, s.wave.id)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(seen) == 1 and "FROM participants JOIN waves" in seen[0]


@pytest.mark.postgres
def test_a_driver_error_is_sqlalchemys_error_and_the_session_goes_on(session) -> None:
    s = build(session)
    table = Participant.__table__
    duplicate = DriverStatement(
        insert(table).values(moodle_user_id=bindparam("moodle_user_id", type_=Integer),
                             username=bindparam("username", type_=String), language="km"),
        ("moodle_user_id", "username"))
    with pytest.raises(IntegrityError) as caught:
        duplicate.rows(session.connection(), {"moodle_user_id": s.participant.moodle_user_id, "username": "again"})
    assert caught.value.orig is not None and not caught.value.connection_invalidated
    session.rollback()
    assert access.read_access(session, s.participant.id, s.wave.id).participant.id == s.participant.id


@pytest.mark.skipif(not POSTGRES_URL, reason="needs LIPASSESS_TEST_POSTGRES_URL (SQLite has no server to lose)")
def test_a_lost_connection_is_invalidated_and_replaced() -> None:
    engine = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    admin = make_engine(POSTGRES_URL)
    one = DriverStatement(select(literal_column("1")), ())
    try:
        with engine.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
            assert one.first(connection, {}) == (1,)
            with admin.begin() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(DBAPIError) as caught:
                one.first(connection, {})
            assert caught.value.connection_invalidated
        with engine.connect() as connection:  # the pool replaced the dead connection
            assert one.first(connection, {}) == (1,)
            assert connection.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_a_call_must_give_exactly_the_statements_parameters(session) -> None:
    with pytest.raises(ValueError, match="exactly the parameters"):
        form._STORED_VALUES.rows(session.connection(), {"response": 1})
    with pytest.raises(ValueError, match="exactly the parameters"):
        form._STORED_VALUES.rows(session.connection(), {"response_id": 1, "extra": 2})


def test_times_keep_their_zone(session) -> None:
    """A time written by a save and read back by the stored statement's neighbour is UTC (SQLite too)."""
    s = build(session)
    now = utcnow()
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now, channel="lti")
    found = access.read_access(session, s.participant.id, s.wave.id)
    assert found.response is not None and found.response.status is ResponseStatus.DRAFT
    assert found.wave.opens_at is not None and found.wave.opens_at.tzinfo is not None
    assert found.wave.opens_at.astimezone(UTC) < now

"""The page save's one statement on PostgreSQL: every check and the draft's lock, or nothing at all.

:func:`lock_with_access` must agree with the checks made one by one
(:func:`read_access`, the window, the draft): it locks and returns the draft
only when all of them pass, and otherwise changes nothing, so the slower path
can say which one failed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lipassess.services.links import revoke_link
from lipassess.services.surveys import open_form, record_consent, submit
from lipassess.services.surveys.access import lock_with_access, read_access
from lipassess.store.models import Enrolment, EnrolmentStatus, Invitation, Participant, Response, Wave
from lipassess.store.types import utcnow
from tests.survey_factories import all_answers, build

pytestmark = pytest.mark.postgres


def _state(session, response_id):
    session.expire_all()
    return session.execute(select(Response.updated_at, Response.language, Response.consent_at, Response.status)
                           .where(Response.id == response_id)).one()


@pytest.fixture
def drafted(session):
    s = build(session)
    now = utcnow()
    form = open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
    session.commit()
    s.response_id = form.response.id
    return s


def _lock(session, s, **kwargs):
    return lock_with_access(session, s.participant.id, s.wave.id, utcnow() + timedelta(seconds=1), **kwargs)


def test_all_checks_pass_the_draft_is_locked_and_the_access_is_what_read_access_reads(session, drafted) -> None:
    s = drafted
    postgres = session.get_bind().dialect.name == "postgresql"
    found = _lock(session, s, language="en", consent=True)
    if not postgres:
        assert found is None  # SQLite: the checks always run one by one
        return
    assert found is not None
    access, response = found
    expected = read_access(session, s.participant.id, s.wave.id)
    assert (access.participant, access.wave, access.signature) == (expected.participant, expected.wave,
                                                                  expected.signature)
    assert response.language == "en" and response.consent_at is not None and response.id == s.response_id
    session.commit()
    assert _state(session, s.response_id)[1:3] == ("en", response.consent_at)


@pytest.mark.parametrize("case", ["withdrawn", "unenrolled", "closed", "not_open", "submitted", "no_draft",
                                  "revoked_link", "other_link"])
def test_any_failed_check_locks_and_changes_nothing(session, drafted, case) -> None:
    s = drafted
    now = utcnow()
    kwargs = {}
    if case == "withdrawn":
        session.execute(update(Participant).values(withdrawn_at=now))
    elif case == "unenrolled":
        session.execute(update(Enrolment).values(status=EnrolmentStatus.UNENROLLED))
    elif case == "closed":
        session.execute(update(Wave).values(closes_at=now - timedelta(minutes=1)))
    elif case == "not_open":
        session.execute(update(Wave).values(opens_at=now + timedelta(days=1)))
    elif case == "submitted":
        record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
        submit(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now,
               answers=all_answers(s.version.id))
    elif case == "no_draft":
        session.execute(Response.__table__.delete())
    elif case == "revoked_link":
        revoke_link(session, participant_id=s.participant.id, wave_id=s.wave.id, now=now)
        kwargs["invitation_id"] = _newest_invitation(session)
    elif case == "other_link":
        kwargs["invitation_id"] = 987654
    session.commit()
    before = session.execute(select(Response.updated_at, Response.language, Response.consent_at,
                                    Response.status)).all()
    assert _lock(session, s, language="en", consent=True, **kwargs) is None
    session.commit()
    session.expire_all()
    assert session.execute(select(Response.updated_at, Response.language, Response.consent_at,
                                  Response.status)).all() == before


def _newest_invitation(session) -> int:
    return session.scalars(select(Invitation.id).order_by(Invitation.id.desc())).first()


def test_a_live_link_passes(session, drafted) -> None:
    s = drafted
    found = _lock(session, s, invitation_id=_newest_invitation(session))  # the link build() issued
    assert (found is not None) == (session.get_bind().dialect.name == "postgresql")

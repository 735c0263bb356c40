"""``operations_status``: last successful sync, messages not accepted, queued scores, and what needs a person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lipassess.services.status import SYNC_MAX_AGE, operations_status
from lipassess.store.models import Invitation, Message
from tests.factories import make_cohort, make_participant, make_wave

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _world(session, *, synced_at):
    cohort = make_cohort(session, 3, "LIP-C9", synced_at=synced_at)
    wave = make_wave(session, cohort, "post", [], opens_at=NOW - timedelta(days=3), closes_at=None)  # no end yet
    old = make_cohort(session, 4, "LIP-C1")  # all its waves are over: its sync does not matter any more
    make_wave(session, old, "pre", [], opens_at=NOW - timedelta(days=400), closes_at=NOW - timedelta(days=380))
    return cohort, wave


def _message(session, wave, user_id: int, status: str, *, at: datetime, attempts: int = 0, claimed: bool = False):
    person = make_participant(session, user_id, None)
    invitation = Invitation(wave_id=wave.id, participant_id=person.id, token_hash=f"{user_id:064d}",
                            expires_at=NOW + timedelta(days=30))
    session.add(invitation)
    session.flush()
    session.add(Message(invitation_id=invitation.id, kind="invitation", status=status, language="en",
                        attempts=attempts, claimed_at=at if claimed else None, updated_at=at, created_at=at))
    session.flush()


def test_all_well_needs_nobody(session) -> None:
    _world(session, synced_at=NOW - timedelta(hours=3))
    state = operations_status(session, NOW)
    assert not state.needs_attention and state.waves == ()
    assert [(s.cohort, s.stale) for s in state.syncs] == [("LIP-C9", False)]
    assert state.summary().splitlines()[-1] == "nothing needs a person"


def test_a_stale_sync_stuck_messages_and_old_scores_need_a_person(session) -> None:
    _, wave = _world(session, synced_at=NOW - SYNC_MAX_AGE - timedelta(hours=1))
    _message(session, wave, 10, "failed", at=NOW - timedelta(days=2), attempts=3)
    _message(session, wave, 11, "failed", at=NOW - timedelta(hours=2), attempts=1)  # retried by the next run
    _message(session, wave, 12, "unknown", at=NOW - timedelta(days=1), claimed=True)
    _message(session, wave, 13, "pending", at=NOW - timedelta(hours=5))  # left by an outage
    state = operations_status(session, NOW)
    (messages,) = state.waves
    assert (messages.failed, messages.unknown, messages.pending) == (2, 1, 1)
    assert messages.oldest_failed == NOW - timedelta(days=2) and messages.oldest_pending == NOW - timedelta(hours=5)
    assert state.needs_attention and len(state.attention) == 2
    assert state.attention[0].startswith("cohort LIP-C9 has not been synced since")
    assert state.attention[1].startswith("3 message(s) are stuck")
    assert state.to_dict()["messages"][0]["unknown"] == 1


def test_the_staff_status_page_shows_the_same_to_admins_only(app, client, session) -> None:
    from lipassess.services import staff as staff_service
    from tests.web.staff_world import PASSWORD

    _, wave = _world(session, synced_at=None)
    _message(session, wave, 12, "unknown", at=NOW - timedelta(days=1), claimed=True)
    for name, role in (("ana", "admin"), ("eva", "evaluator")):
        staff_service.add_staff_user(session, username=name, role=role, password=PASSWORD.format(name))
    session.commit()
    client.post("/staff/login", data={"username": "eva", "password": PASSWORD.format("eva")})
    assert client.get("/staff/status").status_code == 403
    client.post("/staff/logout")
    client.post("/staff/login", data={"username": "ana", "password": PASSWORD.format("ana")})
    page = client.get("/staff/status")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cohort LIP-C9 was never synced" in html and "1 message(s) are stuck" in html
    assert "LIP-C9/Post" in html  # the wave in words (catalogue text wave.post), as on every staff page

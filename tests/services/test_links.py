"""Personal links: random tokens stored as hashes, rotation, expiry, revocation."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lipassess.errors import Conflict, Gone, InvalidInput, NotFound
from lipassess.services.links import (
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
    hash_token,
    issue_link,
    link_path,
    resolve_link,
    revoke_link,
)
from lipassess.store.models import EnrolmentStatus, Invitation
from tests.survey_factories import NOW, make_cohort, make_participant, make_wave

pytestmark = pytest.mark.postgres


@pytest.fixture
def setup(session):
    cohort = make_cohort(session)
    participant = make_participant(session, cohort)
    wave = make_wave(session, cohort)
    return participant, wave


def test_token_is_random_urlsafe_and_only_its_hash_is_stored(session, setup) -> None:
    participant, wave = setup
    token = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 bytes = 256 bits
    rows = session.scalars(select(Invitation)).all()
    assert len(rows) == 1
    assert rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest() == hash_token(token)
    assert token not in rows[0].token_hash
    assert rows[0].expires_at == NOW + timedelta(days=60)
    assert link_path(token) == f"/s/{token}"


def test_tokens_differ_between_participants(session, setup) -> None:
    participant, wave = setup
    other = make_participant(session, wave.cohort)
    a = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    b = issue_link(session, participant=other, wave=wave, now=NOW, ttl_days=60)
    assert a != b
    assert resolve_link(session, a, NOW).participant_id == participant.id
    assert resolve_link(session, b, NOW).participant_id == other.id


def test_reissue_rotates_the_token_and_keeps_one_row(session, setup) -> None:
    participant, wave = setup
    first = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    later = NOW + timedelta(days=50)
    second = issue_link(session, participant=participant, wave=wave, now=later, ttl_days=60)
    session.commit()
    assert first != second
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1
    with pytest.raises(LinkInvalid):
        resolve_link(session, first, later)
    invitation = resolve_link(session, second, later)
    assert invitation.expires_at == later + timedelta(days=60)
    assert (invitation.participant_id, invitation.wave_id) == (participant.id, wave.id)


def test_expired_link_says_expired(session, setup) -> None:
    participant, wave = setup
    token = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=3)
    assert resolve_link(session, token, NOW + timedelta(days=3) - timedelta(seconds=1))
    with pytest.raises(LinkExpired) as caught:
        resolve_link(session, token, NOW + timedelta(days=3))
    assert isinstance(caught.value, Gone)
    assert "expired" in caught.value.message and "newest message" in caught.value.message


def test_revoked_link_is_refused_and_reissue_reactivates(session, setup) -> None:
    participant, wave = setup
    token = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    assert revoke_link(session, participant_id=participant.id, wave_id=wave.id, now=NOW) is True
    assert revoke_link(session, participant_id=participant.id, wave_id=wave.id, now=NOW) is False
    with pytest.raises(LinkRevoked):
        resolve_link(session, token, NOW)
    fresh = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    assert resolve_link(session, fresh, NOW).revoked_at is None


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character altered
    lambda t: t[:-1],  # truncated
    lambda t: t + "x",  # extended
    lambda t: t.upper(),
    lambda t: "",
    lambda t: "../../etc/passwd",
    lambda t: "A" * 43,  # well formed, never issued
    lambda t: hash_token(t),  # the stored hash itself is not a token
])
def test_unknown_and_tampered_tokens_get_one_answer(session, setup, mangle) -> None:
    participant, wave = setup
    token = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    with pytest.raises(LinkInvalid) as caught:
        resolve_link(session, mangle(token), NOW)
    assert isinstance(caught.value, NotFound)
    assert caught.value.message == LinkInvalid().message
    assert "participant" not in caught.value.message.lower()


def test_withdrawn_or_unenrolled_participants_get_no_link(session, setup) -> None:
    participant, wave = setup
    participant.withdrawn_at = NOW
    with pytest.raises(Conflict, match="withdrawn"):
        issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    gone = make_participant(session, wave.cohort, status=EnrolmentStatus.UNENROLLED)
    stranger = make_participant(session, make_cohort(session))
    for person in (gone, stranger):
        with pytest.raises(Conflict, match="not enrolled"):
            issue_link(session, participant=person, wave=wave, now=NOW, ttl_days=60)
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_bad_arguments_are_refused(session, setup) -> None:
    participant, wave = setup
    with pytest.raises(InvalidInput, match="ttl_days"):
        issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=0)
    with pytest.raises(InvalidInput, match="aware"):
        issue_link(session, participant=participant, wave=wave, now=NOW.replace(tzinfo=None), ttl_days=5)

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
from lipassess.services.raters.links import (
    issue_rater_link,
    rater_link_path,
    resolve_rater_link,
    revoke_rater_link,
)
from lipassess.store.models import EnrolmentStatus, Invitation
from lipassess.store.rater_models import Rater
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


MANGLES = [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character altered
    lambda t: t[:-1],  # truncated
    lambda t: t + "x",  # extended
    lambda t: t.upper(),
    lambda t: "",
    lambda t: "../../etc/passwd",
    lambda t: "A" * 43,  # well formed, never issued
    lambda t: hash_token(t),  # the stored hash itself is not a token
]


@pytest.mark.parametrize("mangle", MANGLES)
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


# --------------------------------------------------------------------------- rater links: the same rules


@pytest.fixture
def rater(session, setup):
    participant, wave = setup
    row = Rater(participant_id=participant.id, wave_id=wave.id, name="Dara Sok", email="dara@example.gov.kh",
                contact="dara@example.gov.kh", relation="supervisor", source="import", language="km",
                reminders_sent=0)
    session.add(row)
    session.flush()
    return row


def test_rater_token_is_random_and_only_its_hash_is_stored(session, rater) -> None:
    token = issue_rater_link(session, rater, now=NOW, ttl_days=60)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert rater.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert rater.expires_at == NOW + timedelta(days=60)
    assert rater_link_path(token) == f"/r/{token}"
    assert resolve_rater_link(session, token, NOW).id == rater.id


def test_rater_reissue_rotates_expiry_and_revocation(session, rater) -> None:
    first = issue_rater_link(session, rater, now=NOW, ttl_days=3)
    second = issue_rater_link(session, rater, now=NOW, ttl_days=3)
    with pytest.raises(LinkInvalid):
        resolve_rater_link(session, first, NOW)
    with pytest.raises(LinkExpired):
        resolve_rater_link(session, second, NOW + timedelta(days=3))
    assert revoke_rater_link(session, rater, now=NOW) is True
    with pytest.raises(LinkRevoked):
        resolve_rater_link(session, second, NOW)
    assert resolve_rater_link(session, issue_rater_link(session, rater, now=NOW, ttl_days=3), NOW).id == rater.id


@pytest.mark.parametrize("mangle", MANGLES)
def test_tampered_rater_tokens_get_the_participants_one_answer(session, rater, mangle) -> None:
    token = issue_rater_link(session, rater, now=NOW, ttl_days=60)
    with pytest.raises(LinkInvalid) as caught:
        resolve_rater_link(session, mangle(token), NOW)
    assert caught.value.message == LinkInvalid().message


def test_participant_and_rater_tokens_never_open_each_other(session, setup, rater) -> None:
    participant, wave = setup
    theirs = issue_link(session, participant=participant, wave=wave, now=NOW, ttl_days=60)
    mine = issue_rater_link(session, rater, now=NOW, ttl_days=60)
    with pytest.raises(LinkInvalid):
        resolve_rater_link(session, theirs, NOW)
    with pytest.raises(LinkInvalid):
        resolve_link(session, mine, NOW)


def test_no_rater_link_after_submission_or_withdrawal(session, setup, rater) -> None:
    participant, _ = setup
    token = issue_rater_link(session, rater, now=NOW, ttl_days=60)
    participant.withdrawn_at = NOW
    with pytest.raises(LinkRevoked):  # a withdrawn participant's raters lose their links
        resolve_rater_link(session, token, NOW)
    with pytest.raises(Conflict, match="withdrawn"):
        issue_rater_link(session, rater, now=NOW, ttl_days=60)
    participant.withdrawn_at = None
    rater.submitted_at = NOW
    with pytest.raises(Conflict, match="already submitted"):
        issue_rater_link(session, rater, now=NOW, ttl_days=60)
    with pytest.raises(InvalidInput, match="ttl_days"):
        rater.submitted_at = None
        issue_rater_link(session, rater, now=NOW, ttl_days=0)

"""``lipassess lti`` through the real entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.store.database import make_engine
from lipassess.store.models import (
    Cohort,
    LtiPlatform,
    LtiResourceLink,
    LtiScoreOutbox,
    LtiToolKey,
    Participant,
    ScoreStatus,
    Wave,
)
from tests.bridge.lti.signing_platform import (
    AUTH_URL,
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    RECORDED_LINEITEM,
    TOKEN_URL,
    recorded,
)
from tests.services.lti_world import add_hfd_cohort, add_synced_participant

pytestmark = pytest.mark.postgres

PLATFORM_ARGS = ("lti", "add-platform", "--issuer", ISSUER, "--client-id", CLIENT_ID, "--deployment-id", "1",
                 "--auth-url", AUTH_URL, "--token-url", TOKEN_URL, "--jwks-url", JWKS_URL)


def test_add_platform_list_and_add_a_deployment(run_cli) -> None:
    first = run_cli(*PLATFORM_ARGS)
    assert first.exit_code == 0, first
    assert first.out.strip() == f"registered {ISSUER} client {CLIENT_ID} (deployments: 1)"
    again = run_cli(*PLATFORM_ARGS, "--deployment-id", "2")
    assert again.out.strip() == f"updated {ISSUER} client {CLIENT_ID} (deployments: 1, 2)"
    listing = run_cli("lti", "list")
    assert listing.exit_code == 0
    assert f"platform {ISSUER} client {CLIENT_ID} deployments 1, 2" in listing.out
    assert "initiate login URL:         http://127.0.0.1:5000/lti/login" in listing.out
    assert listing.out.count(" active") == 1  # add-platform made the first tool key
    assert "scores: 0 pending, 0 sent, 0 failed" in listing.out


def test_bad_platform_values_are_one_line_exit_2(run_cli) -> None:
    result = run_cli(*[("not-a-url" if a == TOKEN_URL else a) for a in PLATFORM_ARGS])
    assert result.exit_code == 2 and "token URL must be an absolute http(s) URL" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("issuer", ["https://[::1", "http://[x]/"])
def test_an_issuer_url_that_cannot_be_read_is_one_line_exit_2(run_cli, issuer: str) -> None:
    result = run_cli(*[(issuer if a == ISSUER else a) for a in PLATFORM_ARGS])
    assert result.exit_code == 2 and "must be an absolute http(s) URL" in result.err and issuer in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_rotate_key_keeps_the_previous_key_published(run_cli, database_url) -> None:
    first = run_cli("lti", "rotate-key")
    second = run_cli("lti", "rotate-key")
    third = run_cli("lti", "rotate-key", "--keep", "1")
    assert first.exit_code == second.exit_code == third.exit_code == 0
    assert "retired" not in second.out and third.out.count("retired") == 1
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert [r.active for r in conn.execute(select(LtiToolKey).order_by(LtiToolKey.id))] == [False, False, True]
    engine.dispose()


def _cohort_with_a_launch_link(session: Session, now: datetime) -> tuple[Cohort, Participant, Wave, LtiResourceLink]:
    """The recorded HFD cohort, one synced participant, an open pre wave and the recorded line item's link."""
    cohort = add_hfd_cohort(session)
    person = add_synced_participant(session, cohort)
    wave = Wave(cohort_id=cohort.id, kind="pre", opens_at=now - timedelta(days=1))
    session.add(wave)
    link = LtiResourceLink(platform_id=session.scalar(select(LtiPlatform.id)), deployment_id="1",
                           resource_link_id="1", cohort_id=cohort.id, lineitem_url=RECORDED_LINEITEM)
    session.add(link)
    session.flush()
    return cohort, person, wave, link


def test_send_scores_posts_the_queue(run_cli, database_url) -> None:
    assert run_cli(*PLATFORM_ARGS).exit_code == 0
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        _, person, wave, link = _cohort_with_a_launch_link(session, now)
        session.add(LtiScoreOutbox(participant_id=person.id, wave_id=wave.id, link_id=link.id,
                                   lineitem_url=RECORDED_LINEITEM, user_id="36", completed_at=now,
                                   status=ScoreStatus.FAILED, attempts=10, next_attempt_at=now))
        session.commit()
    token = recorded("services/token__client_credentials.json")
    score = recorded("services/ags__score_post.json")
    assert run_cli("lti", "send-scores").out.strip() == (
        "scores: 0 sent, 0 already newer in Moodle, 0 to retry, 0 failed, 0 deferred")
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, content_type=token["content_type"], body=json.dumps(token["body"]))
        mock.post(score["request"]["url"], content_type=score["content_type"], body="")
        result = run_cli("lti", "send-scores", "--retry-failed")
    assert result.exit_code == 0, result
    assert result.out.splitlines() == ["requeued 1 failed score(s)",
                                       "scores: 1 sent, 0 already newer in Moodle, 0 to retry, 0 failed, 0 deferred"]
    with engine.connect() as conn:
        assert conn.execute(select(LtiScoreOutbox.status)).scalar() == ScoreStatus.SENT
    engine.dispose()


def test_send_scores_with_the_platform_down_is_exit_1_and_one_line(run_cli, database_url) -> None:
    import requests

    assert run_cli(*PLATFORM_ARGS).exit_code == 0
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        cohort, person, wave, link = _cohort_with_a_launch_link(session, now)
        for _ in range(2):
            other = add_synced_participant(session, cohort, user_id=37) if _ else person
            session.add(LtiScoreOutbox(participant_id=other.id, wave_id=wave.id, link_id=link.id,
                                       lineitem_url=RECORDED_LINEITEM, user_id=str(other.moodle_user_id),
                                       completed_at=now, status=ScoreStatus.PENDING, attempts=0,
                                       next_attempt_at=now - timedelta(minutes=1)))
        session.commit()
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, body=requests.ConnectionError(
            "HTTPSConnectionPool(host='moodle.example', port=443): Max retries exceeded with url: /mod/lti/token.php "
            "(Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f>: "
            "Failed to establish a new connection: [Errno 111] Connection refused'))"))
        result = run_cli("lti", "send-scores")
    assert result.exit_code == 1, result
    (line,) = result.err.splitlines()
    assert line == (f"error: 2 score(s) stay queued for the gradebook (the platform {ISSUER} could not be reached "
                    "(token endpoint)); the next 'lipassess dispatch' or 'lipassess lti send-scores' sends them")
    assert "urllib3" not in result.out + result.err
    engine.dispose()

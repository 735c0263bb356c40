"""Completion passback: queued on submission, sent by dispatch, Moodle down survived, recorded answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from sqlalchemy import select

from lipassess.services import lti as lti_service
from lipassess.services.lti_scores import enqueue_completion, retry_delay
from lipassess.store.models import LtiResourceLink, LtiScoreOutbox, Response, ResponseStatus, ScoreStatus, WaveKind
from tests.bridge.lti.signing_platform import RECORDED_LINEITEM, TOKEN_URL, recorded
from tests.services.lti_world import LabLaunches, add_hfd_cohort, add_lab_platform, add_synced_participant, add_waves

pytestmark = pytest.mark.postgres

NOW = datetime.now(UTC).replace(microsecond=0)
TOKEN_OK = recorded("services/token__client_credentials.json")
SCORE_OK = recorded("services/ags__score_post.json")
SCORE_STALE = recorded("services/ags__score_post_error_stale_timestamp.json")
SCORES_URL = SCORE_OK["request"]["url"]


def stub_token(mock) -> None:
    mock.post(TOKEN_URL, status=200, content_type=TOKEN_OK["content_type"], body=json.dumps(TOKEN_OK["body"]))


def stub_score(mock, fixture=SCORE_OK) -> None:
    body = fixture["body"]
    mock.post(SCORES_URL, status=fixture["http_status"], content_type=fixture["content_type"],
              body=body if isinstance(body, str) else json.dumps(body))


@pytest.fixture
def submitted(session):
    """User 36 launched the pre wave through the recorded activity and submitted it."""
    return launched_and_submitted(session)


def launched_and_submitted(session) -> dict:
    """Set up user 36's launch of the pre wave and a submitted response (committed)."""
    add_lab_platform(session)
    cohort = add_hfd_cohort(session)
    waves = add_waves(session, cohort, NOW)
    person = add_synced_participant(session, cohort)
    session.commit()
    launch = LabLaunches().verify(session, "learner", NOW)
    lti_service.resolve_launch(session, launch, now=NOW)
    submitted_at = NOW + timedelta(minutes=20)
    session.add(Response(participant_id=person.id, wave_id=waves["pre"].id, status=ResponseStatus.SUBMITTED,
                         submitted_at=submitted_at))
    session.commit()
    return {"person": person, "wave": waves["pre"], "waves": waves, "cohort": cohort, "submitted_at": submitted_at}


def test_submission_queues_without_calling_moodle(session, submitted) -> None:
    with responses.RequestsMock():  # any HTTP call would fail the test
        rows = lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    session.commit()
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.attempts, row.lineitem_url, row.user_id) == (
        ScoreStatus.PENDING, 0, RECORDED_LINEITEM, "36")
    assert row.completed_at == submitted["submitted_at"]
    again = lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    assert [r.id for r in again] == [row.id]
    assert len(session.scalars(select(LtiScoreOutbox)).all()) == 1


def test_submit_queues_in_one_statement_once(session, submitted) -> None:
    """What a submission runs: one INSERT ... SELECT, its row as the ORM path wrote it, nothing added twice."""
    done_at = submitted["submitted_at"]
    later = NOW + timedelta(minutes=21)
    person, wave = submitted["person"].id, submitted["wave"].id
    assert enqueue_completion(session, participant_id=person, wave_id=wave, completed_at=done_at, now=later) == 1
    assert enqueue_completion(session, participant_id=person, wave_id=wave, completed_at=NOW, now=NOW) == 0
    session.commit()
    row = session.scalars(select(LtiScoreOutbox)).one()
    link = session.scalars(select(LtiResourceLink)).one()
    assert (row.participant_id, row.wave_id, row.link_id, row.lineitem_url, row.user_id) == (
        person, wave, link.id, RECORDED_LINEITEM, "36")
    assert (row.status, row.attempts, row.last_error, row.sent_at) == (ScoreStatus.PENDING, 0, None, None)
    assert (row.completed_at, row.next_attempt_at, row.created_at) == (done_at, later, later)
    # The follow-up has no activity and was not launched: nothing to queue.
    followup = submitted["waves"]["followup"].id
    assert enqueue_completion(session, participant_id=person, wave_id=followup, completed_at=NOW, now=NOW) == 0


def test_pending_score_is_sent_as_a_completion(session, submitted) -> None:
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    session.commit()
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub_score(mock)
        report = lti_service.send_pending_scores(session, NOW + timedelta(minutes=30))
        body = json.loads(mock.calls[1].request.body)
    session.commit()
    assert report.sent == 1 and report.summary().startswith("scores: 1 sent")
    assert body == {"userId": "36", "scoreGiven": 1, "scoreMaximum": 1, "activityProgress": "Completed",
                    "gradingProgress": "FullyGraded",
                    "timestamp": submitted["submitted_at"].strftime("%Y-%m-%dT%H:%M:%SZ")}
    row = session.scalar(select(LtiScoreOutbox))
    assert row.status is ScoreStatus.SENT and row.attempts == 1 and row.sent_at is not None
    with responses.RequestsMock():  # nothing left to send
        assert lti_service.send_pending_scores(session, NOW + timedelta(hours=1)).to_dict()["sent"] == 0


def test_moodle_down_keeps_the_score_queued_until_the_next_dispatch(session, submitted) -> None:
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    session.commit()
    first_run = NOW + timedelta(minutes=30)
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, body=requests.ConnectionError("Connection refused"))
        report = lti_service.send_pending_scores(session, first_run)
    session.commit()
    row = session.scalar(select(LtiScoreOutbox))
    assert report.retrying == 1 and row.status is ScoreStatus.PENDING and row.attempts == 1
    assert "unreachable" in row.last_error
    assert row.next_attempt_at == first_run + timedelta(minutes=5)
    with responses.RequestsMock():  # too early: not tried again
        assert lti_service.send_pending_scores(session, first_run + timedelta(minutes=1)).sent == 0
    with responses.RequestsMock() as mock:  # Moodle is back
        stub_token(mock)
        stub_score(mock)
        assert lti_service.send_pending_scores(session, first_run + timedelta(minutes=6)).sent == 1
    session.commit()
    row = session.scalar(select(LtiScoreOutbox))
    assert row.status is ScoreStatus.SENT and row.attempts == 2 and row.last_error is None


def test_recorded_409_counts_as_done(session, submitted) -> None:
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub_score(mock, SCORE_STALE)
        report = lti_service.send_pending_scores(session, NOW + timedelta(minutes=30))
    assert report.already_newer == 1
    assert session.scalar(select(LtiScoreOutbox.status)) is ScoreStatus.SENT


def test_refused_for_good_is_failed_and_can_be_requeued(session, submitted) -> None:
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    with responses.RequestsMock() as mock:
        stub_token(mock)
        mock.post(SCORES_URL, status=404, json={"status": 404, "reason": "Not Found"})
        assert lti_service.send_pending_scores(session, NOW).failed == 1
    row = session.scalar(select(LtiScoreOutbox))
    assert row.status is ScoreStatus.FAILED and "404" in row.last_error
    assert lti_service.outbox_counts(session) == {"pending": 0, "sent": 0, "failed": 1}
    assert lti_service.requeue_failed(session, NOW) == 1
    assert session.scalar(select(LtiScoreOutbox.status)) is ScoreStatus.PENDING


def test_gives_up_after_the_last_attempt(session, submitted) -> None:
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    with responses.RequestsMock() as mock:
        stub_token(mock)
        mock.post(SCORES_URL, status=503)
        report = lti_service.send_pending_scores(session, NOW, max_attempts=1)
    assert report.failed == 1 and session.scalar(select(LtiScoreOutbox.status)) is ScoreStatus.FAILED


def test_unreachable_platform_defers_its_other_scores(session, submitted) -> None:
    other = add_synced_participant(session, submitted["cohort"], user_id=33)
    lti_service.queue_completion(session, submitted["person"], submitted["wave"], now=NOW)
    # User 33 answered through a pre-wave activity placed by deep linking (no launch of their own needed).
    link = session.scalar(select(LtiResourceLink))
    placed = LtiResourceLink(platform_id=link.platform_id, deployment_id="1", resource_link_id="2",
                             cohort_id=submitted["cohort"].id, wave_kind=WaveKind.PRE,
                             lineitem_url=RECORDED_LINEITEM.replace("/13/", "/14/"))
    session.add(placed)
    session.flush()
    rows = lti_service.queue_completion(session, other, submitted["wave"], now=NOW)
    assert [r.link_id for r in rows] == [placed.id]
    with responses.RequestsMock() as mock:
        stub_token(mock)
        mock.post(SCORES_URL, body=requests.ConnectionError("reset by peer"))
        report = lti_service.send_pending_scores(session, NOW)
    assert (report.retrying, report.deferred) == (1, 1)


def test_no_column_no_queue(session, submitted) -> None:
    # The follow-up has no activity of its own and was not reached through one.
    assert lti_service.queue_completion(session, submitted["person"], submitted["waves"]["followup"]) == []


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 5), (2, 10), (3, 20), (8, 640), (9, 720), (20, 720)])
def test_retry_delay_doubles_up_to_twelve_hours(attempts, minutes) -> None:
    assert retry_delay(attempts) == timedelta(minutes=minutes)

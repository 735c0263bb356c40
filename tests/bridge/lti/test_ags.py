"""AGS: token by signed assertion, score posts, and each recorded Moodle answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses

from moodle_plugin_bridge.lti import (
    ScoreOutcome,
    ServiceClient,
    ServiceError,
    TokenRequestError,
    completion_score,
    generate_tool_key,
    scores_url,
)
from tests.bridge.lti.signing_platform import CLIENT_ID, RECORDED_LINEITEM, TOKEN_URL, SigningPlatform, recorded

TOKEN_OK = recorded("services/token__client_credentials.json")
SCORE_OK = recorded("services/ags__score_post.json")
SCORE_STALE = recorded("services/ags__score_post_error_stale_timestamp.json")
SCORES_URL = SCORE_OK["request"]["url"]
COMPLETED_AT = datetime(2026, 11, 22, 1, 52, 13, tzinfo=UTC)


def stub_token(mock: responses.RequestsMock, fixture: dict = TOKEN_OK) -> None:
    mock.post(TOKEN_URL, status=fixture["http_status"], content_type=fixture["content_type"],
              body=json.dumps(fixture["body"]))


def stub_score(mock: responses.RequestsMock, fixture: dict) -> None:
    body = fixture["body"]
    mock.post(SCORES_URL, status=fixture["http_status"], content_type=fixture["content_type"],
              body=body if isinstance(body, str) else json.dumps(body))


@pytest.fixture(scope="module")
def tool_key():
    return generate_tool_key(datetime(2026, 11, 1, tzinfo=UTC))


@pytest.fixture
def client(tool_key) -> ServiceClient:
    return ServiceClient(SigningPlatform().config(), tool_key, clock=lambda: 1_800_000_000.0)


def test_scores_url_is_the_recorded_one() -> None:
    assert scores_url(RECORDED_LINEITEM) == SCORES_URL


def test_completion_is_posted_with_a_signed_client_assertion(client, tool_key) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub_score(mock, SCORE_OK)
        outcome = client.post_score(RECORDED_LINEITEM, completion_score("36", COMPLETED_AT))
        token_call, score_call = mock.calls
    assert outcome is ScoreOutcome.POSTED
    form = {k: v[0] for k, v in parse_qs(token_call.request.body).items()}
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == TOKEN_OK["request"]["form"]["client_assertion_type"]
    assert form["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"
    keyset = jwt.PyJWKSet.from_dict({"keys": [tool_key.public_jwk()]})
    assertion = jwt.decode(form["client_assertion"], keyset[tool_key.kid], algorithms=["RS256"],
                           audience=TOKEN_URL, options={"verify_exp": False, "verify_iat": False})
    assert assertion["iss"] == assertion["sub"] == CLIENT_ID and assertion["jti"]
    assert jwt.get_unverified_header(form["client_assertion"])["kid"] == tool_key.kid
    assert score_call.request.url == SCORES_URL
    assert score_call.request.headers["Content-Type"] == SCORE_OK["request"]["headers"]["Content-Type"]
    assert score_call.request.headers["Authorization"] == "Bearer REDACTED"
    assert json.loads(score_call.request.body) == {
        "userId": "36", "scoreGiven": 1, "scoreMaximum": 1, "activityProgress": "Completed",
        "gradingProgress": "FullyGraded", "timestamp": "2026-11-22T01:52:13Z"}
    # Same keys and timestamp format as the score Moodle accepted.
    assert set(json.loads(score_call.request.body)) | {"comment"} == set(SCORE_OK["request"]["json"])


def test_recorded_409_for_an_older_timestamp_means_already_done(client) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub_score(mock, SCORE_STALE)
        assert client.post_score(RECORDED_LINEITEM, completion_score("39", COMPLETED_AT)) is (
            ScoreOutcome.ALREADY_NEWER)


def test_token_is_reused_until_it_expires(client) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub_score(mock, SCORE_OK)
        stub_score(mock, SCORE_OK)
        client.post_score(RECORDED_LINEITEM, completion_score("36", COMPLETED_AT))
        client.post_score(RECORDED_LINEITEM, completion_score("33", COMPLETED_AT))
        assert [c.request.url for c in mock.calls].count(TOKEN_URL) == 1


def test_a_401_gets_one_retry_with_a_fresh_token(client) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock)
        mock.post(SCORES_URL, status=401, json={"status": 401, "reason": "Unauthorized"})
        stub_token(mock)
        stub_score(mock, SCORE_OK)
        assert client.post_score(RECORDED_LINEITEM, completion_score("36", COMPLETED_AT)) is ScoreOutcome.POSTED
        assert [c.request.url for c in mock.calls].count(TOKEN_URL) == 2


@pytest.mark.parametrize(
    ("stub", "retryable", "status"),
    [
        (lambda m: m.post(SCORES_URL, body=requests.ConnectionError("connection refused")), True, None),
        (lambda m: m.post(SCORES_URL, body=requests.Timeout("read timed out")), True, None),
        (lambda m: m.post(SCORES_URL, status=503, body="Service Unavailable"), True, 503),
        (lambda m: m.post(SCORES_URL, status=404, json={"status": 404}), False, 404),
        (lambda m: m.post(SCORES_URL, status=400, json={"status": 400}), False, 400),
    ],
)
def test_score_failures_say_whether_to_retry(client, stub, retryable, status) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock)
        stub(mock)
        with pytest.raises(ServiceError) as info:
            client.post_score(RECORDED_LINEITEM, completion_score("36", COMPLETED_AT))
    assert info.value.retryable is retryable and info.value.status == status


@pytest.mark.parametrize(
    ("fixture", "retryable"),
    [
        ("services/token__error_bad_assertion.json", True),   # e.g. Moodle has not fetched our new key yet
        ("services/token__error_invalid_scope.json", False),  # AGS not enabled for the tool: an admin must act
    ],
)
def test_recorded_token_errors(client, fixture, retryable) -> None:
    with responses.RequestsMock() as mock:
        stub_token(mock, recorded(fixture))
        with pytest.raises(TokenRequestError) as info:
            client.post_score(RECORDED_LINEITEM, completion_score("36", COMPLETED_AT))
    assert info.value.status == 400 and info.value.retryable is retryable
    assert recorded(fixture)["body"]["error"] in str(info.value)


def test_token_endpoint_down_is_retryable(client) -> None:
    with responses.RequestsMock() as mock:
        mock.post(TOKEN_URL, body=requests.ConnectionError("no route to host"))
        with pytest.raises(TokenRequestError) as info:
            client.access_token(["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    assert info.value.retryable and info.value.status is None


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        completion_score("36", datetime(2026, 11, 22)).to_json()


def test_a_line_item_url_that_cannot_be_read_is_not_retried(client) -> None:
    with responses.RequestsMock() as mock:  # no request at all may leave
        with pytest.raises(ServiceError) as info:
            client.post_score("https://[::1/mod/lti/services.php/2/lineitems/7/lineitem",
                              completion_score("36", COMPLETED_AT))
    assert info.value.retryable is False and "cannot be read" in str(info.value)
    assert len(mock.calls) == 0

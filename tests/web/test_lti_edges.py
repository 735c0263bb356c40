"""LTI edges (issue 12, point 8): many logins in one browser, forged deep-linking return URLs, registration
without a Moodle URL."""

from __future__ import annotations

from lipassess.web.lti_state import MAX_IN_FLIGHT, STATE_COOKIE_PREFIX
from tests.web import test_lti
from tests.web.test_lti import PLATFORM, REJECTED, launch, now, start_login

world, moodle = test_lti.world, test_lti.moodle  # the lab platform, course and keys (fixtures)

#: What gunicorn (limit_request_field_size) and most proxies accept in one header line.
HEADER_LIMIT = 8190


def state_cookies(client) -> list[str]:
    return [c.key for c in client._cookies.values() if c.key.startswith(STATE_COOKIE_PREFIX)]


def test_forty_logins_then_a_valid_launch_succeeds(client, world, moodle) -> None:
    logins = [start_login(client) for _ in range(40)]
    assert len(state_cookies(client)) <= MAX_IN_FLIGHT
    state, nonce = logins[-1]
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 302 and response.location.startswith("/survey/wave/")
    assert len(response.request.headers.get("Cookie", "")) < HEADER_LIMIT


def test_the_few_newest_logins_stay_usable_and_the_oldest_is_dropped(client, world, moodle, caplog) -> None:
    logins = [start_login(client) for _ in range(MAX_IN_FLIGHT + 3)]
    state, nonce = logins[-MAX_IN_FLIGHT]  # the oldest still in flight: another tab
    assert launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state).status_code == 302
    state, nonce = logins[0]
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 400 and REJECTED in response.text
    assert "rejected: state_missing" in caplog.text


def test_expired_and_forged_state_cookies_are_dropped_at_the_next_login(client, world) -> None:
    client.set_cookie(STATE_COOKIE_PREFIX + "forged-state-123", "not-signed", path="/lti/")
    state, _ = start_login(client)
    assert state_cookies(client) == [STATE_COOKIE_PREFIX + state]

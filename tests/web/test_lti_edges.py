"""LTI edges (issue 12, point 8): many logins in one browser, forged deep-linking return URLs, registration
without a Moodle URL."""

from __future__ import annotations

import pytest
import responses

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


# --- (b) the deep-linking return URL -------------------------------------------------------------------

SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
MOODLE_RETURN = "http://127.0.0.1:8080/mod/lti/contentitem_return.php?course=4&id=1&sesskey=2gjYDO8xnn"
FORGED_RETURN_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://evil.example/mod/lti/contentitem_return.php",
    "http://127.0.0.1:8080@evil.example/mod/lti/contentitem_return.php",
    "http://127.0.0.1:8080\\@evil.example/",
    "http://evil.example\\@127.0.0.1:8080/",
    "//evil.example/mod/lti/contentitem_return.php",
    "/mod/lti/contentitem_return.php",
    "http://127.0.0.1:8081/mod/lti/contentitem_return.php",
    "https://127.0.0.1:8080/mod/lti/contentitem_return.php",
    "http://127.0.0.1.evil.example:8080/mod/lti/contentitem_return.php",
    "ftp://127.0.0.1:8080/mod/lti/contentitem_return.php",
    "http://127.0.0.1:8080\n/mod/lti/contentitem_return.php",
]


def deep_linking_launch(client, return_url: str):
    state, nonce = start_login(client)
    claims = PLATFORM.deep_linking_claims(nonce=nonce, now=now())
    claims[SETTINGS]["deep_link_return_url"] = return_url
    return launch(client, claims, state)


@pytest.mark.parametrize("return_url", FORGED_RETURN_URLS)
def test_forged_return_urls_are_a_rejected_launch(client, world, moodle, caplog, return_url) -> None:
    response = deep_linking_launch(client, return_url)
    assert response.status_code == 400 and REJECTED in response.text
    assert "rejected: wrong_target (deep_link_return_url" in caplog.text
    assert client.get("/lti/deep-link").status_code == 403  # no selection page, no form posting anywhere


@pytest.mark.parametrize("return_url", [MOODLE_RETURN, MOODLE_RETURN.replace("http://", "HTTP://")])
def test_the_platforms_own_return_url_is_the_forms_action(client, world, moodle, return_url) -> None:
    assert deep_linking_launch(client, return_url).status_code == 302
    answer = client.post("/lti/deep-link", data={"wave": ["pre"]})
    assert answer.status_code == 200 and f'action="{return_url.replace("&", "&amp;")}"' in answer.text


def test_a_stored_selection_never_posts_off_site(client, world, moodle) -> None:
    """Defence in depth: should a selection hold a foreign return URL, the answer is refused, not signed."""
    assert deep_linking_launch(client, MOODLE_RETURN).status_code == 302
    with client.session_transaction() as browser:
        selection = browser["lti_deep_link"]
        selection["settings"]["deep_link_return_url"] = "javascript:alert(1)"
        browser["lti_deep_link"] = selection
    answer = client.post("/lti/deep-link", data={"wave": ["pre"]})
    assert answer.status_code == 403 and "javascript:" not in answer.text


# --- (c) registration before the Moodle site is configured ---------------------------------------------


def test_registration_without_a_moodle_url_is_a_clear_403(app, client, caplog) -> None:
    app.config["MOODLE_URL"] = None
    with responses.RequestsMock():  # nothing may be fetched from the claimed platform
        page = client.get("/lti/register", query_string={
            "openid_configuration": "https://moodle.example/mod/lti/openid-configuration.php",
            "registration_token": "t"})
    assert page.status_code == 403
    assert "Set LIPASSESS_MOODLE_URL to the Moodle site" in page.text
    assert "LTI registration refused" in caplog.text

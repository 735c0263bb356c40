"""The LTI endpoints end to end: Moodle's login post, the launch, routing by role, deep linking, rejections."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from flask import Blueprint, jsonify
from sqlalchemy import func, select

from lipassess import create_app
from lipassess import db as lipassess_db
from lipassess.store.models import LtiNonce, LtiPlatform, LtiResourceLink, Participant
from lipassess.web.auth import current_principal, staff_required
from moodle_plugin_bridge.lti.claims import (
    CLAIM_AGS_ENDPOINT,
    CLAIM_CONTEXT,
    CLAIM_DEPLOYMENT_ID,
    CLAIM_DL_CONTENT_ITEMS,
    CLAIM_DL_DATA,
    CLAIM_EXT,
    CLAIM_MESSAGE_TYPE,
    CLAIM_RESOURCE_LINK,
)
from tests.bridge.lti.signing_platform import (
    AUTH_URL,
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    RECORDED_PAYLOAD,
    SigningPlatform,
    derived,
    recorded,
    rsa_key,
)
from tests.services.lti_world import add_hfd_cohort, add_lab_platform, add_synced_participant, add_waves

# Backend-agnostic: the services under these pages run on both backends in tests/services.

INITIATION = recorded("oidc_login_initiation.json")["fields"]
REJECTED = "This activity could not be opened"
PLATFORM = SigningPlatform()


@pytest.fixture
def world(session):
    add_lab_platform(session)
    cohort = add_hfd_cohort(session)
    waves = add_waves(session, cohort, datetime.now(UTC))
    session.commit()
    return {"cohort": cohort, "waves": waves}


@pytest.fixture
def moodle():
    """The lab Moodle's key set, served to the app through ``responses``."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        PLATFORM.serve_jwks(mock)
        yield mock


def start_login(client, *, base_url: str = "http://localhost", **change) -> tuple[str, str]:
    """Moodle posts the recorded initiation; returns the state and nonce the tool chose."""
    fields = {k: v for k, v in {**INITIATION, **change}.items() if v is not None}
    response = client.post("/lti/login", data=fields, base_url=base_url)
    assert response.status_code == 302, response.data
    query = parse_qs(urlsplit(response.location).query)
    return query["state"][0], query["nonce"][0]


def launch(client, claims: dict, state: str, *, base_url: str = "http://localhost", token: str | None = None):
    return client.post("/lti/launch", data={"id_token": token or PLATFORM.sign(claims), "state": state},
                       base_url=base_url)


def now() -> int:
    return int(time.time())


# --- login --------------------------------------------------------------------------------------


def test_login_redirects_to_moodle_with_a_state_cookie(client, world) -> None:
    response = client.post("/lti/login", data=INITIATION)
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == AUTH_URL
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert set(query) == set(recorded("oidc_auth_request.json")["params"])
    assert query["redirect_uri"] == "http://127.0.0.1:5000/lti/launch"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"lti_state_{query['state']}=")
    assert "HttpOnly" in cookie and "Path=/lti/" in cookie and "SameSite=Lax" in cookie


def test_login_also_accepts_a_get(client, world) -> None:
    assert client.get("/lti/login", query_string=INITIATION).status_code == 302


def test_over_https_cookies_work_in_moodles_iframe(client, world, moodle) -> None:
    https = "https://lipassess.example.gov.kh"
    fields = {**INITIATION, "target_link_uri": "http://127.0.0.1:5000/lti/launch"}
    response = client.post("/lti/login", data=fields, base_url=https)
    state_cookie = response.headers["Set-Cookie"]
    for attribute in ("Secure", "SameSite=None", "Partitioned", "HttpOnly"):
        assert attribute in state_cookie
    state = parse_qs(urlsplit(response.location).query)["state"][0]
    nonce = parse_qs(urlsplit(response.location).query)["nonce"][0]
    landed = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state, base_url=https)
    session_cookie = next(c for c in landed.headers.getlist("Set-Cookie") if c.startswith("session="))
    for attribute in ("Secure", "SameSite=None", "Partitioned", "HttpOnly"):
        assert attribute in session_cookie


# --- learner ------------------------------------------------------------------------------------


def test_learner_launch_signs_in_the_participant_and_opens_the_wave(client, world, moodle) -> None:
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 302  # to the survey blueprint's wave_form
    assert response.location == f"/survey/wave/{world['waves']['pre'].id}"
    with client.session_transaction() as browser:
        person_id = browser["participant_id"]
        assert browser["lti"]["cohort_id"] == world["cohort"].id
        assert browser["lti"]["wave_id"] == world["waves"]["pre"].id
        assert "staff_session" not in browser
    assert any(c.startswith(f"lti_state_{state}=;") for c in response.headers.getlist("Set-Cookie"))  # forgotten
    with client.application.app_context():
        person = lipassess_db.get_session().get(Participant, person_id)
        assert person.moodle_user_id == 36


def test_learner_launch_lands_on_the_surveys_consent_page(app, client, session, world, moodle) -> None:
    from lipassess.store.models import WaveInstrument
    from tests.survey_factories import register

    session.add(WaveInstrument(wave_id=world["waves"]["pre"].id, instrument_version_id=register(session).id))
    session.commit()
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    landed = client.get(response.location)
    assert landed.status_code == 200
    assert 'name="consent"' in landed.text


def test_no_open_wave_page_says_when_the_next_opens(client, session, moodle) -> None:
    add_lab_platform(session)
    cohort = add_hfd_cohort(session)
    add_waves(session, cohort, datetime(2026, 11, 22, 3, 0, tzinfo=UTC), pre=None, post=(30, 60), followup=None)
    session.commit()
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 200
    assert "No survey is open for you right now." in response.text  # the recorded launch's locale is en
    assert "22 December 2026" in response.text  # 2026-12-22 10:00 in Phnom Penh


def test_sync_participant_and_launch_are_one_person(client, session, world, moodle) -> None:
    synced = add_synced_participant(session, world["cohort"])
    session.commit()
    state, nonce = start_login(client)
    launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    with client.session_transaction() as browser:
        assert browser["participant_id"] == synced.id
    assert session.scalar(select(func.count()).select_from(Participant)) == 1


def test_unknown_course_gets_a_clear_page(client, world, moodle) -> None:
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now())
    claims[CLAIM_CONTEXT] = {**claims[CLAIM_CONTEXT], "id": "77"}
    claims["https://purl.imsglobal.org/spec/lti/claim/lis"] = {"course_section_sourcedid": "OTHER"}
    claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = {}
    response = launch(client, claims, state)
    assert response.status_code == 404 and "not set up in lipassess" in response.text


# --- staff --------------------------------------------------------------------------------------


@pytest.fixture
def probe(app):
    """Who a staff page of cohort N sees (beside the real staff blueprint)."""
    bp = Blueprint("staff_probe", __name__)

    @bp.get("/probe/staff/<int:cohort_id>")
    @staff_required()
    def cohort(cohort_id: int):
        principal = current_principal()
        return jsonify({"name": principal.name, "role": principal.role.value, "via": principal.via})

    app.register_blueprint(bp)
    return app


def test_instructor_launch_opens_the_staff_view_of_that_cohort_only(client, world, moodle, probe) -> None:
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.instructor_claims(nonce=nonce, now=now()), state)
    cohort_id = world["cohort"].id
    assert response.status_code == 302 and response.location == f"/staff/cohorts/{cohort_id}"
    assert client.get(response.location).status_code == 200
    assert client.get(f"/probe/staff/{cohort_id}").get_json() == {"name": "សុភី ឡុង", "role": "evaluator", "via": "lti"}
    assert client.get(f"/staff/cohorts/{cohort_id + 1}").status_code == 403
    with client.session_transaction() as browser:
        assert "participant_id" not in browser


def test_an_instructor_launch_inside_moodles_frame_offers_the_dashboard_in_a_new_window(client, world, moodle,
                                                                                       probe) -> None:
    state, nonce = start_login(client)
    response = client.post("/lti/launch", headers={"Sec-Fetch-Dest": "iframe"},
                           data={"id_token": PLATFORM.sign(PLATFORM.instructor_claims(nonce=nonce, now=now())),
                                 "state": state}, base_url="http://localhost")
    cohort_id = world["cohort"].id
    assert response.status_code == 200
    assert f'href="/staff/cohorts/{cohort_id}" target="_blank" rel="noopener"' in response.text
    assert "frame-ancestors 'none'" not in response.headers.get("Content-Security-Policy", "")
    dashboard = client.get(f"/staff/cohorts/{cohort_id}")
    assert dashboard.status_code == 200  # the new window is signed in
    assert "frame-ancestors 'none'" in dashboard.headers["Content-Security-Policy"]


def test_instructor_without_staff_pages_gets_a_landing_page(app, client, world, moodle) -> None:
    app.view_functions.pop("staff.cohort")  # a deployment without the staff dashboard
    state, nonce = start_login(client)
    response = launch(client, PLATFORM.instructor_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 200 and "evaluator of this cohort only" in response.text


def test_learner_launch_never_reaches_staff_pages(client, world, moodle, probe) -> None:
    cohort_id = world["cohort"].id
    state, nonce = start_login(client)
    launch(client, PLATFORM.instructor_claims(nonce=nonce, now=now()), state)
    assert client.get(f"/probe/staff/{cohort_id}").status_code == 200
    # The same browser, now a learner: the staff sign-in is gone with the old session.
    state, nonce = start_login(client)
    launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    response = client.get(f"/probe/staff/{cohort_id}")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_a_teacher_launched_as_a_learner_loses_the_instructor_sessions_of_that_cohort(app, world, moodle,
                                                                                      probe) -> None:
    cohort_id = world["cohort"].id
    teacher_laptop, teacher_phone = app.test_client(), app.test_client()
    state, nonce = start_login(teacher_laptop)
    launch(teacher_laptop, PLATFORM.instructor_claims(nonce=nonce, now=now()), state)
    assert teacher_laptop.get(f"/probe/staff/{cohort_id}").status_code == 200
    # Moodle now calls user 47 a student of the course (a role change): another browser's launch says so.
    state, nonce = start_login(teacher_phone)
    demoted = {**PLATFORM.learner_claims(nonce=nonce, now=now()), "sub": "47"}
    assert launch(teacher_phone, demoted, state).status_code in (200, 302)
    response = teacher_laptop.get(f"/probe/staff/{cohort_id}")
    assert response.status_code == 302 and "/staff/login" in response.location


# --- deep linking -------------------------------------------------------------------------------


def test_teacher_places_waves_and_the_signed_answer_goes_back_to_moodle(client, world, moodle) -> None:
    state, nonce = start_login(client)
    claims = PLATFORM.deep_linking_claims(nonce=nonce, now=now(), data="moodle-opaque-data")
    response = launch(client, claims, state)
    assert response.status_code == 302 and response.location == "/lti/deep-link"
    page = client.get("/lti/deep-link")
    assert page.status_code == 200 and 'value="followup"' in page.text and 'type="checkbox"' in page.text
    answer = client.post("/lti/deep-link", data={"wave": ["pre", "post"]})
    assert answer.status_code == 200
    return_url = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]["deep_link_return_url"]
    assert f'action="{return_url.replace("&", "&amp;")}"' in answer.text
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    keyset = jwt.PyJWKSet.from_dict(client.get("/lti/jwks").get_json())
    payload = jwt.decode(token, keyset[jwt.get_unverified_header(token)["kid"]], algorithms=["RS256"], audience=ISSUER)
    assert payload["iss"] == CLIENT_ID and payload[CLAIM_MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert payload[CLAIM_DEPLOYMENT_ID] == "1" and payload[CLAIM_DL_DATA] == "moodle-opaque-data"
    items = payload[CLAIM_DL_CONTENT_ITEMS]
    assert [i["custom"] for i in items] == [{"wave": "pre"}, {"wave": "post"}]
    assert all(i["type"] == "ltiResourceLink" and i["url"] == "http://127.0.0.1:5000/lti/launch" and
               i["lineItem"]["scoreMaximum"] == 1 for i in items)
    assert client.get("/lti/deep-link").status_code == 403  # used once


def test_deep_link_page_needs_a_deep_linking_launch(client, world) -> None:
    assert client.get("/lti/deep-link").status_code == 403
    assert client.post("/lti/deep-link", data={"wave": "pre"}).status_code == 403


# --- rejections ---------------------------------------------------------------------------------


def _forged(kind: str, client) -> tuple:
    """(response, reason logged) for one forged kind, through the real login first."""
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now())
    if kind == "forged_signature":
        return launch(client, claims, state, token=PLATFORM.sign(claims, key=rsa_key("attacker"))), "bad_signature"
    if kind == "expired":
        claims.update(iat=now() - 400, exp=now() - 300)
        return launch(client, claims, state), "expired"
    if kind == "replayed":
        token = PLATFORM.sign(claims)
        first = launch(client, claims, state, token=token)
        assert first.status_code == 302
        # The attacker replays the captured post, state cookie included.
        client.set_cookie(f"lti_state_{state}", _captured_cookie[state], path="/lti/")
        return launch(client, claims, state, token=token), "nonce_replayed"
    if kind == "wrong_audience":
        claims["aud"] = "another-tool"
        return launch(client, claims, state), "wrong_audience"
    if kind == "wrong_issuer":
        claims["iss"] = "https://moodle.attacker.example"
        return launch(client, claims, state), "wrong_issuer"
    if kind == "unknown_deployment":
        claims[CLAIM_DEPLOYMENT_ID] = "42"
        return launch(client, claims, state), "unknown_deployment"
    if kind == "malformed":
        return launch(client, claims, state, token="eyJhbGciOiJSUzI1NiJ9.not-json.c2ln"), "malformed"
    if kind == "wrong_message_type":
        claims[CLAIM_MESSAGE_TYPE] = "LtiSubmissionReviewRequest"
        return launch(client, claims, state), "wrong_message_type"
    if kind == "missing_state_cookie":
        client.delete_cookie(f"lti_state_{state}", path="/lti/")
        return launch(client, claims, state), "state_missing"
    if kind == "state_of_another_login":
        other_state, _ = start_login(client)
        return launch(client, claims, other_state), "nonce_mismatch"
    if kind == "bad_state":
        return launch(client, claims, "x"), "state_mismatch"
    raise AssertionError(kind)


_captured_cookie: dict[str, str] = {}


@pytest.fixture
def capture_state_cookies(monkeypatch):
    """Remember each state cookie as set, as an attacker recording the traffic would."""
    from werkzeug.wrappers import Response

    original = Response.set_cookie

    def spy(self, key, value="", *args, **kwargs):
        if key.startswith("lti_state_") and value:
            _captured_cookie[key.removeprefix("lti_state_")] = value
        return original(self, key, value, *args, **kwargs)

    monkeypatch.setattr(Response, "set_cookie", spy)


KINDS = ["forged_signature", "expired", "replayed", "wrong_audience", "wrong_issuer", "unknown_deployment",
         "malformed", "wrong_message_type", "missing_state_cookie", "state_of_another_login", "bad_state"]


@pytest.mark.parametrize("kind", KINDS)
def test_rejected_launches_explain_nothing_and_log_why(client, world, moodle, caplog, capture_state_cookies,
                                                       kind) -> None:
    with caplog.at_level(logging.WARNING, logger="lipassess.lti"):
        response, reason = _forged(kind, client)
    assert response.status_code == 400
    assert REJECTED in response.text
    for word in ("signature", "expired", "nonce", "audience", "issuer", "deployment", "state", "token"):
        assert word not in response.text.lower(), word
    logged = [r for r in caplog.records if r.name == "lipassess.lti" and "rejected" in r.getMessage()]
    assert logged and f"rejected: {reason} (" in logged[-1].getMessage()
    with client.session_transaction() as browser:
        assert "participant_id" not in browser or kind == "replayed"


def test_rejected_login_is_logged(client, world, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="lipassess.lti"):
        response = client.post("/lti/login", data={**INITIATION, "iss": "https://moodle.attacker.example"})
    assert response.status_code == 400 and REJECTED in response.text
    assert "LTI login rejected: unknown_platform" in caplog.text


@pytest.mark.parametrize("target", ["https://[::1", "http://[x]/lti/launch"])
def test_a_login_whose_target_cannot_be_read_is_a_rejection(client, world, target: str) -> None:
    response = client.post("/lti/login", data={**INITIATION, "target_link_uri": target})
    assert response.status_code == 400 and REJECTED in response.text


def test_platform_error_answer_is_a_rejection(client, world, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="lipassess.lti"):
        response = client.post("/lti/launch", data={"error": "login_required", "state": "x" * 32})
    assert response.status_code == 400 and "login_required" in caplog.text


def test_platform_keys_unreachable_is_a_503(client, world, caplog) -> None:
    state, nonce = start_login(client)
    with responses.RequestsMock() as mock, caplog.at_level(logging.WARNING, logger="lipassess.lti"):
        mock.get(JWKS_URL, status=500)
        response = launch(client, PLATFORM.learner_claims(nonce=nonce, now=now()), state)
    assert response.status_code == 503 and "keys_unavailable" in caplog.text


def test_a_rejected_launch_stores_no_nonce(client, session, world, moodle) -> None:
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now())
    launch(client, claims, state, token=PLATFORM.sign(claims, key=rsa_key("attacker")))
    assert session.scalar(select(func.count()).select_from(LtiNonce)) == 0


# --- CSRF, keys, registration --------------------------------------------------------------------


def test_moodle_posts_need_no_csrf_token_but_our_forms_do(database_url, world, moodle) -> None:
    app = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "test-secret-key-" + "x" * 32, "WTF_CSRF_ENABLED": True})
    try:
        client = app.test_client()
        state, nonce = start_login(client)
        claims = PLATFORM.deep_linking_claims(nonce=nonce, now=now())
        assert launch(client, claims, state).status_code == 302
        assert client.post("/lti/deep-link", data={"wave": "pre"}).status_code == 400  # no CSRF token
        page = client.get("/lti/deep-link").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post("/lti/deep-link", data={"wave": "pre", "csrf_token": token}).status_code == 200
    finally:
        lipassess_db.engine_for(app).dispose()


def test_jwks_publishes_the_tool_keys(client) -> None:
    response = client.get("/lti/jwks")
    keys = response.get_json()["keys"]
    assert response.status_code == 200 and len(keys) == 1 and "max-age=300" in response.headers["Cache-Control"]
    assert {"kty", "e", "n", "kid", "alg", "use"} == set(keys[0])
    assert client.get("/lti/jwks").get_json() == response.get_json()  # the same key, not a new one per request


def test_registration_page_tells_the_admin_what_to_paste(client) -> None:
    page = client.get("/lti/register")
    assert page.status_code == 200 and "http://127.0.0.1:5000/lti/register" in page.text
    assert "http://127.0.0.1:5000/lti/login" in page.text and "http://127.0.0.1:5000/lti/jwks" in page.text


def test_dynamic_registration_from_the_configured_moodle(app, client, session) -> None:
    app.config["MOODLE_URL"] = ISSUER
    config_url = ISSUER + "/mod/lti/openid-configuration.php"
    with responses.RequestsMock() as mock:
        mock.get(config_url, json=derived("openid_configuration.json"))
        mock.post(ISSUER + "/mod/lti/openid-registration.php", json=derived("registration_response.json"))
        page = client.get("/lti/register", query_string={"openid_configuration": config_url,
                                                         "registration_token": "reg-token"})
    assert page.status_code == 200 and "org.imsglobal.lti.close" in page.text and CLIENT_ID in page.text
    state, _ = start_login(client)  # the new registration accepts Moodle's login right away
    assert state


def test_dynamic_registration_from_elsewhere_is_refused(app, client) -> None:
    app.config["MOODLE_URL"] = ISSUER
    page = client.get("/lti/register", query_string={
        "openid_configuration": "https://evil.example/mod/lti/openid-configuration.php", "registration_token": "t"})
    assert page.status_code == 403


@pytest.mark.parametrize("config_url", ["https://[::1", "http://[x]/mod/lti/openid-configuration.php"])
def test_dynamic_registration_from_a_url_that_cannot_be_read_is_refused(app, client, session,
                                                                        config_url: str) -> None:
    app.config["MOODLE_URL"] = ISSUER
    with responses.RequestsMock():  # nothing may be fetched
        page = client.get("/lti/register", query_string={"openid_configuration": config_url,
                                                         "registration_token": "t"})
    assert page.status_code == 403 and "Manage tools" in page.text
    assert session.scalar(select(func.count(LtiPlatform.id))) == 0


def test_recorded_moodle_launch_post_is_read_and_checked_to_the_end(app, client, world, caplog) -> None:
    """Moodle's real launch post, with the state cookie its login would have set: verified, then found expired."""
    from itsdangerous import URLSafeTimedSerializer

    fields = recorded("launch_form_post.json")["fields"]
    binding = {"state": fields["state"], "nonce": RECORDED_PAYLOAD["nonce"], "iss": ISSUER, "aud": CLIENT_ID}
    cookie = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="lipassess.lti.state").dumps(binding)
    client.set_cookie(f"lti_state_{fields['state']}", cookie, path="/lti/")
    with responses.RequestsMock() as mock, caplog.at_level(logging.WARNING, logger="lipassess.lti"):
        mock.get(JWKS_URL, json=recorded("platform_jwks.json"))
        response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400 and "rejected: expired (" in caplog.text


def test_a_verified_launch_ends_the_previous_sign_in_even_when_it_leads_nowhere(client, world, moodle,
                                                                                 probe) -> None:
    cohort_id = world["cohort"].id
    state, nonce = start_login(client)
    launch(client, PLATFORM.instructor_claims(nonce=nonce, now=now()), state)
    assert client.get(f"/probe/staff/{cohort_id}").status_code == 200
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now())
    claims[CLAIM_CONTEXT] = {**claims[CLAIM_CONTEXT], "id": "77"}
    claims["https://purl.imsglobal.org/spec/lti/claim/lis"] = {}
    claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = {}
    assert launch(client, claims, state).status_code == 404
    assert client.get(f"/probe/staff/{cohort_id}").status_code == 302


@pytest.mark.parametrize(("skew", "status"), [(None, 302), (0, 400)])
def test_clock_skew_is_configurable(app, client, world, moodle, skew, status) -> None:
    if skew is not None:
        app.config["LTI_CLOCK_SKEW"] = skew
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now() - 70)  # expired 10 s ago; default skew is 60 s
    assert launch(client, claims, state).status_code == status


#: One claim of a signed launch changed to a value no Moodle sends (each was a 500, on PostgreSQL at least).
HOSTILE_CLAIMS = {
    "exp 2**63": ("learner", lambda c: c.update(exp=2**63)),
    "exp in the year 10000": ("learner", lambda c: c.update(exp=253402300800)),
    "exp NaN": ("learner", lambda c: c.update(exp=float("nan"))),
    "exp infinite": ("instructor", lambda c: c.update(exp=float("inf"))),
    "given_name with a NUL": ("learner", lambda c: c.update(given_name="Chan\x00thy")),
    "given_name with an unpaired surrogate": ("learner", lambda c: c.update(given_name="a\ud800")),
    "given_name of 256 characters": ("learner", lambda c: c.update(given_name="x" * 256)),
    "username of 101 characters": ("learner", lambda c: c[CLAIM_EXT].update(user_username="u" * 101)),
    "instructor's name with a NUL": ("instructor", lambda c: c.update(name="Sophy\x00")),
    "resource_link.id with a NUL": ("instructor", lambda c: c[CLAIM_RESOURCE_LINK].update(id="1\x00")),
    "resource_link.id of 256 characters": ("learner", lambda c: c[CLAIM_RESOURCE_LINK].update(id="1" * 256)),
    "context.id with a NUL": ("learner", lambda c: c[CLAIM_CONTEXT].update(id="4\x00")),
    "lineitem with a NUL": ("learner", lambda c: c[CLAIM_AGS_ENDPOINT].update(lineitem="http://127.0.0.1:8080/x\x00")),
    "a claim of 2049 characters": ("learner", lambda c: c[CLAIM_RESOURCE_LINK].update(title="t" * 2049)),
}


@pytest.mark.postgres
@pytest.mark.parametrize("case", list(HOSTILE_CLAIMS))
def test_a_signed_launch_with_a_claim_no_moodle_sends_is_rejected_and_stores_nothing(client, session, world, moodle,
                                                                                    case: str) -> None:
    kind, change = HOSTILE_CLAIMS[case]
    state, nonce = start_login(client)
    claims = getattr(PLATFORM, f"{kind}_claims")(nonce=nonce, now=now())
    change(claims)
    response = launch(client, claims, state)
    assert response.status_code == 400 and REJECTED in response.text
    session.expire_all()
    assert session.scalar(select(func.count(Participant.id))) == 0
    assert session.scalar(select(func.count(LtiResourceLink.id))) == 0


@pytest.mark.postgres
def test_the_longest_claims_moodle_sends_are_stored_whole(client, session, world, moodle) -> None:
    state, nonce = start_login(client)
    claims = PLATFORM.learner_claims(nonce=nonce, now=now())
    claims.update(given_name="ស" * 255)
    claims[CLAIM_RESOURCE_LINK].update(title="t" * 1333)
    response = launch(client, claims, state)
    assert response.status_code in (200, 302), response.text[:300]
    session.expire_all()
    assert session.scalars(select(Participant.firstname)).one() == "ស" * 255
    assert session.scalars(select(LtiResourceLink.title)).one() == "t" * 1333

"""Dynamic registration against Moodle's openid-configuration / openid-registration shapes."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from moodle_plugin_bridge.lti import (
    RegistrationError,
    fetch_platform_configuration,
    register_tool,
    tool_registration_request,
)
from moodle_plugin_bridge.lti.registration import TOOL_CONFIGURATION, parse_platform_configuration
from tests.bridge.lti.signing_platform import AUTH_URL, CLIENT_ID, ISSUER, JWKS_URL, TOKEN_URL, TOOL_BASE_URL, derived

CONFIG_URL = ISSUER + "/mod/lti/openid-configuration.php"
CONFIG = derived("openid_configuration.json")
REGISTRATION_URL = CONFIG["registration_endpoint"]
ANSWER = derived("registration_response.json")
DESCRIPTION = "Pre, post and follow-up leadership surveys of the Leadership and Innovation Program"


def request_body() -> dict:
    return tool_registration_request(tool_base_url=TOOL_BASE_URL, client_name="lipassess surveys",
                                     description=DESCRIPTION,
                                     custom_parameters={"course_idnumber": "$CourseSection.sourcedId"})


def test_registration_request_has_what_moodle_requires() -> None:
    body = request_body()
    # registration_helper::registration_to_config() refuses a registration without these.
    for field in ("response_types", "initiate_login_uri", "redirect_uris", "client_name", "jwks_uri",
                  "token_endpoint_auth_method", TOOL_CONFIGURATION):
        assert body[field], field
    assert "id_token" in body["response_types"] and isinstance(body["redirect_uris"], list)
    assert body["token_endpoint_auth_method"] == "private_key_jwt" and body["application_type"] == "web"
    tool = body[TOOL_CONFIGURATION]
    assert tool["domain"] == "127.0.0.1:5000" and tool["target_link_uri"] == TOOL_BASE_URL + "/lti/launch"
    assert {"type": "LtiDeepLinkingRequest", "target_link_uri": TOOL_BASE_URL + "/lti/launch"} in tool["messages"]
    assert body["initiate_login_uri"] == TOOL_BASE_URL + "/lti/login"
    assert body["jwks_uri"] == TOOL_BASE_URL + "/lti/jwks"
    assert body["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def test_full_registration() -> None:
    session = requests.Session()
    with responses.RequestsMock() as mock:
        mock.get(CONFIG_URL, json=CONFIG)
        mock.post(REGISTRATION_URL, json=ANSWER)
        configuration = fetch_platform_configuration(CONFIG_URL, session=session)
        result = register_tool(configuration, request_body(), registration_token="reg.jwt.token", session=session)
        post = mock.calls[1].request
    assert post.headers["Authorization"] == "Bearer reg.jwt.token"
    assert json.loads(post.body) == request_body()
    assert (result.issuer, result.client_id, result.deployment_id) == (ISSUER, CLIENT_ID, "1")
    assert (result.auth_login_url, result.token_url, result.jwks_url) == (AUTH_URL, TOKEN_URL, JWKS_URL)
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in result.scopes
    assert configuration.product_family_code == "moodle"
    assert "LtiDeepLinkingRequest" in configuration.messages_supported


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": "https://other.example"}, "not under the issuer"),
        ({"token_endpoint": "https://evil.example/token.php"}, "not on the issuer's site"),
        ({"jwks_uri": None}, "no jwks_uri"),
        ({"issuer": None}, "no issuer"),
    ],
)
def test_configuration_that_points_elsewhere_is_refused(change, message) -> None:
    document = {k: v for k, v in {**CONFIG, **change}.items() if v is not None}
    with pytest.raises(RegistrationError, match=message):
        parse_platform_configuration(document, CONFIG_URL)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, "missing_registration_token", "401: missing_registration_token"),  # openid-registration.php
        (401, "token_already_used", "token_already_used"),
        (400, "invalid_redirect_uris", "invalid_redirect_uris"),
    ],
)
def test_refused_registration_says_why(status, body, message) -> None:
    configuration = parse_platform_configuration(CONFIG, CONFIG_URL)
    with responses.RequestsMock() as mock:
        mock.post(REGISTRATION_URL, status=status, body=body)
        with pytest.raises(RegistrationError, match=message):
            register_tool(configuration, request_body(), registration_token="t", session=requests.Session())


def test_answer_without_deployment_is_refused() -> None:
    configuration = parse_platform_configuration(CONFIG, CONFIG_URL)
    answer = {**ANSWER, TOOL_CONFIGURATION: {"target_link_uri": TOOL_BASE_URL + "/lti/launch"}}
    with responses.RequestsMock() as mock:
        mock.post(REGISTRATION_URL, json=answer)
        with pytest.raises(RegistrationError, match="no deployment_id"):
            register_tool(configuration, request_body(), registration_token="t", session=requests.Session())


def test_unreachable_configuration() -> None:
    with responses.RequestsMock() as mock:
        mock.get(CONFIG_URL, body=requests.ConnectionError("refused"))
        with pytest.raises(RegistrationError, match="cannot reach"):
            fetch_platform_configuration(CONFIG_URL, session=requests.Session())

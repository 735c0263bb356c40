"""Platform registrations, tool keys and dynamic registration as lipassess stores them."""

from __future__ import annotations

import json

import pytest
import responses
from sqlalchemy import select

from lipassess.errors import ConfigurationError, InvalidInput, PermissionDenied
from lipassess.services import lti as lti_service
from lipassess.store.models import AuditEvent, LtiPlatform, LtiToolKey
from tests.bridge.lti.signing_platform import (
    AUTH_URL,
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    JWKS_URL,
    TOKEN_URL,
    TOOL_BASE_URL,
    derived,
)
from tests.services.lti_world import add_lab_platform

pytestmark = pytest.mark.postgres

CONFIG_URL = ISSUER + "/mod/lti/openid-configuration.php"


def test_add_platform_then_again_updates_and_adds_deployments(session) -> None:
    platform = add_lab_platform(session)
    again, created = lti_service.add_platform(session, issuer=ISSUER + "/", client_id=CLIENT_ID,
                                              deployment_ids=["1", "2"], auth_login_url=AUTH_URL,
                                              token_url=TOKEN_URL, jwks_url=JWKS_URL)
    session.commit()
    assert not created and again.id == platform.id
    assert [d.deployment_id for d in again.deployments] == ["1", "2"]
    (config,) = lti_service.find_platforms(session, ISSUER)
    assert config.deployment_ids == {"1", "2"} and config.key == platform.id and config.jwks_url == JWKS_URL
    assert session.scalars(select(AuditEvent.action)).all() == ["lti.platform_added", "lti.platform_updated"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": "moodle.example"}, "issuer must be an absolute"),
        ({"token_url": "ftp://x/token"}, "token URL"),
        ({"client_id": "  "}, "client id is empty"),
        ({"deployment_ids": []}, "at least one deployment id"),
    ],
)
def test_bad_platform_values_are_named(session, change, message) -> None:
    values = {"issuer": ISSUER, "client_id": CLIENT_ID, "deployment_ids": [DEPLOYMENT_ID],
              "auth_login_url": AUTH_URL, "token_url": TOKEN_URL, "jwks_url": JWKS_URL, **change}
    with pytest.raises(InvalidInput, match=message):
        lti_service.add_platform(session, **values)


def test_first_key_is_created_on_demand_and_rotation_keeps_two(session) -> None:
    jwks = lti_service.tool_jwks(session)
    first = jwks["keys"][0]["kid"]
    assert len(jwks["keys"]) == 1 and lti_service.ensure_tool_key(session).kid == first
    second, retired = lti_service.rotate_tool_key(session)
    assert retired == [] and lti_service.ensure_tool_key(session).kid == second.kid
    third, retired = lti_service.rotate_tool_key(session)
    assert retired == [first]
    assert [k["kid"] for k in lti_service.tool_jwks(session)["keys"]] == [third.kid, second.kid]
    assert session.scalar(select(LtiToolKey.active).where(LtiToolKey.kid == first)) is False
    with pytest.raises(InvalidInput):
        lti_service.rotate_tool_key(session, keep=0)


def _registration_stubs(mock) -> None:
    mock.get(CONFIG_URL, json=derived("openid_configuration.json"))
    mock.post(ISSUER + "/mod/lti/openid-registration.php", json=derived("registration_response.json"))


def test_dynamic_registration_stores_the_platform(session) -> None:
    with responses.RequestsMock() as mock:
        _registration_stubs(mock)
        platform = lti_service.register_dynamically(
            session, openid_configuration_url=CONFIG_URL, registration_token="reg-token",
            tool_base_url=TOOL_BASE_URL, moodle_url=ISSUER)
        sent = json.loads(mock.calls[1].request.body)
    session.commit()
    assert (platform.issuer, platform.client_id) == (ISSUER, CLIENT_ID)
    assert (platform.auth_login_url, platform.token_url, platform.jwks_url) == (AUTH_URL, TOKEN_URL, JWKS_URL)
    assert [d.deployment_id for d in platform.deployments] == ["1"]
    assert platform.name == "moodle 4.5 (Build: 20241007)"
    # The derived answer is what Moodle makes of exactly this request.
    answer = derived("registration_response.json")
    tool = "https://purl.imsglobal.org/spec/lti-tool-configuration"
    assert sent["client_name"] == answer["client_name"]
    assert sent[tool]["description"] == answer[tool]["description"]
    assert sent[tool]["custom_parameters"] == answer[tool]["custom_parameters"]
    assert session.scalar(select(LtiToolKey.kid)) is not None  # keys exist before Moodle asks for them


def test_dynamic_registration_only_from_the_configured_moodle(session) -> None:
    with pytest.raises(ConfigurationError, match="LIPASSESS_MOODLE_URL"):
        lti_service.register_dynamically(session, openid_configuration_url=CONFIG_URL, registration_token="t",
                                         tool_base_url=TOOL_BASE_URL, moodle_url=None)
    with responses.RequestsMock():  # refused before any request
        with pytest.raises(PermissionDenied, match="does not come from"):
            lti_service.register_dynamically(
                session, openid_configuration_url="https://moodle.attacker.example/mod/lti/openid-configuration.php",
                registration_token="t", tool_base_url=TOOL_BASE_URL, moodle_url=ISSUER)
    assert session.scalar(select(LtiPlatform.id)) is None


def test_refused_registration_is_a_clear_error(session) -> None:
    with responses.RequestsMock() as mock:
        mock.get(CONFIG_URL, json=derived("openid_configuration.json"))
        mock.post(ISSUER + "/mod/lti/openid-registration.php", status=401, body="token_already_used")
        with pytest.raises(InvalidInput, match="token_already_used.*Start it again"):
            lti_service.register_dynamically(session, openid_configuration_url=CONFIG_URL,
                                             registration_token="used", tool_base_url=TOOL_BASE_URL,
                                             moodle_url=ISSUER)

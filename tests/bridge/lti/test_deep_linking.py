"""Deep-linking responses: signed by the tool key, shaped as Moodle reads them."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest

from moodle_plugin_bridge.lti import DeepLinkingError, ResourceLinkItem, deep_linking_response, generate_tool_key
from moodle_plugin_bridge.lti.claims import (
    CLAIM_DEEP_LINKING_SETTINGS,
    CLAIM_DEPLOYMENT_ID,
    CLAIM_DL_CONTENT_ITEMS,
    CLAIM_DL_DATA,
    CLAIM_MESSAGE_TYPE,
    CLAIM_VERSION,
    DeepLinkingSettings,
)
from tests.bridge.lti.signing_platform import CLIENT_ID, ISSUER, TOOL_LAUNCH_URL, SigningPlatform

NOW = 1_800_000_000


@pytest.fixture(scope="module")
def tool_key():
    return generate_tool_key(datetime(2026, 11, 1, tzinfo=UTC))


def settings(**change) -> DeepLinkingSettings:
    raw = SigningPlatform().deep_linking_claims(nonce="n", now=NOW, data="moodle-data-42")
    return DeepLinkingSettings.from_dict({**raw[CLAIM_DEEP_LINKING_SETTINGS], **change})


def pre_wave_item() -> ResourceLinkItem:
    return ResourceLinkItem(title="Leadership survey - before the course", url=TOOL_LAUNCH_URL,
                            custom={"wave": "pre"}, score_maximum=1, resource_id="lipassess-pre", tag="lipassess")


def test_response_is_signed_by_the_tool_and_addressed_to_the_platform(tool_key) -> None:
    token = deep_linking_response(key=tool_key, client_id=CLIENT_ID, platform_issuer=ISSUER, deployment_id="1",
                                  settings=settings(), items=[pre_wave_item()], now=NOW)
    assert jwt.get_unverified_header(token)["kid"] == tool_key.kid
    keyset = jwt.PyJWKSet.from_dict({"keys": [tool_key.public_jwk()]})
    claims = jwt.decode(token, keyset[tool_key.kid], algorithms=["RS256"], audience=ISSUER,
                        options={"verify_exp": False, "verify_iat": False})
    assert claims["iss"] == CLIENT_ID and claims["aud"] == ISSUER
    assert claims["exp"] - claims["iat"] == 300 and claims["nonce"]
    assert claims[CLAIM_MESSAGE_TYPE] == "LtiDeepLinkingResponse" and claims[CLAIM_VERSION] == "1.3.0"
    assert claims[CLAIM_DEPLOYMENT_ID] == "1"
    assert claims[CLAIM_DL_DATA] == "moodle-data-42"  # echoed unchanged, as the spec requires
    assert claims[CLAIM_DL_CONTENT_ITEMS] == [{
        "type": "ltiResourceLink",
        "title": "Leadership survey - before the course",
        "url": TOOL_LAUNCH_URL,
        "custom": {"wave": "pre"},
        "lineItem": {"scoreMaximum": 1, "label": "Leadership survey - before the course",
                     "resourceId": "lipassess-pre", "tag": "lipassess"},
    }]


def test_no_data_claim_when_the_request_had_none(tool_key) -> None:
    token = deep_linking_response(key=tool_key, client_id=CLIENT_ID, platform_issuer=ISSUER, deployment_id="1",
                                  settings=settings(data=None), items=[pre_wave_item()], now=NOW)
    assert CLAIM_DL_DATA not in jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize(
    ("change", "count", "message"),
    [
        ({"accept_types": ["link", "file"]}, 1, "resource links"),
        ({"accept_multiple": False}, 2, "one item"),
        ({"accept_multiple": "false"}, 2, "one item"),  # LTI 1.1-era string flags
    ],
)
def test_refuses_what_the_platform_does_not_accept(tool_key, change, count, message) -> None:
    with pytest.raises(DeepLinkingError, match=message):
        deep_linking_response(key=tool_key, client_id=CLIENT_ID, platform_issuer=ISSUER, deployment_id="1",
                              settings=settings(**change), items=[pre_wave_item()] * count, now=NOW)


@pytest.mark.parametrize("data", ["  padded  ", "   ", "", "12345", "ស {\"a\": 1}"])
def test_the_platforms_data_comes_back_exactly_as_sent(tool_key, data: str) -> None:
    """Before: it was stripped ("  padded  " came back "padded", "   " not at all)."""
    token = deep_linking_response(key=tool_key, client_id=CLIENT_ID, platform_issuer=ISSUER, deployment_id="1",
                                  settings=settings(data=data), items=[pre_wave_item()], now=NOW)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims[CLAIM_DL_DATA] == data


@pytest.mark.parametrize("data", [12345, ["a"], {"a": 1}, True, "a\x00b", "x" * 2049])
def test_data_that_is_not_a_clean_string_is_malformed(data: object) -> None:
    from moodle_plugin_bridge.lti import LaunchRejected

    with pytest.raises(LaunchRejected):
        settings(data=data)

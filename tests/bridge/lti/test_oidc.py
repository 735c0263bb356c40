"""OIDC login initiation: the recorded Moodle initiation gives the recorded auth request."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest

from moodle_plugin_bridge.lti import LoginBinding, LoginRejected, RejectReason, begin_login, parse_login_initiation
from moodle_plugin_bridge.lti.oidc import select_platform
from tests.bridge.lti.signing_platform import (
    AUTH_URL,
    CLIENT_ID,
    ISSUER,
    TOOL_BASE_URL,
    TOOL_LAUNCH_URL,
    SigningPlatform,
    recorded,
)

INITIATION = recorded("oidc_login_initiation.json")["fields"]
AUTH_REQUEST = recorded("oidc_auth_request.json")


def platforms(issuer: str):
    return [SigningPlatform().config()] if issuer == ISSUER else []


def test_recorded_initiation_gives_the_recorded_auth_request() -> None:
    initiation = parse_login_initiation(INITIATION)
    platform = select_platform(initiation, platforms)
    url, binding = begin_login(initiation, platform, redirect_uri=TOOL_LAUNCH_URL, tool_base_url=TOOL_BASE_URL)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == AUTH_REQUEST["action"] == AUTH_URL
    sent = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
    expected = dict(AUTH_REQUEST["params"])
    # state and nonce are tool-chosen: fresh random values, bound to the browser.
    assert sent.pop("state") == binding.state and sent.pop("nonce") == binding.nonce
    expected.pop("state"), expected.pop("nonce")
    assert sent == expected
    assert (binding.issuer, binding.client_id) == (ISSUER, CLIENT_ID)
    assert len(binding.state) >= 32 and binding.state != binding.nonce


def test_every_login_gets_new_state_and_nonce() -> None:
    initiation = parse_login_initiation(INITIATION)
    platform = select_platform(initiation, platforms)
    bindings = [begin_login(initiation, platform, redirect_uri=TOOL_LAUNCH_URL, tool_base_url=TOOL_BASE_URL)[1]
                for _ in range(3)]
    assert len({b.state for b in bindings}) == 3 and len({b.nonce for b in bindings}) == 3


def test_binding_round_trips_and_refuses_incomplete_data() -> None:
    binding = LoginBinding(state="s", nonce="n", issuer=ISSUER, client_id=CLIENT_ID)
    assert LoginBinding.from_dict(binding.to_dict()) == binding
    with pytest.raises(LoginRejected):
        LoginBinding.from_dict({"state": "s"})


def test_initiation_without_client_id_uses_the_only_registration() -> None:
    fields = {k: v for k, v in INITIATION.items() if k != "client_id"}
    assert select_platform(parse_login_initiation(fields), platforms).client_id == CLIENT_ID


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": None}, RejectReason.MISSING_PARAMETER),
        ({"login_hint": ""}, RejectReason.MISSING_PARAMETER),
        ({"target_link_uri": None}, RejectReason.MISSING_PARAMETER),
        ({"iss": "https://moodle.attacker.example"}, RejectReason.UNKNOWN_PLATFORM),
        ({"client_id": "someone-else"}, RejectReason.WRONG_AUDIENCE),
        ({"lti_deployment_id": "7"}, RejectReason.UNKNOWN_DEPLOYMENT),
        ({"target_link_uri": "https://phish.example/lti/launch"}, RejectReason.WRONG_TARGET),
        ({"target_link_uri": "http://127.0.0.1:5001/lti/launch"}, RejectReason.WRONG_TARGET),
        ({"login_hint": "x" * 5000}, RejectReason.MALFORMED),
        ({"login_hint": ["36", "37"]}, RejectReason.MALFORMED),
    ],
)
def test_bad_initiations_are_refused(change: dict, reason: RejectReason) -> None:
    fields = {k: v for k, v in {**INITIATION, **change}.items() if v is not None}
    with pytest.raises(LoginRejected) as info:
        initiation = parse_login_initiation(fields)
        platform = select_platform(initiation, platforms)
        begin_login(initiation, platform, redirect_uri=TOOL_LAUNCH_URL, tool_base_url=TOOL_BASE_URL)
    assert info.value.reason is reason


def test_several_registrations_need_a_client_id() -> None:
    one = SigningPlatform().config()
    two = dataclasses.replace(one, client_id="second-client")
    fields = {k: v for k, v in INITIATION.items() if k != "client_id"}
    with pytest.raises(LoginRejected) as info:
        select_platform(parse_login_initiation(fields), lambda iss: [one, two])
    assert info.value.reason is RejectReason.MISSING_PARAMETER
    chosen = select_platform(parse_login_initiation({**fields, "client_id": "second-client"}), lambda iss: [one, two])
    assert chosen.client_id == "second-client"

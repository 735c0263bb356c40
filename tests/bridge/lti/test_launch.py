"""id_token verification: valid learner, instructor and deep-linking launches; every forged kind rejected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import responses

from moodle_plugin_bridge.lti import (
    JwksCache,
    LaunchRejected,
    LoginBinding,
    RejectReason,
    validate_launch,
)
from moodle_plugin_bridge.lti.claims import CLAIM_DEPLOYMENT_ID, CLAIM_MESSAGE_TYPE, CLAIM_RESOURCE_LINK, CLAIM_VERSION
from tests.bridge.lti.signing_platform import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    RECORDED_LINEITEM,
    SigningPlatform,
    recorded,
    rsa_key,
)

NOW = 1_800_000_000
NONCE = "nonce-for-this-browser"


class NonceBook:
    """Single-use nonces, as the store's unique constraint keeps them."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def __call__(self, nonce: str, expires_at: int) -> bool:
        if nonce in self.used:
            return False
        self.used[nonce] = expires_at
        return True


@pytest.fixture
def platform() -> SigningPlatform:
    return SigningPlatform()


@pytest.fixture
def rsps(platform: SigningPlatform):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        platform.serve_jwks(mock)
        yield mock


@pytest.fixture
def check(platform: SigningPlatform, rsps) -> Callable[..., Any]:
    keys = JwksCache()
    nonces = NonceBook()
    binding = LoginBinding(state="s", nonce=NONCE, issuer=ISSUER, client_id=CLIENT_ID)

    def run(token: str, *, now: int = NOW, bind: LoginBinding | None = binding, **kw: Any):
        return validate_launch(token, find_platforms=lambda iss: [platform.config()] if iss == ISSUER else [],
                               keys=keys, consume_nonce=nonces, binding=bind, now=now, **kw)

    run.nonces = nonces  # type: ignore[attr-defined]
    return run


def test_valid_learner_launch(platform, check) -> None:
    launch = check(platform.sign(platform.learner_claims(nonce=NONCE, now=NOW)))
    claims = launch.claims
    assert launch.platform.client_id == CLIENT_ID
    assert claims.subject == "36" and claims.is_learner and not claims.is_staff
    assert (claims.given_name, claims.family_name, claims.email) == ("ចាន់ធី", "សុខ", "chanthy.sok@moh.example.gov.kh")
    assert claims.username == "chanthy.sok" and claims.person_sourcedid == "HFD25-04"
    assert claims.context.id == "4" and claims.context.label == "LIP-HFD-2025"
    assert claims.resource_link.id == "1"
    assert claims.custom["course_idnumber"] == "LIP-HFD-2025"
    assert claims.ags.lineitem == RECORDED_LINEITEM and claims.ags.can_post_scores
    assert claims.nrps.context_memberships_url.endswith("/CourseSection/4/bindings/1/memberships")
    assert claims.locale == "en" and claims.document_target == "window"


def test_valid_instructor_and_admin_launches(platform, check) -> None:
    teacher = check(platform.sign(platform.instructor_claims(nonce=NONCE, now=NOW))).claims
    assert teacher.subject == "47" and teacher.is_instructor and teacher.is_staff and not teacher.is_learner
    admin_binding = LoginBinding(state="t", nonce="admin-nonce", issuer=ISSUER, client_id=CLIENT_ID)
    admin = check(platform.sign(platform.admin_claims(nonce="admin-nonce", now=NOW)), bind=admin_binding).claims
    assert admin.is_admin and admin.is_staff and not admin.is_learner


def test_valid_deep_linking_request(platform, check) -> None:
    claims = check(platform.sign(platform.deep_linking_claims(nonce=NONCE, now=NOW, data="opaque"))).claims
    assert claims.is_deep_linking and claims.resource_link is None
    settings = claims.deep_linking
    assert settings.deep_link_return_url.startswith(ISSUER + "/mod/lti/contentitem_return.php?course=4")
    assert settings.accept_types == ("ltiResourceLink",) and settings.accept_multiple
    assert settings.data == "opaque"


def test_clock_skew_is_allowed_up_to_the_leeway(platform, check) -> None:
    claims = platform.learner_claims(nonce=NONCE, now=NOW)  # exp = NOW + 60
    assert check(platform.sign(claims), now=NOW + 60 + 60).claims.subject == "36"


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def _forge(platform: SigningPlatform, kind: str) -> tuple[str, dict[str, Any]]:
    """A token of the named forged kind, and extra keyword arguments for the check."""
    claims = platform.learner_claims(nonce=NONCE, now=NOW)
    if kind == "other_key_same_kid":
        return platform.sign(claims, key=rsa_key("attacker")), {}
    if kind == "unknown_kid":
        return platform.sign(claims, key=rsa_key("attacker"), kid="attacker-kid"), {}
    if kind == "expired":
        return platform.sign(claims), {"now": NOW + 60 + 61}
    if kind == "issued_in_future":
        claims.update(iat=NOW + 120, exp=NOW + 180)
        return platform.sign(claims), {}
    if kind == "wrong_audience":
        claims["aud"] = "some-other-tool"
        return platform.sign(claims), {}
    if kind == "audience_list_without_azp":
        claims["aud"] = [CLIENT_ID, "some-other-tool"]
        return platform.sign(claims), {}
    if kind == "wrong_azp":
        claims.update(aud=[CLIENT_ID, "some-other-tool"], azp="some-other-tool")
        return platform.sign(claims), {}
    if kind == "wrong_issuer":
        claims["iss"] = "https://moodle.attacker.example"
        return platform.sign(claims), {}
    if kind == "login_began_elsewhere":
        other = LoginBinding(state="s", nonce=NONCE, issuer="https://other.example", client_id=CLIENT_ID)
        return platform.sign(claims), {"bind": other}
    if kind == "unknown_deployment":
        claims[CLAIM_DEPLOYMENT_ID] = "99"
        return platform.sign(claims), {}
    if kind == "nonce_mismatch":
        claims["nonce"] = "a-nonce-issued-to-another-browser"
        return platform.sign(claims), {}
    if kind == "wrong_message_type":
        claims[CLAIM_MESSAGE_TYPE] = "LtiSubmissionReviewRequest"
        return platform.sign(claims), {}
    if kind == "wrong_version":
        claims[CLAIM_VERSION] = "1.1.0"
        return platform.sign(claims), {}
    if kind == "missing_sub":
        del claims["sub"]
        return platform.sign(claims), {}
    if kind == "missing_resource_link":
        del claims[CLAIM_RESOURCE_LINK]
        return platform.sign(claims), {}
    if kind == "alg_none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': platform.kid})}.{_b64(claims)}.", {}
    if kind == "alg_hs256_with_public_key":
        # The classic confusion attack: HMAC keyed with the platform's public key text.
        header = {"alg": "HS256", "typ": "JWT", "kid": platform.kid}
        signing_input = f"{_b64(header)}.{_b64(claims)}"
        secret = json.dumps(platform.jwks()["keys"][0]).encode()
        sig = base64.urlsafe_b64encode(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
        return f"{signing_input}.{sig.rstrip(b'=').decode()}", {}
    if kind == "tampered_payload":
        head, _, sig = platform.sign(claims).split(".")
        claims["sub"] = "2"
        return f"{head}.{_b64(claims)}.{sig}", {}
    if kind == "not_a_jwt":
        return "not-a-jwt", {}
    if kind == "empty":
        return "", {}
    if kind == "garbage_segments":
        return "eyJhbGciOi.eyJzdWIi.c2ln", {}
    raise AssertionError(kind)


FORGED = {
    "other_key_same_kid": RejectReason.BAD_SIGNATURE,
    "tampered_payload": RejectReason.BAD_SIGNATURE,
    "unknown_kid": RejectReason.UNKNOWN_KEY,
    "expired": RejectReason.EXPIRED,
    "issued_in_future": RejectReason.ISSUED_IN_FUTURE,
    "wrong_audience": RejectReason.WRONG_AUDIENCE,
    "audience_list_without_azp": RejectReason.WRONG_AZP,
    "wrong_azp": RejectReason.WRONG_AZP,
    "wrong_issuer": RejectReason.WRONG_ISSUER,
    "login_began_elsewhere": RejectReason.WRONG_ISSUER,
    "unknown_deployment": RejectReason.UNKNOWN_DEPLOYMENT,
    "nonce_mismatch": RejectReason.NONCE_MISMATCH,
    "wrong_message_type": RejectReason.WRONG_MESSAGE_TYPE,
    "wrong_version": RejectReason.WRONG_VERSION,
    "missing_sub": RejectReason.MISSING_CLAIM,
    "missing_resource_link": RejectReason.MISSING_CLAIM,
    "alg_none": RejectReason.BAD_ALGORITHM,
    "alg_hs256_with_public_key": RejectReason.BAD_ALGORITHM,
    "not_a_jwt": RejectReason.MALFORMED,
    "empty": RejectReason.MALFORMED,
    "garbage_segments": RejectReason.MALFORMED,
}


@pytest.mark.parametrize(("kind", "reason"), sorted(FORGED.items()))
def test_forged_launches_are_rejected(platform, check, kind: str, reason: RejectReason) -> None:
    token, extra = _forge(platform, kind)
    with pytest.raises(LaunchRejected) as info:
        check(token, **extra)
    assert info.value.reason is reason, info.value
    # A rejected token never uses up the nonce of the real login.
    assert NONCE not in check.nonces.used


def test_replayed_launch_is_rejected(platform, check) -> None:
    token = platform.sign(platform.learner_claims(nonce=NONCE, now=NOW))
    check(token)
    with pytest.raises(LaunchRejected) as info:
        check(token, now=NOW + 5)
    assert info.value.reason is RejectReason.NONCE_REPLAYED
    assert check.nonces.used[NONCE] == NOW + 60 + 60  # kept until the token could no longer pass the time check


def test_audience_list_with_matching_azp_is_accepted(platform, check) -> None:
    claims = platform.learner_claims(nonce=NONCE, now=NOW)
    claims.update(aud=["some-other-tool", CLIENT_ID], azp=CLIENT_ID)
    assert check(platform.sign(claims)).claims.audience == ("some-other-tool", CLIENT_ID)


def test_unknown_kid_refreshes_the_key_set_once_then_not_again_soon(platform, rsps) -> None:
    ticks = iter([0.0, 100.0, 110.0])
    keys = JwksCache(clock=lambda: next(ticks), min_refresh_interval=30)
    first = keys.key_for(JWKS_URL, platform.kid)
    with pytest.raises(LaunchRejected) as info:
        keys.key_for(JWKS_URL, "rotated-kid")  # at t=100: one refresh, still unknown
    assert info.value.reason is RejectReason.UNKNOWN_KEY
    with pytest.raises(LaunchRejected):
        keys.key_for(JWKS_URL, "rotated-kid")  # at t=110: too soon for another fetch
    assert first.key_id == platform.kid
    assert len([c for c in rsps.calls if c.request.url == JWKS_URL]) == 2


def test_unreachable_platform_keys_are_their_own_reason(platform) -> None:
    with responses.RequestsMock() as mock:
        mock.get(JWKS_URL, status=503)
        with pytest.raises(LaunchRejected) as info:
            JwksCache().key_for(JWKS_URL, platform.kid)
    assert info.value.reason is RejectReason.KEYS_UNAVAILABLE


# --- the real recorded launch ---------------------------------------------------------------


def test_recorded_moodle_token_verifies_against_the_recorded_platform_keys() -> None:
    token = recorded("launch_id_token.jwt")
    assert recorded("launch_form_post.json")["fields"]["id_token"] == token
    expected = recorded("launch_id_token.decoded.json")
    keyset = jwt.PyJWKSet.from_dict(recorded("platform_jwks.json"))
    # Plain PyJWT with the expiry check off (the token expired 60 s after it was issued).
    payload = jwt.decode(token, keyset[expected["header"]["kid"]], algorithms=["RS256"],
                         audience=CLIENT_ID, issuer=ISSUER, options={"verify_exp": False})
    assert payload == expected["payload"]
    assert jwt.get_unverified_header(token) == expected["header"]


def test_recorded_moodle_token_passes_every_check_inside_its_window_and_expires_after() -> None:
    token = recorded("launch_id_token.jwt")
    payload = recorded("launch_id_token.decoded.json")["payload"]
    state = recorded("launch_form_post.json")["fields"]["state"]
    config = SigningPlatform().config()
    binding = LoginBinding(state=state, nonce=payload["nonce"], issuer=ISSUER, client_id=CLIENT_ID)
    with responses.RequestsMock() as mock:
        mock.get(JWKS_URL, json=recorded("platform_jwks.json"))
        keys = JwksCache()
        launch = validate_launch(token, find_platforms=lambda iss: [config], keys=keys, consume_nonce=NonceBook(),
                                 binding=binding, now=payload["iat"] + 5)
        assert launch.claims.subject == "36" and launch.claims.context.id == "4"
        with pytest.raises(LaunchRejected) as info:
            validate_launch(token, find_platforms=lambda iss: [config], keys=keys, consume_nonce=NonceBook(),
                            binding=binding, now=payload["exp"] + 61)
    assert info.value.reason is RejectReason.EXPIRED


def test_recorded_token_with_a_changed_claim_fails_the_recorded_key() -> None:
    token = recorded("launch_id_token.jwt")
    head, body, sig = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sub"] = "33"
    forged = f"{head}.{_b64(payload)}.{sig}"
    keyset = jwt.PyJWKSet.from_dict(recorded("platform_jwks.json"))
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, keyset["cc1edf1ef82195a16fe1"], algorithms=["RS256"], audience=CLIENT_ID,
                   options={"verify_exp": False})


@pytest.mark.parametrize("issuer", ["https://moodle.example\x00", "https://moodle\x1f.example", "https://m\x7f.example",
                                    "https://m\x85.example"])
def test_an_issuer_with_control_characters_is_malformed_before_any_lookup(platform, issuer: str) -> None:
    """``iss`` is read before the signature is checked and looked up in the store (where PostgreSQL refuses NUL)."""
    claims = {**platform.learner_claims(nonce=NONCE, now=NOW), "iss": issuer}
    looked_up: list[str] = []

    def find_platforms(iss: str) -> list[Any]:
        looked_up.append(iss)
        return []

    with pytest.raises(LaunchRejected) as info:
        validate_launch(platform.sign(claims), find_platforms=find_platforms, keys=JwksCache(),
                        consume_nonce=NonceBook(), binding=None, now=NOW)
    assert info.value.reason is RejectReason.MALFORMED and "control characters" in str(info.value)
    assert looked_up == []

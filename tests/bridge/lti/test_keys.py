"""Tool keys: RFC 7638 kid, JWKS of active keys, newest signs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from moodle_plugin_bridge.lti import ToolKey, generate_tool_key, jwks_document, signing_key
from moodle_plugin_bridge.lti.keys import thumbprint

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_thumbprint_matches_the_rfc_7638_example() -> None:
    # RFC 7638 section 3.1: this key's SHA-256 thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs.
    n = ("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3"
         "oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZ"
         "Hzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kE"
         "gU8awapJzKnqDKgw")
    assert thumbprint({"kty": "RSA", "e": "AQAB", "n": n, "kid": "2011-04-29", "alg": "RS256"}) == (
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")


@pytest.fixture(scope="module")
def two_keys() -> tuple[ToolKey, ToolKey]:
    return generate_tool_key(T0), generate_tool_key(T0 + timedelta(days=30))


def test_generated_key_is_2048_bit_rsa_with_its_thumbprint_as_kid(two_keys) -> None:
    key = two_keys[0]
    assert key.private_key().key_size == 2048
    jwk = key.public_jwk()
    assert jwk["kid"] == key.kid == thumbprint(jwk)
    assert (jwk["kty"], jwk["alg"], jwk["use"], jwk["e"]) == ("RSA", "RS256", "sig", "AQAB")
    assert "d" not in jwk and "p" not in jwk  # never publish private parts


def test_newest_active_key_signs_and_every_active_key_is_published(two_keys) -> None:
    old, new = two_keys
    assert signing_key([old, new]) is new
    document = jwks_document([old, new])
    assert [k["kid"] for k in document["keys"]] == [new.kid, old.kid]
    # A token signed by either key verifies against the published set.
    keyset = jwt.PyJWKSet.from_dict(document)
    for key in (old, new):
        token = jwt.encode({"sub": "x"}, key.private_key(), algorithm="RS256", headers={"kid": key.kid})
        assert jwt.decode(token, keyset[key.kid], algorithms=["RS256"]) == {"sub": "x"}


def test_retired_keys_are_neither_published_nor_used(two_keys) -> None:
    old, new = two_keys
    retired = ToolKey(kid=new.kid, private_key_pem=new.private_key_pem, created_at=new.created_at, active=False)
    assert signing_key([old, retired]) is old
    assert [k["kid"] for k in jwks_document([old, retired])["keys"]] == [old.kid]
    with pytest.raises(LookupError, match="no active key"):
        signing_key([retired])

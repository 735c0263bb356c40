"""A test platform: its own RSA key and JWKS, signing launches shaped like the recorded Moodle 4.5 launch.

Every launch starts from ``tests/data/moodle/lti/launch_id_token.decoded.json`` (a real
learner launch of user 36 in course 4) and changes only what the case needs;
each change is written next to it. The JWKS has the shape of
``tests/data/moodle/lti/platform_jwks.json`` and is served at the recorded certs URL
through ``responses``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from moodle_plugin_bridge.lti import PlatformConfig
from moodle_plugin_bridge.lti.claims import (
    CLAIM_AGS_ENDPOINT,
    CLAIM_DEEP_LINKING_SETTINGS,
    CLAIM_EXT,
    CLAIM_LIS,
    CLAIM_MESSAGE_TYPE,
    CLAIM_RESOURCE_LINK,
    CLAIM_ROLES,
    ROLE_INSTITUTION_ADMIN,
    ROLE_INSTRUCTOR,
    ROLE_SYSTEM_ADMIN,
)

HERE = Path(__file__).resolve().parent
RECORDED = HERE.parents[1] / "data" / "moodle" / "lti"
DERIVED = HERE / "derived"


def recorded(name: str) -> Any:
    """A recorded Moodle fixture (JSON), or the raw text of ``.jwt`` files."""
    path = RECORDED / name
    text = path.read_text(encoding="utf-8")
    return text.strip() if path.suffix == ".jwt" else json.loads(text)


def derived(name: str) -> Any:
    return json.loads((DERIVED / name).read_text(encoding="utf-8"))


REGISTRATION = recorded("registration.json")
ISSUER = REGISTRATION["issuer"]                    # http://127.0.0.1:8080
CLIENT_ID = REGISTRATION["client_id"]              # 9cKREgmmYECLcaC
DEPLOYMENT_ID = REGISTRATION["deployment_id"]      # "1"
AUTH_URL = REGISTRATION["auth_login_url"]
TOKEN_URL = REGISTRATION["token_url"]
JWKS_URL = REGISTRATION["jwks_url"]
TOOL_BASE_URL = "http://127.0.0.1:5000"
TOOL_LAUNCH_URL = REGISTRATION["tool_launch_url"]
RECORDED_PAYLOAD: dict[str, Any] = recorded("launch_id_token.decoded.json")["payload"]
RECORDED_LINEITEM = RECORDED_PAYLOAD[CLAIM_AGS_ENDPOINT]["lineitem"]


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per name and test process (generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    # Same members and order as tests/data/moodle/lti/platform_jwks.json.
    return {"kty": "RSA", "alg": "RS256", "kid": kid, "e": jwk["e"], "n": jwk["n"], "use": "sig"}


class SigningPlatform:
    """The lab Moodle's issuer, client id and URLs, with a key of our own."""

    def __init__(self, kid: str = "lab-test-kid-1", key_name: str = "platform") -> None:
        self.kid = kid
        self.key = rsa_key(key_name)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.key, self.kid)]}

    def serve_jwks(self, rsps: Any) -> None:
        rsps.get(JWKS_URL, json=self.jwks())

    def config(self, deployment_ids: frozenset[str] = frozenset({DEPLOYMENT_ID}), key: int | None = None
               ) -> PlatformConfig:
        return PlatformConfig(issuer=ISSUER, client_id=CLIENT_ID, auth_login_url=AUTH_URL, token_url=TOKEN_URL,
                              jwks_url=JWKS_URL, deployment_ids=deployment_ids, key=key)

    # --- launches -------------------------------------------------------------

    def learner_claims(self, *, nonce: str, now: int) -> dict[str, Any]:
        """The recorded learner launch (user 36, course 4), with a fresh nonce and time window.

        Moodle issues launches valid for 60 s (recorded exp - iat = 60).
        """
        claims = copy.deepcopy(RECORDED_PAYLOAD)
        claims.update(nonce=nonce, iat=now, exp=now + 60)
        return claims

    def instructor_claims(self, *, nonce: str, now: int) -> dict[str, Any]:
        """The same activity launched by the course's teacher, user 47 ``sophy.long``.

        Names, e-mail and idnumber are those of user 47 in the recorded NRPS
        membership; Moodle sends membership#Instructor to anyone who may manage
        the activity.
        """
        claims = self.learner_claims(nonce=nonce, now=now)
        claims.update(sub="47", given_name="សុភី", family_name="ឡុង", name="សុភី ឡុង",
                      email="sophy.long@rsa.example.gov.kh")
        claims[CLAIM_ROLES] = [ROLE_INSTRUCTOR]
        claims[CLAIM_LIS] = {"person_sourcedid": "RSA-F03", "course_section_sourcedid": "LIP-HFD-2025"}
        claims[CLAIM_EXT] = {"user_username": "sophy.long", "lms": "moodle-2"}
        return claims

    def admin_claims(self, *, nonce: str, now: int) -> dict[str, Any]:
        """A site administrator: Moodle drops Learner and adds the institution and system Administrator roles."""
        claims = self.instructor_claims(nonce=nonce, now=now)
        claims.update(sub="2", given_name="Admin", family_name="User", name="Admin User",
                      email="admin@example.gov.kh")
        claims[CLAIM_ROLES] = [ROLE_INSTITUTION_ADMIN, ROLE_INSTRUCTOR, ROLE_SYSTEM_ADMIN]
        claims[CLAIM_EXT] = {"user_username": "admin", "lms": "moodle-2"}
        return claims

    def deep_linking_claims(self, *, nonce: str, now: int, data: str | None = None) -> dict[str, Any]:
        """The teacher adding the tool through "Select content" (deep linking).

        As Moodle's ``lti_build_content_item_selection_request`` builds it for
        LTI 1.3: no resource link, no line item, accept_types ltiResourceLink,
        targets frame/iframe/window, accept_multiple true, auto_create false,
        the tool name as title, return URL ``contentitem_return.php`` with the
        course and the tool type id.
        """
        claims = self.instructor_claims(nonce=nonce, now=now)
        claims[CLAIM_MESSAGE_TYPE] = "LtiDeepLinkingRequest"
        claims.pop(CLAIM_RESOURCE_LINK)
        claims.pop("https://purl.imsglobal.org/spec/lti-bo/claim/basicoutcome")
        ags = claims[CLAIM_AGS_ENDPOINT]
        ags.pop("lineitem")
        settings: dict[str, Any] = {
            "deep_link_return_url": ISSUER + "/mod/lti/contentitem_return.php?course=4&id=1&sesskey=2gjYDO8xnn",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["frame", "iframe", "window"],
            "accept_copy_advice": False,
            "accept_multiple": True,
            "accept_unsigned": False,
            "auto_create": False,
            "can_confirm": False,
            "title": "lipassess surveys",
            "text": "",
        }
        if data is not None:
            settings["data"] = data
        claims[CLAIM_DEEP_LINKING_SETTINGS] = settings
        return claims

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None, kid: str | None = None,
             headers: dict[str, Any] | None = None) -> str:
        """RS256 with this platform's key and kid, unless told otherwise (header ``typ`` as Moodle sends it)."""
        all_headers = {"typ": "JWT", "kid": self.kid if kid is None else kid, **(headers or {})}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=all_headers)

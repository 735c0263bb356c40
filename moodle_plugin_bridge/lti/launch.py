"""Verify an LTI 1.3 id_token: every check the spec asks of a tool, in one place.

Order matters for what an attacker can learn and burn: the token is parsed,
its platform found by ``iss`` and ``aud``, its RS256 signature checked against
the platform's published key, then the time window, the binding to this
browser (nonce), the LTI claims, and last the single-use nonce is consumed, so
a forged or stale token never uses up a nonce.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from moodle_plugin_bridge.lti.claims import (
    DEEP_LINKING_REQUEST,
    LTI_VERSION,
    MESSAGE_TYPES,
    RESOURCE_LINK_REQUEST,
    LaunchClaims,
    clean_text_problem,
    parse_claims,
)
from moodle_plugin_bridge.lti.errors import LaunchRejected, RejectReason
from moodle_plugin_bridge.lti.jwks import SIGNING_ALGORITHMS, JwksCache
from moodle_plugin_bridge.lti.oidc import LoginBinding
from moodle_plugin_bridge.lti.platform import PlatformConfig
from moodle_plugin_bridge.lti.urls import on_site
from moodle_plugin_bridge.records.base import LATEST_UNIX_TIME

DEFAULT_LEEWAY = 60
MAX_TOKEN_LENGTH = 64 * 1024

NonceConsumer = Callable[[str, int], bool]
"""``consume(nonce, expires_at_epoch) -> bool``: record the nonce as used; False if it already was."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidatedLaunch:
    """A launch that passed every check: the platform it came from and its typed claims."""

    platform: PlatformConfig
    claims: LaunchClaims


def _reject(reason: RejectReason, detail: str) -> LaunchRejected:
    return LaunchRejected(reason, detail)


def _unverified(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(id_token, str) or not id_token or len(id_token) > MAX_TOKEN_LENGTH:
        raise _reject(RejectReason.MALFORMED, "id_token missing or too long")
    try:
        header = jwt.get_unverified_header(id_token)
        payload = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise _reject(RejectReason.MALFORMED, f"id_token is not a JWT: {exc}") from None
    return header, payload


def _select_platform(payload: dict[str, Any],
                     find_platforms: Callable[[str], Sequence[PlatformConfig]]) -> PlatformConfig:
    issuer = payload.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise _reject(RejectReason.MISSING_CLAIM, "iss")
    # read before the signature is checked, and looked up in the platforms' store
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in issuer):
        raise _reject(RejectReason.MALFORMED, "iss holds control characters")
    problem = clean_text_problem(issuer)
    if problem is not None:
        raise _reject(RejectReason.MALFORMED, f"iss {problem}")
    aud = payload.get("aud")
    audience = [aud] if isinstance(aud, str) else aud
    if not isinstance(audience, list) or not audience or not all(isinstance(a, str) for a in audience):
        raise _reject(RejectReason.MISSING_CLAIM, "aud")
    candidates = list(find_platforms(issuer))
    if not candidates:
        raise _reject(RejectReason.WRONG_ISSUER, f"issuer {issuer!r} is not registered")
    matching = [p for p in candidates if p.client_id in audience]
    if not matching:
        raise _reject(RejectReason.WRONG_AUDIENCE, f"aud {audience!r} names no client id registered for {issuer!r}")
    if len(matching) > 1:
        raise _reject(RejectReason.WRONG_AUDIENCE, f"aud {audience!r} names several registrations of {issuer!r}")
    platform = matching[0]
    azp = payload.get("azp")
    if (len(audience) > 1 or azp is not None) and azp != platform.client_id:
        raise _reject(RejectReason.WRONG_AZP, f"azp {azp!r} is not the client id {platform.client_id!r}")
    return platform


def _verify_signature(id_token: str, header: dict[str, Any], platform: PlatformConfig,
                      keys: JwksCache) -> dict[str, Any]:
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise _reject(RejectReason.BAD_ALGORITHM, f"alg {header.get('alg')!r} is not accepted")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise _reject(RejectReason.MALFORMED, "kid is not a string")
    key = keys.key_for(platform.jwks_url, kid)
    try:
        # Time, audience and issuer are checked below with the caller's clock and
        # reasons of our own; PyJWT checks the signature and the algorithm.
        return jwt.decode(id_token, key=key, algorithms=list(SIGNING_ALGORITHMS),
                          options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                   "verify_aud": False, "verify_iss": False, "verify_sub": False,
                                   "verify_jti": False})
    except jwt.InvalidSignatureError:
        raise _reject(RejectReason.BAD_SIGNATURE, f"signature does not verify with key {kid!r}") from None
    except jwt.PyJWTError as exc:
        raise _reject(RejectReason.MALFORMED, f"id_token rejected by the JWT library: {exc}") from None


def _time_claim(payload: dict[str, Any], name: str) -> float:
    value = payload.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _reject(RejectReason.MISSING_CLAIM, f"{name} missing or not a number")
    if not 0 <= value <= LATEST_UNIX_TIME:  # also NaN and the infinities JSON may carry
        raise _reject(RejectReason.MALFORMED, f"{name} {value!r} is not a time between 1970 and 2200")
    return value


def _check_times(payload: dict[str, Any], now: float, leeway: float) -> int:
    exp, iat = _time_claim(payload, "exp"), _time_claim(payload, "iat")
    if now > exp + leeway:
        raise _reject(RejectReason.EXPIRED, f"expired at {exp}, now {int(now)}")
    if iat > now + leeway:
        raise _reject(RejectReason.ISSUED_IN_FUTURE, f"issued at {iat}, now {int(now)}")
    nbf = payload.get("nbf")
    if isinstance(nbf, int | float) and not isinstance(nbf, bool) and nbf > now + leeway:
        raise _reject(RejectReason.ISSUED_IN_FUTURE, f"not valid before {nbf}, now {int(now)}")
    return int(exp)


def validate_launch(
    id_token: str,
    *,
    find_platforms: Callable[[str], Sequence[PlatformConfig]],
    keys: JwksCache,
    consume_nonce: NonceConsumer,
    binding: LoginBinding | None,
    now: float | None = None,
    leeway: float = DEFAULT_LEEWAY,
    message_types: Collection[str] = MESSAGE_TYPES,
) -> ValidatedLaunch:
    """Verify ``id_token`` and return its platform and typed claims.

    Parameters
    ----------
    id_token:
        The compact JWT the platform posted to the launch URL.
    find_platforms:
        ``issuer -> registrations``; empty when the issuer is unknown.
    keys:
        The platform key cache (fetches the registration's JWKS URL).
    consume_nonce:
        Records the nonce as used and returns False when it was used before;
        called last, only for tokens that passed every other check. Must be
        atomic across processes (a unique constraint, not a read-then-write).
    binding:
        What the login step stored in this browser: the launch must carry its
        nonce and come from its issuer and client id. ``None`` only for checks
        of recorded tokens outside a browser flow.
    now, leeway:
        The clock (Unix seconds; default: the system clock) and the allowed
        clock skew for ``exp``/``iat``/``nbf``, in seconds (default 60).
    message_types:
        The accepted ``message_type`` values.

    Raises
    ------
    LaunchRejected
        With the reason of the first failed check.
    """
    now = time.time() if now is None else now
    header, unverified = _unverified(id_token)
    platform = _select_platform(unverified, find_platforms)
    payload = _verify_signature(id_token, header, platform, keys)
    exp = _check_times(payload, now, leeway)

    if binding is not None and (binding.issuer, binding.client_id) != (platform.issuer, platform.client_id):
        raise _reject(RejectReason.WRONG_ISSUER,
                      f"login began for {binding.issuer!r}/{binding.client_id!r}, token is from "
                      f"{platform.issuer!r}/{platform.client_id!r}")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _reject(RejectReason.MISSING_CLAIM, "nonce")
    if binding is not None and nonce != binding.nonce:
        raise _reject(RejectReason.NONCE_MISMATCH, "nonce differs from the one issued to this browser")

    claims = parse_claims(payload)
    if claims.version != LTI_VERSION:
        raise _reject(RejectReason.WRONG_VERSION, f"LTI version {claims.version!r}")
    if claims.message_type not in message_types:
        raise _reject(RejectReason.WRONG_MESSAGE_TYPE, f"message type {claims.message_type!r}")
    if not claims.deployment_id:
        raise _reject(RejectReason.MISSING_CLAIM, "deployment_id")
    if not platform.allows_deployment(claims.deployment_id):
        raise _reject(RejectReason.UNKNOWN_DEPLOYMENT, f"deployment {claims.deployment_id!r} is not registered")
    if not claims.subject:
        raise _reject(RejectReason.MISSING_CLAIM, "sub (anonymous launches are not supported)")
    if claims.message_type == RESOURCE_LINK_REQUEST and claims.resource_link is None:
        raise _reject(RejectReason.MISSING_CLAIM, "resource_link")
    if claims.message_type == DEEP_LINKING_REQUEST and claims.deep_linking is None:
        raise _reject(RejectReason.MISSING_CLAIM, "deep_linking_settings")
    if claims.deep_linking is not None and not on_site(claims.deep_linking.deep_link_return_url, platform.issuer):
        # The return URL becomes a form's action in the teacher's browser: only the platform's own site.
        raise _reject(RejectReason.WRONG_TARGET, f"deep_link_return_url {claims.deep_linking.deep_link_return_url!r} "
                                                 f"is not on the platform's site {platform.issuer!r}")

    if not consume_nonce(nonce, int(exp + leeway)):
        raise _reject(RejectReason.NONCE_REPLAYED, "nonce was already used")
    return ValidatedLaunch(platform=platform, claims=claims)

"""OIDC third-party login initiation: the first leg of every LTI 1.3 launch.

The platform (Moodle) posts ``iss``, ``login_hint``, ``target_link_uri`` and
usually ``client_id``, ``lti_deployment_id`` and ``lti_message_hint`` to the
tool's login URL. The tool answers with a redirect to the platform's auth URL
carrying a fresh ``state`` and ``nonce`` that it binds to the browser; the
platform then posts the signed id_token back to the tool's launch URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from moodle_plugin_bridge.lti.errors import LoginRejected, RejectReason
from moodle_plugin_bridge.lti.platform import PlatformConfig
from moodle_plugin_bridge.lti.urls import url_under

MAX_PARAM_LENGTH = 2048


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginInitiation:
    """The validated parameters of one login initiation."""

    issuer: str
    login_hint: str
    target_link_uri: str
    client_id: str | None = None
    deployment_id: str | None = None
    message_hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginBinding:
    """What the tool remembers, bound to the browser, between login and launch."""

    state: str
    nonce: str
    issuer: str
    client_id: str

    def to_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "iss": self.issuer, "aud": self.client_id}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> LoginBinding:
        try:
            return cls(state=str(raw["state"]), nonce=str(raw["nonce"]), issuer=str(raw["iss"]),
                       client_id=str(raw["aud"]))
        except (KeyError, TypeError):
            raise LoginRejected(RejectReason.STATE_MISMATCH, "stored login binding is incomplete") from None


def new_token() -> str:
    """A fresh random value for ``state`` or ``nonce`` (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def _param(params: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LoginRejected(RejectReason.MISSING_PARAMETER, f"login initiation without {name}")
        return None
    if not isinstance(value, str) or len(value) > MAX_PARAM_LENGTH:
        raise LoginRejected(RejectReason.MALFORMED, f"login initiation parameter {name} is not a short string")
    return value.strip()


def parse_login_initiation(params: Mapping[str, Any]) -> LoginInitiation:
    """Read the initiation parameters (form post or query string); refuse missing or odd ones."""
    return LoginInitiation(
        issuer=_param(params, "iss", required=True) or "",
        login_hint=_param(params, "login_hint", required=True) or "",
        target_link_uri=_param(params, "target_link_uri", required=True) or "",
        client_id=_param(params, "client_id", required=False),
        deployment_id=_param(params, "lti_deployment_id", required=False),
        message_hint=_param(params, "lti_message_hint", required=False),
    )


def select_platform(initiation: LoginInitiation,
                    find_platforms: Callable[[str], Sequence[PlatformConfig]]) -> PlatformConfig:
    """The registration this initiation belongs to (by issuer, then client id).

    Without a ``client_id`` the issuer must have exactly one registration.
    A deployment id, when sent, must be registered.
    """
    candidates = list(find_platforms(initiation.issuer))
    if not candidates:
        raise LoginRejected(RejectReason.UNKNOWN_PLATFORM, f"no platform registered for issuer {initiation.issuer!r}")
    if initiation.client_id is not None:
        candidates = [p for p in candidates if p.client_id == initiation.client_id]
        if not candidates:
            raise LoginRejected(RejectReason.WRONG_AUDIENCE,
                                f"client_id {initiation.client_id!r} is not registered for {initiation.issuer!r}")
    elif len(candidates) > 1:
        raise LoginRejected(RejectReason.MISSING_PARAMETER,
                            f"issuer {initiation.issuer!r} has several registrations and no client_id was sent")
    platform = candidates[0]
    if initiation.deployment_id is not None and not platform.allows_deployment(initiation.deployment_id):
        raise LoginRejected(RejectReason.UNKNOWN_DEPLOYMENT,
                            f"deployment {initiation.deployment_id!r} is not registered for {platform.issuer!r}")
    return platform


def begin_login(initiation: LoginInitiation, platform: PlatformConfig, *, redirect_uri: str,
                tool_base_url: str) -> tuple[str, LoginBinding]:
    """Build the authentication redirect and the binding to keep in the browser.

    ``target_link_uri`` must point into the tool (``tool_base_url``), so the
    platform cannot be made to launch something else in our name.
    Returns ``(auth_url, binding)``.
    """
    if not url_under(initiation.target_link_uri, tool_base_url):
        raise LoginRejected(RejectReason.WRONG_TARGET,
                            f"target_link_uri {initiation.target_link_uri!r} is outside {tool_base_url!r}")
    binding = LoginBinding(state=new_token(), nonce=new_token(), issuer=platform.issuer,
                           client_id=platform.client_id)
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": initiation.login_hint,
        "state": binding.state,
        "response_mode": "form_post",
        "nonce": binding.nonce,
        "prompt": "none",
    }
    if initiation.message_hint is not None:
        params["lti_message_hint"] = initiation.message_hint
    separator = "&" if urlsplit(platform.auth_login_url).query else "?"
    return platform.auth_login_url + separator + urlencode(params), binding

"""LTI Dynamic Registration (IMS LTI DR 1.0), the easy path Moodle 4.x offers.

The Moodle admin pastes the tool's registration URL into "Manage tools";
Moodle opens it with ``openid_configuration`` (the URL of its
``/mod/lti/openid-configuration.php``) and ``registration_token`` (a signed,
single-use JWT). The tool fetches the configuration, posts its client
registration to ``registration_endpoint`` with the token as a bearer, and
Moodle answers with the new ``client_id`` and, inside the
``https://purl.imsglobal.org/spec/lti-tool-configuration`` object, the
``deployment_id``. Moodle creates the tool in the "pending" state; the admin
activates it.

Shapes follow Moodle's ``mod/lti/openid-configuration.php``,
``openid-registration.php`` and ``registration_helper.php`` (4.x).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from moodle_plugin_bridge.lti.claims import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SCOPE_SCORE
from moodle_plugin_bridge.lti.errors import RegistrationError
from moodle_plugin_bridge.lti.urls import url_under

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformConfiguration:
    """The parts of a platform's OpenID configuration a tool registration needs."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    scopes_supported: tuple[str, ...] = ()
    messages_supported: tuple[str, ...] = ()
    product_family_code: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationResult:
    """What the tool stores after a successful registration."""

    issuer: str
    client_id: str
    deployment_id: str
    auth_login_url: str
    token_url: str
    jwks_url: str
    scopes: tuple[str, ...] = ()


def _required_url(document: Mapping[str, Any], name: str, issuer: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise RegistrationError(f"the platform configuration has no {name}")
    if not url_under(value, issuer):
        raise RegistrationError(f"{name} {value!r} is not on the issuer's site {issuer!r}")
    return value


def parse_platform_configuration(document: Any, configuration_url: str) -> PlatformConfiguration:
    """Validate an OpenID configuration document fetched from ``configuration_url``.

    The configuration URL must lie under the issuer (DR 1.0, 3.5.1) and so must
    every endpoint, so one site cannot register keys for another.
    """
    if not isinstance(document, dict):
        raise RegistrationError("the platform configuration is not a JSON object")
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or not issuer:
        raise RegistrationError("the platform configuration has no issuer")
    if not url_under(configuration_url, issuer):
        raise RegistrationError(f"configuration URL {configuration_url!r} is not under the issuer {issuer!r}")
    platform = document.get(PLATFORM_CONFIGURATION)
    platform = platform if isinstance(platform, dict) else {}
    scopes = document.get("scopes_supported")
    messages = platform.get("messages_supported")
    return PlatformConfiguration(
        issuer=issuer,
        authorization_endpoint=_required_url(document, "authorization_endpoint", issuer),
        token_endpoint=_required_url(document, "token_endpoint", issuer),
        jwks_uri=_required_url(document, "jwks_uri", issuer),
        registration_endpoint=_required_url(document, "registration_endpoint", issuer),
        scopes_supported=tuple(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else (),
        messages_supported=tuple(m for m in messages if isinstance(m, str)) if isinstance(messages, list) else (),
        product_family_code=platform.get("product_family_code") if isinstance(
            platform.get("product_family_code"), str) else None,
        version=platform.get("version") if isinstance(platform.get("version"), str) else None,
    )


def fetch_platform_configuration(configuration_url: str, *, session: requests.Session,
                                 timeout: float = 10.0) -> PlatformConfiguration:
    """GET and validate the platform's OpenID configuration."""
    try:
        response = session.get(configuration_url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise RegistrationError(f"cannot reach {configuration_url}: {exc}") from exc
    if response.status_code != 200:
        raise RegistrationError(f"{configuration_url} answered {response.status_code}")
    try:
        document = response.json()
    except ValueError:
        raise RegistrationError(f"{configuration_url} did not answer JSON") from None
    return parse_platform_configuration(document, configuration_url)


def tool_registration_request(
    *,
    tool_base_url: str,
    client_name: str,
    description: str,
    scopes: Sequence[str] = (SCOPE_SCORE,),
    custom_parameters: Mapping[str, str] | None = None,
    deep_linking: bool = True,
    launch_path: str = "/lti/launch",
    login_path: str = "/lti/login",
    jwks_path: str = "/lti/jwks",
) -> dict[str, Any]:
    """The client registration the tool posts (the fields Moodle requires, and the LTI tool configuration)."""
    base = tool_base_url.rstrip("/")
    launch_url = base + launch_path
    messages: list[dict[str, Any]] = [{"type": RESOURCE_LINK_REQUEST, "target_link_uri": launch_url}]
    if deep_linking:
        messages.append({"type": DEEP_LINKING_REQUEST, "target_link_uri": launch_url})
    tool_configuration: dict[str, Any] = {
        "domain": urlsplit(base).netloc,
        "target_link_uri": launch_url,
        "description": description,
        "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
        "messages": messages,
    }
    if custom_parameters:
        tool_configuration["custom_parameters"] = dict(custom_parameters)
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base + login_path,
        "redirect_uris": [launch_url],
        "client_name": client_name,
        "jwks_uri": base + jwks_path,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: tool_configuration,
    }


def register_tool(configuration: PlatformConfiguration, request: Mapping[str, Any], *,
                  registration_token: str | None, session: requests.Session,
                  timeout: float = 10.0) -> RegistrationResult:
    """POST the registration and read back the client id and deployment id."""
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = session.post(configuration.registration_endpoint, json=dict(request), headers=headers,
                                 timeout=timeout)
    except requests.RequestException as exc:
        raise RegistrationError(f"cannot reach {configuration.registration_endpoint}: {exc}") from exc
    if response.status_code not in (200, 201):
        reason = response.text.strip()[:200] or "no reason given"
        raise RegistrationError(f"the platform refused the registration ({response.status_code}: {reason})")
    try:
        body = response.json()
    except ValueError:
        raise RegistrationError("the platform's registration answer is not JSON") from None
    if not isinstance(body, dict):
        raise RegistrationError("the platform's registration answer is not a JSON object")
    client_id = body.get("client_id")
    tool = body.get(TOOL_CONFIGURATION)
    deployment_id = tool.get("deployment_id") if isinstance(tool, dict) else None
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationError("the platform's registration answer has no client_id")
    if not isinstance(deployment_id, str | int) or isinstance(deployment_id, bool) or str(deployment_id) == "":
        raise RegistrationError("the platform's registration answer has no deployment_id")
    scope = body.get("scope")
    return RegistrationResult(
        issuer=configuration.issuer,
        client_id=client_id,
        deployment_id=str(deployment_id),
        auth_login_url=configuration.authorization_endpoint,
        token_url=configuration.token_endpoint,
        jwks_url=configuration.jwks_uri,
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
    )

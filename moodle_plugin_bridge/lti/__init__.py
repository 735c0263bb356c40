"""LTI 1.3 tool side, framework-agnostic: login, launch verification, keys, deep linking, AGS, registration.

Nothing here knows Flask or the lipassess store; callers pass in how to find a
platform registration, how to consume a nonce, and an HTTP session. All
cryptography is PyJWT (RS256) and ``cryptography`` (RSA key generation).
"""

from moodle_plugin_bridge.lti.ags import Score, ScoreOutcome, ServiceClient, completion_score, scores_url
from moodle_plugin_bridge.lti.claims import (
    DEEP_LINKING_REQUEST,
    RESOURCE_LINK_REQUEST,
    AgsEndpoint,
    Context,
    DeepLinkingSettings,
    LaunchClaims,
    NamesRoleService,
    ResourceLink,
    parse_claims,
)
from moodle_plugin_bridge.lti.deep_linking import ResourceLinkItem, deep_linking_response
from moodle_plugin_bridge.lti.errors import (
    DeepLinkingError,
    LaunchRejected,
    LoginRejected,
    LtiError,
    RegistrationError,
    RejectReason,
    ServiceError,
    TokenRequestError,
)
from moodle_plugin_bridge.lti.jwks import JwksCache
from moodle_plugin_bridge.lti.keys import ToolKey, generate_tool_key, jwks_document, signing_key
from moodle_plugin_bridge.lti.launch import ValidatedLaunch, validate_launch
from moodle_plugin_bridge.lti.oidc import LoginBinding, LoginInitiation, begin_login, parse_login_initiation
from moodle_plugin_bridge.lti.platform import PlatformConfig
from moodle_plugin_bridge.lti.registration import (
    PlatformConfiguration,
    RegistrationResult,
    fetch_platform_configuration,
    register_tool,
    tool_registration_request,
)

__all__ = [
    "DEEP_LINKING_REQUEST",
    "RESOURCE_LINK_REQUEST",
    "AgsEndpoint",
    "Context",
    "DeepLinkingError",
    "DeepLinkingSettings",
    "JwksCache",
    "LaunchClaims",
    "LaunchRejected",
    "LoginBinding",
    "LoginInitiation",
    "LoginRejected",
    "LtiError",
    "NamesRoleService",
    "PlatformConfig",
    "PlatformConfiguration",
    "RegistrationError",
    "RegistrationResult",
    "RejectReason",
    "ResourceLink",
    "ResourceLinkItem",
    "Score",
    "ScoreOutcome",
    "ServiceClient",
    "ServiceError",
    "TokenRequestError",
    "ToolKey",
    "ValidatedLaunch",
    "begin_login",
    "completion_score",
    "deep_linking_response",
    "fetch_platform_configuration",
    "generate_tool_key",
    "jwks_document",
    "parse_claims",
    "parse_login_initiation",
    "register_tool",
    "scores_url",
    "signing_key",
    "tool_registration_request",
    "validate_launch",
]

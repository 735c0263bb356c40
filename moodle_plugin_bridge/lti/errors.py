"""What can go wrong on the tool side of LTI 1.3, named by meaning.

A launch or login that fails a check raises :class:`LaunchRejected` or
:class:`LoginRejected` with a machine-readable :class:`RejectReason` and a
``detail`` for the log. Neither is meant for the person at the browser: the
web layer shows one page that tells an attacker nothing and logs the reason.

Calls to the platform's services raise :class:`ServiceError`; ``retryable``
says whether trying again later can help (Moodle down, a timeout) or not (the
line item is gone, the request was refused for good).
"""

from __future__ import annotations

import enum


class RejectReason(enum.StrEnum):
    """Why a login initiation or a launch was refused (for logs and tests, never for users)."""

    MALFORMED = "malformed"
    MISSING_PARAMETER = "missing_parameter"
    UNKNOWN_PLATFORM = "unknown_platform"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_AZP = "wrong_azp"
    UNKNOWN_KEY = "unknown_key"
    BAD_ALGORITHM = "bad_algorithm"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    ISSUED_IN_FUTURE = "issued_in_future"
    MISSING_CLAIM = "missing_claim"
    NONCE_MISMATCH = "nonce_mismatch"
    NONCE_REPLAYED = "nonce_replayed"
    UNKNOWN_DEPLOYMENT = "unknown_deployment"
    WRONG_VERSION = "wrong_version"
    WRONG_MESSAGE_TYPE = "wrong_message_type"
    WRONG_TARGET = "wrong_target"
    STATE_MISSING = "state_missing"
    STATE_MISMATCH = "state_mismatch"
    KEYS_UNAVAILABLE = "keys_unavailable"


class LtiError(Exception):
    """Base class of every error raised by :mod:`moodle_plugin_bridge.lti`."""


class LaunchRejected(LtiError):
    """An id_token (or the request carrying it) failed verification.

    ``reason`` is one of :class:`RejectReason`; ``detail`` says more for the log
    (which claim, which value) and must never be shown to the user.
    """

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


class LoginRejected(LaunchRejected):
    """An OIDC third-party login initiation could not be accepted."""


class DeepLinkingError(LtiError):
    """A deep-linking response cannot be built for these settings (wrong type, too many items)."""


class ServiceError(LtiError):
    """A call to a platform service (token endpoint, AGS) failed.

    Attributes
    ----------
    status:
        The HTTP status, or None for a transport failure (no answer at all).
    retryable:
        True when trying again later can succeed (transport fault, 5xx, a
        token request refused while keys propagate); False when the platform
        refused the request for good (the line item is gone, bad payload).
    """

    def __init__(self, message: str, *, status: int | None = None, retryable: bool) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable


class TokenRequestError(ServiceError):
    """The platform's token endpoint did not issue an access token."""


class RegistrationError(LtiError):
    """LTI dynamic registration failed: bad configuration document or refused registration."""

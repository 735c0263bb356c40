"""The browser's LTI logins in flight: one signed cookie per state, at most a few, oldest dropped.

Login initiation chooses a state and a nonce; the launch that follows must come
back with both. They are kept in a signed, short-lived cookie named after the
state, so several launches in several tabs (even at the same moment) do not
disturb each other. Each login also drops the expired, unreadable and oldest
state cookies beyond :data:`MAX_IN_FLIGHT`: without that, about 32 logins within
the ten-minute window pushed the Cookie header past the 8 KB servers accept,
and every launch from that browser failed with a 431 until they expired.
"""

from __future__ import annotations

import re
import time

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from lipassess.services.lti import LaunchRejected, LoginBinding, RejectReason
from lipassess.web.cookies import cookie_attributes

STATE_COOKIE_PREFIX = "lti_state_"
STATE_MAX_AGE = 600
STATE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
#: Logins kept in flight per browser (the newest one included); about 300 bytes of cookie each.
MAX_IN_FLIGHT = 5
_ISSUED = "at"  # when the binding was issued, finer than the signature's whole seconds


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lipassess.lti.state")


def _cookie_path() -> str:
    return (request.script_root or "") + "/lti/"


def _set(response: Response, name: str, value: str, *, max_age: int) -> None:
    attributes = cookie_attributes()
    response.set_cookie(name, value, max_age=max_age, path=_cookie_path(), httponly=True,
                        secure=bool(attributes["secure"]), samesite=str(attributes["samesite"]),
                        partitioned=bool(attributes["partitioned"]))


def _delete(response: Response, name: str) -> None:
    attributes = cookie_attributes()
    response.delete_cookie(name, path=_cookie_path(), httponly=True, secure=bool(attributes["secure"]),
                           samesite=str(attributes["samesite"]), partitioned=bool(attributes["partitioned"]))


def _issued_at(value: str) -> float | None:
    """When a state cookie's login began; None when it has expired or does not verify."""
    try:
        raw, signed_at = _serializer().loads(value, max_age=STATE_MAX_AGE, return_timestamp=True)
    except (BadSignature, SignatureExpired):
        return None
    issued = raw.get(_ISSUED) if isinstance(raw, dict) else None
    return float(issued) if isinstance(issued, int | float) else signed_at.timestamp()


def remember(response: Response, binding: LoginBinding) -> None:
    """Keep ``binding`` for its launch; forget expired and unreadable logins, and the oldest beyond the bound."""
    kept: list[tuple[float, str]] = []
    for name, value in request.cookies.items():
        if not name.startswith(STATE_COOKIE_PREFIX) or name == STATE_COOKIE_PREFIX + binding.state:
            continue
        issued = _issued_at(value)
        if issued is None:
            _delete(response, name)
        else:
            kept.append((issued, name))
    kept.sort(reverse=True)
    for _, name in kept[MAX_IN_FLIGHT - 1:]:
        _delete(response, name)
    value = _serializer().dumps({**binding.to_dict(), _ISSUED: time.time()})
    _set(response, STATE_COOKIE_PREFIX + binding.state, value, max_age=STATE_MAX_AGE)


def binding_for(state: str) -> LoginBinding:
    """The login this launch's ``state`` belongs to, from this browser's state cookie."""
    if not STATE_PATTERN.match(state):
        raise LaunchRejected(RejectReason.STATE_MISMATCH, "state missing or not a state this tool issues")
    cookie = request.cookies.get(STATE_COOKIE_PREFIX + state)
    if cookie is None:
        raise LaunchRejected(RejectReason.STATE_MISSING, "no state cookie for this state (other browser, "
                                                         "blocked cookies, replay, or dropped as the oldest)")
    try:
        raw = _serializer().loads(cookie, max_age=STATE_MAX_AGE)
    except SignatureExpired:
        raise LaunchRejected(RejectReason.STATE_MISSING, "state cookie older than the login window") from None
    except BadSignature:
        raise LaunchRejected(RejectReason.STATE_MISMATCH, "state cookie signature does not verify") from None
    binding = LoginBinding.from_dict(raw)
    if binding.state != state:
        raise LaunchRejected(RejectReason.STATE_MISMATCH, "state cookie belongs to another state")
    return binding


def forget(response: Response, state: str) -> Response:
    """The launch used ``state``: drop its cookie."""
    if STATE_PATTERN.match(state):
        _delete(response, STATE_COOKIE_PREFIX + state)
    return response

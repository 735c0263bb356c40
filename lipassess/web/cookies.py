"""Cookies that work inside Moodle's iframe as well as in a new window.

Moodle shows an LTI activity in an iframe or a new window. In the iframe the
page is third-party, and browsers send a third-party cookie only when it is
``SameSite=None; Secure`` (and, where third-party cookies are blocked, only a
``Partitioned`` one, keyed to the Moodle site). The launch itself is a
cross-site form POST from Moodle, which a ``Lax`` cookie does not survive
either. So, whenever the service is reached over https (the request is secure,
or ``BASE_URL`` is https behind a TLS-terminating proxy), the session cookie
and the LTI state cookie are ``SameSite=None; Secure; Partitioned``. Over plain
http (a development machine where Moodle and lipassess share one host) they
stay ``Lax``: browsers refuse ``SameSite=None`` without ``Secure``.

Forms stay protected by CSRF tokens; ``SameSite=None`` only stops the browser
from withholding the cookie.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


def cross_site_cookies() -> bool:
    """True when cookies must be ``SameSite=None; Secure; Partitioned`` for this request."""
    if has_request_context() and request.is_secure:
        return True
    return str(current_app.config.get("BASE_URL", "")).lower().startswith("https://")


def cookie_attributes() -> dict[str, object]:
    """``secure``, ``samesite`` and ``partitioned`` for ``Response.set_cookie``."""
    if cross_site_cookies():
        return {"secure": True, "samesite": "None", "partitioned": True}
    return {"secure": bool(current_app.config.get("SESSION_COOKIE_SECURE")), "samesite": "Lax", "partitioned": False}


class FramedSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the attributes above decided per request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, tuple[object, ...]], URLSafeTimedSerializer | None] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if cross_site_cookies() else super().get_cookie_secure(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if cross_site_cookies() else (super().get_cookie_samesite(app) or "Lax")

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if cross_site_cookies() else super().get_cookie_partitioned(app)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per secret key (and fallbacks) instead of on every request.

        Building it is a fiftieth of a survey page's server time; it holds
        nothing but the keys and settings it is built from, so one per key
        serves every request and thread.
        """
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._serializers.get(key)
        if cached is None:
            cached = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys rotated many times in one process (tests): start again
                self._serializers.clear()
            self._serializers[key] = cached
        return cached


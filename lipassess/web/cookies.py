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

import copy
import time
from typing import Any

from flask import Flask, Request, current_app, has_request_context, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lipassess.web.lru import LRU

#: Verified session cookies remembered per process (a seminar's participants each hold one).
VERIFIED_COOKIES = 8192


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
        self._verified: LRU[tuple[object, ...], tuple[int, Any]] = LRU(VERIFIED_COOKIES)

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
        cached = self._serializers.get(key := self._keys(app))
        if cached is None:
            cached = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys rotated many times in one process (tests): start again
                self._serializers.clear()
            self._serializers[key] = cached
        return cached

    @staticmethod
    def _keys(app: Flask) -> tuple[object, tuple[object, ...]]:
        return app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's session, with each cookie's signature checked once per process rather than on every request.

        A participant sends the same cookie with every click; checking its
        signature (base64, zlib, HMAC, tagged JSON) is a twentieth of a
        survey page's server time. A cookie that verified is remembered with
        the time it was signed, keyed by its exact text and the keys it was
        checked with: the same text is the same verified data, and it is
        refused again (an empty session, as Flask does) once older than
        ``PERMANENT_SESSION_LIFETIME`` or when the keys change. Each request
        gets its own copy of the data, so a change in one request never
        leaks into another.
        """
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        cache_key = (self._keys(app), value)
        found = self._verified.get(cache_key)
        if found is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            found = (int(signed_at.timestamp()), data)
            self._verified.put(cache_key, found)
        signed_at, data = found
        if not 0 <= int(time.time()) - signed_at <= max_age:  # itsdangerous' own rule: expired, or from the future
            return self.session_class()
        return self.session_class(copy.deepcopy(data))

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's, without working out the cookie's attributes when nothing is to be sent (most requests)."""
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

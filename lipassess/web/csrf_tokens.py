"""The CSRF token a page carries: flask-wtf's signed token, signed at most once a minute per session.

flask-wtf signs the session's raw token afresh for every page it serves (a
timestamped HMAC through a new ``URLSafeTimedSerializer``: about 7 % of a
survey page view's CPU, profiled). :func:`csrf_token` gives a page the token
signed for the same raw token, with the same secret, within the last
:data:`REUSE_SECONDS`, and otherwise lets flask-wtf sign a new one. The token
is exactly one flask-wtf made and validates, bound to the session's raw token
as before; its time limit (``WTF_CSRF_TIME_LIMIT``, 12 hours) counts from when
it was signed, so a page served with a reused token has at most a minute less
of it. The signed tokens are kept per process (an LRU of
:data:`REMEMBERED` sessions) and never leave it.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

from lipassess.web.lru import LRU

#: Seconds a signed token is handed out again to pages of the same session.
REUSE_SECONDS = 60.0
#: Sessions whose signed token a process remembers.
REMEMBERED = 8192

_clock = time.monotonic
_SIGNED: LRU[tuple[str, str], tuple[str, float]] = LRU(REMEMBERED)


def csrf_token() -> str:
    """The signed CSRF token for this request's page (see the module docstring)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    if field in g:
        return str(g.get(field))
    secret = str(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
    raw = session.get(field)
    if isinstance(raw, str):
        found = _SIGNED.get((secret, raw))
        if found is not None and 0 <= _clock() - found[1] < REUSE_SECONDS:
            setattr(g, field, found[0])
            return found[0]
    token = str(generate_csrf())
    raw = session.get(field)
    if isinstance(raw, str):
        _SIGNED.put((secret, raw), (token, _clock()))
    return token


def init_app(app: Flask) -> None:
    """Templates' ``csrf_token()`` becomes :func:`csrf_token` (call after ``CSRFProtect.init_app``).

    flask-wtf puts its own in the Jinja globals and in a context processor;
    both are replaced (a later context processor wins).
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

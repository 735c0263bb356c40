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

:func:`protect` checks a POST's token as flask-wtf's ``CSRFProtect.protect``
does (a fresh serializer and an HMAC per POST: about 3 % of a participant's
CPU, profiled), remembering each token it has accepted for a session: the
same token from the same session again (each page's token serves a minute
of a participant's POSTs) is accepted while it is younger than
``WTF_CSRF_TIME_LIMIT``, counted from the time signed into it, exactly as
flask-wtf would judge it. Anything else goes to flask-wtf.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from itsdangerous.encoding import base64_decode, bytes_to_int
from itsdangerous.exc import BadData

from lipassess.web.lru import LRU

#: Seconds a signed token is handed out again to pages of the same session.
REUSE_SECONDS = 60.0
#: Sessions whose signed token a process remembers.
REMEMBERED = 8192

_clock = time.monotonic
_SIGNED: LRU[tuple[str, str], tuple[str, float]] = LRU(REMEMBERED)
#: (secret, session's raw token, signed token) -> the second it was signed (as itsdangerous counts: epoch).
_ACCEPTED: LRU[tuple[str, str, str], int] = LRU(REMEMBERED)
_wall_clock = time.time


def csrf_token() -> str:
    """The signed CSRF token for this request's page (see the module docstring)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    if field in g:
        return str(g.get(field))
    secret = _secret()
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


def protect(csrf: CSRFProtect) -> None:
    """``csrf.protect()`` for this POST, with the tokens it accepted remembered (see the module docstring).

    Only the plain form field is looked up here, as flask-wtf looks first; a
    token elsewhere (a header, a prefixed field), a secure request under
    ``WTF_CSRF_SSL_STRICT`` (its referrer is checked every time) or a token not
    accepted before goes to flask-wtf, which raises ``CSRFError`` when it is wrong.
    """
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    token, raw = request.form.get(field), session.get(field)
    if not (token and isinstance(raw, str) and request.method in config["WTF_CSRF_METHODS"]
            and not (request.is_secure and config["WTF_CSRF_SSL_STRICT"])):
        csrf.protect()
        return
    key = (_secret(), raw, token)
    signed = _ACCEPTED.get(key)
    if signed is not None and _young_enough(signed, config.get("WTF_CSRF_TIME_LIMIT", 3600)):
        g.csrf_valid = True
        return
    csrf.protect()  # raises CSRFError when flask-wtf refuses the token
    if (signed := _signed_at(token)) is not None:
        _ACCEPTED.put(key, signed)


def _secret() -> str:
    """The key flask-wtf signs and checks tokens with (``WTF_CSRF_SECRET_KEY``, else the app's secret key)."""
    return str(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)


def _young_enough(signed: int, time_limit: float | None) -> bool:
    """itsdangerous's age check (``TimestampSigner.unsign``): no limit, or 0 <= age <= the limit in seconds."""
    return time_limit is None or 0 <= int(_wall_clock()) - signed <= time_limit


def _signed_at(token: str) -> int | None:
    """The timestamp an accepted itsdangerous token carries (``payload.timestamp.signature``), None if unreadable."""
    parts = token.rsplit(".", 2)
    if len(parts) != 3:
        return None
    try:
        return bytes_to_int(base64_decode(parts[1]))
    except BadData:
        return None


def init_app(app: Flask) -> None:
    """Templates' ``csrf_token()`` becomes :func:`csrf_token` (call after ``CSRFProtect.init_app``).

    flask-wtf puts its own in the Jinja globals and in a context processor;
    both are replaced (a later context processor wins).
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

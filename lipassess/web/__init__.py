"""Web layer: blueprints and the one table that maps errors to HTTP."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter, Map

csrf = CSRFProtect()

#: A CSRF token lives as long as the browser session, up to this many seconds: a participant
#: may read one survey page on a phone for well over flask-wtf's default hour.
CSRF_TIME_LIMIT_SECONDS = 12 * 3600

#: The largest number a route's ``<int:...>`` takes. Path ids are our own primary keys (32-bit
#: integers on PostgreSQL) or page numbers; anything larger names nothing and must be a 404, not
#: an integer-overflow 500 from the database.
MAX_PATH_ID = 2**31 - 1


class PathIdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter with an upper bound: a larger number does not match the route (404)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_PATH_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_web(app: Flask) -> None:
    """Attach CSRF protection, every blueprint and the error handlers."""
    from lipassess.web import (
        api,
        assets,
        auth,
        compression,
        cookies,
        csrf_tokens,
        errors,
        headers,
        lti,
        main,
        nul_guard,
        raters,
        staff,
        staff_needs,
        survey,
    )

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", CSRF_TIME_LIMIT_SECONDS)
    app.url_map.converters["int"] = PathIdConverter  # before any rule is added
    nul_guard.init_app(app)  # first: no view, CSRF check included, reads a request holding a NUL
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    app.session_interface = cookies.FramedSessionInterface()
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff_needs.bp)
    app.register_blueprint(survey.bp)
    app.register_blueprint(raters.bp)
    csrf.exempt(api.bp)  # read-only, token-authenticated
    app.register_blueprint(api.bp)
    lti.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    headers.init_app(app)


"""Web layer: blueprints and the one table that maps errors to HTTP."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def register_web(app: Flask) -> None:
    """Attach CSRF protection, every blueprint and the error handlers."""
    from lipassess.web import api, auth, cookies, errors, lti, main, staff

    csrf.init_app(app)
    app.session_interface = cookies.FramedSessionInterface()
    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    csrf.exempt(api.bp)  # read-only, token-authenticated
    app.register_blueprint(api.bp)
    lti.init_app(app)
    errors.init_app(app)

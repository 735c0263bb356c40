"""lipassess: survey and impact-evaluation service for training programs run on Moodle."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: configuration, store, CSRF, blueprints, error pages.

    ``test_config`` overrides every other source (see :mod:`lipassess.config`).
    Nothing connects to the database or to Moodle here; the first request does.
    """
    from lipassess import config, db
    from lipassess.logs import configure_logging
    from lipassess.web import register_web
    from lipassess.web.errors import LipassessFlask

    app = LipassessFlask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = config.resolve(Path(app.instance_path), test_config)
    app.config.update(settings)
    # Flask's defaults already hold MAX_CONTENT_LENGTH=None, so setdefault would keep "no limit".
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if settings["ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    configure_logging(settings["LOG_LEVEL"].upper())

    db.init_app(app)
    register_web(app)
    return app

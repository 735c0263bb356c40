"""The REST API under ``/api/v1``: read-only, staff token (or session) auth, JSON errors."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from lipassess.web.api import needs, views  # noqa: E402,F401  (registers the routes)

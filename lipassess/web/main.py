"""The front page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from lipassess.db import get_session

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability for a load balancer."""
    get_session().execute(text("SELECT 1"))
    return jsonify({"status": "ok"})

"""The front page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from lipassess.db import get_session
from lipassess.store.database import ping

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database reachability for a load balancer."""
    ping(get_session())
    return jsonify({"status": "ok"})

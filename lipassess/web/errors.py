"""One table from exceptions to HTTP status; JSON for the API, a page for people.

API errors always have the shape ``{"code", "status", "message", "errors"}``.
A staff page's error is the staff layout in the staff member's language
(:mod:`lipassess.web.staff_errors`); other pages get the plain page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lipassess.errors import (
    Conflict,
    Gone,
    InsufficientData,
    InvalidInput,
    LipassessError,
    NotFound,
    PermissionDenied,
)
from lipassess.web import staff_errors

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[LipassessError], int] = {
    InvalidInput: 400,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    InsufficientData: 422,
}


def status_for(exc: LipassessError) -> int:
    """The HTTP status of a domain error: the most specific entry of the table, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: str, status: int, message: str, errors: dict | None = None) -> Response:
    """The JSON body for the API, the staff error page under ``/staff``, a plain page for other people."""
    if wants_json():
        body = {"code": code, "status": status, "message": message, "errors": errors or {}}
        response = jsonify(body)
        response.status_code = status
        return response
    if staff_errors.is_staff_page():
        return staff_errors.error_page(status, message, errors or {})
    html = render_template("error.html", status=status, message=message, errors=errors or {})
    return Response(html, status=status, mimetype="text/html")


SECRET_VIEW_ARGS = frozenset({"token", "rest"})
"""URL parts that may carry a live personal-link token (``/s/<token>``, ``/s/<path:rest>``)."""


def route_for_log() -> str:
    """The current request as a log may show it: the route pattern, the method, the non-secret URL values.

    ``/s/AbC...`` becomes ``/s/<token> [GET]``: a log line must never hold a live
    link, which would let anyone who reads the logs answer in a participant's name.
    """
    rule = request.url_rule.rule if request.url_rule is not None else "<no matching route>"
    shown = {k: v for k, v in (request.view_args or {}).items() if k not in SECRET_VIEW_ARGS}
    values = f" {shown}" if shown else ""
    return f"{rule} [{request.method}]{values}"


class LipassessFlask(Flask):
    """Flask whose unhandled-exception log names the route, never the raw path (which may hold a token)."""

    def log_exception(self, exc_info: Any) -> None:
        self.logger.error("Exception on %s", route_for_log(), exc_info=exc_info)


def init_app(app: Flask) -> None:
    @app.errorhandler(LipassessError)
    def _domain_error(exc: LipassessError) -> Response:
        status = status_for(exc)
        if status >= 500:
            log.error("unexpected domain error: %s", exc)
        return error_response(exc.code, status, exc.message, exc.errors)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> Response:
        return error_response(
            "csrf_failed", 400,
            "This form has expired or was not sent from this site. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(code, status, exc.description or exc.name)
        for name, value in exc.get_headers():  # a 405's Allow, a 401's WWW-Authenticate, ...
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

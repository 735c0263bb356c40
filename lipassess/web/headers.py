"""Security and caching headers on every answer of the app: one ``after_request`` hook, registered once.

* ``Content-Security-Policy``: every page may be framed by no one
  (``frame-ancestors 'none'``) except the pages Moodle shows in its iframe, the
  LTI and survey pages, which the registered platforms' sites may frame. The
  survey pages also get their full policy (own styles, fonts, images and script
  only, forms and the script's requests posted only here).
* ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy`` everywhere (no
  referrer at all from a personal link ``/s/<token>`` or rater link ``/r/<token>``, which must not leak).
* ``Cache-Control: no-store`` on every answer but the static files and the
  favicon (their own caching: :mod:`lipassess.web.assets`) and the tool's
  public key set: pages, PDFs, CSVs and API JSON carry personal or per-cohort
  data, and a shared or back-button cache must not keep them.
* ``Strict-Transport-Security`` in production.

The platforms' origins come from the store and are cached for
:data:`ORIGINS_TTL_SECONDS` per process; a registration made in this process is
seen at once (:func:`forget_platform_origins`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from lipassess import db
from lipassess.services.lti_setup import platform_origins

log = logging.getLogger(__name__)

EXTENSION = "lipassess.frame_ancestors"
ORIGINS_TTL_SECONDS = 60.0
#: Blueprints whose pages Moodle shows in its iframe (the LTI landing pages lead to the survey; the
#: receipt page's nomination of raters posts to the raters blueprint).
FRAMED_BLUEPRINTS = frozenset({"lti", "survey", "raters"})
#: Blueprints of the survey's own pages (the participant's and the rater's), under the strict policy.
SURVEY_BLUEPRINTS = frozenset({"survey", "raters"})
#: Endpoints that keep their own caching: nothing personal in them.
PUBLIC_ENDPOINTS = frozenset({"static", "favicon", "lti.jwks"})
SURVEY_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                 "font-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'")
BASE_POLICY = "base-uri 'none'"
HSTS = "max-age=31536000"


class FrameAncestors:
    """The ``frame-ancestors`` sources of the framed pages: the registered platforms' origins, cached."""

    def __init__(self, load: Callable[[], tuple[str, ...]], *, ttl: float = ORIGINS_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._load, self._ttl, self._clock = load, ttl, clock
        self._lock = threading.Lock()
        self._origins: tuple[str, ...] = ()
        self._loaded_at: float | None = None

    def sources(self) -> str:
        """``'none'`` when no platform is registered (or the store cannot say), else the origins."""
        with self._lock:
            now = self._clock()
            if self._loaded_at is None or now - self._loaded_at >= self._ttl:
                try:
                    self._origins = self._load()
                except Exception:  # the headers must never turn an answer into a 500: frame nothing
                    log.exception("registered LTI platforms could not be read; no site may frame the pages")
                    self._origins = ()
                self._loaded_at = now
            origins = self._origins
        return " ".join(origins) if origins else "'none'"

    def forget(self) -> None:
        """Read the platforms again on the next request (a platform was just registered)."""
        with self._lock:
            self._loaded_at = None


def _origins_of(app: Flask) -> Callable[[], tuple[str, ...]]:
    def load() -> tuple[str, ...]:
        with db.session_factory(app)() as session:  # its own session: the request's may have failed
            return platform_origins(session)
    return load


def frame_ancestors() -> FrameAncestors:
    return current_app.extensions[EXTENSION]


def forget_platform_origins() -> None:
    """A platform was registered or removed in this process: let the framed pages' policy follow at once."""
    frame_ancestors().forget()


def content_security_policy() -> str:
    """The policy of the current request's page (see the module docstring)."""
    if request.blueprint in FRAMED_BLUEPRINTS:
        base = SURVEY_POLICY if request.blueprint in SURVEY_BLUEPRINTS else BASE_POLICY
        return f"{base}; frame-ancestors {frame_ancestors().sources()}"
    return f"{BASE_POLICY}; frame-ancestors 'none'"


def _secure_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer" if request.path.startswith(("/s/", "/r/")) else "same-origin"
    if request.endpoint not in PUBLIC_ENDPOINTS:
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("ENV") == "production":
        headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    """Register the hook and the per-process cache of the platforms' origins."""
    app.extensions[EXTENSION] = FrameAncestors(_origins_of(app))
    app.after_request(_secure_headers)

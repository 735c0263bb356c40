"""Who is asking: staff sign-in (password or API token), LTI instructors, role checks.

A request is served for one :class:`Principal`. Staff sign in with a password
(session cookie) or send ``Authorization: Bearer <token>`` to the API. An LTI
instructor or administrator launch signs in an evaluator limited to that
launch's cohort. Participants are never principals: survey pages identify them
by their personal link or LTI launch instead.

Sessions live in the store (:mod:`lipassess.services.staff_sessions`): the
cookie holds a random key only, so logout and account changes end them
everywhere, and they expire after ``SESSION_IDLE_HOURS`` without use or
``SESSION_MAX_HOURS`` after sign-in. Failed passwords are throttled per
account and per client address (:mod:`lipassess.services.sign_in_throttle`).

Roles:

* ``admin``: everything, including names and emails in exports;
* ``evaluator``: every analysis and pseudonymous per-participant data
  (on every cohort, or on one cohort for an LTI instructor);
* ``manager``: aggregates only; subgroups under the minimum size suppressed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from lipassess.db import commit, get_session
from lipassess.errors import PermissionDenied
from lipassess.services import sign_in_throttle as throttle
from lipassess.services import staff as staff_service
from lipassess.services import staff_sessions
from lipassess.store.models import StaffRole
from lipassess.store.types import utcnow
from lipassess.web import staff_lang
from lipassess.web.redirects import has_line_break, same_site_path

bp = Blueprint("auth", __name__, url_prefix="/staff")
staff_lang.install(bp)  # the sign-in page speaks the staff pages' language
log = logging.getLogger("lipassess.auth")

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "staff_session"
"""The session cookie's entry holding the key of the store's :class:`~lipassess.store.models.StaffSession`."""
_OLD_SESSION_ENTRIES = ("staff_user_id", "lti_staff")  # cookies signed before sessions lived in the store


@dataclass(frozen=True, slots=True)
class Principal:
    """The staff member a request acts for; ``cohort_ids`` None means every cohort."""

    name: str
    role: StaffRole
    user_id: int | None = None
    cohort_ids: frozenset[int] | None = None
    via: str = "password"  # password, token, lti

    def can_see_cohort(self, cohort_id: int) -> bool:
        return self.cohort_ids is None or cohort_id in self.cohort_ids

    @property
    def sees_individuals(self) -> bool:
        """Evaluators and admins see per-participant (pseudonymous) data; managers do not."""
        return self.role in (StaffRole.ADMIN, StaffRole.EVALUATOR)


def _lifetime() -> staff_sessions.SessionLifetime:
    return staff_sessions.SessionLifetime(idle=timedelta(hours=int(current_app.config["SESSION_IDLE_HOURS"])),
                                          maximum=timedelta(hours=int(current_app.config["SESSION_MAX_HOURS"])))


def _forget_session_cookie() -> None:
    for entry in (SESSION_KEY, *_OLD_SESSION_ENTRIES):
        session.pop(entry, None)


def login_lti_staff(*, cohort_id: int, display_name: str, moodle_user_id: int) -> Principal:
    """Sign in an LTI instructor/administrator as evaluator of ``cohort_id`` only."""
    _forget_session_cookie()
    session.pop("participant_id", None)
    session[SESSION_KEY] = staff_sessions.open_lti_session(
        get_session(), moodle_user_id=int(moodle_user_id), cohort_id=int(cohort_id), display_name=display_name,
        now=utcnow())
    g.pop("principal", None)
    return _principal_from_session()  # type: ignore[return-value]


def login_staff_user(user_id: int) -> None:
    """Start a new session for ``user_id`` (the browser's previous one, if any, ends)."""
    db = get_session()
    staff_sessions.end_session(db, session.get(SESSION_KEY), now=utcnow())
    session.clear()
    session[SESSION_KEY] = staff_sessions.open_staff_session(db, staff_user_id=user_id, now=utcnow())


def logout() -> None:
    """End this browser's session and every other session of the same person."""
    staff_sessions.end_session(get_session(), session.get(SESSION_KEY), now=utcnow())
    _forget_session_cookie()


def end_lti_staff_sessions(*, moodle_user_id: int, cohort_id: int) -> None:
    """Moodle launched this person into ``cohort_id`` as a learner: end their instructor sessions there."""
    staff_sessions.revoke_lti_sessions(get_session(), int(moodle_user_id), cohort_id=int(cohort_id), now=utcnow())


def _principal_from_token() -> Principal | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = staff_service.user_for_token(get_session(), token.strip(), now=utcnow())
    if user is None:
        return None
    return Principal(name=user.username, role=user.role, user_id=user.id, via="token")


def _principal_from_session() -> Principal | None:
    key = session.get(SESSION_KEY)
    if key is None:
        return None
    db = get_session()
    record = staff_sessions.live_session(db, key, lifetime=_lifetime(), now=utcnow())
    if record is not None and record.staff_user_id is not None:
        user = staff_service.active_user(db, record.staff_user_id)
        if user is not None:
            return Principal(name=user.username, role=user.role, user_id=user.id)
    elif record is not None and record.lti_cohort_id is not None:
        return Principal(name=record.display_name or "", role=StaffRole.EVALUATOR,
                         cohort_ids=frozenset({record.lti_cohort_id}), via="lti")
    _forget_session_cookie()
    return None


def lti_staff_cohort_id() -> int | None:
    """The cohort of this request's live LTI instructor session, else None."""
    principal = current_principal()
    if principal is None or principal.via != "lti" or not principal.cohort_ids:
        return None
    return next(iter(principal.cohort_ids))


def current_principal() -> Principal | None:
    """The principal of this request (token first, then the session), cached on ``g``."""
    if "principal" not in g:
        g.principal = _principal_from_token() or _principal_from_session()
    return g.principal


def staff_required(*roles: StaffRole, api: bool = False) -> Callable[[F], F]:
    """Allow only signed-in staff with one of ``roles`` (any role when none given).

    Pages redirect anonymous visitors to the sign-in page; API routes (``api=True``)
    answer 401 JSON. A signed-in principal without the role gets 403.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                if api or request.path.startswith("/api/"):
                    from lipassess.web.errors import error_response

                    return error_response("unauthorized", 401,
                                          "Send 'Authorization: Bearer <token>' with a staff API token.")
                return redirect(url_for("auth.login", next=request.full_path))
            if roles and principal.role not in roles and principal.role is not StaffRole.ADMIN:
                raise PermissionDenied("Your role does not give access to this page.")
            cohort_id = kwargs.get("cohort_id")
            if cohort_id is not None and not principal.can_see_cohort(int(cohort_id)):
                raise PermissionDenied("You have access to another cohort only.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


#: Where a signed-in role lands when the sign-in link named no page: managers read summaries.
LANDING = {StaffRole.MANAGER: "staff.program_summary"}
DEFAULT_LANDING = "staff.index"


def _landing(role: StaffRole) -> str:
    endpoint = LANDING.get(role, DEFAULT_LANDING)
    return url_for(endpoint) if endpoint in current_app.view_functions else url_for("main.index")


def _safe_next(target: str | None, role: StaffRole) -> str:
    return same_site_path(target) or _landing(role)


def client_address() -> str:
    """The client's address: the connecting one, or the one the trusted proxies put in ``X-Forwarded-For``."""
    proxies = int(current_app.config.get("TRUSTED_PROXIES", 0))
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.remote_addr or "unknown"


def _throttle_policy() -> throttle.ThrottlePolicy:
    config = current_app.config
    return throttle.ThrottlePolicy(max_failures=int(config["SIGN_IN_MAX_FAILURES"]),
                                   max_failures_per_address=int(config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]),
                                   lock=timedelta(minutes=int(config["SIGN_IN_LOCK_MINUTES"])))


def _locked_page(lock: throttle.Lock, seconds: float) -> Response:
    minutes = max(1, math.ceil(seconds / 60))
    error = staff_lang.page_text("login.throttled", minutes=staff_lang.number(minutes))
    response = Response(render_template("auth/login.html", error=error), status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """The sign-in form; a successful sign-in goes to ``next`` when that is a page of this site."""
    target = request.args.get("next")
    if has_line_break(target):
        raise BadRequest("The address to go to after sign-in holds a line break.")
    error = None
    if request.method == "POST":
        username, password = request.form.get("username", ""), request.form.get("password", "")
        if not username or not password:  # no guess to count or check
            return render_template("auth/login.html", error=staff_lang.page_text("login.wrong")), 401  # type: ignore[return-value]
        address, now, db = client_address(), utcnow(), get_session()
        lock = throttle.current_lock(db, username=username, address=address, now=now)
        if lock is not None:
            log.warning("sign-in refused: %s %r locked until %s", lock.scope, lock.key, lock.until.isoformat())
            return _locked_page(lock, (lock.until - now).total_seconds())
        user = staff_service.authenticate(db, username, password)
        if user is not None:
            throttle.record_success(db, username=username)
            login_staff_user(user.id)
            log.info("staff %s signed in from %s", user.username, address)
            return redirect(_safe_next(target, user.role))
        for started in throttle.record_failure(db, username=username, address=address,
                                               policy=_throttle_policy(), now=now):
            log.warning("sign-in locked: %s %r after too many failed passwords (last from %s), until %s",
                        started.scope, started.key, address, started.until.isoformat())
        commit()  # the failure must count although the answer is a 401
        error = staff_lang.page_text("login.wrong")
    status = 401 if error else 200
    return render_template("auth/login.html", error=error), status  # type: ignore[return-value]


@bp.post("/logout")
def logout_view() -> Response:
    logout()
    return redirect(url_for("auth.login"))

"""Who is asking: staff sign-in (password or API token), LTI instructors, role checks.

A request is served for one :class:`Principal`. Staff sign in with a password
(session cookie) or send ``Authorization: Bearer <token>`` to the API. An LTI
instructor or administrator launch signs in an evaluator limited to that
launch's cohort. Participants are never principals: survey pages identify them
by their personal link or LTI launch instead.

Roles:

* ``admin``: everything, including names and emails in exports;
* ``evaluator``: every analysis and pseudonymous per-participant data
  (on every cohort, or on one cohort for an LTI instructor);
* ``manager``: aggregates only; subgroups under the minimum size suppressed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from lipassess.db import get_session
from lipassess.errors import PermissionDenied
from lipassess.services import staff as staff_service
from lipassess.store.models import StaffRole

bp = Blueprint("auth", __name__, url_prefix="/staff")

F = TypeVar("F", bound=Callable[..., Any])

SESSION_STAFF_ID = "staff_user_id"
SESSION_LTI_STAFF = "lti_staff"


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


def login_lti_staff(*, cohort_id: int, display_name: str, moodle_user_id: int) -> Principal:
    """Sign in an LTI instructor/administrator as evaluator of ``cohort_id`` only."""
    session.pop(SESSION_STAFF_ID, None)
    session.pop("participant_id", None)
    session[SESSION_LTI_STAFF] = {
        "cohort_id": int(cohort_id), "name": display_name, "moodle_user_id": int(moodle_user_id)
    }
    return _principal_from_session()  # type: ignore[return-value]


def login_staff_user(user_id: int) -> None:
    session.clear()
    session[SESSION_STAFF_ID] = user_id


def logout() -> None:
    session.pop(SESSION_STAFF_ID, None)
    session.pop(SESSION_LTI_STAFF, None)


def _principal_from_token() -> Principal | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = staff_service.user_for_token(get_session(), token.strip())
    if user is None:
        return None
    return Principal(name=user.username, role=user.role, user_id=user.id, via="token")


def _principal_from_session() -> Principal | None:
    user_id = session.get(SESSION_STAFF_ID)
    if user_id is not None:
        user = staff_service.active_user(get_session(), user_id)
        if user is None:
            session.pop(SESSION_STAFF_ID, None)
            return None
        return Principal(name=user.username, role=user.role, user_id=user.id)
    lti = session.get(SESSION_LTI_STAFF)
    if lti:
        return Principal(name=lti["name"], role=StaffRole.EVALUATOR,
                         cohort_ids=frozenset({lti["cohort_id"]}), via="lti")
    return None


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
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return _landing(role)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    error = None
    if request.method == "POST":
        user = staff_service.authenticate(
            get_session(), request.form.get("username", ""), request.form.get("password", "")
        )
        if user is not None:
            login_staff_user(user.id)
            return redirect(_safe_next(request.args.get("next"), user.role))
        error = "Wrong username or password."
    status = 401 if error else 200
    return render_template("auth/login.html", error=error), status  # type: ignore[return-value]


@bp.post("/logout")
def logout_view() -> Response:
    logout()
    return redirect(url_for("auth.login"))

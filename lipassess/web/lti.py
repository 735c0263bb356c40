"""LTI 1.3 endpoints: login initiation, launch, the tool's keys, deep linking, dynamic registration.

``/lti/login`` and ``/lti/launch`` receive cross-site form posts from Moodle and
are authenticated by the signed id_token, not by a CSRF token, so they are
exempt from CSRF protection. The state and nonce chosen at login are kept by
:mod:`lipassess.web.lti_state` (a few signed cookies, oldest dropped); the
launch must come back with that state and that nonce.

Every rejected login or launch gets the same page, which tells an attacker
nothing; the reason goes to the ``lipassess.lti`` log.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests
from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from lipassess.db import commit, get_session, rollback
from lipassess.errors import ConfigurationError, PermissionDenied
from lipassess.services import lti as lti_service
from lipassess.services.lti import (
    JwksCache,
    LaunchRejected,
    LoginRejected,
    RejectReason,
    ValidatedLaunch,
)
from lipassess.store.models import WaveKind
from lipassess.store.types import utcnow
from lipassess.text import text as catalogue_text
from lipassess.vocabulary import format_date
from lipassess.web import csrf
from lipassess.web.auth import end_lti_staff_sessions, login_lti_staff, lti_staff_cohort_id
from lipassess.web.headers import forget_platform_origins
from lipassess.web.lti_state import binding_for, forget, remember

bp = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger("lipassess.lti")

EXTENSION = "lipassess.lti"
REJECTED_MESSAGE = ("This activity could not be opened. Go back to your Moodle course and open it again; "
                    "if it keeps failing, open it in a new window.")
DEEP_LINK_SESSION = "lti_deep_link"
SITE_TIMEZONE = ZoneInfo("Asia/Phnom_Penh")  # the Moodle site's and the participants' time zone
SURVEY_ENDPOINT = "survey.wave_form"
STAFF_ENDPOINT = "staff.cohort"


def init_app(app: Flask) -> None:
    """Register the blueprint and the per-process platform key cache and HTTP session."""
    http = requests.Session()
    app.extensions[EXTENSION] = {"http": http, "jwks": JwksCache(http)}
    app.add_template_filter(phnom_penh_date, "phnom_penh_date")
    app.add_template_global(catalogue_text, "catalogue_text")
    app.register_blueprint(bp)


def phnom_penh_date(moment: datetime | None, lang: str = "en") -> str:
    """The day of ``moment`` in Cambodian time, written in full as the summaries and messages write it."""
    if moment is None:
        return ""
    return format_date(moment.astimezone(SITE_TIMEZONE).date(), lang)


def _http() -> requests.Session:
    return current_app.extensions[EXTENSION]["http"]


def _keys() -> JwksCache:
    return current_app.extensions[EXTENSION]["jwks"]


def _base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def _rejected(stage: str, exc: LaunchRejected) -> tuple[str, int]:
    log.warning("LTI %s rejected: %s (%s) from %s", stage, exc.reason.value, exc.detail, request.remote_addr)
    status = 503 if exc.reason is RejectReason.KEYS_UNAVAILABLE else 400
    return render_template("error.html", status=status, message=REJECTED_MESSAGE, errors={}), status


# --- login -----------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Response | tuple[str, int]:
    """OIDC third-party login initiation: answer with the redirect to the platform's auth URL."""
    params = {name: request.values.get(name) for name in
              ("iss", "login_hint", "target_link_uri", "client_id", "lti_deployment_id", "lti_message_hint")}
    try:
        auth_url, binding = lti_service.start_login(get_session(), {k: v for k, v in params.items() if v is not None},
                                                    tool_base_url=_base_url())
    except LoginRejected as exc:
        rollback()
        return _rejected("login", exc)
    response = redirect(auth_url, code=302)
    remember(response, binding)
    return response


# --- launch ----------------------------------------------------------------------------------


@bp.post("/launch")
@csrf.exempt
def launch() -> Response | tuple[str, int]:
    """The platform posts the signed id_token here; verify it, then route by role."""
    state = request.form.get("state", "")
    if request.form.get("error"):
        return _rejected("launch", LaunchRejected(
            RejectReason.MALFORMED, f"platform answered error={request.form.get('error')!r} "
                                    f"({request.form.get('error_description', '')})"))
    db = get_session()
    now = utcnow()
    try:
        binding = binding_for(state)
        verified = lti_service.verify_launch(db, request.form.get("id_token", ""), binding=binding, keys=_keys(),
                                             now=now, leeway=int(current_app.config.get("LTI_CLOCK_SKEW", 60)))
        # A verified launch starts a new identity in this browser, whatever it leads to.
        session.clear()
        result = lti_service.resolve_launch(db, verified, now=now)
    except LaunchRejected as exc:
        rollback()
        return _rejected("launch", exc)
    if result.role == "staff":
        response = _staff_landing(result, verified)
    else:  # a role change in Moodle ends the instructor's sessions in every browser
        end_lti_staff_sessions(moodle_user_id=result.moodle_user_id, cohort_id=result.cohort.id)
        response = _learner_landing(result, verified)
    return forget(response, state)


def _learner_landing(result: lti_service.LaunchResult, verified: ValidatedLaunch) -> Response:
    claims = verified.claims
    participant, choice = result.participant, result.choice
    if participant is None or choice is None:  # resolve_launch sets both for every learner
        raise RuntimeError("a learner's launch result has no participant or wave choice")
    session["participant_id"] = participant.id
    session["lti"] = {
        "platform_id": verified.platform.key,
        "deployment_id": claims.deployment_id,
        "resource_link_id": claims.resource_link.id if claims.resource_link else None,
        "cohort_id": result.cohort.id,
        "wave_id": choice.wave.id if choice.wave else None,
        "language": result.language,
        "return_url": claims.return_url,
        "document_target": claims.document_target,
    }
    if choice.wave is not None and SURVEY_ENDPOINT in current_app.view_functions:
        return redirect(url_for(SURVEY_ENDPOINT, wave_id=choice.wave.id))
    template = "lti/open_wave.html" if choice.wave is not None else "lti/no_wave.html"
    return _page(template, result=result, choice=choice, cohort=result.cohort, lang=result.language or "km",
                 return_url=claims.return_url)


def _staff_landing(result: lti_service.LaunchResult, verified: ValidatedLaunch) -> Response:
    login_lti_staff(cohort_id=result.cohort.id, display_name=result.display_name,
                    moodle_user_id=result.moodle_user_id)
    claims = verified.claims
    if claims.is_deep_linking:
        if claims.deep_linking is None:  # validate_launch refuses a deep-linking request without them
            raise LaunchRejected(RejectReason.MISSING_CLAIM, "deep_linking_settings")
        session[DEEP_LINK_SESSION] = {
            "platform_id": verified.platform.key,
            "deployment_id": claims.deployment_id,
            "cohort_id": result.cohort.id,
            "settings": claims.deep_linking.to_dict(),
        }
        return redirect(url_for("lti.deep_link"))
    if STAFF_ENDPOINT not in current_app.view_functions:
        return _page("lti/staff.html", result=result, cohort=result.cohort, lang="en", dashboard=None)
    dashboard = url_for(STAFF_ENDPOINT, cohort_id=result.cohort.id)
    if request.headers.get("Sec-Fetch-Dest") == "iframe":
        # Staff pages refuse to be framed (frame-ancestors 'none'); inside Moodle's frame, offer a new window.
        return _page("lti/staff.html", result=result, cohort=result.cohort, lang="en", dashboard=dashboard)
    return redirect(dashboard)


def _page(template: str, **context: Any) -> Response:
    return Response(render_template(template, **context), status=200, mimetype="text/html")


# --- deep linking ----------------------------------------------------------------------------


def _deep_link_context() -> dict[str, Any]:
    context = session.get(DEEP_LINK_SESSION)
    if not context or context.get("cohort_id") is None or lti_staff_cohort_id() != context.get("cohort_id"):
        raise PermissionDenied("Open 'Select content' for lipassess from your Moodle course first.")
    return context


@bp.get("/deep-link")
def deep_link() -> str:
    """The teacher picks which waves to place as activities in the course."""
    context = _deep_link_context()
    cohort, waves = lti_service.deep_linking_waves(get_session(), context["cohort_id"])
    multiple = lti_service.DeepLinkingSettings.from_dict(context["settings"]).accept_multiple
    return render_template("lti/deep_link.html", cohort=cohort, choices=lti_service.DEEP_LINK_TITLES, waves=waves,
                           multiple=multiple, lang="en")


@bp.post("/deep-link")
def deep_link_submit() -> Response:
    """Sign the chosen items and post them back to Moodle (auto-submitted form)."""
    context = _deep_link_context()
    offered = {kind.value for kind in lti_service.DEEP_LINK_TITLES}
    kinds = [WaveKind(value) for value in request.form.getlist("wave") if value in offered]
    return_url, token = lti_service.deep_linking_answer(
        get_session(), platform_id=context["platform_id"], deployment_id=context["deployment_id"],
        settings=context["settings"], kinds=kinds, tool_base_url=_base_url())
    session.pop(DEEP_LINK_SESSION, None)
    return _page("lti/deep_link_return.html", return_url=return_url, jwt=token, lang="en")


# --- keys and registration -------------------------------------------------------------------


@bp.get("/jwks")
def jwks() -> Response:
    """The tool's public keys (every active key; the newest signs)."""
    response = jsonify(lti_service.tool_jwks(get_session()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/register")
def register() -> str | tuple[str, int]:
    """Dynamic registration: Moodle opens this URL with ``openid_configuration`` and ``registration_token``."""
    configuration_url = request.args.get("openid_configuration")
    if not configuration_url:
        return render_template("lti/register_info.html", register_url=_base_url() + "/lti/register",
                               base_url=_base_url(), lang="en")
    try:
        platform = lti_service.register_dynamically(
            get_session(), openid_configuration_url=configuration_url,
            registration_token=request.args.get("registration_token"), tool_base_url=_base_url(),
            moodle_url=current_app.config.get("MOODLE_URL"), http=_http())
    except ConfigurationError as exc:  # no Moodle site configured: lipassess accepts no registration
        rollback()
        log.warning("LTI registration refused: %s", exc.message)
        return render_template("error.html", status=403, message=exc.message, errors={}), 403
    log.info("LTI tool registered with %s (client id %s)", platform.issuer, platform.client_id)
    commit()  # before the framing policy reads the platforms again, on its own connection
    forget_platform_origins()  # Moodle frames the tool's pages from now on
    return render_template("lti/register_done.html", platform=platform, lang="en")

"""Observer raters on the web: the rater's personal link and form, and nomination by the participant.

* ``/r/<token>`` (a rater's personal link, :mod:`lipassess.services.raters.links`)
  checks the token exactly as ``/s/<token>`` does for participants (the same
  404 for unknown, altered and replaced tokens; 410 for expired and withdrawn
  ones), binds the rater to the session and answers ``303`` to ``/rate``, so
  the token leaves the address bar. The rater is checked again on every
  request: withdrawing the link ends the session's access.
* ``/rate`` shows the observation form (one page) and takes the one
  submission; a second submission is refused (409) and changes nothing.
* ``/survey/wave/<id>/raters`` takes the participant's nominations from their
  receipt page (the participant's own session, after they submitted). The
  participant never sees any rater's answers.

POSTs are ordinary forms with the CSRF token, as on the survey pages (the
survey blueprint's ``before_request`` rules are applied here too), and errors
render the survey's error page in the visitor's language.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for
from flask import session as cookie
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from lipassess.db import get_session
from lipassess.errors import LipassessError, PermissionDenied
from lipassess.services import links
from lipassess.services import surveys as service
from lipassess.services.links import LinkInvalid
from lipassess.services.raters import links as rater_links
from lipassess.services.raters.roster import nominate_raters
from lipassess.services.raters.survey import rater_form, submit_rating
from lipassess.store.models import Participant, Wave
from lipassess.store.rater_models import RELATIONS, Rater
from lipassess.store.types import utcnow
from lipassess.vocabulary import LANGUAGES
from lipassess.web import csrf
from lipassess.web import survey as survey_web
from lipassess.web.survey_items import options

bp = Blueprint("raters", __name__)
csrf.exempt(bp)  # checked in the survey's own guard, after the content-type check
bp.before_request(survey_web._guard)  # one rule for every survey-side POST: form body, CSRF, ?lang=
bp.register_error_handler(LipassessError, survey_web._domain_error)
bp.register_error_handler(CSRFError, survey_web._csrf_error)
bp.register_error_handler(HTTPException, survey_web._http_error)

SESSION_RATER = "rater_id"
NOMINATION_ROWS = 3


class NoRater(PermissionDenied):
    """The session holds no rater (the personal link was not opened in this browser)."""

    code = "no_participant"

    def __init__(self) -> None:
        super().__init__("Open the form from the personal link in your e-mail.")


def _rater() -> Rater:
    rater_id = cookie.get(SESSION_RATER)
    if not isinstance(rater_id, int):
        raise NoRater()
    rater = get_session().get(Rater, rater_id, populate_existing=True)
    if rater is None:
        raise LinkInvalid()
    if rater.revoked_at is not None:
        raise rater_links.LinkRevoked()
    person = get_session().get(Participant, rater.participant_id)
    if person is None or person.withdrawn_at is not None:
        raise rater_links.LinkRevoked()
    return rater


def _lang(rater: Rater | None = None) -> str:
    chosen = cookie.get(survey_web.SESSION_LANG)
    if chosen in LANGUAGES:
        return str(chosen)
    return rater.language if rater is not None and rater.language in LANGUAGES else "km"


@bp.get("/r/<token>")
def link(token: str) -> Response:
    """A rater's personal link: bind the rater, then go to the clean URL."""
    rater = rater_links.resolve_rater_link(get_session(), token, utcnow())
    if cookie.get(SESSION_RATER) != rater.id:
        cookie.pop(survey_web.SESSION_LANG, None)
    cookie[SESSION_RATER] = rater.id
    return redirect(url_for(".form"), 303)


@bp.route("/r/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str) -> Response:
    """Anything else under ``/r/`` is an invalid link (one answer for all)."""
    raise LinkInvalid()


def _answers() -> dict[str, Any]:
    return {k: v for k, v in request.form.items() if k.startswith("a.")}


@bp.route("/rate", methods=["GET", "POST"])
def form() -> tuple[str, int]:
    """The observation form, or the thank-you page once submitted."""
    rater = _rater()
    lang = _lang(rater)
    session = get_session()
    view = rater_form(session, rater, language=lang)
    if view.submitted:
        return survey_web._render("survey/rater_thanks.html", view=view, lang=lang)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _answers()
        try:
            submit_rating(session, rater, values, consent=request.form.get("consent") == "yes", now=utcnow())
        except (service.AnswersRejected, service.AnswersIncomplete) as exc:
            session.rollback()
            numbers = {key: n for n, key in enumerate(view.layout.pages[0].keys, start=1)}
            errors = {k: survey_web.item_error(p, lang, number=numbers.get(k)) for k, p in exc.errors.items()}
            return survey_web._render("survey/rater_form.html", 422, view=view, values=values, errors=errors,
                                      options=options, missing_consent=False, lang=lang)
        except service.ConsentRequired:
            session.rollback()
            return survey_web._render("survey/rater_form.html", 400, view=view, values=values, errors={},
                                      options=options, missing_consent=True, lang=lang)
        return survey_web._render("survey/rater_thanks.html", view=rater_form(session, rater, language=lang),
                                  lang=lang)
    return survey_web._render("survey/rater_form.html", view=view, values=values, errors=errors,
                              options=options, missing_consent=False, lang=lang)


@bp.post("/survey/wave/<int:wave_id>/raters")
def nominate(wave_id: int) -> tuple[str, int]:
    """The participant names people who see them at work (from the receipt page)."""
    participant_id = survey_web._participant_id()
    session = get_session()
    invitation_id = survey_web._link_invitation(wave_id)  # a link session must hold this wave's live link
    if invitation_id is not None and links.live_invitation(session, invitation_id, participant_id=participant_id,
                                                           wave_id=wave_id) is None:
        raise service.SurveyUnavailable()
    service.receipt_for(session, participant_id=participant_id, wave_id=wave_id)  # submitted first
    wave = session.get(Wave, wave_id)
    participant = session.get(Participant, participant_id)
    assert wave is not None and participant is not None
    entries = [{field: request.form.get(f"{field}_{i}") for field in ("name", "email", "phone", "relation")}
               for i in range(NOMINATION_ROWS)]
    lang = survey_web._lang()
    try:
        report = nominate_raters(session, participant=participant, wave=wave, entries=entries, now=utcnow())
    except LipassessError as exc:
        session.rollback()
        return survey_web._render("survey/rater_nominated.html", 422, wave_id=wave_id, count=0,
                                  problem=exc.message, entries=entries, relations=RELATIONS, lang=lang)
    return survey_web._render("survey/rater_nominated.html", wave_id=wave_id, count=report.created,
                              problem=None, entries=entries, relations=RELATIONS, lang=lang)

"""The participant's survey pages: personal links, consent, paginated form, review, receipt.

Who is answering comes from the Flask session, never from the URL:

* ``/s/<token>`` (a personal link) checks the token, binds that participant and
  that one wave to the session and answers ``303`` to the clean URL
  ``/survey/wave/<id>``, so the token leaves the address bar and history after
  the first request and is never sent as a referrer (``Referrer-Policy:
  no-referrer``). A session opened by a link reaches only the waves of the links
  opened in it; the invitation is checked again on every request, so revoking it
  ends the session's access (its expiry only limits opening the link: a
  participant who opened it in time may finish).
* an LTI launch (``lipassess.web.lti``) clears the session, sets
  ``participant_id`` and redirects to ``survey.wave_form``; a session without a
  ``survey_via`` marker is such an LTI session (:func:`bind_participant` with
  ``via="lti"`` does the same explicitly) and reaches every wave of the cohorts
  the participant is enrolled in.

Pages, in order: consent and purpose statement (``wave_form``), the
instruments' items in pages of at most ten (``page``), a review of every answer
with a submit button (``review``), the receipt (``receipt``). Every page POST
saves the draft; the page's script (``static/survey.js``, an enhancement: every
page works without it) also sends each answer as it is chosen (``save_answers``)
and keeps unsent ones on the device. Every POST must be an ordinary form
(``application/x-www-form-urlencoded``, else 415) carrying the CSRF token.
Errors render a page in the participant's language (both languages when the
participant is not known yet) with the HTTP status.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_wtf.csrf import CSRFError
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed, NotFound, UnsupportedMediaType
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from lipassess import db
from lipassess.db import get_session
from lipassess.errors import LipassessError, PermissionDenied
from lipassess.services import links
from lipassess.services import surveys as service
from lipassess.store.models import Participant
from lipassess.store.types import utcnow
from lipassess.vocabulary import LANGUAGE_NAMES, LANGUAGES
from lipassess.web import csrf, csrf_tokens, page_shell
from lipassess.web.csrf_tokens import csrf_token
from lipassess.web.errors import status_for
from lipassess.web.survey_items import answer_rows, question_html
from lipassess.web.survey_text import CAMBODIA, error_page, item_error, local_time, ui
from lipassess.web.survey_text import number as numeral

bp = Blueprint("survey", __name__)
# CSRF is checked in this blueprint's own before_request, after the content-type check,
# so a JSON body gets "415: send the form" rather than a confusing CSRF message.
csrf.exempt(bp)

SESSION_PARTICIPANT = "participant_id"
SESSION_VIA = "survey_via"
SESSION_LINKS = "survey_links"
SESSION_LANG = "survey_lang"
FORM_MIMETYPE = "application/x-www-form-urlencoded"


class NoParticipant(PermissionDenied):
    """The session names no participant (no link opened, no LTI launch)."""

    code = "no_participant"

    def __init__(self) -> None:
        super().__init__("Open the survey from your Moodle course page or from the personal link in your message.")


def bind_participant(participant_id: int, *, via: str = "lti", wave_id: int | None = None,
                     invitation_id: int | None = None) -> None:
    """Make the session answer as ``participant_id``.

    ``via="lti"`` (an LTI launch) gives access to every wave of the participant's
    cohorts and drops any link grants. ``via="link"`` adds one wave and its
    invitation; a different participant's grants are dropped first (shared
    phone), an LTI session of the same participant stays an LTI session.
    """
    if via not in ("lti", "link"):
        raise ValueError(f"via must be 'lti' or 'link' (got {via!r})")
    same = cookie.get(SESSION_PARTICIPANT) == participant_id
    if via == "lti":
        cookie.pop(SESSION_LINKS, None)
        cookie[SESSION_VIA] = "lti"
    else:
        if wave_id is None or invitation_id is None:
            raise ValueError("a link binding needs wave_id and invitation_id")
        grants = dict(cookie.get(SESSION_LINKS) or {}) if same else {}
        grants[str(wave_id)] = invitation_id
        cookie[SESSION_LINKS] = grants
        if not (same and cookie.get(SESSION_VIA) == "lti"):
            cookie[SESSION_VIA] = "link"
    if not same:
        cookie.pop(SESSION_LANG, None)
    cookie[SESSION_PARTICIPANT] = participant_id


# --------------------------------------------------------------------------- request plumbing


@bp.before_request
def _guard() -> Response | None:
    if request.method == "POST":
        empty = not request.mimetype and not request.content_length
        if request.mimetype != FORM_MIMETYPE and not empty:
            raise UnsupportedMediaType(
                f"Answers must be sent as an ordinary web form ({FORM_MIMETYPE}), not "
                f"{request.mimetype or 'an empty body'}."
            )
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf_tokens.protect(csrf)
    elif request.args.get("lang") in LANGUAGES:
        cookie[SESSION_LANG] = request.args["lang"]
        return redirect(request.path, 303)
    return None


def _participant_id() -> int:
    participant_id = cookie.get(SESSION_PARTICIPANT)
    if not isinstance(participant_id, int):
        raise NoParticipant()
    return participant_id


def _link_invitation(wave_id: int) -> int | None:
    """The invitation a link session answers this wave through (None for an LTI session).

    The service checks it in the same query as the participant's access
    (live, theirs, for this wave); a link session without a grant for the wave
    gets no further.
    """
    if cookie.get(SESSION_VIA, "lti") != "link":
        return None
    invitation_id = (cookie.get(SESSION_LINKS) or {}).get(str(wave_id))
    if not isinstance(invitation_id, int):
        raise service.SurveyUnavailable()
    return invitation_id


def _session_language() -> str | None:
    """The language chosen in this session or given by the LTI launch; None otherwise (no store read)."""
    lang = cookie.get(SESSION_LANG)
    if lang in LANGUAGES:
        return lang
    launch = cookie.get("lti")  # an LTI launch records the Moodle user's language
    if isinstance(launch, dict) and launch.get("language") in LANGUAGES:
        return launch["language"]
    return None


def _known_language() -> str | None:
    """The session's language, else the participant's; None when nobody is known yet."""
    lang = _session_language()
    if lang is not None:
        return lang
    participant_id = cookie.get(SESSION_PARTICIPANT)
    known = g.get("survey_participant")
    if known is not None and known.id == participant_id:
        return known.language if known.language in LANGUAGES else None
    if isinstance(participant_id, int):
        try:
            participant = get_session().get(Participant, participant_id)
        except Exception:  # an error page must render even when the store fails
            participant = None
        if participant is not None and participant.language in LANGUAGES:
            return participant.language
    return None


def _lang() -> str:
    return _known_language() or "km"


def _open(wave_id: int, *, read_only: bool = False) -> service.SurveyForm:
    """The form; a new response takes the session's language, else the participant's (the service's fallback).

    ``read_only``: the view only shows the form (its one possible write, the
    draft response on first view, is a single idempotent statement), so the
    reads need no transaction (:func:`lipassess.db.reading_session`).
    """
    participant_id = _participant_id()
    invitation_id = _link_invitation(wave_id)
    session = db.reading_session() if read_only else get_session()
    return _held(service.open_form(session, participant_id=participant_id, wave_id=wave_id, now=utcnow(),
                                   channel="lti" if invitation_id is None else "link",
                                   language=_session_language(), invitation_id=invitation_id))


def _held(form: service.SurveyForm) -> service.SurveyForm:
    """Keep the form's participant for this request, so :func:`_lang` knows their language without a query."""
    g.survey_participant = form.participant
    return form


def _template_context(lang: str, context: dict[str, Any]) -> dict[str, Any]:
    """What every survey template gets: the language, its texts and numerals, and ``context``."""
    return {"lang": lang, "ui": lambda key, **p: ui(key, lang, **p), "num": lambda n: numeral(n, lang),
            "languages": LANGUAGE_NAMES,
            **context}


def _render(template: str, http_status: int = 200, /, **context: Any) -> tuple[str, int]:
    lang = context.pop("lang", None) or _lang()
    return render_template(template, **_template_context(lang, context)), http_status


# --------------------------------------------------------------------------- display helpers


def _sections(form: service.SurveyForm, lang: str, *, change_links: bool = False,
              messages: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The answers grouped by instrument for the review and receipt pages: each section's rows as HTML.

    Each section has its ``title``, ``answered`` and ``total`` counts, ``open``
    (one of its answers has a message) and ``rows`` (the rendered rows, each
    with its question's number; :func:`~lipassess.web.survey_items.answer_rows`).
    With ``change_links`` each row links to its page (the address built once per page, not per row).
    """
    sections: list[dict[str, Any]] = []
    rows_of: list[list[Markup]] = []  # each section's rendered rows
    numbers, answers = form.numbers, form.answers
    for page in form.pages:
        if page.first_of_instrument:
            sections.append({"title": page.instrument.title.get(lang), "answered": 0, "total": 0, "open": False})
            rows_of.append([])
        section, rows = sections[-1], rows_of[-1]
        change = url_for(".page", wave_id=form.wave.id, number=page.number) if change_links else None
        values = [answers.get(key) for key in page.keys]
        rows += answer_rows(page.items, page.keys, [numbers[key] for key in page.keys], page.instrument, values,
                            lang, change=change, messages=messages)
        section["answered"] += sum(value is not None for value in values)
        section["total"] += len(values)
        section["open"] = section["open"] or bool(messages and any(key in messages for key in page.keys))
    for section, rows in zip(sections, rows_of, strict=True):
        section["rows"] = Markup("".join(f"{row}\n" for row in rows))
    return sections


def _messages(form: service.SurveyForm, problems: dict[str, Any], lang: str) -> dict[str, str]:
    """Per-item problems as messages that name their numbered question, in form order."""
    numbers = form.numbers
    ordered = sorted(problems, key=lambda k: numbers.get(k, len(numbers) + 1))
    return {key: item_error(problems[key], lang, number=numbers.get(key),
                            item_type=item.type if (item := form.item(key)) else None) for key in ordered}


def _render_page(form: service.SurveyForm, number: int, lang: str, *, values: Mapping[str, Any],
                 errors: Mapping[str, str], notice: str | None, status: int = 200) -> tuple[str, int]:
    """Page ``number`` of the form; without errors, from the page kept for every participant (:mod:`.page_shell`).

    What differs between participants on the same page goes into the
    template's slots: the CSRF token, the device draft's key, the page's stored
    answers for its script, and the questions (each rendered once per process
    for its answer, :func:`~lipassess.web.survey_items.question_html`).
    """
    page = form.page(number)
    numbers = form.numbers
    stored = {key: form.answers[key] for key in page.keys if key in form.answers}
    questions = "".join(
        f"{question_html(item, key, numbers[key], page.instrument, values.get(key), errors.get(key), lang)}\n"
        for item, key in zip(page.items, page.keys, strict=True))
    env = current_app.jinja_env
    stored_json = htmlsafe_json_dumps(stored, dumps=env.policies["json.dumps_function"],
                                      **env.policies["json.dumps_kwargs"])
    slots = {"csrf": escape(csrf_token()), "draft_key": escape(draft_key(form.participant.id, form.wave.id)),
             "stored_json": escape(str(stored_json)), "questions": Markup(questions)}
    shell_key = None if errors else (form.wave.id, number, len(form.pages), page.version_id,
                                     page.instrument.content_hash, lang, notice, request.script_root)
    context = {"form": form, "page": page, "total": len(form.pages), "wave_id": form.wave.id, "errors": errors,
               "notice": notice}
    html = page_shell.render("survey/page.html", shell_key, _template_context(lang, context), slots)
    return html, status


# --------------------------------------------------------------------------- views


@bp.get("/s/<token>")
def link(token: str) -> Response:
    """A personal link: bind its participant and wave, then go to the clean URL."""
    invitation = links.resolve_link(db.reading_session(), token, utcnow())  # reads only: no transaction
    bind_participant(invitation.participant_id, via="link", wave_id=invitation.wave_id,
                     invitation_id=invitation.id)
    return redirect(url_for(".wave_form", wave_id=invitation.wave_id), 303)


@bp.route("/survey/wave/<int:wave_id>", methods=["GET", "POST"])
def wave_form(wave_id: int) -> Response | tuple[str, int]:
    """The entry point: the consent page, or the page to resume, or the receipt."""
    # Each write here is one statement, whole on its own: the new draft (an idempotent insert) and consent
    # (one UPDATE that checks access, the link and the window as it takes the draft's lock); so no transaction.
    form = _open(wave_id, read_only=True)
    if form.submitted:
        return redirect(url_for(".receipt", wave_id=wave_id), 303)
    if request.method == "POST":
        if request.form.get("consent") != "yes":
            return _consent(form, missing=True, status=400)
        service.record_consent(db.reading_session(), participant_id=form.participant.id, wave_id=wave_id,
                               now=utcnow())
        return redirect(url_for(".page", wave_id=wave_id, number=form.first_incomplete_page()), 303)
    if not form.consented:
        return _consent(form, missing=False, status=200)
    return redirect(url_for(".page", wave_id=wave_id, number=form.first_incomplete_page()), 303)


def _consent(form: service.SurveyForm, *, missing: bool, status: int) -> tuple[str, int]:
    """The consent page; unless the box was left unticked, from the page kept per wave and language."""
    lang = _lang()
    instruments = tuple((page.version_id, page.instrument.content_hash) for page in form.pages
                        if page.first_of_instrument)
    shell_key = None if missing else (form.wave.id, instruments, lang, request.script_root)
    context = {"form": form, "wave_id": form.wave.id, "missing": missing}
    return page_shell.render("survey/consent.html", shell_key, _template_context(lang, context),
                             {"csrf": escape(csrf_token())}), status


def _posted_answers() -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in request.form:
        if key.startswith("a."):
            values = request.form.getlist(key)
            answers[key] = values[0] if len(values) == 1 else values
    return answers


@bp.route("/survey/wave/<int:wave_id>/page/<int:number>", methods=["GET", "POST"])
def page(wave_id: int, number: int) -> Response | tuple[str, int]:
    """One page of items; POST saves it as a draft, then moves on as the button asked."""
    if request.method == "POST":
        return _save_page(wave_id, number)
    form = _open(wave_id, read_only=True)
    if form.submitted:
        return redirect(url_for(".receipt", wave_id=wave_id), 303)
    if not form.consented:
        return redirect(url_for(".wave_form", wave_id=wave_id), 303)
    return _render_page(form, number, _lang(), values=form.answers, errors={},
                        notice="saved" if request.args.get("saved") == "1" else None)


def _save_page(wave_id: int, number: int) -> Response | tuple[str, int]:
    participant_id = _participant_id()
    invitation_id = _link_invitation(wave_id)
    action = request.form.get("action", "next")
    switch = action.removeprefix("lang:") if action.startswith("lang:") else None
    if action not in ("next", "back", "save") and switch not in LANGUAGES:
        raise BadRequest(f"Unknown action {action[:40]!r}; use the buttons on the page.")
    posted = _posted_answers()
    try:
        saved = _held(_save_draft(participant_id=participant_id, wave_id=wave_id, answers=posted, now=utcnow(),
                                  language=switch or _session_language(), invitation_id=invitation_id,
                                  page=number))
    except service.ConsentRequired:
        db.rollback()
        return redirect(url_for(".wave_form", wave_id=wave_id), 303)
    except service.AnswersRejected as exc:
        # Nothing is stored (the request rolls back); show the page again with what was sent.
        db.rollback()
        lang = _lang()
        form = _held(service.open_form(get_session(), participant_id=participant_id, wave_id=wave_id,
                                       now=utcnow(), channel="lti" if invitation_id is None else "link",
                                       language=lang, invitation_id=invitation_id))
        messages = _messages(form, exc.errors, lang)
        return _render_page(form, number, lang, values={**form.answers, **posted}, errors=messages,
                            notice="rejected", status=400)
    page = saved.page(number)  # an unknown page number is a 404, which rolls the transaction back
    if switch:
        cookie[SESSION_LANG] = switch
        return redirect(url_for(".page", wave_id=wave_id, number=number), 303)
    if action == "back":
        return redirect(url_for(".page", wave_id=wave_id, number=max(1, number - 1)), 303)
    if action == "save":
        return redirect(url_for(".page", wave_id=wave_id, number=number, saved=1), 303)
    missing = saved.missing_required(page.keys)
    if missing:
        lang = _lang()  # the saved form holds the participant: no query
        messages = _messages(saved, missing, lang)
        return _render_page(saved, number, lang, values=saved.answers, errors=messages, notice="incomplete")
    if number < len(saved.pages):
        return redirect(url_for(".page", wave_id=wave_id, number=number + 1), 303)
    return redirect(url_for(".review", wave_id=wave_id), 303)


@bp.post("/survey/wave/<int:wave_id>/answers")
def save_answers(wave_id: int) -> Response:
    """Store the answers the page's script sends as each one is chosen: the draft a page POST saves.

    The same form rules as every POST (urlencoded, CSRF token, the session's
    participant and link); idempotent (the same answers again change nothing);
    never creates or submits a response (consent first, else 409). Answers
    ``{"saved": {answer key: stored value or null}}`` for the keys sent.
    """
    participant_id = _participant_id()
    invitation_id = _link_invitation(wave_id)
    posted = _posted_answers()
    if not posted:
        raise BadRequest("Send at least one answer: fields named a.<version>.<item>, as the page's form does.")
    saved = _save_draft(participant_id=participant_id, wave_id=wave_id, answers=posted, now=utcnow(),
                        invitation_id=invitation_id)
    return jsonify(saved={key: saved.answers.get(key) for key in posted})


def _save_draft(page: int | None = None, **arguments: Any) -> service.SurveyForm:
    """Save answers: in one statement without a transaction where it can be, else step by step in one.

    :func:`~lipassess.services.surveys.save_draft_at_once` either writes
    everything with every check passed, or changes nothing; then
    :func:`~lipassess.services.surveys.save_draft` does the work under a
    transaction's locks and raises what is wrong (consent missing, submitted,
    closed, a rejected answer...). ``page``, the page the answers came from,
    must be a page of the form for the one statement to run (it commits at
    once); otherwise the transaction's write is rolled back by the page's 404.
    """
    saved = service.save_draft_at_once(db.reading_session(), page=page, **arguments)
    if saved is not None:
        return saved
    return service.save_draft(db.transaction_session(), **arguments)


def draft_key(participant_id: int, wave_id: int) -> str:
    """The name of this participant's device copy of this wave: not guessable, not the participant's id.

    Two participants sharing a phone get different copies; the page's script
    keys its ``localStorage`` entries by it and the page number.
    """
    secret = str(current_app.secret_key or "").encode()
    return hmac.new(secret, f"draft:{participant_id}:{wave_id}".encode(), hashlib.sha256).hexdigest()[:20]


@bp.route("/survey/wave/<int:wave_id>/review", methods=["GET", "POST"])
def review(wave_id: int) -> Response | tuple[str, int]:
    """Every answer with a link back to its page; POST submits."""
    if request.method == "POST":
        return _submit(wave_id)
    form = _open(wave_id, read_only=True)
    if form.submitted:
        return redirect(url_for(".receipt", wave_id=wave_id), 303)
    if not form.consented:
        return redirect(url_for(".wave_form", wave_id=wave_id), 303)
    return _review(form, _lang(), form.missing_required(), 200)


def _submit(wave_id: int) -> Response | tuple[str, int]:
    """Submit, exactly once; the service checks access, the link and consent in the same transaction."""
    participant_id = _participant_id()
    invitation_id = _link_invitation(wave_id)
    try:
        service.submit(get_session(), participant_id=participant_id, wave_id=wave_id, now=utcnow(),
                       language=_session_language(), invitation_id=invitation_id)
    except service.AlreadySubmitted:
        # A double click or a second tab: the first submission stands; show its receipt.
        db.rollback()
        return redirect(url_for(".receipt", wave_id=wave_id), 303)
    except service.ConsentRequired:
        db.rollback()
        return redirect(url_for(".wave_form", wave_id=wave_id), 303)
    except service.AnswersIncomplete as exc:
        db.rollback()
        form = _open(wave_id)
        return _review(form, _lang(), exc.errors, 400)
    return redirect(url_for(".receipt", wave_id=wave_id), 303)


def _review(form: service.SurveyForm, lang: str, missing: dict[str, Any], status: int) -> tuple[str, int]:
    """The review page; without missing answers, from the page kept per wave and language (:mod:`.page_shell`)."""
    messages = _messages(form, missing, lang)
    context = _template_context(lang, {"form": form, "missing": messages, "wave_id": form.wave.id})
    answers = get_template_attribute("survey/_items.html", "review_sections")(
        _sections(form, lang, change_links=True, messages=messages), context["ui"])
    slots = {"csrf": escape(csrf_token()), "answers": Markup(answers)}
    shell_key = None if messages else (form.wave.id, len(form.pages), lang, request.script_root)
    return page_shell.render("survey/review.html", shell_key, context, slots), status


@bp.get("/survey/wave/<int:wave_id>/receipt")
def receipt(wave_id: int) -> Response | tuple[str, int]:
    """The receipt: a short code, the time, and a copy of the answers."""
    form = _open(wave_id, read_only=True)
    if not form.submitted:
        return redirect(url_for(".wave_form", wave_id=wave_id), 303)
    lang = _lang()
    stamp = form.receipt
    assert stamp is not None
    context = _template_context(lang, {"form": form, "wave_id": wave_id})
    answers = get_template_attribute("survey/_items.html", "answer_list")(_sections(form, lang))
    slots = {"csrf": escape(csrf_token()), "draft_key": escape(draft_key(form.participant.id, wave_id)),
             "code": escape(stamp.code), "submitted_iso": escape(stamp.submitted_at.isoformat()),
             "submitted": escape(local_time(stamp.submitted_at, lang)), "answers": Markup(answers)}
    html = page_shell.render("survey/receipt.html", (wave_id, lang, request.script_root), context, slots)
    return html, 200


_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/s/<path:rest>", methods=_ALL_METHODS)
@bp.route("/survey/<path:rest>", methods=_ALL_METHODS)
def unknown(rest: str) -> Response:
    """Anything else under the survey's paths gets the survey's own 404/405 page."""
    if request.path.startswith("/s/"):
        raise links.LinkInvalid()
    adapter = current_app.url_map.bind("localhost")
    endpoint = None
    for method in ("GET", "POST"):  # a page, or a POST-only address such as save_answers
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except (HTTPException, RequestRedirect):
            continue
        if endpoint != "survey.unknown":
            break
    if endpoint is not None and endpoint != "survey.unknown":
        raise MethodNotAllowed(valid_methods=sorted(set().union(*(rule.methods or set() for rule in
                                                                  current_app.url_map.iter_rules(endpoint)))))
    raise NotFound()


# --------------------------------------------------------------------------- error pages


def _error(code: str, status: int, reason: str, **params: Any) -> tuple[str, int]:
    known = _known_language()
    langs = [known] if known else ["km", "en"]
    texts = [(lang, *error_page(code, status, lang, **params)) for lang in langs]
    return _render("survey/error.html", status, lang=langs[0], texts=texts, status=status, reason=reason,
                   error_status={lang: ui("error_status", lang, status=status) for lang in langs},
                   error_code=code, wave_id=request.view_args.get("wave_id") if request.view_args else None,
                   show_receipt=code == "already_submitted")


def _date(value: Any) -> datetime | str:
    """The moment an error names (written per language by ``error_page``), or "" when there is none."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(CAMBODIA)
    except ValueError:
        return ""


@bp.errorhandler(LipassessError)
def _domain_error(exc: LipassessError) -> tuple[str, int]:
    params = {"receipt": exc.errors.get("receipt", ""),
              "date": _date(exc.errors.get("opens_at") or exc.errors.get("closes_at") or "")}
    return _error(exc.code, status_for(exc), exc.message, **params)


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError) -> tuple[str, int]:
    return _error("csrf_failed", 400, "The form's security token is missing or too old (CSRF check).")


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[str, int, list[tuple[str, str]]] | HTTPException:
    if exc.code is None or exc.code < 400:
        return exc
    page, status = _error(f"http_{exc.code}", exc.code, exc.description or exc.name)
    return page, status, [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # a 405's Allow

"""The participant's survey use cases: open a wave's form, consent, save drafts, submit exactly once.

Every function takes the caller's store session and flushes; the edge (a web
request, a CLI command) commits or rolls back. A failed call raises before the
edge commits, so nothing stored changes.

Answers are addressed by *answer keys* ``a.<instrument_version_id>.<item_id>``
(see :func:`~lipassess.services.surveys.form.answer_key`), which are also the form field names. Values arrive as
the form sends them (strings) or as Python numbers; ``None`` or an empty
string clears an answer in a draft.

Exactly once
------------
Writes to a response start with a guarded statement::

    UPDATE responses SET updated_at = :now WHERE id = :id AND status = 'draft'

On PostgreSQL it takes the row lock, so a second submit of the same response
waits for the first to commit, then matches no row and is told the response is
already submitted (:class:`AlreadySubmitted`, carrying the receipt). On SQLite
it takes the database write lock (pysqlite begins the transaction at the first
write; the busy timeout makes the second writer wait). Everything read after
the guard is read fresh. Together with the unique constraint on
``(participant_id, wave_id)`` a participant has at most one response per wave,
and a submitted response never changes through these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, false, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput
from lipassess.services import audit
from lipassess.services.links import LinkRevoked
from lipassess.services.lti_scores import queue_completion
from lipassess.services.surveys.answers import apply_answers, validate_answers
from lipassess.services.surveys.errors import (
    AlreadySubmitted,
    AnswersIncomplete,
    ConsentRequired,
    NotEnrolled,
    ParticipantWithdrawn,
    SurveyUnavailable,
    WaveClosed,
    WaveEmpty,
    WaveNotOpen,
)
from lipassess.services.surveys.form import (
    Receipt,
    SurveyForm,
    build_form,
    layout_of,
    receipt_of,
    stored_values,
)
from lipassess.store.models import (
    Enrolment,
    EnrolmentStatus,
    Invitation,
    Participant,
    Response,
    ResponseStatus,
    Wave,
)
from lipassess.vocabulary import DEFAULT_LANGUAGE, LANGUAGES, normalise_language

CHANNELS = ("link", "lti")


def _access_statement(
        with_invitation: bool) -> Select[Participant, Wave, EnrolmentStatus, Response, int, datetime | None]:
    invitation = (and_(Invitation.id == bindparam("invitation_id"), Invitation.participant_id == Participant.id,
                       Invitation.wave_id == Wave.id) if with_invitation else false())
    return (
        select(Participant, Wave, Enrolment.status, Response, Invitation.id, Invitation.revoked_at)
        .select_from(Participant)
        .join(Wave, Wave.id == bindparam("wave_id"))
        .outerjoin(Enrolment, and_(Enrolment.participant_id == Participant.id,
                                   Enrolment.cohort_id == Wave.cohort_id))
        .outerjoin(Response, and_(Response.participant_id == Participant.id, Response.wave_id == Wave.id))
        .outerjoin(Invitation, invitation)
        .where(Participant.id == bindparam("participant_id"))
        .execution_options(populate_existing=True)
    )


#: Built once (building a statement costs more CPU than running it): without and with a link's invitation.
_ACCESS = {False: _access_statement(False), True: _access_statement(True)}


def _access(session: Session, participant_id: int, wave_id: int,
            invitation_id: int | None = None) -> tuple[Participant, Wave, Response | None]:
    """The participant, the wave and their response (read fresh), checked as :func:`check_access` says.

    One query: participant, wave, enrolment status, response and (for a personal
    link) the invitation joined. With ``invitation_id`` the participant answers
    through that link: it must be theirs, for this wave, and not revoked
    (:class:`~lipassess.services.links.LinkRevoked`), checked first.
    """
    params = {"participant_id": participant_id, "wave_id": wave_id}
    if invitation_id is not None:
        params["invitation_id"] = invitation_id
    row = session.execute(_ACCESS[invitation_id is not None], params).first()
    if row is None:
        raise SurveyUnavailable()
    participant, wave, status, response, live_id, revoked_at = row
    if invitation_id is not None:
        if live_id is None:
            raise SurveyUnavailable()
        if revoked_at is not None:
            raise LinkRevoked()
    if status is None:
        raise SurveyUnavailable()
    if participant.withdrawn_at is not None:
        raise ParticipantWithdrawn()
    if status is EnrolmentStatus.UNENROLLED:
        raise NotEnrolled()
    return participant, wave, response


def check_access(session: Session, *, participant_id: int, wave_id: int) -> tuple[Participant, Wave]:
    """The participant and wave, when the participant may answer this wave at all.

    Raises
    ------
    SurveyUnavailable
        Unknown wave or participant, or no enrolment in the wave's cohort.
    ParticipantWithdrawn
        The participant withdrew from the evaluation.
    NotEnrolled
        The enrolment's status is ``unenrolled`` (``suspended`` is accepted:
        Moodle suspends enrolments when a course ends, and the follow-up comes
        six months later).
    """
    participant, wave, _ = _access(session, participant_id, wave_id)
    return participant, wave


def _check_window(wave: Wave, now: datetime) -> None:
    if wave.opens_at is not None and now < wave.opens_at:
        raise WaveNotOpen(wave.opens_at)
    if wave.closes_at is not None and now >= wave.closes_at:
        raise WaveClosed(wave.closes_at)


_FIND_RESPONSE = (
    select(Response)
    .where(Response.participant_id == bindparam("participant_id"), Response.wave_id == bindparam("wave_id"))
    .execution_options(populate_existing=True)
)


def _find_response(session: Session, participant_id: int, wave_id: int) -> Response | None:
    return session.scalar(_FIND_RESPONSE, {"participant_id": participant_id, "wave_id": wave_id})


def _language(language: str | None, fallback: str) -> str:
    """``language`` if it is one of ours, else ``fallback`` if it is, else the default language."""
    return normalise_language(language, normalise_language(fallback)) or DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- use cases


def open_form(session: Session, *, participant_id: int, wave_id: int, now: datetime,
              channel: str = "link", language: str | None = None, invitation_id: int | None = None) -> SurveyForm:
    """The participant's form for a wave, creating the draft response on first open.

    A submitted response is returned as it is (show its receipt), whatever the
    date. A draft or a new response needs the wave to be open. ``invitation_id``:
    the personal link the participant answers through, checked in the same query
    (see :func:`_access`).

    Raises
    ------
    SurveyUnavailable, ParticipantWithdrawn, NotEnrolled
        See :func:`check_access`.
    WaveNotOpen, WaveClosed
        Outside the wave's window.
    WaveEmpty
        The wave presents no instrument.
    InvalidInput
        Unknown channel.
    """
    if channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)} (got {channel!r})")
    participant, wave, response = _access(session, participant_id, wave_id, invitation_id)
    layout = layout_of(session, wave)
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        return build_form(participant, wave, response, layout, stored_values(session, response.id))
    _check_window(wave, now)
    if response is None:
        if not layout.pages:
            raise WaveEmpty()
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.flush()
        # Two tabs opening at once: the unique constraint keeps one row, the other insert does nothing.
        session.execute(
            insert(Response).values(
                participant_id=participant.id, wave_id=wave.id, status=ResponseStatus.DRAFT,
                language=_language(language, participant.language), channel=channel,
                started_at=now, created_at=now, updated_at=now,
            ).on_conflict_do_nothing(index_elements=[Response.participant_id, Response.wave_id])
        )
        response = _find_response(session, participant.id, wave.id)
        assert response is not None
        # A new response has no answers yet.
        return build_form(participant, wave, response, layout, {})
    return build_form(participant, wave, response, layout, stored_values(session, response.id))


_LOCK_DRAFT = (
    update(Response)
    .where(Response.participant_id == bindparam("b_participant"), Response.wave_id == bindparam("b_wave"),
           Response.status == ResponseStatus.DRAFT)
    .values(updated_at=bindparam("b_now"))
    .returning(Response)
)


def _lock_draft(session: Session, participant_id: int, wave_id: int, now: datetime) -> Response:
    """Take the response's write lock; raise when it is missing or already submitted."""
    session.flush()
    # UPDATE ... RETURNING: the lock and the fresh row in one statement (PostgreSQL; SQLite 3.35+).
    locked = session.scalars(
        _LOCK_DRAFT, {"b_participant": participant_id, "b_wave": wave_id, "b_now": now},
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).first()
    if locked is not None:
        return locked
    response = _find_response(session, participant_id, wave_id)
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(receipt_of(response))
    raise ConsentRequired()


def _draft_for_writing(session: Session, participant_id: int, wave_id: int, now: datetime,
                       invitation_id: int | None = None) -> tuple[Participant, Wave, Response]:
    participant, wave, existing = _access(session, participant_id, wave_id, invitation_id)
    if existing is not None and existing.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(receipt_of(existing))
    _check_window(wave, now)
    response = _lock_draft(session, participant.id, wave.id, now)
    return participant, wave, response


def record_consent(session: Session, *, participant_id: int, wave_id: int, now: datetime) -> Response:
    """Record that the participant accepted the consent and purpose statement (first time only)."""
    _, _, response = _draft_for_writing(session, participant_id, wave_id, now)
    if response.consent_at is None:
        response.consent_at = now
        session.flush()
    return response


def save_draft(session: Session, *, participant_id: int, wave_id: int, answers: Mapping[str, Any],
               now: datetime, language: str | None = None, invitation_id: int | None = None) -> SurveyForm:
    """Validate and store some answers of a draft; the whole call is refused on any bad answer.

    ``answers`` maps answer keys to values; ``None`` or ``""`` removes a stored
    answer. Required items are not checked here (see :func:`submit`).
    ``invitation_id`` as for :func:`open_form`.

    Raises
    ------
    AnswersRejected
        Unknown answer keys, values outside the item's scale or options, wrong
        types, text too long or with control characters; ``errors`` maps each
        key to ``{"code", "message", ...}``.
    ConsentRequired, AlreadySubmitted, WaveNotOpen, WaveClosed
        And the access errors of :func:`check_access`.
    """
    participant, wave, response = _draft_for_writing(session, participant_id, wave_id, now, invitation_id)
    if response.consent_at is None:
        raise ConsentRequired()
    layout = layout_of(session, wave)
    parsed = validate_answers(layout, answers)
    stored = stored_values(session, response.id)
    apply_answers(session, response, parsed, stored)
    if language in LANGUAGES:
        response.language = language
    session.flush()
    return build_form(participant, wave, response, layout, stored)


def submit(session: Session, *, participant_id: int, wave_id: int, now: datetime,
           answers: Mapping[str, Any] | None = None, language: str | None = None) -> Receipt:
    """Store the last answers (if any), check the required ones and submit, exactly once.

    Raises
    ------
    AnswersIncomplete
        Required items are unanswered; ``errors`` maps each missing key to
        ``{"code": "required", ...}``. Nothing is stored (the caller rolls back).
    AlreadySubmitted
        The response was submitted before (by another tab, a double click or a
        concurrent request); ``receipt`` is the stored submission's receipt.
    AnswersRejected, ConsentRequired, WaveNotOpen, WaveClosed
        As for :func:`save_draft`, and the access errors of :func:`check_access`.
    """
    participant, wave, response = _draft_for_writing(session, participant_id, wave_id, now)
    if response.consent_at is None:
        raise ConsentRequired()
    layout = layout_of(session, wave)
    stored = stored_values(session, response.id)
    if answers:
        apply_answers(session, response, validate_answers(layout, answers), stored)
    form = build_form(participant, wave, response, layout, stored)
    missing = form.missing_required()
    if missing:
        count = len(missing)
        raise AnswersIncomplete(
            f"{count} required question{'s are' if count > 1 else ' is'} not answered yet; answer "
            f"{'them' if count > 1 else 'it'} and submit again.",
            errors=missing,
        )
    if language in LANGUAGES:
        response.language = language
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    session.flush()
    receipt = receipt_of(response)
    audit.record(session, actor=f"participant:{participant.pseudonym}", action="response.submit",
                 target=f"response:{response.id}", wave_id=wave.id, channel=response.channel,
                 receipt=receipt.code, answers=len(form.answers))
    # Completion back to the Moodle gradebook: only queued here, in the same transaction;
    # dispatch sends it, so a Moodle outage never holds up the participant's submission.
    queue_completion(session, participant, wave, now=now)
    session.flush()
    return receipt


def receipt_for(session: Session, *, participant_id: int, wave_id: int) -> Receipt:
    """The receipt of the participant's submitted response to the wave.

    Raises :class:`SurveyUnavailable` when there is no submitted response (the
    same answer as for a wave the participant cannot see).
    """
    response = _find_response(session, participant_id, wave_id)
    if response is None or response.status is not ResponseStatus.SUBMITTED:
        raise SurveyUnavailable()
    return receipt_of(response)

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
and a submitted response never changes through these functions. On PostgreSQL
the guard also carries the access checks (one ``UPDATE ... FROM ...
RETURNING``, :func:`~lipassess.services.surveys.access.lock_with_access`); a
second submit that waited for the first re-checks ``status = 'draft'`` on the
committed row, matches nothing, and takes the path that says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.errors import InvalidInput
from lipassess.services.surveys.access import (
    RESPONSE_COLUMNS,
    Access,
    ResponseRow,
    WaveRow,
    connection,
    find_response,
    lock_draft,
    lock_with_access,
    read_access,
)
from lipassess.services.surveys.answers import validate_answers, write_answers
from lipassess.services.surveys.errors import (
    AlreadySubmitted,
    AnswersIncomplete,
    ConsentRequired,
    SurveyUnavailable,
    WaveClosed,
    WaveEmpty,
    WaveNotOpen,
)
from lipassess.services.surveys.form import (
    Receipt,
    StoredAnswers,
    SurveyForm,
    build_form,
    layout_for,
    receipt_of,
    stored_values,
    values_of,
)
from lipassess.services.surveys.submission import record_submission
from lipassess.store.models import Response, ResponseStatus
from lipassess.vocabulary import DEFAULT_LANGUAGE, LANGUAGES, normalise_language

CHANNELS = ("link", "lti")


def _check_window(wave: WaveRow, now: datetime) -> None:
    if wave.opens_at is not None and now < wave.opens_at:
        raise WaveNotOpen(wave.opens_at)
    if wave.closes_at is not None and now >= wave.closes_at:
        raise WaveClosed(wave.closes_at)


def _language(language: str | None, fallback: str) -> str:
    """``language`` if it is one of ours, else ``fallback`` if it is, else the default language."""
    return normalise_language(language, normalise_language(fallback)) or DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- use cases


def _create_draft_statement(dialect: str):  # an Insert; its generic type says nothing more
    """``INSERT`` a draft response ``ON CONFLICT DO NOTHING RETURNING`` it: the new row, or none if one exists."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Response.__table__
    now = bindparam("b_now", type_=table.c.started_at.type)
    return insert(table).values(
        participant_id=bindparam("b_participant", type_=Integer), wave_id=bindparam("b_wave", type_=Integer),
        status=bindparam("b_status", type_=table.c.status.type),
        language=bindparam("b_language", type_=table.c.language.type),
        channel=bindparam("b_channel", type_=table.c.channel.type), started_at=now, created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=[table.c.participant_id, table.c.wave_id]).returning(*RESPONSE_COLUMNS)


#: Built once per dialect: building the statement cost more than running it, once per participant and wave.
_CREATE_DRAFT = {name: _create_draft_statement(name) for name in ("postgresql", "sqlite")}


def open_form(session: Session, *, participant_id: int, wave_id: int, now: datetime,
              channel: str = "link", language: str | None = None, invitation_id: int | None = None) -> SurveyForm:
    """The participant's form for a wave, creating the draft response on first open.

    A submitted response is returned as it is (show its receipt), whatever the
    date. A draft or a new response needs the wave to be open. ``invitation_id``:
    the personal link the participant answers through, checked in the same query
    (see :func:`~lipassess.services.surveys.access.read_access`).

    Raises
    ------
    SurveyUnavailable, ParticipantWithdrawn, NotEnrolled
        See :func:`~lipassess.services.surveys.access.read_access`.
    WaveNotOpen, WaveClosed
        Outside the wave's window.
    WaveEmpty
        The wave presents no instrument.
    InvalidInput
        Unknown channel.
    """
    if channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)} (got {channel!r})")
    access = read_access(session, participant_id, wave_id, invitation_id, with_answers=True)
    participant, wave, response = access.participant, access.wave, access.response
    layout = layout_for(session, access.signature)
    stored = values_of(access.answers or ())  # read with the access, in the same statement
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        return build_form(participant, wave, response, layout, stored)
    _check_window(wave, now)
    if response is None:
        if not layout.pages:
            raise WaveEmpty()
        conn = connection(session)
        created = conn.execute(_CREATE_DRAFT[conn.dialect.name], {
            "b_participant": participant.id, "b_wave": wave.id, "b_status": ResponseStatus.DRAFT,
            "b_language": _language(language, participant.language), "b_channel": channel, "b_now": now}).first()
        # Two tabs opening at once: the unique constraint keeps one row, the other insert does nothing (and
        # returns nothing): that tab reads the row the first one made.
        response = ResponseRow(*created) if created is not None else find_response(session, participant.id, wave.id)
        assert response is not None
        # A new response has no answers yet.
        return build_form(participant, wave, response, layout, {})
    return build_form(participant, wave, response, layout, stored)


def _draft_for_writing(session: Session, participant_id: int, wave_id: int, now: datetime,
                       invitation_id: int | None = None, *, language: str | None = None,
                       consent: bool = False) -> tuple[Access, ResponseRow]:
    """Check access and the window, then take the draft's write lock (setting ``language``, recording consent).

    On PostgreSQL one statement does it all when every check passes
    (:func:`~lipassess.services.surveys.access.lock_with_access`); otherwise, and
    on SQLite, the checks run one by one and the first that fails is raised.
    """
    language = language if language in LANGUAGES else None
    fast = lock_with_access(session, participant_id, wave_id, now, invitation_id=invitation_id, language=language,
                            consent=consent)
    if fast is not None:
        return fast
    access = read_access(session, participant_id, wave_id, invitation_id)
    if access.response is not None and access.response.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(receipt_of(access.response))
    _check_window(access.wave, now)
    locked = lock_draft(session, participant_id, wave_id, now, language=language, consent=consent)
    if locked is not None:
        return access, locked
    response = find_response(session, participant_id, wave_id)
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(receipt_of(response))
    raise ConsentRequired()


def record_consent(session: Session, *, participant_id: int, wave_id: int, now: datetime) -> ResponseRow:
    """Record that the participant accepted the consent and purpose statement (first time only)."""
    _, response = _draft_for_writing(session, participant_id, wave_id, now, consent=True)
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
        And the access errors of :func:`~lipassess.services.surveys.access.read_access`.
    """
    access, response = _draft_for_writing(session, participant_id, wave_id, now, invitation_id, language=language)
    if response.consent_at is None:
        raise ConsentRequired()
    layout = layout_for(session, access.signature)
    written = write_answers(session, response.id, validate_answers(layout, answers))
    stored = StoredAnswers(written, lambda: stored_values(session, response.id))
    return build_form(access.participant, access.wave, response, layout, stored)


def submit(session: Session, *, participant_id: int, wave_id: int, now: datetime,
           answers: Mapping[str, Any] | None = None, language: str | None = None,
           invitation_id: int | None = None) -> Receipt:
    """Store the last answers (if any), check the required ones and submit, exactly once.

    ``invitation_id`` as for :func:`open_form`.

    Raises
    ------
    AnswersIncomplete
        Required items are unanswered; ``errors`` maps each missing key to
        ``{"code": "required", ...}``. Nothing is stored (the caller rolls back).
    AlreadySubmitted
        The response was submitted before (by another tab, a double click or a
        concurrent request); ``receipt`` is the stored submission's receipt.
    AnswersRejected, ConsentRequired, WaveNotOpen, WaveClosed
        As for :func:`save_draft`, and the access errors of :func:`~lipassess.services.surveys.access.read_access`.
    """
    access, response = _draft_for_writing(session, participant_id, wave_id, now, invitation_id, language=language)
    if response.consent_at is None:
        raise ConsentRequired()
    layout = layout_for(session, access.signature)
    if answers:
        write_answers(session, response.id, validate_answers(layout, answers))
    stored = stored_values(session, response.id)
    form = build_form(access.participant, access.wave, response, layout, stored)
    missing = form.missing_required()
    if missing:
        count = len(missing)
        raise AnswersIncomplete(
            f"{count} required question{'s are' if count > 1 else ' is'} not answered yet; answer "
            f"{'them' if count > 1 else 'it'} and submit again.",
            errors=missing,
        )
    receipt = record_submission(session, response, pseudonym=access.participant.pseudonym,
                                answered=len(form.answers), now=now)
    session.flush()
    return receipt


def receipt_for(session: Session, *, participant_id: int, wave_id: int) -> Receipt:
    """The receipt of the participant's submitted response to the wave.

    Raises :class:`SurveyUnavailable` when there is no submitted response (the
    same answer as for a wave the participant cannot see).
    """
    response = find_response(session, participant_id, wave_id)
    if response is None or response.status is not ResponseStatus.SUBMITTED:
        raise SurveyUnavailable()
    return receipt_of(response)

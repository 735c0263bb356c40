"""What a survey request reads and locks: small immutable rows, one statement each.

A participant's page view and page save are the requests a seminar sends by
the thousand, so they read plain rows through Core statements built once,
not ORM objects: the participant, the wave and the response as
:class:`ParticipantRow`, :class:`WaveRow` and :class:`ResponseRow`, and the
wave's instruments as a :data:`Signature` and, for a page view, the stored
answers as a JSON aggregate in the same statement (scalar subqueries), so a
page view is one statement and a page save two on PostgreSQL
(:func:`lock_with_access`, the answers' upsert) or three on SQLite
(:func:`read_access`, :func:`lock_draft`, the upsert). On PostgreSQL they run
on the driver's cursor (:mod:`lipassess.store.driver`).

The lock is one guarded ``UPDATE ... RETURNING`` on the draft (see
:mod:`lipassess.services.surveys.operations` for why it gives exactly-once
submission); it also records consent and the chosen language, so neither
needs a statement of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, and_, bindparam, cast, false, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from lipassess.services.links import LinkRevoked
from lipassess.services.surveys.errors import NotEnrolled, ParticipantWithdrawn, SurveyUnavailable
from lipassess.store.driver import DriverStatement
from lipassess.store.models import (
    Answer,
    Enrolment,
    EnrolmentStatus,
    InstrumentVersion,
    Invitation,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
)

#: A wave's instruments as ``((instrument_version_id, content_hash), ...)`` in presentation order.
Signature = tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """The participant as the survey pages need them."""

    id: int
    language: str
    pseudonym: str


@dataclass(frozen=True, slots=True)
class WaveRow:
    """The wave as the survey pages need it."""

    id: int
    cohort_id: int
    opens_at: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """A response's state, read fresh in the request's transaction."""

    id: int
    participant_id: int
    wave_id: int
    status: ResponseStatus
    language: str
    channel: str
    consent_at: datetime | None
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Access:
    """What :func:`read_access` found: who, which wave, their response (if any) and the wave's instruments."""

    participant: ParticipantRow
    wave: WaveRow
    response: ResponseRow | None
    signature: Signature
    #: With ``with_answers``: the response's stored answers as ``(version id, item key, number, text)`` rows.
    answers: tuple[tuple[int, str, float | None, str | None], ...] | None = None


_P, _W, _E, _R, _I = (Participant.__table__, Wave.__table__, Enrolment.__table__, Response.__table__,
                      Invitation.__table__)
_A = Answer.__table__
_WI, _IV = WaveInstrument.__table__, InstrumentVersion.__table__
#: The columns a :class:`ResponseRow` is built from, in its fields' order.
RESPONSE_COLUMNS = (_R.c.id, _R.c.participant_id, _R.c.wave_id, _R.c.status, _R.c.language, _R.c.channel,
                     _R.c.consent_at, _R.c.submitted_at)

#: "position:row id:version id:hash" of every instrument of the wave, comma-separated (order restored in Python:
#: an aggregate's order is not portable between PostgreSQL and SQLite).
_SIGNATURE = (
    select(func.aggregate_strings(
        cast(_WI.c.position, String).concat(":").concat(cast(_WI.c.id, String)).concat(":")
        .concat(cast(_WI.c.instrument_version_id, String)).concat(":").concat(_IV.c.content_hash), ","))
    .select_from(_WI.join(_IV, _IV.c.id == _WI.c.instrument_version_id))
    .where(_WI.c.wave_id == _W.c.id)
    .scalar_subquery()
)


class _AnswersAsJSON(FunctionElement[Any]):
    """Rows aggregated into one JSON array of arrays: PostgreSQL's ``json_agg``, SQLite's ``json_group_array``."""

    type = JSON()
    inherit_cache = True
    name = "answers_as_json"


@compiles(_AnswersAsJSON, "postgresql")
def _answers_as_json_postgresql(element: _AnswersAsJSON, compiler: Any, **kw: Any) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(_AnswersAsJSON, "sqlite")
def _answers_as_json_sqlite(element: _AnswersAsJSON, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


#: The response's stored answers as ``[[version id, item key, number, text], ...]`` (None or ``[]`` when none).
_ANSWERS = (
    select(_AnswersAsJSON(_A.c.instrument_version_id, _A.c.item_key, _A.c.value_number, _A.c.value_text))
    .where(_A.c.response_id == _R.c.id)
    .scalar_subquery()
)


def _access_statement(with_invitation: bool, with_answers: bool = False):  # a Select; its type says nothing more
    invitation = (and_(_I.c.id == bindparam("invitation_id", type_=Integer), _I.c.participant_id == _P.c.id,
                       _I.c.wave_id == _W.c.id) if with_invitation else false())
    answers = (_ANSWERS,) if with_answers else ()
    return (
        select(_P.c.id, _P.c.language, _P.c.pseudonym, _P.c.withdrawn_at,
               _W.c.id, _W.c.cohort_id, _W.c.opens_at, _W.c.closes_at,
               _E.c.status, *RESPONSE_COLUMNS, _I.c.id, _I.c.revoked_at, _SIGNATURE, *answers)
        .select_from(_P)
        .join(_W, _W.c.id == bindparam("wave_id", type_=Integer))
        .outerjoin(_E, and_(_E.c.participant_id == _P.c.id, _E.c.cohort_id == _W.c.cohort_id))
        .outerjoin(_R, and_(_R.c.participant_id == _P.c.id, _R.c.wave_id == _W.c.id))
        .outerjoin(_I, invitation)
        .where(_P.c.id == bindparam("participant_id", type_=Integer))
    )


#: Built once (building a statement costs more CPU than running it): by (through a link's invitation, with the
#: stored answers); run on the driver's cursor where it can be (:mod:`lipassess.store.driver`).
_ACCESS = {(linked, answers): DriverStatement(_access_statement(linked, answers), (
    "participant_id", "wave_id", *(("invitation_id",) if linked else ())))
    for linked in (False, True) for answers in (False, True)}


def _signature(aggregated: str | None) -> Signature:
    parts = sorted((int(position), int(row_id), int(version_id), digest)
                   for position, row_id, version_id, digest in
                   (entry.split(":") for entry in (aggregated or "").split(",") if entry))
    return tuple((version_id, digest) for _, _, version_id, digest in parts)


def _response_row(values: tuple[Any, ...]) -> ResponseRow | None:
    if values[0] is None:
        return None
    return ResponseRow(*values)


def connection(session: Session) -> Connection:
    """The session's connection, after flushing whatever the ORM holds (plain statements read the store)."""
    session.flush()
    return session.connection()


def read_access(session: Session, participant_id: int, wave_id: int, invitation_id: int | None = None, *,
                with_answers: bool = False) -> Access:
    """The participant, the wave, their response and the wave's instruments, checked; one statement.

    With ``invitation_id`` the participant answers through that personal link:
    it must be theirs, for this wave, and not revoked (checked first). With
    ``with_answers`` the same statement also reads the response's stored
    answers (one JSON aggregate), so that a page view is one statement.

    Raises
    ------
    SurveyUnavailable
        Unknown wave or participant, no enrolment in the wave's cohort, or a
        link that is not this participant's for this wave.
    LinkRevoked
        The link was revoked.
    ParticipantWithdrawn, NotEnrolled
        The participant withdrew, or the enrolment is ``unenrolled``
        (``suspended`` is accepted: Moodle suspends enrolments when a course
        ends, and the follow-up comes six months later).
    """
    params = {"participant_id": participant_id, "wave_id": wave_id}
    if invitation_id is not None:
        params["invitation_id"] = invitation_id
    row = _ACCESS[invitation_id is not None, with_answers].first(connection(session), params)
    if row is None:
        raise SurveyUnavailable()
    answers = _answer_rows(row[-1]) if with_answers else None
    (pid, language, pseudonym, withdrawn_at, wid, cohort_id, opens_at, closes_at, status,
     *response, live_id, revoked_at, aggregated) = row[:-1] if with_answers else row
    if invitation_id is not None:
        if live_id is None:
            raise SurveyUnavailable()
        if revoked_at is not None:
            raise LinkRevoked()
    if status is None:
        raise SurveyUnavailable()
    if withdrawn_at is not None:
        raise ParticipantWithdrawn()
    if status is EnrolmentStatus.UNENROLLED:
        raise NotEnrolled()
    signature = _signature(aggregated)
    remember_instruments(wid, signature)
    return Access(ParticipantRow(pid, language, pseudonym), WaveRow(wid, cohort_id, opens_at, closes_at),
                  _response_row(tuple(response)), signature, answers)


def _answer_rows(aggregated: list[list[Any]] | None) -> tuple[tuple[int, str, float | None, str | None], ...]:
    """The JSON aggregate of :data:`_ANSWERS` as rows; no response or no answer gives none."""
    return tuple((int(version_id), str(item), None if number is None else float(number),
                  None if text is None else str(text)) for version_id, item, number, text in aggregated or ())


_FIND_RESPONSE = select(*RESPONSE_COLUMNS).where(
    _R.c.participant_id == bindparam("participant_id", type_=Integer),
    _R.c.wave_id == bindparam("wave_id", type_=Integer))


def find_response(session: Session, participant_id: int, wave_id: int) -> ResponseRow | None:
    """The participant's response to the wave, read fresh; None when there is none."""
    row = connection(session).execute(_FIND_RESPONSE, {"participant_id": participant_id, "wave_id": wave_id}).first()
    return None if row is None else ResponseRow(*row)


#: What taking a draft's lock writes: the time, the language when one is given, consent the first time only.
_LOCK_VALUES = {
    "updated_at": bindparam("b_now", type_=_R.c.updated_at.type),
    "language": func.coalesce(bindparam("b_language", type_=_R.c.language.type), _R.c.language),
    "consent_at": func.coalesce(_R.c.consent_at, bindparam("b_consent", type_=_R.c.consent_at.type)),
}

_LOCK_DRAFT = (
    update(_R)
    .where(_R.c.participant_id == bindparam("b_participant", type_=Integer),
           _R.c.wave_id == bindparam("b_wave", type_=Integer),
           _R.c.status == ResponseStatus.DRAFT)
    .values(**_LOCK_VALUES)
    .returning(*RESPONSE_COLUMNS)
)


def lock_draft(session: Session, participant_id: int, wave_id: int, now: datetime, *,
               language: str | None = None, consent: bool = False) -> ResponseRow | None:
    """Take the draft's write lock and return it fresh; None when there is no draft (missing or submitted).

    The same statement sets the response's language when ``language`` is given
    and records consent (the first time only) when ``consent`` is true.
    """
    row = connection(session).execute(_LOCK_DRAFT, {
        "b_participant": participant_id, "b_wave": wave_id, "b_now": now, "b_language": language,
        "b_consent": now if consent else None}).first()
    if row is None:
        return None
    forget_response(session, row[0])
    return ResponseRow(*row)


def _lock_with_access_statement(with_invitation: bool, *, with_signature: bool = True):  # an Update
    conditions = [
        _P.c.id == bindparam("b_participant", type_=Integer), _W.c.id == bindparam("b_wave", type_=Integer),
        _R.c.participant_id == _P.c.id, _R.c.wave_id == _W.c.id, _R.c.status == ResponseStatus.DRAFT,
        _E.c.participant_id == _P.c.id, _E.c.cohort_id == _W.c.cohort_id, _E.c.status != EnrolmentStatus.UNENROLLED,
        _P.c.withdrawn_at.is_(None),
        or_(_W.c.opens_at.is_(None), _W.c.opens_at <= bindparam("b_now", type_=_W.c.opens_at.type)),
        or_(_W.c.closes_at.is_(None), _W.c.closes_at > bindparam("b_now", type_=_W.c.closes_at.type)),
    ]
    if with_invitation:
        conditions += [_I.c.id == bindparam("b_invitation", type_=Integer), _I.c.participant_id == _P.c.id,
                       _I.c.wave_id == _W.c.id, _I.c.revoked_at.is_(None)]
    return (
        update(_R).where(*conditions)
        .values(**_LOCK_VALUES)
        .returning(*RESPONSE_COLUMNS, _P.c.language, _P.c.pseudonym, _W.c.cohort_id, _W.c.opens_at,
                   _W.c.closes_at, *((_SIGNATURE,) if with_signature else ()))
    )


#: PostgreSQL only: SQLite's ``RETURNING`` cannot name the other tables of an ``UPDATE ... FROM``.
_LOCK_PARAMS = ("b_participant", "b_wave", "b_now", "b_language", "b_consent")
_LOCK_WITH_ACCESS = {False: DriverStatement(_lock_with_access_statement(False), _LOCK_PARAMS),
                     True: DriverStatement(_lock_with_access_statement(True), (*_LOCK_PARAMS, "b_invitation"))}


def lock_with_access(session: Session, participant_id: int, wave_id: int, now: datetime, *,
                     invitation_id: int | None = None, language: str | None = None,
                     consent: bool = False) -> tuple[Access, ResponseRow] | None:
    """The draft locked as :func:`lock_draft` does, and what :func:`read_access` reads, in one statement.

    Only when every check passes (the participant may answer the wave, through
    a live link if ``invitation_id`` is given, the wave is open, a draft
    exists): then the draft is locked, updated and returned with the access.
    Returns None otherwise, having changed nothing; the caller finds out why
    with :func:`read_access` and :func:`lock_draft`. On SQLite always None.
    """
    conn = connection(session)
    if conn.dialect.name != "postgresql":
        return None
    params = {"b_participant": participant_id, "b_wave": wave_id, "b_now": now, "b_language": language,
              "b_consent": now if consent else None}
    if invitation_id is not None:
        params["b_invitation"] = invitation_id
    row = _LOCK_WITH_ACCESS[invitation_id is not None].first(conn, params)
    if row is None:
        return None
    response = ResponseRow(*row[:8])
    p_language, pseudonym, cohort_id, opens_at, closes_at, aggregated = row[8:]
    forget_response(session, response.id)
    signature = _signature(aggregated)
    remember_instruments(wave_id, signature)
    access = Access(ParticipantRow(participant_id, p_language, pseudonym),
                    WaveRow(wave_id, cohort_id, opens_at, closes_at), response, signature)
    return access, response


#: The instruments each wave presented when this process last read its access: what a page save validates
#: against before one statement checks that they are still the wave's (:mod:`.save_at_once`). At most
#: :data:`KNOWN_WAVES` waves; a full table starts again.
_KNOWN: dict[int, Signature] = {}
KNOWN_WAVES = 4096


def remember_instruments(wave_id: int, signature: Signature) -> None:
    """Note the instruments ``wave_id`` presents, as an access read just found them."""
    if _KNOWN.get(wave_id) != signature:
        if len(_KNOWN) >= KNOWN_WAVES:
            _KNOWN.clear()
        _KNOWN[wave_id] = signature


def known_instruments(wave_id: int) -> Signature | None:
    """The instruments ``wave_id`` presented when this process last read its access; None if it has not."""
    return _KNOWN.get(wave_id)


def forget_response(session: Session, response_id: int) -> None:
    """Expire an ORM copy of the response the session may hold, so it is read again after a plain write."""
    held = session.identity_map.get(session.identity_key(Response, response_id))
    if held is not None:
        session.expire(held)


def open_wave_signatures(session: Session, now: datetime) -> list[Signature]:
    """The instruments of every wave open at ``now`` (one signature per wave), for warming a new process."""
    statement = (
        select(_WI.c.wave_id, _WI.c.instrument_version_id, _IV.c.content_hash)
        .select_from(_WI.join(_IV, _IV.c.id == _WI.c.instrument_version_id).join(_W, _W.c.id == _WI.c.wave_id))
        .where(or_(_W.c.opens_at.is_(None), _W.c.opens_at <= now), or_(_W.c.closes_at.is_(None), _W.c.closes_at > now))
        .order_by(_WI.c.wave_id, _WI.c.position, _WI.c.id)
    )
    by_wave: dict[int, list[tuple[int, str]]] = {}
    for wave_id, version_id, digest in connection(session).execute(statement):
        by_wave.setdefault(int(wave_id), []).append((int(version_id), str(digest)))
    return [tuple(pairs) for pairs in by_wave.values()]

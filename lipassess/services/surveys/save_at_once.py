"""A page save in one statement on PostgreSQL: the draft's lock with every check, and the answers, together.

A page save is the participant path's commonest write. Done step by step it
is four round trips to the server (``BEGIN``, the lock with its checks
(:func:`~lipassess.services.surveys.access.lock_with_access`), the answers'
upsert, ``COMMIT``), and each round trip costs about as much CPU on both sides
as the statement it carries. Here it is one statement, run in autocommit,
whose parts commit together or not at all::

    WITH locked AS (UPDATE responses ... WHERE <every check of lock_with_access>
                      AND consent_at IS NOT NULL AND <the wave's instruments> = :expected
                    RETURNING ...),
         written AS (INSERT INTO answers SELECT locked.id, u.* FROM locked, unnest(...) u
                     ON CONFLICT ... DO UPDATE ...),
         cleared AS (DELETE FROM answers USING locked, unnest(...) d WHERE ...)
    SELECT ... FROM locked

The answers must be validated before the statement, against the form layout
of the wave's instruments; the statement names the instruments it was
validated against (their versions and content hashes, in the wave's order)
and writes nothing if the wave presents others. Which instruments a wave
presents is learned from the access reads of this process
(:func:`~lipassess.services.surveys.access.remember_instruments`, called by every page view); a process that has
not seen the wave yet, answers that fail validation, and every failed check
(no consent, submitted, closed, a revoked link, ...) make
:func:`save_draft_at_once` return None having changed nothing, and the caller
then runs :func:`~lipassess.services.surveys.operations.save_draft` in a
transaction, which says exactly what is wrong.

Exactly once still holds: the ``UPDATE`` takes the draft's row lock before
anything is written, so a submit holding the lock makes this statement wait;
when the submit commits, PostgreSQL re-checks ``status = 'draft'`` on the new
row version, the row no longer matches, and the insert and delete (which read
their response from ``locked``) write nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, Text, bindparam, cast, delete, func, literal_column, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from lipassess.services.surveys.access import (
    _IV,
    _R,
    _W,
    _WI,
    ParticipantRow,
    ResponseRow,
    Signature,
    WaveRow,
    _lock_with_access_statement,
    connection,
    forget_response,
    known_instruments,
)
from lipassess.services.surveys.answers import answer_arrays, validate_answers
from lipassess.services.surveys.errors import AnswersRejected
from lipassess.services.surveys.form import StoredAnswers, SurveyForm, build_form, layout_for, stored_values
from lipassess.store.driver import DriverStatement
from lipassess.store.models import Answer
from lipassess.vocabulary import LANGUAGES

_A = Answer.__table__

#: The wave's instruments as one string, ``<version id>:<content hash>`` in the order the wave presents them
#: (position, then row id: the order :func:`~lipassess.services.surveys.access.read_access` puts them in).
_INSTRUMENTS = (
    select(func.string_agg(cast(_WI.c.instrument_version_id, String).concat(":").concat(_IV.c.content_hash),
                           aggregate_order_by(literal_column("','"), _WI.c.position, _WI.c.id)))
    .select_from(_WI.join(_IV, _IV.c.id == _WI.c.instrument_version_id))
    .where(_WI.c.wave_id == _W.c.id)
    .scalar_subquery()
)


def instruments_text(signature: Signature) -> str:
    """``signature`` as :data:`_INSTRUMENTS` spells it."""
    return ",".join(f"{version_id}:{digest}" for version_id, digest in signature)


def _statement(with_invitation: bool, with_cleared: bool):  # a Select with DML CTEs
    locked = (_lock_with_access_statement(with_invitation, with_signature=False)
              .where(_R.c.consent_at.is_not(None), _INSTRUMENTS == bindparam("b_instruments", type_=String))
              .cte("locked"))
    given = func.unnest(cast(bindparam("b_versions"), ARRAY(Integer)), cast(bindparam("b_items"), ARRAY(String)),
                        cast(bindparam("b_numbers"), ARRAY(Float)), cast(bindparam("b_texts"), ARRAY(Text))
                        ).table_valued("version", "item", "number", "text").render_derived("u")
    insert = postgresql.insert(_A).from_select(
        ["response_id", "instrument_version_id", "item_key", "value_number", "value_text"],
        select(locked.c.id, given.c.version, given.c.item, given.c.number, given.c.text)
        .select_from(locked).join(given, true()))
    insert = insert.on_conflict_do_update(
        index_elements=[_A.c.response_id, _A.c.instrument_version_id, _A.c.item_key],
        set_={"value_number": insert.excluded.value_number, "value_text": insert.excluded.value_text})
    statement = select(locked).add_cte(insert.cte("written"))
    if with_cleared:
        cleared = func.unnest(cast(bindparam("b_cleared_versions"), ARRAY(Integer)),
                              cast(bindparam("b_cleared_items"), ARRAY(String))
                              ).table_valued("version", "item").render_derived("d")
        statement = statement.add_cte(delete(_A).where(
            _A.c.response_id == locked.c.id, _A.c.instrument_version_id == cleared.c.version,
            _A.c.item_key == cleared.c.item).cte("cleared"))
    return statement


_PARAMS = ("b_participant", "b_wave", "b_now", "b_language", "b_consent", "b_instruments",
           "b_versions", "b_items", "b_numbers", "b_texts")
#: By (through a link's invitation, clearing answers): built once, compiled once per process.
_SAVE = {(linked, cleared): DriverStatement(_statement(linked, cleared), (
    *_PARAMS, *(("b_invitation",) if linked else ()), *(("b_cleared_versions", "b_cleared_items") if cleared else ())))
    for linked in (False, True) for cleared in (False, True)}


def save_draft_at_once(session: Session, *, participant_id: int, wave_id: int, answers: Mapping[str, Any],
                       now: datetime, language: str | None = None, invitation_id: int | None = None,
                       page: int | None = None) -> SurveyForm | None:
    """:func:`~lipassess.services.surveys.operations.save_draft` in one statement, where it can be; else None.

    None, with nothing changed, on SQLite, when this process has not yet seen
    which instruments the wave presents, when an answer fails validation, when
    ``page`` (the page the answers were posted from) is not a page of the form,
    and when any check fails (see the module docstring). The statement commits
    on its own in a session in autocommit (:func:`lipassess.db.reading_session`),
    else with the session's transaction: a caller that refuses the request after
    it (a page the form does not have is a 404) must check first, so a refused
    request never leaves a committed write behind.
    """
    conn = connection(session)
    if conn.dialect.name != "postgresql":
        return None
    signature = known_instruments(wave_id)
    if signature is None:
        return None
    layout = layout_for(session, signature)
    if page is not None and not 1 <= page <= len(layout.pages):
        return None  # the step-by-step save runs in a transaction, which the page's 404 rolls back
    try:
        parsed = validate_answers(layout, answers)
    except AnswersRejected:
        return None  # perhaps the wave's instruments changed: the step-by-step save validates and says why
    arrays, cleared, written = answer_arrays(parsed)
    params: dict[str, Any] = {
        "b_participant": participant_id, "b_wave": wave_id, "b_now": now,
        "b_language": language if language in LANGUAGES else None, "b_consent": None,
        "b_instruments": instruments_text(signature), **arrays}
    if invitation_id is not None:
        params["b_invitation"] = invitation_id
    if cleared["b_cleared_versions"]:
        params.update(cleared)
    row = _SAVE[invitation_id is not None, bool(cleared["b_cleared_versions"])].first(conn, params)
    if row is None:
        return None
    response = ResponseRow(*row[:8])
    p_language, pseudonym, cohort_id, opens_at, closes_at = row[8:]
    forget_response(session, response.id)
    stored = StoredAnswers(written, lambda: stored_values(session, response.id))
    return build_form(ParticipantRow(participant_id, p_language, pseudonym),
                      WaveRow(wave_id, cohort_id, opens_at, closes_at), response, layout, stored)


__all__ = ["instruments_text", "save_draft_at_once"]

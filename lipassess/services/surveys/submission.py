"""A submission's writes: the response marked submitted, its audit event, its gradebook completion queued.

Called by :func:`~lipassess.services.surveys.operations.submit` once the
draft is locked and its required answers are checked, in the submitting
transaction. On PostgreSQL the three writes are one statement (an ``UPDATE``
with two data-modifying CTEs: the audit event's ``INSERT`` and the outbox's
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` of
:func:`~lipassess.services.lti_scores.enqueue_completion`), two round trips
less than one statement each; elsewhere (SQLite: in-process, no round trip)
they run one by one. The rows written are the same either way
(``tests/services/test_submission.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, literal, select, update
from sqlalchemy.orm import Session

from lipassess.services import audit
from lipassess.services.lti_scores import QUEUE_COMPLETION, enqueue_completion
from lipassess.services.surveys.access import RESPONSE_COLUMNS, ResponseRow, connection, forget_response
from lipassess.services.surveys.form import Receipt, receipt_of
from lipassess.store.driver import DriverStatement
from lipassess.store.models import AuditEvent, Response, ResponseStatus, ScoreStatus

_R = Response.__table__
_AUDIT = AuditEvent.__table__
#: What the audit log says of a submission.
ACTION = "response.submit"


def _mark_submitted():  # an Update; its generic type says nothing more
    return (
        update(_R).where(_R.c.id == bindparam("b_id", type_=Integer))
        .values(status=ResponseStatus.SUBMITTED, submitted_at=bindparam("b_now", type_=_R.c.submitted_at.type),
                updated_at=bindparam("b_now", type_=_R.c.updated_at.type))
        .returning(*RESPONSE_COLUMNS)
    )


_SUBMIT = _mark_submitted()


def _all_at_once():  # a Select with DML CTEs
    submitted = _mark_submitted().cte("submitted")
    audited = _AUDIT.insert().from_select(
        ["at", "actor", "action", "target", "details"],
        select(bindparam("b_now", type_=_AUDIT.c.at.type), bindparam("b_actor", type_=_AUDIT.c.actor.type),
               literal(ACTION, _AUDIT.c.action.type), bindparam("b_target", type_=_AUDIT.c.target.type),
               bindparam("b_details", type_=_AUDIT.c.details.type)).select_from(submitted))
    return select(submitted).add_cte(audited.cte("audited")).add_cte(QUEUE_COMPLETION["postgresql"].cte("queued"))


#: PostgreSQL: the three writes in one statement, built once, compiled once per process.
_SUBMIT_AT_ONCE = DriverStatement(_all_at_once(), (
    "b_id", "b_now", "b_actor", "b_target", "b_details", "b_participant", "b_wave", "b_completed", "b_status"))


def record_submission(session: Session, response: ResponseRow, *, pseudonym: str, answered: int,
                      now: datetime) -> Receipt:
    """Mark the locked draft ``response`` submitted at ``now``, audit it and queue its completion; its receipt.

    ``answered``: how many answers the submission holds (in the audit event,
    which is dated ``now``, the submission's time).
    The caller holds the draft's lock and has checked everything else.
    """
    target = f"response:{response.id}"
    actor = f"participant:{pseudonym}"
    conn = connection(session)
    if conn.dialect.name == "postgresql":
        # The receipt is a digest of the row as it will read (id, participant, wave, time); the audit event
        # names it, so it is worked out first and checked against the row the statement returns.
        expected = receipt_of(ResponseRow(response.id, response.participant_id, response.wave_id,
                                          ResponseStatus.SUBMITTED, response.language, response.channel,
                                          response.consent_at, now))
        details: dict[str, Any] = {"wave_id": response.wave_id, "channel": response.channel,
                                   "receipt": expected.code, "answers": answered}
        row = _SUBMIT_AT_ONCE.first(conn, {
            "b_id": response.id, "b_now": now, "b_actor": actor, "b_target": target, "b_details": details,
            "b_participant": response.participant_id, "b_wave": response.wave_id, "b_completed": now,
            "b_status": ScoreStatus.PENDING})
        if row is None:  # the caller holds the lock: the row cannot have gone
            raise RuntimeError(f"the locked draft {response.id} was not found when submitting it")
        forget_response(session, response.id)
        receipt = receipt_of(ResponseRow(*row))
        if receipt.code != expected.code:
            raise RuntimeError(f"response {response.id}: the stored submission time differs from the one audited")
        return receipt
    row = conn.execute(_SUBMIT, {"b_id": response.id, "b_now": now}).one()
    forget_response(session, response.id)
    receipt = receipt_of(ResponseRow(*row))
    audit.record(session, actor=actor, action=ACTION, target=target, wave_id=response.wave_id,
                 channel=response.channel, receipt=receipt.code, answers=answered).at = now
    # Completion back to the Moodle gradebook: only queued here, in the same transaction;
    # dispatch sends it, so a Moodle outage never holds up the participant's submission.
    enqueue_completion(session, participant_id=response.participant_id, wave_id=response.wave_id,
                       completed_at=receipt.submitted_at, now=now)
    return receipt


__all__ = ["ACTION", "record_submission"]

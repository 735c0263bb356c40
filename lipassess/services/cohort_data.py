"""The one query for a cohort's participants and their answers: students only.

The analyses (:mod:`lipassess.services.dataset`) and the exports
(:mod:`lipassess.services.exports`) read the same people and the same answers
through these two functions, so they cannot disagree about who counts. Only
enrolments with the role ``student`` count: a teacher or any other non-student
enrolled in the course who opened the survey (to try it, or by mistake) is in
neither the profile nor the answers. Only submitted responses count.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from lipassess.store.models import (
    Answer,
    Cohort,
    Completion,
    Enrolment,
    Participant,
    Response,
    ResponseStatus,
    Wave,
)

STUDENT_ROLE = "student"
PROFILE_FIELDS = ("ministry", "province", "language", "enrolment_status", "completed")
"""The profile columns of :func:`student_profiles`, after ``pseudonym`` and ``cohort``."""
ANSWER_FIELDS = ("pseudonym", "cohort", "wave", "version_id", "item", "number", "text")
"""The columns of :func:`submitted_answers`."""


def student_profiles(session: Session, cohort_ids: Sequence[int], *,
                     identity_fields: Sequence[str] = ()) -> pd.DataFrame:
    """One row per student enrolment in ``cohort_ids``: pseudonym, cohort shortname and profile.

    Columns ``pseudonym``, ``cohort``, then :data:`PROFILE_FIELDS` (``enrolment_status``
    as its string value, ``completed`` as stored: True, False or None), then
    ``identity_fields`` (attributes of :class:`~lipassess.store.models.Participant`,
    e.g. ``firstname``, ``email``), in query order. Non-student enrolments are left out.
    """
    identity = [getattr(Participant, field) for field in identity_fields]
    rows = session.execute(
        select(Participant.pseudonym, Cohort.shortname, Participant.ministry, Participant.province,
               Participant.language, Enrolment.status, Completion.completed, *identity)
        .join(Enrolment, Enrolment.participant_id == Participant.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(Completion, (Completion.participant_id == Participant.id)
                   & (Completion.cohort_id == Enrolment.cohort_id))
        .where(Enrolment.cohort_id.in_(list(cohort_ids)), Enrolment.role == STUDENT_ROLE)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["pseudonym", "cohort", *PROFILE_FIELDS, *identity_fields])
    frame["enrolment_status"] = frame["enrolment_status"].map(lambda s: str(getattr(s, "value", s)))
    return frame


def by_a_student(cohort: ColumnElement[int] | InstrumentedAttribute[int] | int) -> ColumnElement[bool]:
    """SQL condition on :class:`Response`: its participant is a student of ``cohort`` (a column or an id).

    Every count and table of responses uses it, so a teacher's test answers
    never count as a participant's.
    """
    return exists().where(and_(Enrolment.participant_id == Response.participant_id,
                               Enrolment.cohort_id == cohort,
                               Enrolment.role == STUDENT_ROLE))


def submitted_answers(session: Session, cohort_ids: Sequence[int]) -> pd.DataFrame:
    """Every answer of a submitted response by a student of the wave's cohort, one row per answer.

    Columns :data:`ANSWER_FIELDS`: ``wave`` is the wave kind's string value,
    ``version_id`` the :class:`~lipassess.store.models.InstrumentVersion` id,
    ``number`` and ``text`` the stored value (one of them is None).
    """
    rows = session.execute(
        select(Participant.pseudonym, Cohort.shortname, Wave.kind, Answer.instrument_version_id, Answer.item_key,
               Answer.value_number, Answer.value_text)
        .join(Response, Response.id == Answer.response_id)
        .join(Participant, Participant.id == Response.participant_id)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Cohort, Cohort.id == Wave.cohort_id)
        .where(Wave.cohort_id.in_(list(cohort_ids)), Response.status == ResponseStatus.SUBMITTED,
               by_a_student(Wave.cohort_id))
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(ANSWER_FIELDS))
    frame["wave"] = frame["wave"].map(lambda w: str(getattr(w, "value", w)))
    return frame

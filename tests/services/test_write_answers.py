"""A page's answers written over the stored ones in one statement: new, changed, cleared, any text.

On PostgreSQL the page's rows travel as arrays (``unnest``); the texts below
are the ones an array literal would get wrong if it were ever built by hand.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lipassess.services import surveys as service
from lipassess.store.models import Answer
from lipassess.store.types import utcnow
from tests.survey_factories import build

TRICKY = ['He said "yes", then {no}.', "back\\slash, comma; NULL", "ក្រុមការងារ “ស្តាប់” {១,២}", "NULL"]


def _stored(session, response_id: int) -> dict[str, float | str | None]:
    rows = session.execute(select(Answer.item_key, Answer.value_number, Answer.value_text)
                           .where(Answer.response_id == response_id)).all()
    return {item: text if text is not None else number for item, number, text in rows}


@pytest.mark.postgres
@pytest.mark.parametrize("text", TRICKY)
def test_answers_are_inserted_updated_and_cleared_exactly(session, text: str) -> None:
    s = build(session)
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(), channel="lti")
    service.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow())
    first = service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                               answers={s.key("L1"): "4", s.key("L2"): "9", s.key("Y1"): "0", s.key("T1"): text})
    session.commit()
    response_id = first.response.id
    assert _stored(session, response_id) == {"L1": 4.0, "L2": 9.0, "Y1": 0.0, "T1": text}

    again = service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                               answers={s.key("L1"): "2", s.key("L2"): "", s.key("L3"): "5",
                                        s.key("T1"): text + " (2)"})
    session.commit()
    assert again.response.id == response_id
    assert _stored(session, response_id) == {"L1": 2.0, "Y1": 0.0, "L3": 5.0, "T1": text + " (2)"}
    assert {k: again.answers.get(k) for k in (s.key("L1"), s.key("L2"), s.key("L3"), s.key("T1"))} == {
        s.key("L1"): 2, s.key("L2"): None, s.key("L3"): 5, s.key("T1"): text + " (2)"}
    assert session.scalar(select(Answer.id).where(Answer.response_id == response_id,
                                                   Answer.item_key == "L1")) is not None
    assert len(session.scalars(select(Answer.id).where(Answer.response_id == response_id)).all()) == 4


@pytest.mark.postgres
def test_a_page_of_only_text_or_only_numbers_is_written(session) -> None:
    """Arrays whose every element is NULL (no number on a text-only page, no text on a scale page) still bind."""
    s = build(session)
    service.open_form(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(), channel="lti")
    service.record_consent(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow())
    only_text = service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                                   answers={s.key("T1"): "ស្តាប់"})
    service.save_draft(session, participant_id=s.participant.id, wave_id=s.wave.id, now=utcnow(),
                       answers={s.key("L1"): "3", s.key("C1"): "2"})
    session.commit()
    assert _stored(session, only_text.response.id) == {"T1": "ស្តាប់", "L1": 3.0, "C1": 2.0}

"""A rater's form: the supervisor observation instrument about one participant, submitted exactly once.

The rater sees the participant's name (they must know whom they rate) and the
instrument; answers are checked by the same rules as participants' answers
(:func:`lipassess.services.surveys.answers.validate_answers`). Exactly once: the
submission starts with ``UPDATE raters SET updated_at = :now WHERE id = :id AND
submitted_at IS NULL``; on PostgreSQL the row lock makes a second, concurrent
submission wait, then match no row; on SQLite the write lock does the same. A
submitted rating never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from lipassess.errors import Conflict, NotFound
from lipassess.instruments import Instrument, bundled_instruments_dir, load_instruments
from lipassess.services import audit
from lipassess.services.instruments import ensure_registered, instrument_of, latest_version
from lipassess.services.surveys.answers import validate_answers
from lipassess.services.surveys.errors import AnswersIncomplete, ConsentRequired, WaveClosed, WaveNotOpen
from lipassess.services.surveys.form import FormPage, Layout, answer_key
from lipassess.store.models import InstrumentVersion, Participant, Wave
from lipassess.store.rater_models import Rater, RaterAnswer

__all__ = ["OBSERVER_INSTRUMENT", "RaterForm", "RatingAlreadySubmitted", "observer_version", "rater_form",
           "submit_rating"]

#: The bundled instrument raters answer.
OBSERVER_INSTRUMENT = "lip-supervisor-observation"


class RatingAlreadySubmitted(Conflict):
    """This rater has submitted already; a rating is never changed."""

    code = "rating_already_submitted"

    def __init__(self) -> None:
        super().__init__("These answers have already been submitted. Thank you; nothing more is needed.")


@dataclass(frozen=True, slots=True, kw_only=True)
class RaterForm:
    """What the rater's page shows."""

    rater_id: int
    participant_name: str
    relation: str
    language: str
    version_id: int
    instrument: Instrument
    layout: Layout
    submitted: bool


def observer_version(session: Session) -> InstrumentVersion:
    """The stored version of the observation instrument, storing the bundled one when none is."""
    version = latest_version(session, OBSERVER_INSTRUMENT)
    if version is not None:
        return version
    for instrument in load_instruments(bundled_instruments_dir()):
        if instrument.id == OBSERVER_INSTRUMENT:
            return ensure_registered(session, instrument)
    raise NotFound(f"the instrument {OBSERVER_INSTRUMENT!r} is missing; reinstall lipassess")


def _layout(version: InstrumentVersion) -> tuple[Instrument, Layout]:
    instrument = instrument_of(version)
    items = instrument.items  # one page: raters answer a short form once, often on a phone
    page = FormPage(number=1, version_id=version.id, instrument=instrument, items=items,
                    first_of_instrument=True, part=1, parts=1)
    keyed = {answer_key(version.id, item.id): item for item in items}
    return instrument, Layout((page,), keyed, {version.id: instrument})


def _check_window(wave: Wave, now: datetime) -> None:
    if wave.opens_at is not None and now < wave.opens_at:
        raise WaveNotOpen(wave.opens_at)
    if wave.closes_at is not None and now >= wave.closes_at:
        raise WaveClosed(wave.closes_at)


def rater_form(session: Session, rater: Rater, *, language: str | None = None) -> RaterForm:
    """The rater's form (also after submission, to show the thank-you page)."""
    version = observer_version(session)
    instrument, layout = _layout(version)
    participant = session.get(Participant, rater.participant_id)
    assert participant is not None
    return RaterForm(rater_id=rater.id, participant_name=participant.full_name or participant.pseudonym,
                     relation=rater.relation, language=language or rater.language, version_id=version.id,
                     instrument=instrument, layout=layout, submitted=rater.submitted_at is not None)


def submit_rating(session: Session, rater: Rater, answers: Mapping[str, Any], *, consent: bool,
                  now: datetime) -> None:
    """Store the rater's answers and mark the rating submitted, exactly once.

    Raises
    ------
    RatingAlreadySubmitted
        Submitted before (another tab, a double click, a concurrent request).
    ConsentRequired
        The purpose statement was not accepted.
    AnswersRejected, AnswersIncomplete
        A bad or missing required answer; nothing is stored (the caller rolls back).
    WaveNotOpen, WaveClosed
        Outside the wave's window.
    """
    if rater.submitted_at is not None:
        raise RatingAlreadySubmitted()
    wave = session.get(Wave, rater.wave_id)
    assert wave is not None
    _check_window(wave, now)
    if not consent:
        raise ConsentRequired()
    session.flush()
    result = cast(CursorResult[Any], session.execute(
        update(Rater).where(Rater.id == rater.id, Rater.submitted_at.is_(None))
        .values(updated_at=now).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise RatingAlreadySubmitted()
    form = rater_form(session, rater)
    parsed = validate_answers(form.layout, answers)
    missing = {key: {"code": "required", "message": "Please answer this question."}
               for key, item in form.layout.items.items()
               if item.required and parsed.get(key, (None, None)) == (None, None)}
    if missing:
        raise AnswersIncomplete(f"{len(missing)} required question(s) not answered yet; answer them and "
                                "submit again.", errors=missing)
    for key, (number, text) in parsed.items():
        if number is None and text is None:
            continue
        item_id = key.split(".", 2)[2]
        session.add(RaterAnswer(rater_id=rater.id, instrument_version_id=form.version_id, item_key=item_id,
                                value_number=number, value_text=text))
    session.execute(update(Rater).where(Rater.id == rater.id)
                    .values(consent_at=now, submitted_at=now, updated_at=now)
                    .execution_options(synchronize_session=False))
    session.flush()
    session.expire(rater)
    audit.record(session, actor=f"rater:{rater.id}", action="rating.submit", target=f"wave:{rater.wave_id}",
                 answers=sum(1 for v in parsed.values() if v != (None, None)))


def stored_rating(session: Session, rater_id: int) -> dict[str, float | str]:
    """A rater's stored answers by item id (for staff exports and the analyses; never for participants)."""
    rows = session.scalars(select(RaterAnswer).where(RaterAnswer.rater_id == rater_id)).all()
    return {a.item_key: (a.value_text if a.value_text is not None else float(a.value_number or 0.0))
            for a in rows}

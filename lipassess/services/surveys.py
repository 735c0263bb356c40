"""The participant's survey: open a wave's form, consent, save drafts, submit exactly once.

Every function takes the caller's store session and flushes; the edge (a web
request, a CLI command) commits or rolls back. A failed call raises before the
edge commits, so nothing stored changes.

Answers are addressed by *answer keys* ``a.<instrument_version_id>.<item_id>``
(see :func:`answer_key`), which are also the form field names. Values arrive as
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

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lipassess.errors import Conflict, Gone, InvalidInput, NotFound, PermissionDenied
from lipassess.instruments import LANGUAGES, Instrument, Item
from lipassess.services import audit
from lipassess.services.instruments import instrument_of
from lipassess.services.lti_scores import queue_completion
from lipassess.store.models import (
    Answer,
    Enrolment,
    EnrolmentStatus,
    InstrumentVersion,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
)

__all__ = [
    "ITEMS_PER_PAGE",
    "TEXT_MAX_LENGTH",
    "AlreadySubmitted",
    "AnswersIncomplete",
    "AnswersRejected",
    "ConsentRequired",
    "FormPage",
    "NotEnrolled",
    "ParticipantWithdrawn",
    "Receipt",
    "SurveyForm",
    "SurveyUnavailable",
    "WaveClosed",
    "WaveEmpty",
    "WaveNotOpen",
    "answer_key",
    "check_access",
    "open_form",
    "receipt_for",
    "record_consent",
    "save_draft",
    "submit",
]

#: Items shown on one page at most; an instrument with more is split into balanced pages.
ITEMS_PER_PAGE = 10
#: Longest free-text answer (characters, after NFC) when the item sets no ``max_length``.
TEXT_MAX_LENGTH = 4000
CHANNELS = ("link", "lti")

_ANSWER_KEY = re.compile(r"^a\.([1-9][0-9]{0,9})\.([A-Za-z][A-Za-z0-9_]{0,63})$")
_INTEGER = re.compile(r"^\s*[+-]?[0-9]{1,9}\s*$")
# C0 controls except tab and newline, DEL, C1 controls; PostgreSQL text refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- errors


class SurveyUnavailable(NotFound):
    """No such wave, or the participant has no place in its cohort (one answer for both)."""

    code = "survey_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "This survey is not available to you. Open it from your course page or from the "
            "link in your newest message."
        )


class ParticipantWithdrawn(PermissionDenied):
    """The participant withdrew from the evaluation; nothing more is collected."""

    code = "participant_withdrawn"

    def __init__(self) -> None:
        super().__init__(
            "You have withdrawn from the evaluation, so no answers are collected from you. "
            "If this is a mistake, contact the program team."
        )


class NotEnrolled(PermissionDenied):
    """The participant was unenrolled from the wave's cohort."""

    code = "not_enrolled"

    def __init__(self) -> None:
        super().__init__(
            "You are no longer enrolled in this course, so this survey is closed to you. "
            "If this is a mistake, ask the program team."
        )


class WaveNotOpen(Conflict):
    """The wave opens later."""

    code = "wave_not_open"

    def __init__(self, opens_at: datetime) -> None:
        super().__init__(
            f"This survey opens on {opens_at:%d %B %Y}. Please come back then.",
            errors={"opens_at": opens_at.isoformat()},
        )
        self.opens_at = opens_at


class WaveClosed(Gone):
    """The wave's window has ended; drafts can no longer be changed or submitted."""

    code = "wave_closed"

    def __init__(self, closes_at: datetime) -> None:
        super().__init__(
            f"This survey closed on {closes_at:%d %B %Y}, so answers can no longer be given or "
            "changed. If you think this is a mistake, ask the program team.",
            errors={"closes_at": closes_at.isoformat()},
        )
        self.closes_at = closes_at


class WaveEmpty(Conflict):
    """The wave has no instruments attached yet."""

    code = "wave_empty"

    def __init__(self) -> None:
        super().__init__("This survey has no questions yet. Please try again later or ask the program team.")


class ConsentRequired(Conflict):
    """Answers were sent before the consent statement was accepted."""

    code = "consent_required"

    def __init__(self) -> None:
        super().__init__("Please read the purpose statement and give your consent before answering.")


class AlreadySubmitted(Conflict):
    """The response is submitted; it cannot change. ``receipt`` identifies it."""

    code = "already_submitted"

    def __init__(self, receipt: Receipt) -> None:
        super().__init__(
            "You have already submitted this survey, so your answers cannot be changed. "
            f"Your receipt is {receipt.code}.",
            errors={"receipt": receipt.code},
        )
        self.receipt = receipt


class AnswersRejected(InvalidInput):
    """Some answers are not valid; ``errors`` maps each answer key to its problem."""

    code = "invalid_answers"


class AnswersIncomplete(InvalidInput):
    """Required answers are missing at submission; ``errors`` lists each missing key."""

    code = "answers_missing"


# --------------------------------------------------------------------------- results


def answer_key(version_id: int, item_id: str) -> str:
    """The key (and form field name) of one item of one instrument version."""
    return f"a.{version_id}.{item_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class FormPage:
    """One page of the form: up to :data:`ITEMS_PER_PAGE` items of one instrument."""

    number: int  # 1-based, across the whole wave
    version_id: int
    instrument: Instrument
    items: tuple[Item, ...]
    first_of_instrument: bool
    part: int  # 1-based page within the instrument
    parts: int  # pages of the instrument

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(answer_key(self.version_id, item.id) for item in self.items)


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """Proof of submission shown to the participant: a short code and the time."""

    response_id: int
    wave_id: int
    code: str
    submitted_at: datetime
    language: str

    def to_dict(self) -> dict[str, Any]:
        return {"response_id": self.response_id, "wave_id": self.wave_id, "code": self.code,
                "submitted_at": self.submitted_at.isoformat(), "language": self.language}

    def summary(self) -> str:
        return f"receipt {self.code} submitted {self.submitted_at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True, kw_only=True)
class SurveyForm:
    """A participant's view of one wave: the pages, the response and its stored answers."""

    participant: Participant
    wave: Wave
    response: Response
    pages: tuple[FormPage, ...]
    answers: Mapping[str, int | str]
    _items: Mapping[str, Item] = field(repr=False)

    @property
    def submitted(self) -> bool:
        return self.response.status is ResponseStatus.SUBMITTED

    @property
    def consented(self) -> bool:
        return self.response.consent_at is not None

    def page(self, number: int) -> FormPage:
        """Page ``number`` (1-based); :class:`NotFound` outside the form."""
        if not 1 <= number <= len(self.pages):
            raise NotFound(f"This survey has pages 1 to {len(self.pages)}; go back to the first page.")
        return self.pages[number - 1]

    def item(self, key: str) -> Item | None:
        return self._items.get(key)

    def missing_required(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
        """Required items (of ``keys``, default all) without a stored answer."""
        keys = self._items.keys() if keys is None else keys
        return {k: _problem("required", "Please answer this question.")
                for k in keys if self._items[k].required and k not in self.answers}

    def first_incomplete_page(self) -> int:
        """The first page with an unanswered required item, else the last page."""
        for page in self.pages:
            if self.missing_required(page.keys):
                return page.number
        return len(self.pages)

    @property
    def receipt(self) -> Receipt | None:
        return _receipt(self.response) if self.submitted else None


def _problem(code: str, message: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **params}


def _receipt(response: Response) -> Receipt:
    assert response.submitted_at is not None
    submitted_at = response.submitted_at.astimezone(UTC)
    digest = hashlib.sha256(
        f"lipassess-receipt:{response.id}:{response.participant_id}:{response.wave_id}:"
        f"{submitted_at.isoformat()}".encode()
    ).hexdigest()[:12].upper()
    code = "-".join(digest[i:i + 4] for i in range(0, 12, 4))
    return Receipt(response_id=response.id, wave_id=response.wave_id, code=code,
                   submitted_at=submitted_at, language=response.language)


# --------------------------------------------------------------------------- instruments


_INSTRUMENTS: dict[str, Instrument] = {}


def _instrument(version: InstrumentVersion) -> Instrument:
    """The parsed definition; versions never change, so the parse is kept per content hash."""
    found = _INSTRUMENTS.get(version.content_hash)
    if found is None:
        found = instrument_of(version)
        if len(_INSTRUMENTS) < 1024:
            _INSTRUMENTS[version.content_hash] = found
    return found


def _split(items: tuple[Item, ...], per_page: int) -> list[tuple[Item, ...]]:
    """Balanced chunks: 23 items at 10 per page give 8, 8, 7 rather than 10, 10, 3."""
    parts = max(1, math.ceil(len(items) / per_page))
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


@dataclass(frozen=True, slots=True)
class _Layout:
    """A wave's pages, its items by answer key and its instruments by version id."""

    pages: tuple[FormPage, ...]
    items: dict[str, Item]
    instruments: dict[int, Instrument]


def _layout(session: Session, wave: Wave) -> _Layout:
    rows = session.execute(
        select(WaveInstrument.instrument_version_id, InstrumentVersion)
        .join(InstrumentVersion, InstrumentVersion.id == WaveInstrument.instrument_version_id)
        .where(WaveInstrument.wave_id == wave.id)
        .order_by(WaveInstrument.position, WaveInstrument.id)
    ).all()
    pages: list[FormPage] = []
    items: dict[str, Item] = {}
    instruments: dict[int, Instrument] = {}
    for version_id, version in rows:
        instrument = instruments[version_id] = _instrument(version)
        chunks = _split(instrument.items, ITEMS_PER_PAGE)
        for part, chunk in enumerate(chunks, start=1):
            pages.append(FormPage(number=len(pages) + 1, version_id=version_id, instrument=instrument,
                                  items=chunk, first_of_instrument=part == 1, part=part, parts=len(chunks)))
        for item in instrument.items:
            items[answer_key(version_id, item.id)] = item
    return _Layout(tuple(pages), items, instruments)


# --------------------------------------------------------------------------- access


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
    wave = session.get(Wave, wave_id)
    participant = session.get(Participant, participant_id)
    if wave is None or participant is None:
        raise SurveyUnavailable()
    status = session.scalar(
        select(Enrolment.status).where(Enrolment.participant_id == participant.id,
                                       Enrolment.cohort_id == wave.cohort_id)
    )
    if status is None:
        raise SurveyUnavailable()
    if participant.withdrawn_at is not None:
        raise ParticipantWithdrawn()
    if status is EnrolmentStatus.UNENROLLED:
        raise NotEnrolled()
    return participant, wave


def _check_window(wave: Wave, now: datetime) -> None:
    if wave.opens_at is not None and now < wave.opens_at:
        raise WaveNotOpen(wave.opens_at)
    if wave.closes_at is not None and now >= wave.closes_at:
        raise WaveClosed(wave.closes_at)


def _find_response(session: Session, participant_id: int, wave_id: int) -> Response | None:
    return session.scalar(
        select(Response)
        .where(Response.participant_id == participant_id, Response.wave_id == wave_id)
        .execution_options(populate_existing=True)
    )


def _stored_answers(session: Session, response_id: int) -> dict[str, Answer]:
    rows = session.scalars(
        select(Answer).where(Answer.response_id == response_id).execution_options(populate_existing=True)
    ).all()
    return {answer_key(a.instrument_version_id, a.item_key): a for a in rows}


def _value(answer: Answer) -> int | str:
    if answer.value_text is not None:
        return answer.value_text
    assert answer.value_number is not None
    return int(answer.value_number)


def _form(participant: Participant, wave: Wave, response: Response, layout: _Layout,
          stored: Mapping[str, Answer]) -> SurveyForm:
    answers = {k: _value(a) for k, a in stored.items()}
    return SurveyForm(participant=participant, wave=wave, response=response, pages=layout.pages,
                      answers=answers, _items=layout.items)


def _language(language: str | None, fallback: str) -> str:
    if language in LANGUAGES:
        return language  # type: ignore[return-value]
    return fallback if fallback in LANGUAGES else "km"


# --------------------------------------------------------------------------- use cases


def open_form(session: Session, *, participant_id: int, wave_id: int, now: datetime,
              channel: str = "link", language: str | None = None) -> SurveyForm:
    """The participant's form for a wave, creating the draft response on first open.

    A submitted response is returned as it is (show its receipt), whatever the
    date. A draft or a new response needs the wave to be open.

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
    participant, wave = check_access(session, participant_id=participant_id, wave_id=wave_id)
    response = _find_response(session, participant.id, wave.id)
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        return _form(participant, wave, response, _layout(session, wave), _stored_answers(session, response.id))
    _check_window(wave, now)
    if response is None:
        if not session.scalar(select(WaveInstrument.id).where(WaveInstrument.wave_id == wave.id).limit(1)):
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
    return _form(participant, wave, response, _layout(session, wave), _stored_answers(session, response.id))


def _lock_draft(session: Session, participant_id: int, wave_id: int, now: datetime) -> Response:
    """Take the response's write lock; raise when it is missing or already submitted."""
    session.flush()
    result = session.execute(
        update(Response)
        .where(Response.participant_id == participant_id, Response.wave_id == wave_id,
               Response.status == ResponseStatus.DRAFT)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    response = _find_response(session, participant_id, wave_id)
    if result.rowcount == 1 and response is not None:
        return response
    if response is not None and response.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(_receipt(response))
    raise ConsentRequired()


def _draft_for_writing(session: Session, participant_id: int, wave_id: int,
                       now: datetime) -> tuple[Participant, Wave, Response]:
    participant, wave = check_access(session, participant_id=participant_id, wave_id=wave_id)
    existing = _find_response(session, participant.id, wave.id)
    if existing is not None and existing.status is ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(_receipt(existing))
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


def _parse(item: Item, instrument: Instrument, raw: Any) -> tuple[float | None, str | None, dict | None]:
    """(number, text, problem) for one raw value; (None, None, None) clears the answer."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None, None
    if item.type == "text":
        if not isinstance(raw, str):
            return None, None, _problem("wrong_type", "Write your answer as text.")
        text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
        if _CONTROL.search(text):
            return None, None, _problem("bad_characters",
                                        "Your answer contains control characters; please retype it.")
        limit = item.max_length or TEXT_MAX_LENGTH
        if len(text) > limit:
            return None, None, _problem(
                "too_long", f"Your answer is {len(text)} characters long; please shorten it to "
                f"{limit} characters or fewer.", max_length=limit, length=len(text))
        return None, text, None
    number: int | None = None
    if isinstance(raw, bool):
        number = None
    elif isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str) and _INTEGER.match(raw):
        number = int(raw)
    allowed = _allowed_values(item, instrument)
    if number is None or number not in allowed:
        return None, None, _problem("not_an_option", "Choose one of the answers shown.",
                                    allowed=sorted(allowed))
    return float(number), None, None


def _allowed_values(item: Item, instrument: Instrument) -> set[int]:
    if item.type == "likert":
        scale = instrument.scale_of(item)
        return set(scale.values) | set(scale.missing_values)
    if item.type == "yes_no":
        return {0, 1}
    return {option.value for option in item.options}


def _validate(layout: _Layout, answers: Mapping[str, Any]) -> dict[str, tuple[float | None, str | None]]:
    parsed: dict[str, tuple[float | None, str | None]] = {}
    errors: dict[str, dict[str, Any]] = {}
    for key, raw in answers.items():
        item = layout.items.get(key)
        if item is None:
            errors[str(key)[:120]] = _problem("unknown_item", "This question is not part of this survey.")
            continue
        version_id = int(_ANSWER_KEY.match(key).group(1))  # type: ignore[union-attr]
        number, text, problem = _parse(item, layout.instruments[version_id], raw)
        if problem is not None:
            errors[key] = problem
        else:
            parsed[key] = (number, text)
    if errors:
        count = len(errors)
        raise AnswersRejected(
            f"{count} answer{'s' if count > 1 else ''} could not be saved; correct the marked "
            "question" + ("s" if count > 1 else "") + " and send the page again. Nothing was changed.",
            errors=errors,
        )
    return parsed


def _apply(session: Session, response: Response, parsed: Mapping[str, tuple[float | None, str | None]],
           stored: dict[str, Answer]) -> None:
    """Write ``parsed`` over the ``stored`` answers (updated in place)."""
    for key, (number, text) in parsed.items():
        existing = stored.get(key)
        if number is None and text is None:
            if existing is not None:
                session.delete(existing)
                del stored[key]
            continue
        if existing is None:
            match = _ANSWER_KEY.match(key)
            assert match is not None
            stored[key] = Answer(response_id=response.id, instrument_version_id=int(match.group(1)),
                                 item_key=match.group(2), value_number=number, value_text=text)
            session.add(stored[key])
        else:
            existing.value_number, existing.value_text = number, text
    session.flush()


def save_draft(session: Session, *, participant_id: int, wave_id: int, answers: Mapping[str, Any],
               now: datetime, language: str | None = None) -> SurveyForm:
    """Validate and store some answers of a draft; the whole call is refused on any bad answer.

    ``answers`` maps answer keys to values; ``None`` or ``""`` removes a stored
    answer. Required items are not checked here (see :func:`submit`).

    Raises
    ------
    AnswersRejected
        Unknown answer keys, values outside the item's scale or options, wrong
        types, text too long or with control characters; ``errors`` maps each
        key to ``{"code", "message", ...}``.
    ConsentRequired, AlreadySubmitted, WaveNotOpen, WaveClosed
        And the access errors of :func:`check_access`.
    """
    participant, wave, response = _draft_for_writing(session, participant_id, wave_id, now)
    if response.consent_at is None:
        raise ConsentRequired()
    layout = _layout(session, wave)
    parsed = _validate(layout, answers)
    stored = _stored_answers(session, response.id)
    _apply(session, response, parsed, stored)
    if language in LANGUAGES:
        response.language = language
    session.flush()
    return _form(participant, wave, response, layout, stored)


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
    layout = _layout(session, wave)
    stored = _stored_answers(session, response.id)
    if answers:
        _apply(session, response, _validate(layout, answers), stored)
    form = _form(participant, wave, response, layout, stored)
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
    receipt = _receipt(response)
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
    return _receipt(response)

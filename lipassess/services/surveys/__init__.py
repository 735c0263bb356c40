"""The participant's survey: open a wave's form, consent, save drafts, submit exactly once.

Modules: :mod:`~lipassess.services.surveys.operations` (the use cases and the
exactly-once guard), :mod:`~lipassess.services.surveys.form` (pages, the
participant's view, receipts), :mod:`~lipassess.services.surveys.answers`
(parsing, validating and storing answers), :mod:`~lipassess.services.surveys.save_at_once`
(a page save in one statement on PostgreSQL), :mod:`~lipassess.services.surveys.errors`.
"""

from lipassess.instruments.answers import TEXT_MAX_LENGTH
from lipassess.services.surveys.errors import (
    AlreadySubmitted,
    AnswersIncomplete,
    AnswersRejected,
    ConsentRequired,
    NotEnrolled,
    ParticipantWithdrawn,
    SurveyUnavailable,
    WaveClosed,
    WaveEmpty,
    WaveNotOpen,
)
from lipassess.services.surveys.form import ITEMS_PER_PAGE, FormPage, Receipt, SurveyForm, answer_key
from lipassess.services.surveys.operations import (
    open_form,
    receipt_for,
    record_consent,
    save_draft,
    submit,
)
from lipassess.services.surveys.save_at_once import save_draft_at_once

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
    "open_form",
    "receipt_for",
    "record_consent",
    "save_draft",
    "save_draft_at_once",
    "submit",
]

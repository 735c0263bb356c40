"""What can go wrong for a participant answering a survey, as error classes with friendly messages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lipassess.errors import Conflict, Gone, InvalidInput, NotFound, PermissionDenied

if TYPE_CHECKING:
    from lipassess.services.surveys.form import Receipt


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

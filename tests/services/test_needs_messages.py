"""A needs wave's invitation says what the needs assessment is for; its reminders are the usual ones."""

from __future__ import annotations

from datetime import UTC, datetime

from lipassess.services.messages import render

CLOSES = datetime(2025, 1, 30, 17, 0, tzinfo=UTC)  # midnight in Cambodia: the last day is 30 January


def message(kind: str, language: str, wave_kind: str = "needs") -> str:
    return render(kind=kind, language=language, name="Dara", course="LIP-C7", wave_kind=wave_kind,
                  url="https://lip.example/s/abc", closes_at=CLOSES)


def test_the_invitation_to_a_needs_wave() -> None:
    english = message("invitation", "en")
    assert "Please answer the training-needs survey for LIP-C7" in english
    assert "which competencies to teach first, and to whom" in english
    assert "whether the program has helped" not in english
    khmer = message("invitation", "km")
    assert "ការស្ទង់មតិអំពីតម្រូវការបណ្តុះបណ្តាល" in khmer and "លោកអ្នក" in khmer and "៣០" in khmer


def test_reminders_and_other_waves_are_unchanged() -> None:
    assert "we have not yet received your answers to the training-needs survey" in message("reminder_1", "en")
    assert "whether the program has helped" in message("invitation", "en", wave_kind="pre")

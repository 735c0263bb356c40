"""Invitation and reminder texts: both languages, dates as each language writes them, escaping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lipassess.reports.numbers import fmt_date
from lipassess.services.messages import format_day, last_day, message_language, render

PP = timezone(timedelta(hours=7))
URL = "https://survey.example.gov.kh/s/" + "A" * 43


def test_days_in_khmer_and_english() -> None:
    moment = datetime(2024, 3, 10, 20, 30, tzinfo=UTC)  # already 11 March in Phnom Penh
    assert format_day(moment, "en") == "11 March 2024"
    assert format_day(moment, "km") == "ថ្ងៃទី ១១ ខែមីនា ឆ្នាំ ២០២៤"
    assert format_day(datetime(2025, 12, 1, tzinfo=PP), "km") == "ថ្ងៃទី ១ ខែធ្នូ ឆ្នាំ ២០២៥"


@pytest.mark.parametrize("language", ["en", "km"])
def test_messages_and_the_impact_summary_write_a_day_the_same_way(language: str) -> None:
    moment = datetime(2025, 6, 11, 9, tzinfo=PP)
    assert format_day(moment, language) == fmt_date(moment.date(), language)


def test_a_wave_closing_at_midnight_ends_the_day_before() -> None:
    assert last_day(datetime(2024, 3, 11, tzinfo=PP)).date().isoformat() == "2024-03-10"
    assert last_day(datetime(2024, 3, 11, 8, tzinfo=PP)).date().isoformat() == "2024-03-11"


@pytest.mark.parametrize(("given", "used"), [("km", "km"), ("en", "en"), ("fr", "km"), (None, "km")])
def test_message_language(given: str | None, used: str) -> None:
    assert message_language(given) == used


def test_names_and_course_are_escaped_the_link_is_kept() -> None:
    text = render(kind="invitation", language="en", name="Patrick O'Neil <b>", course="LIP & <i>Co</i>",
                  wave_kind="post", url=URL, closes_at=datetime(2024, 11, 21, tzinfo=PP))
    assert "<p>Dear Patrick O&#x27;Neil &lt;b&gt;,</p>" in text
    assert "LIP &amp; &lt;i&gt;Co&lt;/i&gt;" in text
    assert f'<a href="{URL}">{URL}</a>' in text
    assert "end-of-course leadership survey" in text and "Please answer by 20 November 2024." in text


def test_khmer_reminder() -> None:
    text = render(kind="reminder_1", language="km", name="រតនា ពេជ្រ", course="LIP Cohort 5 (2023)",
                  wave_kind="followup", url=URL, closes_at=datetime(2025, 6, 12, tzinfo=PP))
    assert text.startswith("<p>សូមជម្រាបសួរ រតនា ពេជ្រ</p><p>នេះជាការរំលឹក៖")
    assert "ការស្ទង់មតិតាមដានក្រោយវគ្គសិក្សា" in text
    assert "តំណភ្ជាប់នេះជំនួសតំណភ្ជាប់ក្នុងសារមុនៗ។" in text
    assert "សូមបំពេញឲ្យបានត្រឹមថ្ងៃទី ១១ ខែមិថុនា ឆ្នាំ ២០២៥។" in text
    assert text.endswith("<p>កម្មវិធីភាពជាអ្នកដឹកនាំ និងនវានុវត្តន៍ · សាលាភូមិន្ទរដ្ឋបាល</p>")


def test_a_participant_without_a_name() -> None:
    assert render(kind="invitation", language="km", name=" ", course="C", wave_kind="pre", url=URL,
                  closes_at=None).startswith("<p>សូមជម្រាបសួរ អ្នកចូលរួម</p>")
    english = render(kind="invitation", language="en", name="", course="C", wave_kind="pre", url=URL, closes_at=None)
    assert english.startswith("<p>Dear participant,</p>") and "Please answer by" not in english

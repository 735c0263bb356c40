"""The LTI landing pages write dates as the summaries and messages do, on Cambodia's calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lipassess.web.lti import phnom_penh_date

LATE_EVENING_UTC = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)  # already 22 November in Phnom Penh (UTC+7)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "22 November 2026"),
    ("km", "ថ្ងៃទី ២២ ខែវិច្ឆិកា ឆ្នាំ ២០២៦"),
])
def test_the_day_is_cambodias_and_written_in_full(lang: str, expected: str) -> None:
    assert phnom_penh_date(LATE_EVENING_UTC, lang) == expected


def test_no_date_is_an_empty_string() -> None:
    assert phnom_penh_date(None, "km") == ""

"""Numbers per language: Khmer digits with the CLDR km separators, a real minus sign."""

from __future__ import annotations

import datetime as dt

import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.numbers import fmt_date, fmt_decimal, fmt_int, fmt_interval, fmt_percent


@pytest.mark.parametrize(
    ("value", "lang", "kwargs", "expected"),
    [
        (0.7649, "en", {}, "0.76"),
        (0.7649, "km", {}, "០,៧៦"),
        (-0.345, "en", {}, "\u22120.34"),  # 0.345 is stored as 0.34499..., so it rounds down, as printf does
        (-0.3, "km", {}, "\u2212០,៣០"),
        (-0.001, "en", {}, "0.00"),
        (1234.5, "en", {"digits": 1}, "1,234.5"),
        (1234.5, "km", {"digits": 1}, "១.២៣៤,៥"),
        (0.76, "km", {"khmer_digits": False}, "0,76"),
    ],
)
def test_fmt_decimal(value: float, lang: str, kwargs: dict, expected: str) -> None:
    assert fmt_decimal(value, lang, **kwargs) == expected


def test_counts_percentages_intervals_and_dates() -> None:
    assert fmt_int(1234, "en") == "1,234"
    assert fmt_int(1234, "km") == "១.២៣៤"
    assert fmt_percent(0.894, "en") == "89%"
    assert fmt_percent(0.894, "km") == "៨៩%"
    assert fmt_percent(0.0001, "en") == "0%"
    assert fmt_interval(0.68, 1.02, "en") == "[0.68, 1.02]"
    assert fmt_interval(-0.04, 0.28, "km") == "[\u2212០,០៤; ០,២៨]"
    assert fmt_date(dt.date(2025, 3, 1), "en") == "1 March 2025"
    assert fmt_date(dt.date(2025, 3, 1), "km") == "ថ្ងៃទី ១ ខែមីនា ឆ្នាំ ២០២៥"


def test_unknown_language_and_missing_numbers_are_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown language 'fr'"):
        fmt_decimal(1.0, "fr")
    with pytest.raises(ValueError, match="say why it is missing"):
        fmt_decimal(float("nan"), "en")

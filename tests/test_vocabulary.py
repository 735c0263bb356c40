"""The shared vocabulary: one spelling and order of waves, languages, outcomes and Khmer dates."""

from __future__ import annotations

import datetime as dt

import pytest

from lipassess import vocabulary
from lipassess.store.models import WaveKind


def test_wave_kind_values_are_the_vocabulary_and_unchanged_in_the_database() -> None:
    assert [k.value for k in WaveKind] == list(vocabulary.WAVE_KINDS) == [
        "needs", "pre", "post", "retro_pre", "followup"]


def test_every_wave_has_a_label_in_every_language() -> None:
    assert set(vocabulary.WAVE_LABELS) == set(vocabulary.WAVE_KINDS)
    for labels in vocabulary.WAVE_LABELS.values():
        assert set(labels) == set(vocabulary.LANGUAGES)


def test_waves_sort_in_order_unknown_last() -> None:
    assert sorted(["followup", "x", "pre", "retro_pre", "post", "needs"], key=vocabulary.wave_sort_key) == [
        "needs", "pre", "post", "retro_pre", "followup", "x"]


@pytest.mark.parametrize(("given", "default", "used"), [
    ("en", "km", "en"), ("km", "en", "km"), ("fr", "km", "km"), (None, "en", "en"), ("", None, None)])
def test_normalise_language(given: str | None, default: str | None, used: str | None) -> None:
    assert vocabulary.normalise_language(given, default) == used


def test_khmer_date() -> None:
    assert vocabulary.format_date(dt.date(2024, 11, 20), "km") == "ថ្ងៃទី ២០ ខែវិច្ឆិកា ឆ្នាំ ២០២៤"
    assert vocabulary.format_date(dt.date(2024, 11, 20), "km", use_khmer_digits=False) == "ថ្ងៃទី 20 ខែវិច្ឆិកា ឆ្នាំ 2024"
    assert vocabulary.format_date(dt.date(2024, 11, 20), "en") == "20 November 2024"
    with pytest.raises(ValueError, match="unknown language"):
        vocabulary.format_date(dt.date(2024, 11, 20), "fr")


def test_outcome_key() -> None:
    assert vocabulary.outcome_key(vocabulary.TOTAL) == vocabulary.TOTAL_OUTCOME == vocabulary.OUTCOMES[0]
    assert vocabulary.outcome_key("communication") == "communication"

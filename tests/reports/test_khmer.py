"""Zero-width spaces go between known Khmer words, never inside a cluster or an unknown word."""

from __future__ import annotations

from lipassess.reports.khmer import ZWSP, add_break_opportunities, unknown_runs


def test_breaks_between_known_words_only() -> None:
    text = "អ្នកចូលរួមបានប្រសើរឡើង"
    assert add_break_opportunities(text) == ZWSP.join(["អ្នកចូលរួម", "បាន", "ប្រសើរឡើង"])
    assert add_break_opportunities(text).replace(ZWSP, "") == text


def test_unknown_khmer_stays_glued_to_its_neighbours() -> None:
    # សួស្តី (hello) is not in the lexicon: no break on either side of it
    assert add_break_opportunities("បានសួស្តីបាន") == "បានសួស្តីបាន"
    assert unknown_runs("បានសួស្តីបាន") == ["សួស្តី"]


def test_latin_digits_spaces_and_punctuation_are_untouched() -> None:
    text = "Hedges' g_av = ០,៨៥; n = ១៥០ នាក់។"
    assert add_break_opportunities(text) == text


def test_no_break_falls_inside_a_cluster() -> None:
    for text in ("ស្ត្រី", "ប្រាស្រ័យទាក់ទង", "ក្រសួង"):
        out = add_break_opportunities(text)
        for i, ch in enumerate(out):
            if ch == ZWSP:
                assert out[i + 1] not in "\u17d2" and not ("\u17b6" <= out[i + 1] <= "\u17d1")
                assert out[i - 1] != "\u17d2"

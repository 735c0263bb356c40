"""Scoring against values worked by hand (the arithmetic is written next to each value)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.errors import InvalidInput
from lipassess.scoring import (
    min_answered,
    reverse_keyed_frame,
    score_frame,
    score_response,
)
from tests.instruments.fixtures import SCORING_YAML, scoring_instrument

# Subscale a: A1..A5 with A2, A4 reversed (1..5 scale: x' = 1 + 5 - x = 6 - x).
# Subscale b: B1..B4 with B3 reversed. Total: the nine likert items.
FULL = {"A1": 5, "A2": 1, "A3": 4, "A4": 2, "A5": 3, "B1": 2, "B2": 3, "B3": 5, "B4": 4}
# a: 5 + (6-1) + 4 + (6-2) + 3 = 5 + 5 + 4 + 4 + 3 = 21 -> 21/5 = 4.2
# b: 2 + 3 + (6-5) + 4 = 10 -> 10/4 = 2.5
# total: (21 + 10) / 9 = 31/9 = 3.4444...
FULL_SCORES = {"a": 4.2, "b": 2.5, "total": 31 / 9}


@pytest.fixture()
def inst(tmp_path):
    return scoring_instrument(tmp_path)


def test_min_answered_is_the_ceiling_of_share_times_items():
    # 0.8*5 = 4; 0.8*4 = 3.2 -> 4; 0.8*9 = 7.2 -> 8; 0.8*10 = 8; 0.75*4 = 3
    assert [min_answered(0.8, n) for n in (5, 4, 9, 10)] == [4, 4, 8, 8]
    assert min_answered(0.75, 4) == 3
    assert min_answered(1.0, 6) == 6
    assert min_answered(0.01, 3) == 1


def test_reverse_keyed_items_score_min_plus_max_minus_x(inst):
    result = score_response(inst, FULL)
    assert result.scores == pytest.approx(FULL_SCORES)
    a, b = result.subscales
    assert (a.answered, a.expected, a.min_answered) == (5, 5, 4)
    assert (b.answered, b.expected, b.min_answered) == (4, 4, 4)
    assert (result.total.answered, result.total.expected) == (9, 9)


def test_all_reversed_items_at_the_top_score_the_bottom(inst):
    # Every item 5: a = (5 + 1 + 5 + 1 + 5)/5 = 17/5 = 3.4; b = (5 + 5 + 1 + 5)/4 = 4;
    # total = (17 + 16)/9 = 33/9
    result = score_response(inst, dict.fromkeys(FULL, 5))
    assert result.scores == pytest.approx({"a": 3.4, "b": 4.0, "total": 33 / 9})


def test_exactly_80_percent_answered_scores_just_below_does_not(inst):
    answers = dict(FULL)
    del answers["A5"]  # a: 4 of 5 answered = 80% exactly -> (5 + 5 + 4 + 4)/4 = 4.5
    answers["B4"] = None  # b: 3 of 4 = 75% < 80% -> missing
    result = score_response(inst, answers)
    # total: 7 of 9 answered = 77.8% < 80% (8 needed) -> missing
    assert result.scores == {"a": pytest.approx(4.5), "b": None, "total": None}
    assert result.subscales[1].answered == 3
    assert result.total.answered == 7

    answers.pop("A4")  # a: 3 of 5 = 60% -> missing
    assert score_response(inst, answers).scores["a"] is None


def test_total_at_exactly_eight_of_nine_items(inst):
    answers = dict(FULL)
    answers["B4"] = float("nan")  # 8 of 9 answered; 8 >= ceil(0.8 * 9) = 8
    # total = (21 + 2 + 3 + 1)/8 = 27/8 = 3.375
    assert score_response(inst, answers).scores["total"] == pytest.approx(3.375)


def test_a_lower_share_lets_three_of_four_score(tmp_path):
    inst = scoring_instrument(
        tmp_path, SCORING_YAML + "scoring: {method: mean, min_share_answered: 0.75}\n"
    )
    answers = dict(FULL)
    del answers["B4"]  # b: 3 of 4 = 75% -> (2 + 3 + 1)/3 = 2
    assert score_response(inst, answers).scores["b"] == pytest.approx(2.0)


def test_the_default_share_applies_when_the_instrument_declares_none(inst):
    # The fixture leaves min_share_answered out. b: 3 of 4 answered, 75%.
    answers = dict(FULL)
    del answers["B4"]
    frame = pd.DataFrame([answers], index=["p1"])
    assert score_response(inst, answers).scores["b"] is None  # 0.8 needs 4 of 4
    assert score_response(inst, answers, default_min_share=0.75).scores["b"] == pytest.approx(2.0)
    assert np.isnan(score_frame(inst, frame).loc["p1", "b"])
    assert score_frame(inst, frame, default_min_share=0.75).loc["p1", "b"] == pytest.approx(2.0)


def test_the_instrument_share_wins_over_the_default(tmp_path):
    inst = scoring_instrument(tmp_path, SCORING_YAML + "scoring: {min_share_answered: 0.8}\n")
    answers = dict(FULL)
    del answers["B4"]
    frame = pd.DataFrame([answers], index=["p1"])
    assert score_response(inst, answers, default_min_share=0.5).scores["b"] is None
    assert np.isnan(score_frame(inst, frame, default_min_share=0.5).loc["p1", "b"])


def test_all_missing_gives_no_scores(inst):
    result = score_response(inst, {})
    assert result.scores == {"a": None, "b": None, "total": None}
    assert all(s.answered == 0 for s in (*result.subscales, result.total))
    result = score_response(inst, dict.fromkeys(FULL))
    assert result.scores == {"a": None, "b": None, "total": None}


def test_missing_codes_count_as_missing(inst):
    answers = dict(FULL, A5=9)  # not applicable: a as if A5 were unanswered -> 18/4 = 4.5
    result = score_response(inst, answers)
    assert result.scores["a"] == pytest.approx(4.5)
    assert result.subscales[0].answered == 4
    answers["A4"] = 8  # don't know: 3 of 5 -> missing
    assert score_response(inst, answers).scores["a"] is None


def test_text_yes_no_and_choice_answers_do_not_enter_scores(inst):
    result = score_response(inst, dict(FULL, T="useful", Y=1, C=2))
    assert result.scores == pytest.approx(FULL_SCORES)
    assert result.total.expected == 9
    assert score_response(inst, dict(FULL, Y=True)).scores == pytest.approx(FULL_SCORES)


def test_integral_floats_from_the_store_are_accepted(inst):
    answers = {k: float(v) for k, v in FULL.items()}
    assert score_response(inst, answers).scores == pytest.approx(FULL_SCORES)


@pytest.mark.parametrize(
    ("item_id", "value"),
    [("A1", 6), ("A1", 0), ("A1", 2.5), ("A1", "3"), ("A1", True), ("A3", 7),
     ("Y", 2), ("Y", "yes"), ("C", 3), ("T", "far too long for ten"), ("T", 5)],
)
def test_invalid_answers_name_the_item(inst, item_id, value):
    with pytest.raises(InvalidInput, match=f"item '{item_id}'"):
        score_response(inst, dict(FULL, **{item_id: value}))


def test_unknown_item_ids_are_refused(inst):
    with pytest.raises(InvalidInput, match="unknown item 'Z9'"):
        score_response(inst, dict(FULL, Z9=3))


def test_result_serialises(inst):
    result = score_response(inst, dict(FULL, B4=None, B3=None))
    data = result.to_dict()
    assert data["instrument_id"] == "scoring-fixture"
    assert data["content_hash"] == inst.content_hash
    assert data["subscales"][1] == {
        "id": "b", "score": None, "answered": 2, "expected": 4, "min_answered": 4
    }
    assert "NA" in result.summary() and "4.200" in result.summary()


def test_zero_based_scale_reverses_as_min_plus_max_minus_x(tmp_path):
    text = (
        SCORING_YAML.replace("min: 1", "min: 0").replace("max: 5", "max: 6")
        .replace("- {value: 1, label: {en: Never", "- {value: 0, label: {en: Never")
        .replace("- {value: 5, label: {en: Always", "- {value: 6, label: {en: Always")
    )
    inst = scoring_instrument(tmp_path, text)
    # a: A1=0, A2=0 -> 0+6-0 = 6, A3=6, A4=6 -> 0, A5=3: (0 + 6 + 6 + 0 + 3)/5 = 3
    answers = {"A1": 0, "A2": 0, "A3": 6, "A4": 6, "A5": 3}
    assert score_response(inst, answers).scores["a"] == pytest.approx(3.0)


# --------------------------------------------------------------------------- frames


def _hand_frame() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = {
        "full": dict(FULL, T="ok", Y=1, C=1),
        "a80_b75": {**{k: v for k, v in FULL.items() if k not in ("A5", "B4")}},
        "na_codes": dict(FULL, A5=9, A4=8),
        "empty": {},
        "eight_of_nine": dict(FULL, B4=None),
    }
    frame = pd.DataFrame(list(rows.values()), index=list(rows), columns=[*FULL, "T", "Y", "C"])
    expected = pd.DataFrame(
        {
            # full: see FULL_SCORES
            # a80_b75: a = (5+5+4+4)/4 = 4.5; b 3/4 -> NaN; total 7/9 -> NaN
            # na_codes: a 3/5 -> NaN; b = 2.5; total (5+5+4 + 10)/7 = 24/7, 7/9 -> NaN
            # eight_of_nine: a 4.2; b 3/4 -> NaN; total (21 + 2+3+1)/8 = 27/8
            "a": [4.2, 4.5, np.nan, np.nan, 4.2],
            "b": [2.5, np.nan, 2.5, np.nan, np.nan],
            "total": [31 / 9, np.nan, np.nan, np.nan, 27 / 8],
        },
        index=list(rows),
    )
    return frame, expected


def test_score_frame_matches_hand_values(inst):
    frame, expected = _hand_frame()
    scored = score_frame(inst, frame)
    assert list(scored.columns) == ["a", "b", "total"]
    assert list(scored.index) == list(frame.index)
    assert_allclose(scored.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)


def test_score_frame_counts(inst):
    frame, _ = _hand_frame()
    scored = score_frame(inst, frame, counts=True)
    assert list(scored.columns) == ["a", "a_answered", "b", "b_answered", "total",
                                    "total_answered"]
    assert scored["a_answered"].tolist() == [5, 4, 3, 0, 5]
    assert scored["total_answered"].tolist() == [9, 7, 7, 0, 8]


def test_score_frame_absent_item_columns_count_as_unanswered(inst):
    frame = pd.DataFrame([FULL]).drop(columns=["A5"])
    assert score_frame(inst, frame)["a"].iloc[0] == pytest.approx(4.5)


def test_score_frame_accepts_nullable_integers(inst):
    frame = pd.DataFrame([FULL, dict.fromkeys(FULL)]).astype("Int64")
    scored = score_frame(inst, frame)
    assert scored["a"].iloc[0] == pytest.approx(4.2)
    assert math.isnan(scored["a"].iloc[1])


@pytest.mark.parametrize(
    ("column", "value"),
    [("A1", 6), ("A1", 0), ("A1", 2.5), ("A1", "3"), ("Y", 2), ("C", 7),
     ("T", "far too long for ten"), ("T", 3)],
)
def test_score_frame_refuses_invalid_values_naming_item_and_row(inst, column, value):
    frame, _ = _hand_frame()
    frame[column] = frame[column].astype(object)
    frame.loc["na_codes", column] = value
    with pytest.raises(InvalidInput, match=f"item '{column}'.*row 'na_codes'"):
        score_frame(inst, frame)


def test_score_frame_refuses_unknown_columns(inst):
    frame = pd.DataFrame([dict(FULL, participant=1)])
    with pytest.raises(InvalidInput, match="unknown item column 'participant'"):
        score_frame(inst, frame)


def test_reverse_keyed_frame_recodes_and_masks_codes(inst):
    frame = pd.DataFrame([dict(FULL, A5=9)])
    keyed = reverse_keyed_frame(inst, frame, items=["A1", "A2", "A4", "A5", "B3"])
    # A2: 6-1 = 5; A4: 6-2 = 4; A5: code 9 -> NaN; B3: 6-5 = 1
    assert_allclose(keyed.to_numpy(), [[5, 5, 4, np.nan, 1]])
    with pytest.raises(InvalidInput, match="text item"):
        reverse_keyed_frame(inst, frame, items=["T"])


def test_score_frame_agrees_with_score_response_row_by_row(inst):
    rng = np.random.default_rng(20240601)
    n = 200
    data = {
        item: rng.choice([1, 2, 3, 4, 5, 8, 9, np.nan], size=n,
                         p=[0.16, 0.16, 0.16, 0.16, 0.16, 0.04, 0.06, 0.1])
        for item in FULL
    }
    frame = pd.DataFrame(data)
    scored = score_frame(inst, frame)
    for i in range(n):
        answers = {k: (None if np.isnan(v) else int(v)) for k, v in frame.iloc[i].items()}
        expected = score_response(inst, answers).scores
        got = {k: (None if np.isnan(v) else v) for k, v in scored.iloc[i].items()}
        assert got == pytest.approx(expected)


def test_empty_frame_gives_empty_scores(inst):
    scored = score_frame(inst, pd.DataFrame(columns=list(FULL)))
    assert scored.shape == (0, 3)


def test_score_frame_object_columns_of_numbers_and_none(inst):
    # As built from stored answers: Python ints/floats with None for unanswered.
    frame = pd.DataFrame([FULL, dict(FULL, A5=None, B4=None)], dtype=object)
    scored = score_frame(inst, frame)
    # row 2: a = (5+5+4+4)/4 = 4.5; b 3/4 -> NaN
    assert_allclose(scored.to_numpy(), [[4.2, 2.5, 31 / 9], [4.5, np.nan, np.nan]])


@pytest.mark.parametrize("column", [
    pd.Series([True, False], dtype=bool),
    pd.Series([True, None], dtype="boolean"),
    pd.Series([True, 3], dtype=object),
])
def test_score_frame_refuses_booleans_in_likert_columns(inst, column):
    frame = pd.DataFrame({"A1": column, "A2": [1, 2]})
    with pytest.raises(InvalidInput, match="item 'A1'.*row 0"):
        score_frame(inst, frame)

"""Bad input: one-line InvalidInput that names the column and says what to do;
degenerate-but-valid data: NaN with the reason in notes, never a crash."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from lipassess.analysis import icc, reliability, reliable_change
from lipassess.analysis.validation import (
    TOO_FEW_ROWS,
    check_scale,
    numeric_frame,
    numeric_series,
    paired_frame,
)
from lipassess.errors import InvalidInput


def items(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"q1": [1, 2, 4, 4, 5, 3], "q2": [2, 2, 3, 5, 4, 3], "q3": [1, 3, 3, 4, 5, 2]}
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


BAD_INPUTS = [
    pytest.param(
        lambda: reliability(items(), reverse=["q9"]),
        r"Reversed item 'q9' is not one of",
        id="reliability-missing-reversed-column",
    ),
    pytest.param(
        lambda: reliability(items(q2=[2, 2, "three", 5, 4, 3])),
        r"Column 'q2' has the non-numeric value 'three' in row 2",
        id="reliability-non-numeric",
    ),
    pytest.param(
        lambda: reliability(items(q3=[1, 3, 3, 7, 5, 2])),
        r"Column 'q3' has the value 7 in row 3, outside the scale 1-5",
        id="reliability-out-of-scale",
    ),
    pytest.param(
        lambda: reliability(items().iloc[:2]),
        r"Reliability needs at least 3 participants with complete data; 2 remain",
        id="reliability-too-few-rows",
    ),
    pytest.param(
        lambda: reliability(items().iloc[:1]),
        r"needs at least 3 participants .* 1 remain",
        id="reliability-one-participant",
    ),
    pytest.param(
        lambda: reliability(items(q1=[1, None, None, None, 5, 3], q2=[2, 2, None, 5, None, 3])),
        r"2 remain after removing 4 with missing values",
        id="reliability-too-few-complete-rows",
    ),
    pytest.param(
        lambda: reliability(items()[["q1"]]),
        r"Give at least 2 items; got 1",
        id="reliability-one-item",
    ),
    pytest.param(
        lambda: reliability(items(), scale=(5, 1)),
        r"scale must go from a lower to a higher",
        id="reliability-bad-scale",
    ),
    pytest.param(
        lambda: reliability(items(), reverse=["q1"], scale=None),
        r"Give the response scale",
        id="reliability-reverse-without-scale",
    ),
    pytest.param(
        lambda: reliability([[1, 2], [3, 4]]), r"Expected a table", id="reliability-not-a-frame"
    ),
    pytest.param(
        lambda: reliability(items(q1=[1.0, 2, np.inf, 4, 5, 3])),
        r"Column 'q1' has an infinite value in row 2",
        id="reliability-infinite",
    ),
    pytest.param(
        lambda: reliability(items(q1=[True, False] * 3)),
        r"Column 'q1' holds true/false",
        id="reliability-boolean",
    ),
    pytest.param(
        lambda: reliable_change([3.0], [4.0], reliability=0.8),
        r"Estimating the pretest SD needs at least 2 participants",
        id="change-one-participant",
    ),
    pytest.param(
        lambda: reliable_change([3.0, "x"], [4.0, 4.0], reliability=0.8),
        r"Column 'pre' has the non-numeric value 'x' in row 1",
        id="change-non-numeric",
    ),
    pytest.param(
        lambda: reliable_change([3.0, 2.0, 1.0], [4.0, 4.0], reliability=0.8),
        r"pre has 3 values and post has 2",
        id="change-unequal-lists",
    ),
    pytest.param(
        lambda: reliable_change(
            pd.Series([3.0, 2.0], index=["a", "a"]),
            pd.Series([4.0, 4.0], index=["a", "b"]),
            reliability=0.8,
        ),
        r"Participant 'a' appears more than once in pre",
        id="change-duplicate-id",
    ),
    pytest.param(
        lambda: reliable_change(
            pd.Series([3.0, 2.0], index=["a", "b"]),
            pd.Series([4.0, 4.0], index=["c", "d"]),
            reliability=0.8,
            sd_pre=1.0,
        ),
        r"Reliable change needs at least 1 participants .* 0 remain after removing 4",
        id="change-no-pairs",
    ),
    pytest.param(
        lambda: icc(pd.DataFrame({"a": [1, 2], "b": [2, "?"]})),
        r"Column 'b' has the non-numeric value '\?' in row 1",
        id="icc-non-numeric",
    ),
    pytest.param(
        lambda: icc(pd.DataFrame({"a": [1], "b": [2]})),
        r"An ICC needs at least 2 participants",
        id="icc-one-target",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_input_raises_one_line_invalid_input(call, message):
    with pytest.raises(InvalidInput, match=message) as caught:
        call()
    assert "\n" not in str(caught.value)


def test_too_few_rows_is_machine_readable():
    with pytest.raises(InvalidInput) as caught:
        reliability(items().iloc[:2])
    assert caught.value.errors == {"reason": TOO_FEW_ROWS, "n_obs": 2, "min_rows": 3}


DEGENERATE = [
    pytest.param(
        lambda: reliability(items(q3=[3] * 6)),
        "zero variance",
        "omega_total",
        id="reliability-zero-variance-item",
    ),
    pytest.param(
        lambda: reliability(items(q1=[2] * 6, q2=[2] * 6, q3=[2] * 6)),
        "same answer from everyone",
        "alpha",
        id="reliability-all-identical",
    ),
    pytest.param(
        lambda: reliable_change([2.0] * 4, [2.0, 3.0, 4.0, 1.0], reliability=0.8),
        "pretest SD is 0",
        "sdiff",
        id="change-all-identical-pretest",
    ),
    pytest.param(
        lambda: icc(pd.DataFrame({"a": [2] * 4, "b": [2] * 4})),
        "identical",
        "ms_targets",
        id="icc-all-identical",
    ),
]


@pytest.mark.parametrize(("call", "reason", "field"), DEGENERATE)
def test_degenerate_data_give_nan_with_reason(call, reason, field):
    result = call()
    assert any(reason in note for note in result.notes)
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)
    value = payload[field]
    assert value is None or value == 0


def test_numeric_frame_lists_the_available_columns():
    with pytest.raises(InvalidInput, match=r"Column 'q7' not found; the data have 'q1', 'q2'"):
        numeric_frame(items(), ["q1", "q7"])


def test_numeric_frame_rejects_repeated_names():
    with pytest.raises(InvalidInput, match="listed more than once"):
        numeric_frame(items(), ["q1", "q1"])
    duplicated = pd.DataFrame([[1, 2]], columns=["q1", "q1"])
    with pytest.raises(InvalidInput, match="more than one column named q1"):
        numeric_frame(duplicated)


def test_numeric_frame_converts_numeric_text_and_keeps_blanks_missing():
    frame = numeric_frame(pd.DataFrame({"q": ["1", "2.5", None, ""]}).replace("", None))
    assert frame["q"].tolist()[:2] == [1.0, 2.5]
    assert math.isnan(frame["q"].iloc[2])


def test_numeric_series_keeps_the_index():
    series = numeric_series(pd.Series([1, 2], index=["p1", "p2"]), name="post", scale=(1, 5))
    assert series.index.tolist() == ["p1", "p2"] and series.name == "post"


def test_paired_frame_plain_lists_pair_by_position():
    frame, dropped = paired_frame([1, 2, None], [3, 4, 5])
    assert frame.index.tolist() == [0, 1] and dropped == 1


@pytest.mark.parametrize("scale", [(1,), ("a", "b"), (1, float("inf")), (3, 3)])
def test_check_scale_rejects_bad_scales(scale):
    with pytest.raises(InvalidInput, match="scale must"):
        check_scale(scale)

"""then_test(): checked against R 4.2.2 t.test (script: r/then_attrition_reference.R)."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import ThenTestResult, then_test
from lipassess.errors import InvalidInput

PRE = [3.4, 3.8, 3.0, 4.2, 3.6, 2.8, 3.9, 3.2, 3.5, 4.0]
RETRO = [2.9, 3.1, 2.8, 3.5, 3.2, 2.6, 3.3, 2.7, 3.4, 3.6]
POST = [3.9, 4.1, 3.6, 4.4, 4.0, 3.3, 4.3, 3.8, 3.7, 4.2]
RTOL = 1e-10


@pytest.fixture(scope="module")
def result() -> ThenTestResult:
    return then_test(PRE, RETRO, POST)


def test_gap_matches_r(result: ThenTestResult) -> None:
    # R: t.test(retro, pre, paired = TRUE); d <- retro - pre
    #    mean -0.43, CI -0.580998872943140787 -0.279001127056859255, p 0.000119258845985566
    #    mean(d) / sd(d) -2.037124274981941152
    #    mean(d) / ((sd(retro) + sd(pre)) / 2) -1.077646038996907141
    g = result.gap
    assert_allclose(
        [g.mean_diff, g.mean_diff_ci_low, g.mean_diff_ci_high, g.p_value, g.d_z, g.d_av],
        [-0.43, -0.580998872943140787, -0.279001127056859255, 0.000119258845985566,
         -2.037124274981941152, -1.077646038996907141],
        rtol=RTOL,
    )  # fmt: skip
    assert result.shift_direction == "retro_lower"
    assert "response shift" in result.interpretation


def test_effects_both_ways_match_r(result: ThenTestResult) -> None:
    # R: t.test(post, pre, paired = TRUE): mean 0.39, p 2.90426700220213e-05,
    #    d_z 2.44493952024215, d_av 0.986987990452276
    # R: t.test(post, retro, paired = TRUE): mean 0.82, p 1.83631572226249e-06,
    #    d_z 3.42460318529668, d_av 2.38389914158082
    a, b = result.with_pretest, result.with_retro_pre
    assert_allclose(
        [a.mean_diff, a.p_value, a.d_z, a.d_av],
        [0.39, 2.90426700220213e-05, 2.44493952024215, 0.986987990452276],
        rtol=1e-9,
    )
    assert_allclose(
        [b.mean_diff, b.p_value, b.d_z, b.d_av],
        [0.82, 1.83631572226249e-06, 3.42460318529668, 2.38389914158082],
        rtol=1e-9,
    )
    assert_allclose(result.d_av_difference, 2.38389914158082 - 0.986987990452276, rtol=1e-9)
    # The retrospective design adds exactly minus the gap to the mean change.
    assert_allclose(b.mean_diff - a.mean_diff, -result.gap.mean_diff, rtol=1e-12)


@pytest.mark.parametrize(
    ("retro", "direction"),
    [
        ([p + 0.3 + 0.05 * (i % 3) for i, p in enumerate(PRE)], "retro_higher"),
        ([p + (0.1 if i % 2 else -0.1) for i, p in enumerate(PRE)], "none"),
        ([p - 0.2 for p in PRE], "retro_lower"),
    ],
    ids=["higher", "no-shift", "constant-lower"],
)
def test_direction_flag(retro: list[float], direction: str) -> None:
    res = then_test(PRE, retro, POST)
    assert res.shift_direction == direction
    assert res.interpretation


def test_only_participants_with_all_three_scores() -> None:
    ids = [f"p{i}" for i in range(10)]
    pre = pd.Series(PRE, index=ids)
    retro = pd.Series(RETRO, index=ids).drop("p0")
    post = pd.Series(POST, index=ids).drop("p9")
    res = then_test(pre, retro, post)
    assert res.n_obs == 8
    assert res.gap.n_obs == res.with_pretest.n_obs == res.with_retro_pre.n_obs == 8
    assert any("2 participant(s)" in n for n in res.notes)
    assert "retro_pre - pretest" in res.summary()
    assert res.to_dict()["gap"]["n_obs"] == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PRE, RETRO[:-1], POST), "different lengths"),
        ((PRE[:1], RETRO[:1], POST[:1]), "at least 2"),
        ((PRE, ["a"] * 10, POST), "non-numeric"),
    ],
    ids=["lengths", "one-participant", "non-numeric"],
)
def test_bad_input(args: tuple[list, list, list], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        then_test(*args)

"""Rank tests on scale scores built from items, where ties must appear (issue 15, point 1).

Reference script: tests/analysis/r/ranks_reference.R. It writes
data/ties_items.csv (24 participants, six 1-5 items per wave) and runs every
rank test on the exact item SUMS, where equal differences are equal. The tests
below build the scale scores as item MEANS in floating point, where
21/6 - 20/6 and 24/6 - 23/6 differ in the last bit, and must get R's values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import attrition, paired, repeated, then_test
from lipassess.analysis._ranks import average_ranks, rank_sum, signed_rank, tie_safe

DATA = Path(__file__).parent / "data"
TOL = 1e-12


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    items = pd.read_csv(DATA / "ties_items.csv", index_col="id")
    out = pd.DataFrame(
        {wave: items[[f"{wave}_{i}" for i in range(1, 7)]].mean(axis=1)
         for wave in ("pre", "post", "retro", "followup")}
    )
    out["kept"] = items["kept"].astype(bool)
    return out


def test_the_float_means_really_break_ties(scores: pd.DataFrame) -> None:
    # The premise of the tests below: on the raw doubles some equal differences differ.
    diff = (scores["post"] - scores["pre"]).to_numpy()
    assert np.unique(np.abs(diff)).size > np.unique(np.abs(tie_safe(diff))).size


@pytest.mark.parametrize(
    ("after", "before", "v", "p", "r_rb", "r_lo", "r_hi"),
    [
        # R: wilcox.test(s_post, s_pre, paired = TRUE); effectsize::rank_biserial(s_post - s_pre)
        ("post", "pre", 190.5, 1.44359669967394e-03, 8.14285714285714e-01,
         5.64640189848573e-01, 9.27419225889128e-01),
        ("followup", "pre", 223.5, 9.51626934480238e-03, 6.19565217391304e-01,
         2.51802857860156e-01, 8.30969685496233e-01),
    ],
)
def test_paired_wilcoxon_and_rank_biserial_match_r_on_item_sums(
    scores: pd.DataFrame, after: str, before: str, v: float, p: float,
    r_rb: float, r_lo: float, r_hi: float,
) -> None:
    res = paired(scores[before], scores[after])
    assert res.wilcoxon_method == "normal"
    assert_allclose(res.wilcoxon_statistic, v, rtol=TOL)
    assert_allclose(res.wilcoxon_p_value, p, rtol=1e-10)
    assert_allclose(res.wilcoxon_r_rb, r_rb, rtol=1e-12)
    assert_allclose([res.wilcoxon_r_rb_ci_low, res.wilcoxon_r_rb_ci_high], [r_lo, r_hi], rtol=1e-10)


def test_r_on_the_raw_means_is_what_we_must_not_give(scores: pd.DataFrame) -> None:
    # R's default ranks the raw doubles: V = 189, p = 0.00178 (ranks_reference.R);
    # the item sums say V = 190.5.
    res = paired(scores["pre"], scores["post"])
    assert res.wilcoxon_statistic != 189.0


def test_then_test_uses_the_same_tie_rule(scores: pd.DataFrame) -> None:
    res = then_test(scores["pre"], scores["retro"], scores["post"])
    # R: wilcox.test(s_retro, s_pre, paired = TRUE), wilcox.test(s_post, s_retro, paired = TRUE)
    assert_allclose([res.gap.wilcoxon_statistic, res.gap.wilcoxon_p_value],
                    [135.0, 0.9387462031796059], rtol=1e-10)
    assert_allclose([res.with_retro_pre.wilcoxon_statistic, res.with_retro_pre.wilcoxon_p_value],
                    [229.0, 8.37779758772295e-04], rtol=1e-10)
    assert_allclose(res.gap.wilcoxon_r_rb, -0.0217391304347826, rtol=1e-10)


def test_friedman_on_scores_that_went_through_different_arithmetic(scores: pd.DataFrame) -> None:
    # The same means computed as sum * (1/6) at one wave and sum / 6 at the others
    # (two tools): equal scores differ in the last bit. R on the sums:
    # friedman.test(cbind(s_pre, s_post, s_fu)): Q = 7.707865168539326, p = 0.021196216414002.
    items = pd.read_csv(DATA / "ties_items.csv", index_col="id")
    sums = {w: items[[f"{w}_{i}" for i in range(1, 7)]].sum(axis=1).to_numpy(float)
            for w in ("pre", "post", "followup")}
    waves = pd.DataFrame({"pre": sums["pre"] * (1.0 / 6.0), "post": sums["post"] / 6.0,
                          "followup": sums["followup"] / 6.0}, index=items.index)
    assert ((waves["pre"] != waves["post"]) & (sums["pre"] == sums["post"])).any()
    res = repeated(waves)
    assert_allclose([res.friedman_q, res.friedman_p_value], [7.707865168539326, 0.021196216414002],
                    rtol=1e-12)


def test_mann_whitney_in_attrition_matches_r(scores: pd.DataFrame) -> None:
    # R: wilcox.test(s_pre[kept], s_pre[!kept]): W = 61, p = 0.877955745766918 (normal, ties)
    res = attrition(pd.DataFrame({"score": scores["pre"]}), scores["kept"])
    row = res.variables[0]
    assert_allclose([row.mann_whitney_u, row.mann_whitney_p_value], [61.0, 0.877955745766918],
                    rtol=1e-12)
    assert_allclose(row.rank_biserial, -0.046875, rtol=1e-12)


def test_exact_rank_sum_matches_r() -> None:
    # R: wilcox.test(c(12.2, 15, 17, 19, 11, 13.5), c(2, 3, 4, 6, 8, 10, 1))$p.value = 0.001165501165501
    #    wilcox.test(c(1.2, 5, 7, 9, 11, 13.5), c(2, 3, 4, 6, 8, 10)): W = 24, p = 0.393939393939394
    res = rank_sum(np.array([12.2, 15, 17, 19, 11, 13.5]), np.array([2, 3, 4, 6, 8, 10, 1.0]))
    assert res.method == "exact" and res.w == 42.0
    assert_allclose(res.p_value, 0.001165501165501165, rtol=1e-12)
    res = rank_sum(np.array([1.2, 5, 7, 9, 11, 13.5]), np.array([2, 3, 4, 6, 8, 10.0]))
    assert res.w == 24.0
    assert_allclose(res.p_value, 0.393939393939394, rtol=1e-12)


def test_differences_equal_up_to_noise_are_zero_and_tied() -> None:
    pre = np.array([20, 23, 21, 26, 22]) / 6
    post = np.array([21, 24, 22, 27, 23]) / 6  # every difference is 1/6 in the item sums
    assert np.unique(post - pre).size > 1  # the doubles disagree
    res = paired(pre, post)
    assert np.isnan(res.t) and np.isnan(res.p_value)
    assert any("t is infinite" in note for note in res.notes)
    test = signed_rank(post - pre)
    # Five tied positive differences: V = 15, normal approximation (R on the sums:
    # wilcox.test(c(21,24,22,27,23), c(20,23,21,26,22), paired = TRUE): V = 15, p = 0.0368884257...)
    assert test.v == 15.0 and test.method == "normal"
    assert_allclose(test.p_value, 0.0368884257070499, rtol=1e-9)


def test_average_ranks_match_r_rank() -> None:
    # R: rank(c(3, 1, 4, 1, 5, 9, 2, 6, 5)) = 4 1.5 5 1.5 6.5 9 3 8 6.5
    ranks, sizes = average_ranks(np.array([3, 1, 4, 1, 5, 9, 2, 6, 5.0]))
    assert_allclose(ranks, [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5])
    assert sorted(sizes.tolist()) == [1, 1, 1, 1, 1, 2, 2]

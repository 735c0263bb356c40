"""paired(): checked against R 4.2.2 (stats, effectsize 0.8.3) and published formulas.

Reference script: tests/analysis/r/paired_reference.R (prints every value below).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import PairedResult, paired
from lipassess.errors import InvalidInput

# R: sleep2 <- reshape(sleep, direction = "wide", idvar = "ID", timevar = "group")
#    pre <- sleep2$extra.1; post <- sleep2$extra.2
SLEEP_PRE = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_POST = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Tolerances: t-test and Wilcoxon are closed form (1e-10); noncentral-t limits
# are root-finding on pt(), whose own precision is ~1e-12 (rtol 1e-7).
CLOSED = 1e-10
ROOT = 1e-7


@pytest.fixture(scope="module")
def sleep() -> PairedResult:
    return paired(SLEEP_PRE, SLEEP_POST)


def test_descriptives_match_r(sleep: PairedResult) -> None:
    # R: c(sd(pre), sd(post), cor(pre, post))
    assert sleep.n_obs == 10
    assert_allclose(sleep.mean_pre, 0.75, rtol=CLOSED)
    assert_allclose(sleep.mean_post, 2.33, rtol=CLOSED)
    assert_allclose(
        [sleep.sd_pre, sleep.sd_post, sleep.r],
        [1.78900965775916254, 2.00224873579682905, 0.79517020583357778],
        rtol=CLOSED,
    )


def test_paired_t_matches_r(sleep: PairedResult) -> None:
    # R: t.test(post, pre, paired = TRUE)
    #    t = 4.06212768338203656, df = 9, p-value = 0.00283289019738427
    #    95 percent CI 0.70011423672301754 2.45988576327698238, mean difference 1.58
    assert sleep.df == 9
    assert_allclose(sleep.t, 4.06212768338203656, rtol=CLOSED)
    assert_allclose(sleep.p_value, 0.00283289019738427, rtol=1e-9)
    assert_allclose(sleep.mean_diff, 1.58, rtol=CLOSED)
    assert_allclose(
        [sleep.mean_diff_ci_low, sleep.mean_diff_ci_high],
        [0.70011423672301754, 2.45988576327698238],
        rtol=CLOSED,
    )


def test_wilcoxon_with_ties_and_zero_matches_r(sleep: PairedResult) -> None:
    # R: wilcox.test(post, pre, paired = TRUE)
    #    "Wilcoxon signed rank test with continuity correction", V = 45,
    #    p-value = 0.00909069801592506 (warnings: ties, zeroes)
    assert sleep.wilcoxon_statistic == 45
    assert_allclose(sleep.wilcoxon_p_value, 0.00909069801592506, rtol=1e-9)
    assert sleep.wilcoxon_method == "normal"
    assert any("zero differences dropped" in n for n in sleep.notes)


def test_d_z_and_noncentral_ci_match_r(sleep: PairedResult) -> None:
    # R: d <- post - pre; mean(d) / sd(d)                          -> 1.284557562591055
    #    lim <- ncp limits by uniroot(function(x) pt(t, 9, ncp = x) - p, ...)
    #    lim / sqrt(10)                      -> 0.414627756380144 2.118016513977067
    assert_allclose(sleep.d_z, 1.284557562591055, rtol=CLOSED)
    assert_allclose(
        [sleep.d_z_ci_low, sleep.d_z_ci_high], [0.414627756380144, 2.118016513977067], rtol=ROOT
    )


def test_d_z_ci_agrees_with_effectsize(sleep: PairedResult) -> None:
    # R: effectsize::cohens_d(post - pre)
    #    1.284557562591 | [0.414627667667, 2.118016508773]
    # effectsize finds the limits with optim(abstol = 1e-9), hence rtol 1e-6.
    assert_allclose(
        [sleep.d_z, sleep.d_z_ci_low, sleep.d_z_ci_high],
        [1.284557562591, 0.414627667667, 2.118016508773],
        rtol=1e-6,
    )


def test_d_av_and_g_av_match_published_formula(sleep: PairedResult) -> None:
    # Lakens (2013) eq. 10 and Algina & Keselman (2003), computed in R:
    #    sav <- (sd(pre) + sd(post)) / 2; dav <- mean(d) / sav    -> 0.833496341312704
    #    lim * sd(d) / (sqrt(n) * sav)         -> 0.269034824140120 1.374293427286283
    #    J <- 1 - 3 / (4 * (n - 1) - 1); J * dav                  -> 0.762053797771615
    #    J * (limits)                          -> 0.245974696356681 1.256496847804601
    assert_allclose(sleep.d_av, 0.833496341312704, rtol=CLOSED)
    assert_allclose(
        [sleep.d_av_ci_low, sleep.d_av_ci_high], [0.269034824140120, 1.374293427286283], rtol=ROOT
    )
    assert_allclose(sleep.g_av, 0.762053797771615, rtol=CLOSED)
    assert_allclose(
        [sleep.g_av_ci_low, sleep.g_av_ci_high], [0.245974696356681, 1.256496847804601], rtol=ROOT
    )


def test_ci_level_is_used() -> None:
    res = paired(SLEEP_PRE, SLEEP_POST, ci=0.90)
    # R: t.test(post, pre, paired = TRUE, conf.level = 0.90)$conf.int
    #    0.86699473297071650 2.29300526702928353
    assert_allclose(
        [res.mean_diff_ci_low, res.mean_diff_ci_high],
        [0.86699473297071650, 2.29300526702928353],
        rtol=CLOSED,
    )
    # R: ncp limits at conf 0.90 / sqrt(10)  -> 0.544639765922368 1.974615345114865
    #    d_av limits                         -> 0.353394246742853 1.281246332265083
    assert_allclose(
        [res.d_z_ci_low, res.d_z_ci_high, res.d_av_ci_low, res.d_av_ci_high],
        [0.544639765922368, 1.974615345114865, 0.353394246742853, 1.281246332265083],
        rtol=ROOT,
    )


def test_exact_wilcoxon_matches_r() -> None:
    pre = [10, 12, 9, 14, 11, 13, 8, 15]
    post = [p + d for p, d in zip(pre, [3, -1, 5, 2, 7, -4, 6, 8], strict=True)]
    # R: wilcox.test(post, pre, paired = TRUE)
    #    "Wilcoxon signed rank exact test", V = 31, p-value = 0.078125
    res = paired(pre, post)
    assert res.wilcoxon_method == "exact"
    assert res.wilcoxon_statistic == 31
    assert_allclose(res.wilcoxon_p_value, 0.078125, rtol=CLOSED)
    # R: wilcox.test(pre, post, paired = TRUE): V = 5, p-value = 0.078125
    rev = paired(post, pre)
    assert rev.wilcoxon_statistic == 5
    assert_allclose(rev.wilcoxon_p_value, 0.078125, rtol=CLOSED)


def test_wilcoxon_normal_from_50_pairs_without_ties() -> None:
    i = np.arange(1, 61)
    pre = i.astype(float)
    post = pre + ((i * 37) % 61 - 10.3)
    # R: pre <- as.numeric(1:60); post <- pre + ((1:60 * 37) %% 61 - 10.3)
    #    wilcox.test(post, pre, paired = TRUE)
    #    "with continuity correction", V = 1730, p-value = 2.02205102766555e-09
    res = paired(pre, post)
    assert res.wilcoxon_method == "normal"
    assert res.wilcoxon_statistic == 1730
    assert_allclose(res.wilcoxon_p_value, 2.02205102766555e-09, rtol=1e-9)


def test_series_are_aligned_on_participant_id() -> None:
    pre = pd.Series(SLEEP_PRE + [5.0], index=[f"p{i}" for i in range(11)])
    post = pd.Series(SLEEP_POST[::-1], index=[f"p{i}" for i in range(10)][::-1])
    post["p3"] = np.nan
    res = paired(pre, post)
    expected = paired(
        [v for i, v in enumerate(SLEEP_PRE) if i != 3],
        [v for i, v in enumerate(SLEEP_POST) if i != 3],
    )
    assert res.n_obs == 9
    assert_allclose(res.t, expected.t, rtol=CLOSED)
    assert any("2 participant(s) without both pre and post dropped" in n for n in res.notes)


def test_to_dict_has_the_documented_keys(sleep: PairedResult) -> None:
    keys = set(sleep.to_dict())
    documented = {
        "n_obs", "mean_pre", "mean_post", "sd_pre", "sd_post", "r", "mean_diff",
        "mean_diff_ci_low", "mean_diff_ci_high", "t", "df", "p_value", "wilcoxon_statistic",
        "wilcoxon_p_value", "wilcoxon_method", "d_z", "d_z_ci_low", "d_z_ci_high", "d_av",
        "d_av_ci_low", "d_av_ci_high", "g_av", "g_av_ci_low", "g_av_ci_high", "notes",
    }  # fmt: skip
    assert documented <= keys
    assert "d_z" in sleep.summary()


def test_all_identical_scores_give_nan_with_reasons() -> None:
    res = paired([3.0] * 6, [3.0] * 6)
    assert res.n_obs == 6
    assert math.isnan(res.t) and math.isnan(res.d_z) and math.isnan(res.d_av)
    assert math.isnan(res.r) and math.isnan(res.wilcoxon_p_value)
    assert res.to_dict()["t"] is None
    joined = " ".join(res.notes)
    assert (
        "same amount" in joined and "no variance" in joined and "every difference is zero" in joined
    )


def test_constant_change_keeps_d_av_but_not_d_z() -> None:
    pre = [2.0, 3.0, 4.0, 3.5]
    res = paired(pre, [p + 0.5 for p in pre])
    assert res.mean_diff == pytest.approx(0.5)
    assert res.mean_diff_ci_low == pytest.approx(0.5) == res.mean_diff_ci_high
    assert math.isnan(res.d_z) and math.isnan(res.d_av_ci_low)
    # d_av = 0.5 / sd(pre); R: 0.5 / sd(c(2, 3, 4, 3.5)) -> 0.58554004376912
    assert_allclose(res.d_av, 0.58554004376912, rtol=1e-13)


def test_extreme_t_with_two_pairs_gives_nan_ci_with_reason() -> None:
    res = paired([1.0, 2.0], [1000.0, 1001.001])
    assert res.d_z > 1e6
    assert math.isnan(res.d_z_ci_low) and math.isnan(res.d_av_ci_high)
    assert any("could not be computed" in n for n in res.notes)


@pytest.mark.parametrize(
    ("pre", "post", "message"),
    [
        ([1.0, "high", 3.0], [2.0, 3.0, 4.0], "non-numeric"),
        ([1.0, 2.0, 3.0], [2.0, 3.0], "has 3 values but post has 2"),
        ([1.0], [2.0], "at least 2"),
        ([], [], "at least 2"),
        ([1.0, np.nan, 3.0], [np.nan, 2.0, 4.0], "at least 2"),
        ([True, False, True], [1.0, 2.0, 3.0], "true/false"),
        ([1.0, np.inf, 3.0], [1.0, 2.0, 3.0], "infinite"),
        (
            pd.Series([1.0, 2.0, 3.0], index=["a", "a", "b"]),
            pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"]),
            "more than once",
        ),
    ],
    ids=[
        "non-numeric",
        "unequal",
        "one-participant",
        "empty",
        "no-complete-pair",
        "bool",
        "inf",
        "duplicate-id",
    ],  # fmt: skip
)
def test_bad_input_raises_invalid_input(pre: object, post: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        paired(pre, post)


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.2, "high"])
def test_bad_ci_level(ci: object) -> None:
    with pytest.raises(InvalidInput, match="ci must be"):
        paired(SLEEP_PRE, SLEEP_POST, ci=ci)  # type: ignore[arg-type]


def test_known_effect_is_recovered() -> None:
    rng = np.random.default_rng(11)
    n = 4000
    pre = rng.normal(3.0, 0.6, n)
    post = 0.5 * pre + 1.5 + 0.3 + rng.normal(0.0, 0.6 * math.sqrt(0.75), n)
    # Population: sd_pre = sd_post = 0.6, mean change 0.3, so d_av = 0.5;
    # var(diff) = 0.36 * (1 + 0.25 + 0.75 - 1.0) = 0.36, so d_z = 0.5.
    res = paired(pre, post)
    assert res.d_z_ci_low < 0.5 < res.d_z_ci_high
    assert res.d_av_ci_low < 0.5 < res.d_av_ci_high
    assert res.d_z == pytest.approx(0.5, abs=0.05)


@pytest.mark.slow
def test_ci_coverage_of_d_z_and_d_av() -> None:
    """95% CIs cover the true d_z and d_av in 93-97% of 1,000 samples of 25 pairs."""
    rng = np.random.default_rng(20240611)
    n, reps = 25, 1000
    sd_pre, sd_post, rho, change = 1.0, 1.3, 0.6, 0.5
    cov = [[sd_pre**2, rho * sd_pre * sd_post], [rho * sd_pre * sd_post, sd_post**2]]
    sd_diff = math.sqrt(sd_pre**2 + sd_post**2 - 2 * rho * sd_pre * sd_post)
    true_dz = change / sd_diff
    true_dav = change / ((sd_pre + sd_post) / 2)
    hits_z = hits_av = 0
    for _ in range(reps):
        x = rng.multivariate_normal([0.0, change], cov, size=n)
        res = paired(x[:, 0], x[:, 1])
        hits_z += res.d_z_ci_low <= true_dz <= res.d_z_ci_high
        hits_av += res.d_av_ci_low <= true_dav <= res.d_av_ci_high
    assert 0.93 <= hits_z / reps <= 0.97
    assert 0.93 <= hits_av / reps <= 0.97

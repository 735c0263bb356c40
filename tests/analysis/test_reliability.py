"""reliability() against R (psych 2.2.9, lavaan 0.6-14) on public data, and by simulation.

R setup used for every value below::

    library(psych); library(lavaan)
    b <- read.csv("tests/analysis/data/bfi_agreeableness.csv")
    x <- na.omit(b[, c("A1", "A2", "A3", "A4", "A5")])          # 2709 rows
    a <- psych::alpha(x, keys = c("A1"))
    omega_lav <- function(x) {                                   # one-factor ML CFA
      fit <- cfa(paste("f =~", paste(colnames(x), collapse = " + ")), data = x,
                 std.lv = TRUE)
      pe <- parameterEstimates(fit)
      lam <- pe$est[pe$op == "=~"]
      th <- pe$est[pe$op == "~~" & pe$lhs == pe$rhs & pe$lhs != "f"]
      sum(lam)^2 / (sum(lam)^2 + sum(th))
    }
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import reliability

# Closed-form statistics (alpha, correlations, Feldt bounds) are matched to
# 1e-10; the ML factor model is matched to 1e-5 because lavaan and factanal
# stop their optimisers at about 1e-7 in the loadings.
EXACT = 1e-10
ML = 1e-5


@pytest.fixture(scope="module")
def bfi_result(bfi_items):
    return reliability(bfi_items, reverse=["A1"], scale=(1, 6))


def test_bfi_scale_level_matches_psych_alpha(bfi_result):
    r = bfi_result
    assert r.n_obs == 2709  # nrow(x)
    assert r.n_dropped == 91  # nrow(b) - nrow(x)
    assert r.missing == "listwise"
    assert_allclose(r.alpha, 0.703755894374836, rtol=EXACT)  # a$total$raw_alpha
    assert_allclose(r.alpha_standardized, 0.713501552634643, rtol=EXACT)  # a$total$std.alpha
    assert_allclose(r.average_r, 0.332480716458041, rtol=EXACT)  # a$total$average_r
    assert_allclose(r.mean_score, 4.64348468069398, rtol=EXACT)  # a$total$mean
    assert_allclose(r.sd_score, 0.900540930624766, rtol=EXACT)  # a$total$sd
    # a$total$sd * sqrt(1 - a$total$raw_alpha)
    assert_allclose(r.sem, 0.490149219886779, rtol=EXACT)


def test_bfi_feldt_ci_matches_psych_alpha_ci(bfi_result):
    # psych::alpha.ci(a$total$raw_alpha, 2709, 5, p.val = .05)
    assert_allclose(
        [bfi_result.alpha_ci_low, bfi_result.alpha_ci_high],
        [0.685744635049661, 0.721035962795739],
        rtol=EXACT,
    )


def test_bfi_ci_level_is_honoured(bfi_items):
    r = reliability(bfi_items, reverse=["A1"], scale=(1, 6), ci=0.90)
    # psych::alpha.ci(a$total$raw_alpha, 2709, 5, p.val = .10)
    assert_allclose(
        [r.alpha_ci_low, r.alpha_ci_high], [0.688707282691252, 0.718321903193862], rtol=EXACT
    )


def test_bfi_items_match_psych_item_stats(bfi_result):
    items = bfi_result.items
    assert [i.item for i in items] == ["A1", "A2", "A3", "A4", "A5"]
    assert [i.reversed for i in items] == [True, False, False, False, False]
    # a$item.stats$r.drop
    r_drop = [0.311401300580162, 0.563015475492023, 0.588773078677353, 0.394793680111273,
              0.487240867629001]  # fmt: skip
    assert_allclose([i.r_drop for i in items], r_drop, rtol=EXACT)
    # a$alpha.drop$raw_alpha
    dropped = [0.717972056565048, 0.618481211772761, 0.600753814422001, 0.686944741539779,
               0.644622304221595]  # fmt: skip
    assert_allclose([i.alpha_if_deleted for i in items], dropped, rtol=EXACT)
    # a$item.stats$mean, a$item.stats$sd (A1 reversed)
    means = [4.58767072720561, 4.79734219269103, 4.59911406423034, 4.68217054263566,
             4.55112587670727]  # fmt: skip
    sds = [1.40457526845118, 1.17641471195972, 1.30455370413401, 1.48644153374369,
           1.26160331891483]  # fmt: skip
    assert_allclose([i.mean for i in items], means, rtol=EXACT)
    assert_allclose([i.sd for i in items], sds, rtol=EXACT)


def test_bfi_floor_and_ceiling_are_shares_after_reversal(bfi_result):
    # xr <- x; xr$A1 <- 7 - xr$A1; sapply(xr, function(v) mean(v == 1)); ... == 6
    floor = [0.0291620524178664, 0.0173495754891104, 0.0328534514581026, 0.0476190476190476,
             0.0217792543373939]  # fmt: skip
    ceiling = [0.329641934293097, 0.313768918420081, 0.270948689553341, 0.406792174234035,
               0.246585455887781]  # fmt: skip
    assert_allclose([i.floor for i in bfi_result.items], floor, rtol=EXACT)
    assert_allclose([i.ceiling for i in bfi_result.items], ceiling, rtol=EXACT)


def test_bfi_omega_matches_lavaan_one_factor_cfa(bfi_result):
    # omega_lav(xr)  (lavaan ML, raw items, A1 reversed)
    assert_allclose(bfi_result.omega_total, 0.712128965485149, rtol=ML)
    # factanal(xr, factors = 1)$loadings[, 1]
    loadings = [0.376224084001154, 0.658150258942737, 0.761713250564111, 0.482680468795809,
                0.627153571631286]  # fmt: skip
    assert_allclose([i.loading for i in bfi_result.items], loadings, atol=ML)


# omega's SE: lavaan's delta method for a defined parameter; the CI is Wald on the logit
# scale, plogis(qlogis(est) + c(-1, 1) * qnorm(0.975) * se / (est * (1 - est))) with
# lavaan's est and se (issue 15, point 2; r/issue15_reference.R). E.g. for xr
#   m <- 'f =~ l1*A1 + l2*A2 + l3*A3 + l4*A4 + l5*A5
#         A1 ~~ t1*A1; A2 ~~ t2*A2; A3 ~~ t3*A3; A4 ~~ t4*A4; A5 ~~ t5*A5
#         omega := (l1+l2+l3+l4+l5)^2 / ((l1+l2+l3+l4+l5)^2 + t1+t2+t3+t4+t5)'
#   pe <- parameterEstimates(cfa(m, data = xr, std.lv = TRUE)); pe[pe$lhs == "omega", ]
# and the same model on x[, c("A2", "A3", "A4")].
@pytest.mark.parametrize(("columns", "reverse", "expected"), [
    (["A1", "A2", "A3", "A4", "A5"], ["A1"],
     (0.712128965485149, 0.008647938101971, 0.694886728580844, 0.728777137992182)),
    (["A2", "A3", "A4"], [], (0.655609529304426, 0.011332491136749, 0.633071418264130, 0.677468564466155)),
])
def test_omega_ci_matches_lavaan_delta_method(bfi_items, columns, reverse, expected):
    r = reliability(bfi_items.dropna()[columns], reverse=reverse, scale=(1, 6))
    assert_allclose([r.omega_total, r.omega_se, r.omega_ci_low, r.omega_ci_high], expected, rtol=ML)


def test_omega_ci_is_nan_with_alpha_nan():
    r = reliability(pd.DataFrame({"q1": [3, 3, 3, 3], "q2": [2, 2, 2, 2], "q3": [4, 4, 4, 4]}))
    assert math.isnan(r.omega_se) and math.isnan(r.omega_ci_low) and math.isnan(r.omega_ci_high)


def test_omega_differs_from_psych_omega_as_documented(bfi_result):
    # psych::omega(xr, nfactors = 1, fm = "ml")$omega.tot = 0.723700441645084 analyses the
    # correlation matrix; ours is the raw-score omega (lavaan). The gap is the documented one.
    assert bfi_result.omega_total < 0.723700441645084 - 0.01


def test_pingouin_long_dataset_matches_psych(pingouin_dataset):
    data = pingouin_dataset("cronbach_alpha")
    wide = data.pivot(index="Subj", columns="Items", values="Scores")
    wide = wide[[f"Q{i}" for i in range(1, 11)]]
    r = reliability(wide, scale=(1, 7))
    # w <- reshape(d, idvar = "Subj", timevar = "Items", direction = "wide")[, -1]
    # a <- psych::alpha(w)
    assert_allclose(r.alpha, 0.591718848599583, rtol=EXACT)  # a$total$raw_alpha
    assert_allclose(r.alpha_standardized, 0.634349801541794, rtol=EXACT)  # std.alpha
    assert_allclose(r.average_r, 0.147837733196288, rtol=EXACT)  # average_r
    # psych::alpha.ci(a$total$raw_alpha, 15, 10)
    assert_allclose(
        [r.alpha_ci_low, r.alpha_ci_high], [0.194921390663122, 0.839820814627543], rtol=EXACT
    )
    # a$item.stats$r.drop
    r_drop = [0.5747667919844912, 0.5678028417673683, 0.5213910754208803, 0.4176058241286149,
              -0.1075830824925742, -0.1572365196566517, 0.2610077350423378,
              0.0921732028231857, 0.4433727459958403, 0.4336883559648060]  # fmt: skip
    assert_allclose([i.r_drop for i in r.items], r_drop, rtol=EXACT)
    # a$alpha.drop$raw_alpha
    dropped = [0.468690324633991, 0.507280557834290, 0.518349852665416, 0.531829170024174,
               0.668489065606362, 0.671141479099679, 0.568506332257264, 0.610119047619048,
               0.519425675675676, 0.522590782122905]  # fmt: skip
    assert_allclose([i.alpha_if_deleted for i in r.items], dropped, rtol=EXACT)
    assert_allclose(r.omega_total, 0.638565964695325, rtol=ML)  # omega_lav(w)
    # psych warns that Q5 and Q6 correlate negatively with the total; so do we.
    assert any("Q5, Q6" in note and "reversed" in note for note in r.notes)


def test_pingouin_missing_dataset_listwise(pingouin_dataset):
    data = pingouin_dataset("cronbach_wide_missing")
    r = reliability(data, scale=(0, 1))
    # m <- na.omit(read.csv("cronbach_wide_missing.csv")); a <- psych::alpha(m)
    assert r.n_obs == 9 and r.n_dropped == 3  # nrow(m)
    assert_allclose(r.alpha, 0.801694915254237, rtol=EXACT)  # a$total$raw_alpha
    assert_allclose(r.alpha_standardized, 0.794475054570006, rtol=EXACT)  # std.alpha
    # psych::alpha.ci(a$total$raw_alpha, 9, 11)
    assert_allclose(
        [r.alpha_ci_low, r.alpha_ci_high], [0.533003199913274, 0.947207967339016], rtol=EXACT
    )
    assert "3 of 12 rows" in r.notes[0] and "listwise" in r.notes[0].lower()
    # 9 rows, 11 items: the correlation matrix is singular, so no factor model.
    assert math.isnan(r.omega_total)
    assert any("omega_total, its interval and the loadings are NaN" in note for note in r.notes)


def test_two_items_alpha_but_no_omega(bfi_items):
    r = reliability(bfi_items.dropna()[["A2", "A3"]], scale=(1, 6))
    # a <- psych::alpha(x[, c("A2", "A3")])
    assert_allclose(r.alpha, 0.652436711505616, rtol=EXACT)  # a$total$raw_alpha
    assert_allclose(r.alpha_standardized, 0.65478423822724, rtol=EXACT)  # std.alpha
    assert_allclose([i.r_drop for i in r.items], [0.486750346549872] * 2, rtol=EXACT)
    assert math.isnan(r.omega_total)
    assert all(math.isnan(i.alpha_if_deleted) for i in r.items)
    assert all(math.isnan(i.loading) for i in r.items)


def test_three_items_omega_matches_lavaan(bfi_items):
    r = reliability(bfi_items.dropna()[["A2", "A3", "A4"]], scale=(1, 6))
    # omega_lav(x[, c("A2", "A3", "A4")])  (just-identified one-factor model)
    assert_allclose(r.omega_total, 0.655609529304426, rtol=ML)


def test_to_dict_has_the_documented_keys_and_is_json(bfi_result):
    payload = bfi_result.to_dict()
    for key in ["n_obs", "alpha", "alpha_ci_low", "alpha_ci_high", "alpha_standardized",
                "omega_total", "omega_se", "omega_ci_low", "omega_ci_high", "average_r", "sem", "items",
                "method", "notes"]:  # fmt: skip
        assert key in payload
    for key in ["item", "mean", "sd", "r_drop", "alpha_if_deleted", "floor", "ceiling"]:
        assert key in payload["items"][0]
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text)["items"][0]["item"] == "A1"
    summary = bfi_result.summary()
    assert "alpha_if_deleted" in summary and "A1 (R)" in summary and "0.704" in summary


def test_zero_variance_item_is_left_out_as_psych_does():
    items = pd.DataFrame(
        {"q1": [1, 2, 3, 4, 5, 2], "q2": [2, 2, 3, 5, 4, 1], "q3": [3, 3, 3, 3, 3, 3]}
    )
    r = reliability(items)
    # psych::alpha(data.frame(q1 = c(1,2,3,4,5,2), q2 = c(2,2,3,5,4,1), q3 = rep(3, 6)))
    # warns "Item = q3 had no variance and was deleted but still is counted in the score":
    # raw_alpha = std.alpha 0.898305084745763, average_r 0.815384615384615,
    # mean 2.88888888888889, sd 0.934919287465006 (the score keeps q3),
    # r.cor 0.860301309539435, r.drop 0.815384615384615, raw.r 0.95272887417791.
    assert_allclose([r.alpha, r.alpha_standardized, r.average_r],
                    [0.898305084745763, 0.898305084745763, 0.815384615384615], rtol=1e-12)
    assert_allclose([r.mean_score, r.sd_score], [2.88888888888889, 0.934919287465006], rtol=1e-12)
    assert_allclose([r.items[0].r_cor, r.items[0].r_drop, r.items[0].r_item_total],
                    [0.860301309539435, 0.815384615384615, 0.95272887417791], rtol=1e-12)
    assert r.n_items == 3 and r.n_items_used == 2 and r.dropped_items == ("q3",)
    assert not r.items[2].used and math.isnan(r.items[2].r_drop) and math.isnan(r.items[2].r_cor)
    assert math.isnan(r.omega_total)  # a one-factor model needs 3 items that vary
    assert any("q3" in note and "zero variance" in note and "left out" in note for note in r.notes)
    json.dumps(r.to_dict(), allow_nan=False)


def test_all_answers_identical_gives_nan_with_reason():
    items = pd.DataFrame({"q1": [4] * 6, "q2": [4] * 6, "q3": [4] * 6})
    r = reliability(items)
    assert math.isnan(r.alpha) and math.isnan(r.sem) and math.isnan(r.omega_total)
    assert math.isnan(r.alpha_ci_low)
    assert any("same answer from everyone" in note for note in r.notes)
    assert r.to_dict()["alpha"] is None


def test_reversal_uses_the_scale_not_the_data():
    # With scale (1, 7) a 2 becomes 1 + 7 - 2 = 6 even though nobody answered 7.
    items = pd.DataFrame({"q1": [1, 2, 3, 2], "q2": [2, 3, 4, 2], "q3": [6, 5, 5, 6]})
    r = reliability(items, reverse=["q3"], scale=(1, 7))
    assert_allclose(r.items[2].mean, np.mean([2, 3, 3, 2]), rtol=EXACT)
    assert_allclose(r.items[2].floor, 0.0)


def test_scale_none_skips_floor_ceiling():
    items = pd.DataFrame({"q1": [1, 2, 3, 9], "q2": [2, 3, 4, 8], "q3": [1, 3, 3, 7]})
    r = reliability(items, scale=None)
    assert r.scale is None and math.isnan(r.items[0].floor)


def test_simulated_congeneric_items_recover_loadings_and_reliability():
    """Known population: one factor, loadings .4-.8 on standardized items with unequal SDs."""
    rng = np.random.default_rng(20240601)
    loadings = np.array([0.4, 0.5, 0.6, 0.7, 0.8])
    sds = np.array([1.0, 1.5, 0.8, 1.2, 2.0])
    n = 20_000
    factor = rng.standard_normal((n, 1))
    z = factor * loadings + rng.standard_normal((n, 5)) * np.sqrt(1 - loadings**2)
    items = pd.DataFrame(10 + z * sds, columns=list("abcde"))
    r = reliability(items, scale=None)
    # Population values from the model (McDonald 1999): raw lambda = loading * sd.
    lam, theta = loadings * sds, (1 - loadings**2) * sds**2
    omega = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
    sigma = np.outer(lam, lam) + np.diag(theta)
    alpha = 5 / 4 * (1 - np.trace(sigma) / sigma.sum())
    assert_allclose([i.loading for i in r.items], loadings, atol=0.02)
    assert_allclose(r.omega_total, omega, atol=0.01)
    assert_allclose(r.alpha, alpha, atol=0.01)
    assert r.alpha < r.omega_total  # congeneric items: alpha underestimates


@pytest.mark.slow
def test_feldt_interval_covers_true_alpha_about_95_percent():
    """Parallel normal items (Feldt's model): 2,000 samples of n = 60, k = 6."""
    rng = np.random.default_rng(7)
    k, n, reps, loading = 6, 60, 2000, 0.6
    rho = loading**2
    true_alpha = k * rho / (1 + (k - 1) * rho)
    covered = 0
    for _ in range(reps):
        z = rng.standard_normal((n, 1)) * loading + rng.standard_normal((n, k)) * math.sqrt(1 - rho)
        r = reliability(pd.DataFrame(z), scale=None)
        covered += r.alpha_ci_low <= true_alpha <= r.alpha_ci_high
    assert 0.93 <= covered / reps <= 0.97

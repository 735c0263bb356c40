"""repeated(): checked against R 4.2.2 (afex 1.2-1, stats, lme4 1.1-31, lmerTest 3.1-3, emmeans).

Reference script: tests/analysis/r/repeated_reference.R; every value below is
printed by it, next to the R call named in the comment.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import RepeatedResult, repeated
from lipassess.analysis.repeated import holm
from lipassess.errors import InvalidInput

DATA = Path(__file__).parent / "data"

# Tolerances: ANOVA, Friedman and t-tests are closed form (1e-9). lme4 stops
# its optimiser at ~1e-7 in theta, so variance components agree to ~1e-6;
# lmerTest's df come from numDeriv (~1e-8).
CLOSED = 1e-9
LMM = 2e-6


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pre": [3.0, 2.5, 4.0, 3.5],
            "post": [3.5, 3.5, 4.5, 3.5],
            "followup": [4.0, 3.0, 4.5, 4.0],
        },
        index=pd.Index([1, 2, 3, 4], name="id"),
    )


@pytest.fixture(scope="module")
def small() -> RepeatedResult:
    return repeated(pd.read_csv(DATA / "waves_small.csv", index_col="id"))


@pytest.fixture(scope="module")
def sim() -> RepeatedResult:
    return repeated(pd.read_csv(DATA / "waves_sim.csv", index_col="id"))


def test_rm_anova_tiny_matches_afex() -> None:
    res = repeated(tiny())
    # R: aov_ez("id", "score", long, within = "wave",
    #           anova_table = list(es = c("pes", "ges"), correction = "none"))
    #    F = 5.72727 (Pr 0.040619), pes 0.65625, ges 0.2153846153846
    #    summary(a)$pval.adjustments: GG eps 0.711764705882353, Pr(>F[GG]) 0.0663437714773903
    assert (res.df1, res.df2, res.n_obs) == (2, 6, 4)
    assert_allclose(res.f, 0.875 / 2 / (0.4583333333333 / 6), rtol=1e-12)  # Sum Sq / Error SS
    assert_allclose(res.f, 5.72727, rtol=1e-6)
    assert_allclose(res.p_value, 0.040618896484375, rtol=CLOSED)  # HF p with eps capped at 1
    assert_allclose(res.eta2_partial, 0.65625, rtol=CLOSED)
    assert_allclose(res.eta2_generalized, 0.2153846153846, rtol=1e-12)
    assert_allclose(res.gg_epsilon, 0.711764705882353, rtol=CLOSED)
    assert_allclose(res.p_value_gg, 0.0663437714773903, rtol=CLOSED)


def test_friedman_and_pairwise_tiny_match_r() -> None:
    res = repeated(tiny())
    # R: friedman.test(as.matrix(w[, -1])): statistic 5.57142857142857, p 0.061685012567976
    assert_allclose(res.friedman_q, 5.57142857142857, rtol=CLOSED)
    assert_allclose(res.friedman_p_value, 0.061685012567976, rtol=CLOSED)
    assert_allclose(res.kendall_w, 5.57142857142857 / (4 * 2), rtol=CLOSED)
    # R: t.test(w$post, w$pre, paired = TRUE) etc.; d <- b - a; mean(d) / sd(d)
    #    pairwise.t.test(long$score, long$wave, paired = TRUE, p.adjust.method = "holm")
    expected = [
        # (a, b, t, p, p_holm, d_z)
        ("pre", "post", 2.4494897427831779, 0.0917211133115719, 0.1834422266231438,
         1.2247448713915889),
        ("pre", "followup", 5.0, 0.0153924380733023, 0.0461773142199069, 2.5),
        ("post", "followup", 0.522232967867094, 0.637618091400602, 0.637618091400602,
         0.261116483933547),
    ]  # fmt: skip
    for got, (a, b, t, p, ph, dz) in zip(res.pairwise, expected, strict=True):
        assert (got.a, got.b, got.df) == (a, b, 3)
        assert_allclose([got.t, got.p_value, got.p_holm, got.d_z], [t, p, ph, dz], rtol=CLOSED)


def test_complete_case_part_with_missing_waves_matches_r(small: RepeatedResult) -> None:
    # waves_small.csv: 16 participants, 4 with a missing wave -> 12 complete.
    # R: aov_ez(...) on complete cases: F = 5.20522, pes 0.3212064676617,
    #    ges 0.1282194501334; GG eps 0.9967119202043, Pr(>F[GG]) 0.0142000769505052;
    #    Sum Sq 1.7216666667 / Error SS 3.638333333333 on 2 and 22 df
    assert small.n_obs == 12
    assert_allclose(small.f, (1.7216666667 / 2) / (3.638333333333 / 22), rtol=1e-10)
    assert_allclose(small.eta2_partial, 0.3212064676617, rtol=1e-12)
    assert_allclose(small.eta2_generalized, 0.1282194501334, rtol=1e-12)
    assert_allclose(small.gg_epsilon, 0.9967119202043, rtol=1e-12)
    assert_allclose(small.p_value_gg, 0.0142000769505052, rtol=CLOSED)
    # R: friedman.test(cc): 6.04761904761905, p 0.0486156626226387
    assert_allclose(small.friedman_q, 6.04761904761905, rtol=CLOSED)
    assert_allclose(small.friedman_p_value, 0.0486156626226387, rtol=CLOSED)
    # R: pairwise.t.test(..., paired = TRUE, p.adjust.method = "holm")$p.value
    assert_allclose(
        [c.p_holm for c in small.pairwise],
        [0.0499939248493483, 0.0418141537084740, 0.801909130444903],
        rtol=CLOSED,
    )
    assert any("4 participant(s) with a missing wave" in n for n in small.notes)


def test_four_waves_pingouin_dataset_matches_afex() -> None:
    res = repeated(pg.read_dataset("rm_anova_wide"))
    # R (PINGOUIN_DATASETS/rm_anova_wide.csv, complete cases, 9 participants):
    #    aov_ez: F = 5.20065, pes 0.3939693075767, ges 0.3463923182442, Pr 0.0065571
    #    GG eps 0.694329331302085, Pr(>F[GG]) 0.0166993073368505
    #    friedman.test: 11.5333333333333, p 0.00916535318054578
    assert (res.n_obs, res.df1, res.df2) == (9, 3, 24)
    assert_allclose(res.f, 5.20065, rtol=1e-6)
    assert_allclose(res.eta2_partial, 0.3939693075767, rtol=1e-12)
    assert_allclose(res.eta2_generalized, 0.3463923182442, rtol=1e-12)
    assert_allclose(res.gg_epsilon, 0.694329331302085, rtol=CLOSED)
    assert_allclose(res.p_value_gg, 0.0166993073368505, rtol=CLOSED)
    assert_allclose(res.friedman_q, 11.5333333333333, rtol=1e-12)
    assert_allclose(res.friedman_p_value, 0.00916535318054578, rtol=CLOSED)
    # R: pairwise.t.test(..., p.adjust.method = "holm")$p.value, lower triangle by column
    assert_allclose(
        [c.p_holm for c in res.pairwise],
        [
            0.78135935387769417,
            0.04039541130205948,
            0.00432666025805935,
            0.514156943221195,
            0.120374788323789,
            0.591952129430062,
        ],
        rtol=CLOSED,
    )
    # R: t.test(cc[, 4], cc[, 1], paired = TRUE): t 5.308325150679682025; d_z 1.769441716893227268
    assert_allclose(
        [res.pairwise[2].t, res.pairwise[2].d_z], [5.308325150679682, 1.769441716893227]
    )


def test_pingouin_rm_anova_agrees() -> None:
    # pingouin and R agree on the one-way RM-ANOVA; this guards our reading of both.
    wide = pg.read_dataset("rm_anova_wide").dropna()
    long = wide.reset_index().melt(id_vars="index", var_name="wave", value_name="score")
    aov = pg.rm_anova(long, dv="score", within="wave", subject="index", correction=True)
    res = repeated(wide)
    assert_allclose(res.f, aov.loc[0, "F"], rtol=1e-10)
    assert_allclose(res.gg_epsilon, aov.loc[0, "eps"], rtol=1e-10)


def test_mixed_model_matches_lmer_with_missing_waves(small: RepeatedResult) -> None:
    m = small.mixed_model
    # R: m <- lmerTest::lmer(score ~ wave + (1 | id), data = long, REML = TRUE)
    #    REMLcrit(m) 70.1835674220341
    #    VarCorr: id 0.171258141647266, Residual 0.162812398457654
    assert (m.n_obs, m.n_participants, m.n_complete) == (44, 16, 12)
    assert_allclose(m.reml_criterion, 70.1835674220341, rtol=1e-12)
    assert_allclose(
        [m.var_participant, m.var_residual], [0.171258141647266, 0.162812398457654], rtol=LMM
    )
    # summary(m)$coefficients: wavepost 0.533305876927002 (SE 0.149030625035280,
    #    df 26.7281674749915, p 1.34848833915646e-03); wavefollowup 0.529556374932840
    #    (SE 0.152636705971966, df 27.0262256859032, p 1.76543407129250e-03)
    post, follow = m.contrasts
    assert (post.wave, post.reference) == ("post", "pre")
    assert_allclose(
        [post.estimate, post.se, post.df, post.p_value],
        [0.533305876927002, 0.149030625035280, 26.7281674749915, 1.34848833915646e-03],
        rtol=LMM,
    )
    assert_allclose(
        [follow.estimate, follow.se, follow.df, follow.p_value],
        [0.529556374932840, 0.152636705971966, 27.0262256859032, 1.76543407129250e-03],
        rtol=LMM,
    )
    # confint(contrast(emmeans(m, ~wave), "trt.vs.ctrl", adjust = "none"))
    assert_allclose([post.ci_low, post.ci_high], [0.227374710384712, 0.839237043469293], rtol=LMM)
    # as.data.frame(summary(emmeans(m, ~wave, lmer.df = "satterthwaite")))
    assert_allclose(
        [(w.estimate, w.se, w.df, w.ci_low, w.ci_high) for w in m.means],
        [  # emmean, SE, df, lower.CL, upper.CL
            (3.34155495243879, 0.147611373250759, 29.4493499779490,
             3.03985576140027, 3.64325414347730),
            (3.87486082936579, 0.147611373250759, 29.4493499767122,
             3.57316163832673, 4.17656002040485),
            (3.87111132737163, 0.151095741727082, 30.8382901062358,
             3.56288402159001, 4.17933863315325),
        ],
        rtol=LMM,
    )  # fmt: skip
    # anova(m): F value 8.35032, NumDF 2, DenDF 26.92326869364, Pr(>F) 0.0015083
    assert m.df1 == 2
    assert_allclose([m.f, m.df2], [8.35032, 26.92326869364], rtol=LMM)
    assert_allclose(m.p_value, 0.0015083, rtol=1e-4)


def test_mixed_model_matches_lmer_on_200_participants(sim: RepeatedResult) -> None:
    m = sim.mixed_model
    # R (data/waves_sim.csv, 200 participants, 57 with a missing wave):
    #    REMLcrit(m) 866.455493253391; VarCorr id 0.182221871791594, Residual 0.175144176196051
    assert (m.n_participants, m.n_complete) == (200, 143)
    assert_allclose(m.reml_criterion, 866.455493253391, rtol=1e-12)
    assert_allclose(
        [m.var_participant, m.var_residual], [0.182221871791594, 0.175144176196051], rtol=LMM
    )
    # summary(m)$coefficients: wavepost 0.348179036421463 SE 0.0435209865125900
    #    df 344.157824499435; wavefollowup 0.256943149529319 SE 0.0458632815859039
    #    df 350.077668739680
    assert_allclose(
        [(c.estimate, c.se, c.df) for c in m.contrasts],
        [
            (0.348179036421463, 0.0435209865125900, 344.157824499435),
            (0.256943149529319, 0.0458632815859039, 350.077668739680),
        ],
        rtol=LMM,
    )
    # emmeans df: 382.455347721139, 382.711497672343, 424.505724704024
    assert_allclose(
        [w.df for w in m.means], [382.455347721139, 382.711497672343, 424.505724704024], rtol=LMM
    )
    # anova(m): F 34.14934, DenDF 348.5815334076, Pr(>F) 2.8603e-14
    assert_allclose([m.f, m.df2], [34.14934, 348.5815334076], rtol=LMM)
    assert_allclose(m.p_value, 2.8603e-14, rtol=1e-4)
    # Complete cases: aov_ez F = 27.02195, ges 0.05823955248659, GG eps 0.965904988337861
    assert_allclose([sim.f, sim.gg_epsilon], [27.02195, 0.965904988337861], rtol=1e-6)
    assert_allclose(sim.eta2_generalized, 0.05823955248659, rtol=1e-12)


def test_singular_fit_matches_lmer() -> None:
    m = repeated(pg.read_dataset("rm_anova_wide")).mixed_model
    # R: lmer(...) on rm_anova_wide (44 scores, 12 participants): boundary (singular) fit
    #    REMLcrit 126.822437757051; VarCorr id 0, Residual 1.09757348484848
    #    wave3 week: 1.6354545454545439 SE 0.457751850021763 df 40.0000000005771
    #    anova(m): F 6.84506 on 3 and 40.00000000057
    assert_allclose(m.reml_criterion, 126.822437757051, rtol=1e-12)
    assert m.var_participant < 1e-10
    assert_allclose(m.var_residual, 1.09757348484848, rtol=1e-9)
    last = m.contrasts[-1]
    assert_allclose(
        [last.estimate, last.se, last.df], [1.6354545454545439, 0.457751850021763, 40.0], rtol=1e-8
    )
    assert_allclose([m.f, m.df2], [6.84506, 40.0], rtol=1e-6)
    assert any("singular" in n for n in m.notes)


def test_mixed_model_agrees_with_statsmodels() -> None:
    sm = pytest.importorskip("statsmodels.formula.api")
    wide = pd.read_csv(DATA / "waves_sim.csv", index_col="id")
    long = wide.reset_index().melt(id_vars="id", var_name="wave", value_name="score").dropna()
    long["wave"] = pd.Categorical(long["wave"], categories=["pre", "post", "followup"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.mixedlm("score ~ wave", long, groups="id").fit(reml=True)
    m = repeated(wide).mixed_model
    assert_allclose(m.var_participant, float(fit.cov_re.iloc[0, 0]), rtol=1e-5)
    assert_allclose(m.var_residual, fit.scale, rtol=1e-5)
    assert_allclose(-m.reml_criterion / 2, fit.llf, rtol=1e-9)
    assert_allclose([c.estimate for c in m.contrasts], fit.fe_params.iloc[1:], rtol=1e-6)
    # statsmodels takes fixed-effect SEs from the inverse of its full observed
    # Hessian (fixed and variance parameters together); lme4 and we use
    # (X' V^-1 X)^-1, so they differ in the 4th digit.
    assert_allclose([c.se for c in m.contrasts], fit.bse.iloc[1:3], rtol=5e-4)


def test_holm_matches_p_adjust() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005, NA), "holm")
    #    0.03 0.06 0.06 0.02 NA
    got = holm(np.array([0.01, 0.04, 0.03, 0.005, np.nan]))
    assert_allclose(got[:4], [0.03, 0.06, 0.06, 0.02], rtol=1e-12)
    assert math.isnan(got[4])


def test_json_keys_and_summary(small: RepeatedResult) -> None:
    d = small.to_dict()
    for key in (
        "n_obs", "f", "df1", "df2", "p_value", "gg_epsilon", "p_value_gg", "eta2_partial",
        "eta2_generalized", "friedman_q", "friedman_p_value", "kendall_w", "pairwise",
        "mixed_model", "notes",
    ):  # fmt: skip
        assert key in d
    assert set(d["pairwise"][0]) >= {"a", "b", "t", "df", "p_value", "p_holm", "d_z"}
    assert {"means", "contrasts", "var_participant", "var_residual"} <= set(d["mixed_model"])
    text = small.summary()
    assert "RM-ANOVA" in text and "Mixed model" in text and "followup-pre" in text


def test_all_identical_scores_give_nan_with_reasons() -> None:
    res = repeated(pd.DataFrame({"pre": [3.0] * 5, "post": [3.0] * 5, "followup": [3.0] * 5}))
    assert math.isnan(res.f) and math.isnan(res.gg_epsilon) and math.isnan(res.friedman_q)
    assert math.isnan(res.mixed_model.var_residual)
    assert all(math.isnan(c.t) for c in res.pairwise)
    assert res.to_dict()["f"] is None
    text = " ".join(res.notes + res.mixed_model.notes)
    assert "RM-ANOVA undefined" in text and "Friedman test undefined" in text
    assert "mixed model is undefined" in text


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"pre": [1.0, 2.0, 3.0]}), "at least two wave columns"),
        (pd.DataFrame({"pre": [1.0, 2.0], "post": ["x", 3.0]}), "non-numeric"),
        (pd.DataFrame({"pre": [1.0], "post": [2.0]}), "at least 2"),
        (pd.DataFrame({"pre": [1.0, np.nan, 3.0], "post": [np.nan, 2.0, 4.0]}), "at least 2"),
        (pd.DataFrame({"pre": [1.0, 2.0], "post": [2.0, 3.0]}, index=["a", "a"]), "more than once"),
        ([[1.0, 2.0], [2.0, 3.0]], "must be a table"),
    ],
    ids=["one-column", "non-numeric", "one-participant", "no-complete-row", "duplicate-id", "list"],
)
def test_bad_input_raises_invalid_input(frame: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        repeated(frame)  # type: ignore[arg-type]


def test_known_effects_are_recovered_by_both_estimates() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    person = rng.normal(0.0, 0.5, n)
    y = 3.0 + person[:, None] + np.array([0.0, 0.4, 0.3]) + rng.normal(0.0, 0.4, (n, 3))
    y[rng.random(n) < 0.25, 2] = np.nan  # follow-up missing completely at random
    res = repeated(pd.DataFrame(y, columns=["pre", "post", "followup"]))
    m = res.mixed_model
    assert m.var_participant == pytest.approx(0.25, rel=0.1)
    assert m.var_residual == pytest.approx(0.16, rel=0.05)
    for c, truth in zip(m.contrasts, (0.4, 0.3), strict=True):
        assert c.ci_low < truth < c.ci_high
    assert res.pairwise[0].mean_diff == pytest.approx(0.4, abs=0.04)


def test_mixed_model_is_shift_invariant_with_large_participant_variance() -> None:
    # Two participants far above the rest: participant variance ~ 1e6 x residual.
    # R (lmer on the unshifted data): REMLcrit 100.426121668673, VarCorr id
    # 2.65211041494997e+05, Residual 2.62833284632375e-01; wavefollowup
    # 0.598267405623546 SE 0.317415747779530 df 9.00000013716792
    w = pd.DataFrame(
        {
            "pre": [1.0, 2.0, 3.0, 4.0, 1000.1, 1000.2],
            "post": [1.5, 2.5, 3.5, 4.5, 1001.0, 1000.4],
            "followup": [2.0, 3.0, 4.0, 5.0, np.nan, 999.0],
        }
    )
    for shift in (0.0, 1e6):
        m = repeated(w + shift).mixed_model
        assert_allclose(m.reml_criterion, 100.426121668673, rtol=1e-10)
        assert_allclose(
            [m.var_participant, m.var_residual],
            [2.65211041494997e05, 2.62833284632375e-01],
            rtol=1e-5,
        )
        follow = m.contrasts[1]
        assert_allclose(
            [follow.estimate, follow.se, follow.df],
            [0.598267405623546, 0.317415747779530, 9.00000013716792],
            rtol=1e-6,
        )


def test_perfectly_additive_scores_leave_the_mixed_model_undefined() -> None:
    w = pd.DataFrame(
        {"pre": [1.0, 2, 3, 4], "post": [1.5, 2.5, 3.5, 4.5], "followup": [2.0, 3, 4, 5]}
    )
    res = repeated(w)
    assert math.isnan(res.mixed_model.f) and math.isnan(res.f)
    assert any("no variation left" in n for n in res.mixed_model.notes)
    assert res.pairwise[0].mean_diff == pytest.approx(0.5)

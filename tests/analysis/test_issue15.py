"""Statistics evaluators look for (issue 15, points 2-5), against R.

Reference script: tests/analysis/r/issue15_reference.R, its output beside it
(issue15_reference.out). Rank tests are in test_ranks.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import attrition, paired, proportion, reliability, repeated

CLOSED = 1e-10

# ---- paired: g_z (effectsize::hedges_g(post - pre) on R's sleep data)


def test_g_z_matches_effectsize_hedges_g() -> None:
    pre = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    post = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    res = paired(pre, post)
    assert_allclose(res.g_z, 1.1739249035142, rtol=CLOSED)
    # effectsize finds the noncentral-t limits with optim(): agreement to its ~1e-7 tolerance
    assert_allclose([res.g_z_ci_low, res.g_z_ci_high], [0.378917814923702, 1.93560210776931],
                    rtol=1e-6)


# ---- repeated: Mauchly, Huynh-Feldt (afex::aov_ez + summary(), i.e. car)

FOUR = pd.DataFrame({
    "w1": [3.1, 2.8, 3.6, 2.9, 3.3, 3.0, 2.5, 3.8, 3.2, 2.7, 3.4, 3.0],
    "w2": [3.5, 3.4, 3.7, 3.6, 3.3, 3.9, 3.0, 4.1, 3.5, 3.6, 3.8, 3.2],
    "w3": [3.6, 3.1, 4.2, 3.3, 3.9, 3.5, 2.6, 4.6, 3.4, 3.0, 4.1, 3.7],
    "w4": [3.3, 3.5, 3.9, 3.8, 3.0, 4.4, 3.2, 4.0, 3.9, 3.5, 3.6, 3.1],
})


def test_four_waves_sphericity_matches_car() -> None:
    res = repeated(FOUR)
    assert_allclose([res.f, res.p_value], [8.33360, 0.00029008], rtol=1e-5)
    assert_allclose([res.mauchly_w, res.mauchly_p_value], [0.0723530873237, 0.0001215105654813],
                    rtol=1e-10)
    assert_allclose([res.gg_epsilon, res.p_value_gg], [0.418606646028967, 0.00884110305450181],
                    rtol=1e-10)
    assert_allclose([res.hf_epsilon, res.p_value_hf], [0.447098992218909, 0.00745101351022659],
                    rtol=1e-10)


def test_huynh_feldt_above_one_is_reported_and_capped_for_p() -> None:
    waves = pd.read_csv(Path(__file__).parent / "data" / "waves_small.csv", index_col="id")
    res = repeated(waves)
    # car: HF eps 1.21694891024481 ("HF eps > 1 treated as 1"), Pr(>F[HF]) 0.0140966089399173;
    # Mauchly W 0.9967010730693, p 0.9836138361078
    assert_allclose([res.hf_epsilon, res.p_value_hf], [1.21694891024481, 0.0140966089399173],
                    rtol=1e-10)
    assert_allclose(res.p_value_hf, res.p_value, rtol=1e-12)
    assert_allclose([res.mauchly_w, res.mauchly_p_value], [0.9967010730693, 0.9836138361078],
                    rtol=1e-10)


def test_two_waves_have_no_mauchly_test_and_say_why() -> None:
    res = repeated(FOUR[["w1", "w2"]])
    assert math.isnan(res.mauchly_w) and math.isnan(res.mauchly_p_value)
    assert any("Mauchly" in note and "three or more waves" in note for note in res.notes)


# ---- attrition: Student, Welch, Mann-Whitney (then_attrition_reference.R data)


def test_attrition_tests_match_r() -> None:
    score = [3.1, 3.6, 2.8, 4.0, 3.3, 3.9, 2.5, 3.0, 3.7, 3.4, 2.9, 3.8]
    kept = [True, True, False, True, True, True, False, False, True, True, False, True]
    row = attrition(pd.DataFrame({"score": score}), kept).variables[0]
    assert_allclose([row.t_student, row.p_student], [4.56212758809761, 1.03874359218374e-03],
                    rtol=CLOSED)
    assert_allclose([row.t_welch, row.df_welch, row.p_welch],
                    [5.18459255872629, 8.53311661926046, 6.82684234645358e-04], rtol=CLOSED)
    # wilcox.test(score[kept], score[!kept]): exact, W = 32, p = 0.00404040404040404
    assert row.mann_whitney_u == 32.0
    assert_allclose(row.mann_whitney_p_value, 4.04040404040404e-03, rtol=CLOSED)
    assert row.rank_biserial == 1.0  # effectsize::rank_biserial(score[kept], score[!kept])


def test_categorical_levels_have_no_tests_and_say_so() -> None:
    base = pd.DataFrame({"sex": ["F", "M", "M", "F", "F", "M"]})
    res = attrition(base, [True, True, False, True, False, True])
    assert all(math.isnan(r.t_welch) for r in res.variables)
    assert any("sex" in note and "numeric variables" in note for note in res.notes)


# ---- shares: prop.test(x, n) and binom.test(x, n)


@pytest.mark.parametrize(("x", "n", "expected"), [
    (89, 100, [0.807766535620428, 0.941132832689271, 0.811698867803557, 0.943792979714513]),
    (0, 12, [0.0, 0.301254039082218, 0.0, 0.264648469397051]),
    (12, 12, [0.698745960917782, 1.0, 0.735351530602949, 1.0]),
    (3, 7, [0.1180830112615525, 0.7976283063935146, 0.0989882784425079, 0.8159484323599170]),
    (5, 10, [0.236593090512564, 0.763406909487436, 0.187086028447399, 0.812913971552601]),
    (1, 2, [0.0945312057342307, 0.9054687942657692, 0.0125791170934251, 0.9874208829065749]),
])
def test_continuity_corrected_wilson_and_clopper_pearson_match_r(
    x: int, n: int, expected: list[float]
) -> None:
    r = proportion(x, n)
    got = [r.wilson_cc_ci_low, r.wilson_cc_ci_high, r.clopper_pearson_ci_low,
           r.clopper_pearson_ci_high]
    assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# ---- reliability: pairwise alpha, Duhachek, item correlations, constant items


def test_pairwise_alpha_and_both_counts_match_psych(bfi_items: pd.DataFrame) -> None:
    r = reliability(bfi_items, reverse=["A1"], scale=(1, 6))
    # psych::alpha(x, keys = "A1")$total$raw_alpha (use = "pairwise")
    assert_allclose(r.alpha_pairwise, 0.703018446057304, rtol=1e-12)
    assert r.n_obs == 2709 and r.n_obs_pairwise == 2800
    assert any("2800 rows, each covariance on 2751 to 2769" in note for note in r.notes)


def test_duhachek_interval_and_item_correlations_match_psych(bfi_items: pd.DataFrame) -> None:
    r = reliability(bfi_items.dropna(), reverse=["A1"], scale=(1, 6))
    # a <- psych::alpha(na.omit(x), keys = "A1"): total$ase; raw_alpha -/+ qnorm(0.975) * ase
    assert_allclose(r.alpha_se, 0.00907484359454393, rtol=1e-10)
    assert_allclose([r.alpha_duhachek_ci_low, r.alpha_duhachek_ci_high],
                    [0.685969527764196, 0.721542260985476], rtol=1e-12)
    # a$item.stats raw.r, r.cor, r.drop
    raw_r = [0.579096473517546, 0.728183897262683, 0.761692269131660, 0.654864656283934,
             0.686101019597164]
    r_cor = [0.379797848807733, 0.665776591584091, 0.710785620766704, 0.471154845763790,
             0.593596701563555]
    r_drop = [0.311401300580162, 0.563015475492023, 0.588773078677353, 0.394793680111273,
              0.487240867629001]
    assert_allclose([i.r_item_total for i in r.items], raw_r, rtol=1e-10)
    assert_allclose([i.r_cor for i in r.items], r_cor, rtol=1e-10)
    assert_allclose([i.r_drop for i in r.items], r_drop, rtol=1e-10)


def test_constant_item_on_bfi_matches_psych(bfi_items: pd.DataFrame) -> None:
    x = bfi_items.dropna().iloc[:200].copy()
    x["A6"] = 4
    r = reliability(x, reverse=["A1"], scale=(1, 6))
    # psych::alpha(xc) with A1 reversed by hand and A6 = 4 (dropped, with a warning)
    assert_allclose([r.alpha, r.alpha_standardized, r.average_r, r.alpha_se],
                    [0.712320678057702, 0.72442105509575, 0.344582418169227, 0.0325839966298563],
                    rtol=1e-10)
    assert_allclose([r.mean_score, r.sd_score], [4.46833333333333, 0.760629129241143], rtol=1e-12)
    # psych::alpha.ci(raw_alpha, 200, 5): the Feldt CI over the 5 items that vary
    assert_allclose([r.alpha_ci_low, r.alpha_ci_high], [0.644095413651017, 0.770865675161670],
                    rtol=1e-10)
    used = r.items[:5]
    assert_allclose([i.r_item_total for i in used],
                    [0.561733163941793, 0.730448150553142, 0.793633240995103, 0.603252916737281,
                     0.755341365199095], rtol=1e-10)
    assert_allclose([i.r_cor for i in used],
                    [0.388641538714633, 0.681589315949627, 0.769774958271986, 0.383227201572687,
                     0.690267519008337], rtol=1e-10)
    assert_allclose([i.r_drop for i in used],
                    [0.303331759077696, 0.574321166253595, 0.639606423837100, 0.322239420384734,
                     0.577276252072445], rtol=1e-10)
    assert_allclose([i.alpha_if_deleted for i in used],
                    [0.729971722525481, 0.630312694079755, 0.593583739035763, 0.732079730244194,
                     0.619465004544864], rtol=1e-10)
    assert r.dropped_items == ("A6",) and r.n_items_used == 5
    assert np.isfinite(r.omega_total)  # over the five items that vary
    assert any("A6" in note and "left out" in note for note in r.notes)


def test_omega_interval_stays_inside_zero_one_and_heywood_is_flagged() -> None:
    # Two items nearly identical force a uniqueness to its bound (a Heywood case).
    rng = np.random.default_rng(7)
    f = rng.normal(size=12)
    items = pd.DataFrame({"a": f, "b": f + rng.normal(0, 0.01, 12), "c": f + rng.normal(0, 1, 12),
                          "d": rng.normal(size=12)})
    r = reliability(items, scale=None)
    assert r.omega_heywood
    assert any("Heywood" in note for note in r.notes)
    assert 0.0 < r.omega_ci_low < r.omega_total < r.omega_ci_high < 1.0


def test_reliable_change_participants_survive_a_pickle() -> None:
    # Stored analyses are pickles; the participants are built on access from arrays.
    import pickle

    from lipassess.analysis import reliable_change

    pre = pd.Series([3.0, 3.4, 2.8, 4.0, 3.1], index=list("abcde"))
    post = pd.Series([3.9, 3.5, 2.9, 3.1, 4.4], index=list("abcde"))
    r = reliable_change(pre, post, reliability=0.8, sd_pre=0.5)
    back = pickle.loads(pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == r and back.to_dict() == r.to_dict()
    assert [(p.id, p.category) for p in back.participants] == [
        ("a", "improved"), ("b", "unchanged"), ("c", "unchanged"), ("d", "declined"),
        ("e", "improved")]

"""Observer ratings: change, self-other agreement, the gap and inter-rater agreement against R.

The reference values come from ``tests/analysis/r/raters_reference.R`` (base R ``t.test``,
``cor.test``, ``aov``; ``psych::ICC``; ``multilevel::rwg``, ``rwg.j``, ``ICC2``), which also
simulated the data in ``tests/analysis/data/raters_sim.csv`` and ``raters_self_sim.csv``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import (
    change_correlation,
    estimation_gap,
    observer_change,
    observer_scores,
    rater_agreement,
    self_other_agreement,
)
from lipassess.errors import InvalidInput

from .conftest import DATA

TOL = 1e-9
ITEMS = ["O1", "O2", "O3", "O4"]


@pytest.fixture(scope="module")
def ref() -> dict[str, float]:
    table = pd.read_csv(DATA / "raters_reference.csv")
    return dict(zip(table["name"], table["value"], strict=True))


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "raters_sim.csv")
    return frame.assign(score=frame[ITEMS].mean(axis=1, skipna=True))


@pytest.fixture(scope="module")
def scores(ratings: pd.DataFrame) -> dict[str, pd.Series]:
    self_ = pd.read_csv(DATA / "raters_self_sim.csv")
    out = {}
    for wave in ("pre", "post"):
        out[f"self_{wave}"] = self_[self_["wave"] == wave].set_index("participant")["score"]
        out[f"other_{wave}"] = observer_scores(
            ratings[ratings["wave"] == wave], target="participant", score="score"
        )
    return out


def check_paired(result, ref: dict[str, float], prefix: str) -> None:
    assert result.n_obs == ref[f"{prefix}_n"]
    got = [result.mean_diff, result.mean_diff_ci_low, result.mean_diff_ci_high, result.t,
           result.p_value, result.d_z, result.d_z_ci_low, result.d_z_ci_high, result.d_av]  # fmt: skip
    names = ["mean_diff", "mean_diff_ci_low", "mean_diff_ci_high", "t", "p", "d_z",
             "d_z_ci_low", "d_z_ci_high", "d_av"]  # fmt: skip
    # R's pt(ncp=) warns it may lose precision far out; the d_z limits agree to 1e-7.
    assert_allclose(got, [ref[f"{prefix}_{n}"] for n in names], rtol=1e-7)


def test_observer_change_matches_r(scores, ref):
    result = observer_change(scores["other_pre"], scores["other_post"])
    check_paired(result, ref, "observer_change")
    assert "4 participant(s) without both pre and post dropped (pairwise)" in result.notes


def test_self_other_agreement_matches_r(scores, ref):
    result = self_other_agreement(scores["self_pre"], scores["other_pre"])
    check_paired(result.difference, ref, "agreement_pre")
    assert result.difference.mean_diff > 0  # self minus other: the simulated self-rating is higher
    assert_allclose(result.mean_self - result.mean_other, ref["agreement_pre_mean_diff"], rtol=TOL)
    c = result.correlation
    assert_allclose(
        [c.r, c.ci_low, c.ci_high, c.p_value],
        [ref["agreement_pre_r"], ref["agreement_pre_r_ci_low"], ref["agreement_pre_r_ci_high"],
         ref["agreement_pre_r_p"]],  # fmt: skip
        rtol=TOL,
    )


def test_change_correlation_matches_cor_test(scores, ref):
    c = change_correlation(
        scores["self_pre"], scores["self_post"], scores["other_pre"], scores["other_post"]
    )
    assert c.n_obs == ref["change_r_n"]
    assert_allclose(
        [c.r, c.ci_low, c.ci_high, c.p_value],
        [ref["change_r"], ref["change_r_ci_low"], ref["change_r_ci_high"], ref["change_r_p"]],
        rtol=TOL,
    )
    assert c.df == c.n_obs - 2


def test_estimation_gap_matches_r(scores, ref):
    result = estimation_gap(
        scores["self_pre"], scores["other_pre"], scores["self_post"], scores["other_post"]
    )
    assert result.n_obs == ref["gap_n"]
    assert_allclose([result.mean_gap_pre, result.mean_gap_post],
                    [ref["gap_mean_pre"], ref["gap_mean_post"]], rtol=TOL)  # fmt: skip
    check_paired(result.signed, ref, "gap")
    check_paired(result.absolute, ref, "abs_gap")
    assert result.verdict == "unclear"  # the absolute gap's CI spans 0 (R: -0.102 to 0.235)


def test_gap_verdict_follows_the_absolute_gap_ci():
    ids = list("abcdef")
    self_pre = pd.Series([4.5, 4.4, 4.6, 4.2, 4.8, 4.3], index=ids)
    other_pre = pd.Series([3.0, 3.1, 2.9, 3.2, 3.0, 3.1], index=ids)
    self_post = pd.Series([4.0, 3.9, 4.1, 3.8, 4.2, 3.9], index=ids)
    other_post = pd.Series([3.8, 3.6, 3.9, 3.5, 4.0, 3.7], index=ids)
    narrowed = estimation_gap(self_pre, other_pre, self_post, other_post)
    # gaps 1.5,1.3,1.7,1.0,1.8,1.2 -> 0.2,0.3,0.2,0.3,0.2,0.2: mean change -(7.5 - 1.4)/6
    assert_allclose(narrowed.absolute.mean_diff, -(8.5 - 1.4) / 6, rtol=TOL)
    assert narrowed.verdict == "narrowed"
    widened = estimation_gap(self_post, other_post, self_pre, other_pre)
    assert widened.verdict == "widened"


def test_rater_agreement_matches_aov_and_multilevel(ratings, ref):
    pre = ratings[ratings["wave"] == "pre"]
    r = rater_agreement(pre, target="participant", items=ITEMS, scale=(1, 5))
    assert (r.n_obs, r.n_ratings, r.df1, r.df2) == (
        ref["icc_targets"], ref["icc_ratings"], ref["icc_df1"], ref["icc_df2"]
    )
    assert r.n_single == pre["participant"].nunique() - r.n_obs
    got = [r.k0, r.ms_between, r.ms_within, r.f, r.p_value, r.icc1, r.icc1_ci_low,
           r.icc1_ci_high, r.icc1k, r.icc1k_ci_low, r.icc1k_ci_high]  # fmt: skip
    names = ["k0", "msb", "msw", "f", "p", "1", "1_ci_low", "1_ci_high", "1k", "1k_ci_low",
             "1k_ci_high"]  # fmt: skip
    expected = [ref[f"icc_{n}"] if not n[0].isdigit() else ref[f"icc{n}"] for n in names]
    assert_allclose(got, expected, rtol=TOL)
    assert_allclose(r.icc1k, ref["icc1k_multilevel"], rtol=TOL)
    # multilevel::ICC1 uses the mean number of raters (3.5) where we use k0 (3.488).
    assert not math.isclose(r.icc1, ref["icc1_multilevel_mean_size"], rel_tol=1e-4)
    assert r.null_variance == 2.0
    assert_allclose(
        [r.rwg_mean, r.rwg_median, r.rwg_j_mean, r.rwg_j_median],
        [ref["rwg_mean"], ref["rwg_median"], ref["rwg_j_mean"], ref["rwg_j_median"]],
        rtol=TOL,
    )
    assert r.n_truncated == ref["rwg_zero"]
    per = {t.target: t for t in r.targets}
    for name in [n[len("rwg_j_"):] for n in ref if n.startswith("rwg_j_P")]:
        assert_allclose([per[name].rwg, per[name].rwg_j], [ref[f"rwg_{name}"], ref[f"rwg_j_{name}"]],
                        rtol=TOL)  # fmt: skip


def test_balanced_raters_match_psych_icc(ratings, ref):
    pre = ratings[ratings["wave"] == "pre"]
    sizes = pre.groupby("participant").size()
    balanced = pre[pre["participant"].isin(sizes[sizes == 3].index)]
    r = rater_agreement(balanced, target="participant", items=ITEMS)
    assert r.n_obs == ref["balanced_targets"]
    assert r.k0 == pytest.approx(3.0, abs=1e-12)
    assert_allclose(
        [r.icc1, r.icc1k, r.icc1_ci_low, r.icc1_ci_high, r.icc1k_ci_low, r.icc1k_ci_high],
        [ref["balanced_icc1"], ref["balanced_icc1k"], ref["balanced_icc1_ci_low"],
         ref["balanced_icc1_ci_high"], ref["balanced_icc1k_ci_low"], ref["balanced_icc1k_ci_high"]],
        rtol=TOL,
    )  # fmt: skip


def test_rwg_by_the_published_formula_and_truncation():
    # Person a: scores 1, 5 on a 1-5 scale: variance 8 > (25 - 1) / 12 = 2, so r_wg = 0.
    # Person b: 3, 4, 5 on one item: variance 1, r_wg = 1 - 1/2 = 0.5;
    # two items with variances 1 and 1/3: mean 2/3, ratio 1/3, r_wg(J) = 2(2/3) / (2(2/3) + 1/3) = 0.8.
    data = pd.DataFrame(
        {"p": ["a", "a", "b", "b", "b"], "x": [1, 5, 3, 4, 5], "y": [1, 5, 4, 4, 5]}
    )
    r = rater_agreement(data[["p", "x"]], target="p", items=["x"])
    per = {t.target: t for t in r.targets}
    assert per["a"].rwg == 0.0 and r.n_truncated == 1
    assert per["b"].rwg == pytest.approx(0.5)
    both = rater_agreement(data, target="p", items=["x", "y"])
    b = {t.target: t for t in both.targets}["b"]
    assert b.rwg_j == pytest.approx(0.8)
    assert {t.target: t for t in both.targets}["a"].rwg_j == 0.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pd.DataFrame({"p": ["a", "b"], "x": [1, 2]}), r"persons with 2\+ raters\) needs at least 2"),
        (pd.DataFrame({"p": ["a", "a", "b", "b"], "x": [1, 2, 7, 3]}), "outside the scale"),
        (pd.DataFrame({"q": ["a", "a"], "x": [1, 2]}), "Column 'p' not found"),
    ],
)
def test_rater_agreement_refuses_bad_input_with_a_reason(data, message):
    with pytest.raises(InvalidInput, match=message):
        rater_agreement(data, target="p", items=["x"])


def test_self_other_needs_indexed_series():
    with pytest.raises(InvalidInput, match="indexed by participant id"):
        self_other_agreement([3.0, 4.0], [3.0, 3.5])

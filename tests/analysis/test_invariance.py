"""Measurement invariance across waves and languages, against lavaan 0.6.14 (R 4.2.2).

Reference script: tests/analysis/r/invariance_reference.R. The simulated data
have a known answer: item i3's intercept shifts after the training (a response
shift) and item i4 reads higher in Khmer; every loading is the same everywhere.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import (
    Criteria,
    InvarianceTest,
    invariance_across_groups,
    invariance_across_waves,
    measurement_invariance,
)
from lipassess.analysis.invariance import compare
from lipassess.errors import InvalidInput

DATA = Path(__file__).parent / "data"
ITEMS = ["i1", "i2", "i3", "i4"]
FIT = 1e-7


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    return pd.read_csv(DATA / "invariance_sim.csv", index_col="id")


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((DATA / "invariance_reference.json").read_text(encoding="utf-8"))


def by_wave(sim: pd.DataFrame, waves: list[str]) -> dict[str, pd.DataFrame]:
    return {w: sim[[f"{w}_{i}" for i in ITEMS]].set_axis(ITEMS, axis=1) for w in waves}


@pytest.fixture(scope="module")
def three_waves(sim) -> InvarianceTest:
    return invariance_across_waves(by_wave(sim, ["pre", "post", "followup"]))


@pytest.fixture(scope="module")
def languages(sim) -> InvarianceTest:
    return invariance_across_groups(by_wave(sim, ["pre"])["pre"], sim["language"])


def check_lrt(ours, expected: dict) -> None:
    assert ours.df_diff == expected["df_diff"]
    assert_allclose([ours.chisq_diff, ours.p_value], [expected["chisq_diff"], expected["p_value"]],
                    rtol=1e-6, atol=FIT)


@pytest.mark.parametrize("waves", [["pre", "post", "followup"], ["pre", "post"]], ids=lambda w: f"{len(w)}waves")
def test_waves_fits_and_difference_tests_match_lavaan(sim, reference, waves):
    expected = reference["waves"][",".join(waves)]
    result = invariance_across_waves(by_wave(sim, waves))
    for level in ("configural", "metric", "scalar"):
        fit = getattr(result, level)
        assert fit.df == expected[level]["df"]
        assert_allclose([fit.chisq, fit.cfi, fit.rmsea],
                        [expected[level]["chisq"], expected[level]["cfi"], expected[level]["rmsea"]], atol=FIT)
    check_lrt(result.metric_vs_configural, expected["metric_vs_configural"])  # lavTestLRT(metric, configural)
    check_lrt(result.scalar_vs_metric, expected["scalar_vs_metric"])
    assert result.metric_vs_configural.delta_cfi == pytest.approx(
        expected["metric"]["cfi"] - expected["configural"]["cfi"], abs=FIT)
    assert result.n_obs == expected["configural"]["n"]


def test_waves_release_the_shifted_intercept_found_by_lavaan(sim, reference, three_waves):
    expected = reference["waves"]["pre,post,followup"]
    # The item released is the one whose free intercepts lower lavaan's chi-square most.
    worst = min(expected["scalar_free_one"], key=expected["scalar_free_one"].get)
    assert worst == "i3"
    assert [(r.parameter, r.item) for r in three_waves.releases] == [("intercept", worst)]
    final = three_waves.final_scalar
    assert final.free_intercepts == ("i3",)
    assert_allclose([final.chisq, final.cfi, final.rmsea],
                    [expected["scalar_free_i3"]["chisq"], expected["scalar_free_i3"]["cfi"],
                     expected["scalar_free_i3"]["rmsea"]], atol=FIT)
    assert final.df == expected["scalar_free_i3"]["df"]
    assert three_waves.verdict == "partially_invariant"
    assert three_waves.level == "scalar"
    assert three_waves.free_loadings == ()
    assert three_waves.free_intercepts == ("i3",)
    assert three_waves.n_dropped == 90
    # Metric holds at once (delta CFI -0.0004), so no loading was searched.
    assert three_waves.metric_vs_configural.holds
    assert three_waves.final_metric is three_waves.metric


def test_languages_release_the_khmer_item_found_by_lavaan(reference, languages):
    expected = reference["languages"]
    for level in ("configural", "metric", "scalar"):
        fit = getattr(languages, level)
        assert fit.df == expected[level]["df"]
        assert_allclose([fit.chisq, fit.cfi, fit.rmsea],
                        [expected[level]["chisq"], expected[level]["cfi"], expected[level]["rmsea"]], atol=FIT)
    check_lrt(languages.metric_vs_configural, expected["metric_vs_configural"])
    check_lrt(languages.scalar_vs_metric, expected["scalar_vs_metric"])
    assert languages.labels == ("en", "km")
    assert languages.verdict == "partially_invariant"
    assert languages.free_intercepts == ("i4",)
    assert min(expected["scalar_free_one"], key=expected["scalar_free_one"].get) == "i4"
    assert_allclose(languages.final_scalar.chisq, expected["scalar_free_i4"]["chisq"], atol=FIT)
    assert_allclose(languages.configural.loadings["i1"]["km"], expected["configural"]["loadings"]["2:F:pre_i1"],
                    atol=2e-6)


def test_without_the_shifted_item_the_scale_is_invariant(sim):
    items = ["i1", "i2", "i4"]
    frames = {w: f[items] for w, f in by_wave(sim, ["pre", "post", "followup"]).items()}
    result = invariance_across_waves(frames)
    assert result.verdict == "invariant"
    assert result.releases == ()
    assert result.scalar_vs_metric.holds and result.metric_vs_configural.holds


def test_too_few_items_to_release_is_not_invariant(sim):
    """With every item required to stay constrained, the failing scalar step cannot be repaired."""
    result = invariance_across_waves(by_wave(sim, ["pre", "post"]), criteria=Criteria(min_invariant_items=4))
    assert result.verdict == "not_invariant"
    assert result.level == "metric"
    assert result.releases == ()


def test_chen_rule_needs_both_indices():
    """Chen (2007): non-invariance is a fall in CFI of .010 or more *and* a rise in RMSEA of .015 or more."""
    from lipassess.analysis.invariance import ModelFit

    def fit(name, cfi, rmsea):
        return ModelFit(model=name, chisq=10.0, df=5, p_value=0.1, cfi=cfi, rmsea=rmsea, n_obs=400, converged=True)

    base = fit("metric", 0.99, 0.03)
    assert not compare(fit("scalar", 0.98, 0.045), base).holds
    assert compare(fit("scalar", 0.981, 0.08), base).holds
    assert compare(fit("scalar", 0.95, 0.044), base).holds


def test_wrapper_records_what_could_not_run(sim):
    frames = by_wave(sim, ["pre", "post"])
    only_km = pd.Series("km", index=sim.index)
    result = measurement_invariance(frames, groups=only_km, scale="focus")
    assert result.across_waves is not None and result.across_waves.verdict == "partially_invariant"
    assert result.across_groups is None
    assert "two groups" in result.missing["groups"]
    one = measurement_invariance({"pre": frames["pre"]})
    assert one.across_waves is None and "one wave" in one.missing["waves"]
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["across_waves"]["free_intercepts"] == ["i3"]
    assert payload["across_waves"]["scalar_vs_metric"]["holds"] is False
    assert "partially_invariant" in result.summary()


def test_small_groups_are_left_out_with_a_note(sim):
    groups = sim["language"].copy()
    groups.iloc[:20] = "fr"
    result = invariance_across_groups(by_wave(sim, ["pre"])["pre"], groups)
    assert result.labels == ("en", "km")
    assert any("'fr' left out" in note for note in result.notes)


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ({"pre": pd.DataFrame({"a": [1.0] * 60, "b": 2.0, "c": 3.0})}, "at least two waves"),
        ({"pre": pd.DataFrame({"a": [1.0], "b": [2.0]}), "post": pd.DataFrame({"a": [1.0], "b": [2.0]})},
         "at least 3 items"),
        ({"pre": pd.DataFrame({"a": [1.0], "b": [2.0], "c": [3.0]}), "post": pd.DataFrame({"a": [1.0], "b": [2.0]})},
         "wave 'post' has no item 'c'"),
        ({"pre": pd.DataFrame({"a": ["x"], "b": [2.0], "c": [3.0]}), "post": pd.DataFrame({"a": [1], "b": 2, "c": 3})},
         "pre_a"),
    ],
)
def test_bad_input_says_what_to_do(frames, message):
    with pytest.raises(InvalidInput, match=message):
        invariance_across_waves(frames)


def test_too_few_participants_and_constant_items_are_refused(sim):
    frames = by_wave(sim.iloc[:30], ["pre", "post"])
    with pytest.raises(InvalidInput, match="at least 50 participants") as caught:
        invariance_across_waves(frames)
    assert caught.value.errors["reason"] == "too_few_rows"
    constant = by_wave(sim, ["pre", "post"])
    constant["pre"] = constant["pre"].assign(i2=3.0)
    with pytest.raises(InvalidInput, match="same answer from everyone"):
        invariance_across_waves(constant)


def test_p_values_are_chi_square_tail_areas(three_waves):
    from scipy import stats

    c = three_waves.scalar_vs_metric
    assert c.p_value == pytest.approx(float(stats.chi2.sf(c.chisq_diff, c.df_diff)), rel=1e-12)
    assert not math.isnan(three_waves.configural.p_value)
    assert np.isfinite(three_waves.final_scalar.chisq)


def test_items_that_do_not_correlate_are_refused_not_judged():
    """Pure noise has no factor: the configural model does not converge (or is not identified)."""
    rng = np.random.default_rng(3)
    frames = {w: pd.DataFrame(rng.normal(size=(150, 4)), columns=ITEMS) for w in ("pre", "post", "followup")}
    with pytest.raises(InvalidInput, match="configural factor model"):
        invariance_across_waves(frames)


def test_the_loading_search_releases_the_item_lavaan_finds_worst(sim, reference):
    """With a rule strict enough to fail the metric step, the first loading released is lavaan's argmin."""
    strict = Criteria(delta_cfi=0.0, delta_rmsea=-1.0)  # any fall in CFI fails
    result = invariance_across_waves(by_wave(sim, ["pre", "post", "followup"]), criteria=strict)
    expected = reference["waves"]["pre,post,followup"]["metric_free_one"]
    worst = min(expected, key=expected.get)
    first = result.releases[0]
    assert (first.parameter, first.item) == ("loading", worst)
    assert first.comparison.chisq_diff == pytest.approx(expected[worst] - reference["waves"]["pre,post,followup"][
        "configural"]["chisq"], abs=FIT)
    assert result.free_loadings[0] == worst
    # Intercepts of released loadings are released too (Byrne, Shavelson & Muthen 1989).
    assert set(result.free_loadings) <= set(result.final_scalar.free_intercepts)

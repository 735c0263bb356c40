"""The ML factor-model fitter against lavaan 0.6.14 (R 4.2.2).

Reference script: tests/analysis/r/invariance_reference.R, which simulates
tests/analysis/data/invariance_sim.csv and writes lavaan's fits of the same
models to tests/analysis/data/invariance_reference.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis._cfa import Moments, cfi, fit_cfa, rmsea
from lipassess.analysis._invariance_models import LEVELS, group_models, longitudinal_model

DATA = Path(__file__).parent / "data"
ITEMS = ["i1", "i2", "i3", "i4"]
# lavaan stops its optimiser at a relative change of ~1e-10 in F: chi-square and the indices agree
# to ~1e-8, loadings to ~1e-6.
FIT = 1e-7
LOADINGS = 2e-6


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    return pd.read_csv(DATA / "invariance_sim.csv", index_col="id")


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((DATA / "invariance_reference.json").read_text(encoding="utf-8"))


def wide_moments(sim: pd.DataFrame, waves: list[str]) -> Moments:
    columns = [f"{w}_{i}" for w in waves for i in ITEMS]
    return Moments.of(sim[columns].dropna().to_numpy(float))


def check_fit(fit, expected: dict) -> None:
    assert fit.converged
    assert fit.df == expected["df"]
    assert fit.n_obs == expected["n"]
    assert fit.baseline_df == expected["baseline_df"]
    assert_allclose([fit.chisq, fit.p_value, fit.cfi, fit.rmsea, fit.baseline_chisq],
                    [expected["chisq"], expected["pvalue"], expected["cfi"], expected["rmsea"],
                     expected["baseline_chisq"]], rtol=FIT, atol=FIT)


@pytest.mark.parametrize("waves", [["pre", "post", "followup"], ["pre", "post"]], ids=lambda w: f"{len(w)}waves")
@pytest.mark.parametrize("level", LEVELS)
def test_longitudinal_models_match_lavaan(sim, reference, waves, level):
    expected = reference["waves"][",".join(waves)][level]
    fit = fit_cfa([longitudinal_model(ITEMS, waves, level)], [wide_moments(sim, waves)])
    check_fit(fit, expected)
    k = len(ITEMS)
    ours = {f":F{t + 1}:{w}_{item}": fit.loadings[0][t * k + j, t]
            for t, w in enumerate(waves) for j, item in enumerate(ITEMS)}
    assert_allclose([ours[key] for key in expected["loadings"]], list(expected["loadings"].values()),
                    atol=LOADINGS)


def test_partial_longitudinal_model_matches_lavaan(sim, reference):
    waves = ["pre", "post", "followup"]
    model = longitudinal_model(ITEMS, waves, "scalar", free_intercepts=["i3"])
    check_fit(fit_cfa([model], [wide_moments(sim, waves)]), reference["waves"]["pre,post,followup"]["scalar_free_i3"])


@pytest.mark.parametrize("level", LEVELS)
def test_group_models_match_lavaan(sim, reference, level):
    expected = reference["languages"][level]
    columns = [f"pre_{i}" for i in ITEMS]
    data = [Moments.of(sim.loc[sim["language"] == g, columns].to_numpy(float)) for g in ("en", "km")]
    fit = fit_cfa(group_models(ITEMS, ["en", "km"], level), data)
    check_fit(fit, expected)
    ours = {f"{g + 1}:F:pre_{item}": fit.loadings[g][j, 0] for g in range(2) for j, item in enumerate(ITEMS)}
    assert_allclose([ours[key] for key in expected["loadings"]], list(expected["loadings"].values()),
                    atol=LOADINGS)


def test_fit_does_not_depend_on_the_unit_of_an_item(sim):
    """ML is scale-invariant: answers on another unit change no fit index (only that item's loading)."""
    waves = ["pre", "post"]
    values = sim[[f"{w}_{i}" for w in waves for i in ITEMS]].dropna().to_numpy(float)
    rescaled = values.copy()
    rescaled[:, [0, 4]] = rescaled[:, [0, 4]] * 10 + 7
    model = [longitudinal_model(ITEMS, waves, "scalar")]
    a, b = fit_cfa(model, [Moments.of(values)]), fit_cfa(model, [Moments.of(rescaled)])
    assert_allclose([b.chisq, b.cfi, b.rmsea], [a.chisq, a.cfi, a.rmsea], rtol=1e-8)
    assert_allclose(b.loadings[0][0, 0], 10 * a.loadings[0][0, 0], rtol=1e-6)


def test_saturated_indices_follow_lavaan():
    # lavaan reports CFI 1 and RMSEA 0 when the model reproduces the data (chi-square below its df).
    assert cfi(0.5, 4, 100.0, 6) == 1.0
    assert rmsea(0.5, 4, 200) == 0.0
    assert rmsea(0.0, 0, 200) == 0.0
    # Published formula (Steiger 1998; lavaan fitMeasures): sqrt(G) * sqrt((T/N)/df - 1/N).
    assert rmsea(36.8504639118408, 10, 420, groups=2) == pytest.approx(0.113074909666622, rel=1e-12)


def test_singular_data_is_refused():
    values = np.tile(np.arange(10.0)[:, None], (1, 3))
    with pytest.raises(ValueError, match="singular"):
        fit_cfa(group_models(["a", "b", "c"], ["all"], "configural"), [Moments.of(values)])


@pytest.mark.parametrize("item", ITEMS)
def test_partial_metric_models_match_lavaan(sim, reference, item):
    """One item's loadings free over the waves (what the partial-invariance search fits)."""
    waves = ["pre", "post", "followup"]
    fit = fit_cfa([longitudinal_model(ITEMS, waves, "metric", free_loadings=[item])], [wide_moments(sim, waves)])
    assert fit.converged and fit.df == 43
    assert_allclose(fit.chisq, reference["waves"]["pre,post,followup"]["metric_free_one"][item], atol=FIT)

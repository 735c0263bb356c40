"""attrition(): checked against formulas computed in R 4.2.2.

Script: tests/analysis/r/then_attrition_reference.R.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import attrition
from lipassess.analysis.attrition import wwc_category
from lipassess.errors import InvalidInput

SCORE = [3.1, 3.6, 2.8, 4.0, 3.3, 3.9, 2.5, 3.0, 3.7, 3.4, 2.9, 3.8]
KEPT = [True, True, False, True, True, True, False, False, True, True, False, True]
SEX = ["F", "M", "M", "F", "F", "M", "M", "F", "F", "M", "M", "F"]
OMEGA = 1 - 3 / (4 * 12 - 9)


def baseline() -> pd.DataFrame:
    ids = [f"p{i:02d}" for i in range(12)]
    return pd.DataFrame(
        {"score": SCORE, "sex": SEX, "site": ["A"] * 6 + ["B"] * 6}, index=pd.Index(ids)
    )


def test_hedges_g_and_cox_index_match_r() -> None:
    res = attrition(baseline(), KEPT, columns=["score", "sex"], group="site")
    assert (res.n_obs, res.n_retained, res.n_lost) == (12, 8, 4)
    assert res.overall_attrition == pytest.approx(4 / 12)
    score = res.variables[0]
    # R: om * (mean(score[kept]) - mean(score[!kept])) / sp  -> 2.57881955361075
    assert_allclose(score.effect_size, 2.57881955361075, rtol=1e-12)
    # R: effectsize::cohens_d(score[kept], score[!kept]) -> 2.793721183078 (= g / omega)
    assert_allclose(score.effect_size / OMEGA, 2.793721183078, rtol=1e-11)
    assert score.wwc == "does not satisfy"
    female, male = res.variables[1:]
    # R: om * (qlogis(p1) - qlogis(p2)) / 1.65 -> 0.900384846116979; p1 - p2 -> 0.375
    assert (female.level, male.level) == ("F", "M")
    assert_allclose(
        [female.effect_size, male.effect_size], [0.900384846116979, -0.900384846116979], rtol=1e-12
    )
    assert_allclose(
        [female.retained_value, female.lost_value, female.diff_proportion], [0.625, 0.25, 0.375]
    )
    assert res.wwc_category == "does not satisfy" and res.flag
    # site A loses rows 2 (p02) only -> 1/6; site B loses p06, p07, p10 -> 3/6
    assert [(g.group, g.n_lost) for g in res.groups] == [("A", 1), ("B", 3)]
    assert_allclose(res.differential_attrition, 3 / 6 - 1 / 6)


@pytest.mark.parametrize(
    ("es", "category"),
    [(0.0, "satisfies"), (0.05, "satisfies"), (-0.0501, "requires statistical adjustment"),
     (0.25, "requires statistical adjustment"), (0.2501, "does not satisfy"),
     (math.nan, "undetermined")],
)  # fmt: skip
def test_wwc_thresholds(es: float, category: str) -> None:
    assert wwc_category(es) == category


def test_equivalent_groups_satisfy() -> None:
    rng = np.random.default_rng(3)
    base = pd.DataFrame({"score": rng.normal(3.5, 0.5, 4000)})
    kept = rng.random(4000) < 0.8
    res = attrition(base, kept)
    assert abs(res.variables[0].effect_size) < 0.1
    assert any("no group column" in n for n in res.notes)
    assert math.isnan(res.differential_attrition)


def test_selective_dropout_is_flagged() -> None:
    rng = np.random.default_rng(4)
    score = rng.normal(3.5, 0.5, 4000)
    kept = rng.random(4000) < 1 / (1 + np.exp(-(score - 3.0) * 3))  # low scorers leave
    res = attrition(pd.DataFrame({"score": score}), kept)
    assert res.variables[0].effect_size > 0.25
    assert res.flag


def test_series_flags_align_on_id_and_degenerate_cases_are_noted() -> None:
    base = baseline()
    kept = pd.Series(KEPT, index=base.index)[::-1]
    res = attrition(base, kept, columns=["score"])
    assert_allclose(res.variables[0].effect_size, 2.57881955361075, rtol=1e-12)
    nobody_lost = attrition(base, [True] * 12)
    assert nobody_lost.variables == () and not nobody_lost.flag
    assert nobody_lost.wwc_category == "no attrition"
    all_same = attrition(pd.DataFrame({"score": [3.0] * 12}), KEPT)
    assert math.isnan(all_same.variables[0].effect_size)
    assert all_same.to_dict()["variables"][0]["effect_size"] is None
    assert any("undefined" in n for n in all_same.notes)
    only_one_level = attrition(pd.DataFrame({"sex": ["F"] * 12}), KEPT)
    assert math.isnan(only_one_level.variables[0].effect_size)
    assert "AttritionResult" in only_one_level.summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": ["age"]}, "no column 'age'"),
        ({"group": "cohort"}, "no column 'cohort'"),
        ({"retained": KEPT[:-1]}, "11 flags but baseline has 12"),
        ({"retained": ["yes"] * 12}, "true/false"),
        ({"retained": pd.Series(KEPT, index=[f"x{i}" for i in range(12)])}, "not in baseline"),
        ({"retained": pd.Series(KEPT[:-1], index=[f"p{i:02d}" for i in range(11)])}, "no flag"),
    ],
    ids=["missing-column", "missing-group", "length", "not-bool", "unknown-ids", "missing-flag"],
)
def test_bad_input(kwargs: dict, message: str) -> None:
    args = {"retained": KEPT} | kwargs
    with pytest.raises(InvalidInput, match=message):
        attrition(baseline(), **args)


def test_one_participant_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="at least 2"):
        attrition(pd.DataFrame({"score": [3.0]}), [True])

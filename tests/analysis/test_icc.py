"""icc(): the six Shrout-Fleiss forms against R's psych::ICC and the published table.

R (psych 2.2.9)::

    d <- read.csv("<pingouin>/datasets/icc.csv")
    w <- reshape(d, idvar = "Wine", timevar = "Judge", direction = "wide")
    w <- w[order(w$Wine), -1]
    r <- psych::ICC(w, lmer = FALSE)$results
    sf <- data.frame(J1 = c(9,6,8,7,10,6), J2 = c(2,1,4,1,5,2),
                     J3 = c(5,3,6,2,6,4), J4 = c(8,2,8,6,9,7))
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import icc
from lipassess.errors import InvalidInput

TOL = 1e-10
TYPES = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]

SF = pd.DataFrame(
    {
        "J1": [9, 6, 8, 7, 10, 6],
        "J2": [2, 1, 4, 1, 5, 2],
        "J3": [5, 3, 6, 2, 6, 4],
        "J4": [8, 2, 8, 6, 9, 7],
    }  # fmt: skip
)


@pytest.fixture(scope="module")
def wine(pingouin_dataset):
    return pingouin_dataset("icc")


def test_wine_long_format_matches_psych_icc(wine):
    r = icc(wine, targets="Wine", raters="Judge", ratings="Scores")
    assert (r.n_obs, r.n_raters, r.n_dropped) == (8, 4, 0)
    assert [f.type for f in r.forms] == TYPES
    # r$ICC
    estimates = [0.727520915896081, 0.727688787185355, 0.729486500794071, 0.914383751176047,
                 0.914450035945363, 0.915158558857712]  # fmt: skip
    assert_allclose([f.icc for f in r.forms], estimates, rtol=TOL)
    # r$F, r$df1, r$df2, r$p
    f1, f2 = 11.6800258564965, 11.7866927592955
    assert_allclose([f.f for f in r.forms], [f1, f2, f2, f1, f2, f2], rtol=TOL)
    assert [f.df1 for f in r.forms] == [7] * 6
    assert [f.df2 for f in r.forms] == [24, 21, 21, 24, 21, 21]
    p1, p2 = 2.18135095486183e-06, 5.02571546406035e-06
    assert_allclose([f.p_value for f in r.forms], [p1, p2, p2, p1, p2, p2], rtol=1e-8)
    # r$`lower bound`, r$`upper bound`
    low = [0.433772833270989, 0.434489657891130, 0.426146030129233, 0.753955323100636,
           0.754496219149400, 0.748137124158980]  # fmt: skip
    high = [0.926696029256644, 0.926708606315916, 0.927895261472731, 0.980607867054600,
            0.980611387770028, 0.980943254108413]  # fmt: skip
    assert_allclose([f.ci_low for f in r.forms], low, rtol=TOL)
    assert_allclose([f.ci_high for f in r.forms], high, rtol=TOL)


def test_wine_ci_level(wine):
    r = icc(wine, targets="Wine", raters="Judge", ratings="Scores", ci=0.90)
    # psych::ICC(w, lmer = FALSE, alpha = 0.10)$results[, 7:8]
    low = [0.488570856170704, 0.489155924186961, 0.483085319954556, 0.792583632674628,
           0.792968288585648, 0.788950322662799]  # fmt: skip
    high = [0.906617683741864, 0.906637859501999, 0.908015783360203, 0.974896235154405,
            0.974902067339022, 0.975299933649392]  # fmt: skip
    assert_allclose([f.ci_low for f in r.forms], low, rtol=TOL)
    assert_allclose([f.ci_high for f in r.forms], high, rtol=TOL)


def test_wide_equals_long(wine):
    long = icc(wine, targets="Wine", raters="Judge", ratings="Scores")
    wide = icc(wine.pivot(index="Wine", columns="Judge", values="Scores"))
    assert long.to_dict() == wide.to_dict()


def test_shrout_fleiss_table_matches_publication_and_psych():
    r = icc(SF)
    # Shrout & Fleiss (1979), Table 2 (two decimals)
    assert [round(f.icc, 2) for f in r.forms] == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    # psych::ICC(sf, lmer = FALSE)$results
    estimates = [0.165741768405476, 0.289763779527559, 0.714840714840715, 0.442797133679269,
                 0.620050547598989, 0.909315542377069]  # fmt: skip
    assert_allclose([f.icc for f in r.forms], estimates, rtol=TOL)
    low = [-0.1329323248747509, 0.0187865133747120, 0.3424647650339254, -0.8844421552381190,
           0.0711368153025035, 0.6756747138163047]  # fmt: skip
    high = [0.722560062328121, 0.761084369648953, 0.945858259955360, 0.912415420340776,
            0.927232040167722, 0.985891678169062]  # fmt: skip
    assert_allclose([f.ci_low for f in r.forms], low, rtol=TOL)
    assert_allclose([f.ci_high for f in r.forms], high, rtol=TOL)
    assert_allclose(r.form("ICC1").p_value, 0.164768808344639611, rtol=1e-8)
    assert r.form("ICC(A,1)") is r.form("ICC2")


def test_target_missing_a_rating_is_dropped_listwise():
    data = SF.astype(float)
    data.loc[len(data)] = [5.0, np.nan, 4.0, 6.0]
    r = icc(data)
    assert r.n_obs == 6 and r.n_dropped == 1
    assert_allclose(r.form("ICC2").icc, 0.289763779527559, rtol=TOL)  # as psych::ICC(sf)
    assert "Listwise" in r.notes[0]


def test_to_dict_and_summary(wine):
    r = icc(wine, targets="Wine", raters="Judge", ratings="Scores")
    payload = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert payload["forms"][1]["type"] == "ICC2" and payload["forms"][1]["name"] == "ICC(A,1)"
    assert "ICC3k" in r.summary()


def test_identical_ratings_give_nan_with_reason():
    r = icc(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]}))
    assert all(math.isnan(f.icc) for f in r.forms)
    assert any("identical" in note for note in r.notes)
    json.dumps(r.to_dict(), allow_nan=False)


def test_perfect_consistency_gives_one_with_reason():
    # Rater b is rater a plus 1: consistency (ICC3) is exactly 1, F infinite.
    r = icc(pd.DataFrame({"a": [1.0, 2.0, 4.0, 5.0], "b": [2.0, 3.0, 5.0, 6.0]}))
    assert r.form("ICC3").icc == 1.0 and r.form("ICC3k").icc == 1.0
    assert r.form("ICC3").ci_low == 1.0
    assert r.form("ICC2").icc < 1.0  # absolute agreement is not perfect
    assert any("no residual variance" in note for note in r.notes)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"targets": "Wine"}, "all three"),
        ({"targets": "Wine", "raters": "Judge", "ratings": "Score"}, "'Score' not found"),
    ],
)
def test_bad_long_format_raises(wine, kwargs, words):
    with pytest.raises(InvalidInput, match=words):
        icc(wine, **kwargs)


def test_duplicate_rating_is_an_error_not_averaged(wine):
    doubled = pd.concat([wine, wine.iloc[[0]]], ignore_index=True)
    with pytest.raises(InvalidInput, match="more than one rating"):
        icc(doubled, targets="Wine", raters="Judge", ratings="Scores")


def test_one_rater_raises():
    with pytest.raises(InvalidInput, match="at least 2 raters"):
        icc(SF[["J1"]])

"""reliable_change(): Jacobson-Truax RCI against R on pingouin's mixed_anova data.

R, for every value below::

    ma <- read.csv("<pingouin>/datasets/mixed_anova.csv")
    pre <- ma$Scores[ma$Time == "August"]; post <- ma$Scores[ma$Time == "January"]
    rxx <- 0.8
    sdiff <- sqrt(2 * (sd(pre) * sqrt(1 - rxx))^2)
    rci <- (post - pre) / sdiff
    tab <- table(cut(rci, c(-Inf, -1.96, 1.96, Inf),
                     labels = c("declined", "unchanged", "improved")))
    prop.test(tab[["improved"]], length(rci), correct = FALSE)$conf.int   # etc.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import reliable_change
from lipassess.errors import InvalidInput

TOL = 1e-12


@pytest.fixture(scope="module")
def waves(pingouin_dataset):
    data = pingouin_dataset("mixed_anova")
    wide = data.pivot(index="Subject", columns="Time", values="Scores")
    return wide["August"], wide["January"]


def test_rci_and_categories_match_r(waves):
    pre, post = waves
    r = reliable_change(pre, post, reliability=0.8)
    assert r.n_obs == 60 and r.n_dropped == 0
    assert_allclose(r.sd_pre, 0.920656970950312, rtol=TOL)  # sd(pre)
    assert_allclose(r.sdiff, 0.582274594382892, rtol=TOL)  # sdiff
    # head(rci, 5)
    first = [-1.492895964066169, 2.624901314714382, -0.661420572438926, 2.333246486838814,
             2.720891552427998]  # fmt: skip
    assert_allclose([p.rci for p in r.participants[:5]], first, rtol=TOL)
    assert [p.id for p in r.participants[:3]] == [0, 1, 2]
    # table(cut(...)): declined 7, unchanged 36, improved 17
    assert (r.declined.successes, r.unchanged.successes, r.improved.successes) == (7, 36, 17)
    assert_allclose(r.improved.share, 17 / 60, rtol=TOL)
    # prop.test(17, 60, correct = FALSE)$conf.int
    assert_allclose(
        [r.improved.ci_low, r.improved.ci_high], [0.185068284284327, 0.407672851643912], rtol=TOL
    )
    # prop.test(36, 60, correct = FALSE)$conf.int
    assert_allclose(
        [r.unchanged.ci_low, r.unchanged.ci_high],
        [0.473660534920408, 0.714305094651174],
        rtol=TOL,
    )
    # prop.test(7, 60, correct = FALSE)$conf.int
    assert_allclose(
        [r.declined.ci_low, r.declined.ci_high],
        [0.0576772064005603, 0.221787880241709],
        rtol=TOL,
    )


def test_given_sd_and_lower_is_better(waves):
    pre, post = waves
    r = reliable_change(pre, post, reliability=0.7, sd_pre=1.5, higher_is_better=False)
    # rci2 <- (post - pre) / sqrt(2 * (1.5 * sqrt(0.3))^2)
    # table(cut(rci2, c(-Inf, -1.96, 1.96, Inf))): 1 below, 55 within, 4 above
    # lower is better, so the 4 above are declines and the 1 below an improvement.
    assert (r.improved.successes, r.unchanged.successes, r.declined.successes) == (1, 55, 4)
    assert_allclose(r.sdiff, math.sqrt(2 * (1.5 * math.sqrt(0.3)) ** 2), rtol=TOL)


def test_one_participant_with_a_reference_sd_worked_by_hand():
    # sd_pre 7.5 (a norm group), reliability .88, pre 32, post 21:
    # SEM = 7.5 * sqrt(.12) = 2.598076211353316; sdiff = sqrt(2) * SEM = 3.674234614174767;
    # RCI = -11 / 3.674234614174767 = -2.993820..., below -1.96: declined.
    r = reliable_change([32.0], [21.0], reliability=0.88, sd_pre=7.5)
    assert_allclose(r.sem, 2.598076211353316, rtol=TOL)
    assert_allclose(r.sdiff, 3.674234614174767, rtol=TOL)
    assert_allclose(r.participants[0].rci, -11 / 3.674234614174767, rtol=TOL)
    assert r.participants[0].category == "declined"


def test_participants_align_on_index_and_missing_pairs_are_dropped():
    pre = pd.Series([3.0, 2.0, np.nan, 4.0], index=["a", "b", "c", "d"])
    post = pd.Series([5.0, 2.1, 3.0, 3.9], index=["b", "a", "c", "e"])
    r = reliable_change(pre, post, reliability=0.5, sd_pre=1.0)
    assert [p.id for p in r.participants] == ["a", "b"]
    assert_allclose([p.rci for p in r.participants], [(2.1 - 3.0) / 1.0, (5.0 - 2.0) / 1.0])
    assert r.n_dropped == 3  # c lacks pre, d lacks post, e lacks pre
    assert any("3 participants" in note for note in r.notes)


def test_to_dict_has_documented_keys_and_is_json(waves):
    payload = reliable_change(*waves, reliability=0.8).to_dict()
    for key in ["n_obs", "sdiff", "participants", "improved", "unchanged", "declined"]:
        assert key in payload
    assert set(payload["participants"][0]) == {"id", "rci", "category"}
    assert {"share", "ci_low", "ci_high"} <= set(payload["improved"])
    json.dumps(payload, allow_nan=False)


def test_summary_lists_the_three_categories(waves):
    text = reliable_change(*waves, reliability=0.8).summary()
    assert "improved" in text and "declined" in text and "sdiff" in text


def test_identical_pretest_scores_give_nan_with_reason():
    r = reliable_change([3.0, 3.0, 3.0], [3.5, 2.0, 4.0], reliability=0.8)
    assert r.sdiff == 0
    assert all(math.isnan(p.rci) and p.category is None for p in r.participants)
    assert math.isnan(r.improved.share)
    assert any("pretest SD is 0" in note for note in r.notes)
    json.dumps(r.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"reliability": 1.0}, "reliability must be"),
        ({"reliability": -0.1}, "reliability must be"),
        ({"reliability": float("nan")}, "finite"),
        ({"reliability": "high"}, "must be a number"),
        ({"reliability": 0.8, "sd_pre": -1}, "sd_pre must not be negative"),
        ({"reliability": 0.8, "criterion": 0}, "criterion must be above 0"),
        ({"reliability": 0.8, "ci": 95}, "ci must be"),
    ],
)
def test_bad_parameters_raise_invalid_input(kwargs, words):
    with pytest.raises(InvalidInput, match=words):
        reliable_change([1.0, 2.0, 3.0], [2.0, 2.0, 4.0], **kwargs)

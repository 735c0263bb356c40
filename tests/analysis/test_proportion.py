"""proportion(): Wilson score interval against R's prop.test(correct = FALSE)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from lipassess.analysis import proportion
from lipassess.errors import InvalidInput

# Closed form: matched to 1e-12.
TOL = 1e-12


@pytest.mark.parametrize(
    ("x", "n", "ci", "low", "high"),
    [
        # prop.test(89, 100, correct = FALSE)$conf.int
        (89, 100, 0.95, 0.813687034969197, 0.937458036429354),
        # prop.test(0, 10, correct = FALSE)$conf.int
        (0, 10, 0.95, 0.0, 0.277532799862889),
        # prop.test(10, 10, correct = FALSE)$conf.int
        (10, 10, 0.95, 0.722467200137111, 1.0),
        # prop.test(1, 7, correct = FALSE)$conf.int
        (1, 7, 0.95, 0.0256796243447436, 0.5131278292743188),
        # prop.test(37, 163, correct = FALSE)$conf.int
        (37, 163, 0.95, 0.169408090708048, 0.297151356631422),
        # prop.test(37, 163, correct = FALSE, conf.level = 0.9)$conf.int
        (37, 163, 0.90, 0.177740991439710, 0.285161708465105),
    ],
)
def test_wilson_interval_matches_prop_test(x, n, ci, low, high):
    r = proportion(x, n, ci=ci)
    assert r.successes == x and r.n_obs == n
    assert_allclose(r.share, x / n, rtol=TOL)
    assert_allclose([r.ci_low, r.ci_high], [low, high], rtol=TOL, atol=TOL)


def test_to_dict_is_plain_json():
    payload = proportion(np.int64(3), np.int64(4)).to_dict()
    assert json.loads(json.dumps(payload))["share"] == 0.75
    assert {"share", "ci_low", "ci_high", "n_obs", "method", "notes"} <= payload.keys()
    assert "Wilson" in payload["method"]
    assert payload["notes"] == ["Only 4 participants: the interval is wide."]


def test_whole_floats_are_accepted():
    assert proportion(3.0, 10.0).successes == 3


@pytest.mark.parametrize(
    ("x", "n", "words"),
    [
        (11, 10, "between 0 and n"),
        (-1, 10, "between 0 and n"),
        (1, 0, "at least 1"),
        (2.5, 10, "whole number"),
        ("3", 10, "whole number"),
        (True, 10, "whole number"),
        (3, float("nan"), "whole number"),
    ],
)
def test_bad_counts_raise_invalid_input(x, n, words):
    with pytest.raises(InvalidInput, match=words):
        proportion(x, n)


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.2, "high"])
def test_bad_ci_raises_invalid_input(ci):
    with pytest.raises(InvalidInput, match="ci must be"):
        proportion(5, 10, ci=ci)


@pytest.mark.slow
@pytest.mark.parametrize(("p", "n"), [(0.3, 150), (0.89, 180)])
def test_wilson_interval_covers_the_true_share_about_95_percent(p, n):
    """5,000 binomial samples per setting, fixed seed (cohort-sized n)."""
    rng = np.random.default_rng(11)
    counts = rng.binomial(n, p, size=5000)
    covered = [proportion(int(x), n).ci_low <= p <= proportion(int(x), n).ci_high for x in counts]
    assert 0.93 <= np.mean(covered) <= 0.97

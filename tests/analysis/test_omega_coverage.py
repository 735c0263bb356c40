"""Coverage of omega's 95% interval by simulation (issue 15, point 2). Slow: about 30 s of CPU.

Data: n participants x 5 continuous items from a one-factor model with
standardized loadings 0.4 ... 0.8 and normal errors, so the true omega of the
unit-weighted score is (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) = 0.7438 (the
published formula, McDonald 1999). 2,000 data sets per n: a coverage estimate
has a standard error of about 0.5 points, so the bounds below leave two to
three standard errors for chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lipassess.analysis import reliability

LOADINGS = np.array([0.4, 0.5, 0.6, 0.7, 0.8])
TRUE_OMEGA = LOADINGS.sum() ** 2 / (LOADINGS.sum() ** 2 + (1 - LOADINGS**2).sum())
REPLICATIONS = 2000


def simulate(n: int, seed: int) -> tuple[float, float, float]:
    """Coverage of the logit interval, of the symmetric Wald one, and the share of Heywood fits."""
    rng = np.random.default_rng(seed)
    logit = wald = heywood = 0
    for _ in range(REPLICATIONS):
        factor = rng.normal(size=(n, 1))
        x = factor * LOADINGS + rng.normal(size=(n, 5)) * np.sqrt(1 - LOADINGS**2)
        r = reliability(pd.DataFrame(x, columns=list("abcde")), scale=None)
        logit += r.omega_ci_low <= TRUE_OMEGA <= r.omega_ci_high
        z = 1.959963984540054
        wald += r.omega_total - z * r.omega_se <= TRUE_OMEGA <= r.omega_total + z * r.omega_se
        heywood += r.omega_heywood
    return logit / REPLICATIONS, wald / REPLICATIONS, heywood / REPLICATIONS


@pytest.mark.slow
@pytest.mark.parametrize(("n", "seed"), [(12, 1512), (40, 1540), (250, 15250)])
def test_logit_interval_covers_omega_about_95_percent(n: int, seed: int) -> None:
    logit, wald, heywood = simulate(n, seed)
    assert 0.925 <= logit <= 0.975, (logit, wald, heywood)
    if n == 12:
        # The symmetric Wald interval falls short at small n (88.7% in the check),
        # and a sizeable share of the fits are Heywood cases, which the result now flags.
        assert wald < 0.91 and logit - wald > 0.03
        assert heywood > 0.1

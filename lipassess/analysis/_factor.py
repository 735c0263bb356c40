"""Maximum-likelihood one-factor model of a correlation matrix (used for omega).

For given uniquenesses Psi the ML loadings are the first eigenvector of
``Psi^-1/2 R Psi^-1/2`` scaled by ``sqrt(theta_1 - 1)`` (Lawley & Maxwell
1971; Joreskog 1967, the concentrated likelihood R's ``factanal`` optimises).
The ML estimate is the fixed point of ``Psi <- diag(R - lambda lambda')``,
with Psi kept within factanal's bounds ``[0.005, 1]``; the iteration is
accelerated with SQUAREM (Varadhan & Roland 2008), falling back to plain steps
whenever an extrapolation would lower the likelihood. We do not call
``scipy.optimize``: its L-BFGS-B spends milliseconds per iteration in BLAS
thread start-up, ten times the cost of the whole fit here.

ML is scale-invariant, so the standardized solution found on the correlation
matrix rescales exactly to the solution on the covariance matrix (what
``lavaan::cfa(..., std.lv = TRUE)`` estimates); agreement with factanal and
lavaan is about 1e-7 in the loadings (their optimisers' tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: factanal's lower bound for uniquenesses; reaching it signals a Heywood case.
LOWER = 0.005
#: Convergence: largest change of a uniqueness over one step.
TOLERANCE = 1e-10
MAX_ITERATIONS = 2000


@dataclass(frozen=True, slots=True)
class OneFactorFit:
    """Standardized loadings and uniquenesses of a one-factor ML solution."""

    loadings: np.ndarray
    uniquenesses: np.ndarray
    converged: bool
    heywood: bool


def _step(psi: np.ndarray, corr: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """One fixed-point step: (next Psi, loadings at Psi, -log-likelihood at Psi)."""
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    rest = values[:-1]
    if rest[0] > 0:
        discrepancy = float(rest.sum() - np.log(rest).sum() + 1.0 - corr.shape[0])
    else:
        discrepancy = float("inf")
    loadings = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    following = np.minimum(np.maximum(1.0 - loadings**2, LOWER), 1.0)
    return following, loadings, discrepancy


def one_factor_ml(corr: np.ndarray) -> OneFactorFit:
    """Fit one factor by maximum likelihood to a positive-definite correlation matrix.

    Loadings are signed so that their sum is positive.
    """
    k = corr.shape[0]
    psi = np.clip((1.0 - 0.5 / k) / np.diag(np.linalg.inv(corr)), LOWER, 1.0)
    converged = False
    for _ in range(MAX_ITERATIONS):
        first, loadings, value = _step(psi, corr)
        if np.max(np.abs(first - psi)) < TOLERANCE:
            converged = True
            break
        second, _, _ = _step(first, corr)
        r = first - psi
        v = second - first - r
        vv = float(v @ v)
        step = min(-np.sqrt(float(r @ r) / vv), -1.0) if vv > 0 else -1.0
        jumped = np.clip(psi - 2.0 * step * r + step * step * v, LOWER, 1.0)
        following, _, jumped_value = _step(jumped, corr)
        if not np.isfinite(jumped_value) or jumped_value > value:
            following, _, _ = _step(second, corr)
        psi = following
    else:
        _, loadings, _ = _step(psi, corr)
    if loadings.sum() < 0:
        loadings = -loadings
    return OneFactorFit(
        loadings=loadings,
        uniquenesses=psi,
        converged=converged,
        heywood=bool(np.any(psi <= LOWER * (1 + 1e-6))),
    )

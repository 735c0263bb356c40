"""Maximum-likelihood one-factor model of a correlation matrix (used for omega).

The fit follows R's ``factanal`` (Lawley & Maxwell 1971; Joreskog 1967): for
given uniquenesses Psi the best loadings are the first eigenvector of
``Psi^-1/2 R Psi^-1/2`` scaled by ``sqrt(theta_1 - 1)``, so only the k
uniquenesses are optimised, by L-BFGS-B with the analytic gradient, within
``[0.005, 1]`` as factanal does. ML is scale-invariant, so the standardized
solution found on the correlation matrix rescales exactly to the solution on
the covariance matrix (what ``lavaan::cfa(..., std.lv = TRUE)`` estimates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh
from scipy.optimize import minimize

#: factanal's lower bound for uniquenesses; reaching it signals a Heywood case.
LOWER = 0.005


@dataclass(frozen=True, slots=True)
class OneFactorFit:
    """Standardized loadings and uniquenesses of a one-factor ML solution."""

    loadings: np.ndarray
    uniquenesses: np.ndarray
    converged: bool
    heywood: bool


def _loadings(psi: np.ndarray, corr: np.ndarray) -> np.ndarray:
    scale = 1.0 / np.sqrt(psi)
    values, vectors = eigh(corr * np.outer(scale, scale))
    top = vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    return np.sqrt(psi) * top


def _objective(psi: np.ndarray, corr: np.ndarray) -> tuple[float, np.ndarray]:
    scale = 1.0 / np.sqrt(psi)
    values, vectors = eigh(corr * np.outer(scale, scale))
    rest = values[:-1]
    value = -(np.sum(np.log(rest) - rest) - 1.0 + corr.shape[0])
    load = np.sqrt(psi) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
    gradient = (load**2 + psi - np.diag(corr)) / psi**2
    return float(value), gradient


def one_factor_ml(corr: np.ndarray) -> OneFactorFit:
    """Fit one factor by maximum likelihood to a positive-definite correlation matrix.

    Loadings are signed so that their sum is positive.
    """
    k = corr.shape[0]
    start = np.clip((1.0 - 0.5 / k) / np.diag(np.linalg.inv(corr)), LOWER, 1.0)
    fit = minimize(
        _objective,
        start,
        args=(corr,),
        jac=True,
        method="L-BFGS-B",
        bounds=[(LOWER, 1.0)] * k,
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000},
    )
    psi = fit.x
    loadings = _loadings(psi, corr)
    if loadings.sum() < 0:
        loadings = -loadings
    return OneFactorFit(
        loadings=loadings,
        uniquenesses=psi,
        converged=bool(fit.success),
        heywood=bool(np.any(psi <= LOWER * (1 + 1e-6))),
    )

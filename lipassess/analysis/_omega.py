"""McDonald's omega total of a unit-weighted score, its standard error and interval.

The one-factor ML fit is :mod:`lipassess.analysis._factor`; this module turns
it into omega (McDonald 1999), the delta-method standard error lavaan gives for
a defined parameter, and a logit-transformed Wald interval that stays inside
(0, 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from lipassess.analysis._factor import LOWER, one_factor_ml


def omega_total(
    cov: np.ndarray, names: Sequence[str], notes: list[str]
) -> tuple[float, np.ndarray, bool]:
    r"""Omega total, the standardized loadings and whether the fit is a Heywood case.

    ``cov`` is the covariance matrix of items that all vary. Omega is
    :math:`(\sum\lambda)^2 / ((\sum\lambda)^2 + \sum\theta)` with the raw
    loadings and residual variances of the one-factor ML model.
    """
    k = cov.shape[0]
    nan_loadings = np.full(k, np.nan)
    if k < 3:
        notes.append(
            "omega_total, its interval and the loadings are NaN: a one-factor model needs at "
            "least 3 items that vary."
        )
        return float("nan"), nan_loadings, False
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    if np.linalg.eigvalsh(corr)[0] <= 1e-10:
        notes.append(
            "omega_total, its interval and the loadings are NaN: the items are linearly "
            "dependent (or there are fewer complete rows than items), so no factor model can "
            "be fitted."
        )
        return float("nan"), nan_loadings, False
    fit = one_factor_ml(corr)
    if not fit.converged:
        notes.append(
            "The one-factor model for omega did not fully converge; treat omega with care."
        )
    if fit.heywood:
        at_bound = [names[int(i)] for i in np.flatnonzero(fit.uniquenesses <= LOWER * (1 + 1e-6))]
        notes.append(
            f"Heywood case: uniqueness of {', '.join(at_bound)} held at its lower bound "
            "(0.005) in the factor model for omega (omega_heywood is true); omega is then "
            "likely overstated and its interval too narrow, so read it with care."
        )
    raw_loadings = fit.loadings * sd
    common = raw_loadings.sum() ** 2
    omega = common / (common + float(np.sum(fit.uniquenesses * sd**2)))
    return float(omega), fit.loadings, fit.heywood


def omega_se(cov: np.ndarray, loadings: np.ndarray, n: int, notes: list[str]) -> float:
    r"""Delta-method standard error of omega total from the ML one-factor model.

    With :math:`\Sigma = \lambda\lambda' + \Theta` (raw loadings, diagonal
    residual variances), :math:`W = \Sigma^{-1}`, :math:`u = W\lambda`,
    :math:`c = \lambda' W \lambda`, the expected information per observation
    :math:`\tfrac12 \mathrm{tr}(W\,\partial\Sigma_a\,W\,\partial\Sigma_b)` has the blocks
    :math:`uu' + cW` (loadings), :math:`W_{ij} u_j` (loading i, residual j) and
    :math:`\tfrac12 W \circ W` (residuals). The covariance of the estimates is its
    inverse over N, and omega's gradient is :math:`2 S B / (A + B)^2` for every
    loading and :math:`-A / (A + B)^2` for every residual variance, with
    :math:`S = \sum\lambda`, :math:`A = S^2`, :math:`B = \sum\theta`.
    """
    sd = np.sqrt(np.diag(cov))
    lam = loadings * sd
    theta = np.clip(1.0 - loadings**2, LOWER, 1.0) * np.diag(cov)  # the ML fit's uniquenesses, rescaled
    sigma = np.outer(lam, lam) + np.diag(theta)
    try:
        w = np.linalg.inv(sigma)
        u = w @ lam
        c = float(lam @ u)
        k = len(lam)
        info = np.empty((2 * k, 2 * k))
        info[:k, :k] = np.outer(u, u) + c * w
        info[:k, k:] = w * u[np.newaxis, :]
        info[k:, :k] = info[:k, k:].T
        info[k:, k:] = 0.5 * w * w
        acov = np.linalg.inv(n * info)
    except np.linalg.LinAlgError:
        notes.append("omega's CI is NaN: the factor model's information matrix is singular.")
        return float("nan")
    s, b = float(lam.sum()), float(theta.sum())
    a = s * s
    gradient = np.concatenate([np.full(k, 2.0 * s * b / (a + b) ** 2), np.full(k, -a / (a + b) ** 2)])
    variance = float(gradient @ acov @ gradient)
    if not variance > 0:
        notes.append("omega's CI is NaN: the delta-method variance is not positive.")
        return float("nan")
    return float(np.sqrt(variance))




def logit_wald_ci(estimate: float, se: float, level: float) -> tuple[float, float]:
    r"""Wald interval on the logit scale, mapped back: it stays within (0, 1).

    :math:`\operatorname{expit}(\operatorname{logit}\hat\omega \pm z\,
    se / (\hat\omega(1 - \hat\omega)))`, the delta-method SE of
    :math:`\operatorname{logit}\hat\omega` (as for a proportion; Raykov &
    Marcoulides 2011, ch. 7). NaN when omega is not strictly between 0 and 1.
    """
    if not (0.0 < estimate < 1.0 and math.isfinite(se)):
        return math.nan, math.nan
    z = float(stats.norm.isf((1.0 - level) / 2.0))
    centre = math.log(estimate / (1.0 - estimate))
    half = z * se / (estimate * (1.0 - estimate))
    return float(special.expit(centre - half)), float(special.expit(centre + half))

"""Numerical building blocks for paired comparisons (no validation, arrays in).

Kept apart from :mod:`lipassess.analysis.paired` so that ``repeated`` and
``then_test`` reuse exactly the same formulas.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special, stats


def sd(values: np.ndarray) -> float:
    """Sample standard deviation (ddof=1); NaN below two values."""
    if values.size < 2:
        return math.nan
    return float(np.std(values, ddof=1))


def pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN (instead of a warning) when either side is constant."""
    if x.size < 2:
        return math.nan
    xc = x - x.mean()
    yc = y - y.mean()
    denom = math.sqrt(float(xc @ xc) * float(yc @ yc))
    if denom == 0.0:
        return math.nan
    return float(np.clip((xc @ yc) / denom, -1.0, 1.0))


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p of a t statistic; NaN when t is not finite."""
    if not math.isfinite(t) or not df > 0:
        return math.nan
    return float(2.0 * special.stdtr(df, -abs(t)))


def noncentral_t_ci(t: float, df: float, ci: float) -> tuple[float, float]:
    """Confidence limits for the noncentrality parameter of an observed t.

    Inverts the noncentral t distribution (Steiger & Fouladi 1997): the lower
    limit is the ncp with ``P(T <= t | ncp) = 1 - alpha/2``, the upper one the
    ncp with ``P(T <= t | ncp) = alpha/2``. Same as ``MBESS::conf.limits.nct``
    and the CI of ``effectsize::cohens_d`` (which finds it with ``optim``).
    Returns NaNs when the distribution cannot be evaluated that far out.
    """
    if not (math.isfinite(t) and df > 0):
        return math.nan, math.nan
    alpha = 1.0 - ci
    spread = 2.0 * stats.norm.isf(alpha / 4.0) * math.sqrt(1.0 + t * t / (2.0 * df)) + 1.0

    def limit(target: float) -> float:
        def f(ncp: float) -> float:
            value = float(special.nctdtr(df, ncp, t)) - target
            if math.isnan(value):
                raise ValueError("noncentral t cdf not computable")
            return value

        lo, hi = t - spread, t + spread
        for _ in range(60):
            if f(lo) > 0:
                break
            lo -= spread
        for _ in range(60):
            if f(hi) < 0:
                break
            hi += spread
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=200))

    try:
        return limit(1.0 - alpha / 2.0), limit(alpha / 2.0)
    except (ValueError, RuntimeError):
        # The noncentral t cdf is not computable this far out (tiny df, huge t).
        return math.nan, math.nan


def hedges_j(df: float) -> float:
    """Hedges' (1981) approximate small-sample correction J = 1 - 3 / (4 df - 1)."""
    if not df > 0.25:
        return math.nan
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def hedges_j_exact(df: float) -> float:
    """Hedges' (1981) exact correction J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)).

    What ``effectsize::hedges_g`` uses (0.8 and later); NaN below df = 2.
    """
    if not df > 1:
        return math.nan
    return math.exp(
        special.gammaln(df / 2.0) - 0.5 * math.log(df / 2.0) - special.gammaln((df - 1.0) / 2.0)
    )

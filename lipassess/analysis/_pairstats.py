"""Numerical building blocks for paired comparisons (no validation, arrays in).

Kept apart from :mod:`lipassess.analysis.paired` so that ``repeated`` and
``then_test`` reuse exactly the same formulas.
"""

from __future__ import annotations

import math
from functools import lru_cache

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


@lru_cache(maxsize=64)
def _signrank_cdf(n: int) -> np.ndarray:
    """P(V <= v) for v = 0..n(n+1)/2 under H0 (R's ``psignrank``), by dynamic programming."""
    total = n * (n + 1) // 2
    counts = np.zeros(total + 1, dtype=float)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[: total + 1 - k].copy()
    return np.cumsum(counts) / 2.0**n


def wilcoxon_signed_rank(diff: np.ndarray) -> tuple[float, float, str, list[str]]:
    """Wilcoxon signed-rank test of ``diff`` against 0, as R's ``wilcox.test(paired=TRUE)``.

    Returns ``(V, p, method, notes)`` where V is the sum of the ranks of the
    positive differences. Zero differences are dropped; the exact null
    distribution is used when fewer than 50 non-zero differences remain with
    no ties and no zeros, otherwise the normal approximation with tie-corrected
    variance and continuity correction.
    """
    notes: list[str] = []
    zeros = diff == 0
    nonzero = diff[~zeros]
    n = nonzero.size
    if zeros.any():
        notes.append(f"Wilcoxon: {int(zeros.sum())} zero differences dropped (as R does)")
    if n == 0:
        notes.append("Wilcoxon: every difference is zero, so the test is undefined")
        return math.nan, math.nan, "undefined", notes
    ranks = stats.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    _, tie_sizes = np.unique(ranks, return_counts=True)
    ties = bool((tie_sizes > 1).any())
    if n < 50 and not ties and not zeros.any():
        cdf = _signrank_cdf(n)
        vi = int(round(v))
        # P(V >= v) = P(V <= total - v) by symmetry; avoids 1 - cdf cancellation.
        p = cdf[n * (n + 1) // 2 - vi] if v > n * (n + 1) / 4.0 else cdf[vi]
        return v, float(min(2.0 * p, 1.0)), "exact", notes
    z = v - n * (n + 1) / 4.0
    sigma = math.sqrt(
        n * (n + 1) * (2 * n + 1) / 24.0 - float(np.sum(tie_sizes**3 - tie_sizes)) / 48.0
    )
    if sigma == 0.0:
        notes.append("Wilcoxon: all differences tied, so the normal approximation is undefined")
        return v, math.nan, "normal", notes
    z = (z - math.copysign(0.5, z) if z != 0 else 0.0) / sigma
    p = float(2.0 * stats.norm.sf(abs(z)))
    if n < 50:
        reason = " and ".join(
            word for word, present in (("ties", ties), ("zero differences", zeros.any())) if present
        )
        notes.append(f"Wilcoxon: normal approximation used because of {reason} (as R does)")
    return v, min(p, 1.0), "normal", notes


def hedges_j(df: float) -> float:
    """Hedges' (1981) approximate small-sample correction J = 1 - 3 / (4 df - 1)."""
    if not df > 0.25:
        return math.nan
    return 1.0 - 3.0 / (4.0 * df - 1.0)

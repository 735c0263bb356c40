"""Rank tests shared by ``paired``, ``then_test``, ``repeated`` and ``attrition`` (arrays in).

Every rank test here first puts its values on a grid with :func:`tie_safe`, so
that values which are mathematically equal but differ in the last bits of a
float (``21/6 - 20/6`` and ``24/6 - 23/6``) are ties, as they are in the item
sums they come from. Then one sort per test gives the average ranks and the tie
sizes (:func:`average_ranks`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

#: Values that agree to this many significant digits of the largest absolute
#: value are one value for ranking (float noise is about 1e-16 of it).
TIE_DIGITS = 10
#: R switches from the exact to the normal null distribution at 50 values.
EXACT_LIMIT = 50


def tie_safe(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to :data:`TIE_DIGITS` significant digits of the largest |value|.

    Returned as whole numbers of the grid step (floats), which keeps order, makes
    values that agree to that precision exactly equal, and makes a difference that
    is zero up to float noise exactly 0. Ranks, and so every rank statistic, are
    the same on the grid as on the values.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return x
    largest = float(np.max(np.abs(x)))
    if not math.isfinite(largest) or largest == 0.0:
        return x
    step = 10.0 ** (math.floor(math.log10(largest)) - (TIE_DIGITS - 1))
    if not step > 0.0:  # values near the smallest doubles: leave them as they are
        return x
    return np.round(x / step)


def average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks (1-based, as R's ``rank``) and the sizes of the tie groups, with one sort."""
    n = values.size
    order = np.argsort(values)  # average ranks need no stable order
    ordered = values[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sizes = np.diff(np.append(starts, n))
    # A group occupying positions s .. s+t-1 (0-based) has average rank s + (t + 1) / 2.
    group_rank = starts + (sizes + 1) / 2.0
    ranks = np.empty(n)
    ranks[order] = np.repeat(group_rank, sizes)
    return ranks, sizes


@lru_cache(maxsize=64)
def _signrank_cdf(n: int) -> np.ndarray:
    """P(V <= v) for v = 0..n(n+1)/2 under H0 (R's ``psignrank``), by dynamic programming."""
    total = n * (n + 1) // 2
    counts = np.zeros(total + 1, dtype=float)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[: total + 1 - k].copy()
    return np.cumsum(counts) / 2.0**n


@lru_cache(maxsize=64)
def _ranksum_cdf(m: int, n: int) -> np.ndarray:
    """P(W <= w) for w = 0..mn under H0 (R's ``pwilcox``).

    The counts are the coefficients of the Gaussian binomial
    :math:`\\binom{m+n}{m}_q = \\prod_{i=1}^{m} (1 - q^{n+i}) / (1 - q^i)`:
    multiply by each numerator, divide by each denominator (a running sum with
    stride i).
    """
    size = m * n + 1
    counts = np.zeros(size + n + m + 1)
    counts[0] = 1.0
    for i in range(1, m + 1):
        shift = n + i
        counts[shift:] = counts[shift:] - counts[:-shift].copy()
        for start in range(i):
            counts[start::i] = np.cumsum(counts[start::i])
    counts = counts[:size]
    return np.cumsum(counts) / special.comb(m + n, m, exact=False)


@dataclass(frozen=True, slots=True)
class SignedRankTest:
    """Wilcoxon signed-rank test of differences against 0, with the rank-biserial r."""

    v: float
    p_value: float
    method: str
    n_nonzero: int
    r_rb: float
    r_rb_ci_low: float
    r_rb_ci_high: float
    notes: tuple[str, ...]


def signed_rank(diff: np.ndarray, *, ci: float = 0.95) -> SignedRankTest:
    """Wilcoxon signed-rank test as R's ``wilcox.test(x, y, paired = TRUE)``, on :func:`tie_safe` values.

    V is the sum of the ranks of the positive differences; zero differences are
    dropped; exact null distribution when fewer than 50 non-zero differences
    remain with no ties and no zeros, otherwise the normal approximation with
    tie-corrected variance :math:`n(n+1)(2n+1)/24 - \\sum(t^3 - t)/48` and
    continuity correction. The matched-pairs rank-biserial correlation is
    :math:`r_{rb} = (V^+ - V^-)/(V^+ + V^-) = 4V/(n(n+1)) - 1` over the n
    non-zero differences (Kerby 2014), with the CI
    :math:`\\tanh(\\operatorname{atanh} r_{rb} \\pm z\\,SE)`,
    :math:`SE = \\sqrt{(2n^3 + 3n^2 + n)/6} / (n(n+1)/2)`, as
    ``effectsize::rank_biserial(x - y)``.
    """
    notes: list[str] = []
    d = tie_safe(diff)
    zeros = d == 0
    nonzero = d[~zeros]
    n = int(nonzero.size)
    n_zero = int(zeros.sum())
    if n_zero:
        notes.append(f"Wilcoxon: {n_zero} zero differences dropped (as R does)")
    nan = math.nan
    if n == 0:
        notes.append(
            "Wilcoxon and the rank-biserial r are undefined: every difference is zero"
        )
        return SignedRankTest(
            v=nan, p_value=nan, method="undefined", n_nonzero=0, r_rb=nan,
            r_rb_ci_low=nan, r_rb_ci_high=nan, notes=tuple(notes),
        )
    ranks, tie_sizes = average_ranks(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    total = n * (n + 1) / 2.0
    r_rb = 2.0 * v / total - 1.0
    if n > 1 and abs(r_rb) < 1.0:
        se = math.sqrt((2.0 * n**3 + 3.0 * n**2 + n) / 6.0) / total
        z = float(stats.norm.isf((1.0 - ci) / 2.0))
        r_lo, r_hi = (math.tanh(math.atanh(r_rb) + s * z * se) for s in (-1.0, 1.0))
    else:
        r_lo = r_hi = nan
        notes.append(
            "rank-biserial CI undefined: "
            + ("one non-zero difference" if n == 1 else "every non-zero difference has the same sign")
        )
    ties = bool((tie_sizes > 1).any())
    if n < EXACT_LIMIT and not ties and not n_zero:
        cdf = _signrank_cdf(n)
        vi = int(round(v))
        # P(V >= v) = P(V <= total - v) by symmetry; avoids 1 - cdf cancellation.
        p = cdf[n * (n + 1) // 2 - vi] if v > total / 2.0 else cdf[vi]
        return SignedRankTest(
            v=v, p_value=float(min(2.0 * p, 1.0)), method="exact", n_nonzero=n, r_rb=r_rb,
            r_rb_ci_low=r_lo, r_rb_ci_high=r_hi, notes=tuple(notes),
        )
    centre = v - total / 2.0
    sigma = math.sqrt(
        n * (n + 1) * (2 * n + 1) / 24.0 - float(np.sum(tie_sizes**3 - tie_sizes)) / 48.0
    )
    if sigma == 0.0:
        notes.append("Wilcoxon p undefined: all differences are tied, so the normal approximation has no variance")
        return SignedRankTest(
            v=v, p_value=nan, method="normal", n_nonzero=n, r_rb=r_rb,
            r_rb_ci_low=r_lo, r_rb_ci_high=r_hi, notes=tuple(notes),
        )
    z = (centre - math.copysign(0.5, centre) if centre != 0 else 0.0) / sigma
    p = float(2.0 * stats.norm.sf(abs(z)))
    if n < EXACT_LIMIT:
        reason = " and ".join(
            word for word, present in (("ties", ties), ("zero differences", n_zero > 0)) if present
        )
        notes.append(f"Wilcoxon: normal approximation used because of {reason} (as R does)")
    return SignedRankTest(
        v=v, p_value=min(p, 1.0), method="normal", n_nonzero=n, r_rb=r_rb,
        r_rb_ci_low=r_lo, r_rb_ci_high=r_hi, notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class RankSumTest:
    """Wilcoxon-Mann-Whitney rank-sum test of group x against group y."""

    w: float
    p_value: float
    method: str
    r_rb: float


def rank_sum(x: np.ndarray, y: np.ndarray) -> RankSumTest:
    """Mann-Whitney test as R's ``wilcox.test(x, y)``, on :func:`tie_safe` values.

    :math:`W = R_x - m(m+1)/2` (R's statistic: the Mann-Whitney U of x), with
    R_x the rank sum of x in the pooled sample. Exact ``pwilcox`` p when both
    groups have fewer than 50 values and there are no ties; otherwise the normal
    approximation with variance
    :math:`\\frac{mn}{12}\\left(m + n + 1 - \\frac{\\sum(t^3-t)}{(m+n)(m+n-1)}\\right)`
    and continuity correction. Rank-biserial :math:`r_{rb} = 2W/(mn) - 1`
    (Glass 1965; ``effectsize::rank_biserial(x, y)``). Both groups must be
    non-empty.
    """
    m, n = int(x.size), int(y.size)
    pooled = tie_safe(np.concatenate([x, y]))
    ranks, tie_sizes = average_ranks(pooled)
    w = float(ranks[:m].sum() - m * (m + 1) / 2.0)
    r_rb = 2.0 * w / (m * n) - 1.0
    ties = bool((tie_sizes > 1).any())
    if m < EXACT_LIMIT and n < EXACT_LIMIT and not ties:
        cdf = _ranksum_cdf(m, n)
        q = int(round(w))
        upper = 1.0 - cdf[q - 1] if q > 0 else 1.0
        p = min(2.0 * min(float(cdf[q]), upper), 1.0)
        return RankSumTest(w=w, p_value=p, method="exact", r_rb=r_rb)
    centre = w - m * n / 2.0
    total = m + n
    sigma = math.sqrt(
        m * n / 12.0 * (total + 1 - float(np.sum(tie_sizes**3 - tie_sizes)) / (total * (total - 1)))
    )
    if sigma == 0.0:
        return RankSumTest(w=w, p_value=math.nan, method="normal", r_rb=r_rb)
    z = (centre - math.copysign(0.5, centre) if centre != 0 else 0.0) / sigma
    return RankSumTest(w=w, p_value=min(float(2.0 * stats.norm.sf(abs(z))), 1.0), method="normal", r_rb=r_rb)


def friedman(y: np.ndarray) -> tuple[float, float]:
    """Friedman's Q and its chi-square p, as R's ``friedman.test``, on :func:`tie_safe` rows.

    :math:`Q = 12 \\sum_j (R_j - n(k+1)/2)^2 / (nk(k+1) - \\sum(t^3-t)/(k-1))`
    with :math:`R_j` the within-row rank sums; NaN when the denominator is 0
    (every row constant).
    """
    n, k = y.shape
    grid = tie_safe(y)
    # k is a handful of waves: pairwise comparisons within rows beat a sort per row.
    # A cell's average rank is 1 + (values below it) + (other values equal to it) / 2.
    below = np.zeros((n, k))
    tie_size = np.ones((n, k))
    for a in range(k):
        for b in range(a + 1, k):
            higher = grid[:, a] > grid[:, b]
            lower = grid[:, a] < grid[:, b]
            equal = ~(higher | lower)
            below[:, a] += higher
            below[:, b] += lower
            tie_size[:, a] += equal
            tie_size[:, b] += equal
    ranks = 1.0 + below + (tie_size - 1.0) / 2.0
    # Sum over tie groups of t^3 - t equals the sum over cells of (t^2 - 1).
    ties = float((tie_size**2 - 1.0).sum())
    denom = n * k * (k + 1) - ties / (k - 1)
    if denom <= 0:
        return math.nan, math.nan
    q = 12.0 * float(((ranks.sum(axis=0) - n * (k + 1) / 2.0) ** 2).sum()) / denom
    return q, float(stats.chi2.sf(q, k - 1))

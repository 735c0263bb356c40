r"""Cronbach's alpha from a covariance matrix: its intervals, pairwise deletion, item correlations.

Arrays in, no validation: :mod:`lipassess.analysis.reliability` checks the
data and assembles the result. Every function names the psych figure it equals.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def alpha_from_cov(cov: np.ndarray) -> float:
    r"""Raw alpha :math:`\frac{k}{k-1}(1 - tr(C)/\sum C)` (Cronbach 1951); NaN when :math:`\sum C \le 0`."""
    k = cov.shape[0]
    total = float(cov.sum())
    if not total > 0:
        return math.nan
    return k / (k - 1) * (1.0 - float(np.trace(cov)) / total)


def feldt_ci(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    """Feldt (1965) interval: ``1 - (1 - alpha) F(1 - a/2 | a/2; n - 1, (n - 1)(k - 1))``.

    R: ``psych::alpha.ci(alpha, n, k)``.
    """
    tail = (1.0 - level) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


def duhachek_se(cov: np.ndarray, n: int) -> float:
    r"""Asymptotic SE of alpha (van Zyl, Neudecker & Nel 2000; Duhachek & Iacobucci 2004).

    With :math:`j'Cj = \sum C`,
    :math:`Q = \frac{2k^2}{(k-1)^2 (j'Cj)^3}\left[j'Cj\,(tr\,C^2 + tr^2 C) - 2\,tr\,C\;j'C^2j\right]`
    and :math:`se = \sqrt{Q/n}`: psych::alpha's ``total$ase``.
    """
    k = cov.shape[0]
    total = float(cov.sum())
    if not total > 0:
        return math.nan
    trace = float(np.trace(cov))
    square = cov @ cov
    q = (2.0 * k * k / ((k - 1) ** 2 * total**3)) * (
        total * (float(np.trace(square)) + trace * trace) - 2.0 * trace * float(square.sum())
    )
    return math.sqrt(q / n) if q > 0 else math.nan


def pairwise_cov(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariances on pairwise-complete rows (R's ``cov(x, use = "pairwise")``) and the row counts.

    Entry (i, j) uses the rows where items i and j are both answered, with the
    means of those rows; the diagonal uses every row answering the item. Rows
    that answered every item add the same to each entry and rows that answered
    none add nothing, so the masked products run over the partly answered rows
    only (few, in a survey), and the complete rows are summed once.
    """
    answered = ~np.isnan(x)
    per_row = answered.sum(axis=1)
    k = x.shape[1]
    full = x[per_row == k]
    part_rows = (per_row > 0) & (per_row < k)
    part_mask = answered[part_rows].astype(float)
    part = np.where(answered[part_rows], x[part_rows], 0.0)
    counts = full.shape[0] + part_mask.T @ part_mask
    sums = full.sum(axis=0)[:, np.newaxis] + part.T @ part_mask  # (i, j): item i over rows answering j
    cross = full.T @ full + part.T @ part
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (cross - sums * sums.T / counts) / (counts - 1.0)
    cov[counts < 2] = np.nan
    return cov, counts


def corrected_item_total(corr: np.ndarray) -> np.ndarray:
    r"""psych's ``r.cor``: item-total r corrected for item overlap and scale reliability.

    The correlation matrix with the squared multiple correlations
    :math:`1 - 1/(R^{-1})_{ii}` on its diagonal (Cureton 1966), then
    :math:`\sum_j R^c_{ij} / \sqrt{\sum R^c}`. NaN when R is singular.
    """
    undefined = np.full(corr.shape[0], np.nan)
    if not np.all(np.isfinite(corr)) or np.linalg.eigvalsh(corr)[0] <= 1e-10:
        return undefined
    smc = 1.0 - 1.0 / np.diag(np.linalg.inv(corr))
    adjusted = corr.copy()
    np.fill_diagonal(adjusted, smc)
    total = float(adjusted.sum())
    if not total > 0:
        return np.full(corr.shape[0], np.nan)
    return adjusted.sum(axis=0) / math.sqrt(total)

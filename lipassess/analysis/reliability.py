"""Internal consistency of a multi-item scale: alpha, omega and item analysis."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._factor import LOWER, one_factor_ml
from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.validation import (
    check_ci,
    check_scale,
    complete_rows,
    numeric_frame,
    require_rows,
)
from lipassess.errors import InvalidInput

__all__ = ["ItemStatistics", "ReliabilityResult", "reliability"]

#: Fewest complete rows for which alpha and item-total correlations are computed.
MIN_ROWS = 3

METHOD = (
    "Cronbach's alpha (raw and standardized) with a Feldt (1965) F-based CI; "
    "McDonald's omega total from a one-factor maximum-likelihood model, with a Wald CI from "
    "the delta method on the expected information (as lavaan's ':=' with std.lv = TRUE); "
    "listwise deletion of rows with a missing item"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemStatistics(ResultMixin):
    """Item analysis for one item, computed on the scored (reversed if keyed) values.

    Attributes
    ----------
    item : str
        Column name.
    reversed : bool
        Whether the item was reversed (``low + high - x``) before scoring.
    mean, sd : float
        Mean and standard deviation (n - 1 denominator) of the scored item.
    r_drop : float
        Corrected item-total correlation: the item against the sum of the other
        items (psych::alpha ``item.stats$r.drop``).
    alpha_if_deleted : float
        Raw alpha of the remaining items (psych::alpha ``alpha.drop$raw_alpha``).
    floor, ceiling : float
        Shares of answers at the lowest and highest scale point, after reversal
        (so ``floor`` is always the low end of what the scale measures).
    loading : float
        Standardized loading on the single factor of the ML model used for omega.
    """

    item: str
    reversed: bool
    mean: float
    sd: float
    r_drop: float
    alpha_if_deleted: float
    floor: float
    ceiling: float
    loading: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ReliabilityResult(ResultMixin):
    """Reliability of a scale score (the mean of its items) on complete rows.

    Attributes
    ----------
    n_obs : int
        Rows (participants) used: those with every item answered.
    n_items : int
        Number of items.
    n_dropped : int
        Rows left out by listwise deletion.
    missing : str
        How missing answers were handled (always ``"listwise"``).
    scale : tuple of float or None
        Response scale ``(low, high)`` used for reversal, range checks, floor/ceiling.
    reversed : tuple of str
        Items reversed before computing.
    ci : float
        Confidence level of ``alpha_ci_low``/``alpha_ci_high``.
    alpha : float
        Cronbach's alpha on the raw (unstandardized) items.
    alpha_ci_low, alpha_ci_high : float
        Feldt confidence interval for ``alpha``.
    alpha_standardized : float
        Alpha from the correlation matrix: ``k r / (1 + (k - 1) r)``.
    omega_total : float
        McDonald's omega total of the unit-weighted score, one-factor ML model.
    omega_se : float
        Its standard error by the delta method (expected information, N).
    omega_ci_low, omega_ci_high : float
        Wald confidence interval ``omega_total -/+ z * omega_se`` at level ``ci``.
    average_r : float
        Mean of the k(k-1)/2 inter-item correlations.
    mean_score, sd_score : float
        Mean and SD of the scale score (mean of the items, as psych::alpha reports).
    sem : float
        Standard error of measurement of the scale score: ``sd_score * sqrt(1 - alpha)``.
    items : tuple of ItemStatistics
        One entry per item, in input order.
    method : str
        Methods used, in words.
    notes : tuple of str
        Data-handling facts and reasons for any NaN.
    """

    n_obs: int
    n_items: int
    n_dropped: int
    missing: str
    scale: tuple[float, float] | None
    reversed: tuple[str, ...]
    ci: float
    alpha: float
    alpha_ci_low: float
    alpha_ci_high: float
    alpha_standardized: float
    omega_total: float
    omega_se: float
    omega_ci_low: float
    omega_ci_high: float
    average_r: float
    mean_score: float
    sd_score: float
    sem: float
    items: tuple[ItemStatistics, ...]
    method: str
    notes: tuple[str, ...]

    def summary(self) -> str:
        """The scale-level figures, then one line per item, then the notes."""
        head = ResultMixin.summary(self).split("\n  note: ")[0]
        table = format_table(
            ["item", "mean", "sd", "r_drop", "alpha_if_deleted", "floor", "ceiling", "loading"],
            [
                [
                    item.item + (" (R)" if item.reversed else ""),
                    item.mean,
                    item.sd,
                    item.r_drop,
                    item.alpha_if_deleted,
                    item.floor,
                    item.ceiling,
                    item.loading,
                ]
                for item in self.items
            ],
        )
        notes = [f"  note: {note}" for note in self.notes]
        return "\n".join([head, "", table, *notes])


def _feldt_ci(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


def _omega(
    cov: np.ndarray, names: Sequence[str], constant: np.ndarray, notes: list[str]
) -> tuple[float, np.ndarray]:
    k = cov.shape[0]
    nan_loadings = np.full(k, np.nan)
    if k < 3:
        notes.append("omega_total is NaN: a one-factor model needs at least 3 items.")
        return float("nan"), nan_loadings
    if constant.any():
        notes.append("omega_total is NaN: it needs every item to vary.")
        return float("nan"), nan_loadings
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    if np.linalg.eigvalsh(corr)[0] <= 1e-10:
        notes.append(
            "omega_total is NaN: the items are linearly dependent (or there are fewer "
            "complete rows than items), so no factor model can be fitted."
        )
        return float("nan"), nan_loadings
    fit = one_factor_ml(corr)
    if not fit.converged:
        notes.append(
            "The one-factor model for omega did not fully converge; treat omega with care."
        )
    if fit.heywood:
        at_bound = [names[int(i)] for i in np.flatnonzero(fit.uniquenesses <= 0.005 * (1 + 1e-6))]
        notes.append(
            f"Heywood case: uniqueness of {', '.join(at_bound)} held at its lower bound "
            "(0.005) in the factor model for omega."
        )
    raw_loadings = fit.loadings * sd
    common = raw_loadings.sum() ** 2
    omega = common / (common + float(np.sum(fit.uniquenesses * sd**2)))
    return float(omega), fit.loadings


def _omega_se(cov: np.ndarray, loadings: np.ndarray, n: int, notes: list[str]) -> float:
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


def reliability(
    items: pd.DataFrame,
    *,
    reverse: Iterable[Hashable] = (),
    scale: Sequence[float] | None = (1, 5),
    ci: float = 0.95,
) -> ReliabilityResult:
    """Cronbach's alpha (with Feldt CI), omega total and item analysis of one scale.

    Parameters
    ----------
    items : pandas.DataFrame
        One row per participant, one column per item of the scale; blank
        answers as NaN. Every column is used.
    reverse : iterable of column names
        Reverse-keyed items, recoded as ``low + high - x`` before anything else.
    scale : (low, high) or None
        Response scale, default ``(1, 5)``. Answers outside it are rejected.
        ``None`` skips the range check; then items cannot be reversed and
        floor/ceiling shares are NaN.
    ci : float
        Confidence level of the alpha interval.

    Returns
    -------
    ReliabilityResult
        JSON keys (``to_dict()``): ``n_obs``, ``n_items``, ``n_dropped``, ``missing``,
        ``scale``, ``reversed``, ``ci``, ``alpha``, ``alpha_ci_low``,
        ``alpha_ci_high``, ``alpha_standardized``, ``omega_total``, ``average_r``,
        ``mean_score``, ``sd_score``, ``sem``, ``items`` (objects with ``item``,
        ``reversed``, ``mean``, ``sd``, ``r_drop``, ``alpha_if_deleted``, ``floor``,
        ``ceiling``, ``loading``), ``method``, ``notes``.

    Raises
    ------
    InvalidInput
        Fewer than 2 items, a reversed item that is not a column, non-numeric or
        out-of-scale answers, fewer than 3 complete rows.

    Notes
    -----
    With ``C`` the k x k item covariance matrix (n - 1 denominator) on the
    complete rows,

    * alpha = k / (k - 1) * (1 - tr(C) / sum(C)) (Cronbach 1951);
    * standardized alpha = k r / (1 + (k - 1) r), r the average inter-item
      correlation;
    * Feldt CI: ``1 - (1 - alpha) * F(1 - a/2; n - 1, (n - 1)(k - 1))`` to
      ``1 - (1 - alpha) * F(a/2; ...)``, a = 1 - ci (Feldt 1965; Feldt,
      Woodruff & Salih 1987), as ``psych::alpha.ci`` and pingouin compute it;
    * omega total = (sum lambda)^2 / ((sum lambda)^2 + sum theta) with the
      unstandardized loadings lambda and residual variances theta of a
      one-factor maximum-likelihood model of the (reversed) raw items
      (McDonald 1999), i.e. the reliability of the same unit-weighted score
      alpha refers to. The fit is R's ``factanal`` algorithm; it matches
      ``lavaan::cfa("f =~ A1 + ...", std.lv = TRUE)`` to within 1e-6.
      ``psych::omega(x, nfactors = 1)`` differs on purpose: it analyses the
      correlation matrix (standardized items) and divides by the observed
      total, 1 - sum(u2) / sum(R). On bfi A1-A5 (A1 reversed, listwise) that
      gives 0.7237 against our 0.7121 (lavaan: 0.7121).
    * omega's CI is Wald, ``omega -/+ z * se``, with the delta-method SE from
      the expected information of the ML model (divisor N), what lavaan gives
      for a defined parameter ``omega := (l1+...)^2 / ((l1+...)^2 + t1+...)``
      in ``cfa(..., std.lv = TRUE)``. At a Heywood case (a residual variance at
      its bound) lavaan's unbounded fit differs, and so may the CI.
    * item ``r_drop`` and ``alpha_if_deleted`` come from the same covariance
      matrix with the item removed, without refitting anything;
    * SEM = sd_score * sqrt(1 - alpha), in the units of the scale score
      (the mean of the items), the input to :func:`reliable_change`.

    The same numbers in R (``psych`` 2.2.9, ``lavaan`` 0.6)::

        x <- na.omit(items)
        a <- psych::alpha(x, keys = c("A1"))   # alpha, std.alpha, average_r,
                                               # item.stats r.drop, mean, sd,
                                               # alpha.drop raw_alpha, total sd
        psych::alpha.ci(a$total$raw_alpha, nrow(x), ncol(x))  # Feldt CI

    psych::alpha uses pairwise correlations by default; with missing answers
    call it on ``na.omit(items)`` to compare. pingouin's ``cronbach_alpha``
    gives the same alpha and Feldt CI but deletes pairwise by default and
    rounds the CI to three decimals; we follow R (``na.omit`` + psych): one
    well-defined sample for every figure, and full precision (rounding is the
    reports' job). Zero-variance items do not raise:
    the figures that cannot be computed are NaN and ``notes`` says why.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. Psychometrika, 16, 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of
    Kuder-Richardson reliability coefficient twenty. Psychometrika, 30, 357-370.
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.

    Examples
    --------
    >>> items = pd.DataFrame({"q1": [1, 2, 4, 4, 5, 3, 2, 4], "q2": [2, 2, 3, 5, 4, 3, 1, 3],
    ...                       "q3": [1, 3, 3, 4, 5, 2, 2, 5], "q4": [4, 4, 2, 1, 3, 3, 5, 2]})
    >>> result = reliability(items, reverse=["q4"], scale=(1, 5))
    >>> round(result.alpha, 4)  # psych::alpha(items, keys = "q4")$total$raw_alpha
    0.9189
    >>> result.to_dict()["items"][0]["item"]
    'q1'
    """
    level = check_ci(ci)
    bounds = check_scale(scale)
    frame = numeric_frame(items, scale=bounds, min_columns=2, what="item")
    names = [str(c) for c in frame.columns]
    reverse = list(reverse)
    unknown = [str(r) for r in reverse if r not in frame.columns]
    if unknown:
        raise InvalidInput(
            f"Reversed item {', '.join(repr(u) for u in unknown)} is not one of the items "
            f"({', '.join(names)}); check the names."
        )
    if reverse and bounds is None:
        raise InvalidInput("Give the response scale (low, high) so that items can be reversed.")
    complete, dropped = complete_rows(frame)
    n, k = complete.shape
    require_rows(n, MIN_ROWS, what="Reliability", dropped=dropped)

    notes: list[str] = []
    if dropped:
        notes.append(
            f"Listwise deletion: {dropped} of {n + dropped} rows had a missing item and were "
            f"left out; all figures use the {n} complete rows."
        )
    else:
        notes.append(f"No missing answers: all {n} rows used.")

    x = complete.to_numpy(dtype=np.float64, copy=True)
    flip = np.array([c in reverse for c in frame.columns])
    if bounds is not None and flip.any():  # reversing without a scale was refused above
        low, high = bounds
        x[:, flip] = low + high - x[:, flip]

    means = x.mean(axis=0)
    centred = x - means
    cov = centred.T @ centred / (n - 1)
    variances = np.diag(cov).copy()
    constant = np.ptp(x, axis=0) == 0
    variances[constant] = 0.0
    total_var = float(cov.sum())
    trace = float(variances.sum())

    if constant.all():
        notes.append(
            "Every item has the same answer from everyone: no reliability can be computed."
        )
    elif constant.any():
        flat = ", ".join(name for name, c in zip(names, constant, strict=True) if c)
        notes.append(
            f"Item {flat} has the same answer from everyone (zero variance): its r_drop, "
            "the correlations, alpha_standardized, average_r and omega_total are NaN."
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        if total_var > 0:
            alpha = k / (k - 1) * (1.0 - trace / total_var)
        else:
            alpha = float("nan")
            if not constant.all():
                notes.append("alpha is NaN: the total score has zero variance.")
        ci_low, ci_high = (
            _feldt_ci(alpha, n, k, level) if np.isfinite(alpha) else (float("nan"),) * 2
        )

        if constant.any():
            average_r = float("nan")
        else:
            sd = np.sqrt(variances)
            corr = cov / np.outer(sd, sd)
            average_r = float(corr[np.triu_indices(k, 1)].mean())
        alpha_std = k * average_r / (1.0 + (k - 1) * average_r)

        row_sums = cov.sum(axis=1)
        rest_var = total_var - 2.0 * row_sums + variances
        r_drop = (row_sums - variances) / np.sqrt(variances * rest_var)
        r_drop[constant | (rest_var <= 0)] = np.nan
        if k > 2:
            alpha_drop = (k - 1) / (k - 2) * (1.0 - (trace - variances) / rest_var)
            alpha_drop[rest_var <= 0] = np.nan
        else:
            alpha_drop = np.full(k, np.nan)
            notes.append("alpha_if_deleted is NaN: with two items, one item alone has no alpha.")

    if np.isfinite(alpha):
        omega, loadings = _omega(cov, names, constant, notes)
    else:
        omega, loadings = float("nan"), np.full(k, np.nan)
    omega_se = _omega_se(cov, loadings, n, notes) if np.isfinite(omega) else float("nan")
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    omega_ci = (omega - z * omega_se, omega + z * omega_se) if np.isfinite(omega_se) else (float("nan"),) * 2

    negative = [name for name, r in zip(names, r_drop, strict=True) if r < 0]
    if negative:
        notes.append(
            f"Item {', '.join(negative)} correlates negatively with the rest of the scale; "
            "check whether it should be reversed."
        )
    if np.isfinite(alpha) and alpha < 0:
        notes.append("alpha is negative: the items do not measure one thing as scored.")

    if bounds is not None:
        floor = (x == bounds[0]).mean(axis=0)
        ceiling = (x == bounds[1]).mean(axis=0)
    else:
        floor = ceiling = np.full(k, np.nan)
        notes.append("floor and ceiling are NaN: no response scale was given.")

    mean_score = float(x.mean(axis=1).mean())
    sd_score = float(np.sqrt(max(total_var, 0.0))) / k
    sem = (
        sd_score * float(np.sqrt(1.0 - alpha))
        if np.isfinite(alpha) and alpha <= 1
        else float("nan")
    )

    item_stats = tuple(
        ItemStatistics(
            item=names[i],
            reversed=bool(flip[i]),
            mean=float(means[i]),
            sd=float(np.sqrt(variances[i])),
            r_drop=float(r_drop[i]),
            alpha_if_deleted=float(alpha_drop[i]),
            floor=float(floor[i]),
            ceiling=float(ceiling[i]),
            loading=float(loadings[i]),
        )
        for i in range(k)
    )
    return ReliabilityResult(
        n_obs=n,
        n_items=k,
        n_dropped=dropped,
        missing="listwise",
        scale=bounds,
        reversed=tuple(str(c) for c in frame.columns if c in reverse),
        ci=level,
        alpha=float(alpha),
        alpha_ci_low=ci_low,
        alpha_ci_high=ci_high,
        alpha_standardized=float(alpha_std),
        omega_total=omega,
        omega_se=omega_se,
        omega_ci_low=float(omega_ci[0]),
        omega_ci_high=float(omega_ci[1]),
        average_r=average_r,
        mean_score=mean_score,
        sd_score=sd_score,
        sem=sem,
        items=item_stats,
        method=METHOD,
        notes=tuple(notes),
    )

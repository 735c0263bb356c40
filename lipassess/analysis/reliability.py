"""Internal consistency of a multi-item scale: alpha, omega and item analysis."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._alpha import (
    alpha_from_cov,
    corrected_item_total,
    duhachek_se,
    feldt_ci,
    pairwise_cov,
)
from lipassess.analysis._omega import logit_wald_ci, omega_se, omega_total
from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.validation import (
    check_ci,
    check_scale,
    numeric_frame,
    require_rows,
)
from lipassess.errors import InvalidInput

__all__ = ["ItemStatistics", "ReliabilityResult", "reliability"]

#: Fewest complete rows for which alpha and item-total correlations are computed.
MIN_ROWS = 3

METHOD = (
    "Cronbach's alpha (raw and standardized) with a Feldt (1965) F-based CI and Duhachek & "
    "Iacobucci's (2004) asymptotic CI; McDonald's omega total from a one-factor "
    "maximum-likelihood model, with a logit-transformed Wald CI from the delta-method SE on "
    "the expected information (the SE lavaan gives for ':=' with std.lv = TRUE); items "
    "everyone answered the same left out (as psych::alpha); listwise deletion of rows with a "
    "missing item, and alpha_pairwise on pairwise-complete covariances"
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
    r_item_total : float
        Uncorrected item-total correlation: the item against the total including
        itself (psych::alpha ``item.stats$raw.r``). ``r_drop`` is the item-rest
        correlation (JASP's "item-rest correlation").
    r_cor : float
        Item-total correlation corrected for item overlap and scale reliability
        (psych::alpha ``item.stats$r.cor``; Cureton 1966).
    used : bool
        False for an item everyone answered the same, left out of alpha, omega
        and the item analysis (its correlations, alpha_if_deleted and loading are NaN).
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
    r_item_total: float
    r_cor: float
    used: bool


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
        Logit-transformed Wald interval at level ``ci``:
        ``expit(logit(omega) -/+ z * omega_se / (omega (1 - omega)))``, inside (0, 1).
    omega_heywood : bool
        True when the factor model for omega is a Heywood case (a uniqueness at
        its lower bound 0.005); ``notes`` names the item.
    n_items_used : int
        Items that vary, over which alpha, omega and the item analysis are computed.
    dropped_items : tuple of str
        Items everyone answered the same, left out (as psych::alpha does).
    alpha_se : float
        Asymptotic standard error of alpha (Duhachek & Iacobucci 2004; psych's ``ase``).
    alpha_duhachek_ci_low, alpha_duhachek_ci_high : float
        ``alpha -/+ z * alpha_se`` (Duhachek & Iacobucci 2004).
    alpha_pairwise : float
        Alpha from pairwise-complete covariances (psych::alpha's default
        ``use = "pairwise"``), on every answer rather than the complete rows.
    n_obs_pairwise : int
        Rows with at least one answer to the items used: the rows ``alpha_pairwise`` draws on.
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
    n_items_used: int
    dropped_items: tuple[str, ...]
    alpha_se: float
    alpha_duhachek_ci_low: float
    alpha_duhachek_ci_high: float
    alpha_pairwise: float
    n_obs_pairwise: int
    omega_heywood: bool

    def summary(self) -> str:
        """The scale-level figures, then one line per item, then the notes."""
        head = ResultMixin.summary(self).split("\n  note: ")[0]
        table = format_table(
            ["item", "mean", "sd", "r_drop", "r_cor", "alpha_if_deleted", "floor", "ceiling",
             "loading"],
            [
                [
                    item.item + (" (R)" if item.reversed else ""),
                    item.mean,
                    item.sd,
                    item.r_drop,
                    item.r_cor,
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
    * omega's SE is the delta-method SE from the expected information of the
      ML model (divisor N), what lavaan gives for a defined parameter
      ``omega := (l1+...)^2 / ((l1+...)^2 + t1+...)`` in
      ``cfa(..., std.lv = TRUE)``. The CI is Wald on the logit scale,
      ``plogis(qlogis(omega) -/+ z * se / (omega * (1 - omega)))``: the
      symmetric ``omega -/+ z * se`` covered the true omega only 88.7% of the
      time at n = 12 (a quarter of those fits are Heywood cases and the SE is
      underestimated); the logit interval respects the [0, 1] bound and
      reaches about 94% (``tests/analysis/test_omega_coverage.py``, slow). At a
      Heywood case (a residual variance at its bound; ``omega_heywood``)
      lavaan's unbounded fit differs, and so may the CI.
    * Duhachek & Iacobucci's (2004) CI: ``alpha -/+ z * ase`` with psych's
      ``ase`` (the asymptotic SE of van Zyl, Neudecker & Nel 2000); psych
      prints it as "Duhachek" under ``psych::alpha(x)``.
    * ``r_item_total`` (psych ``raw.r``), ``r_drop`` (item-rest, psych
      ``r.drop``) and ``r_cor`` (psych ``r.cor``: the correlation matrix with
      squared multiple correlations on the diagonal, Cureton 1966).
    * item ``r_drop`` and ``alpha_if_deleted`` come from the same covariance
      matrix with the item removed, without refitting anything;
    * SEM = sd_score * sqrt(1 - alpha), in the units of the scale score
      (the mean of the items), the input to :func:`reliable_change`.

    The same numbers in R (``psych`` 2.2.9, ``lavaan`` 0.6)::

        x <- na.omit(items)
        a <- psych::alpha(x, keys = c("A1"))   # alpha, std.alpha, average_r,
                                               # item.stats raw.r, r.cor, r.drop,
                                               # mean, sd, alpha.drop raw_alpha,
                                               # total sd, total ase (Duhachek)
        psych::alpha.ci(a$total$raw_alpha, nrow(x), ncol(x))  # Feldt CI (ncol: items that vary)
        psych::alpha(items, keys = c("A1"))$total$raw_alpha   # alpha_pairwise

    With an item everyone answered the same, psych drops it (and, in 2.2.9,
    fails when ``keys`` is given: reverse the items by hand first).

    psych::alpha uses pairwise covariances by default; with missing answers
    call it on ``na.omit(items)`` to compare the listwise figures, and on
    ``items`` for ``alpha_pairwise`` (``psych::alpha(items)$total$raw_alpha``).
    pingouin's ``cronbach_alpha`` gives the same alpha and Feldt CI but deletes
    pairwise by default and rounds the CI to three decimals. The headline
    figures are listwise: one well-defined sample for every figure; with 3%
    item non-response a 30-item scale loses many rows, so ``alpha_pairwise``
    and ``n_obs_pairwise`` sit beside ``alpha`` and ``n_obs``, and ``notes``
    states which rows each figure used.

    An item everyone answered the same is left out of alpha, omega and the
    item analysis, as psych::alpha does (with a warning; it "is still counted
    in the score", so ``mean_score`` and ``sd_score`` keep it, as psych's
    ``total$mean`` and ``total$sd`` do); ``dropped_items`` and ``notes`` name
    it. Computing alpha over all k items instead would give a different
    number from psych.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. Psychometrika, 16, 297-334.
    Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE): An
    accurate and precise confidence interval estimate. Journal of Applied
    Psychology, 89(5), 792-808.
    Cureton, E. E. (1966). Corrected item-test correlations. Psychometrika,
    31, 93-96.
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
    x_all = frame.to_numpy(dtype=np.float64, copy=True)
    flip = np.array([c in reverse for c in frame.columns])
    if bounds is not None and flip.any():  # reversing without a scale was refused above
        low, high = bounds
        x_all[:, flip] = low + high - x_all[:, flip]
    keep = ~np.isnan(x_all).any(axis=1)
    x = x_all if keep.all() else x_all[keep]
    n, k = x.shape
    dropped = int(x_all.shape[0] - n)
    require_rows(n, MIN_ROWS, what="Reliability", dropped=dropped)

    notes: list[str] = []
    means = x.mean(axis=0)
    centred = x - means
    cov = centred.T @ centred / (n - 1)
    constant = np.ptp(x, axis=0) == 0
    variances = np.where(constant, 0.0, np.diag(cov))
    used = ~constant
    k_used = int(used.sum())
    flat = [name for name, c in zip(names, constant, strict=True) if c]
    pairwise, n_pairwise = _pairwise_alpha(x_all, used, cov, n, dropped, notes)
    if constant.all():
        notes.append(
            "Every item has the same answer from everyone: no reliability can be computed; "
            "every figure but the item means and floor/ceiling is NaN."
        )
    elif flat:
        notes.append(
            f"Item {', '.join(flat)} has the same answer from everyone (zero variance) and was "
            "left out of alpha, omega and the item analysis, as psych::alpha drops it; it still "
            "counts in mean_score and sd_score. Its r_drop, r_cor, r_item_total, "
            "alpha_if_deleted and loading are NaN."
        )
    nan = float("nan")
    cu = cov[np.ix_(used, used)]
    total_var = float(cov.sum())  # a constant item adds nothing to the total's variance

    alpha = alpha_from_cov(cu) if k_used >= 2 else nan
    if k_used == 1:
        notes.append("alpha and the other scale figures are NaN: only one item varies.")
    elif k_used >= 2 and np.isnan(alpha):
        notes.append("alpha is NaN: the total score has zero variance.")
    ci_low, ci_high = feldt_ci(alpha, n, k_used, level) if np.isfinite(alpha) else (nan, nan)
    alpha_se = duhachek_se(cu, n) if np.isfinite(alpha) else nan
    z = float(stats.norm.isf((1.0 - level) / 2.0))
    duhachek = (alpha - z * alpha_se, alpha + z * alpha_se) if np.isfinite(alpha_se) else (nan, nan)

    r_drop = np.full(k, nan)
    alpha_drop = np.full(k, nan)
    r_cor = np.full(k, nan)
    r_total = np.full(k, nan)
    average_r = alpha_std = nan
    if k_used >= 2:
        var_u = variances[used]
        sd_u = np.sqrt(var_u)
        corr = cu / np.outer(sd_u, sd_u)
        average_r = float(corr[np.triu_indices(k_used, 1)].mean())
        alpha_std = k_used * average_r / (1.0 + (k_used - 1) * average_r)
        row_sums = cu.sum(axis=1)
        sum_u = float(cu.sum())
        rest_var = sum_u - 2.0 * row_sums + var_u
        with np.errstate(divide="ignore", invalid="ignore"):
            drop_u = (row_sums - var_u) / np.sqrt(var_u * rest_var)
            drop_u[rest_var <= 0] = nan
            r_drop[used] = drop_u
            r_total[used] = row_sums / np.sqrt(var_u * sum_u) if sum_u > 0 else nan
            if k_used > 2:
                alpha_u = (k_used - 1) / (k_used - 2) * (1.0 - (var_u.sum() - var_u) / rest_var)
                alpha_u[rest_var <= 0] = nan
                alpha_drop[used] = alpha_u
            else:
                notes.append(
                    "alpha_if_deleted is NaN: with two items, one item alone has no alpha."
                )
        r_cor[used] = corrected_item_total(corr)
        if np.isnan(r_cor[used]).all():
            notes.append(
                "r_cor is NaN: the item correlations are singular (fewer complete rows than "
                "items, or items that are linear combinations of others)."
            )

    loadings = np.full(k, nan)
    omega = omega_standard_error = nan
    heywood = False
    if np.isfinite(alpha):
        used_names = [name for name, u in zip(names, used, strict=True) if u]
        omega, used_loadings, heywood = omega_total(cu, used_names, notes)
        loadings[used] = used_loadings
        if np.isfinite(omega):
            omega_standard_error = omega_se(cu, used_loadings, n, notes)
    else:
        notes.append(
            "omega_total, its interval and the loadings are NaN: alpha could not be computed."
        )
    omega_ci = logit_wald_ci(omega, omega_standard_error, level)

    negative = [name for name, r in zip(names, r_drop, strict=True) if r < 0]
    if negative:
        notes.append(
            f"Item {', '.join(negative)} correlates negatively with the rest of the scale; "
            "check whether it should be reversed."
        )
    if np.isfinite(alpha) and alpha < 0:
        notes.append("alpha is negative: the items do not measure one thing as scored.")

    if bounds is not None:
        floor = np.count_nonzero(x == bounds[0], axis=0) / n
        ceiling = np.count_nonzero(x == bounds[1], axis=0) / n
    else:
        floor = ceiling = np.full(k, np.nan)
        notes.append("floor and ceiling are NaN: no response scale was given.")

    mean_score = float(means.mean())
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
            r_item_total=float(r_total[i]),
            r_cor=float(r_cor[i]),
            used=bool(used[i]),
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
        omega_se=omega_standard_error,
        omega_ci_low=float(omega_ci[0]),
        omega_ci_high=float(omega_ci[1]),
        average_r=average_r,
        mean_score=mean_score,
        sd_score=sd_score,
        sem=sem,
        items=item_stats,
        method=METHOD,
        notes=tuple(notes),
        n_items_used=k_used,
        dropped_items=tuple(flat),
        alpha_se=float(alpha_se),
        alpha_duhachek_ci_low=float(duhachek[0]),
        alpha_duhachek_ci_high=float(duhachek[1]),
        alpha_pairwise=float(pairwise),
        n_obs_pairwise=n_pairwise,
        omega_heywood=bool(heywood),
    )


def _pairwise_alpha(
    x_all: np.ndarray, used: np.ndarray, cov: np.ndarray, n_complete: int, dropped: int,
    notes: list[str],
) -> tuple[float, int]:
    """Alpha on pairwise-complete covariances (psych::alpha's default) and the rows it uses."""
    n_used = int(used.sum())
    if not dropped:
        notes.append(
            f"No missing answers: every figure, alpha_pairwise too, uses all {n_complete} rows."
        )
        return (alpha_from_cov(cov[np.ix_(used, used)]) if n_used >= 2 else float("nan")), n_complete
    x = x_all[:, used]
    answered = ~np.isnan(x)
    n_rows = int(answered.any(axis=1).sum())
    if n_used < 2:
        return float("nan"), n_rows
    pair_cov, counts = pairwise_cov(x)
    pairs = counts[np.triu_indices(n_used, 1)]
    notes.append(
        f"Listwise deletion: {dropped} of {n_complete + dropped} rows had a missing item and "
        f"were left out; every figure except alpha_pairwise uses the {n_complete} complete rows. "
        f"alpha_pairwise uses every answer (pairwise deletion, psych::alpha's default): "
        f"{n_rows} rows, each covariance on {int(pairs.min())} to {int(pairs.max())} of them."
    )
    if np.isnan(pair_cov).any():
        notes.append("alpha_pairwise is NaN: two items are never answered by the same two rows.")
        return float("nan"), n_rows
    return alpha_from_cov(pair_cov), n_rows

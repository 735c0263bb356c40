"""Agreement among several raters of one person: ICC(1), ICC(1,k) and r_wg.

Used for supervisor, peer and direct-report ratings (multi-rater feedback): each
participant (the *target*) is rated by one or more raters on the same items. The
raters of different participants are different people, so the design is one-way
(raters nested in targets) and the number of raters varies between targets.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._results import ResultMixin
from lipassess.analysis.validation import (
    check_ci,
    check_scale,
    numeric_frame,
    require_columns,
    require_rows,
)
from lipassess.errors import InvalidInput

__all__ = ["RaterAgreementResult", "TargetAgreement", "rater_agreement", "uniform_null_variance"]

METHOD = (
    "one-way ANOVA of rater scores on the person rated (persons with 2+ raters); "
    "ICC(1) and ICC(1,k) after Shrout & Fleiss (1979) with the effective group size k0 "
    "for unequal numbers of raters; CIs from the F distribution; r_wg and r_wg(J) after "
    "James, Demaree & Wolf (1984) against the uniform null variance (A^2 - 1) / 12, "
    "observed variances above it truncated so r_wg = 0"
)


def uniform_null_variance(scale: Sequence[float]) -> float:
    """Variance of answers spread evenly over the A points of ``scale``: (A^2 - 1) / 12.

    >>> uniform_null_variance((1, 5))
    2.0
    """
    bounds = check_scale(scale)
    if bounds is None:
        raise InvalidInput("Give the answer scale as (lowest, highest), for example (1, 5).")
    points = bounds[1] - bounds[0] + 1
    if points != int(points) or points < 2:
        raise InvalidInput(
            f"r_wg needs a scale of whole answer points, such as (1, 5); got {bounds}."
        )
    return (points**2 - 1) / 12.0


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetAgreement(ResultMixin):
    """Agreement among the raters of one person.

    Attributes
    ----------
    target : str
        The person rated (participant id, as text).
    n_raters : int
        Raters of this person with a score.
    mean : float
        Mean of their scale scores.
    rwg : float
        r_wg of the scale score (single-item form).
    rwg_j : float
        r_wg(J) over the items (raters missing an item left out); NaN with fewer
        than two complete raters.
    """

    target: str
    n_raters: int
    mean: float
    rwg: float
    rwg_j: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RaterAgreementResult(ResultMixin):
    """Inter-rater agreement of one scale at one wave.

    Attributes
    ----------
    n_obs : int
        Persons with two or more raters (the ANOVA's groups, g).
    n_ratings : int
        Ratings of those persons (N).
    n_single : int
        Persons with one rater only, left out.
    k0 : float
        Effective raters per person, (N - sum n_i^2 / N) / (g - 1); the number
        of raters when every person has the same number.
    ms_between, ms_within : float
        Mean squares between and within persons.
    f, df1, df2, p_value : float, int, int, float
        F = MSB / MSW on (g - 1, N - g) df, test of ICC = 0.
    icc1, icc1_ci_low, icc1_ci_high : float
        ICC(1): reliability of one rater's score.
    icc1k, icc1k_ci_low, icc1k_ci_high : float
        ICC(1,k): reliability of the mean of a person's raters.
    null_variance : float
        The uniform null variance (A^2 - 1) / 12.
    rwg_mean, rwg_median, rwg_j_mean, rwg_j_median : float
        Summaries of the per-person r_wg and r_wg(J).
    n_truncated : int
        Persons whose raters disagreed more than random answers would
        (variance above the null variance), counted with r_wg = 0.
    targets : tuple of TargetAgreement
        One entry per person with two or more raters.
    ci : float
        Confidence level.
    method : str
        Methods in words.
    notes : tuple of str
        Data-handling facts and reasons for any NaN.
    """

    n_obs: int
    n_ratings: int
    n_single: int
    k0: float
    ms_between: float
    ms_within: float
    f: float
    df1: int
    df2: int
    p_value: float
    icc1: float
    icc1_ci_low: float
    icc1_ci_high: float
    icc1k: float
    icc1k_ci_low: float
    icc1k_ci_high: float
    null_variance: float
    rwg_mean: float
    rwg_median: float
    rwg_j_mean: float
    rwg_j_median: float
    n_truncated: int
    targets: tuple[TargetAgreement, ...]
    ci: float
    method: str
    notes: tuple[str, ...]


def _rwg(variance: float, null_variance: float) -> float:
    return 1.0 - min(variance, null_variance) / null_variance


def _rwg_j(mean_variance: float, n_items: int, null_variance: float) -> float:
    ratio = min(mean_variance, null_variance) / null_variance
    agreement = n_items * (1.0 - ratio)
    if agreement + ratio == 0.0:
        return math.nan
    return agreement / (agreement + ratio)


def _per_target(
    names: list[str], members: list[np.ndarray], scores: np.ndarray, answers: np.ndarray,
    null_variance: float,
) -> tuple[list[TargetAgreement], int]:
    """r_wg and r_wg(J) of each person, on numpy arrays (``members``: row positions per person)."""
    per_target: list[TargetAgreement] = []
    truncated = 0
    n_items = answers.shape[1]
    for name, rows in zip(names, members, strict=True):
        own = scores[rows]
        variance = float(np.var(own, ddof=1))
        truncated += variance > null_variance
        block = answers[rows]
        complete = block[~np.isnan(block).any(axis=1)]
        if len(complete) >= 2:
            rwg_j = _rwg_j(float(np.var(complete, axis=0, ddof=1).mean()), n_items, null_variance)
        else:
            rwg_j = math.nan
        per_target.append(TargetAgreement(target=name, n_raters=len(own), mean=float(own.mean()),
                                          rwg=_rwg(variance, null_variance), rwg_j=rwg_j))
    return per_target, truncated


def rater_agreement(
    ratings: pd.DataFrame,
    *,
    target: Hashable,
    items: Sequence[Hashable],
    scale: Sequence[float] = (1, 5),
    ci: float = 0.95,
) -> RaterAgreementResult:
    r"""How far the raters of the same person agree: ICC(1), ICC(1,k), r_wg and r_wg(J).

    Parameters
    ----------
    ratings : pandas.DataFrame
        One row per rating (one rater of one person at one wave).
    target : column name
        The column naming the person rated.
    items : sequence of column names
        The scale's items (answers on ``scale``). A rater's scale score is the
        mean of the items answered; a rater who answered none is left out.
    scale : (lowest, highest)
        The answer points, for the range check and r_wg's null variance.
    ci : float
        Confidence level of the ICC intervals.

    Returns
    -------
    RaterAgreementResult

    Raises
    ------
    lipassess.errors.InvalidInput
        A missing column, answers off the scale or not numeric, fewer than two
        persons with two or more raters, ``ci`` outside (0, 1).

    Notes
    -----
    One-way random-effects ANOVA of the rater scores :math:`x_{ij}` (rater j of
    person i, :math:`n_i \ge 2` raters, g persons, N ratings):
    :math:`MSB = \sum_i n_i(\bar x_i - \bar x)^2 / (g - 1)`,
    :math:`MSW = \sum_{ij}(x_{ij} - \bar x_i)^2 / (N - g)`, F = MSB / MSW.

    * ICC(1) = (MSB - MSW) / (MSB + (k_0 - 1) MSW) (Shrout & Fleiss 1979, case
      1) with :math:`k_0 = (N - \sum n_i^2 / N) / (g - 1)` (Snedecor & Cochran
      1989; Donner 1986), which is k when every person has k raters. R:
      ``psych::ICC`` (ICC1) for equal numbers of raters; ``multilevel::ICC1``
      uses the mean number of raters instead of k0, so it differs slightly
      when the numbers are unequal.
    * ICC(1,k) = (MSB - MSW) / MSB, the reliability of a person's mean rating
      (Shrout & Fleiss 1979; Bliese's 2000 ICC(2); R: ``multilevel::ICC2``,
      ``psych::ICC`` ICC1k).
    * CIs (Shrout & Fleiss 1979, as ``psych::ICC``): :math:`F_L = F / F_{1-\alpha/2}(g-1, N-g)`,
      :math:`F_U = F \cdot F_{1-\alpha/2}(N-g, g-1)`; ICC(1): (F_L - 1) / (F_L + k_0 - 1)
      to (F_U - 1) / (F_U + k_0 - 1); ICC(1,k): 1 - 1/F_L to 1 - 1/F_U.
    * :math:`r_{wg} = 1 - s_x^2 / \sigma_{EU}^2` per person, with
      :math:`\sigma_{EU}^2 = (A^2 - 1) / 12` for A answer points (James,
      Demaree & Wolf 1984); :math:`r_{wg(J)} = J(1 - \bar s^2/\sigma_{EU}^2) /
      (J(1 - \bar s^2/\sigma_{EU}^2) + \bar s^2/\sigma_{EU}^2)` over J items
      with :math:`\bar s^2` the mean item variance. A variance above
      :math:`\sigma_{EU}^2` is set to it, so r_wg = 0 (James et al. 1984;
      ``multilevel::rwg``, ``multilevel::rwg.j``).

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in
    assessing rater reliability. Psychological Bulletin, 86(2), 420-428.
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
    interrater reliability with and without response bias. Journal of Applied
    Psychology, 69(1), 85-98.
    Donner, A. (1986). A review of inference procedures for the intraclass
    correlation coefficient in the one-way random effects model.
    International Statistical Review, 54(1), 67-82.
    Bliese, P. D. (2000). Within-group agreement, non-independence, and
    reliability. In K. J. Klein & S. W. J. Kozlowski (Eds.), Multilevel
    theory, research, and methods in organizations (pp. 349-381).

    Examples
    --------
    Shrout & Fleiss's (1979) six targets, four judges (their Table 2; ICC(1,1) = .17):

    >>> sf = pd.DataFrame({"t": [i for i in range(6) for _ in range(4)],
    ...                    "x": [9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8,
    ...                          7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7]})
    >>> res = rater_agreement(sf, target="t", items=["x"], scale=(1, 10))
    >>> round(res.icc1, 2), round(res.icc1k, 2)  # R: psych::ICC(wide)$results ICC1, ICC1k
    (0.17, 0.44)
    """
    ci = check_ci(ci)
    null_variance = uniform_null_variance(scale)
    if not isinstance(ratings, pd.DataFrame):
        raise InvalidInput(
            f"Expected a table of ratings (pandas DataFrame), got {type(ratings).__name__}."
        )
    require_columns(ratings, [target])
    item_names = list(items)
    answers = numeric_frame(ratings, item_names, scale=scale, what="item")
    notes: list[str] = []
    values = answers.to_numpy()
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(values)).sum(axis=1)
        scores = np.where(counts > 0, np.nansum(values, axis=1) / np.maximum(counts, 1), np.nan)
    unanswered = int((counts == 0).sum())
    if unanswered:
        notes.append(f"{unanswered} rating(s) without any answered item left out")
    keep = counts > 0
    values, scores = values[keep], scores[keep]
    labels = ratings[target].astype(str).to_numpy()[keep]
    names_all, codes = np.unique(labels, return_inverse=True)
    sizes_all = np.bincount(codes, minlength=len(names_all))
    single = [str(n) for n, size in zip(names_all, sizes_all, strict=True) if size < 2]
    if single:
        notes.append(f"{len(single)} person(s) with a single rater left out (no agreement to measure)")
    grouped = np.flatnonzero(sizes_all >= 2)
    require_rows(len(grouped), 2, what="Agreement between raters (persons with 2+ raters)")
    in_groups = np.isin(codes, grouped)
    codes, scores, values = np.searchsorted(grouped, codes[in_groups]), scores[in_groups], values[in_groups]
    names = [str(names_all[g]) for g in grouped]
    members = [np.flatnonzero(codes == i) for i in range(len(grouped))]

    sizes = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=scores) / sizes
    g_count, n_total = len(grouped), float(sizes.sum())
    grand = float(scores.mean())
    ssb = float(np.sum(sizes * (means - grand) ** 2))
    ssw = float(np.sum((scores - means[codes]) ** 2))
    df1, df2 = g_count - 1, int(n_total) - g_count
    msb, msw = ssb / df1, ssw / df2
    k0 = (n_total - float(np.sum(sizes**2)) / n_total) / df1
    icc = _icc_one_way(msb, msw, k0, df1, df2, ci, notes)

    per_target, truncated = _per_target(names, members, scores, values, null_variance)
    rwg = np.array([t.rwg for t in per_target])
    rwg_j = np.array([t.rwg_j for t in per_target])
    rwg_j = rwg_j[~np.isnan(rwg_j)]
    if truncated:
        notes.append(
            f"{truncated} person(s) whose raters disagreed more than random answers would: r_wg = 0"
        )
    return RaterAgreementResult(
        n_obs=g_count,
        n_ratings=int(n_total),
        n_single=len(single),
        k0=k0,
        ms_between=msb,
        ms_within=msw,
        df1=df1,
        df2=df2,
        **icc,
        null_variance=null_variance,
        rwg_mean=float(rwg.mean()),
        rwg_median=float(np.median(rwg)),
        rwg_j_mean=float(rwg_j.mean()) if rwg_j.size else math.nan,
        rwg_j_median=float(np.median(rwg_j)) if rwg_j.size else math.nan,
        n_truncated=int(truncated),
        targets=tuple(per_target),
        ci=ci,
        method=METHOD,
        notes=tuple(notes),
    )


def _icc_one_way(
    msb: float, msw: float, k0: float, df1: int, df2: int, ci: float, notes: list[str]
) -> dict[str, float]:
    """ICC(1), ICC(1,k), F test and Shrout-Fleiss CIs from the one-way mean squares."""
    nan = math.nan
    if msw == 0.0:
        if msb == 0.0:
            notes.append("every rater gave every person the same score: the ICCs are undefined")
            icc1 = icc1k = nan
        else:
            notes.append("raters of each person agreed exactly (no within-person variance)")
            icc1 = icc1k = 1.0
        return {"f": nan, "p_value": nan, "icc1": icc1, "icc1_ci_low": nan,
                "icc1_ci_high": nan, "icc1k": icc1k, "icc1k_ci_low": nan,
                "icc1k_ci_high": nan}  # fmt: skip
    f = msb / msw
    alpha = 1.0 - ci
    f_low = f / float(stats.f.isf(alpha / 2.0, df1, df2))
    f_high = f * float(stats.f.isf(alpha / 2.0, df2, df1))
    return {
        "f": f,
        "p_value": float(stats.f.sf(f, df1, df2)),
        "icc1": (msb - msw) / (msb + (k0 - 1.0) * msw),
        "icc1_ci_low": (f_low - 1.0) / (f_low + k0 - 1.0),
        "icc1_ci_high": (f_high - 1.0) / (f_high + k0 - 1.0),
        "icc1k": (msb - msw) / msb if msb > 0 else nan,
        "icc1k_ci_low": 1.0 - 1.0 / f_low if f_low > 0 else nan,
        "icc1k_ci_high": 1.0 - 1.0 / f_high if f_high > 0 else nan,
    }

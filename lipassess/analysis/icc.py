"""Intraclass correlations: the six Shrout-Fleiss forms with F tests and CIs."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.validation import (
    check_ci,
    complete_rows,
    numeric_frame,
    numeric_series,
    require_columns,
    require_rows,
)
from lipassess.errors import InvalidInput

__all__ = ["ICCForm", "ICCResult", "icc"]

METHOD = (
    "Shrout & Fleiss (1979) ICCs from a two-way ANOVA; CIs as in McGraw & Wong (1996) "
    "and psych::ICC; listwise deletion of targets missing a rating"
)

#: (type, Shrout-Fleiss / McGraw-Wong name, psych::ICC row name)
FORMS = (
    ("ICC1", "ICC(1,1)", "Single_raters_absolute"),
    ("ICC2", "ICC(A,1)", "Single_random_raters"),
    ("ICC3", "ICC(C,1)", "Single_fixed_raters"),
    ("ICC1k", "ICC(1,k)", "Average_raters_absolute"),
    ("ICC2k", "ICC(A,k)", "Average_random_raters"),
    ("ICC3k", "ICC(C,k)", "Average_fixed_raters"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ICCForm(ResultMixin):
    """One intraclass correlation.

    Attributes
    ----------
    type : str
        psych's label: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k.
    name : str
        McGraw & Wong's label: ICC(1,1), ICC(A,1), ICC(C,1), ICC(1,k), ICC(A,k), ICC(C,k).
    description : str
        psych's row name (Single_random_raters ...).
    icc : float
        The estimate.
    f, p_value : float
        F test of ICC = 0.
    df1, df2 : int
        Its degrees of freedom.
    ci_low, ci_high : float
        Confidence bounds.
    """

    type: str
    name: str
    description: str
    icc: float
    f: float
    df1: int
    df2: int
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ICCResult(ResultMixin):
    """The six ICC forms for one targets x raters table.

    Attributes
    ----------
    n_obs : int
        Targets (participants) with every rating present.
    n_raters : int
        Raters (or occasions, for test-retest).
    n_dropped : int
        Targets left out because a rating was missing.
    ci : float
        Confidence level.
    ms_targets, ms_raters, ms_error, ms_within : float
        Mean squares: between targets (MSR), between raters (MSC), residual
        (MSE) and within targets (MSW = (SSC + SSE) / (n (k - 1))).
    forms : tuple of ICCForm
        ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k, in psych's order.
    method : str
        Methods used, in words.
    notes : tuple of str
        Data-handling facts and reasons for any NaN.
    """

    n_obs: int
    n_raters: int
    n_dropped: int
    ci: float
    ms_targets: float
    ms_raters: float
    ms_error: float
    ms_within: float
    forms: tuple[ICCForm, ...]
    method: str
    notes: tuple[str, ...]

    def form(self, type_: str) -> ICCForm:
        """The form labelled ``type_`` (``"ICC2"``) or ``name`` (``"ICC(A,1)"``)."""
        for item in self.forms:
            if type_ in (item.type, item.name):
                return item
        raise InvalidInput(f"No ICC form {type_!r}; use one of {', '.join(f[0] for f in FORMS)}.")

    def summary(self) -> str:
        """Sizes and mean squares, then the six forms as a table."""
        head = ResultMixin.summary(self).split("\n  note: ")[0]
        table = format_table(
            ["type", "icc", "f", "df1", "df2", "p_value", "ci_low", "ci_high"],
            [
                [f.type, f.icc, f.f, f.df1, f.df2, f.p_value, f.ci_low, f.ci_high]
                for f in self.forms
            ],
        )
        notes = [f"  note: {note}" for note in self.notes]
        return "\n".join([head, "", table, *notes])


def _wide(
    data: pd.DataFrame,
    targets: Hashable | None,
    raters: Hashable | None,
    ratings: Hashable | None,
) -> pd.DataFrame:
    names = (targets, raters, ratings)
    if all(name is None for name in names):
        return numeric_frame(data, min_columns=2, what="rater")
    if any(name is None for name in names):
        raise InvalidInput(
            "Give all three of targets, raters and ratings (long format), or none of them "
            "(wide format: one row per target, one column per rater)."
        )
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(f"Expected a table (pandas DataFrame), got {type(data).__name__}.")
    require_columns(data, names)
    values = numeric_series(data[ratings], name=str(ratings))
    keys = data[[targets, raters]]
    if keys.isna().any().any():
        raise InvalidInput(
            f"Some rows have no {targets!r} or {raters!r}; fill them in or remove those rows."
        )
    repeated = keys.duplicated()
    if repeated.any():
        target, rater = keys.loc[repeated.idxmax()]
        raise InvalidInput(
            f"Target {target!r} has more than one rating from rater {rater!r}; keep one "
            "rating per target and rater."
        )
    long = pd.DataFrame(
        {"t": keys[targets].to_numpy(), "r": keys[raters].to_numpy(), "v": values.to_numpy()}
    )
    wide = long.pivot(index="t", columns="r", values="v")
    wide.index.name, wide.columns.name = targets, raters
    if wide.shape[1] < 2:
        raise InvalidInput(f"Give at least 2 raters; got {wide.shape[1]}.")
    return wide


def _bound(f_value: np.ndarray | float, k: float) -> np.ndarray | float:
    # (F - 1) / (F + k - 1) written so that F = inf gives 1 rather than NaN.
    return 1.0 - k / (f_value + k - 1.0)


def icc(
    data: pd.DataFrame,
    *,
    targets: Hashable | None = None,
    raters: Hashable | None = None,
    ratings: Hashable | None = None,
    ci: float = 0.95,
) -> ICCResult:
    """The six Shrout-Fleiss intraclass correlations, with F tests and CIs.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format (one row per rating) when ``targets``, ``raters`` and
        ``ratings`` name its columns, as in pingouin; otherwise wide format,
        one row per target (participant) and one column per rater (or
        occasion: for test-retest, one column per administration).
    targets, raters, ratings : column names, optional
        Long-format columns. Give all three or none.
    ci : float
        Confidence level.

    Returns
    -------
    ICCResult
        JSON keys: ``n_obs``, ``n_raters``, ``n_dropped``, ``ci``,
        ``ms_targets``, ``ms_raters``, ``ms_error``, ``ms_within``, ``forms``
        (objects with ``type``, ``name``, ``description``, ``icc``, ``f``,
        ``df1``, ``df2``, ``p_value``, ``ci_low``, ``ci_high``), ``method``,
        ``notes``.

    Raises
    ------
    InvalidInput
        Missing columns, non-numeric ratings, two ratings of one target by one
        rater, fewer than 2 raters or fewer than 2 complete targets.

    Notes
    -----
    From the two-way ANOVA of n targets by k raters (MSR targets, MSC raters,
    MSE residual, MSW = (SSC + SSE) / (n (k - 1))):

    * ICC1 = (MSR - MSW) / (MSR + (k - 1) MSW), F = MSR / MSW on (n - 1, n (k - 1));
    * ICC2 = (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n);
    * ICC3 = (MSR - MSE) / (MSR + (k - 1) MSE), F = MSR / MSE on (n - 1, (n - 1)(k - 1));
    * ICC1k = (MSR - MSW) / MSR; ICC2k = (MSR - MSE) / (MSR + (MSC - MSE) / n);
      ICC3k = (MSR - MSE) / MSR.

    The CIs invert the F distribution (exact for ICC1 and ICC3 and their
    average forms); ICC2 and ICC2k use Satterthwaite's approximate df
    (McGraw & Wong 1996, Table 7). For test-retest reliability of a scale
    score read ICC2 (absolute agreement, two-way random, ICC(A,1)) (Koo & Li
    2016).

    The numbers equal R's ``psych::ICC(wide, lmer = FALSE)`` (same formulas,
    same CIs). With the default ``lmer = TRUE`` psych takes the variance
    components from ``lme4::lmer``, which agree when no component is estimated
    at zero. pingouin's ``intraclass_corr`` uses the same formulas, but it
    rounds the CI bounds to two decimals and silently averages repeated
    ratings of one target by one rater; we follow R: full precision, and
    repeated ratings are an error. Targets missing a rating are dropped
    (listwise), as ``psych::ICC(na.omit(wide), lmer = FALSE)``.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in
    assessing rater reliability. Psychological Bulletin, 86, 420-428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some
    intraclass correlation coefficients. Psychological Methods, 1, 30-46.
    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting
    intraclass correlation coefficients for reliability research. Journal of
    Chiropractic Medicine, 15, 155-163.

    Examples
    --------
    Shrout & Fleiss (1979), Table 1: six targets rated by four judges.

    >>> sf = pd.DataFrame({"J1": [9, 6, 8, 7, 10, 6], "J2": [2, 1, 4, 1, 5, 2],
    ...                    "J3": [5, 3, 6, 2, 6, 4], "J4": [8, 2, 8, 6, 9, 7]})
    >>> result = icc(sf)
    >>> [round(f.icc, 2) for f in result.forms]  # psych::ICC(sf, lmer = FALSE); S&F Table 2
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    level = check_ci(ci)
    wide = _wide(data, targets, raters, ratings)
    complete, dropped = complete_rows(wide)
    n, k = complete.shape
    require_rows(n, 2, what="An ICC", dropped=dropped)
    notes: list[str] = []
    if dropped:
        notes.append(
            f"Listwise deletion: {dropped} of {n + dropped} targets lacked a rating and were "
            f"left out; all figures use the {n} complete targets."
        )

    x = complete.to_numpy(dtype=np.float64)
    grand = x.mean()
    ss_total = float(np.sum((x - grand) ** 2))
    ss_rows = k * float(np.sum((x.mean(axis=1) - grand) ** 2))
    ss_cols = n * float(np.sum((x.mean(axis=0) - grand) ** 2))
    ss_error = max(ss_total - ss_rows - ss_cols, 0.0)
    # Relative size check: sums of squares of integer data can leave ~1e-13 residue.
    if ss_error <= 1e-12 * max(ss_total, 1.0):
        ss_error = 0.0
    # numpy scalars so that 0/0 gives NaN (and x/0 inf) instead of ZeroDivisionError
    msr = np.float64(ss_rows / (n - 1))
    msc = np.float64(ss_cols / (k - 1))
    mse = np.float64(ss_error / ((n - 1) * (k - 1)))
    msw = np.float64((ss_cols + ss_error) / (n * (k - 1)))

    if ss_total == 0:
        notes.append("Every rating is identical: the ICCs are undefined (NaN).")
    elif mse == 0:
        notes.append(
            "The raters agree perfectly up to a constant (no residual variance): F is "
            "infinite and some bounds are NaN."
        )

    alpha = 1.0 - level
    df1 = n - 1
    df_w = n * (k - 1)
    df_e = (n - 1) * (k - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (msr - msw) / (msr + (k - 1) * msw)
        icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        icc3 = (msr - mse) / (msr + (k - 1) * mse)
        icc1k = (msr - msw) / msr
        icc2k = (msr - mse) / (msr + (msc - mse) / n)
        icc3k = (msr - mse) / msr
        f1 = msr / msw
        f3 = msr / mse
        p1 = float(stats.f.sf(f1, df1, df_w))
        p3 = float(stats.f.sf(f3, df1, df_e))

        f1_low = f1 / stats.f.ppf(1 - alpha / 2, df1, df_w)
        f1_high = f1 * stats.f.ppf(1 - alpha / 2, df_w, df1)
        f3_low = f3 / stats.f.ppf(1 - alpha / 2, df1, df_e)
        f3_high = f3 * stats.f.ppf(1 - alpha / 2, df_e, df1)

        fj = msc / mse
        vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        f2_high = stats.f.ppf(1 - alpha / 2, n - 1, v)
        f2_low = stats.f.ppf(1 - alpha / 2, v, n - 1)
        icc2_low = (
            n * (msr - f2_high * mse) / (f2_high * (k * msc + (k * n - k - n) * mse) + n * msr)
        )
        icc2_high = n * (f2_low * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f2_low * msr)
        bounds = {
            "ICC1": (_bound(f1_low, k), _bound(f1_high, k)),
            "ICC2": (icc2_low, icc2_high),
            "ICC3": (_bound(f3_low, k), _bound(f3_high, k)),
            "ICC1k": (1 - 1 / f1_low, 1 - 1 / f1_high),
            "ICC2k": (
                icc2_low * k / (1 + icc2_low * (k - 1)),
                icc2_high * k / (1 + icc2_high * (k - 1)),
            ),
            "ICC3k": (1 - 1 / f3_low, 1 - 1 / f3_high),
        }
    estimates = {
        "ICC1": icc1,
        "ICC2": icc2,
        "ICC3": icc3,
        "ICC1k": icc1k,
        "ICC2k": icc2k,
        "ICC3k": icc3k,
    }
    tests = {"ICC1": (f1, df1, df_w, p1), "ICC3": (f3, df1, df_e, p3)}
    tests["ICC1k"] = tests["ICC1"]
    tests["ICC2"] = tests["ICC2k"] = tests["ICC3k"] = tests["ICC3"]

    forms = []
    for type_, name, description in FORMS:
        f_value, d1, d2, p = tests[type_]
        low, high = bounds[type_]
        forms.append(
            ICCForm(
                type=type_,
                name=name,
                description=description,
                icc=float(estimates[type_]),
                f=float(f_value),
                df1=d1,
                df2=d2,
                p_value=float(p),
                ci_low=float(low),
                ci_high=float(high),
            )
        )
    return ICCResult(
        n_obs=n,
        n_raters=k,
        n_dropped=dropped,
        ci=level,
        ms_targets=float(msr),
        ms_raters=float(msc),
        ms_error=float(mse),
        ms_within=float(msw),
        forms=tuple(forms),
        method=METHOD,
        notes=tuple(notes),
    )

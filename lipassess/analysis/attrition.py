"""Attrition: how many left before follow-up, and whether those who stayed differed at baseline."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lipassess.analysis._pairstats import t_two_sided_p
from lipassess.analysis._ranks import rank_sum
from lipassess.analysis._results import ResultMixin
from lipassess.analysis._results import format_number as fmt
from lipassess.analysis.validation import require_columns, require_rows, require_unique_ids, shown
from lipassess.errors import InvalidInput

WWC_SATISFIES = "satisfies"
WWC_ADJUST = "requires statistical adjustment"
WWC_FAILS = "does not satisfy"
WWC_UNKNOWN = "undetermined"
NO_ATTRITION = "no attrition"
SUPPRESSED = "suppressed"
"""The WWC category of a level hidden from managers (:func:`lipassess.analysis.subgroups.protect_attrition`)."""
_WWC_ORDER = (WWC_SATISFIES, WWC_UNKNOWN, WWC_ADJUST, WWC_FAILS)


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineDifference(ResultMixin):
    """Retained vs lost on one baseline variable (or one level of a categorical one).

    ``effect_size`` is Hedges' g (numeric) or the Cox index (categorical
    level), positive when the retained group is higher; ``diff_proportion``
    is the raw difference in proportions for a level (NaN for numeric).
    ``suppressed`` is True for a level hidden from managers (every number NaN).
    For a numeric variable, the tests of retained against lost: Student's t
    (``t_student``, ``p_student``, df = n_r + n_l - 2), Welch's t (``t_welch``,
    ``df_welch``, ``p_welch``) and the Mann-Whitney test (``mann_whitney_u``: R's
    W, the U of the retained group; ``mann_whitney_p_value``; ``rank_biserial``
    = 2U / (n_r n_l) - 1); NaN for the levels of a categorical variable.
    """

    variable: str
    level: str | None
    kind: str
    n_retained: int
    n_lost: int
    retained_value: float
    lost_value: float
    retained_sd: float
    lost_sd: float
    effect_size: float
    measure: str
    diff_proportion: float
    wwc: str
    suppressed: bool = False
    t_student: float = math.nan
    p_student: float = math.nan
    t_welch: float = math.nan
    df_welch: float = math.nan
    p_welch: float = math.nan
    mann_whitney_u: float = math.nan
    mann_whitney_p_value: float = math.nan
    rank_biserial: float = math.nan


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupAttrition(ResultMixin):
    """Attrition within one group (arm, cohort or site)."""

    group: str
    n_total: int
    n_lost: int
    attrition: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AttritionResult(ResultMixin):
    """Attrition rates and baseline equivalence of retained vs lost participants.

    Attributes
    ----------
    n_obs : int
        Participants at baseline.
    n_retained, n_lost : int
    overall_attrition : float
        ``n_lost / n_obs``.
    differential_attrition : float
        Largest minus smallest attrition rate across ``groups`` (NaN without a group column).
    groups : tuple of GroupAttrition
    variables : tuple of BaselineDifference
        One row per numeric variable and per level of each categorical one.
    max_abs_effect : float
        Largest absolute standardized difference.
    wwc_category : str
        Worst WWC baseline-equivalence category over ``variables``
        (``"no attrition"`` when nobody was lost).
    flag : bool
        True when any standardized difference exceeds 0.05 (adjust for it
        or explain it) or could not be computed; False when nobody was lost.
    notes : tuple of str
    """

    n_obs: int
    n_retained: int
    n_lost: int
    overall_attrition: float
    differential_attrition: float
    groups: tuple[GroupAttrition, ...]
    variables: tuple[BaselineDifference, ...]
    max_abs_effect: float
    wwc_category: str
    flag: bool
    notes: tuple[str, ...]

    def summary(self) -> str:
        """Rates, then one line per baseline variable."""
        lines = [
            f"AttritionResult: {self.n_obs} at baseline, {self.n_retained} retained, "
            f"{self.n_lost} lost",
            f"  overall attrition {fmt(self.overall_attrition)}, differential "
            f"{fmt(self.differential_attrition)}",
        ]
        lines += [
            f"  group {g.group}: {g.n_lost}/{g.n_total} lost ({fmt(g.attrition)})"
            for g in self.groups
        ]
        lines.append(
            "  variable               retained      lost    effect  measure       "
            "p_welch    p_mw  WWC"
        )
        for v in self.variables:
            label = v.variable if v.level is None else f"{v.variable}={v.level}"
            lines.append(
                f"  {label:<20}{fmt(v.retained_value):>10}{fmt(v.lost_value):>10}"
                f"{fmt(v.effect_size):>10}  {v.measure:<12}{fmt(v.p_welch, 4):>8}"
                f"{fmt(v.mann_whitney_p_value, 4):>8}  {v.wwc}"
            )
        lines.append(f"  baseline equivalence: {self.wwc_category}; flag: {self.flag}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def wwc_category(effect_size: float) -> str:
    """WWC baseline-equivalence category of a standardized difference."""
    if math.isnan(effect_size):
        return WWC_UNKNOWN
    size = abs(effect_size)
    if size <= 0.05:
        return WWC_SATISFIES
    if size <= 0.25:
        return WWC_ADJUST
    return WWC_FAILS


def worst_wwc(categories: Sequence[str], *, n_lost: int) -> str:
    """The worst of ``categories`` (``"no attrition"`` when nobody was lost, undetermined when there are none)."""
    if n_lost == 0:
        return NO_ATTRITION
    return max(categories, key=_WWC_ORDER.index) if categories else WWC_UNKNOWN


def needs_attention(category: str) -> bool:
    """True when a WWC baseline-equivalence category calls for a closer look."""
    return category not in (WWC_SATISFIES, NO_ATTRITION)


def _omega(n_total: int) -> float:
    """WWC small-sample correction omega = 1 - 3 / (4N - 9)."""
    return 1.0 - 3.0 / (4.0 * n_total - 9.0) if n_total > 2 else math.nan


def _numeric_row(name: str, kept: np.ndarray, lost: np.ndarray) -> BaselineDifference:
    n1, n2 = kept.size, lost.size
    m1 = float(kept.mean()) if n1 else math.nan
    m2 = float(lost.mean()) if n2 else math.nan
    s1 = float(kept.std(ddof=1)) if n1 > 1 else math.nan
    s2 = float(lost.std(ddof=1)) if n2 > 1 else math.nan
    g = t_student = p_student = t_welch = df_welch = p_welch = math.nan
    if n1 >= 1 and n2 >= 1 and n1 + n2 > 2:
        ss = (n1 - 1) * (s1 if n1 > 1 else 0.0) ** 2 + (n2 - 1) * (s2 if n2 > 1 else 0.0) ** 2
        pooled = math.sqrt(ss / (n1 + n2 - 2))
        if pooled > 0:
            g = _omega(n1 + n2) * (m1 - m2) / pooled
            t_student = (m1 - m2) / (pooled * math.sqrt(1.0 / n1 + 1.0 / n2))
            p_student = t_two_sided_p(t_student, n1 + n2 - 2)
    if n1 > 1 and n2 > 1:
        v1, v2 = s1 * s1 / n1, s2 * s2 / n2
        if v1 + v2 > 0:
            t_welch = (m1 - m2) / math.sqrt(v1 + v2)
            df_welch = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
            p_welch = t_two_sided_p(t_welch, df_welch)
    u = u_p = r_rb = math.nan
    if n1 and n2:
        test = rank_sum(kept, lost)
        u, u_p, r_rb = test.w, test.p_value, test.r_rb
    return BaselineDifference(
        variable=name,
        level=None,
        kind="numeric",
        n_retained=n1,
        n_lost=n2,
        retained_value=m1,
        lost_value=m2,
        retained_sd=s1,
        lost_sd=s2,
        effect_size=g,
        measure="hedges_g",
        diff_proportion=math.nan,
        wwc=wwc_category(g),
        t_student=t_student,
        p_student=p_student,
        t_welch=t_welch,
        df_welch=df_welch,
        p_welch=p_welch,
        mann_whitney_u=u,
        mann_whitney_p_value=u_p,
        rank_biserial=r_rb,
    )


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p)) if 0.0 < p < 1.0 else math.nan


def _categorical_rows(name: str, values: pd.Series, kept: np.ndarray) -> list[BaselineDifference]:
    """One row per level of ``values`` (answered rows only), retained (``kept``) against lost."""
    rows = []
    n1, n2 = int(kept.sum()), int((~kept).sum())
    # One factorisation of the column (levels as text, sorted), then counts per level.
    codes, levels = pd.factorize(values, sort=False)
    labels = [str(level) for level in levels]
    if len(set(labels)) < len(labels):  # two values with one text (1 and "1"): one level
        codes, levels = pd.factorize(values.astype(str), sort=False)
        labels = [str(level) for level in levels]
    order = np.argsort(np.array(labels, dtype=object), kind="stable")
    codes = np.argsort(order)[codes]
    counts_kept = np.bincount(codes[kept], minlength=len(labels))
    counts_lost = np.bincount(codes[~kept], minlength=len(labels))
    for i, c1, c2 in zip(order, counts_kept, counts_lost, strict=True):
        level = labels[i]
        p1 = float(c1 / n1) if n1 else math.nan
        p2 = float(c2 / n2) if n2 else math.nan
        cox = math.nan
        if n1 and n2:
            cox = _omega(n1 + n2) * (_logit(p1) - _logit(p2)) / 1.65
        rows.append(
            BaselineDifference(
                variable=name,
                level=level,
                kind="categorical",
                n_retained=n1,
                n_lost=n2,
                retained_value=p1,
                lost_value=p2,
                retained_sd=math.nan,
                lost_sd=math.nan,
                effect_size=cox,
                measure="cox_index",
                diff_proportion=p1 - p2,
                wwc=wwc_category(cox),
            )
        )
    return rows


def _retained_mask(baseline: pd.DataFrame, retained: Any) -> np.ndarray:
    if isinstance(retained, pd.Series):
        extra = retained.index.difference(baseline.index)
        if len(extra):
            raise InvalidInput(
                f"retained has {len(extra)} participant id(s) not in baseline "
                f"(for example {extra[0]!r}); give one flag per baseline participant"
            )
        flags = retained.reindex(baseline.index)
    else:
        values = list(retained)
        if len(values) != len(baseline):
            raise InvalidInput(
                f"retained has {len(values)} flags but baseline has {len(baseline)} rows; "
                "give one true/false flag per baseline participant"
            )
        flags = pd.Series(values, index=baseline.index)
    if flags.isna().any():
        missing = flags.index[flags.isna()][0]
        raise InvalidInput(
            f"retained has no flag for participant {shown(missing)}; mark every participant "
            "true (took part at follow-up) or false (lost)"
        )
    if pd.api.types.is_bool_dtype(flags.dtype):
        return flags.to_numpy(dtype=bool)
    valid = flags.map(lambda v: isinstance(v, bool | np.bool_) or v in (0, 1))
    if not valid.all():
        bad = flags[~valid].iloc[0]
        raise InvalidInput(
            f"retained must be true/false (or 1/0), got {bad!r}; mark who took part at follow-up"
        )
    return flags.astype(bool).to_numpy()


def attrition(
    baseline: pd.DataFrame,
    retained: Any,
    *,
    columns: Sequence[str] | None = None,
    group: str | None = None,
) -> AttritionResult:
    r"""Compare participants retained at follow-up with those lost, on baseline data.

    Parameters
    ----------
    baseline : pandas.DataFrame
        One row per participant at baseline (index = participant id): the
        baseline score(s) and profile fields (sex, province, role ...).
    retained : pandas.Series of bool or array-like
        True when the participant took part in the follow-up wave. A Series
        is aligned on participant id; other sequences by position.
    columns : sequence of str, optional
        Baseline columns to compare (default: every column except ``group``).
    group : str, optional
        Column naming an arm, cohort or site; gives per-group attrition and
        differential attrition (largest minus smallest rate).

    Returns
    -------
    AttritionResult

    Raises
    ------
    lipassess.errors.InvalidInput
        Missing columns, a flag that is not true/false, flags for unknown
        participants or missing flags, fewer than 2 participants.

    Notes
    -----
    Numeric columns (bool excluded): Hedges' g of retained minus lost with
    the pooled SD and the WWC small-sample correction,
    :math:`g = \omega(\bar y_r - \bar y_l) / \sqrt{((n_r-1)s_r^2 + (n_l-1)s_l^2)/(n_r+n_l-2)}`,
    :math:`\omega = 1 - 3/(4N - 9)`; rows with a missing value in that column
    are skipped for it. Categorical columns: for each level, the Cox index
    :math:`d_{Cox} = \omega\,[\mathrm{logit}(p_r) - \mathrm{logit}(p_l)] / 1.65`
    and the difference in proportions; the Cox index is undefined (NaN,
    category "undetermined") when a level has proportion 0 or 1 in either
    group, and the difference in proportions is then the figure to read.

    Each standardized difference is classed by the What Works Clearinghouse
    baseline-equivalence thresholds: :math:`|es| \le 0.05` satisfies,
    :math:`0.05 < |es| \le 0.25` requires statistical adjustment (e.g. the
    baseline score as a covariate), :math:`> 0.25` does not satisfy.
    ``wwc_category`` is the worst class, ``flag`` is true unless every
    difference satisfies. R: ``effectsize::hedges_g(x ~ retained)`` gives the
    same g up to the correction (it uses the exact gamma-function J rather
    than WWC's omega).

    The standardized difference stays the headline (WWC judges baseline
    equivalence by size, not by significance); beside it, for numeric columns:

    * Student's t :math:`(\bar y_r - \bar y_l) / (s_p\sqrt{1/n_r + 1/n_l})`,
      df :math:`n_r + n_l - 2`. R: ``t.test(x[kept], x[!kept], var.equal = TRUE)``.
    * Welch's t :math:`(\bar y_r - \bar y_l) / \sqrt{s_r^2/n_r + s_l^2/n_l}`
      with Welch-Satterthwaite df
      :math:`(v_r + v_l)^2 / (v_r^2/(n_r-1) + v_l^2/(n_l-1))`, :math:`v = s^2/n`
      (Welch 1947). R: ``t.test(x[kept], x[!kept])``.
    * Mann-Whitney: R's W (the U of the retained group), exact p below 50 per
      group without ties, else normal with tie correction and continuity
      correction; rank-biserial :math:`2U/(n_r n_l) - 1` (Glass 1965). Values
      are compared for ties to 10 significant digits. R:
      ``wilcox.test(x[kept], x[!kept])``,
      ``effectsize::rank_biserial(x[kept], x[!kept])``.

    References
    ----------
    What Works Clearinghouse (2022). Procedures and Standards Handbook,
    Version 5.0. U.S. Department of Education, IES.
    Welch, B. L. (1947). The generalization of 'Student's' problem when several
    different population variances are involved. Biometrika, 34, 28-35.
    Glass, G. V. (1965). A ranking variable analogue of biserial correlation.
    Journal of Educational Measurement, 2(1), 91-95.

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"score": [3.0, 3.5, 4.0, 2.5, 3.0, 4.5]})
    >>> res = attrition(base, [True, True, True, False, False, True])
    >>> res.overall_attrition
    0.3333333333333333
    """
    if not isinstance(baseline, pd.DataFrame):
        raise InvalidInput("baseline must be a table (pandas DataFrame), one row per participant")
    require_unique_ids(baseline.index, "baseline")
    if group is not None:
        require_columns(baseline, [group], table="baseline")
    if columns is None:
        columns = [c for c in baseline.columns if c != group]
    else:
        columns = list(columns)
        require_columns(baseline, columns, table="baseline")
    require_rows(len(baseline), 2, what="attrition")
    kept = _retained_mask(baseline, retained)
    n = len(baseline)
    n_kept = int(kept.sum())
    n_lost = n - n_kept
    notes: list[str] = []
    if n_lost == 0:
        notes.append("nobody was lost: no baseline differences to compute")
    if n_kept == 0:
        notes.append("nobody was retained: no baseline differences to compute")

    groups: list[GroupAttrition] = []
    differential = math.nan
    if group is not None:
        labels = baseline[group].astype(str).where(baseline[group].notna(), "(missing)")
        for label in sorted(labels.unique()):
            in_group = (labels == label).to_numpy()
            total = int(in_group.sum())
            lost = int((in_group & ~kept).sum())
            groups.append(
                GroupAttrition(group=label, n_total=total, n_lost=lost, attrition=lost / total)
            )
        rates = [g.attrition for g in groups]
        differential = max(rates) - min(rates) if len(rates) > 1 else math.nan
        if len(rates) < 2:
            notes.append(f"only one group in {group!r}: differential attrition undefined")
    else:
        notes.append("no group column given: differential attrition not computed")

    rows: list[BaselineDifference] = []
    categorical: list[str] = []
    if n_lost and n_kept:
        for column in columns:
            values = baseline[column]
            present = values.notna().to_numpy()
            if (~present).any():
                notes.append(f"{column}: {int((~present).sum())} missing value(s) skipped")
            is_numeric = pd.api.types.is_numeric_dtype(values.dtype) and not (
                pd.api.types.is_bool_dtype(values.dtype)
            )
            if is_numeric:
                x = values.to_numpy(dtype=float)
                if np.isinf(x[present]).any():
                    raise InvalidInput(
                        f"baseline column {column!r} has infinite values; "
                        "replace them with valid values or blanks"
                    )
                row = _numeric_row(str(column), x[present & kept], x[present & ~kept])
                if math.isnan(row.effect_size):
                    notes.append(
                        f"{column}: standardized difference, Student's and Welch's t undefined "
                        "(no variance, or too few in a group)"
                    )
                elif math.isnan(row.t_welch):
                    notes.append(
                        f"{column}: Welch's t undefined (it needs two values in each group)"
                    )
                if min(row.n_retained, row.n_lost) == 1:
                    notes.append(f"{column}: the SD of a group of one person is undefined")
                if math.isnan(row.mann_whitney_p_value):
                    notes.append(f"{column}: Mann-Whitney p undefined (every value is the same)")
                rows.append(row)
            else:
                answered = values if present.all() else values[present]
                level_rows = _categorical_rows(str(column), answered, kept[present])
                for r in level_rows:
                    if math.isnan(r.effect_size):
                        notes.append(
                            f"{column}={r.level}: Cox index undefined (a proportion of 0 or 1); "
                            "read diff_proportion"
                        )
                rows.extend(level_rows)
                categorical.append(str(column))
    if categorical:
        notes.append(
            f"{', '.join(categorical)}: t-tests and Mann-Whitney are for numeric variables; "
            "their fields are NaN for the levels of a categorical one"
        )
    effects = [abs(r.effect_size) for r in rows if not math.isnan(r.effect_size)]
    worst = worst_wwc([r.wwc for r in rows], n_lost=n_lost)
    return AttritionResult(
        n_obs=n,
        n_retained=n_kept,
        n_lost=n_lost,
        overall_attrition=n_lost / n,
        differential_attrition=differential,
        groups=tuple(groups),
        variables=tuple(rows),
        max_abs_effect=max(effects) if effects else math.nan,
        wwc_category=worst,
        flag=needs_attention(worst),
        notes=tuple(notes),
    )

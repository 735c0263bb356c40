"""Training-needs assessment: Borich's mean weighted discrepancy score and the Locus for Focus.

Each respondent rates every competency twice, how important it is for their
job and how competent they are in it now. :func:`needs_assessment` ranks the
competencies by their mean weighted discrepancy score (MWDS; Borich 1980) and
places each in a Locus for Focus quadrant (Mink, Shultz & Mink 1991);
:func:`needs_by_group` does the same per ministry, province or position level
with the small-group rule of :func:`lipassess.analysis.by_group`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.subgroups import SubgroupResult, by_group
from lipassess.analysis.validation import TOO_FEW_ROWS, check_ci, numeric_frame, require_columns
from lipassess.errors import InvalidInput

__all__ = [
    "COMPETENCE",
    "IMPORTANCE",
    "QUADRANTS",
    "CompetencyNeed",
    "NeedsResult",
    "competency_columns",
    "needs_assessment",
    "needs_by_group",
]

IMPORTANCE = "importance"
COMPETENCE = "competence"
SEPARATOR = "."
"""Columns are ``<competency>.importance`` and ``<competency>.competence``."""

QUADRANTS: dict[str, str] = {
    "HH": "high importance, high discrepancy: train first",
    "HL": "high importance, low discrepancy: maintain",
    "LH": "low importance, high discrepancy: train later",
    "LL": "low importance, low discrepancy: low priority",
}
"""Locus for Focus quadrant codes: first letter importance, second discrepancy (H above the mean)."""

METHOD = ("Borich (1980) mean weighted discrepancy score, MWDS = mean importance x mean(importance - competence) "
          "over respondents who answered both; CI = mean importance x t-interval of the mean discrepancy; "
          "Locus for Focus quadrants (Mink, Shultz & Mink 1991) at the means of the competency means")
RANK_DIGITS = 10  # MWDS equal to 10 decimals share a rank (floating-point noise is not a difference)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompetencyNeed(ResultMixin):
    """The need for one competency.

    Attributes
    ----------
    competency : str
        Its id (the column prefix).
    n : int
        Respondents who answered both its importance and its competence.
    importance_mean, competence_mean : float
        Mean ratings over those ``n`` respondents.
    discrepancy_mean, discrepancy_sd : float
        Mean and SD (n - 1) of ``importance - competence`` over them.
    mwds : float
        ``importance_mean x discrepancy_mean``; NaN when ``n`` is 0.
    mwds_ci_low, mwds_ci_high : float
        ``importance_mean x (discrepancy_mean -/+ t sd / sqrt(n))``; NaN when ``n < 2``.
    rank : int or None
        1 = largest MWDS; equal MWDS share the lower number; None when ``n`` is 0.
    quadrant : str or None
        Locus for Focus code (:data:`QUADRANTS`); None when ``n`` is 0.
    """

    competency: str
    n: int
    importance_mean: float
    competence_mean: float
    discrepancy_mean: float
    discrepancy_sd: float
    mwds: float
    mwds_ci_low: float
    mwds_ci_high: float
    rank: int | None
    quadrant: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedsResult(ResultMixin):
    """Every competency's need, ranked.

    Attributes
    ----------
    competencies : tuple of CompetencyNeed
        By rank (unranked ones last, in column order); ties in column order.
    n_respondents : int
        Rows given.
    n_obs : int
        Respondents who answered both questions of at least one competency.
    importance_cut, discrepancy_cut : float
        The Locus for Focus axes: the mean of the competencies' importance
        means and of their discrepancy means (competencies with ``n >= 1``).
    ci : float
        Confidence level of the MWDS intervals.
    method : str
        The method, in words.
    notes : tuple of str
        Missing answers and other data facts.
    """

    competencies: tuple[CompetencyNeed, ...]
    n_respondents: int
    n_obs: int
    importance_cut: float
    discrepancy_cut: float
    ci: float
    method: str
    notes: tuple[str, ...]

    def competency(self, competency_id: str) -> CompetencyNeed:
        """The row of one competency (KeyError when it is not in the result)."""
        for row in self.competencies:
            if row.competency == competency_id:
                return row
        raise KeyError(competency_id)

    def summary(self) -> str:
        """The ranked table, then the axes of the quadrants and the notes."""
        rows = [[r.competency, r.rank if r.rank is not None else "NA", r.n, r.importance_mean, r.competence_mean,
                 r.discrepancy_mean, r.mwds, r.mwds_ci_low, r.mwds_ci_high, r.quadrant or "NA"]
                for r in self.competencies]
        lines = [f"Training needs (Borich MWDS), {self.n_obs} of {self.n_respondents} respondents",
                 format_table(["competency", "rank", "n", "importance", "competence", "discrepancy", "mwds",
                               "ci_low", "ci_high", "quadrant"], rows),
                 f"Locus for Focus axes: importance {self.importance_cut:.3f}, discrepancy "
                 f"{self.discrepancy_cut:.3f} (quadrant: importance then discrepancy, H = above the mean)"]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def competency_columns(competency: str) -> tuple[str, str]:
    """The importance and competence column names of ``competency``.

    >>> competency_columns("communication")
    ('communication.importance', 'communication.competence')
    """
    return f"{competency}{SEPARATOR}{IMPORTANCE}", f"{competency}{SEPARATOR}{COMPETENCE}"


def _competencies(data: pd.DataFrame, competencies: Sequence[str] | None) -> list[str]:
    suffix = SEPARATOR + IMPORTANCE
    if competencies is None:
        found = [str(c)[: -len(suffix)] for c in data.columns if str(c).endswith(suffix)]
        if not found:
            raise InvalidInput(
                "No competency columns found: name them <competency>.importance and <competency>.competence "
                f"(for example communication.importance); the data have {', '.join(map(str, data.columns))}.")
        competencies = found
    chosen = [str(c) for c in competencies]
    if not chosen:
        raise InvalidInput("Give at least one competency.")
    if len(set(chosen)) != len(chosen):
        raise InvalidInput(f"Competencies are listed more than once: {', '.join(sorted(chosen))}.")
    for name in chosen:
        for column in competency_columns(name):
            if column not in data.columns:
                raise InvalidInput(f"Competency {name!r} has no column {column!r}; give each competency both "
                                   f"{name}.importance and {name}.competence (blank cells are missing answers).")
    return chosen


def _ranks(values: Sequence[float]) -> list[int | None]:
    """Rank 1 = largest; equal values share the lower number ('min' ties); NaN unranked."""
    keys = [None if math.isnan(v) else round(v, RANK_DIGITS) for v in values]
    present = [k for k in keys if k is not None]
    return [None if k is None else 1 + sum(other > k for other in present) for k in keys]


def needs_assessment(data: pd.DataFrame, competencies: Sequence[str] | None = None, *,
                     scale: Sequence[float] = (1, 5), ci: float = 0.95) -> NeedsResult:
    """Rank competencies by Borich's mean weighted discrepancy score, with CIs and quadrants.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; for each competency ``k`` the columns
        ``k.importance`` and ``k.competence`` (missing answers as NaN or blank).
        Other columns are ignored.
    competencies : sequence of str, optional
        The competencies, in this order; by default every ``*.importance``
        column's prefix, in column order.
    scale : (low, high)
        The rating scale; every answer must lie on it.
    ci : float
        Confidence level of the MWDS intervals.

    Returns
    -------
    NeedsResult
        JSON keys: ``competencies`` (objects with ``competency``, ``n``,
        ``importance_mean``, ``competence_mean``, ``discrepancy_mean``,
        ``discrepancy_sd``, ``mwds``, ``mwds_ci_low``, ``mwds_ci_high``,
        ``rank``, ``quadrant``), ``n_respondents``, ``n_obs``,
        ``importance_cut``, ``discrepancy_cut``, ``ci``, ``method``, ``notes``.

    Raises
    ------
    InvalidInput
        Missing or unpaired competency columns, non-numeric or off-scale
        answers, and (reason ``too_few_rows``) no respondent who answered both
        questions of any competency.

    Notes
    -----
    For competency k, over the n_k respondents i who answered both questions
    (pairwise deletion per competency: a respondent who skipped one
    competency still counts for the others)::

        d_ik   = I_ik - C_ik
        Ibar_k = mean_i I_ik
        MWDS_k = Ibar_k x dbar_k
        CI     = Ibar_k x (dbar_k -/+ t(1 - alpha/2, n_k - 1) x s_d / sqrt(n_k))

    Ibar_k is treated as fixed in the CI, as in the literature (Narine &
    Harder 2021). The mean of the individual weighted scores I_ik x d_ik, an
    older way to compute MWDS, is not used: it differs from Ibar_k x dbar_k by
    the covariance of I and d. Rank 1 is the largest MWDS, equal MWDS share the
    lower rank number (R's ``rank(-mwds, ties.method = "min")``). The Locus
    for Focus (Mink, Shultz & Mink 1991) plots each competency's discrepancy
    dbar_k (x) against its importance Ibar_k (y) with axes at the mean of the
    competencies' dbar_k and of their Ibar_k; a competency is High on an axis
    when strictly above that mean. ``HH`` (important, large gap) comes first.

    References
    ----------
    Borich, G. D. (1980). A needs assessment model for conducting follow-up
    studies. Journal of Teacher Education, 31(3), 39-42.
    Mink, O. G., Shultz, J. M., & Mink, B. P. (1991). Developing and managing
    open organizations. Austin, TX: Somerset Consulting Group.
    Narine, L. K., & Harder, A. (2021). Comparing the Borich model with the
    Ranked Discrepancy Model for competency assessment: a novel approach.
    Advancements in Agricultural Development, 2(3), 96-111.

    Examples
    --------
    >>> data = pd.DataFrame({"a.importance": [5, 4, 5], "a.competence": [2, 3, 3],
    ...                      "b.importance": [3, 3, None], "b.competence": [3, 2, 1]})
    >>> result = needs_assessment(data)
    >>> [(r.competency, r.n, round(r.mwds, 4), r.rank, r.quadrant) for r in result.competencies]
    [('a', 3, 9.3333, 1, 'HH'), ('b', 2, 1.5, 2, 'LL')]
    """
    level = check_ci(ci)
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(f"Expected a table (pandas DataFrame) with one row per respondent, got "
                           f"{type(data).__name__}.")
    names = _competencies(data, competencies)
    columns = [column for name in names for column in competency_columns(name)]
    return _ranked(numeric_frame(data, columns, scale=scale, what="column"), names, level)


@functools.lru_cache(maxsize=1024)
def _t_quantile(level: float, df: int) -> float:
    return float(stats.t.ppf(0.5 + level / 2, df))


def _ranked(values: pd.DataFrame, names: Sequence[str], level: float) -> NeedsResult:
    """:func:`needs_assessment` on checked float columns (the pairs of ``names``, in order)."""
    rows: list[dict[str, float | int | str]] = []
    answered_any = np.zeros(len(values), dtype=bool)
    skipped: list[str] = []
    for name in names:
        imp_col, comp_col = competency_columns(name)
        importance, competence = values[imp_col].to_numpy(), values[comp_col].to_numpy()
        both = ~np.isnan(importance) & ~np.isnan(competence)
        answered_any |= both
        n = int(both.sum())
        if n < len(values):
            skipped.append(f"{name} {len(values) - n}")
        imp, d = importance[both], importance[both] - competence[both]
        nan = math.nan
        i_bar = float(imp.mean()) if n else nan
        d_bar = float(d.mean()) if n else nan
        sd = float(d.std(ddof=1)) if n > 1 else nan
        if n > 1:
            half = _t_quantile(level, n - 1) * sd / math.sqrt(n)
            low, high = i_bar * (d_bar - half), i_bar * (d_bar + half)
        else:
            low = high = nan
        rows.append({"competency": name, "n": n, "importance_mean": i_bar,
                     "competence_mean": float(competence[both].mean()) if n else nan,
                     "discrepancy_mean": d_bar, "discrepancy_sd": sd, "mwds": i_bar * d_bar if n else nan,
                     "mwds_ci_low": min(low, high), "mwds_ci_high": max(low, high)})
    n_obs = int(answered_any.sum())
    if n_obs == 0:
        raise InvalidInput("No respondent answered both the importance and the competence of any competency; "
                           "there is nothing to rank yet.",
                           errors={"reason": TOO_FEW_ROWS, "n_obs": 0, "min_rows": 1})
    rated = [r for r in rows if int(r["n"]) > 0]
    importance_cut = float(np.mean([float(r["importance_mean"]) for r in rated]))
    discrepancy_cut = float(np.mean([float(r["discrepancy_mean"]) for r in rated]))
    ranks = _ranks([float(r["mwds"]) for r in rows])
    needs = []
    for row, rank in zip(rows, ranks, strict=True):
        quadrant = None
        if int(row["n"]) > 0:
            quadrant = (("H" if float(row["importance_mean"]) > importance_cut else "L")
                        + ("H" if float(row["discrepancy_mean"]) > discrepancy_cut else "L"))
        needs.append(CompetencyNeed(rank=rank, quadrant=quadrant, **row))  # type: ignore[arg-type]
    order = sorted(range(len(needs)), key=lambda i: (needs[i].rank is None, needs[i].rank or 0, i))
    notes = []
    if skipped:
        notes.append("Respondents without both answers, left out of that competency only: " + ", ".join(skipped)
                     + ".")
    few = [r.competency for r in needs if r.n == 1]
    if few:
        notes.append(f"Only one respondent for {', '.join(few)}: no confidence interval.")
    unrated = [r.competency for r in needs if r.n == 0]
    if unrated:
        notes.append(f"Nobody answered both questions for {', '.join(unrated)}: not ranked.")
    return NeedsResult(competencies=tuple(needs[i] for i in order), n_respondents=len(values), n_obs=n_obs,
                       importance_cut=importance_cut, discrepancy_cut=discrepancy_cut, ci=level, method=METHOD,
                       notes=tuple(notes))


def needs_by_group(data: pd.DataFrame, group_col: Hashable, competencies: Sequence[str] | None = None, *,
                   min_n: int = 5, scale: Sequence[float] = (1, 5), ci: float = 0.95) -> SubgroupResult:
    """:func:`needs_assessment` per value of ``group_col`` (ministry, province, position level ...).

    Groups with fewer than ``min_n`` respondents, or fewer than ``min_n`` who
    answered both questions of at least one competency (``n_obs``), are suppressed by
    :func:`lipassess.analysis.by_group`; managers' outputs hide more with
    :func:`lipassess.analysis.subgroups.protect_subgroups`. Each group's quadrants use
    that group's own means. Raises InvalidInput as :func:`needs_assessment` does.

    Examples
    --------
    >>> data = pd.DataFrame({"ministry": ["MoH"] * 5 + ["MoE"] * 2, "a.importance": [5, 4, 5, 4, 4, 3, 3],
    ...                      "a.competence": [2, 3, 3, 2, 2, 3, 3]})
    >>> result = needs_by_group(data, "ministry")
    >>> [(g.group, g.n, g.suppressed) for g in result.groups]
    [('MoE', '<5', True), ('MoH', 5, False)]
    """
    level = check_ci(ci)
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput(f"Expected a table (pandas DataFrame), got {type(data).__name__}.")
    names = _competencies(data, competencies)
    columns = [column for name in names for column in competency_columns(name)]
    require_columns(data, [group_col])
    checked = numeric_frame(data, columns, scale=scale, what="column")  # once, not once per group
    checked[group_col] = data[group_col]

    def needs_assessment(rows: pd.DataFrame) -> NeedsResult:  # the name SubgroupResult.statistic reports
        return _ranked(rows, names, level)

    return by_group(checked, group_col, needs_assessment, min_n=min_n, columns=columns)

"""Self-ratings against observers' ratings: observer change, self-other agreement, the gap.

Observers are supervisors, peers or direct reports who rate the participant's
behaviour on the supervisor observation instrument. A participant's observer
score at a wave is the mean of their raters' scale scores; every function here
takes those per-participant scores (pandas Series indexed by participant id),
so the same code serves one relation (supervisors) or all observers together.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from lipassess.analysis._pairstats import pearson_r, t_two_sided_p
from lipassess.analysis._results import ResultMixin
from lipassess.analysis.paired import PairedResult, paired, paired_arrays
from lipassess.analysis.validation import (
    check_ci,
    numeric_series,
    require_columns,
    require_rows,
)
from lipassess.errors import InvalidInput

__all__ = [
    "CorrelationResult",
    "GapResult",
    "SelfOtherResult",
    "change_correlation",
    "estimation_gap",
    "observer_change",
    "observer_scores",
    "self_other_agreement",
]

CORRELATION_METHOD = "Pearson r; CI by Fisher's z (SE 1/sqrt(n-3)); t test on n-2 df"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrelationResult(ResultMixin):
    """A Pearson correlation with its Fisher-z CI and t test.

    Attributes
    ----------
    n_obs : int
        Participants with both values.
    r, ci_low, ci_high : float
        The correlation and its CI (NaN CI below 4 participants).
    t, df, p_value : float, int, float
        t = r sqrt(n - 2) / sqrt(1 - r^2) and its two-sided p.
    ci : float
        Confidence level.
    method : str
        Methods in words.
    notes : tuple of str
        Dropped participants and reasons for any NaN.
    """

    n_obs: int
    r: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_value: float
    ci: float
    method: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SelfOtherResult(ResultMixin):
    """Self-ratings against observer ratings at one wave.

    Attributes
    ----------
    n_obs : int
        Participants with a self score and an observer score.
    mean_self, mean_other : float
        Their means.
    difference : PairedResult
        The paired comparison of self with other: ``mean_diff`` is the mean
        self-minus-other difference (positive: participants rate themselves
        higher than observers do) with its CI, ``d_z`` and ``d_av`` with CIs.
    correlation : CorrelationResult
        Correlation of self and observer scores (do they rank people alike?).
    ci : float
        Confidence level.
    notes : tuple of str
        Dropped participants and reasons for any NaN.
    """

    n_obs: int
    mean_self: float
    mean_other: float
    difference: PairedResult
    correlation: CorrelationResult
    ci: float
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GapResult(ResultMixin):
    """The self-minus-other gap before and after the training.

    Attributes
    ----------
    n_obs : int
        Participants with self and observer scores at both waves.
    mean_gap_pre, mean_gap_post : float
        Mean self-minus-other gap at each wave (positive: over-estimation).
    signed : PairedResult
        Paired comparison of the gap, after minus before (negative
        ``mean_diff``: the gap shrank or turned towards under-estimation).
    absolute : PairedResult
        Paired comparison of the absolute gap, after minus before (negative
        ``mean_diff``: self and observer agree more closely after).
    verdict : str
        ``"narrowed"`` or ``"widened"`` when the absolute gap's CI excludes 0,
        else ``"unclear"``.
    ci : float
        Confidence level.
    notes : tuple of str
        Dropped participants and reasons for any NaN.
    """

    n_obs: int
    mean_gap_pre: float
    mean_gap_post: float
    signed: PairedResult
    absolute: PairedResult
    verdict: str
    ci: float
    notes: tuple[str, ...]


def observer_scores(
    ratings: pd.DataFrame, *, target: Hashable, score: Hashable
) -> pd.Series:
    """Each participant's observer score: the mean of their raters' scale scores.

    ``ratings`` has one row per rating; ``target`` names the participant column
    and ``score`` the rater's scale score (missing scores are left out).
    Returns a Series indexed by participant, named ``"other"``.

    >>> r = pd.DataFrame({"p": ["a", "a", "b"], "s": [3.0, 4.0, 2.0]})
    >>> observer_scores(r, target="p", score="s").to_dict()
    {'a': 3.5, 'b': 2.0}
    """
    if not isinstance(ratings, pd.DataFrame):
        raise InvalidInput(
            f"Expected a table of ratings (pandas DataFrame), got {type(ratings).__name__}."
        )
    require_columns(ratings, [target, score])
    values = numeric_series(ratings[score], name=str(score))
    frame = pd.DataFrame({"target": ratings[target].to_numpy(), "score": values.to_numpy()})
    means = frame.dropna().groupby("target", sort=True)["score"].mean()
    means.index.name = None
    return means.rename("other")


def observer_change(pre: Any, post: Any, *, ci: float = 0.95) -> PairedResult:
    """Observer-rated change of the same participants, exactly as :func:`paired` for self-ratings.

    ``pre`` and ``post`` are observer scores per participant (see
    :func:`observer_scores`); the raters may differ between waves. Formulas,
    CIs and R equivalents are those of :func:`lipassess.analysis.paired`
    (paired t, Wilcoxon, d_z, d_av, g_av; Lakens 2013).
    """
    return paired(pre, post, ci=ci)


def correlation(x: np.ndarray, y: np.ndarray, *, ci: float, notes: list[str]) -> CorrelationResult:
    r"""Pearson r with Fisher's z CI and the t test, as R's ``cor.test``.

    :math:`t = r\sqrt{n-2}/\sqrt{1-r^2}` on n - 2 df; CI
    :math:`\tanh(\operatorname{atanh} r \pm z_{1-\alpha/2}/\sqrt{n-3})`
    (Fisher 1921). Needs n >= 4 for the CI and n >= 3 for the test.
    """
    n = int(x.size)
    r = pearson_r(x, y)
    df = n - 2
    if math.isnan(r):
        notes.append("correlation undefined: one of the two has no variance")
    if n >= 3 and not math.isnan(r) and abs(r) < 1.0:
        t = r * math.sqrt(df) / math.sqrt(1.0 - r * r)
    else:
        t = math.nan
    p = t_two_sided_p(t, df)
    if n >= 4 and not math.isnan(r) and abs(r) < 1.0:
        z, half = math.atanh(r), float(stats.norm.isf((1.0 - ci) / 2.0)) / math.sqrt(n - 3)
        low, high = math.tanh(z - half), math.tanh(z + half)
    else:
        low = high = math.nan
    return CorrelationResult(
        n_obs=n, r=r, ci_low=low, ci_high=high, t=t, df=df, p_value=p, ci=ci,
        method=CORRELATION_METHOD, notes=tuple(notes),
    )  # fmt: skip


def _aligned(named: dict[str, Any], *, min_rows: int, what: str) -> tuple[pd.DataFrame, list[str]]:
    """Align participant-indexed series on their ids: the complete rows (at least ``min_rows``, else
    :class:`InvalidInput` naming ``what``) and a note on the participants dropped."""
    columns = {}
    for name, values in named.items():
        if not isinstance(values, pd.Series):
            raise InvalidInput(
                f"{name} must be a pandas Series indexed by participant id, so that self and "
                "observer scores of the same person are compared."
            )
        columns[name] = numeric_series(values, name=name, unique_ids=True)
    frame = pd.concat(columns, axis=1, join="outer", sort=True)
    complete = frame.dropna()
    notes = []
    dropped = len(frame) - len(complete)
    if dropped:
        notes.append(
            f"{dropped} participant(s) without all of {', '.join(named)} dropped (pairwise)"
        )
    require_rows(len(complete), min_rows, what=what)
    return complete, notes


def _minus(frame: pd.DataFrame, left: str, right: str) -> np.ndarray:
    """Per participant, column ``left`` minus column ``right``."""
    return (frame[left] - frame[right]).to_numpy()


def self_other_agreement(self_scores: Any, other_scores: Any, *, ci: float = 0.95) -> SelfOtherResult:
    r"""How participants' self-ratings compare with observers' ratings of them at one wave.

    Parameters
    ----------
    self_scores, other_scores : pandas.Series
        Scale scores indexed by participant id: the participant's own, and the
        mean of their observers' (:func:`observer_scores`). Participants
        missing either are dropped and counted in ``notes``.
    ci : float
        Confidence level.

    Returns
    -------
    SelfOtherResult

    Raises
    ------
    lipassess.errors.InvalidInput
        Not indexed Series, repeated ids, non-numeric scores, fewer than 2
        participants with both.

    Notes
    -----
    With :math:`D_i = self_i - other_i`: the mean difference and its t CI,
    :math:`d_z = \bar D / s_D` with the noncentral-t CI and
    :math:`d_{av} = \bar D / ((s_{self} + s_{other})/2)` exactly as
    :func:`lipassess.analysis.paired` (Lakens 2013). A positive difference is
    over-estimation relative to observers (Atwater & Yammarino 1992). The
    correlation of self and other scores is Pearson's r with Fisher's z CI
    (R: ``cor.test(self, other)``; ``t.test(self, other, paired = TRUE)``).

    References
    ----------
    Atwater, L. E., & Yammarino, F. J. (1992). Does self-other agreement on
    leadership perceptions moderate the validity of leadership and
    performance predictions? Personnel Psychology, 45(1), 141-164.
    Lakens, D. (2013). Calculating and reporting effect sizes. Frontiers in
    Psychology, 4, 863.

    Examples
    --------
    >>> s = pd.Series([4.0, 3.5, 4.5, 3.0], index=list("abcd"))
    >>> o = pd.Series([3.5, 3.5, 4.0, 2.0], index=list("abcd"))
    >>> res = self_other_agreement(s, o)
    >>> res.difference.mean_diff  # R: mean(self - other)
    0.5
    """
    ci = check_ci(ci)
    frame, notes = _aligned({"self": self_scores, "other": other_scores}, min_rows=2, what="Self-other agreement")
    own, other = frame["self"].to_numpy(), frame["other"].to_numpy()
    difference = paired_arrays(other, own, ci=ci, notes=list(notes))
    corr = correlation(own, other, ci=ci, notes=[])
    return SelfOtherResult(
        n_obs=len(frame),
        mean_self=float(own.mean()),
        mean_other=float(other.mean()),
        difference=difference,
        correlation=corr,
        ci=ci,
        notes=tuple(notes),
    )


def change_correlation(
    self_pre: Any, self_post: Any, other_pre: Any, other_post: Any, *, ci: float = 0.95
) -> CorrelationResult:
    r"""Do the participants who improved in their own eyes also improve in their observers' eyes?

    Pearson r between self change (post - pre) and observer change (post -
    pre) over the participants with all four scores, with Fisher's z CI and
    the t test (Fisher 1921; R: ``cor.test(self_post - self_pre,
    other_post - other_pre)``). Inputs are Series indexed by participant.
    Raises InvalidInput with fewer than 3 complete participants.
    """
    ci = check_ci(ci)
    frame, notes = _aligned(
        {"self_pre": self_pre, "self_post": self_post, "other_pre": other_pre, "other_post": other_post},
        min_rows=3, what="The correlation of self and observer change",
    )
    own, other = _minus(frame, "self_post", "self_pre"), _minus(frame, "other_post", "other_pre")
    return correlation(own, other, ci=ci, notes=notes)


def estimation_gap(
    self_pre: Any, other_pre: Any, self_post: Any, other_post: Any, *, ci: float = 0.95
) -> GapResult:
    r"""Does the gap between self-ratings and observer ratings narrow after the training?

    Parameters
    ----------
    self_pre, other_pre, self_post, other_post : pandas.Series
        Scores indexed by participant id; participants missing any of the four
        are dropped and counted in ``notes``.
    ci : float
        Confidence level.

    Returns
    -------
    GapResult

    Notes
    -----
    The gap :math:`G_{it} = self_{it} - other_{it}` (over-estimation when
    positive; Atwater & Yammarino 1992). ``signed`` is
    :func:`lipassess.analysis.paired` on :math:`G_{pre}, G_{post}`
    (paired t, d_z, d_av; R: ``t.test(gap_post, gap_pre, paired = TRUE)``);
    ``absolute`` the same on :math:`|G_{pre}|, |G_{post}|`, which asks whether
    self and observers agree more closely whatever the direction. The verdict
    follows the absolute gap's mean-difference CI: entirely below 0
    "narrowed", entirely above 0 "widened", else "unclear".

    References
    ----------
    Atwater, L. E., & Yammarino, F. J. (1992). Personnel Psychology, 45(1), 141-164.
    Lakens, D. (2013). Frontiers in Psychology, 4, 863.
    """
    ci = check_ci(ci)
    frame, notes = _aligned(
        {"self_pre": self_pre, "other_pre": other_pre, "self_post": self_post, "other_post": other_post},
        min_rows=2, what="The self-observer gap before and after",
    )
    gap_pre, gap_post = _minus(frame, "self_pre", "other_pre"), _minus(frame, "self_post", "other_post")
    signed = paired_arrays(gap_pre, gap_post, ci=ci, notes=list(notes))
    absolute = paired_arrays(np.abs(gap_pre), np.abs(gap_post), ci=ci, notes=list(notes))
    if absolute.mean_diff_ci_high < 0:
        verdict = "narrowed"
    elif absolute.mean_diff_ci_low > 0:
        verdict = "widened"
    else:
        verdict = "unclear"
    return GapResult(
        n_obs=len(frame),
        mean_gap_pre=float(gap_pre.mean()),
        mean_gap_post=float(gap_post.mean()),
        signed=signed,
        absolute=absolute,
        verdict=verdict,
        ci=ci,
        notes=tuple(notes),
    )

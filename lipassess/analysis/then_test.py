"""Then-test (retrospective pretest): response shift between the real and the recalled pretest."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lipassess.analysis._results import ResultMixin
from lipassess.analysis._results import format_number as fmt
from lipassess.analysis.paired import PairedResult, paired_arrays
from lipassess.analysis.validation import check_ci, numeric_series, require_rows
from lipassess.errors import InvalidInput

SHIFT_TEXT = {
    "retro_lower": (
        "Participants rate their pre-training selves lower in hindsight than they did at the "
        "pretest. Either the training changed their yardstick (response shift: the pretest "
        "overstated their starting level, so the ordinary pre/post effect understates change) or "
        "they expect to have changed and recall a worse start (implicit theory of change: the "
        "retrospective effect overstates change). The data cannot tell which; report both effects."
    ),
    "retro_higher": (
        "Participants rate their pre-training selves higher in hindsight than they did at the "
        "pretest, so the retrospective pre/post effect is smaller than the ordinary one; this is "
        "the opposite of the usual response shift and worth checking (item wording, recall)."
    ),
    "none": (
        "The retrospective pretest does not differ detectably from the real pretest: no "
        "evidence of response shift, and both pre/post effects tell the same story."
    ),
    "undetermined": "The gap could not be estimated (see notes).",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ThenTestResult(ResultMixin):
    """Real pretest vs retrospective pretest, and the pre/post effect both ways.

    Attributes
    ----------
    n_obs : int
        Participants with all three scores (every statistic uses these).
    gap : PairedResult
        ``paired(pretest, retro_pre)``: ``mean_diff`` is retro_pre - pretest.
    with_pretest : PairedResult
        ``paired(pretest, post)``, the ordinary pre/post effect.
    with_retro_pre : PairedResult
        ``paired(retro_pre, post)``, the retrospective (then-test) effect.
    d_av_difference : float
        ``with_retro_pre.d_av - with_pretest.d_av``.
    shift_direction : str
        ``"retro_lower"`` or ``"retro_higher"`` when the CI of the gap's mean
        difference excludes 0, ``"none"`` when it includes 0,
        ``"undetermined"`` when it cannot be computed.
    interpretation : str
        One paragraph in plain language for the direction.
    notes : tuple of str
    """

    n_obs: int
    gap: PairedResult
    with_pretest: PairedResult
    with_retro_pre: PairedResult
    d_av_difference: float
    shift_direction: str
    interpretation: str
    notes: tuple[str, ...]

    def summary(self) -> str:
        """The three comparisons side by side, then the interpretation."""
        rows = [
            ("retro_pre - pretest", self.gap),
            ("post - pretest", self.with_pretest),
            ("post - retro_pre", self.with_retro_pre),
        ]
        lines = [
            f"ThenTestResult: {self.n_obs} participants with pretest, retro_pre and post",
            "  comparison               diff   ci_low  ci_high        p      d_z     d_av",
        ]
        for label, r in rows:
            lines.append(
                f"  {label:<21}{fmt(r.mean_diff):>8}{fmt(r.mean_diff_ci_low):>9}"
                f"{fmt(r.mean_diff_ci_high):>9}{fmt(r.p_value, 4):>9}{fmt(r.d_z):>9}"
                f"{fmt(r.d_av):>9}"
            )
        lines.append(f"  shift_direction: {self.shift_direction}")
        lines.append(f"  {self.interpretation}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _align_three(pretest: Any, retro_pre: Any, post: Any) -> tuple[pd.DataFrame, list[str]]:
    names = ("pretest", "retro_pre", "post")
    raw = (pretest, retro_pre, post)
    series = [numeric_series(v, name=n, unique_ids=True) for v, n in zip(raw, names, strict=True)]
    if not all(isinstance(v, pd.Series) for v in raw):
        lengths = {len(s) for s in series}
        if len(lengths) != 1:
            raise InvalidInput(
                "pretest, retro_pre and post have different lengths "
                f"({', '.join(str(len(s)) for s in series)}); give one value per participant "
                "in each (or pandas Series indexed by participant id)"
            )
        series = [s.reset_index(drop=True) for s in series]
    frame = pd.concat([s.rename(n) for s, n in zip(series, names, strict=True)], axis=1)
    complete = frame.dropna()
    notes = []
    if len(complete) < len(frame):
        notes.append(
            f"{len(frame) - len(complete)} participant(s) without all of pretest, retro_pre "
            "and post dropped"
        )
    return complete, notes


def then_test(pretest: Any, retro_pre: Any, post: Any, *, ci: float = 0.95) -> ThenTestResult:
    r"""Compare the real pretest with the retrospective ("then") pretest given after training.

    Parameters
    ----------
    pretest : pandas.Series or array-like
        Self-ratings collected before the training.
    retro_pre : pandas.Series or array-like
        Ratings of the same items given after the training about "how you were
        before the training" (retrospective pretest).
    post : pandas.Series or array-like
        Ratings after the training.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    ThenTestResult

    Raises
    ------
    lipassess.errors.InvalidInput
        As :func:`lipassess.analysis.paired`; fewer than 2 participants with
        all three scores.

    Notes
    -----
    Only participants with all three scores are used, so the three
    comparisons describe the same people. ``gap`` is
    :func:`~lipassess.analysis.paired` on (pretest, retro_pre), so its mean
    difference is :math:`\overline{retro - pre}`; ``with_pretest`` and
    ``with_retro_pre`` are the ordinary and the then-test pre/post effects,
    with the same d_z, d_av and g_av definitions and CIs as ``paired``.
    Note :math:`\overline{post - retro} - \overline{post - pre} =
    -\overline{retro - pre}`: the gap is exactly how much the retrospective
    design adds to the mean change.

    ``shift_direction`` is read from the CI of the gap's mean difference
    (the paired t interval): below 0 means recalled pre-training levels are
    lower than reported ones (the classic response shift of Howard et al.,
    1979, or an implicit theory of change, Ross 1989 - the design cannot
    separate them; Taylor, Russ-Eft & Taylor 2009 found the latter in
    leadership training). R equivalents: ``t.test(retro, pre, paired = TRUE)``,
    ``t.test(post, pre, paired = TRUE)``, ``t.test(post, retro, paired = TRUE)``.

    References
    ----------
    Howard, G. S., et al. (1979). Internal invalidity in pretest-posttest
    self-report evaluations and a re-evaluation of retrospective pretests.
    Applied Psychological Measurement, 3(1), 1-23.
    Taylor, P. J., Russ-Eft, D. F., & Taylor, H. (2009). Gilding the outcome
    by tarnishing the past: Inflationary biases in retrospective pretests.
    American Journal of Evaluation, 30(1), 31-43.

    Examples
    --------
    >>> res = then_test([3.0, 3.5, 4.0, 3.0, 3.5], [2.5, 3.0, 3.0, 2.5, 3.0],
    ...                 [4.0, 4.0, 4.5, 3.5, 4.0])
    >>> res.shift_direction
    'retro_lower'
    """
    ci = check_ci(ci)
    frame, notes = _align_three(pretest, retro_pre, post)
    require_rows(len(frame), 2, what="then_test")
    pre = frame["pretest"].to_numpy()
    retro = frame["retro_pre"].to_numpy()
    after = frame["post"].to_numpy()
    gap = paired_arrays(pre, retro, ci=ci, notes=[])
    with_pre = paired_arrays(pre, after, ci=ci, notes=[])
    with_retro = paired_arrays(retro, after, ci=ci, notes=[])
    lo, hi = gap.mean_diff_ci_low, gap.mean_diff_ci_high
    if math.isnan(lo) or math.isnan(hi):
        direction = "undetermined"
        notes.append("the gap between pretest and retro_pre could not be estimated")
    elif hi < 0:
        direction = "retro_lower"
    elif lo > 0:
        direction = "retro_higher"
    else:
        direction = "none"
    return ThenTestResult(
        n_obs=len(frame),
        gap=gap,
        with_pretest=with_pre,
        with_retro_pre=with_retro,
        d_av_difference=with_retro.d_av - with_pre.d_av,
        shift_direction=direction,
        interpretation=SHIFT_TEXT[direction],
        notes=tuple(notes),
    )

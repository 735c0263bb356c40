"""Individual change: the Jacobson-Truax Reliable Change Index per participant."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from lipassess.analysis._results import ResultMixin, format_table
from lipassess.analysis.proportion import ProportionResult, proportion
from lipassess.analysis.validation import check_ci, paired_frame, require_rows
from lipassess.errors import InvalidInput

__all__ = ["ParticipantChange", "ReliableChangeResult", "reliable_change"]

IMPROVED, UNCHANGED, DECLINED = "improved", "unchanged", "declined"

METHOD = "Jacobson-Truax (1991) reliable change index; shares with Wilson score intervals"


@dataclass(frozen=True, slots=True, kw_only=True)
class ParticipantChange(ResultMixin):
    """One participant's change.

    Attributes
    ----------
    id : hashable
        Participant id (the index of the input series).
    rci : float
        ``(post - pre) / sdiff``; NaN when ``sdiff`` is zero.
    category : str or None
        ``"improved"``, ``"unchanged"`` or ``"declined"``; None when ``rci`` is NaN.
    """

    id: Hashable
    rci: float
    category: str | None


class ParticipantChanges(Sequence[ParticipantChange]):
    """The participants' changes as a read-only sequence, each built when it is read.

    Holds the ids, RCIs and categories as arrays: building 100,000 frozen
    objects up front took longer than the rest of a national-survey analysis.
    Compares equal to any sequence of the same :class:`ParticipantChange` values.
    """

    __slots__ = ("_categories", "_ids", "_rci")

    def __init__(self, ids: Sequence[Hashable], rci: np.ndarray, categories: np.ndarray) -> None:
        self._ids = ids
        self._rci = rci
        self._categories = categories

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> ParticipantChange: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ParticipantChange, ...]: ...

    def __getitem__(self, index: int | slice) -> ParticipantChange | tuple[ParticipantChange, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        return ParticipantChange(
            id=self._ids[index], rci=float(self._rci[index]), category=self._categories[index]
        )

    def __iter__(self) -> Iterator[ParticipantChange]:
        for pid, r, c in zip(self._ids, self._rci.tolist(), self._categories, strict=True):
            yield ParticipantChange(id=pid, rci=r, category=c)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"ParticipantChanges({len(self)} participants)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReliableChangeResult(ResultMixin):
    """Reliable change for every participant with both scores.

    Attributes
    ----------
    n_obs : int
        Participants with both a pre and a post score.
    n_dropped : int
        Participants left out because one of the two scores was missing.
    reliability : float
        Reliability used for the SEM (for example the pretest alpha).
    sd_pre : float
        Pretest SD used for the SEM (given, or the SD of the pre scores used).
    sem : float
        Standard error of measurement: ``sd_pre * sqrt(1 - reliability)``.
    sdiff : float
        Standard error of the difference: ``sqrt(2 * sem^2)``.
    criterion : float
        |RCI| above which change counts as reliable (1.96 for 95 %).
    higher_is_better : bool
        Whether a positive RCI means improvement.
    participants : sequence of ParticipantChange
        One entry per participant, in the order of ``pre``.
    improved, unchanged, declined : ProportionResult
        Counts and shares of the three categories, each with ``share``,
        ``ci_low`` and ``ci_high`` (Wilson).
    ci : float
        Confidence level of the shares' intervals.
    method : str
        Methods used, in words.
    notes : tuple of str
        Data-handling facts and reasons for any NaN.
    """

    n_obs: int
    n_dropped: int
    reliability: float
    sd_pre: float
    sem: float
    sdiff: float
    criterion: float
    higher_is_better: bool
    participants: Sequence[ParticipantChange]
    improved: ProportionResult
    unchanged: ProportionResult
    declined: ProportionResult
    ci: float
    method: str
    notes: tuple[str, ...]

    def summary(self) -> str:
        """The parameters, then the three categories with their shares and CIs."""
        head = ResultMixin.summary(self).split("\n  note: ")[0]
        table = format_table(
            ["category", "n", "share", "ci_low", "ci_high"],
            [
                [name, part.successes, part.share, part.ci_low, part.ci_high]
                for name, part in (
                    (IMPROVED, self.improved),
                    (UNCHANGED, self.unchanged),
                    (DECLINED, self.declined),
                )
            ],
        )
        notes = [f"  note: {note}" for note in self.notes]
        return "\n".join([head, "", table, *notes])


def _positive_number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{name} must be a finite number, not {value!r}.")
    return number


def _share(count: int, n: int, level: float) -> ProportionResult:
    if n == 0:
        nan = float("nan")
        return ProportionResult(
            successes=0,
            n_obs=0,
            share=nan,
            ci_low=nan,
            ci_high=nan,
            ci=level,
            method="Wilson score interval",
            notes=("No participant could be classified, so the share and its intervals are NaN.",),
            wilson_cc_ci_low=nan,
            wilson_cc_ci_high=nan,
            clopper_pearson_ci_low=nan,
            clopper_pearson_ci_high=nan,
        )
    return proportion(count, n, ci=level)


def reliable_change(
    pre: Any,
    post: Any,
    *,
    reliability: float,
    sd_pre: float | None = None,
    ci: float = 0.95,
    criterion: float = 1.96,
    higher_is_better: bool = True,
) -> ReliableChangeResult:
    """Reliable Change Index (Jacobson & Truax 1991) for each participant.

    Parameters
    ----------
    pre, post : pandas.Series
        Scale scores indexed by participant id; aligned on the index.
        Participants missing either score are left out (counted in
        ``n_dropped``). Lists are paired by position.
    reliability : float
        Reliability of the score, in [0, 1): usually Cronbach's alpha of the
        pretest from :func:`reliability`, or a published test-retest value.
    sd_pre : float, optional
        Pretest SD to use (for example a norm group's). By default the SD
        (n - 1 denominator) of the pretest scores of the participants used.
    ci : float
        Confidence level of the Wilson intervals of the three shares.
    criterion : float
        |RCI| threshold for reliable change; 1.96 (two-sided 5 %) as in
        Jacobson & Truax.
    higher_is_better : bool
        If False, a reliable decrease counts as improvement.

    Returns
    -------
    ReliableChangeResult
        JSON keys: ``n_obs``, ``n_dropped``, ``reliability``, ``sd_pre``, ``sem``,
        ``sdiff``, ``criterion``, ``higher_is_better``, ``participants``
        (objects with ``id``, ``rci``, ``category``), ``improved``,
        ``unchanged``, ``declined`` (each with ``successes``, ``n_obs``,
        ``share``, ``ci_low``, ``ci_high`` ...), ``ci``, ``method``, ``notes``.

    Raises
    ------
    InvalidInput
        Non-numeric scores, repeated ids, reliability outside [0, 1), a
        negative ``sd_pre``, no complete pair, or a single pair when
        ``sd_pre`` must be estimated.

    Notes
    -----
    ``SEM = sd_pre * sqrt(1 - reliability)``, ``sdiff = sqrt(2 SEM^2)`` and
    ``RCI = (post - pre) / sdiff`` (Jacobson & Truax 1991, p. 14). A
    participant improved when RCI > criterion, declined when RCI < -criterion
    (signs swapped when ``higher_is_better`` is False), else is unchanged;
    ties at exactly the criterion count as unchanged. Shares use the Wilson
    score interval (:func:`proportion`), equal to R's
    ``prop.test(x, n, correct = FALSE)$conf.int``. When ``sd_pre`` is zero
    (everyone had the same pretest score) no RCI can be computed: every rci
    is NaN, categories are None, shares are NaN and ``notes`` says why.

    In R: ``sdiff <- sqrt(2 * (sd(pre) * sqrt(1 - rxx))^2);
    rci <- (post - pre) / sdiff; table(cut(rci, c(-Inf, -1.96, 1.96, Inf)))``.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical
    approach to defining meaningful change in psychotherapy research.
    Journal of Consulting and Clinical Psychology, 59(1), 12-19.

    Examples
    --------
    >>> import pandas as pd
    >>> pre = pd.Series([3.0, 3.4, 2.8, 4.0, 3.1], index=["p1", "p2", "p3", "p4", "p5"])
    >>> post = pd.Series([3.9, 3.5, 2.9, 3.1, 4.4], index=["p1", "p2", "p3", "p4", "p5"])
    >>> result = reliable_change(pre, post, reliability=0.8, sd_pre=0.5)
    >>> [(p.id, p.category) for p in result.participants]  # sdiff = 0.3162
    ... # doctest: +NORMALIZE_WHITESPACE
    [('p1', 'improved'), ('p2', 'unchanged'), ('p3', 'unchanged'),
     ('p4', 'declined'), ('p5', 'improved')]
    """
    level = check_ci(ci)
    rxx = _positive_number(reliability, "reliability")
    if not 0.0 <= rxx < 1.0:
        raise InvalidInput(
            f"reliability must be at least 0 and below 1 (for example alpha = 0.85), not "
            f"{reliability!r}."
        )
    cut = _positive_number(criterion, "criterion")
    if cut <= 0:
        raise InvalidInput(f"criterion must be above 0 (for example 1.96), not {criterion!r}.")

    pairs, dropped = paired_frame(pre, post, names=("pre", "post"))
    n = len(pairs)
    notes: list[str] = []
    if sd_pre is None:
        require_rows(n, 2, what="Estimating the pretest SD", dropped=dropped)
        sd = float(pairs["pre"].std(ddof=1))
        notes.append(f"sd_pre is the SD of the {n} pretest scores used.")
    else:
        require_rows(n, 1, what="Reliable change", dropped=dropped)
        sd = _positive_number(sd_pre, "sd_pre")
        if sd < 0:
            raise InvalidInput(f"sd_pre must not be negative, not {sd_pre!r}.")
    if dropped:
        notes.append(f"{dropped} participants without both a pre and a post score were left out.")

    sem = sd * math.sqrt(1.0 - rxx)
    sdiff = math.sqrt(2.0 * sem * sem)
    diff = (pairs["post"] - pairs["pre"]).to_numpy()
    counts = dict.fromkeys((IMPROVED, UNCHANGED, DECLINED), 0)
    if sdiff > 0:
        rci = diff / sdiff
        sign = 1.0 if higher_is_better else -1.0
        # 0 improved, 1 unchanged, 2 declined; counted on the codes, not the words.
        codes = np.where(sign * rci > cut, 0, np.where(sign * rci < -cut, 2, 1))
        tally = np.bincount(codes, minlength=3)
        counts = {IMPROVED: int(tally[0]), UNCHANGED: int(tally[1]), DECLINED: int(tally[2])}
        categories = np.array([IMPROVED, UNCHANGED, DECLINED], dtype=object)[codes]
    else:
        rci = np.full(n, np.nan)
        categories = np.full(n, None, dtype=object)
        notes.append(
            "No RCI can be computed: sdiff is 0 because the pretest SD is 0 "
            "(everyone had the same pretest score); give sd_pre from a reference group."
        )

    classified = int(np.isfinite(rci).sum())
    participants = ParticipantChanges(pairs.index.tolist(), rci, categories)
    return ReliableChangeResult(
        n_obs=n,
        n_dropped=dropped,
        reliability=rxx,
        sd_pre=sd,
        sem=sem,
        sdiff=sdiff,
        criterion=cut,
        higher_is_better=bool(higher_is_better),
        participants=participants,
        improved=_share(counts[IMPROVED], classified, level),
        unchanged=_share(counts[UNCHANGED], classified, level),
        declined=_share(counts[DECLINED], classified, level),
        ci=level,
        method=METHOD,
        notes=tuple(notes),
    )

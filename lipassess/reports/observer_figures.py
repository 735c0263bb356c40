"""The numbers of the summary's "What supervisors saw" section, as plain frozen data.

Built by :mod:`lipassess.services.raters.evidence` from the analyses of
:mod:`lipassess.analysis.self_other` and :mod:`lipassess.analysis.rater_agreement`,
read by :mod:`lipassess.reports.observer_narrative`. The rules of
:mod:`lipassess.reports.figures` hold here too: a group of numbers is either
all there or ``None`` with a :class:`~lipassess.reports.figures.Missing` reason.

Imported at the end of :mod:`lipassess.reports.figures` (``ImpactFigures.observers``).
"""

from __future__ import annotations

import dataclasses

from lipassess.errors import InvalidInput
from lipassess.reports.figures import Missing, _check_ci, _check_count, _check_group

__all__ = ["OBSERVER_GROUPS", "ObserverAgreement", "ObserverChange", "ObserverFigures", "ObserverGap",
           "observer_schema"]

#: Who the section reports: supervisors alone, or every observer together ("others" merged in).
OBSERVER_GROUPS = ("supervisor", "observers")
GAP_VERDICTS = ("narrowed", "widened", "unclear")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ObserverChange:
    """A mean change on the 1-5 scale between two waves, of the same participants.

    Attributes
    ----------
    mean_diff, ci_low, ci_high : float or None
        Later minus earlier, with its 95% t interval.
    d_z : float or None
        Mean change over the SD of the changes.
    n : int or None
        Participants with both waves.
    missing : Missing or None
        Why the numbers are missing.
    """

    mean_diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    d_z: float | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("ObserverChange", self.missing,
                     {"mean_diff": self.mean_diff, "ci_low": self.ci_low, "ci_high": self.ci_high, "d_z": self.d_z},
                     ("mean_diff", "ci_low", "ci_high"))
        _check_ci("ObserverChange", self.ci_low, self.ci_high)
        _check_count("ObserverChange", "n", self.n)

    @property
    def available(self) -> bool:
        return self.missing is None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ObserverGap:
    """Self minus observer rating before and after (positive: participants rate themselves higher).

    Attributes
    ----------
    pre, post : float or None
        Mean gap at each wave, on the same participants.
    change, ci_low, ci_high : float or None
        Mean change of the gap (post - pre) with its CI: the self-rated change
        minus the observer-rated change. A CI that excludes 0 means self and
        observers disagree about the change.
    verdict : str or None
        ``narrowed``, ``widened`` or ``unclear``: the absolute gap's change.
    n : int or None
        Participants with all four scores.
    missing : Missing or None
        Why the numbers are missing.
    """

    pre: float | None = None
    post: float | None = None
    change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    verdict: str | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("ObserverGap", self.missing,
                     {"pre": self.pre, "post": self.post, "change": self.change, "ci_low": self.ci_low,
                      "ci_high": self.ci_high}, ("pre", "post", "change", "ci_low", "ci_high"))
        _check_ci("ObserverGap", self.ci_low, self.ci_high)
        _check_count("ObserverGap", "n", self.n)
        if (self.missing is None) != (self.verdict in GAP_VERDICTS):
            raise InvalidInput(f"ObserverGap.verdict must be one of {', '.join(GAP_VERDICTS)} exactly when "
                               "no missing reason is given.")

    @property
    def disagree(self) -> bool:
        """Self-rated and observer-rated change differ (the CI of their difference excludes 0)."""
        if self.missing is not None or self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ObserverAgreement:
    """How far the observers of the same participant agree at the pre-test.

    Attributes
    ----------
    icc1, icc1k : float or None
        ICC(1) (one observer's reliability) and ICC(1,k) (their mean's).
    rwg_median : float or None
        Median r_wg over participants.
    n : int or None
        Participants with two or more observers.
    missing : Missing or None
        Why the numbers are missing.
    """

    icc1: float | None = None
    icc1k: float | None = None
    rwg_median: float | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("ObserverAgreement", self.missing,
                     {"icc1": self.icc1, "icc1k": self.icc1k, "rwg_median": self.rwg_median}, ("icc1", "icc1k"))
        _check_count("ObserverAgreement", "n", self.n)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ObserverFigures:
    """What observers saw: change, the self-observer gap and agreement, for the summary.

    Attributes
    ----------
    group : str
        ``supervisor`` when at least ``min_raters`` supervisors rated at every
        wave used, else ``observers`` (every relation together).
    merged : tuple of str
        Relations with fewer than ``min_raters`` raters, counted only among all observers.
    min_raters : int
        ``LIPASSESS_MIN_RATERS_PER_RELATION``.
    n_raters : int
        Observers (of the group) who submitted, over all waves.
    pre_post, pre_followup : ObserverChange
        The group's rating of the behaviour total, before to after and to the follow-up.
    self_pre_post : ObserverChange
        The participants' own change, on the same participants as ``pre_post``.
    gap : ObserverGap
        Self minus observer, before and after.
    agreement : ObserverAgreement
        Agreement among the observers of one participant (all relations).
    missing : Missing or None
        Why there is nothing to show at all (no observer ratings yet, or none planned).
    """

    group: str = "observers"
    merged: tuple[str, ...] = ()
    min_raters: int = 3
    n_raters: int = 0
    pre_post: ObserverChange | None = None
    pre_followup: ObserverChange | None = None
    self_pre_post: ObserverChange | None = None
    gap: ObserverGap | None = None
    agreement: ObserverAgreement | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        if self.group not in OBSERVER_GROUPS:
            raise InvalidInput(f"ObserverFigures.group must be one of {', '.join(OBSERVER_GROUPS)}.")
        object.__setattr__(self, "merged", tuple(self.merged))
        parts = (self.pre_post, self.pre_followup, self.self_pre_post, self.gap, self.agreement)
        if self.missing is not None and any(p is not None for p in parts):
            raise InvalidInput("ObserverFigures: a missing reason was given, so the parts must be None.")
        if self.missing is None and any(p is None for p in parts):
            raise InvalidInput("ObserverFigures: give every part (each with its own missing reason) or a "
                               "missing reason for the whole section.")

    @property
    def available(self) -> bool:
        return self.missing is None


def observer_schema() -> dict[type, dict[str, object]]:
    """Which field holds which nested type, for :meth:`ImpactFigures.from_dict`."""
    return {ObserverChange: {"missing": Missing}, ObserverGap: {"missing": Missing},
            ObserverAgreement: {"missing": Missing},
            ObserverFigures: {"pre_post": ObserverChange, "pre_followup": ObserverChange,
                              "self_pre_post": ObserverChange, "gap": ObserverGap,
                              "agreement": ObserverAgreement, "missing": Missing}}

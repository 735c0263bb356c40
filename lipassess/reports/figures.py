"""The numbers a one-page impact summary needs, as plain frozen data.

:class:`ImpactFigures` holds, for one cohort or for the whole program, exactly
what :mod:`lipassess.reports.narrative`, :mod:`lipassess.reports.charts` and
:mod:`lipassess.reports.render` read: counts, effect sizes with confidence
intervals, reliability, shares with CIs, the then-test gap, the attrition
check and subgroup rows. Every field is a float, int, str, bool, None or one
of the small dataclasses below, so a service can build it from analysis
results and the API can send ``to_dict()`` as JSON (``from_dict`` reads it back).

A number that could not be computed is ``None`` and its group carries a
:class:`Missing` saying why (not collected yet, too few responses, no
variation, not measured, or the analysis failed); the narrative turns that
into a sentence. The constructors check these rules, so a summary can never
show a number and a reason at once, or a suppressed subgroup with numbers.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from typing import Any

from lipassess.errors import InvalidInput
from lipassess.reports.invariance import Invariance
from lipassess.vocabulary import OUTCOMES, SUBSCALE_OUTCOMES, TOTAL_OUTCOME, WAVE_KINDS

SUBSCALES = SUBSCALE_OUTCOMES
WAVES = WAVE_KINDS
SUBGROUP_DIMENSIONS = ("ministry", "province")
DEFAULT_MIN_SUBGROUP_SIZE = 5


class MissingReason(enum.StrEnum):
    """Why a number is missing; each has a sentence in both languages in the narrative."""

    NOT_YET = "not_yet"  # the wave that provides it has not taken place yet
    TOO_FEW = "too_few"  # fewer responses than the statistic needs (n, needed)
    NO_VARIANCE = "no_variance"  # everyone answered the same, nothing to analyse
    NOT_MEASURED = "not_measured"  # not asked for this group (e.g. no retrospective pre-test)
    ERROR = "error"  # the analysis refused to run; ``detail`` carries its message


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Missing:
    """Why a group of numbers is missing.

    Attributes
    ----------
    reason : MissingReason
        The kind of gap.
    n : int or None
        How many usable responses there were (for ``too_few``).
    needed : int or None
        How many the statistic needs (for ``too_few``).
    wave : str or None
        The wave concerned (``pre``, ``post``, ``retro_pre``, ``followup``), when one is.
    detail : str or None
        Free text from the analysis (``error``); shown as is, in English.
    """

    reason: MissingReason
    n: int | None = None
    needed: int | None = None
    wave: str | None = None
    detail: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "reason", MissingReason(self.reason))
        except ValueError:
            known = ", ".join(r.value for r in MissingReason)
            raise InvalidInput(f"Unknown missing reason {self.reason!r}: use one of {known}.") from None
        if self.wave is not None and self.wave not in WAVES:
            raise InvalidInput(f"Unknown wave {self.wave!r} in a missing reason: use one of {', '.join(WAVES)}.")


def _finite(name: str, value: float | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise InvalidInput(f"{name} is required when no missing reason is given.")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number or None, got {value!r}.")


def _check_group(owner: str, missing: Missing | None, numbers: Mapping[str, Any], required: tuple[str, ...]) -> None:
    """Either a missing reason and no numbers, or the required numbers and no reason."""
    if missing is not None:
        present = [name for name, value in numbers.items() if value is not None]
        if present:
            raise InvalidInput(f"{owner}: a missing reason was given, so {', '.join(present)} must be None.")
        return
    for name, value in numbers.items():
        _finite(f"{owner}.{name}", value, required=name in required)


def _check_ci(owner: str, low: float | None, high: float | None) -> None:
    if (low is None) != (high is None):
        raise InvalidInput(f"{owner}: give both CI bounds or neither.")
    if low is not None and high is not None and low > high:
        raise InvalidInput(f"{owner}: ci_low ({low}) is above ci_high ({high}).")


def _check_count(owner: str, name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInput(f"{owner}.{name} must be a non-negative integer or None, got {value!r}.")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    """A standardized mean change between two waves for one outcome.

    Attributes
    ----------
    g_av : float or None
        Hedges' g_av (Lakens 2013): mean change over the average of the two
        waves' SDs, with the small-sample correction. Positive = higher at the later wave.
    ci_low, ci_high : float or None
        Its 95% confidence interval.
    d_z : float or None
        Cohen's d_z: mean change over the SD of the change scores.
    n : int or None
        Participants with both waves.
    missing : Missing or None
        Why the numbers are missing (then every number is None).
    """

    g_av: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    d_z: float | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("Effect", self.missing,
                     {"g_av": self.g_av, "ci_low": self.ci_low, "ci_high": self.ci_high, "d_z": self.d_z},
                     ("g_av", "ci_low", "ci_high"))
        _check_ci("Effect", self.ci_low, self.ci_high)
        _check_count("Effect", "n", self.n)
        if self.missing is None and self.n is None:
            raise InvalidInput("Effect.n is required when no missing reason is given.")

    @property
    def available(self) -> bool:
        return self.missing is None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """A proportion of people, with its confidence interval when there is one.

    Attributes
    ----------
    share : float or None
        The proportion, in [0, 1].
    ci_low, ci_high : float or None
        Its 95% CI (Wilson for proportions); None when not computed.
    count : int or None
        How many people the share counts.
    n : int or None
        Out of how many.
    missing : Missing or None
        Why the share is missing (then every number is None).
    """

    share: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    count: int | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("Share", self.missing,
                     {"share": self.share, "ci_low": self.ci_low, "ci_high": self.ci_high},
                     ("share",))
        _check_ci("Share", self.ci_low, self.ci_high)
        for name in ("share", "ci_low", "ci_high"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                raise InvalidInput(f"Share.{name} must lie in [0, 1], got {value!r}.")
        _check_count("Share", "count", self.count)
        _check_count("Share", "n", self.n)
        if self.missing is not None and self.count is not None:
            raise InvalidInput("Share: a missing reason was given, so count must be None.")

    @property
    def available(self) -> bool:
        return self.missing is None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Reliability:
    """Cronbach's alpha of one outcome at one wave.

    Attributes
    ----------
    wave : str
        ``pre``, ``post``, ``retro_pre`` or ``followup``.
    alpha : float or None
        Cronbach's alpha.
    ci_low, ci_high : float or None
        Its 95% CI (Feldt), when computed.
    n : int or None
        Respondents used.
    missing : Missing or None
        Why alpha is missing.
    """

    wave: str
    alpha: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        if self.wave not in WAVES:
            raise InvalidInput(f"Unknown wave {self.wave!r}: use one of {', '.join(WAVES)}.")
        _check_group("Reliability", self.missing,
                     {"alpha": self.alpha, "ci_low": self.ci_low, "ci_high": self.ci_high}, ("alpha",))
        _check_ci("Reliability", self.ci_low, self.ci_high)
        _check_count("Reliability", "n", self.n)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeFigures:
    """One outcome: the behaviour total or one of its six subscales.

    Attributes
    ----------
    outcome : str
        One of :data:`OUTCOMES`.
    pre_post : Effect
        Change from before to right after the training.
    pre_followup : Effect
        Change from before the training to the follow-up: did it last?
    reliability : tuple of Reliability
        Alpha per wave (any subset of waves, each at most once).
    ceiling_pre : Share or None
        Share of participants at the scale maximum at the pre wave; None = not reported.
    mean_pre, mean_post, mean_followup : float or None
        Scale means (on the response scale) of those in ``pre_post`` /
        ``pre_followup``, for the paired-means chart; None = not shown.
    """

    outcome: str
    pre_post: Effect
    pre_followup: Effect
    reliability: tuple[Reliability, ...] = ()
    ceiling_pre: Share | None = None
    mean_pre: float | None = None
    mean_post: float | None = None
    mean_followup: float | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise InvalidInput(f"Unknown outcome {self.outcome!r}: use one of {', '.join(OUTCOMES)}.")
        object.__setattr__(self, "reliability", tuple(self.reliability))
        waves = [r.wave for r in self.reliability]
        if len(waves) != len(set(waves)):
            raise InvalidInput(f"{self.outcome}: reliability lists a wave twice.")
        for name in ("mean_pre", "mean_post", "mean_followup"):
            _finite(f"{self.outcome}.{name}", getattr(self, name), required=False)

    def alpha(self, wave: str) -> Reliability | None:
        """The reliability entry for ``wave``, or None when not reported."""
        return next((r for r in self.reliability if r.wave == wave), None)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ThenTest:
    """Retrospective pre-test against the real pre-test (response-shift check).

    Attributes
    ----------
    gap : float or None
        Standardized difference retro-pre minus pre (same people); negative =
        after the training they rated their earlier selves lower than they did at the time.
    ci_low, ci_high : float or None
        Its 95% CI.
    n : int or None
        Participants with both.
    missing : Missing or None
        Why it is missing (e.g. ``not_measured`` when no retro-pre was asked).
    """

    gap: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("ThenTest", self.missing,
                     {"gap": self.gap, "ci_low": self.ci_low, "ci_high": self.ci_high}, ("gap",))
        _check_ci("ThenTest", self.ci_low, self.ci_high)
        _check_count("ThenTest", "n", self.n)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Attrition:
    """Who answered the pre-test but not the follow-up, and whether they differed.

    Attributes
    ----------
    overall_rate : float or None
        Share of pre respondents without a follow-up response, in [0, 1].
    differential_rate : float or None
        Difference in attrition rates between the groups the attrition analysis
        compared (WWC "differential attrition"); None for a single-group design.
    baseline_smd : float or None
        Standardized difference at pre (leavers minus stayers) on the behaviour total.
    wwc_high : bool or None
        True when overall and differential attrition fall in the What Works
        Clearinghouse "high attrition" region; None when not assessed.
    n_baseline, n_retained : int or None
        Pre respondents, and those of them who answered the follow-up.
    missing : Missing or None
        Why the check is missing (e.g. follow-up not yet due).
    """

    overall_rate: float | None = None
    differential_rate: float | None = None
    baseline_smd: float | None = None
    wwc_high: bool | None = None
    n_baseline: int | None = None
    n_retained: int | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        _check_group("Attrition", self.missing,
                     {"overall_rate": self.overall_rate, "differential_rate": self.differential_rate,
                      "baseline_smd": self.baseline_smd},
                     ("overall_rate",))
        if self.missing is not None and self.wwc_high is not None:
            raise InvalidInput("Attrition: a missing reason was given, so wwc_high must be None.")
        if self.overall_rate is not None and not 0 <= self.overall_rate <= 1:
            raise InvalidInput(f"Attrition.overall_rate must lie in [0, 1], got {self.overall_rate!r}.")
        _check_count("Attrition", "n_baseline", self.n_baseline)
        _check_count("Attrition", "n_retained", self.n_retained)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SubgroupRow:
    """One ministry or province. Suppressed rows carry no numbers at all.

    Build rows with :meth:`of`, which suppresses groups smaller than the minimum size.

    Attributes
    ----------
    dimension : str
        ``ministry`` or ``province``.
    label : str
        The group's name as stored.
    suppressed : bool
        True when the group is smaller than the minimum size shown to managers.
    n : int or None
        Participants in the group (pre respondents); None when suppressed.
    pre_post : Effect or None
        Change in the behaviour total; None when suppressed.
    """

    dimension: str
    label: str
    suppressed: bool
    n: int | None = None
    pre_post: Effect | None = None

    def __post_init__(self) -> None:
        if self.dimension not in SUBGROUP_DIMENSIONS:
            raise InvalidInput(f"Unknown subgroup dimension {self.dimension!r}: use "
                               f"{' or '.join(SUBGROUP_DIMENSIONS)}.")
        if self.suppressed and (self.n is not None or self.pre_post is not None):
            raise InvalidInput(f"Subgroup {self.label!r} is suppressed and must carry no numbers.")
        if not self.suppressed and (self.n is None or self.pre_post is None):
            raise InvalidInput(f"Subgroup {self.label!r} is shown, so it needs n and pre_post.")
        _check_count("SubgroupRow", "n", self.n)

    @classmethod
    def of(cls, dimension: str, label: str, n: int, pre_post: Effect, *,
           min_size: int = DEFAULT_MIN_SUBGROUP_SIZE) -> SubgroupRow:
        """A row for a group of ``n`` people, suppressed when ``n < min_size``."""
        if n < min_size:
            return cls(dimension=dimension, label=label, suppressed=True)
        return cls(dimension=dimension, label=label, suppressed=False, n=n, pre_post=pre_post)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class CohortEffect:
    """The behaviour-total change of one cohort, for the program-wide forest plot.

    Attributes
    ----------
    label : str
        The cohort's short name.
    pre_post : Effect
        Its pre/post change in the behaviour total.
    """

    label: str
    pre_post: Effect


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ImpactFigures:
    """Everything the one-page impact summary shows, for one cohort or the whole program.

    Attributes
    ----------
    scope : str
        What the page is about, e.g. ``"LIP cohort 5 (2024)"``; shown in the title.
    scope_kind : str
        ``cohort`` or ``program``.
    synthetic : bool
        True for simulated data: every output then says "Synthetic data" prominently.
    as_of : str or None
        ISO date of the data, shown in the footer.
    n_enrolled, n_pre, n_post, n_followup : int
        Participants enrolled, and respondents at each wave.
    retention : Share
        Share of pre respondents who answered the follow-up.
    outcomes : tuple of OutcomeFigures
        The behaviour total (required) and any of the six subscales, each once.
    reliably_improved, reliably_declined : Share
        Shares beyond the Reliable Change Index (Jacobson & Truax 1991), pre to post.
    applied_skills : Share
        Share saying at the follow-up that they applied the skills, with a Wilson CI.
    then_test : ThenTest
        Retrospective pre-test gap.
    attrition : Attrition
        The attrition check.
    subgroups : tuple of SubgroupRow
        Ministry and province rows (suppressed below ``min_subgroup_size``).
    cohorts : tuple of CohortEffect
        Per-cohort behaviour-total effects (program scope), for the forest plot.
    min_subgroup_size : int
        Smallest group shown with numbers (5 for managers).
    followup_months : int
        Months from the end of the training to the follow-up.
    self_report : bool
        True when every outcome is the participants' own rating (adds a caveat).
    scale_min, scale_max : float
        Ends of the response scale, for the paired-means chart.
    invariance : Invariance or None
        Whether the subscales were understood the same way before and after (None: not tested).
    observers : ObserverFigures or None
        What supervisors (or all observers) saw (:mod:`lipassess.reports.observer_figures`); None: not planned.
    """

    scope: str
    scope_kind: str = "cohort"
    synthetic: bool
    as_of: str | None = None
    n_enrolled: int
    n_pre: int
    n_post: int
    n_followup: int
    retention: Share
    outcomes: tuple[OutcomeFigures, ...]
    reliably_improved: Share
    reliably_declined: Share
    applied_skills: Share
    then_test: ThenTest
    attrition: Attrition
    subgroups: tuple[SubgroupRow, ...] = ()
    cohorts: tuple[CohortEffect, ...] = ()
    min_subgroup_size: int = DEFAULT_MIN_SUBGROUP_SIZE
    followup_months: int = 6
    self_report: bool = True
    scale_min: float = 1.0
    scale_max: float = 5.0
    invariance: Invariance | None = None
    observers: ObserverFigures | None = None

    def __post_init__(self) -> None:
        if self.scope_kind not in ("cohort", "program"):
            raise InvalidInput(f"scope_kind must be 'cohort' or 'program', got {self.scope_kind!r}.")
        for name in ("n_enrolled", "n_pre", "n_post", "n_followup"):
            value = getattr(self, name)
            if value is None:
                raise InvalidInput(f"ImpactFigures.{name} is required (use 0 when nobody answered).")
            _check_count("ImpactFigures", name, value)
        order = {key: i for i, key in enumerate(OUTCOMES)}
        outcomes = tuple(sorted(self.outcomes, key=lambda o: order[o.outcome]))
        keys = [o.outcome for o in outcomes]
        if len(keys) != len(set(keys)):
            raise InvalidInput("ImpactFigures.outcomes lists an outcome twice.")
        if TOTAL_OUTCOME not in keys:
            raise InvalidInput("ImpactFigures.outcomes must include 'leadership_total'.")
        object.__setattr__(self, "outcomes", outcomes)
        object.__setattr__(self, "subgroups", tuple(self.subgroups))
        object.__setattr__(self, "cohorts", tuple(self.cohorts))
        for row in self.subgroups:
            if not row.suppressed and row.n is not None and row.n < self.min_subgroup_size:
                raise InvalidInput(f"Subgroup {row.label!r} has n = {row.n} < {self.min_subgroup_size} "
                                   "and must be suppressed (build it with SubgroupRow.of).")
        if not self.scale_min < self.scale_max:
            raise InvalidInput("scale_min must be below scale_max.")

    @property
    def total(self) -> OutcomeFigures:
        """The leadership behaviour total."""
        return self.outcomes[0]

    @property
    def subscales(self) -> tuple[OutcomeFigures, ...]:
        """The subscales present, in display order."""
        return self.outcomes[1:]

    def outcome(self, key: str) -> OutcomeFigures | None:
        """The figures of one outcome, or None when absent."""
        return next((o for o in self.outcomes if o.outcome == key), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe values (NaN cannot occur: the constructors refuse it)."""
        return _plain(self)

    def summary(self, lang: str = "en") -> str:
        """The summary's words as plain text (see :func:`lipassess.reports.narrative.build_narrative`)."""
        from lipassess.reports.narrative import build_narrative

        return build_narrative(self, lang).text()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImpactFigures:
        """Rebuild figures from :meth:`to_dict` output (validating again)."""
        return _build(cls, data)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


# Which field holds which nested type, for from_dict. Tuples are marked with a 1-tuple.
_SCHEMA: dict[type, dict[str, Any]] = {
    Effect: {"missing": Missing},
    Share: {"missing": Missing},
    Reliability: {"missing": Missing},
    ThenTest: {"missing": Missing},
    Attrition: {"missing": Missing},
    OutcomeFigures: {"pre_post": Effect, "pre_followup": Effect, "reliability": (Reliability,),
                     "ceiling_pre": Share},
    SubgroupRow: {"pre_post": Effect},
    CohortEffect: {"pre_post": Effect},
    ImpactFigures: {"retention": Share, "outcomes": (OutcomeFigures,), "reliably_improved": Share,
                    "reliably_declined": Share, "applied_skills": Share, "then_test": ThenTest,
                    "attrition": Attrition, "subgroups": (SubgroupRow,), "cohorts": (CohortEffect,),
                    "invariance": Invariance},
    Invariance: {},
    Missing: {},
}


def _build(cls: type, data: Any) -> Any:
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{cls.__name__} must be given as an object, got {type(data).__name__}.")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise InvalidInput(f"{cls.__name__}: unknown field(s) {', '.join(sorted(unknown))}.")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        kind = _SCHEMA[cls].get(name)
        if value is None or kind is None:
            kwargs[name] = value
        elif isinstance(kind, tuple):
            kwargs[name] = tuple(_build(kind[0], item) for item in value)
        else:
            kwargs[name] = _build(kind, value)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise InvalidInput(f"{cls.__name__}: {exc}") from None


# The observer figures live in their own module, which builds on this one's checks.
from lipassess.reports.observer_figures import ObserverFigures, observer_schema  # noqa: E402

_SCHEMA.update(observer_schema())
_SCHEMA[ImpactFigures]["observers"] = ObserverFigures

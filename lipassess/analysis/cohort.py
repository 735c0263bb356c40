"""The full evaluation of one cohort (or the whole program): every statistic, per outcome.

Pure orchestration over the single statistics of this package: frames in, one
frozen :class:`CohortAnalysis` out. The store-side service
(:mod:`lipassess.services.dataset`) builds the inputs; evaluators can build them
from a CSV in a notebook as well.

A statistic that cannot run (too few participants, no second wave yet) does
not stop the others: it is left ``None`` and ``missing[name]`` says why, in a
sentence a report can show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from lipassess.analysis._results import ResultMixin, format_number, format_table
from lipassess.analysis.attrition import AttritionResult, attrition
from lipassess.analysis.change import ReliableChangeResult, reliable_change
from lipassess.analysis.paired import PairedResult, paired
from lipassess.analysis.proportion import ProportionResult, proportion
from lipassess.analysis.reliability import ReliabilityResult, reliability
from lipassess.analysis.repeated import RepeatedResult, repeated
from lipassess.analysis.then_test import ThenTestResult, then_test
from lipassess.errors import LipassessError
from lipassess.vocabulary import MEASUREMENT_WAVES

WAVE_ORDER = MEASUREMENT_WAVES
R = TypeVar("R")


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeData:
    """The scores of one outcome (a subscale or the total) across waves.

    Attributes
    ----------
    name : str
        Outcome id, e.g. ``communication`` or ``total``.
    scores : pandas.DataFrame
        Index participant id; columns among ``pre``, ``post``, ``followup`` and
        ``retro_pre`` (the retrospective pretest given at the post wave); NaN
        where a participant has no score for that wave.
    items : mapping of wave to pandas.DataFrame
        Reverse-keyed item answers per wave (index participant, one column per
        item), for reliability. May be empty.
    scale : tuple of float
        Response scale ``(low, high)`` of the items (after reverse keying).
    """

    name: str
    scores: pd.DataFrame
    items: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    scale: tuple[float, float] = (1.0, 5.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeAnalysis(ResultMixin):
    """Every statistic of one outcome; ``None`` ones are explained in ``missing``.

    Attributes
    ----------
    name : str
        Outcome id.
    n_by_wave : dict
        Participants with a score, per wave.
    reliability : dict
        Wave -> :class:`ReliabilityResult` of the outcome's items.
    pre_post, pre_followup : PairedResult or None
        Pre/post and pre/follow-up paired comparisons.
    change : ReliableChangeResult or None
        Jacobson-Truax reliable change pre -> post, with the pre-wave alpha.
    repeated : RepeatedResult or None
        RM-ANOVA, Friedman, pairwise and mixed model over pre, post, follow-up.
    then_test : ThenTestResult or None
        Pretest vs retrospective pretest.
    ceiling_pre : float or None
        Share of participants at the scale maximum at pre.
    missing : dict
        Statistic name -> why it is missing.
    """

    name: str
    n_by_wave: dict[str, int]
    reliability: dict[str, ReliabilityResult]
    pre_post: PairedResult | None
    pre_followup: PairedResult | None
    change: ReliableChangeResult | None
    repeated: RepeatedResult | None
    then_test: ThenTestResult | None
    ceiling_pre: float | None
    missing: dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortAnalysis(ResultMixin):
    """The evaluation of one cohort or of the whole program.

    Attributes
    ----------
    scope : str
        What was analysed (a cohort shortname, or ``program``).
    n_participants : int
        Participants in the data (enrolled, whatever they answered).
    outcomes : dict
        Outcome id -> :class:`OutcomeAnalysis`.
    attrition : AttritionResult or None
        Retained vs lost at follow-up, on the baseline total and profile fields.
    applied : ProportionResult or None
        Share who said they applied the skills at six months (Wilson CI).
    missing : dict
        Cohort-level statistic -> why it is missing.
    """

    scope: str
    n_participants: int
    outcomes: dict[str, OutcomeAnalysis]
    attrition: AttritionResult | None
    applied: ProportionResult | None
    missing: dict[str, str]

    def summary(self) -> str:
        """Headline numbers per outcome, then attrition, application and what is missing."""
        columns = ["outcome", "n_pre", "n_post", "n_followup", "alpha_pre", "n_pairs", "mean_diff",
                   "g_av", "g_av_ci_low", "g_av_ci_high", "p_value", "improved_share"]
        rows = [[row[c] if row[c] is not None else float("nan") for c in columns]
                for row in outcome_summary_rows(self)]
        lines = [f"{self.scope}: {self.n_participants} participants", format_table(columns, rows)]
        if self.attrition is not None:
            a = self.attrition
            lines.append(f"attrition at follow-up: {format_number(a.overall_attrition)} "
                         f"(WWC: {a.wwc_category}{'; flagged' if a.flag else ''})")
        if self.applied is not None:
            p = self.applied
            lines.append(f"applied skills at six months: {format_number(p.share)} "
                         f"[{format_number(p.ci_low)}, {format_number(p.ci_high)}], n = {p.n_obs}")
        for name, o in self.outcomes.items():
            lines += [f"note: {name}: {stat}: {why}" for stat, why in o.missing.items()]
        lines += [f"note: {stat}: {why}" for stat, why in self.missing.items()]
        return "\n".join(lines)


def _attempt(name: str, missing: dict[str, str], compute: Callable[[], R]) -> R | None:
    """Run one statistic; on an expected failure record the reason instead of raising."""
    try:
        return compute()
    except LipassessError as exc:
        missing[name] = exc.message
        return None


def _column(scores: pd.DataFrame, wave: str) -> pd.Series | None:
    if wave not in scores.columns:
        return None
    column = scores[wave].dropna()
    return column if len(column) else None


def _need(series: pd.Series | None, wave: str) -> pd.Series:
    if series is None:
        from lipassess.errors import InsufficientData

        raise InsufficientData(f"no {wave.replace('_', ' ')} scores yet")
    return series


def analyze_outcome(data: OutcomeData, *, ci: float = 0.95) -> OutcomeAnalysis:
    """Reliability per wave, pre/post, pre/follow-up, reliable change, three waves, then-test.

    Each statistic is the one of its own module (see there for formulas and
    references); one that cannot run is ``None`` and ``missing`` says why.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"pre": [3.0, 3.2, 2.8, 3.5, 3.1, 2.9],
    ...                        "post": [3.6, 3.5, 3.4, 3.9, 3.3, 3.6]})
    >>> result = analyze_outcome(OutcomeData(name="total", scores=scores))
    >>> round(result.pre_post.t, 2)  # R: t.test(post, pre, paired = TRUE)$statistic
    5.81
    >>> result.missing["repeated"]
    'the three-wave comparison needs pre, post and follow-up scores'
    """
    missing: dict[str, str] = {}
    scores = data.scores
    pre, post = _column(scores, "pre"), _column(scores, "post")
    followup, retro = _column(scores, "followup"), _column(scores, "retro_pre")
    n_by_wave = {w: int(scores[w].notna().sum()) for w in scores.columns}

    rel: dict[str, ReliabilityResult] = {}
    for wave, items in data.items.items():
        result = _attempt(f"reliability_{wave}", missing,
                          partial(reliability, items, scale=data.scale, ci=ci))
        if result is not None:
            rel[wave] = result

    pre_post = _attempt("pre_post", missing, lambda: paired(_need(pre, "pre"), _need(post, "post"), ci=ci))
    pre_followup = _attempt("pre_followup", missing,
                            lambda: paired(_need(pre, "pre"), _need(followup, "followup"), ci=ci))

    def change() -> ReliableChangeResult:
        alpha = rel.get("pre")
        if alpha is None or not np.isfinite(alpha.alpha):
            from lipassess.errors import InsufficientData

            raise InsufficientData("no usable pre-wave reliability to compute reliable change with")
        return reliable_change(_need(pre, "pre"), _need(post, "post"), reliability=alpha.alpha, ci=ci)

    change_result = _attempt("change", missing, change)

    waves = [w for w in WAVE_ORDER if w in scores.columns and scores[w].notna().any()]

    def three_waves() -> RepeatedResult:
        if len(waves) < 3:
            from lipassess.errors import InsufficientData

            raise InsufficientData("the three-wave comparison needs pre, post and follow-up scores")
        return repeated(scores[list(waves)], ci=ci)

    repeated_result = _attempt("repeated", missing, three_waves)
    then = _attempt("then_test", missing,
                    lambda: then_test(_need(pre, "pre"), _need(retro, "retro_pre"), _need(post, "post"), ci=ci))
    ceiling = float((pre >= data.scale[1]).mean()) if pre is not None else None
    return OutcomeAnalysis(
        name=data.name, n_by_wave=n_by_wave, reliability=rel, pre_post=pre_post,
        pre_followup=pre_followup, change=change_result, repeated=repeated_result,
        then_test=then, ceiling_pre=ceiling, missing=missing,
    )


def analyze_cohort(
    outcomes: Sequence[OutcomeData],
    *,
    scope: str,
    profile: pd.DataFrame | None = None,
    baseline_outcome: str = "total",
    applied: pd.Series | None = None,
    ci: float = 0.95,
) -> CohortAnalysis:
    """Analyse every outcome, then attrition and the six-month application share.

    Parameters
    ----------
    outcomes
        One :class:`OutcomeData` per subscale and the total.
    scope
        Label of what is analysed.
    profile
        Index participant id; categorical profile columns (ministry, province)
        compared between retained and lost participants. Its index is the list of
        participants in the cohort.
    baseline_outcome
        The outcome whose pre score is the baseline for attrition, and whose
        follow-up score defines "retained".
    applied
        Index participant id; 1/0 answers to "I have applied skills from the
        program in my work" at follow-up (NaN when not answered).
    """
    missing: dict[str, str] = {}
    analysed = {o.name: analyze_outcome(o, ci=ci) for o in outcomes}
    index: pd.Index = profile.index if profile is not None else pd.Index([])
    for o in outcomes:
        index = index.union(o.scores.index)

    def attrition_check() -> AttritionResult:
        base = next((o for o in outcomes if o.name == baseline_outcome), None)
        if base is None or "pre" not in base.scores.columns:
            from lipassess.errors import InsufficientData

            raise InsufficientData("no baseline (pre) scores to compare retained and lost participants on")
        baseline = pd.DataFrame({"baseline_score": base.scores["pre"]})
        if profile is not None:
            baseline = baseline.join(profile, how="left")
        baseline = baseline[baseline["baseline_score"].notna()]
        if "followup" not in base.scores.columns or not base.scores["followup"].notna().any():
            from lipassess.errors import InsufficientData

            raise InsufficientData("the follow-up wave has no answers yet, so nobody can be counted as retained")
        retained = base.scores["followup"].reindex(baseline.index).notna()
        return attrition(baseline, retained)

    attrition_result = _attempt("attrition", missing, attrition_check)

    def applied_share() -> ProportionResult:
        answers = applied.dropna() if applied is not None else pd.Series(dtype=float)
        if not len(answers):
            from lipassess.errors import InsufficientData

            raise InsufficientData("nobody has answered the six-month application question yet")
        return proportion(int((answers == 1).sum()), int(len(answers)), ci=ci)

    applied_result = _attempt("applied", missing, applied_share)
    return CohortAnalysis(scope=scope, n_participants=int(len(index)), outcomes=analysed,
                          attrition=attrition_result, applied=applied_result, missing=missing)


def outcome_summary_rows(analysis: CohortAnalysis) -> list[dict[str, Any]]:
    """One row per outcome with the headline numbers (for tables and CSV downloads)."""
    rows = []
    for name, o in analysis.outcomes.items():
        pp = o.pre_post
        rows.append({
            "outcome": name,
            "n_pre": o.n_by_wave.get("pre", 0),
            "n_post": o.n_by_wave.get("post", 0),
            "n_followup": o.n_by_wave.get("followup", 0),
            "alpha_pre": o.reliability["pre"].alpha if "pre" in o.reliability else None,
            "n_pairs": pp.n_obs if pp else None,
            "mean_diff": pp.mean_diff if pp else None,
            "d_z": pp.d_z if pp else None,
            "g_av": pp.g_av if pp else None,
            "g_av_ci_low": pp.g_av_ci_low if pp else None,
            "g_av_ci_high": pp.g_av_ci_high if pp else None,
            "p_value": pp.p_value if pp else None,
            "improved_share": o.change.improved.share if o.change else None,
        })
    return rows

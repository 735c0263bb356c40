"""Use case: the impact figures of one cohort, several cohorts or the whole program, from the store.

:func:`impact_report` loads the dataset, runs :func:`~lipassess.services.evaluation.evaluate`
once and translates the :class:`~lipassess.analysis.cohort.CohortAnalysis` into the
:class:`~lipassess.reports.figures.ImpactFigures` the summary page, the narrative and
the API read. Every number is copied from an analysis result, never recomputed
differently: effect sizes are the analysis's Hedges' g_av with its CI, shares
its Wilson intervals.

A number the analysis could not give becomes ``None`` with a
:class:`~lipassess.reports.figures.Missing` reason, derived from the sentence in
``OutcomeAnalysis.missing`` / ``CohortAnalysis.missing`` and the state of the
waves (:func:`classify_missing`): a wave that has not closed and has no answers
is *not yet*; a closed wave with too few usable answers is *too few* (with the
counts); a statistic that ran but came out undefined because everyone answered
alike is *no variance*; a retrospective pre-test that no wave presents is *not
measured*.

Where the numbers come from
---------------------------
* ``n_enrolled``: ``CohortAnalysis.n_participants``; ``n_pre``, ``n_post``,
  ``n_followup``: submitted responses per wave (:mod:`lipassess.services.progress`).
* ``retention``: the attrition result's ``n_retained / n_obs`` (pre respondents
  with a behaviour score who answered the follow-up), Wilson CI.
* outcomes: ``total`` becomes ``leadership_total``; ``pre_post`` and
  ``pre_followup`` are Hedges' g_av, its CI, d_z and the pairs; means are the
  paired means; reliability is Cronbach's alpha with its Feldt CI per wave.
* ``reliably_improved`` / ``declined``: the behaviour total's reliable change.
* ``then_test``: g_av of retro-pre minus pre (same people) from the then-test.
* ``attrition``: overall rate; baseline difference = leavers minus stayers
  (minus the analysis's Hedges' g, which is retained minus lost).
* subgroups: per ministry and province, the pre/post change of the total for
  the group's participants (``n`` = pre respondents; suppressed below
  ``min_group_size``; an effect on fewer pairs than that is left out as too few).
  Participants without the field are not grouped.
* cohorts (program scope with two or more cohorts): each cohort's pre/post
  change of the total, as ``evaluate`` gives it for that cohort alone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lipassess.analysis import paired
from lipassess.analysis.cohort import CohortAnalysis, OutcomeAnalysis
from lipassess.analysis.paired import PairedResult
from lipassess.analysis.proportion import ProportionResult, proportion
from lipassess.analysis.reliability import ReliabilityResult
from lipassess.analysis.subgroups import groups_to_hide
from lipassess.errors import LipassessError
from lipassess.reports.figures import (
    OUTCOMES,
    SUBGROUP_DIMENSIONS,
    Attrition,
    CohortEffect,
    Effect,
    ImpactFigures,
    Missing,
    MissingReason,
    OutcomeFigures,
    Reliability,
    Share,
    SubgroupRow,
    ThenTest,
)
from lipassess.services.dataset import BEHAVIOUR, Dataset, behaviour_outcomes, load_dataset
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.services.evaluation import evaluate
from lipassess.services.invariance import before_after
from lipassess.services.progress import wave_progress
from lipassess.services.raters.evidence import observer_figures
from lipassess.store.models import Cohort, InstrumentVersion, Response, ResponseStatus, Wave, WaveInstrument
from lipassess.store.types import utcnow
from lipassess.vocabulary import MEASUREMENT_WAVES, TOTAL, TOTAL_OUTCOME, outcome_key

FIGURE_WAVES = MEASUREMENT_WAVES
PAIRS_NEEDED = 2  # paired statistics need two complete pairs

_TOO_FEW = re.compile(r"needs at least (\d+) participants? with complete data(?:, got (\d+)|; (\d+) remain)")
_NO_SCORES = re.compile(r"no (pre|post|followup|follow-up|retro pre) scores yet")
_WAVE_WORDS = {"pre": "pre", "post": "post", "followup": "followup", "follow-up": "followup",
               "retro pre": "retro_pre"}


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveState:
    """What the store says about one wave kind across the cohorts in scope.

    Attributes
    ----------
    exists : bool
        At least one cohort has a wave of this kind.
    closed : bool
        At least one such wave has closed (its ``closes_at`` is past).
    submitted : int
        Submitted responses, summed over the cohorts.
    """

    exists: bool = False
    closed: bool = False
    submitted: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class WaveStates:
    """Wave kind -> :class:`WaveState`, and whether a retrospective pre-test is presented at all."""

    waves: Mapping[str, WaveState]
    retro_measured: bool

    def get(self, wave: str) -> WaveState:
        return self.waves.get(wave, WaveState())


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpactReport:
    """The figures together with the analysis and dataset they were built from.

    Attributes
    ----------
    figures : ImpactFigures
        What the summary shows.
    analysis : CohortAnalysis
        The evaluation of the scope (``figures`` copies its numbers).
    dataset : Dataset
        The frames the analysis ran on.
    cohorts : tuple of Cohort
        The cohorts in scope.
    """

    figures: ImpactFigures
    analysis: CohortAnalysis
    dataset: Dataset
    cohorts: tuple[Cohort, ...]


# ---------------------------------------------------------------------------
# Missing reasons
# ---------------------------------------------------------------------------


def absent_wave(wave: str, states: WaveStates, *, needed: int = PAIRS_NEEDED) -> Missing:
    """Why a statistic that needs scores from ``wave`` has none.

    ``not_measured`` for a retrospective pre-test no wave presents; ``not_yet``
    while no wave of that kind has closed and nobody answered it; otherwise
    ``too_few`` with ``n = 0`` usable scores.
    """
    if wave == "retro_pre" and not states.retro_measured:
        return Missing(reason=MissingReason.NOT_MEASURED, wave="retro_pre")
    state = states.get(wave)
    if not state.exists or (state.submitted == 0 and not state.closed):
        return Missing(reason=MissingReason.NOT_YET, wave=wave)
    return Missing(reason=MissingReason.TOO_FEW, n=0, needed=needed, wave=wave)


def classify_missing(message: str, states: WaveStates, *, wave: str | None = None) -> Missing:
    """Turn an analysis's "why it is missing" sentence into a :class:`Missing`.

    Parameters
    ----------
    message
        The sentence from ``OutcomeAnalysis.missing`` or ``CohortAnalysis.missing``.
    states
        The waves in scope, to tell "not yet" from "too few".
    wave
        The wave the statistic belongs to, when there is one (reliability per wave).
    """
    too_few = _TOO_FEW.search(message)
    if too_few:
        needed = int(too_few.group(1))
        n = int(too_few.group(2) or too_few.group(3))
        return Missing(reason=MissingReason.TOO_FEW, n=n, needed=needed, wave=wave)
    no_scores = _NO_SCORES.search(message)
    if no_scores:
        return absent_wave(_WAVE_WORDS[no_scores.group(1)], states)
    if "no baseline (pre) scores" in message:
        return absent_wave("pre", states)
    if "follow-up wave has no answers" in message or "needs pre, post and follow-up" in message:
        return absent_wave("followup", states)
    if "application question" in message:
        state = states.get("followup")
        if state.submitted:
            return Missing(reason=MissingReason.NOT_MEASURED, wave="followup")
        return absent_wave("followup", states, needed=1)
    return Missing(reason=MissingReason.ERROR, detail=message, wave=wave)


def _undefined(notes: Sequence[str]) -> Missing:
    """The reason an estimate that ran came out NaN, from its notes."""
    text = " ".join(notes).lower()
    if any(word in text for word in ("no variance", "zero variance", "same answer", "same amount",
                                     "same pretest score", "could be classified")):
        return Missing(reason=MissingReason.NO_VARIANCE)
    detail = notes[0] if notes else "the estimate could not be computed"
    return Missing(reason=MissingReason.ERROR, detail=detail)


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def _num(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


# ---------------------------------------------------------------------------
# Analysis results -> figure parts
# ---------------------------------------------------------------------------


def effect_of(result: PairedResult | None, missing: Missing | None) -> Effect:
    """Hedges' g_av with its CI, d_z and the pairs; a :class:`Missing` when not available."""
    if result is None:
        return Effect(missing=missing or Missing(reason=MissingReason.ERROR))
    if not _finite(result.g_av, result.g_av_ci_low, result.g_av_ci_high):
        return Effect(n=result.n_obs, missing=_undefined(result.notes))
    return Effect(g_av=float(result.g_av), ci_low=float(result.g_av_ci_low), ci_high=float(result.g_av_ci_high),
                  d_z=_num(result.d_z), n=result.n_obs)


def share_of(result: ProportionResult | None, missing: Missing | None) -> Share:
    """A proportion with its Wilson CI."""
    if result is None:
        return Share(missing=missing or Missing(reason=MissingReason.ERROR))
    if not _finite(result.share):
        return Share(n=result.n_obs, missing=_undefined(result.notes))
    low, high = (float(result.ci_low), float(result.ci_high)) if _finite(result.ci_low, result.ci_high) \
        else (None, None)
    return Share(share=float(result.share), ci_low=low, ci_high=high, count=result.successes, n=result.n_obs)


def reliability_of(wave: str, result: ReliabilityResult) -> Reliability:
    """Cronbach's alpha with its Feldt CI."""
    if not _finite(result.alpha):
        return Reliability(wave=wave, n=result.n_obs, missing=_undefined(result.notes))
    low, high = (float(result.alpha_ci_low), float(result.alpha_ci_high)) \
        if _finite(result.alpha_ci_low, result.alpha_ci_high) else (None, None)
    return Reliability(wave=wave, alpha=float(result.alpha), ci_low=low, ci_high=high, n=result.n_obs)


def _missing(outcome: OutcomeAnalysis, name: str, states: WaveStates, *, wave: str | None = None) -> Missing | None:
    message = outcome.missing.get(name)
    return classify_missing(message, states, wave=wave) if message is not None else None


def _change_missing(outcome: OutcomeAnalysis, states: WaveStates) -> Missing | None:
    """Reliable change needs the pre-wave alpha: explain through it when that is what failed."""
    message = outcome.missing.get("change")
    if message is None:
        return None
    if "pre-wave reliability" in message:
        if "reliability_pre" in outcome.missing:
            return _missing(outcome, "reliability_pre", states, wave="pre")
        if "pre" in outcome.reliability:
            return _undefined(outcome.reliability["pre"].notes)
        return absent_wave("pre", states)
    return classify_missing(message, states)


def outcome_figures(key: str, outcome: OutcomeAnalysis, states: WaveStates) -> OutcomeFigures:
    """One :class:`OutcomeFigures` from one :class:`OutcomeAnalysis` (``key`` is the figure's outcome id)."""
    pp, pf = outcome.pre_post, outcome.pre_followup
    reliability = []
    for wave in MEASUREMENT_WAVES:
        if wave in outcome.reliability:
            reliability.append(reliability_of(wave, outcome.reliability[wave]))
        elif f"reliability_{wave}" in outcome.missing:
            reliability.append(Reliability(wave=wave, missing=_missing(outcome, f"reliability_{wave}", states,
                                                                       wave=wave)))
    n_pre = outcome.n_by_wave.get("pre", 0)
    if outcome.ceiling_pre is not None and n_pre:
        ceiling = Share(share=float(outcome.ceiling_pre), count=round(outcome.ceiling_pre * n_pre), n=n_pre)
    else:
        ceiling = Share(missing=absent_wave("pre", states, needed=1))
    return OutcomeFigures(
        outcome=key,
        pre_post=effect_of(pp, _missing(outcome, "pre_post", states)),
        pre_followup=effect_of(pf, _missing(outcome, "pre_followup", states)),
        reliability=tuple(reliability),
        ceiling_pre=ceiling,
        mean_pre=_num(pp.mean_pre) if pp else None,
        mean_post=_num(pp.mean_post) if pp else None,
        mean_followup=_num(pf.mean_post) if pf else None,
    )


def _empty_total(states: WaveStates) -> OutcomeFigures:
    """The behaviour total when nobody has a behaviour score at all."""
    missing = absent_wave("pre", states)
    return OutcomeFigures(outcome=TOTAL_OUTCOME, pre_post=Effect(missing=missing),
                          pre_followup=Effect(missing=missing), ceiling_pre=Share(missing=missing))


def _then_test(total: OutcomeAnalysis | None, states: WaveStates) -> ThenTest:
    if total is None:
        return ThenTest(missing=absent_wave("pre", states))
    then = total.then_test
    if then is None:
        return ThenTest(missing=_missing(total, "then_test", states) or Missing(reason=MissingReason.ERROR))
    gap = then.gap
    if not _finite(gap.g_av, gap.g_av_ci_low, gap.g_av_ci_high):
        return ThenTest(n=then.n_obs, missing=_undefined(gap.notes))
    return ThenTest(gap=float(gap.g_av), ci_low=float(gap.g_av_ci_low), ci_high=float(gap.g_av_ci_high),
                    n=then.n_obs)


def _attrition(analysis: CohortAnalysis, states: WaveStates) -> tuple[Attrition, Share]:
    """The attrition check and the retention share (retained / pre respondents, Wilson CI)."""
    result = analysis.attrition
    if result is None:
        missing = classify_missing(analysis.missing.get("attrition", ""), states)
        return Attrition(missing=missing), Share(missing=missing)
    baseline = next((v for v in result.variables if v.variable == "baseline_score" and v.kind == "numeric"), None)
    smd = -baseline.effect_size if baseline is not None and math.isfinite(baseline.effect_size) else None
    attrition = Attrition(overall_rate=float(result.overall_attrition),
                          differential_rate=_num(result.differential_attrition), baseline_smd=smd,
                          wwc_high=None, n_baseline=result.n_obs, n_retained=result.n_retained)
    retention = share_of(proportion(result.n_retained, result.n_obs, ci=0.95), None)
    return attrition, retention


def _pairs_effect(frame: pd.DataFrame, *, needed: int) -> Effect:
    """g_av of the total's pre/post for the rows of ``frame``; too few below ``needed`` pairs."""
    pairs = frame[["pre", "post"]].dropna() if {"pre", "post"} <= set(frame.columns) else frame.iloc[0:0]
    if len(pairs) < needed:
        return Effect(missing=Missing(reason=MissingReason.TOO_FEW, n=len(pairs), needed=needed))
    try:
        return effect_of(paired(pairs["pre"], pairs["post"]), None)
    except LipassessError as exc:
        return Effect(missing=Missing(reason=MissingReason.ERROR, detail=exc.message))


def subgroup_rows(total_scores: pd.DataFrame, profile: pd.DataFrame, *, min_group_size: int) -> tuple[SubgroupRow, ...]:
    """Ministry and province rows: ``n`` pre respondents, the total's pre/post change; small groups hidden.

    What is hidden follows :func:`lipassess.analysis.subgroups.groups_to_hide`, once on the
    pre respondents (the ``n`` shown next to the overall baseline count) and once on the pairs
    (the change shown next to the overall change), so neither the hidden people's count nor
    their change can be worked out as the total minus the groups shown.
    """
    rows: list[SubgroupRow] = []
    has_pre = total_scores["pre"].notna() if "pre" in total_scores.columns else pd.Series(dtype=bool)
    has_pair = (total_scores[["pre", "post"]].notna().all(axis=1) if {"pre", "post"} <= set(total_scores.columns)
                else pd.Series(dtype=bool))
    for dimension in SUBGROUP_DIMENSIONS:
        if dimension not in profile.columns:
            continue
        labels = profile[dimension].dropna().astype(str)
        labels = labels[labels.str.strip() != ""]
        members = {label: labels.index[labels == label] for label in sorted(labels.unique())}
        unlisted = total_scores.index.difference(labels.index)
        n = {label: int(has_pre.reindex(ids, fill_value=False).sum()) for label, ids in members.items()}
        pairs = {label: int(has_pair.reindex(ids, fill_value=False).sum()) for label, ids in members.items()}
        hidden = groups_to_hide(n, min_group_size, unlisted=int(has_pre.reindex(unlisted, fill_value=False).sum()))
        too_few = {label for label, count in pairs.items() if count < min_group_size}
        hidden |= groups_to_hide(pairs, min_group_size, hidden=hidden | too_few,
                                 unlisted=int(has_pair.reindex(unlisted, fill_value=False).sum())) - too_few
        for label, ids in members.items():
            if label in hidden:
                rows.append(SubgroupRow(dimension=dimension, label=label, suppressed=True))
                continue
            effect = _pairs_effect(total_scores.reindex(ids), needed=min_group_size)
            rows.append(SubgroupRow.of(dimension, label, n[label], effect, min_size=min_group_size))
    return tuple(rows)


def cohort_effects(total_scores: pd.DataFrame, profile: pd.DataFrame, cohorts: Sequence[Cohort],
                   states: Mapping[int, WaveStates]) -> tuple[CohortEffect, ...]:
    """Each cohort's pre/post change of the total, for the program's forest plot."""
    out = []
    for cohort in cohorts:
        members = profile.index[profile["cohort"] == cohort.shortname]
        scores = total_scores.reindex(members)
        pre = scores["pre"].notna() if "pre" in scores.columns else pd.Series(False, index=members)
        post = scores["post"].notna() if "post" in scores.columns else pd.Series(False, index=members)
        if not pre.any():
            effect = Effect(missing=absent_wave("pre", states[cohort.id]))
        elif not post.any():
            effect = Effect(missing=absent_wave("post", states[cohort.id]))
        else:
            effect = _pairs_effect(scores, needed=PAIRS_NEEDED)
        out.append(CohortEffect(label=cohort.shortname, pre_post=effect))
    return tuple(out)


# ---------------------------------------------------------------------------
# Store look-ups
# ---------------------------------------------------------------------------


def wave_states(session: Session, cohorts: Sequence[Cohort], *, now: dt.datetime | None = None) -> WaveStates:
    """The state of each wave kind over ``cohorts`` (submitted counts from the progress service)."""
    now = now or utcnow()
    merged: dict[str, WaveState] = {}
    for cohort in cohorts:
        for p in wave_progress(session, cohort):
            old = merged.get(p.kind, WaveState())
            closed = p.closes_at is not None and p.closes_at <= now
            merged[p.kind] = WaveState(exists=True, closed=old.closed or closed,
                                       submitted=old.submitted + p.submitted)
    definitions = session.scalars(
        select(InstrumentVersion.definition)
        .join(WaveInstrument, WaveInstrument.instrument_version_id == InstrumentVersion.id)
        .join(Wave, Wave.id == WaveInstrument.wave_id)
        .where(Wave.cohort_id.in_([c.id for c in cohorts]))
    ).all()
    retro = any((d or {}).get("pairs_with") == BEHAVIOUR for d in definitions) or "retro_pre" in merged
    return WaveStates(waves=merged, retro_measured=retro)


def merge_states(states: Sequence[WaveStates]) -> WaveStates:
    """The states of several cohorts as one scope."""
    merged: dict[str, WaveState] = {}
    for one in states:
        for kind, state in one.waves.items():
            old = merged.get(kind, WaveState())
            merged[kind] = WaveState(exists=old.exists or state.exists, closed=old.closed or state.closed,
                                     submitted=old.submitted + state.submitted)
    return WaveStates(waves=merged, retro_measured=any(s.retro_measured for s in states))


def _as_of(session: Session, cohorts: Sequence[Cohort]) -> str:
    latest = session.scalar(
        select(func.max(Response.submitted_at)).join(Wave, Wave.id == Response.wave_id)
        .where(Wave.cohort_id.in_([c.id for c in cohorts]), Response.status == ResponseStatus.SUBMITTED)
    )
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=dt.UTC)
    return (latest or utcnow()).date().isoformat()


def _all_cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.start_at, Cohort.id)))


# ---------------------------------------------------------------------------
# The use case
# ---------------------------------------------------------------------------


def impact_report(session: Session, cohorts: Sequence[Cohort] | None, *, min_group_size: int,
                  synthetic: bool | None = None, followup_months: int = 6) -> ImpactReport:
    """Evaluate ``cohorts`` (None: every cohort, the whole program) and build its impact figures.

    Parameters
    ----------
    session
        Store session (only read).
    cohorts
        One cohort (a cohort summary), several, or None for the whole program.
    min_group_size
        Smallest ministry or province shown with numbers (``MIN_GROUP_SIZE``, 5).
    synthetic
        Label the figures as synthetic; None detects it
        (:func:`~lipassess.services.demo_data.scope_is_synthetic`).
    followup_months
        Months from the end of the training to the follow-up, for the wording.
    """
    whole_program = cohorts is None
    chosen = _all_cohorts(session) if cohorts is None else list(cohorts)
    single = len(chosen) == 1 and not whole_program
    scope = chosen[0].shortname if single else "program"
    dataset = load_dataset(session, chosen, scope=scope)
    analysis = evaluate(dataset)
    per_cohort = {c.id: wave_states(session, [c]) for c in chosen}
    states = merge_states(list(per_cohort.values()))
    outcomes_data = {o.name: o for o in behaviour_outcomes(dataset)}

    outcomes = []
    for name, outcome in analysis.outcomes.items():
        key = outcome_key(name)
        if key in OUTCOMES:
            outcomes.append(outcome_figures(key, outcome, states))
    total = analysis.outcomes.get(TOTAL)
    if total is None:
        outcomes.append(_empty_total(states))
    if total is not None and total.change is not None:
        improved = share_of(total.change.improved, None)
        declined = share_of(total.change.declined, None)
    else:
        why = _change_missing(total, states) if total is not None else absent_wave("pre", states)
        why = why or Missing(reason=MissingReason.ERROR)
        improved, declined = Share(missing=why), Share(missing=why)
    attrition, retention = _attrition(analysis, states)
    total_scores = outcomes_data[TOTAL].scores if TOTAL in outcomes_data else pd.DataFrame(index=dataset.profile.index)
    subgroups = subgroup_rows(total_scores, dataset.profile, min_group_size=min_group_size)
    forest = cohort_effects(total_scores, dataset.profile, chosen, per_cohort) if len(chosen) > 1 else ()
    scale = outcomes_data[TOTAL].scale if TOTAL in outcomes_data else (1.0, 5.0)
    submitted = {kind: states.get(kind).submitted for kind in FIGURE_WAVES}
    if synthetic is None:
        synthetic = scope_is_synthetic(session, chosen)
    if single:
        label = chosen[0].fullname or chosen[0].shortname
    elif whole_program:
        label = ""  # the narrative says "whole program" in the page's language
    else:
        label = ", ".join(c.shortname for c in chosen)
    observers = observer_figures(session, [c.id for c in chosen], self_scores=total_scores,
                                 closed={kind: state.closed for kind, state in states.waves.items()})
    figures = ImpactFigures(
        scope=label, scope_kind="cohort" if single else "program", synthetic=bool(synthetic),
        as_of=_as_of(session, chosen) if chosen else None,
        n_enrolled=analysis.n_participants, n_pre=submitted["pre"], n_post=submitted["post"],
        n_followup=submitted["followup"], retention=retention, outcomes=tuple(outcomes),
        reliably_improved=improved, reliably_declined=declined,
        applied_skills=share_of(analysis.applied, classify_missing(analysis.missing["applied"], states)
                                if "applied" in analysis.missing else None),
        then_test=_then_test(total, states), attrition=attrition, subgroups=subgroups, cohorts=forest,
        min_subgroup_size=min_group_size, followup_months=followup_months, self_report=True,
        scale_min=float(scale[0]), scale_max=float(scale[1]),
        invariance=before_after(list(outcomes_data.values()), dataset.profile.get("language")),
        observers=observers,
    )
    return ImpactReport(figures=figures, analysis=analysis, dataset=dataset, cohorts=tuple(chosen))


def impact_figures(session: Session, cohorts: list[Cohort] | None, *, min_group_size: int,
                   synthetic: bool | None = None) -> ImpactFigures:
    """The impact figures of ``cohorts`` (None: the whole program); see :func:`impact_report`."""
    return impact_report(session, cohorts, min_group_size=min_group_size, synthetic=synthetic).figures

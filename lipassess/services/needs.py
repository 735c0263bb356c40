"""Use case: the training-needs assessment of cohorts in the store, by group, and against later change.

Reads the answers to ``lip-needs-assessment`` (from the ``needs`` wave, or the
``pre`` wave when it was asked there; a participant who answered both counts
once, with the ``needs`` answers), runs :func:`lipassess.analysis.needs_assessment`
on everyone and :func:`lipassess.analysis.needs_by_group` per ministry,
province, position level and ministry x position level, and, when the cohort
has post or follow-up scores of the behaviour survey, sets each competency's
need against the change of its behaviour subscale
(:func:`lipassess.analysis.needs_loop.needs_and_change`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis import paired
from lipassess.analysis.cohort import OutcomeData
from lipassess.analysis.needs import (
    COMPETENCE,
    IMPORTANCE,
    competency_columns,
    needs_assessment,
    needs_by_group,
)
from lipassess.analysis.needs_loop import needs_and_change
from lipassess.analysis.needs_scope import NeedsAnalysis
from lipassess.analysis.validation import TOO_FEW_ROWS
from lipassess.errors import InsufficientData, InvalidInput
from lipassess.instruments import Instrument
from lipassess.services import analyses
from lipassess.services.analysis_store import Stored
from lipassess.services.dataset import Dataset, behaviour_outcomes, load_dataset
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.services.waves import NEEDS_INSTRUMENT
from lipassess.store.models import Cohort
from lipassess.vocabulary import FOLLOWUP, NEEDS, POST, PRE

POSITION_ITEM = "position_level"
MINISTRY_POSITION = "ministry_position"
GROUP_COLUMNS = ("ministry", "province", POSITION_ITEM, MINISTRY_POSITION)
"""The groupings of the needs report, in display order (the last one pairs a ministry with a position level)."""
CHANGE_WAVES = (POST, FOLLOWUP)


def competencies_of(instrument: Instrument) -> list[str]:
    """The competency ids of a needs instrument, in its order (items ``<id>_importance``)."""
    suffix = "_" + IMPORTANCE
    return [item.id[: -len(suffix)] for item in instrument.scored_items if item.id.endswith(suffix)]


def needs_frame(dataset: Dataset) -> tuple[pd.DataFrame, Instrument]:
    """One row per respondent: ``<competency>.importance`` / ``.competence``, and the grouping columns.

    Raises
    ------
    InsufficientData
        Nobody in the scope has answered the needs assessment yet.
    """
    sheets = [dataset.sheet(NEEDS_INSTRUMENT, wave) for wave in (NEEDS, PRE)]
    found = [sheet for sheet in sheets if sheet is not None and len(sheet.answers)]
    if not found:
        raise InsufficientData(
            f"nobody in {dataset.scope} has answered the needs assessment ({NEEDS_INSTRUMENT}) yet; open a needs "
            f"wave with 'lipassess waves set --cohort COHORT --kind needs --opens DAY --closes DAY'")
    instrument = found[0].instrument
    answers = pd.concat([sheet.answers for sheet in found], axis=0, sort=False)
    answers = answers[~answers.index.duplicated(keep="first")]
    columns: dict[str, pd.Series] = {}
    for competency in competencies_of(instrument):
        for part, column in zip((IMPORTANCE, COMPETENCE), competency_columns(competency), strict=True):
            item = f"{competency}_{part}"
            values = answers[item] if item in answers.columns else pd.Series(index=answers.index, dtype=float)
            columns[column] = pd.to_numeric(values, errors="coerce")
    frame = pd.DataFrame(columns, index=answers.index)
    profile = dataset.profile.reindex(frame.index)
    frame["ministry"] = profile["ministry"]
    frame["province"] = profile["province"]
    position = answers[POSITION_ITEM] if POSITION_ITEM in answers.columns else pd.Series(index=answers.index)
    frame[POSITION_ITEM] = pd.to_numeric(position, errors="coerce").astype("Int64").astype(object)
    frame[POSITION_ITEM] = frame[POSITION_ITEM].where(frame[POSITION_ITEM].notna(), None)
    both = frame["ministry"].notna() & frame[POSITION_ITEM].notna()
    frame[MINISTRY_POSITION] = [(m, int(p)) if ok else None
                                for m, p, ok in zip(frame["ministry"], frame[POSITION_ITEM], both, strict=True)]
    return frame, instrument


def _change(outcomes: Sequence[OutcomeData], competencies: Sequence[str], wave: str,
            ci: float) -> dict[str, tuple[float, float, float]]:
    """Hedges' g_av with its CI from pre to ``wave`` of each behaviour subscale that is a competency."""
    out = {}
    for outcome in outcomes:
        if outcome.name not in competencies or not {PRE, wave} <= set(outcome.scores.columns):
            continue
        try:
            result = paired(outcome.scores[PRE], outcome.scores[wave], ci=ci)
        except InvalidInput as error:
            if error.errors.get("reason") == TOO_FEW_ROWS:
                continue
            raise
        out[outcome.name] = (result.g_av, result.g_av_ci_low, result.g_av_ci_high)
    return out


def needs_analysis(session: Session, cohorts: Sequence[Cohort] | None, *, min_group_size: int,
                   ci: float = 0.95) -> NeedsAnalysis:
    """The needs of ``cohorts`` (None: every cohort, the program), by group and against later change.

    Raises
    ------
    InvalidInput
        No cohorts, or nobody answered both questions of any competency.
    InsufficientData
        Nobody answered the needs assessment.
    """
    chosen = list(cohorts) if cohorts is not None else list(session.scalars(select(Cohort).order_by(Cohort.id)))
    if not chosen:
        raise InvalidInput("there are no cohorts yet; run 'lipassess sync' to pull the courses from Moodle")
    dataset = load_dataset(session, chosen, scope="program" if cohorts is None else None)
    return needs_of_dataset(dataset, min_group_size=min_group_size, ci=ci,
                            synthetic=scope_is_synthetic(session, chosen))


def needs_of_dataset(dataset: Dataset, *, min_group_size: int, synthetic: bool, ci: float = 0.95) -> NeedsAnalysis:
    """:func:`needs_analysis` on a dataset already loaded (the demo reuses the impact report's)."""
    frame, instrument = needs_frame(dataset)
    competencies = competencies_of(instrument)
    columns = [column for competency in competencies for column in competency_columns(competency)]
    overall = needs_assessment(frame[columns], competencies, ci=ci)
    groups = {}
    for column in GROUP_COLUMNS:
        rows = frame[[*columns, column]].dropna(subset=[column])
        if len(rows):
            groups[column] = needs_by_group(rows, column, competencies, min_n=min_group_size, ci=ci)
    position = instrument.item(POSITION_ITEM) if POSITION_ITEM in instrument.item_ids else None
    labels = {option.value: {"en": option.label.en, "km": option.label.km}
              for option in (position.options if position is not None else ())}
    loop = {}
    outcomes = behaviour_outcomes(dataset)
    for wave in CHANGE_WAVES:
        change = _change(outcomes, competencies, wave, ci)
        if change:
            loop[wave] = needs_and_change(overall, change)
    return NeedsAnalysis(scope=dataset.scope, overall=overall, groups=groups, position_labels=labels, loop=loop,
                         min_group_size=min_group_size, synthetic=synthetic)


def stored_needs(session: Session, cohorts: list[Cohort] | None, *, scope: Sequence[Cohort], min_group_size: int,
                 for_managers: bool) -> Stored[NeedsAnalysis]:
    """:func:`needs_analysis` of ``cohorts`` (None: the program, whose cohorts are ``scope``), kept in the store
    like every analysis the staff pages and the API show; ``for_managers`` applies the small-group rule."""
    stored = analyses.stored(session, "needs", scope, lambda: needs_analysis(session, cohorts,
                                                                             min_group_size=min_group_size),
                             cohorts is None, min_group_size)
    if not for_managers:
        return stored
    return dataclasses.replace(stored, value=stored.value.for_managers())

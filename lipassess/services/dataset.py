"""From the store to analysis-ready frames: one row per participant, scored per instrument and wave.

Only submitted responses count. Participants are indexed by their pseudonym,
never by name. The retrospective-pretest form (a self-report instrument
for the ``retro_pre`` wave that ``pairs_with`` the behaviour scale) becomes the ``retro_pre`` column of the
behaviour outcomes, whichever wave it was given in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis.cohort import OutcomeData
from lipassess.instruments import DEFAULT_MIN_SHARE, TOTAL, Instrument
from lipassess.scoring import reverse_keyed_frame, score_frame
from lipassess.services.cohort_data import student_profiles, submitted_answers
from lipassess.services.instruments import default_min_share, instrument_of
from lipassess.store.models import Cohort, InstrumentVersion
from lipassess.vocabulary import FOLLOWUP, RETRO_PRE

BEHAVIOUR = "lip-leadership-behaviour"
APPLICATION = "lip-followup-application"
APPLIED_ITEM = "applied_any"
PROFILE_COLUMNS = ("cohort", "ministry", "province", "language", "enrolment_status", "completed")


@dataclass(frozen=True, slots=True)
class Sheet:
    """The answers to one instrument in one wave: item values and the instrument that defines them."""

    instrument: Instrument
    wave: str
    answers: pd.DataFrame  # index pseudonym, one column per item id (numbers; text as object)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything the analyses need for a set of cohorts.

    Attributes
    ----------
    scope : str
        Cohort shortname, or ``program`` for several cohorts.
    profile : pandas.DataFrame
        Index pseudonym; columns :data:`PROFILE_COLUMNS` for every student enrolled.
    sheets : dict
        ``(instrument_id, wave)`` -> :class:`Sheet`.
    min_share_answered : float
        Share of a scale's items answered for a score when an instrument declares none (the setting).
    """

    scope: str
    profile: pd.DataFrame
    sheets: dict[tuple[str, str], Sheet]
    min_share_answered: float = DEFAULT_MIN_SHARE

    def sheet(self, instrument_id: str, wave: str) -> Sheet | None:
        return self.sheets.get((instrument_id, wave))


def _profile(session: Session, cohort_ids: list[int]) -> pd.DataFrame:
    frame = student_profiles(session, cohort_ids)
    return frame.drop_duplicates("pseudonym").set_index("pseudonym").sort_index()


def _sheets(session: Session, cohort_ids: list[int]) -> dict[tuple[str, str], Sheet]:
    rows = submitted_answers(session, cohort_ids)
    if not len(rows):
        return {}
    frame = rows.drop(columns=["cohort"])
    frame["value"] = frame["number"].astype(object).where(frame["number"].notna(), frame["text"])
    versions = {
        v.id: v for v in session.scalars(
            select(InstrumentVersion).where(InstrumentVersion.id.in_(frame["version_id"].unique().tolist())))
    }
    parts: dict[tuple[str, str], list[tuple[Instrument, pd.DataFrame]]] = defaultdict(list)
    for (version_id, wave), group in frame.groupby(["version_id", "wave"], sort=True):
        instrument = instrument_of(versions[int(version_id)])
        wide = group.pivot(index="pseudonym", columns="item", values="value")
        parts[(instrument.id, str(wave))].append((instrument, wide))
    sheets = {}
    for key, pieces in parts.items():
        newest = pieces[-1][0]
        answers = pd.concat([p[1] for p in pieces], axis=0, sort=False)
        answers = answers[~answers.index.duplicated(keep="last")]
        sheets[key] = Sheet(instrument=newest, wave=key[1], answers=answers.sort_index())
    return sheets


def load_dataset(session: Session, cohorts: Iterable[Cohort], *, scope: str | None = None) -> Dataset:
    """Read the profile and every submitted answer of ``cohorts`` into frames."""
    cohort_list = list(cohorts)
    ids = [c.id for c in cohort_list]
    label = scope or (cohort_list[0].shortname if len(cohort_list) == 1 else "program")
    return Dataset(scope=label, profile=_profile(session, ids), sheets=_sheets(session, ids),
                   min_share_answered=default_min_share(session))


def _numeric(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    item_ids = [i.id for i in instrument.items if i.type != "text" and i.id in frame.columns]
    return frame[item_ids].apply(pd.to_numeric, errors="coerce")


def is_retro_form(instrument: Instrument, target_id: str) -> bool:
    """The participant's own retrospective pretest of ``target_id`` (not, e.g., a supervisor's rating)."""
    return (instrument.pairs_with == target_id and instrument.respondent == "self"
            and RETRO_PRE in instrument.waves)


def behaviour_outcomes(dataset: Dataset, instrument_id: str = BEHAVIOUR) -> list[OutcomeData]:
    """One :class:`OutcomeData` per subscale of the behaviour scale, plus its total."""
    columns: dict[str, pd.DataFrame] = {}
    items: dict[str, dict[str, pd.DataFrame]] = defaultdict(dict)
    reference: Instrument | None = None
    for (inst_id, wave), sheet in sorted(dataset.sheets.items()):
        if inst_id == instrument_id:
            target_wave = wave
        elif is_retro_form(sheet.instrument, instrument_id):
            target_wave = RETRO_PRE
        else:
            continue
        numeric = _numeric(sheet.answers, sheet.instrument)
        columns[target_wave] = score_frame(sheet.instrument, numeric, default_min_share=dataset.min_share_answered)
        if inst_id == instrument_id:
            reference = sheet.instrument
            keyed = reverse_keyed_frame(sheet.instrument, numeric)
            for sub in sheet.instrument.subscales:
                items[sub.id][wave] = keyed[[i for i in sub.items if i in keyed.columns]]
            items[TOTAL][wave] = keyed
    if reference is None:
        return []
    scale = reference.scale_of(reference.scored_items[0])
    outcomes = []
    for name in reference.score_names:
        scores = pd.DataFrame({w: frame[name] for w, frame in columns.items() if name in frame.columns})
        scores = scores.reindex(dataset.profile.index.union(scores.index))
        outcomes.append(OutcomeData(name=name, scores=scores, items=dict(items.get(name, {})),
                                    scale=(float(scale.min), float(scale.max))))
    return outcomes


def applied_answers(dataset: Dataset) -> pd.Series | None:
    """1/0 answers to "I have applied skills from the program in my work" at follow-up."""
    sheet = dataset.sheet(APPLICATION, FOLLOWUP)
    if sheet is None or APPLIED_ITEM not in sheet.answers.columns:
        return None
    return pd.to_numeric(sheet.answers[APPLIED_ITEM], errors="coerce")

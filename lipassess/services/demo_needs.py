"""The demo's training-needs assessment: a ``needs`` wave per synthetic cohort, with a known truth.

About 90% of each cohort answered ``lip-needs-assessment`` about two months
before the course. Each answer is the rounded, clipped value of a normal draw around the
competency's true mean (:data:`TRUE_NEEDS`, importance and competence) with
SD :data:`SPREAD`; 3% of answers are missing. Conflict management has the
largest true gap, then managing change and problem analysis; communication
and self-awareness are important but already strong (the "maintain"
quadrant). Directors of department at the Ministry of Health
(:data:`HEALTH_DIRECTORS`) rate conflict management as essential and their
competence in it low, so the report puts it first for them.

Its own random generator (seed + 17) leaves the rest of the demo's numbers as
they were; the caller commits. :func:`write_demo_needs` writes the demo's
needs reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lipassess.services.dataset import Dataset
from lipassess.services.instruments import instrument_of
from lipassess.store.models import (
    Answer,
    Cohort,
    Enrolment,
    InstrumentVersion,
    Participant,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
    WaveKind,
)

NEEDS_INSTRUMENT = "lip-needs-assessment"
TRUE_NEEDS: dict[str, tuple[float, float]] = {
    "adaptive_leadership": (4.0, 3.0),
    "communication": (4.4, 3.8),
    "conflict_management": (4.5, 2.6),
    "problem_solving_pdia": (3.9, 2.8),
    "cross_sector_collaboration": (3.8, 3.0),
    "self_awareness_wellbeing": (4.3, 3.7),
    "problem_analysis": (4.1, 2.7),
    "digital_government": (3.6, 2.5),
    "managing_change": (4.3, 2.8),
}
"""Competency -> (mean importance, mean competence) on the 1-5 scales."""
SPREAD = 0.8
MISSING = 0.03
ANSWERED = 0.9
POSITION_SHARES = (0.03, 0.07, 0.3, 0.3, 0.25, 0.05)
"""Shares of position levels 1 (director-general) to 6 (other)."""
HEALTH = "ក្រសួងសុខាភិបាល"
HEALTH_DIRECTORS = (HEALTH, 3)
"""Ministry and position level whose conflict-management gap is larger: importance 4.9, competence 1.9."""


@dataclass(frozen=True, slots=True)
class DemoNeeds:
    responses: int
    answers: int


def add_demo_needs(session: Session, cohorts: list[Cohort], *, seed: int) -> DemoNeeds:
    """Give each cohort a ``needs`` wave and most of its students an answer to the needs assessment (flushes)."""
    version = session.scalars(select(InstrumentVersion).where(InstrumentVersion.instrument_key == NEEDS_INSTRUMENT)
                              .order_by(InstrumentVersion.id.desc())).first()
    if version is None:
        return DemoNeeds(responses=0, answers=0)
    instrument = instrument_of(version)
    rng = np.random.default_rng(seed + 17)
    rows: list[dict[str, object]] = []
    n_responses = 0
    for cohort in cohorts:
        if cohort.start_at is None:
            continue
        opens = cohort.start_at - timedelta(days=60)
        wave = Wave(cohort_id=cohort.id, kind=WaveKind.NEEDS, opens_at=opens, closes_at=opens + timedelta(days=30),
                    opened_at=opens)
        wave.instruments = [WaveInstrument(instrument_version_id=version.id, position=0)]
        session.add(wave)
        session.flush()
        people = session.execute(select(Participant.id, Participant.ministry, Participant.language)
                                 .join(Enrolment, Enrolment.participant_id == Participant.id)
                                 .where(Enrolment.cohort_id == cohort.id).order_by(Participant.id)).all()
        submitted = opens + timedelta(days=3)
        responses = [Response(participant_id=pid, wave_id=wave.id, status=ResponseStatus.SUBMITTED, language=lang,
                              channel="link", consent_at=submitted, started_at=submitted, submitted_at=submitted)
                     for pid, _ministry, lang in people if rng.random() < ANSWERED]
        session.add_all(responses)
        session.flush()
        ministry_of = {pid: ministry for pid, ministry, _lang in people}
        for response in responses:
            position = int(rng.choice(np.arange(1, 7), p=POSITION_SHARES))
            rows.append(_answer(response.id, version.id, "position_level", position))
            for item in instrument.scored_items:
                competency, part = item.id.rsplit("_", 1)
                importance, competence = TRUE_NEEDS.get(competency, (3.5, 3.0))
                if competency == "conflict_management" and (ministry_of[response.participant_id], position) \
                        == HEALTH_DIRECTORS:
                    importance, competence = 4.9, 1.9
                mean = importance if part == "importance" else competence
                if rng.random() >= MISSING:
                    rows.append(_answer(response.id, version.id, item.id,
                                        float(np.clip(np.rint(rng.normal(mean, SPREAD)), 1, 5))))
        n_responses += len(responses)
    for start in range(0, len(rows), 5000):
        session.execute(insert(Answer), rows[start:start + 5000])
    session.flush()
    return DemoNeeds(responses=n_responses, answers=len(rows))


def _answer(response_id: int, version_id: int, item: str, value: float) -> dict[str, object]:
    return {"response_id": response_id, "instrument_version_id": version_id, "item_key": item,
            "value_number": float(value), "value_text": None}


def write_demo_needs(dataset: Dataset, folder: Path, *, min_group_size: int, pdf: bool) -> dict[str, list[Path]]:
    """``needs-<scope>-<lang>.html`` (and ``.pdf`` when ``pdf``) of a demo cohort's or the program's dataset.

    Returns the paths by kind (``needs_html``, ``needs_pdf``). The figures are as a manager sees them.
    """
    from lipassess.reports.needs import render_needs_html, render_needs_pdf
    from lipassess.services.needs import needs_of_dataset

    analysis = needs_of_dataset(dataset, min_group_size=min_group_size, synthetic=True).for_managers()
    written: dict[str, list[Path]] = {"needs_html": [], "needs_pdf": []}
    for lang in ("en", "km"):
        stem = folder / f"needs-{dataset.scope.lower()}-{lang}"
        stem.with_suffix(".html").write_text(render_needs_html(analysis, lang), encoding="utf-8")
        written["needs_html"].append(stem.with_suffix(".html"))
        if pdf:
            stem.with_suffix(".pdf").write_bytes(render_needs_pdf(analysis, lang))
            written["needs_pdf"].append(stem.with_suffix(".pdf"))
    return written

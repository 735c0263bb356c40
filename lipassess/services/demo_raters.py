"""Synthetic observer ratings for the demo program, with a known truth smaller than the self-rated change.

Half of each demo cohort's participants are rated by their supervisor at pre,
post and follow-up; one in ten also by three colleagues at pre and post. An
observer's item answer is the rounded, clipped value of
``3 + 0.55 * trait + offset + OBSERVER_SHIFT[wave] + leniency + e`` with
``e ~ N(0, 0.75)``, ``leniency ~ N(0, 0.35)`` per rater and the trait taken
from the participant's own pre-test (standardised; a participant without one
gets a random trait). The true observer-rated shifts (:data:`OBSERVER_SHIFT`:
post +0.20, follow-up +0.15 on the latent scale) are less than half the
self-rated ones (:data:`~lipassess.services.demo_data.TRUE_SHIFT`: +0.45,
+0.35), as observers see less change than participants report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lipassess.instruments import Instrument
from lipassess.services.instruments import instrument_of
from lipassess.services.raters.survey import observer_version
from lipassess.store.models import Answer, Cohort, Participant, Program, Response, Wave
from lipassess.store.rater_models import Rater, RaterAnswer

__all__ = ["OBSERVER_SHIFT", "add_demo_raters"]

OBSERVER_SHIFT = {"pre": 0.0, "post": 0.20, "followup": 0.15}
LOADING, NOISE, LENIENCY = 0.55, 0.75, 0.35
SUPERVISED_SHARE, PEER_SHARE, PEERS = 0.5, 0.1, 3
SUPERVISOR_NAMES = ["លោក សុខ ដារ៉ា", "លោកស្រី ចាន់ សុភា", "Mr Lim Vuthy", "Ms Keo Sreymom"]


def _traits(session: Session, cohort: Cohort, rng: np.random.Generator) -> dict[int, float]:
    """Each participant's standardised own pre-test mean (a random trait when they have none)."""
    rows = session.execute(
        select(Response.participant_id, Answer.value_number).join(Answer, Answer.response_id == Response.id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(Wave.cohort_id == cohort.id, Wave.kind == "pre", Answer.value_number.is_not(None))).all()
    means = pd.DataFrame(rows, columns=["pid", "x"]).groupby("pid")["x"].mean()
    z = (means - means.mean()) / means.std(ddof=1) if len(means) > 1 else means * 0
    people = session.scalars(select(Participant.id).join(Response, Response.participant_id == Participant.id)
                             .join(Wave, Wave.id == Response.wave_id).where(Wave.cohort_id == cohort.id)
                             .distinct()).all()
    return {pid: float(z.get(pid, rng.normal())) for pid in people}


def _answers(rng: np.random.Generator, instrument: Instrument, trait: float, shift: float) -> list[tuple[str, float]]:
    leniency = rng.normal(0, LENIENCY)
    out = []
    for item in instrument.scored_items:
        latent = 3 + LOADING * trait + shift + leniency + rng.normal(0, NOISE)
        value = float(np.clip(np.rint(latent), 1, 5))
        out.append((item.id, 6 - value if item.reverse else value))
    return out


def add_demo_raters(session: Session, program: Program, *, seed: int = 2026) -> int:
    """Add the synthetic raters and their submitted ratings to the demo program; returns the ratings added."""
    rng = np.random.default_rng(seed)
    version = observer_version(session)
    instrument = instrument_of(version)
    added = 0
    answer_rows: list[dict[str, object]] = []
    for cohort in session.scalars(select(Cohort).where(Cohort.program_id == program.id).order_by(Cohort.id)):
        waves = {w.kind.value: w for w in session.scalars(select(Wave).where(Wave.cohort_id == cohort.id))}
        for pid, trait in sorted(_traits(session, cohort, rng).items()):
            raters: list[tuple[str, str, tuple[str, ...]]] = []
            if rng.random() < SUPERVISED_SHARE:
                raters.append(("supervisor", str(rng.choice(SUPERVISOR_NAMES)), ("pre", "post", "followup")))
            if rng.random() < PEER_SHARE:
                raters += [("peer", f"Colleague {k + 1}", ("pre", "post")) for k in range(PEERS)]
            for index, (relation, name, kinds) in enumerate(raters):
                for kind in kinds:
                    wave = waves[kind]
                    when = (wave.opens_at or wave.created_at)
                    rater = Rater(participant_id=pid, wave_id=wave.id, name=name, relation=relation,
                                  email=f"rater.{pid}.{index}@example.invalid",
                                  contact=f"rater.{pid}.{index}@example.invalid", source="import", language="km",
                                  reminders_sent=0, invited_at=when, last_sent_at=when, consent_at=when,
                                  submitted_at=when, created_at=when, updated_at=when)
                    session.add(rater)
                    session.flush()
                    answer_rows += [{"rater_id": rater.id, "instrument_version_id": version.id, "item_key": item,
                                     "value_number": value, "value_text": None}
                                    for item, value in _answers(rng, instrument, trait, OBSERVER_SHIFT[kind])]
                    added += 1
    for start in range(0, len(answer_rows), 5000):
        session.execute(insert(RaterAnswer), answer_rows[start:start + 5000])
    session.flush()
    return added

"""Small builders for survey tests: cohorts, participants, waves with instruments."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from lipassess.services.links import issue_link
from lipassess.services.surveys import answer_key
from lipassess.store.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Participant,
    Wave,
    WaveInstrument,
    WaveKind,
)
from lipassess.store.types import utcnow

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
_ids = itertools.count(1000)


def make_cohort(session: Session, **fields: Any) -> Cohort:
    n = next(_ids)
    cohort = Cohort(moodle_course_id=n, shortname=f"LIP-{n}", fullname=f"Leadership cohort {n}",
                    start_at=NOW - timedelta(days=30), end_at=NOW + timedelta(days=30), **fields)
    session.add(cohort)
    session.flush()
    return cohort


def make_participant(session: Session, cohort: Cohort | None = None, *, language: str = "km",
                     status: EnrolmentStatus = EnrolmentStatus.ACTIVE, **fields: Any) -> Participant:
    n = next(_ids)
    participant = Participant(moodle_user_id=n, username=f"user{n}", firstname="Sophea", lastname=f"Chan{n}",
                              language=language, **fields)
    session.add(participant)
    session.flush()
    if cohort is not None:
        session.add(Enrolment(participant_id=participant.id, cohort_id=cohort.id, status=status))
        session.flush()
    return participant


def make_wave(session: Session, cohort: Cohort, *, kind: WaveKind = WaveKind.PRE, versions=(),
              opens_at: datetime | None = NOW - timedelta(days=1),
              closes_at: datetime | None = NOW + timedelta(days=14)) -> Wave:
    wave = Wave(cohort_id=cohort.id, kind=kind, opens_at=opens_at, closes_at=closes_at)
    session.add(wave)
    session.flush()
    for position, version in enumerate(versions):
        session.add(WaveInstrument(wave_id=wave.id, instrument_version_id=version.id, position=position))
    session.flush()
    return wave


AGREE = [
    (1, "Strongly disagree", "មិនយល់ស្របខ្លាំង"),
    (2, "Disagree", "មិនយល់ស្រប"),
    (3, "Neither agree nor disagree", "មិនយល់ស្រប ក៏មិនយល់ស្រប"),
    (4, "Agree", "យល់ស្រប"),
    (5, "Strongly agree", "យល់ស្របខ្លាំង"),
]


def sample_definition(*, instrument_id: str = "lip-practice", n_likert: int = 12, version: str = "1",
                      text_max_length: int | None = 200) -> dict[str, Any]:
    """A small bilingual instrument: likert items (with a 'not applicable' code), yes/no, choice, text."""
    items: list[dict[str, Any]] = [
        {"id": f"L{i}", "scale": "agree5",
         "text": {"en": f"I listen to my team before deciding ({i}).",
                  "km": f"ខ្ញុំស្តាប់ក្រុមការងាររបស់ខ្ញុំ មុនពេលសម្រេចចិត្ត ({i})។"}}
        for i in range(1, n_likert + 1)
    ]
    items.append({"id": "Y1", "type": "yes_no",
                  "text": {"en": "Did you start a PDIA project?", "km": "តើអ្នកបានចាប់ផ្តើមគម្រោង PDIA ដែរឬទេ?"}})
    items.append({"id": "C1", "type": "choice", "required": False,
                  "text": {"en": "How often do you meet your team?", "km": "តើអ្នកជួបក្រុមការងាររបស់អ្នកញឹកញាប់ប៉ុណ្ណា?"},
                  "options": [{"value": 1, "label": {"en": "Weekly", "km": "ប្រចាំសប្តាហ៍"}},
                              {"value": 2, "label": {"en": "Monthly", "km": "ប្រចាំខែ"}}]})
    text_item: dict[str, Any] = {"id": "T1", "type": "text", "required": False,
                                 "text": {"en": "What did you change in your work?",
                                          "km": "តើអ្នកបានផ្លាស់ប្តូរអ្វីខ្លះក្នុងការងាររបស់អ្នក?"}}
    if text_max_length is not None:
        text_item["max_length"] = text_max_length
    items.append(text_item)
    return {
        "id": instrument_id,
        "version": version,
        "title": {"en": "Leadership practice", "km": "ការអនុវត្តភាពជាអ្នកដឹកនាំ"},
        "description": {"en": "How you lead your team.", "km": "របៀបដែលអ្នកដឹកនាំក្រុមរបស់អ្នក។"},
        "instructions": {"en": "Choose the answer that fits best.", "km": "សូមជ្រើសរើសចម្លើយដែលសមស្របបំផុត។"},
        "translation_status": {"en": "source", "km": "reviewed"},
        "waves": ["pre", "post", "followup"],
        "scales": {"agree5": {
            "min": 1, "max": 5,
            "points": [{"value": v, "label": {"en": en, "km": km}} for v, en, km in AGREE],
            "missing_codes": [{"value": 9, "label": {"en": "Not applicable", "km": "មិនពាក់ព័ន្ធ"}}],
        }},
        "items": items,
    }


def register(session: Session, definition: dict[str, Any] | None = None):
    """Validate a definition and store it as an instrument version."""
    from lipassess.instruments import Instrument
    from lipassess.services.instruments import ensure_registered

    return ensure_registered(session, Instrument.from_dict(definition or sample_definition()))


def all_answers(version_id: int, n_likert: int = 12, value: int = 4) -> dict[str, str]:
    """Form-style answers (strings) for every required item of :func:`sample_definition`."""
    answers = {f"a.{version_id}.L{i}": str(value) for i in range(1, n_likert + 1)}
    answers[f"a.{version_id}.Y1"] = "1"
    return answers


def build(session: Session, *, language: str = "km", definition: dict[str, Any] | None = None,
          opens: int = -1, closes: int = 14) -> SimpleNamespace:
    """A cohort, a wave open now (days relative to now) with one instrument, a participant and their link."""
    now = utcnow()
    cohort = make_cohort(session)
    version = register(session, definition)
    wave = make_wave(session, cohort, versions=[version], opens_at=now + timedelta(days=opens),
                     closes_at=now + timedelta(days=closes))
    participant = make_participant(session, cohort, language=language)
    token = issue_link(session, participant=participant, wave=wave, now=now, ttl_days=60)
    session.commit()
    return SimpleNamespace(cohort=cohort, version=version, wave=wave, participant=participant, token=token,
                           key=lambda item: answer_key(version.id, item),
                           url=lambda tail="": f"/survey/wave/{wave.id}{tail}")

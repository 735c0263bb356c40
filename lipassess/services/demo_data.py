"""A realistic synthetic program for the demo: clearly labelled synthetic, with a known truth.

Three cohorts of about 170 officials each answer the behaviour scale at pre,
post (with the retrospective-pretest form and the reaction survey) and the
six-month follow-up (with the application survey). The data are generated
from a latent-trait model so that the analyses have a known answer:

* each participant has a leadership trait ``theta ~ N(0, 1)`` and each
  subscale a fixed offset; an item answer is the rounded, clipped value of
  ``3 + 0.55 * theta + offset + wave_shift + e`` with ``e ~ N(0, 0.75)``;
* the true wave shifts on the latent scale are :data:`TRUE_SHIFT`
  (post +0.45, follow-up +0.35: a lasting, moderate improvement), and the
  retrospective pretest sits :data:`RETRO_BIAS` below the real pretest
  (a response shift);
* attrition at follow-up depends on the baseline: the probability of being
  lost is ``logistic(-1.3 - 0.6 * theta)`` (about 25% overall, more among
  those who started lower);
* 3% of item answers are missing at random; about 85% say they applied the
  skills at six months;
* about two months before each course, 90% answered the training-needs
  assessment (:mod:`lipassess.services.demo_needs` has its truth);
* supervisors and colleagues rate half of the participants with a smaller
  true change (:mod:`lipassess.services.demo_raters`).

The last cohort is dated from the day the demo is built (:func:`demo_cohorts`):
its six-month follow-up opened three days before and stays open six weeks, so
a newcomer can answer it as a participant who has not yet done so.

The participants' Moodle user ids start at :data:`DEMO_USER_ID_BASE` so they
can never collide with real Moodle users in the same database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lipassess.errors import Conflict
from lipassess.instruments import Instrument
from lipassess.services.demo_needs import add_demo_needs
from lipassess.services.demo_raters import add_demo_raters
from lipassess.services.instruments import instrument_of, register_directory
from lipassess.store.models import (
    Answer,
    Cohort,
    Completion,
    Enrolment,
    InstrumentVersion,
    Participant,
    Program,
    Response,
    ResponseStatus,
    Wave,
    WaveInstrument,
    WaveKind,
)

DEMO_PROGRAM_CODE = "LIP-DEMO"
DEMO_USER_ID_BASE = 9_000_000
TRUE_SHIFT = {"pre": 0.0, "post": 0.45, "followup": 0.35}
RETRO_BIAS = -0.25
ITEM_MISSING = 0.03
LOADING = 0.55
NOISE = 0.75

SUBSCALE_OFFSET = {
    "adaptive_leadership": -0.2, "communication": 0.2, "conflict_management": -0.1,
    "problem_solving_pdia": -0.35, "cross_sector_collaboration": -0.15, "self_awareness_wellbeing": 0.1,
}

MINISTRIES = [
    "ក្រសួងសុខាភិបាល", "ក្រសួងមហាផ្ទៃ", "ក្រសួងអប់រំ យុវជន និងកីឡា", "ក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ",
    "ក្រសួងមុខងារសាធារណៈ", "ក្រសួងកសិកម្ម រុក្ខាប្រមាញ់ និងនេសាទ", "Ministry of Planning",
]
PROVINCES = ["ភ្នំពេញ", "កំពង់ចាម", "សៀមរាប", "បាត់ដំបង", "កំពត", "ព្រះសីហនុ", "តាកែវ"]
FIRST_NAMES = ["សុខា", "ដារ៉ា", "វណ្ណា", "សុភា", "រតនា", "ចាន់ធី", "សុធា", "ពិសិដ្ឋ", "Sokha", "Dara", "Vanna"]
LAST_NAMES = ["សុខ", "ចាន់", "លឹម", "ពេជ្រ", "នួន", "ផាន", "Keo", "Lim", "Chea"]
MOST_USEFUL = {
    "km": ["ការដោះស្រាយបញ្ហាតាមវិធីសាស្ត្រ PDIA", "ការប្រាស្រ័យទាក់ទងជាមួយក្រុមការងារ", "ការគ្រប់គ្រងជម្លោះ"],
    "en": ["PDIA problem solving with my team", "Listening before deciding", "Working across ministries"],
}
EXAMPLES = {
    "km": ["ខ្ញុំបានរៀបចំកិច្ចប្រជុំរួមគ្នាជាមួយមន្ទីរសុខាភិបាល ដើម្បីដោះស្រាយបញ្ហាសេវាកម្ម។",
           "ក្រុមរបស់ខ្ញុំបានសាកល្បងដំណោះស្រាយតូចៗ ហើយកែតម្រូវរៀងរាល់ពីរសប្ដាហ៍។"],
    "en": ["I ran a joint meeting with the provincial health department to fix a service bottleneck.",
           "My team tested small fixes and adjusted them every two weeks."],
}


@dataclass(frozen=True, slots=True)
class DemoCohortSpec:
    course_id: int
    shortname: str
    fullname: str
    start: datetime
    end: datetime
    size: int


DEMO_COHORTS = (
    DemoCohortSpec(9_001, "DEMO-LIP-C5", "Synthetic LIP Cohort 5", datetime(2023, 3, 5, 17, tzinfo=UTC),
                   datetime(2023, 9, 28, 17, tzinfo=UTC), 165),
    DemoCohortSpec(9_002, "DEMO-LIP-C6", "Synthetic LIP Cohort 6", datetime(2024, 3, 3, 17, tzinfo=UTC),
                   datetime(2024, 10, 30, 17, tzinfo=UTC), 180),
    DemoCohortSpec(9_003, "DEMO-LIP-HFD", "Synthetic LIP Health Facility Directors",
                   datetime(2025, 2, 2, 17, tzinfo=UTC), datetime(2025, 5, 18, 17, tzinfo=UTC), 160),
)


FOLLOWUP_OPENS_DAYS = 182
FOLLOWUP_CLOSES_DAYS = 224
OPEN_SINCE_DAYS = 3
CAMBODIA_MIDNIGHT_UTC = time(17, 0)  # 00:00 in Phnom Penh (UTC+7) is 17:00 UTC the day before


def demo_cohorts(now: datetime) -> tuple[DemoCohortSpec, ...]:
    """:data:`DEMO_COHORTS` with the last one moved so that its follow-up opened three days before ``now``.

    It ends at midnight in Cambodia ``182 + 3`` days before ``now`` and keeps its
    length; its follow-up (182 to 224 days after the end) is then open from three
    days ago for six more weeks.
    """
    last = DEMO_COHORTS[-1]
    end_day = (now - timedelta(days=FOLLOWUP_OPENS_DAYS + OPEN_SINCE_DAYS)).date()
    end = datetime.combine(end_day, CAMBODIA_MIDNIGHT_UTC, tzinfo=UTC) - timedelta(days=1)
    return (*DEMO_COHORTS[:-1], replace(last, start=end - (last.end - last.start), end=end))


@dataclass(frozen=True, slots=True)
class DemoSummary:
    cohorts: int
    participants: int
    responses: int
    answers: int


def scope_is_synthetic(session: Session, cohorts: Sequence[Cohort]) -> bool:
    """True when every cohort belongs to the demo program, or any participant is marked synthetic.

    Participants are marked with ``extra_fields["synthetic"]`` (the generator sets it),
    so simulated people mixed into a real store still label every output that shows them.
    """
    if not cohorts:
        return False
    codes = session.scalars(
        select(Program.code).join(Cohort, Cohort.program_id == Program.id)
        .where(Cohort.id.in_([c.id for c in cohorts]))
    ).all()
    if len(codes) == len(cohorts) and all(code == DEMO_PROGRAM_CODE for code in codes):
        return True
    extras = session.scalars(
        select(Participant.extra_fields).join(Enrolment, Enrolment.participant_id == Participant.id)
        .where(Enrolment.cohort_id.in_([c.id for c in cohorts]))
    ).all()
    return any(bool((extra or {}).get("synthetic")) for extra in extras)


def _rng_items(rng: np.random.Generator, theta: np.ndarray, instrument: Instrument, shift: float) -> np.ndarray:
    """Item answers (participants x scored items) on the instrument's own keying."""
    columns = []
    for item in instrument.scored_items:
        offset = SUBSCALE_OFFSET.get(item.subscale or "", 0.0)
        latent = 3 + LOADING * theta + offset + shift + rng.normal(0, NOISE, len(theta))
        value = np.clip(np.rint(latent), 1, 5)
        columns.append(6 - value if item.reverse else value)
    answers = np.column_stack(columns)
    answers[rng.random(answers.shape) < ITEM_MISSING] = np.nan
    return answers


def build_demo_program(session: Session, instruments_directory, *, seed: int = 2024,
                       now: datetime | None = None) -> DemoSummary:
    """Create the synthetic program in the store (refuses to run twice); ``now`` dates the last cohort."""
    if session.scalar(select(Program.id).where(Program.code == DEMO_PROGRAM_CODE)) is not None:
        raise Conflict("the synthetic demo program already exists in this database; "
                       "use a fresh database (or another --out folder for the embedded default)")
    rng = np.random.default_rng(seed)
    register_directory(session, instruments_directory, actor="demo")
    versions = {v.instrument_key: v for v in session.scalars(select(InstrumentVersion))}
    inst = {key: instrument_of(v) for key, v in versions.items()}
    program = Program(code=DEMO_PROGRAM_CODE, name="Leadership and Innovation Program (SYNTHETIC DEMO DATA)")
    session.add(program)
    session.flush()
    user_id = DEMO_USER_ID_BASE
    n_people = n_responses = n_answers = 0
    answer_rows: list[dict] = []
    specs = demo_cohorts(now or datetime.now(UTC))
    for spec in specs:
        cohort = Cohort(program_id=program.id, moodle_course_id=spec.course_id, shortname=spec.shortname,
                        fullname=spec.fullname, idnumber=spec.shortname, start_at=spec.start, end_at=spec.end)
        session.add(cohort)
        session.flush()
        waves = {
            "pre": (spec.start - timedelta(days=10), spec.start + timedelta(days=7),
                    ["lip-leadership-behaviour"]),
            "post": (spec.end - timedelta(days=3), spec.end + timedelta(days=21),
                     ["lip-leadership-behaviour", "lip-leadership-behaviour-retro", "lip-reaction"]),
            "followup": (spec.end + timedelta(days=FOLLOWUP_OPENS_DAYS),
                         spec.end + timedelta(days=FOLLOWUP_CLOSES_DAYS),
                         ["lip-leadership-behaviour", "lip-followup-application"]),
        }
        wave_rows = {}
        for kind, (opens, closes, keys) in waves.items():
            wave = Wave(cohort_id=cohort.id, kind=WaveKind(kind), opens_at=opens, closes_at=closes,
                        opened_at=opens)
            wave.instruments = [WaveInstrument(instrument_version_id=versions[k].id, position=i)
                                for i, k in enumerate(keys)]
            session.add(wave)
            wave_rows[kind] = wave
        session.flush()
        theta = rng.normal(0, 1, spec.size)
        lost = rng.random(spec.size) < 1 / (1 + np.exp(1.3 + 0.6 * theta))
        skipped_post = rng.random(spec.size) < 0.06
        skipped_pre = rng.random(spec.size) < 0.04
        languages = np.where(rng.random(spec.size) < 0.8, "km", "en")
        people = []
        for i in range(spec.size):
            user_id += 1
            people.append(Participant(
                moodle_user_id=user_id, username=f"demo.{user_id}",
                firstname=str(rng.choice(FIRST_NAMES)), lastname=str(rng.choice(LAST_NAMES)),
                email=f"demo.{user_id}@example.invalid", language=str(languages[i]),
                ministry=str(rng.choice(MINISTRIES, p=[.25, .2, .15, .12, .1, .1, .08])),
                province=str(rng.choice(PROVINCES)),
                extra_fields={"synthetic": True}))
        session.add_all(people)
        session.flush()
        session.add_all([Enrolment(participant_id=p.id, cohort_id=cohort.id) for p in people])
        session.add_all([Completion(cohort_id=cohort.id, participant_id=p.id, completed=bool(rng.random() < 0.97),
                                    completed_at=spec.end) for p in people])
        behaviour = inst["lip-leadership-behaviour"]
        plan = {
            "pre": [("lip-leadership-behaviour", _rng_items(rng, theta, behaviour, TRUE_SHIFT["pre"]))],
            "post": [
                ("lip-leadership-behaviour", _rng_items(rng, theta, behaviour, TRUE_SHIFT["post"])),
                ("lip-leadership-behaviour-retro",
                 _rng_items(rng, theta, inst["lip-leadership-behaviour-retro"], RETRO_BIAS)),
                ("lip-reaction", _rng_items(rng, theta * 0.5 + 1.0, inst["lip-reaction"], 0.0)),
            ],
            "followup": [
                ("lip-leadership-behaviour", _rng_items(rng, theta, behaviour, TRUE_SHIFT["followup"])),
                ("lip-followup-application",
                 _rng_items(rng, theta * 0.6 + 0.4, inst["lip-followup-application"], 0.0)),
            ],
        }
        for kind, wave in wave_rows.items():
            takes_part = {"pre": ~skipped_pre, "post": ~skipped_post, "followup": ~lost}[kind]
            opens = waves[kind][0]
            submitted_at = opens + timedelta(days=2)
            responses = [
                Response(participant_id=p.id, wave_id=wave.id, status=ResponseStatus.SUBMITTED,
                         language=p.language, channel="lti" if kind != "followup" else "link",
                         consent_at=submitted_at, started_at=submitted_at, submitted_at=submitted_at)
                for p, ok in zip(people, takes_part, strict=True) if ok
            ]
            session.add_all(responses)
            session.flush()
            index = {r.participant_id: r.id for r in responses}
            for key, matrix in plan[kind]:
                instrument, version_id = inst[key], versions[key].id
                scored = instrument.scored_items
                for row, person in enumerate(people):
                    response_id = index.get(person.id)
                    if response_id is None:
                        continue
                    for col, item in enumerate(scored):
                        value = matrix[row, col]
                        if not np.isnan(value):
                            answer_rows.append({"response_id": response_id, "instrument_version_id": version_id,
                                                "item_key": item.id, "value_number": float(value),
                                                "value_text": None})
                    answer_rows.extend(_other_answers(rng, instrument, response_id, version_id, person.language))
            n_responses += len(responses)
        n_people += len(people)
    for start in range(0, len(answer_rows), 5000):
        session.execute(insert(Answer), answer_rows[start:start + 5000])
    n_answers = len(answer_rows)
    session.flush()
    add_demo_raters(session, program)  # supervisors and colleagues: a smaller true change than self-rated
    # the training-needs assessment before each cohort (issue 17), from its own random generator
    needs = add_demo_needs(session, list(session.scalars(select(Cohort).where(Cohort.program_id == program.id)
                                                         .order_by(Cohort.id))), seed=seed)
    return DemoSummary(cohorts=len(specs), participants=n_people, responses=n_responses + needs.responses,
                       answers=n_answers + needs.answers)


def _other_answers(rng: np.random.Generator, instrument: Instrument, response_id: int, version_id: int,
                   language: str) -> list[dict]:
    """Yes/no, choice and free-text answers (not part of the scored items)."""
    rows = []
    for item in instrument.items:
        value_number: float | None = None
        value_text: str | None = None
        if item.type == "yes_no":
            value_number = float(rng.random() < 0.86)
        elif item.type == "choice":
            value_number = float(rng.choice([o.value for o in item.options]))
        elif item.type == "text" and rng.random() < 0.6:
            pool = EXAMPLES if item.id == "example" else MOST_USEFUL
            value_text = str(rng.choice(pool[language]))
        else:
            continue
        rows.append({"response_id": response_id, "instrument_version_id": version_id, "item_key": item.id,
                     "value_number": value_number, "value_text": value_text})
    return rows

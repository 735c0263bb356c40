"""A cohort with a needs assessment and pre/post behaviour answers whose needs are known by hand.

Twelve students: P0-P6 in the Ministry of Health, P7-P11 in the Ministry of
Education; position level 3 (director of department) for P0-P4, 5 for P5-P6,
4 for the Education five. Every competency k is rated importance 5 (even i) or
4 (odd i), and competence ``COMPETENCE[k]``, so Ibar = 4.5 and
MWDS_k = 4.5 x (4.5 - COMPETENCE[k]): conflict management 15.75 first, then
problem solving (PDIA) and problem analysis tied at 11.25. P11 left the
competence of digital government blank. P10 answered the needs assessment in
the pre wave instead; P9 answered it in both waves, the pre one with every
importance 1 (the needs wave must win). Behaviour subscales improve from pre to
post by ``INCREMENTS`` item points (out of 5 items), largest for conflict management.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lipassess.store.models import Cohort
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

COMPETENCIES = ("adaptive_leadership", "communication", "conflict_management", "problem_solving_pdia",
                "cross_sector_collaboration", "self_awareness_wellbeing", "problem_analysis", "digital_government",
                "managing_change")
COMPETENCE = dict(zip(COMPETENCIES, (4, 3, 1, 2, 4, 3, 2, 3, 4), strict=True))
INCREMENTS = {"adaptive_leadership": 1, "communication": 3, "conflict_management": 8, "problem_solving_pdia": 5,
              "cross_sector_collaboration": 2, "self_awareness_wellbeing": 3}
HEALTH, EDUCATION = "Ministry of Health", "Ministry of Education"


def needs_answers(i: int, *, importance: int | None = None) -> dict[str, Any]:
    answers: dict[str, Any] = {"position_level": 3 if i < 5 else 5 if i < 7 else 4}
    for competency in COMPETENCIES:
        answers[f"{competency}_importance"] = importance or (5 if i % 2 == 0 else 4)
        answers[f"{competency}_competence"] = COMPETENCE[competency]
    if i == 11:
        del answers["digital_government_competence"]
    return answers


def behaviour_answers(instrument: Any, i: int, *, post: bool) -> dict[str, int]:
    answers = {}
    for subscale in instrument.subscales:
        increment = INCREMENTS[subscale.id] if post else 0
        for j, item_id in enumerate(subscale.items):
            value = 1 + i % 2 + increment // 5 + (1 if j < increment % 5 else 0)
            if post and j == 0 and i % 3 == 0:
                value += 1  # some people gain more: the change varies
            value = min(value, 5)
            answers[item_id] = 6 - value if instrument.item(item_id).reverse else value
    return answers


def build_needs_cohort(session: Session, *, course_id: int = 3, with_post: bool = True) -> Cohort:
    """The cohort above (committed by the caller)."""
    from lipassess.services.instruments import instrument_of

    versions = bundled_versions(session)
    needs_v, behaviour_v = versions["lip-needs-assessment"], versions["lip-leadership-behaviour"]
    behaviour = instrument_of(behaviour_v)
    cohort = make_cohort(session, course_id=course_id, shortname=f"LIP-N{course_id}")
    needs_wave = make_wave(session, cohort, "needs", [needs_v])
    pre = make_wave(session, cohort, "pre", [behaviour_v, needs_v])
    post = make_wave(session, cohort, "post", [behaviour_v])
    for i in range(12):
        person = make_participant(session, course_id * 100 + i, cohort, ministry=HEALTH if i < 7 else EDUCATION,
                                  province="Phnom Penh")
        pre_answers: dict[Any, dict[str, Any]] = {behaviour_v: behaviour_answers(behaviour, i, post=False)}
        if i == 10:
            pre_answers[needs_v] = needs_answers(i)
        else:
            submit(session, person, needs_wave, {needs_v: needs_answers(i)})
        if i == 9:
            pre_answers[needs_v] = needs_answers(i, importance=1)
        submit(session, person, pre, pre_answers)
        if with_post:
            submit(session, person, post, {behaviour_v: behaviour_answers(behaviour, i, post=True)})
    return cohort

"""A small, fully known world for the staff pages: two cohorts, three staff roles, answers.

Cohort A ("LIP-A") has 12 participants who answered the behaviour scale at
pre, post and follow-up (10 of them at follow-up, with the application
question); 8 work at Health, 3 at Interior, 1 at Planning. Cohort B ("LIP-B")
has 6 participants with pre answers only. Answers vary between people and
items so that every statistic can run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lipassess.services import staff as staff_service
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

ITEMS = [f"{p}{i}" for p in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]
REVERSED = {"AL4", "CM3", "CF2", "PD5", "CS4", "SW3"}
STAFF = {"ana": "admin", "eva": "evaluator", "max": "manager"}
PASSWORD = "{}-password-123"
MINISTRIES = ["Health"] * 8 + ["Interior"] * 3 + ["Planning"]


def answers(person: int, shift: int) -> dict[str, int]:
    """Item answers in 1..5 that differ between people and items; ``shift`` raises every answer."""
    return {item: max(1, min(5, 1 + (person * 3 + i * 2 + (person * i) % 3) % 4 + shift))
            for i, item in enumerate(ITEMS)}


def build_world(session: Session) -> dict[str, Any]:
    """Create cohorts A and B, their waves and answers, and the staff accounts; commit."""
    versions = bundled_versions(session)
    behaviour = versions["lip-leadership-behaviour"]
    application = versions["lip-followup-application"]
    a = make_cohort(session, 3, "LIP-A", fullname="LIP Cohort A")
    b = make_cohort(session, 4, "LIP-B", fullname="LIP Cohort B")
    pre = make_wave(session, a, "pre", [behaviour])
    post = make_wave(session, a, "post", [behaviour])
    followup = make_wave(session, a, "followup", [behaviour, application])
    people = []
    for k in range(12):
        person = make_participant(session, 1000 + k, a, ministry=MINISTRIES[k], province="Kampot",
                                  firstname=f"Secret{k}", lastname="Name", email=f"secret{k}@example.org")
        people.append(person)
        submit(session, person, pre, {behaviour: answers(k, 0)})
        submit(session, person, post, {behaviour: answers(k, 1 if k % 4 else 0)})
        if k < 10:
            submit(session, person, followup, {behaviour: answers(k, 1 if k % 3 else 0),
                                               application: {"applied_any": 1 if k % 5 else 0}})
    b_pre = make_wave(session, b, "pre", [behaviour])
    for k in range(6):
        person = make_participant(session, 2000 + k, b, ministry="Health")
        submit(session, person, b_pre, {behaviour: answers(k, 0)})
    for name, role in STAFF.items():
        staff_service.add_staff_user(session, username=name, role=role, password=PASSWORD.format(name))
    session.commit()
    return {"a": a.id, "b": b.id, "participant": people[0].id, "pseudonyms": [p.pseudonym for p in people],
            "a_name": a.fullname, "b_name": b.fullname}


def sign_in(client: Any, name: str) -> Any:
    return client.post("/staff/login", data={"username": name, "password": PASSWORD.format(name)})


def as_lti_instructor(client: Any, cohort_id: int) -> None:
    """The session an LTI instructor launch leaves: evaluator of ``cohort_id`` only (kept in the store)."""
    from lipassess import db
    from lipassess.services.staff_sessions import open_lti_session
    from lipassess.store.types import utcnow
    from lipassess.web.auth import SESSION_KEY

    with db.session_factory(client.application)() as session:
        key = open_lti_session(session, moodle_user_id=47, cohort_id=cohort_id, display_name="Instructor",
                               now=utcnow())
        session.commit()
    with client.session_transaction() as browser:
        browser[SESSION_KEY] = key


def as_participant(client: Any, participant_id: int) -> None:
    """The session a participant's survey launch leaves (no staff sign-in)."""
    with client.session_transaction() as browser:
        browser["participant_id"] = participant_id

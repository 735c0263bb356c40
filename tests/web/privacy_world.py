"""A cohort with a one-person ministry, for the manager privacy matrix (issue 12, point 2).

21 participants answered the behaviour scale at pre and post, and the
training-needs assessment: 9 work at Health, 6 at Education, 5 at Interior and
1 at Planning; 15 live in Kampot, 6 in Takeo. Four were lost before the
follow-up, among them the one at Planning.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from lipassess.services import staff as staff_service
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit
from tests.needs_world import needs_answers
from tests.web.staff_world import PASSWORD, STAFF, answers

MINISTRIES = ["Health"] * 9 + ["Education"] * 6 + ["Interior"] * 5 + ["Planning"]
PROVINCES = ["Takeo"] * 6 + ["Kampot"] * 15
LOST = {3, 9, 16, 20}  # 20 is the one at Planning
SIZES = {"ministry": {m: MINISTRIES.count(m) for m in MINISTRIES},
         "province": {p: PROVINCES.count(p) for p in PROVINCES}}
"""People per group (everybody answered pre and post, so also pairs and baseline rows)."""


def build_privacy_world(factory: sessionmaker[Session]) -> dict[str, Any]:
    """Create the cohort, its waves and answers, the staff accounts and their API tokens; commit."""
    with factory() as session:
        versions = bundled_versions(session)
        behaviour = versions["lip-leadership-behaviour"]
        application = versions["lip-followup-application"]
        cohort = make_cohort(session, 7, "LIP-P", fullname="LIP Privacy")
        pre = make_wave(session, cohort, "pre", [behaviour])
        post = make_wave(session, cohort, "post", [behaviour])
        followup = make_wave(session, cohort, "followup", [behaviour, application])
        needs = make_wave(session, cohort, "needs", [versions["lip-needs-assessment"]])
        for k, (ministry, province) in enumerate(zip(MINISTRIES, PROVINCES, strict=True)):
            person = make_participant(session, 3000 + k, cohort, ministry=ministry, province=province)
            submit(session, person, pre, {behaviour: answers(k, 0)})
            submit(session, person, needs, {versions["lip-needs-assessment"]: needs_answers(k)})
            submit(session, person, post, {behaviour: answers(k, 1 if k % 4 else 0)})
            if k not in LOST:
                submit(session, person, followup, {behaviour: answers(k, 1 if k % 3 else 0),
                                                   application: {"applied_any": 1 if k % 5 else 0}})
        tokens = {}
        for name, role in STAFF.items():
            user = staff_service.add_staff_user(session, username=name, role=role, password=PASSWORD.format(name))
            tokens[name] = staff_service.issue_api_token(session, user)
        session.commit()
        return {"cohort": cohort.id, "tokens": tokens}

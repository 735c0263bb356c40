"""The dashboard service: retention, response curves, visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lipassess.services import dashboard
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.store.models import Program, Response, ResponseStatus
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

OPENS = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def cohort_world(app, session):
    """Cohort with 5 active students: pre answered by 4 (on days 0, 1, 1 and 6), follow-up by 2 of them."""
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    cohort = make_cohort(session, 5, "LIP-S")
    pre = make_wave(session, cohort, "pre", [behaviour], opens_at=OPENS)
    followup = make_wave(session, cohort, "followup", [behaviour], opens_at=OPENS + timedelta(days=200))
    make_wave(session, cohort, "post", [behaviour])  # not opened: no date, no answers
    people = [make_participant(session, 500 + k, cohort) for k in range(5)]
    for person, day in zip(people[:4], (0.25, 1, 1, 6), strict=True):
        response = submit(session, person, pre, {behaviour: {"AL1": 3}})
        response.submitted_at = OPENS + timedelta(days=day)
    for person in people[:2]:
        submit(session, person, followup, {behaviour: {"AL1": 4}})
    started = Response(participant_id=people[4].id, wave_id=pre.id, status=ResponseStatus.DRAFT)
    session.add(started)
    session.commit()
    return cohort


@pytest.mark.postgres
def test_retention_and_overview(session, cohort_world) -> None:
    retention = dashboard.retention(session, cohort_world)
    assert (retention.n_pre, retention.n_retained, retention.rate) == (4, 2, 0.5)
    [overview] = dashboard.cohort_overviews(session, [cohort_world])
    assert overview.active_students == 5 and not overview.synthetic
    assert overview.wave("pre").submitted == 4 and overview.wave("pre").started == 5
    assert overview.wave("pre").response_rate == 4 / 5


@pytest.mark.postgres
def test_response_curves(session, cohort_world) -> None:
    curves = {c.kind: c for c in dashboard.response_curves(session, cohort_world)}
    assert list(curves) == ["pre", "post", "followup"]
    assert curves["pre"].points == ((0.0, 0.0), (0.25, 0.2), (1.0, 0.6), (6.0, 0.8))
    assert curves["post"].points == ()  # not opened yet
    # the factory submits on 30 Oct 2024 17:00 UTC, 43 days and 9 hours after this wave opened
    assert curves["followup"].points == ((0.0, 0.0), (43.375, 0.4))


def test_visibility_and_synthetic_flag(session, cohort_world) -> None:
    other = make_cohort(session, 6, "LIP-T")
    demo = Program(code="LIP-DEMO", name="demo")
    session.add(demo)
    session.flush()
    other.program_id = demo.id
    session.flush()
    assert [c.shortname for c in dashboard.visible_cohorts(session, None)] == ["LIP-S", "LIP-T"]
    assert [c.shortname for c in dashboard.visible_cohorts(session, {other.id})] == ["LIP-T"]
    assert scope_is_synthetic(session, [other]) and not scope_is_synthetic(session, [cohort_world])
    assert not scope_is_synthetic(session, [other, cohort_world])
    with pytest.raises(Exception, match="no cohort with id 999"):
        dashboard.get_cohort(session, 999)

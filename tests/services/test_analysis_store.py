"""Stored analyses: the data fingerprint, freshness, signatures, refresh; rows shared by every host."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from lipassess import create_app, db
from lipassess.services import analyses, analysis_store
from lipassess.services.data_version import cohort_versions
from lipassess.store.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Participant,
    Response,
    ResponseStatus,
    StoredAnalysis,
    Wave,
)
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit
from tests.web.staff_world import ITEMS

pytestmark = pytest.mark.postgres


def answers(person: int, shift: int) -> dict[str, int]:
    """Every item of the behaviour scale, in 1..5, varying by person and item; ``shift`` raises them."""
    return {item: max(1, min(5, 1 + (person * 3 + i * 2 + (person * i) % 3) % 4 + shift))
            for i, item in enumerate(ITEMS)}


@pytest.fixture
def world(app, session):
    """Two cohorts of six students; pre and post answered by all but the last of cohort A."""
    behaviour = bundled_versions(session)["lip-leadership-behaviour"]
    out = {"behaviour": behaviour}
    for label, course in (("a", 31), ("b", 32)):
        cohort = make_cohort(session, course, f"LIP-{label.upper()}")
        pre = make_wave(session, cohort, "pre", [behaviour])
        post = make_wave(session, cohort, "post", [behaviour])
        people = [make_participant(session, course * 100 + k, cohort, ministry="Health") for k in range(6)]
        for k, person in enumerate(people):
            submit(session, person, pre, {behaviour: answers(k, 0)})
            if not (label == "a" and k == 5):
                submit(session, person, post, {behaviour: answers(k, 1 + k % 2)})
        out[label] = cohort
        out[f"{label}_people"] = people
        out[f"{label}_post"] = post
    session.commit()
    return out


def test_the_fingerprint_changes_with_every_input_and_only_for_its_cohort(session, world) -> None:
    a, b = world["a"].id, world["b"].id
    before = cohort_versions(session, [a, b])
    assert before == cohort_versions(session, [a, b]) and before[a] != before[b]
    last = world["a_people"][5]
    draft = Response(participant_id=last.id, wave_id=world["a_post"].id, status=ResponseStatus.DRAFT)
    session.add(draft)
    session.commit()
    with_draft = cohort_versions(session, [a, b])
    assert with_draft[a] != before[a] and with_draft[b] == before[b]
    # A submission is seen even when the writing host's clock put updated_at back where it was.
    stamp = session.scalar(select(Response.updated_at).where(Response.id == draft.id))
    draft.status = ResponseStatus.SUBMITTED
    session.flush()
    session.execute(update(Response).where(Response.id == draft.id).values(updated_at=stamp))
    session.commit()
    assert cohort_versions(session, [a])[a] != with_draft[a]
    steps = [
        lambda: session.execute(update(Enrolment).where(Enrolment.participant_id == last.id)
                                .values(status=EnrolmentStatus.SUSPENDED, updated_at=datetime.now(UTC))),
        lambda: session.execute(update(Participant).where(Participant.id == last.id)
                                .values(province="Kampot", updated_at=datetime.now(UTC))),
        lambda: session.add(Completion(cohort_id=a, participant_id=last.id, completed=True)),
        lambda: session.execute(update(Wave).where(Wave.id == world["a_post"].id)
                                .values(closes_at=datetime(2030, 1, 1, tzinfo=UTC), updated_at=datetime.now(UTC))),
    ]
    seen = {cohort_versions(session, [a])[a]}
    for step in steps:
        step()
        session.commit()
        version = cohort_versions(session, [a, b])
        assert version[a] not in seen and version[b] == before[b]
        seen.add(version[a])
    assert cohort_versions(session, []) == {}


def test_a_submission_makes_the_stored_result_stale(session, world, computed) -> None:
    cohorts = [world["a"]]
    first = analyses.evaluation(session, cohorts)
    session.commit()
    again = analyses.evaluation(session, cohorts)
    assert (first.from_store, again.from_store) == (False, True) and computed == ["LIP-A"]
    assert again.computed_at == first.computed_at
    assert again.value.analysis.to_dict() == first.value.analysis.to_dict()
    pairs = again.value.analysis.outcomes["total"].pre_post.n_obs
    assert pairs == 5
    submit(session, world["a_people"][5], world["a_post"], {world["behaviour"]: answers(5, 2)})
    session.commit()
    fresh = analyses.evaluation(session, cohorts)
    assert not fresh.from_store and computed == ["LIP-A", "LIP-A"]
    assert fresh.value.analysis.outcomes["total"].pre_post.n_obs == 6
    assert fresh.computed_at > first.computed_at
    assert session.scalar(select(StoredAnalysis.computed_at).where(StoredAnalysis.kind == "evaluation")) \
        == fresh.computed_at  # replaced in place: one row per kind and scope


def test_another_host_reads_what_one_host_stored(app, session, world, computed, database_url) -> None:
    analyses.evaluation(session, [world["b"]])
    session.commit()
    other = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                        "SECRET_KEY": "test-secret-key-" + "x" * 32})
    try:
        with db.session_factory(other)() as elsewhere:
            cohort = elsewhere.get(type(world["b"]), world["b"].id)
            found = analyses.evaluation(elsewhere, [cohort])
        assert found.from_store and computed == ["LIP-B"]
    finally:
        db.engine_for(other).dispose()


def test_a_row_that_does_not_verify_is_computed_again(app, session, world, computed, database_url) -> None:
    analyses.evaluation(session, [world["b"]])
    session.commit()
    session.execute(update(StoredAnalysis).values(signature="0" * 64))  # written without the secret
    session.commit()
    assert not analyses.evaluation(session, [world["b"]]).from_store
    session.commit()
    other = create_app({"ENV": "testing", "TESTING": True, "DATABASE_URL": database_url,
                        "SECRET_KEY": "another-secret-key-" + "y" * 32})
    try:
        with db.session_factory(other)() as elsewhere:
            assert not analyses.evaluation(elsewhere, [elsewhere.get(type(world["b"]), world["b"].id)]).from_store
    finally:
        db.engine_for(other).dispose()
    assert computed == ["LIP-B"] * 3


def test_results_of_other_code_are_computed_again(session, world, computed, monkeypatch) -> None:
    analyses.evaluation(session, [world["b"]])
    session.commit()
    monkeypatch.setattr(analysis_store, "code_version", lambda: "a later release")
    assert not analyses.evaluation(session, [world["b"]]).from_store
    assert computed == ["LIP-B", "LIP-B"]


def test_figures_are_computed_again_when_a_wave_closes(session, world) -> None:
    post = world["b_post"]
    post.closes_at = datetime.now(UTC) + timedelta(seconds=2)
    session.commit()
    scope = [world["b"]]
    before = analyses.figures(session, scope, scope=scope, min_group_size=5)
    session.commit()
    assert analyses.figures(session, scope, scope=scope, min_group_size=5).from_store
    session.execute(update(Wave).where(Wave.id == post.id)
                    .values(closes_at=datetime.now(UTC) - timedelta(seconds=1), updated_at=post.updated_at))
    session.commit()
    after = analyses.figures(session, scope, scope=scope, min_group_size=5)
    assert not after.from_store and after.computed_at > before.computed_at


def test_refresh_computes_what_changed_and_nothing_else(session, world, computed) -> None:
    first = analyses.refresh(session, min_group_size=5)
    session.commit()
    assert [(r.scope, r.computed) for r in first] == [("LIP-A", True), ("LIP-B", True), ("program", True)]
    assert sorted(computed) == ["LIP-A", "LIP-B", "program"]
    assert not any(r.computed for r in analyses.refresh(session, min_group_size=5))
    submit(session, world["a_people"][5], world["a_post"], {world["behaviour"]: answers(5, 2)})
    session.commit()
    again = analyses.refresh(session, min_group_size=5)
    session.commit()
    assert [(r.scope, r.computed) for r in again] == [("LIP-A", True), ("LIP-B", False), ("program", True)]
    # what refresh stored is what the pages ask for: they compute nothing
    del computed[:]
    cohorts = [world["a"], world["b"]]
    pooled, program = analyses.evaluation_and_figures(session, None, scope=cohorts, min_group_size=5)
    assert pooled.from_store and program.from_store and pooled.value.analysis.scope == "program"
    assert analyses.figures(session, None, scope=cohorts, min_group_size=5).from_store
    assert analyses.figures(session, [world["a"]], scope=[world["a"]], min_group_size=5).from_store
    cohort_a = analyses.evaluation(session, [world["a"]])
    assert cohort_a.from_store and cohort_a.value.analysis.scope == "LIP-A"
    assert cohort_a.value.analysis.outcomes["total"].pre_post.n_obs == 6
    assert computed == []


def test_one_analysis_gives_a_dashboard_both_its_evaluation_and_its_figures(session, world, computed) -> None:
    scope = [world["b"]]
    evaluation, figures = analyses.evaluation_and_figures(session, scope, scope=scope, min_group_size=5)
    assert not evaluation.from_store and evaluation.computed_at == figures.computed_at and computed == ["LIP-B"]
    session.commit()
    assert analyses.evaluation(session, scope).from_store
    assert analyses.figures(session, scope, scope=scope, min_group_size=5).from_store
    assert figures.value.n_pre == 6 and evaluation.value.analysis.n_participants == 6
    assert computed == ["LIP-B"]

"""Store -> frames -> evaluation, with scores worked by hand."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose
from sqlalchemy import select

from lipassess.errors import NotFound
from lipassess.services.cohorts import resolve_cohort
from lipassess.services.dataset import behaviour_outcomes, load_dataset
from lipassess.services.evaluation import evaluate
from lipassess.store.models import EnrolmentStatus, Participant, ResponseStatus
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

pytestmark = pytest.mark.postgres

ITEM_IDS = [f"{prefix}{i}" for prefix in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]
REVERSED = {"AL4", "CM3", "CF2", "PD5", "CS4", "SW3"}


def answers(value: int, **overrides: int) -> dict[str, int]:
    base = {item: value for item in ITEM_IDS}
    base.update(overrides)
    return base


@pytest.fixture
def cohort_with_answers(session):
    versions = bundled_versions(session)
    cohort = make_cohort(session, 3, "LIP-C6-2024")
    behaviour, retro = versions["lip-leadership-behaviour"], versions["lip-leadership-behaviour-retro"]
    pre = make_wave(session, cohort, "pre", [behaviour])
    post = make_wave(session, cohort, "post", [behaviour, retro])
    people = [make_participant(session, uid, cohort, ministry=m) for uid, m in
              [(19, "ក្រសួងសុខាភិបាល"), (20, "Interior"), (21, "Interior"), (22, "Health")]]
    make_participant(session, 32, cohort, status=EnrolmentStatus.SUSPENDED)  # never answered
    # Participant 19: all 3 at pre, except AL4 (reversed) answered 1 -> keyed 5.
    submit(session, people[0], pre, {behaviour: answers(3, AL4=1)})
    submit(session, people[0], post, {behaviour: answers(4), retro: answers(2)})
    submit(session, people[1], pre, {behaviour: answers(2)})
    submit(session, people[1], post, {behaviour: answers(3), retro: answers(2)})
    submit(session, people[2], pre, {behaviour: answers(4)})
    # A draft never counts.
    draft = submit(session, people[3], pre, {behaviour: answers(5)})
    draft.status = ResponseStatus.DRAFT
    session.commit()
    return cohort


def test_scores_are_means_of_reverse_keyed_items(session, cohort_with_answers) -> None:
    dataset = load_dataset(session, [cohort_with_answers])
    assert len(dataset.profile) == 5 and dataset.scope == "LIP-C6-2024"
    outcomes = {o.name: o for o in behaviour_outcomes(dataset)}
    person = session.scalar(select(Participant.pseudonym).where(Participant.moodle_user_id == 19))
    al = outcomes["adaptive_leadership"].scores
    # AL1-AL3, AL5 = 3 and AL4 = 1 reversed to 5 -> (3*4 + 5) / 5 = 3.4
    assert_allclose(al.loc[person, "pre"], 3.4)
    # Reversed items answered 4 at post are keyed 2: each subscale (4*4 + 2) / 5 = 3.6
    assert_allclose(al.loc[person, "post"], 3.6)
    # Total pre: 29 items... AL4 keyed 5, other reversed answered 3 keyed 3: (3*29 + 5) / 30
    assert_allclose(outcomes["total"].scores.loc[person, "pre"], (3 * 29 + 5) / 30)
    # Retro form answered 2 everywhere: reversed keyed 4 -> (2*4 + 4) / 5 = 2.4 per subscale
    assert_allclose(al.loc[person, "retro_pre"], 2.4)
    assert outcomes["total"].scores["pre"].notna().sum() == 3  # the draft is not counted


def test_evaluate_reports_missing_with_reasons(session, cohort_with_answers) -> None:
    result = evaluate(load_dataset(session, [cohort_with_answers]))
    total = result.outcomes["total"]
    assert total.pre_post.n_obs == 2
    assert total.n_by_wave["pre"] == 3
    assert "follow-up" in total.missing["repeated"]
    assert "follow-up wave has no answers" in result.missing["attrition"]


def test_resolve_cohort_by_id_or_shortname(session, cohort_with_answers) -> None:
    assert resolve_cohort(session, "3").id == cohort_with_answers.id
    assert resolve_cohort(session, "LIP-C6-2024").id == cohort_with_answers.id
    with pytest.raises(NotFound, match="lipassess sync"):
        resolve_cohort(session, "LIP-C99")


def test_analyze_cohort_command(run_cli, cohort_with_answers) -> None:
    import json

    text = run_cli("analyze", "cohort", "LIP-C6-2024")
    assert text.exit_code == 0, text
    assert text.out.startswith("LIP-C6-2024: 5 participants")
    as_json = run_cli("analyze", "cohort", "3", "--json")
    data = json.loads(as_json.out)
    assert data["outcomes"]["total"]["pre_post"]["n_obs"] == 2
    assert data["attrition"] is None
    unknown = run_cli("analyze", "cohort", "LIP-C99")
    assert unknown.exit_code == 2 and unknown.err.startswith("error: no cohort")


def test_supervisor_ratings_are_not_taken_for_the_retrospective_pretest(session) -> None:
    versions = bundled_versions(session)
    cohort = make_cohort(session, 4, "LIP-HFD-2025")
    behaviour, supervisor = versions["lip-leadership-behaviour"], versions["lip-supervisor-observation"]
    post = make_wave(session, cohort, "post", [behaviour, supervisor])
    person = make_participant(session, 36, cohort)
    submit(session, person, post, {behaviour: answers(4), supervisor: answers(1)})
    session.commit()
    outcomes = {o.name: o for o in behaviour_outcomes(load_dataset(session, [cohort]))}
    assert "retro_pre" not in outcomes["total"].scores.columns
    assert outcomes["total"].scores["post"].notna().sum() == 1

"""The needs assessment of a cohort in the store: the right answers, groups, the small-group rule, the loop."""

from __future__ import annotations

import pytest

from lipassess.errors import InsufficientData
from lipassess.services.needs import needs_analysis
from tests.factories import make_cohort
from tests.needs_world import EDUCATION, HEALTH, build_needs_cohort

pytestmark = pytest.mark.postgres


def test_needs_from_the_store_by_hand(session) -> None:
    cohort = build_needs_cohort(session)
    session.commit()
    result = needs_analysis(session, [cohort], min_group_size=5)
    overall = result.overall
    assert (result.scope, overall.n_respondents, overall.n_obs, result.synthetic) == ("LIP-N3", 12, 12, False)
    conflict = overall.competency("conflict_management")
    # importance 5 (6 even i) and 4 (6 odd i): Ibar 4.5; competence 1: MWDS 4.5 x 3.5 = 15.75.
    # P9's pre-wave answers (importance 1) would lower it: the needs wave wins.
    assert (conflict.n, conflict.importance_mean, conflict.competence_mean, conflict.rank) == (12, 4.5, 1.0, 1)
    assert conflict.mwds == pytest.approx(15.75)
    assert conflict.quadrant == "LH"  # every importance mean is 4.5 (or near): none is above the mean
    tied = [(r.competency, r.rank) for r in overall.competencies if r.rank == 2]
    assert tied == [("problem_solving_pdia", 2), ("problem_analysis", 2)]  # 4.5 x 2.5 = 11.25 each
    digital = overall.competency("digital_government")
    # P11 left its competence blank: 11 pairs, 6 of importance 5 and 5 of 4
    assert digital.n == 11 and digital.importance_mean == pytest.approx(50 / 11)
    assert digital.mwds == pytest.approx(50 / 11 * (50 / 11 - 3))


def test_groups_follow_the_small_group_rule(session) -> None:
    cohort = build_needs_cohort(session)
    session.commit()
    result = needs_analysis(session, [cohort], min_group_size=5)
    ministries = {g.group: g for g in result.groups["ministry"].groups}
    assert (ministries[HEALTH].n, ministries[EDUCATION].n) == (7, 5)
    positions = {g.group: (g.n, g.suppressed) for g in result.groups["position_level"].groups}
    assert positions == {3: (5, False), 4: (5, False), 5: ("<5", True)}
    pairs = {g.group: (g.n, g.suppressed) for g in result.groups["ministry_position"].groups}
    assert pairs == {(EDUCATION, 4): (5, False), (HEALTH, 3): (5, False), (HEALTH, 5): ("<5", True)}
    assert result.position_labels[3] == {"en": "Director of department", "km": "ប្រធាននាយកដ្ឋាន"}
    # managers: the group of 2 is hidden, and one more so that it cannot be worked out from the total
    managers = result.for_managers()
    hidden = [g.group for g in managers.groups["ministry_position"].groups if g.suppressed]
    assert len(hidden) == 2 and (HEALTH, 5) in hidden
    data = managers.to_dict()
    assert data["competencies"][0]["competency"] == "conflict_management"
    assert sorted(data["groups"]) == ["ministry", "ministry_position", "position_level", "province"]


def test_closing_the_loop_against_behaviour_change(session) -> None:
    cohort = build_needs_cohort(session)
    session.commit()
    loop = needs_analysis(session, [cohort], min_group_size=5).loop
    assert list(loop) == ["post"]
    post = loop["post"]
    assert post.n_obs == 6
    assert post.not_measured == ("problem_analysis", "digital_government", "managing_change")
    changes = {r.competency: r.change for r in post.rows}
    assert max(changes, key=lambda k: changes[k] if changes[k] == changes[k] else -1) == "conflict_management"
    assert post.verdict == "aligned" and post.spearman_rho > 0.9


def test_no_loop_without_post_scores_and_a_clear_error_without_needs(session) -> None:
    cohort = build_needs_cohort(session, with_post=False)
    empty = make_cohort(session, course_id=9, shortname="LIP-EMPTY")
    session.commit()
    assert needs_analysis(session, [cohort], min_group_size=5).loop == {}
    with pytest.raises(InsufficientData, match=r"nobody in LIP-EMPTY has answered the needs assessment .*--kind needs"):
        needs_analysis(session, [empty], min_group_size=5)

"""Impact figures from crafted stores: numbers copied from the analysis, reasons for every gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from numpy.testing import assert_allclose

from lipassess.reports.figures import Missing, MissingReason
from lipassess.services.dataset import load_dataset
from lipassess.services.evaluation import evaluate
from lipassess.services.impact import (
    WaveState,
    WaveStates,
    classify_missing,
    impact_figures,
    impact_report,
)
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit

pytestmark = pytest.mark.postgres

ITEMS = [f"{p}{i}" for p in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]
PAST = datetime(2024, 1, 1, tzinfo=UTC)


def answers(rng: np.random.Generator, level: float) -> dict[str, int]:
    """Item answers around ``level`` (1-5), varied so that every statistic is defined."""
    return {item: int(np.clip(round(level + rng.normal(0, 0.8)), 1, 5)) for item in ITEMS}


def build_cohort(session, versions, course_id: int, *, people: list[tuple[str, str]], shift: float = 0.6,
                 followup: bool = False, retro: bool = False, seed: int = 1, **cohort_kw):
    """A cohort whose participants (ministry, province) answer pre and post (and follow-up)."""
    rng = np.random.default_rng(seed)
    behaviour = versions["lip-leadership-behaviour"]
    cohort = make_cohort(session, course_id, **cohort_kw)
    post_versions = [behaviour, versions["lip-leadership-behaviour-retro"]] if retro else [behaviour]
    pre = make_wave(session, cohort, "pre", [behaviour], opens_at=PAST, closes_at=PAST + timedelta(days=10))
    post = make_wave(session, cohort, "post", post_versions, opens_at=PAST + timedelta(days=100),
                     closes_at=PAST + timedelta(days=120))
    fu = None
    if followup:
        fu = make_wave(session, cohort, "followup", [behaviour, versions["lip-followup-application"]],
                       opens_at=PAST + timedelta(days=300), closes_at=PAST + timedelta(days=340))
    for k, (ministry, province) in enumerate(people):
        person = make_participant(session, course_id * 1000 + k, cohort, ministry=ministry, province=province)
        level = 2.5 + rng.normal(0, 0.6)
        submit(session, person, pre, {behaviour: answers(rng, level)})
        post_answers = {behaviour: answers(rng, level + shift)}
        if retro:
            post_answers[versions["lip-leadership-behaviour-retro"]] = answers(rng, level - 0.3)
        submit(session, person, post, post_answers)
        if fu is not None and k % 4:
            submit(session, person, fu, {behaviour: answers(rng, level + shift / 2),
                                         versions["lip-followup-application"]: {"applied_any": k % 3 != 0}})
    return cohort


@pytest.fixture
def versions(session):
    return bundled_versions(session)


def test_numbers_equal_the_analysis_they_come_from(session, versions) -> None:
    people = [("Health", "Kampot")] * 7 + [("Interior", "Kampot")] * 3 + [("Health", "Takeo")] * 2
    cohort = build_cohort(session, versions, 5, people=people, followup=True, retro=True)
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    analysis = evaluate(load_dataset(session, [cohort]))
    total, fig = analysis.outcomes["total"], figures.total
    assert figures.scope_kind == "cohort" and figures.scope == cohort.fullname
    assert fig.pre_post.g_av == total.pre_post.g_av and fig.pre_post.n == total.pre_post.n_obs == 12
    assert (fig.pre_post.ci_low, fig.pre_post.ci_high) == (total.pre_post.g_av_ci_low, total.pre_post.g_av_ci_high)
    assert fig.pre_post.d_z == total.pre_post.d_z
    assert fig.pre_followup.g_av == total.pre_followup.g_av and fig.pre_followup.n == 9
    assert fig.mean_pre == total.pre_post.mean_pre and fig.mean_followup == total.pre_followup.mean_post
    assert fig.alpha("pre").alpha == total.reliability["pre"].alpha
    assert fig.alpha("pre").ci_low == total.reliability["pre"].alpha_ci_low
    assert figures.reliably_improved.share == total.change.improved.share
    assert figures.reliably_improved.count == total.change.improved.successes
    assert figures.then_test.gap == total.then_test.gap.g_av and figures.then_test.n == 12
    # applied_any yes for k % 3 != 0 among the 9 with a follow-up (k = 1,2,3,5,6,7,9,10,11): 6 of 9
    assert figures.applied_skills.count == 6 and figures.applied_skills.n == 9
    assert figures.applied_skills.ci_low == analysis.applied.ci_low
    assert (figures.n_enrolled, figures.n_pre, figures.n_post, figures.n_followup) == (12, 12, 12, 9)
    assert figures.retention.count == 9 and figures.retention.n == 12
    assert figures.attrition.overall_rate == analysis.attrition.overall_attrition == 3 / 12
    baseline = next(v for v in analysis.attrition.variables if v.variable == "baseline_score")
    assert figures.attrition.baseline_smd == -baseline.effect_size
    assert {o.outcome for o in figures.outcomes} == {
        "leadership_total", "adaptive_leadership", "communication", "conflict_management",
        "problem_solving_pdia", "cross_sector_collaboration", "self_awareness_wellbeing"}
    assert figures.synthetic is False and figures.cohorts == ()
    assert figures.to_dict()["outcomes"][0]["pre_post"]["g_av"] == total.pre_post.g_av


def test_small_subgroups_are_suppressed_without_numbers(session, versions) -> None:
    people = ([("Health", "Kampot")] * 7 + [("Interior", "Kampot")] * 3 + [("Health", "Takeo")] * 2
              + [("Tourism", "Kampot")] * 2)
    cohort = build_cohort(session, versions, 5, people=people)
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    rows = {(r.dimension, r.label): r for r in figures.subgroups}
    assert set(rows) == {("ministry", "Health"), ("ministry", "Interior"), ("ministry", "Tourism"),
                         ("province", "Kampot"), ("province", "Takeo")}
    health = rows[("ministry", "Health")]
    assert not health.suppressed and health.n == 9 and health.pre_post.n == 9
    # Interior and Tourism hide 5 people together; Takeo alone would be Kampot's complement, so both go
    for key in [("ministry", "Interior"), ("ministry", "Tourism"), ("province", "Takeo"), ("province", "Kampot")]:
        row = figures.to_dict()["subgroups"][list(rows).index(key)]
        assert row == {"dimension": key[0], "label": key[1], "suppressed": True, "n": None, "pre_post": None}
    # The shown group's effect is the paired analysis of its members.
    dataset = load_dataset(session, [cohort])
    from lipassess.analysis import paired
    from lipassess.services.dataset import behaviour_outcomes

    scores = next(o for o in behaviour_outcomes(dataset) if o.name == "total").scores
    members = dataset.profile.index[dataset.profile["ministry"] == "Health"]
    expected = paired(scores.loc[members, "pre"], scores.loc[members, "post"])
    assert_allclose(health.pre_post.g_av, expected.g_av)


def test_one_small_group_hides_its_complement_too(session, versions) -> None:
    """Health 9 shown next to a total of 12 gave the three at Interior away (issue 12, point 2)."""
    people = [("Health", "Kampot")] * 9 + [("Interior", "Kampot")] * 3
    cohort = build_cohort(session, versions, 5, people=people)
    session.commit()
    rows = {(r.dimension, r.label): r for r in impact_figures(session, [cohort], min_group_size=5).subgroups}
    assert rows[("ministry", "Health")].suppressed and rows[("ministry", "Interior")].suppressed
    assert not rows[("province", "Kampot")].suppressed and rows[("province", "Kampot")].n == 12


def test_missing_reasons_propagate(session, versions) -> None:
    """No follow-up wave yet, no retro-pre form: each gap says why."""
    cohort = build_cohort(session, versions, 5, people=[("Health", "Kampot")] * 6)
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    not_yet_followup = Missing(reason=MissingReason.NOT_YET, wave="followup")
    assert figures.total.pre_followup.missing == not_yet_followup and figures.total.pre_followup.g_av is None
    assert figures.applied_skills.missing == not_yet_followup
    assert figures.attrition.missing == not_yet_followup and figures.retention.missing == not_yet_followup
    assert figures.then_test.missing == Missing(reason=MissingReason.NOT_MEASURED, wave="retro_pre")
    assert figures.n_followup == 0
    assert "the follow-up survey has not taken place yet" in figures.summary("en")


def test_closed_wave_without_answers_is_too_few_not_not_yet(session, versions) -> None:
    cohort = build_cohort(session, versions, 5, people=[("Health", "Kampot")] * 6)
    make_wave(session, cohort, "followup", [versions["lip-leadership-behaviour"]],
              opens_at=PAST + timedelta(days=300), closes_at=PAST + timedelta(days=340))
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    assert figures.total.pre_followup.missing == Missing(reason=MissingReason.TOO_FEW, n=0, needed=2,
                                                         wave="followup")


def test_identical_answers_are_no_variance(session, versions) -> None:
    behaviour = versions["lip-leadership-behaviour"]
    cohort = make_cohort(session, 7)
    pre, post = make_wave(session, cohort, "pre", [behaviour]), make_wave(session, cohort, "post", [behaviour])
    for k in range(6):
        person = make_participant(session, 700 + k, cohort)
        submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 3)})
        submit(session, person, post, {behaviour: dict.fromkeys(ITEMS, 3)})
    session.commit()
    report = impact_report(session, [cohort], min_group_size=5)
    no_variance = Missing(reason=MissingReason.NO_VARIANCE)
    assert report.figures.total.pre_post.missing == no_variance
    assert report.figures.total.pre_post.n == report.analysis.outcomes["total"].pre_post.n_obs == 6
    assert report.figures.total.alpha("pre").missing == no_variance
    assert report.figures.reliably_improved.missing == no_variance
    assert "everyone gave the same answers" in report.figures.summary("en")


def test_too_few_carries_the_counts(session, versions) -> None:
    behaviour = versions["lip-leadership-behaviour"]
    cohort = make_cohort(session, 8)
    pre, post = make_wave(session, cohort, "pre", [behaviour]), make_wave(session, cohort, "post", [behaviour])
    rng = np.random.default_rng(3)
    for k in range(2):
        person = make_participant(session, 800 + k, cohort)
        submit(session, person, pre, {behaviour: answers(rng, 3)})
    submit(session, person, post, {behaviour: answers(rng, 3)})
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    assert figures.total.pre_post.missing == Missing(reason=MissingReason.TOO_FEW, n=1, needed=2)
    assert figures.total.alpha("pre").missing == Missing(reason=MissingReason.TOO_FEW, n=2, needed=3, wave="pre")


def test_cohort_without_answers(session, versions) -> None:
    cohort = make_cohort(session, 9)
    make_participant(session, 900, cohort)
    session.commit()
    figures = impact_figures(session, [cohort], min_group_size=5)
    assert figures.total.pre_post.missing == Missing(reason=MissingReason.NOT_YET, wave="pre")
    assert (figures.n_enrolled, figures.n_pre) == (1, 0)
    assert "the pre-training survey has not taken place yet" in figures.summary("en")


def test_program_forest_has_each_cohorts_own_effect(session, versions) -> None:
    c5 = build_cohort(session, versions, 5, people=[("Health", "Kampot")] * 8, seed=5, shortname="LIP-C5")
    c6 = build_cohort(session, versions, 6, people=[("Interior", "Takeo")] * 9, shift=0.2, seed=6,
                      shortname="LIP-C6")
    empty = make_cohort(session, 7, shortname="LIP-C7")
    session.commit()
    figures = impact_figures(session, None, min_group_size=5)
    assert figures.scope_kind == "program" and figures.scope == ""
    assert [c.label for c in figures.cohorts] == ["LIP-C5", "LIP-C6", "LIP-C7"]
    for cohort, effect in zip((c5, c6), figures.cohorts[:2], strict=True):
        alone = evaluate(load_dataset(session, [cohort])).outcomes["total"].pre_post
        assert_allclose([effect.pre_post.g_av, effect.pre_post.ci_low, effect.pre_post.ci_high],
                        [alone.g_av, alone.g_av_ci_low, alone.g_av_ci_high])
    assert figures.cohorts[2].pre_post.missing == Missing(reason=MissingReason.NOT_YET, wave="pre")
    program = evaluate(load_dataset(session, [c5, c6, empty])).outcomes["total"].pre_post
    assert figures.total.pre_post.g_av == program.g_av and figures.total.pre_post.n == 17
    assert figures.n_pre == 17
    two = impact_figures(session, [c5, c6], min_group_size=5)
    assert two.scope == "LIP-C5, LIP-C6" and len(two.cohorts) == 2


def test_synthetic_is_detected_or_forced(session, versions) -> None:
    cohort = build_cohort(session, versions, 5, people=[("Health", "Kampot")] * 3)
    session.commit()
    assert impact_figures(session, [cohort], min_group_size=5).synthetic is False
    assert impact_figures(session, [cohort], min_group_size=5, synthetic=True).synthetic is True
    person = cohort.enrolments[0].participant
    person.extra_fields = {"synthetic": True}
    session.commit()
    assert impact_figures(session, [cohort], min_group_size=5).synthetic is True


STATES = WaveStates(waves={"pre": WaveState(exists=True, closed=True, submitted=10),
                           "post": WaveState(exists=True, closed=False, submitted=0),
                           "followup": WaveState(exists=True, closed=True, submitted=0)},
                    retro_measured=False)


@pytest.mark.parametrize(("message", "expected"), [
    ("paired needs at least 2 participants with complete data, got 1; check that the columns hold",
     Missing(reason=MissingReason.TOO_FEW, n=1, needed=2)),
    ("Reliability needs at least 3 participants with complete data; 2 remain after removing 1 with missing "
     "values. Add data or analyse a larger group.", Missing(reason=MissingReason.TOO_FEW, n=2, needed=3)),
    ("no post scores yet", Missing(reason=MissingReason.NOT_YET, wave="post")),
    ("no followup scores yet", Missing(reason=MissingReason.TOO_FEW, n=0, needed=2, wave="followup")),
    ("no retro pre scores yet", Missing(reason=MissingReason.NOT_MEASURED, wave="retro_pre")),
    ("the follow-up wave has no answers yet, so nobody can be counted as retained",
     Missing(reason=MissingReason.TOO_FEW, n=0, needed=2, wave="followup")),
    ("nobody has answered the six-month application question yet",
     Missing(reason=MissingReason.TOO_FEW, n=0, needed=1, wave="followup")),
    ("something unexpected", Missing(reason=MissingReason.ERROR, detail="something unexpected")),
])
def test_classify_missing(message: str, expected: Missing) -> None:
    assert classify_missing(message, STATES) == expected

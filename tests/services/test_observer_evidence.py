"""What observers saw, from the store: scores, the minimum-raters rule, missing reasons, and the demo's truth."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lipassess.reports.figures import MissingReason
from lipassess.services.instruments import instrument_of
from lipassess.services.raters.evidence import observer_figures
from lipassess.services.raters.survey import observer_version
from lipassess.store.models import WaveKind
from lipassess.store.rater_models import Rater, RaterAnswer
from lipassess.store.types import utcnow
from tests.survey_factories import make_cohort, make_participant, make_wave

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(session):
    now = utcnow()
    cohort = make_cohort(session)
    waves = {"pre": make_wave(session, cohort, kind=WaveKind.PRE, opens_at=now - timedelta(days=90),
                              closes_at=now - timedelta(days=60)),
             "post": make_wave(session, cohort, kind=WaveKind.POST, opens_at=now - timedelta(days=5),
                               closes_at=now + timedelta(days=10))}
    people = [make_participant(session, cohort) for _ in range(4)]
    version = observer_version(session)
    session.commit()
    return cohort, waves, people, version


def rate(session, world, person, kind: str, relation: str, total: int, *, submitted: bool = True) -> Rater:
    """A rater whose every answer gives the scale total ``total`` (reverse-keyed items answered 6 - total)."""
    _, waves, _, version = world
    n = session.query(Rater).count()
    rater = Rater(participant_id=person.id, wave_id=waves[kind].id, name=f"R{n}", email=f"r{n}@example.gov.kh",
                  contact=f"r{n}@example.gov.kh", relation=relation, source="import", language="km",
                  reminders_sent=0, submitted_at=utcnow() if submitted else None)
    session.add(rater)
    session.flush()
    if submitted:
        for item in instrument_of(version).scored_items:
            session.add(RaterAnswer(rater_id=rater.id, instrument_version_id=version.id, item_key=item.id,
                                    value_number=float(6 - total if item.reverse else total)))
    session.flush()
    return rater


def figures(session, world, self_scores=None, **kw):
    cohort = world[0]
    scores = self_scores if self_scores is not None else pd.DataFrame(columns=["pre", "post", "followup"])
    return observer_figures(session, [cohort.id], self_scores=scores,
                            closed={"pre": True, "post": False, "followup": False}, **kw)


def test_no_rater_named_means_no_section(session, world) -> None:
    assert figures(session, world) is None


def test_named_but_not_yet_rated_is_not_yet(session, world) -> None:
    rate(session, world, world[2][0], "post", "supervisor", 3, submitted=False)
    found = figures(session, world)
    assert found is not None and found.missing is not None
    assert found.missing.reason is MissingReason.NOT_YET and found.missing.wave == "post"


def test_too_few_supervisors_and_too_few_observers_are_withheld(session, world) -> None:
    people = world[2]
    rate(session, world, people[0], "pre", "supervisor", 3)
    rate(session, world, people[1], "pre", "supervisor", 4)
    found = figures(session, world)
    assert found.missing is not None and found.missing.reason is MissingReason.TOO_FEW
    assert (found.missing.n, found.missing.needed) == (2, 3) and found.pre_post is None


def test_change_gap_and_the_minimum_raters_rule(session, world) -> None:
    people = world[2]
    pre = {0: [2], 1: [3], 2: [3], 3: [4]}
    post = {0: [3], 1: [3], 2: [4], 3: [5]}
    for i, person in enumerate(people):
        for total in pre[i]:
            rate(session, world, person, "pre", "supervisor", total)
        for total in post[i]:
            rate(session, world, person, "post", "supervisor", total)
    rate(session, world, people[0], "pre", "peer", 3)
    rate(session, world, people[0], "pre", "peer", 2)  # two colleagues: fewer than 3
    ids = [p.pseudonym for p in people]
    own = pd.DataFrame({"pre": [3.0, 3.5, 3.2, 4.1], "post": [4.0, 4.2, 4.0, 4.9]}, index=ids)
    found = figures(session, world, own)
    assert found.group == "supervisor" and found.merged == () and found.n_raters == 8
    # supervisors only: observer scores 2,3,3,4 -> 3,3,4,5; differences 1,0,1,1
    diff = np.array([1.0, 0.0, 1.0, 1.0])
    half = stats.t.ppf(0.975, 3) * diff.std(ddof=1) / 2
    change = found.pre_post
    assert change.n == 4 and change.mean_diff == pytest.approx(0.75)
    assert (change.ci_low, change.ci_high) == pytest.approx((0.75 - half, 0.75 + half))
    assert change.d_z == pytest.approx(0.75 / diff.std(ddof=1))
    assert found.pre_followup.missing.reason is MissingReason.NOT_YET
    assert found.self_pre_post.mean_diff == pytest.approx(np.mean([1.0, 0.7, 0.8, 0.8]))
    gap_pre = own["pre"].to_numpy() - np.array([2, 3, 3, 4])
    gap_post = own["post"].to_numpy() - np.array([3, 3, 4, 5])
    assert (found.gap.pre, found.gap.post) == pytest.approx((gap_pre.mean(), gap_post.mean()))
    assert found.gap.change == pytest.approx((gap_post - gap_pre).mean())
    # agreement needs persons with 2+ raters at pre: only one (people[0] with its two colleagues)
    assert found.agreement.missing.reason is MissingReason.TOO_FEW
    # with 4 as the minimum, 4 supervisors fall short at no wave, but the colleagues do
    assert figures(session, world, own, min_raters=4).merged == ()
    strict = figures(session, world, own, min_raters=5)  # 4 supervisors < 5: all observers, 10 raters
    assert strict.group == "observers" and strict.merged == ("peer", "supervisor")
    # all observers: people[0]'s pre score is the mean of 2, 3 and 2
    assert strict.pre_post.mean_diff == pytest.approx(np.mean([3 - 7 / 3, 0, 1, 1]))


def test_the_demo_supervisors_saw_less_change_than_participants_report(demo_database, tmp_path) -> None:
    import shutil

    from lipassess.reports.narrative import build_narrative
    from lipassess.services.demo_raters import OBSERVER_SHIFT
    from lipassess.services.impact import impact_figures
    from lipassess.store.database import make_engine, make_session_factory

    source, _ = demo_database
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(source, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with make_session_factory(engine)() as session:
            found = impact_figures(session, None, min_group_size=5)
    finally:
        engine.dispose()
    seen = found.observers
    assert seen is not None and seen.group == "supervisor"
    # the true latent shift of +0.20 shows as a smaller, clearly positive change on the 1-5 scale
    assert 0 < seen.pre_post.ci_low < OBSERVER_SHIFT["post"] and seen.pre_post.ci_high > 0.1
    assert seen.pre_post.ci_high < seen.self_pre_post.ci_low  # less than the self-rated change
    assert seen.gap.disagree and seen.gap.verdict == "widened"
    for lang in ("en", "km"):
        keys = build_narrative(found, lang).keys()
        assert {"observers.prefer", "observers.change", "observers.disagree"} <= keys

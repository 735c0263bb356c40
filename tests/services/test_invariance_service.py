"""The summary's invariance verdicts from outcome data; the store use case on the synthetic demo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from lipassess.analysis.cohort import OutcomeData
from lipassess.errors import InvalidInput
from lipassess.services.invariance import before_after, check_group

SIM = Path(__file__).parent.parent / "analysis" / "data" / "invariance_sim.csv"


def outcome(name: str, items: list[str], sim: pd.DataFrame) -> OutcomeData:
    frames = {w: sim[[f"{w}_{i}" for i in items]].set_axis(items, axis=1) for w in ("pre", "post", "followup")}
    return OutcomeData(name=name, scores=pd.DataFrame(index=sim.index), items=frames)


def test_before_after_sorts_subscales_by_verdict() -> None:
    """i3 shifts after the training (see tests/analysis/r/invariance_reference.R); without it the scale is invariant."""
    sim = pd.read_csv(SIM, index_col="id")
    result = before_after([outcome("communication", ["i1", "i2", "i3", "i4"], sim),
                           outcome("adaptive_leadership", ["i1", "i2", "i4"], sim),
                           outcome("total", ["i1", "i2", "i3", "i4"], sim)])
    assert result is not None
    assert result.holds == ("adaptive_leadership",)
    assert result.partial == ("communication",) and result.partial_items == ("i3",)
    assert result.fails == ()


def test_before_after_is_none_without_two_waves() -> None:
    sim = pd.read_csv(SIM, index_col="id")
    only_pre = OutcomeData(name="communication", scores=pd.DataFrame(index=sim.index),
                           items={"pre": sim[["pre_i1", "pre_i2", "pre_i3"]]})
    assert before_after([only_pre]) is None


def test_unknown_group_is_refused() -> None:
    with pytest.raises(InvalidInput, match="use one of ministry, province, language"):
        check_group("shoe_size")


@pytest.fixture(scope="module")
def demo_session(demo_database, tmp_path_factory):
    from lipassess.store.database import make_engine, make_session_factory

    path = tmp_path_factory.mktemp("invariance-demo") / "demo.sqlite3"
    shutil.copyfile(demo_database[0], path)
    engine = make_engine(f"sqlite:///{path}")
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_demo_cohort_subscales_are_tested_across_waves_and_languages(demo_session) -> None:
    """The demo's items all load equally and shift with the trait, so few tests may find non-invariance."""
    from sqlalchemy import select

    from lipassess.services.dataset import behaviour_outcomes, load_dataset
    from lipassess.services.invariance import cohort_invariance
    from lipassess.store.models import Cohort

    cohort = demo_session.scalars(select(Cohort).order_by(Cohort.id)).first()
    result = cohort_invariance(demo_session, [cohort], group="language", waves=("pre", "post"))
    assert len(result.scales) == 6 and result.group == "language"
    outcomes = {o.name: o for o in behaviour_outcomes(load_dataset(demo_session, [cohort]))}
    verdicts = []
    for name, scale in result.scales.items():
        test = scale.across_waves
        assert test is not None
        both = pd.concat([outcomes[name].items["pre"], outcomes[name].items["post"]], axis=1).dropna()
        assert test.n_obs == len(both)
        k = len(outcomes[name].items["pre"].columns)
        # 2k variables: k(2k+1) + 2k moments; 2k loadings, residual variances and intercepts, k residual
        # covariances and one factor covariance.
        assert test.configural.df == k * (2 * k + 1) + 2 * k - (7 * k + 1)
        verdicts.append(test.verdict)
        assert scale.across_groups is not None or "groups" in scale.missing
    assert verdicts.count("not_invariant") <= 1


def test_before_after_warns_when_the_languages_read_two_of_three_items_differently() -> None:
    """Shift two of three items for the Khmer group: releasing one leaves too few constrained items."""
    sim = pd.read_csv(SIM, index_col="id")
    km = sim["language"] == "km"
    shifted = sim.copy()
    shifted.loc[km, "pre_i1"] = (shifted.loc[km, "pre_i1"] + 1).clip(upper=5)
    shifted.loc[km, "pre_i2"] = (shifted.loc[km, "pre_i2"] - 1).clip(lower=1)
    result = before_after([outcome("communication", ["i1", "i2", "i4"], shifted),
                           outcome("adaptive_leadership", ["i1", "i2", "i4"], sim)], sim["language"])
    assert result is not None
    assert result.language_fails == ("communication",)
    # i4 reads higher in Khmer in the unshifted data, but releasing it alone repairs the step: partial, no warning.
    assert "adaptive_leadership" not in result.language_fails
    # Shifting the pretest only also breaks communication's invariance from pre to post.
    assert result.holds == ("adaptive_leadership",)
    assert "communication" in result.fails + result.partial

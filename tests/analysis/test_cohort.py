"""The cohort-level orchestration: the right statistic on the right columns, reasons when missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from lipassess.analysis.cohort import OutcomeData, analyze_cohort, analyze_outcome


def simulated(n: int = 60, seed: int = 3) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    rng = np.random.default_rng(seed)
    ids = [f"P-{i:03d}" for i in range(n)]
    trait = rng.normal(0, 0.5, n)
    items = {}
    for wave, shift in (("pre", 0.0), ("post", 0.4), ("followup", 0.3)):
        raw = 3 + trait[:, None] + shift + rng.normal(0, 0.6, (n, 5))
        items[wave] = pd.DataFrame(np.clip(np.round(raw), 1, 5), index=ids, columns=[f"AL{i}" for i in range(1, 6)])
    scores = pd.DataFrame({w: f.mean(axis=1) for w, f in items.items()})
    scores["retro_pre"] = scores["pre"] - 0.2
    return scores, items


def test_pre_post_uses_the_pre_and_post_columns() -> None:
    scores, items = simulated()
    result = analyze_outcome(OutcomeData(name="adaptive_leadership", scores=scores, items=items))
    diff = scores["post"] - scores["pre"]
    assert result.pre_post.n_obs == 60
    assert_allclose(result.pre_post.mean_diff, diff.mean(), rtol=1e-12)
    assert_allclose(result.pre_post.d_z, diff.mean() / diff.std(ddof=1), rtol=1e-12)
    follow = scores["followup"] - scores["pre"]
    assert_allclose(result.pre_followup.mean_diff, follow.mean(), rtol=1e-12)
    assert set(result.reliability) == {"pre", "post", "followup"}
    assert result.change is not None and result.change.n_obs == 60
    assert result.repeated is not None and result.repeated.n_obs == 60
    assert_allclose(result.then_test.gap.mean_diff, -0.2, atol=1e-12)
    assert result.missing == {}


def test_missing_waves_are_explained_not_raised() -> None:
    scores, items = simulated()
    only_pre = OutcomeData(name="total", scores=scores[["pre"]], items={"pre": items["pre"]})
    result = analyze_outcome(only_pre)
    assert result.pre_post is None and result.repeated is None and result.then_test is None
    assert result.missing["pre_post"] == "no post scores yet"
    assert "pre, post and follow-up" in result.missing["repeated"]
    assert result.reliability["pre"].n_obs == 60


def test_cohort_attrition_and_application_share() -> None:
    scores, items = simulated()
    scores.loc[scores.index[:15], "followup"] = np.nan  # 15 of 60 lost
    profile = pd.DataFrame({"ministry": ["Health", "Interior", "Education"] * 20}, index=scores.index)
    applied = pd.Series([1.0] * 40 + [0.0] * 5 + [np.nan] * 15, index=scores.index)
    result = analyze_cohort([OutcomeData(name="total", scores=scores, items=items)], scope="LIP-C6",
                            profile=profile, applied=applied)
    assert result.n_participants == 60
    assert result.attrition.n_lost == 15 and result.attrition.n_retained == 45
    assert_allclose(result.attrition.overall_attrition, 15 / 60)
    assert result.applied.successes == 40 and result.applied.n_obs == 45
    text = result.summary()
    assert "LIP-C6: 60 participants" in text and "applied skills at six months: 0.889" in text


def test_cohort_without_followup_says_why() -> None:
    scores, items = simulated()
    data = OutcomeData(name="total", scores=scores[["pre", "post"]], items=items)
    result = analyze_cohort([data], scope="LIP-C7")
    assert result.attrition is None and "follow-up wave has no answers" in result.missing["attrition"]
    assert result.applied is None and "application question" in result.missing["applied"]
    assert result.to_dict()["attrition"] is None

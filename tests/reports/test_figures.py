"""ImpactFigures holds plain data and refuses contradictions (numbers with a reason, suppressed numbers)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from lipassess.errors import InvalidInput
from lipassess.reports.figures import (
    OUTCOMES,
    Attrition,
    Effect,
    ImpactFigures,
    Missing,
    MissingReason,
    Reliability,
    Share,
    SubgroupRow,
)
from tests.reports.factories import NOT_YET, effect, make_figures, program_figures


def test_outcomes_are_sorted_and_the_total_comes_first() -> None:
    figures = make_figures()
    shuffled = dataclasses.replace(figures, outcomes=tuple(reversed(figures.outcomes)))
    assert [o.outcome for o in shuffled.outcomes] == list(OUTCOMES)
    assert shuffled.total.outcome == "leadership_total"
    assert len(shuffled.subscales) == 6
    assert shuffled.outcome("communication").pre_post.g_av == 0.71
    assert shuffled.outcome("nope") is None


def test_to_dict_is_json_and_from_dict_rebuilds_the_same_figures() -> None:
    figures = program_figures(then_test=dataclasses.replace(make_figures().then_test, gap=None, ci_low=None,
                                                            ci_high=None, n=None, missing=NOT_YET))
    data = json.loads(json.dumps(figures.to_dict()))
    assert data["then_test"]["missing"] == {"reason": "not_yet", "n": None, "needed": None, "wave": "followup",
                                            "detail": None}
    assert data["subgroups"][2] == {"dimension": "ministry", "label": "Ministry of Tourism", "suppressed": True,
                                    "n": None, "pre_post": None}
    rebuilt = ImpactFigures.from_dict(data)
    assert rebuilt == figures
    assert rebuilt.then_test.missing.reason is MissingReason.NOT_YET


def test_from_dict_refuses_unknown_fields() -> None:
    data = make_figures().to_dict()
    data["attrition"]["colour"] = "red"
    with pytest.raises(InvalidInput, match="Attrition: unknown field"):
        ImpactFigures.from_dict(data)


def test_a_number_and_a_missing_reason_cannot_coexist() -> None:
    with pytest.raises(InvalidInput, match="so g_av, ci_low, ci_high must be None"):
        Effect(g_av=0.5, ci_low=0.1, ci_high=0.9, n=30, missing=Missing(reason="too_few", n=3, needed=5))
    with pytest.raises(InvalidInput, match="g_av is required"):
        Effect(ci_low=0.1, ci_high=0.9, n=30)
    with pytest.raises(InvalidInput, match="count must be None"):
        Share(count=3, missing=NOT_YET)
    with pytest.raises(InvalidInput, match="wwc_high must be None"):
        Attrition(wwc_high=True, missing=NOT_YET)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Effect(g_av=float("nan"), ci_low=0, ci_high=1, n=3), "finite number"),
        (lambda: Effect(g_av=0.5, ci_low=0.9, ci_high=0.1, n=3), "above ci_high"),
        (lambda: Effect(g_av=0.5, ci_low=0.1, n=3), "ci_high is required"),
        (lambda: Share(share=0.5, ci_low=0.1), "both CI bounds"),
        (lambda: Share(share=1.2), r"in \[0, 1\]"),
        (lambda: Share(share=0.5, n=-1), "non-negative integer"),
        (lambda: Reliability(wave="midterm", alpha=0.8), "Unknown wave"),
        (lambda: Missing(reason="lost"), "Unknown missing reason"),
        (lambda: Attrition(overall_rate=1.5), r"in \[0, 1\]"),
        (lambda: make_figures(outcomes=make_figures().subscales), "must include 'leadership_total'"),
        (lambda: make_figures(scope_kind="ministry"), "scope_kind"),
        (lambda: make_figures(scale_min=5, scale_max=1), "scale_min"),
        (lambda: make_figures(n_followup=None), "n_followup is required"),
    ],
)
def test_invalid_figures_are_refused_with_a_reason(build, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        build()


def test_small_subgroups_are_suppressed_and_carry_no_numbers() -> None:
    row = SubgroupRow.of("province", "Kep", 4, effect(0.3, -0.5, 1.1, n=4))
    assert row.suppressed and row.n is None and row.pre_post is None
    shown = SubgroupRow.of("province", "Kep", 5, effect(0.3, -0.5, 1.1, n=5))
    assert not shown.suppressed and shown.n == 5
    with pytest.raises(InvalidInput, match="suppressed and must carry no numbers"):
        SubgroupRow(dimension="province", label="Kep", suppressed=True, n=4)
    with pytest.raises(InvalidInput, match="must be suppressed"):
        make_figures(subgroups=(SubgroupRow(dimension="ministry", label="MoT", suppressed=False, n=3,
                                            pre_post=effect(0.1, -1, 1, n=3)),))
    # A stricter minimum applies to every row.
    with pytest.raises(InvalidInput, match="n = 52 < 60"):
        make_figures(min_subgroup_size=60)

"""Crafted impact figures for the report tests: a healthy cohort, and knobs to break it."""

from __future__ import annotations

import dataclasses
from typing import Any

from lipassess.reports.figures import (
    SUBSCALES,
    Attrition,
    CohortEffect,
    Effect,
    ImpactFigures,
    Missing,
    OutcomeFigures,
    Reliability,
    Share,
    SubgroupRow,
    ThenTest,
)

SUBSCALE_G = {
    "adaptive_leadership": (0.92, 0.74, 1.10),
    "communication": (0.71, 0.54, 0.88),
    "conflict_management": (0.55, 0.38, 0.72),
    "problem_solving_pdia": (1.05, 0.86, 1.24),
    "cross_sector_collaboration": (0.48, 0.31, 0.65),
    "self_awareness_wellbeing": (0.12, -0.04, 0.28),
}


def effect(g: float, lo: float, hi: float, n: int = 150, d_z: float | None = None) -> Effect:
    return Effect(g_av=g, ci_low=lo, ci_high=hi, d_z=d_z if d_z is not None else g * 1.1, n=n)


def outcome(key: str, g: tuple[float, float, float], *, n: int = 150, alpha: float = 0.84,
            followup: Effect | None = None, ceiling: float = 0.04) -> OutcomeFigures:
    fu = followup or effect(g[0] * 0.8, g[1] * 0.8 - 0.05, g[2] * 0.8 + 0.05, n=118)
    return OutcomeFigures(
        outcome=key,
        pre_post=effect(*g, n=n),
        pre_followup=fu,
        reliability=(Reliability(wave="pre", alpha=alpha, ci_low=alpha - 0.04, ci_high=alpha + 0.03, n=n),
                     Reliability(wave="post", alpha=alpha + 0.02, ci_low=alpha - 0.02, ci_high=alpha + 0.05, n=n)),
        ceiling_pre=Share(share=ceiling, count=round(ceiling * n), n=n),
        mean_pre=3.1, mean_post=3.1 + g[0] * 0.6, mean_followup=3.1 + g[0] * 0.5,
    )


def make_figures(**overrides: Any) -> ImpactFigures:
    """A cohort of 180 with a large, lasting effect and nothing to worry about; override any field."""
    values: dict[str, Any] = dict(
        scope="LIP cohort 5 (2024)",
        scope_kind="cohort",
        synthetic=False,
        as_of="2025-03-01",
        n_enrolled=180,
        n_pre=172,
        n_post=165,
        n_followup=148,
        retention=Share(share=148 / 172, count=148, n=172),
        outcomes=(outcome("leadership_total", (0.85, 0.68, 1.02)),
                  *[outcome(k, SUBSCALE_G[k]) for k in SUBSCALES]),
        reliably_improved=Share(share=0.46, ci_low=0.38, ci_high=0.54, count=69, n=150),
        reliably_declined=Share(share=0.03, ci_low=0.01, ci_high=0.07, count=4, n=150),
        applied_skills=Share(share=0.81, ci_low=0.74, ci_high=0.86, count=120, n=148),
        then_test=ThenTest(gap=-0.08, ci_low=-0.2, ci_high=0.04, n=160),
        attrition=Attrition(overall_rate=24 / 172, differential_rate=None, baseline_smd=0.06, wwc_high=False,
                            n_baseline=172, n_retained=148),
        subgroups=(
            SubgroupRow.of("ministry", "Ministry of Health", 64, effect(0.9, 0.62, 1.18, n=58)),
            SubgroupRow.of("ministry", "Ministry of Education, Youth and Sport", 52, effect(0.8, 0.5, 1.1, n=49)),
            SubgroupRow.of("ministry", "Ministry of Tourism", 3, effect(0.1, -1.0, 1.2, n=3)),
            SubgroupRow.of("province", "ភ្នំពេញ", 90, effect(0.88, 0.64, 1.12, n=85)),
            SubgroupRow.of("province", "សៀមរាប", 4, effect(0.2, -1.0, 1.4, n=4)),
        ),
    )
    values.update(overrides)
    return ImpactFigures(**values)


def with_total(figures: ImpactFigures, **changes: Any) -> ImpactFigures:
    """Replace fields of the behaviour total."""
    total = dataclasses.replace(figures.total, **changes)
    return dataclasses.replace(figures, outcomes=(total, *figures.subscales))


def program_figures(**overrides: Any) -> ImpactFigures:
    cohorts = (
        CohortEffect(label="Cohort 3 (2023)", pre_post=effect(0.78, 0.58, 0.98, n=140)),
        CohortEffect(label="Cohort 4 (2023)", pre_post=effect(0.69, 0.49, 0.89, n=152)),
        CohortEffect(label="Cohort 5 (2024)", pre_post=effect(0.85, 0.68, 1.02, n=150)),
    )
    values = dict(scope="", scope_kind="program", synthetic=True, cohorts=cohorts, n_enrolled=512, n_pre=490,
                  n_post=470, n_followup=401, retention=Share(share=401 / 490, count=401, n=490))
    values.update(overrides)
    return make_figures(**values)


NOT_YET = Missing(reason="not_yet", wave="followup")

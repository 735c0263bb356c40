"""Use case: evaluate a cohort (or the program) from the store."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis.cohort import CohortAnalysis, analyze_cohort
from lipassess.services.dataset import (
    Dataset,
    applied_answers,
    behaviour_outcomes,
    load_dataset,
)
from lipassess.store.models import Cohort


def evaluate(dataset: Dataset, *, ci: float = 0.95) -> CohortAnalysis:
    """Every statistic of the behaviour outcomes, attrition and the application share."""
    profile = dataset.profile[["ministry", "province"]] if len(dataset.profile) else None
    return analyze_cohort(
        behaviour_outcomes(dataset), scope=dataset.scope, profile=profile,
        applied=applied_answers(dataset), ci=ci,
    )


def evaluate_cohorts(session: Session, cohorts: Iterable[Cohort] | None = None, *, ci: float = 0.95
                     ) -> CohortAnalysis:
    """Evaluate the given cohorts together (all cohorts when None)."""
    chosen = list(cohorts) if cohorts is not None else list(session.scalars(select(Cohort).order_by(Cohort.id)))
    return evaluate(load_dataset(session, chosen), ci=ci)

"""Use case: measurement invariance of the behaviour subscales of cohorts in the store.

The item answers come from :func:`lipassess.services.dataset.behaviour_outcomes`
(reverse-keyed, per subscale and wave); the groups from the participants'
profile (``language`` by default: the language each participant uses, so Khmer
against English forms). :func:`cohort_invariance` is what
``lipassess analyze invariance --cohort`` prints; :func:`before_after` is the
part the impact summary's caveats read (pre against post only, the comparison
the summary's "before and after" sentences are about, and the languages at the pre-test).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis.cohort import OutcomeData
from lipassess.analysis.invariance import INVARIANT, NOT_INVARIANT, PARTIAL
from lipassess.analysis.scale_invariance import ScalesInvariance, invariance_by_scale
from lipassess.errors import InsufficientData, InvalidInput
from lipassess.reports.invariance import Invariance
from lipassess.services.dataset import PROFILE_COLUMNS, behaviour_outcomes, load_dataset
from lipassess.store.models import Cohort
from lipassess.vocabulary import MEASUREMENT_WAVES, POST, PRE, SUBSCALE_OUTCOMES

GROUP_COLUMNS = tuple(c for c in PROFILE_COLUMNS if c in ("language", "ministry", "province"))


def check_group(group: str | None) -> str | None:
    """``group`` if it names a profile column the groups may come from, else InvalidInput."""
    if group is not None and group not in GROUP_COLUMNS:
        raise InvalidInput(f"unknown group {group!r}; use one of {', '.join(GROUP_COLUMNS)}",
                           errors={"group": group})
    return group


def cohort_invariance(session: Session, cohorts: Sequence[Cohort] | None, *, group: str | None = "language",
                      waves: Sequence[str] = MEASUREMENT_WAVES) -> ScalesInvariance:
    """Each behaviour subscale of ``cohorts`` (None: every cohort) across ``waves`` and the ``group`` column."""
    check_group(group)
    chosen = list(cohorts) if cohorts is not None else list(session.scalars(select(Cohort).order_by(Cohort.id)))
    dataset = load_dataset(session, chosen)
    outcomes = behaviour_outcomes(dataset)
    if not outcomes:
        names = ", ".join(c.shortname for c in chosen) or "the program"
        raise InsufficientData(f"nobody in {names} has submitted the behaviour survey yet; "
                               "run the analysis once the pre-test has answers")
    groups = dataset.profile[group] if group is not None else None
    return invariance_by_scale(outcomes, waves=waves, groups=groups, group=group, scope=dataset.scope)


def before_after(outcomes: Sequence[OutcomeData], languages: pd.Series | None = None) -> Invariance | None:
    """The summary's view: per subscale, does scalar invariance hold from pre to post, and across ``languages``
    (each participant's language; tested on the pre-test answers)? None: nothing could be tested.
    """
    result = invariance_by_scale([o for o in outcomes if o.name in SUBSCALE_OUTCOMES], waves=(PRE, POST),
                                 groups=languages)
    holds, partial, items, fails, language_fails = [], [], [], [], []
    for name, scale in result.scales.items():
        if scale.across_groups is not None and scale.across_groups.verdict == NOT_INVARIANT:
            language_fails.append(name)
        test = scale.across_waves
        if test is None:
            continue
        if test.verdict == INVARIANT:
            holds.append(name)
        elif test.verdict == PARTIAL:
            partial.append(name)
            items += [i for i in (*test.free_loadings, *test.free_intercepts) if i not in items]
        else:
            fails.append(name)
    if not (holds or partial or fails or language_fails):
        return None
    return Invariance(holds=tuple(holds), partial=tuple(partial), partial_items=tuple(items), fails=tuple(fails),
                      language_fails=tuple(language_fails))

"""Use case: the analyses staff pages and the REST API show, computed once per data version.

Analyses take about a second per cohort, so their results are kept in an
:class:`AnalysisCache` keyed by :func:`lipassess.services.dashboard.data_version`
(any new answer, enrolment, profile or wave change gives a new key, so a
cached result is never stale). The web layer holds one cache per app (one per
process) and passes it in; the staff pages and the API share it, so a result
computed for one is served to the other.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from lipassess.analysis import by_group, paired
from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import SubgroupResult, protect_attrition, protect_subgroups
from lipassess.errors import InvalidInput
from lipassess.services import dashboard
from lipassess.services.dataset import behaviour_outcomes, load_dataset
from lipassess.store.models import Cohort

if TYPE_CHECKING:
    from lipassess.services.impact import ImpactFigures

T = TypeVar("T")
DEFAULT_CACHE_SIZE = 48
SUBGROUP_COLUMNS = ("ministry", "province", "language")


class AnalysisCache:
    """A small thread-safe LRU map; values are immutable results, safe to share between requests."""

    def __init__(self, size: int = DEFAULT_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two requests may compute the same key once each
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def cached(session: Session, cache: AnalysisCache, kind: str, cohorts: Sequence[Cohort],
           compute: Callable[[], T], *extra: Any) -> T:
    """``compute()`` once per ``kind``, data version of ``cohorts`` and ``extra`` key parts."""
    version = dashboard.data_version(session, cohorts)
    return cache.get_or_compute((kind, version, *extra), compute)


def evaluation(session: Session, cache: AnalysisCache, cohorts: Sequence[Cohort]) -> dashboard.Evaluation:
    """The evaluation and subgroup changes of ``cohorts`` together (cached)."""
    chosen = list(cohorts)
    return cached(session, cache, "evaluation", chosen,
                  lambda: dashboard.evaluate_for_dashboard(session, chosen))


def figures(session: Session, cache: AnalysisCache, cohorts: list[Cohort] | None, *, scope: Sequence[Cohort],
            min_group_size: int) -> ImpactFigures:
    """The impact figures of ``cohorts`` (None: the whole program, whose cohorts are ``scope``), cached."""
    from lipassess.services.impact import impact_figures

    return cached(session, cache, "figures", scope,
                  lambda: impact_figures(session, cohorts, min_group_size=min_group_size),
                  cohorts is None, min_group_size)


def for_managers(analysis: CohortAnalysis, min_group_size: int) -> CohortAnalysis:
    """``analysis`` as a manager may see it: baseline levels hidden by the one small-group rule.

    (:func:`lipassess.analysis.subgroups.protect_attrition`; the rest of a cohort analysis
    has no per-group figures.)
    """
    if analysis.attrition is None:
        return analysis
    return dataclasses.replace(analysis, attrition=protect_attrition(analysis.attrition, min_group_size))


def check_subgroup_column(by: str) -> str:
    """``by`` when it is a profile field subgroups can compare, else :class:`InvalidInput`."""
    if by not in SUBGROUP_COLUMNS:
        raise InvalidInput(f"'by' must be one of {', '.join(SUBGROUP_COLUMNS)}", errors={"by": by})
    return by


def subgroup_comparison(session: Session, cache: AnalysisCache, cohort: Cohort, *, by: str, outcome: str,
                        min_n: int, for_managers: bool = False) -> SubgroupResult:
    """Pre/post change of one behaviour ``outcome`` per value of the profile field ``by`` (cached).

    Groups under ``min_n`` are suppressed; ``for_managers`` also hides the groups the one
    small-group rule names (:func:`lipassess.analysis.subgroups.protect_subgroups`), so a
    suppressed group's change cannot be worked out from the others and the cohort's total.

    Raises
    ------
    InvalidInput
        ``by`` is not a profile field, ``outcome`` is unknown, or the cohort has no post scores yet.
    """
    check_subgroup_column(by)
    result = cached(session, cache, "subgroups", [cohort],
                    lambda: _subgroup_comparison(session, cohort, by=by, outcome=outcome, min_n=min_n),
                    by, outcome, min_n)
    return protect_subgroups(result, min_n) if for_managers else result


def _subgroup_comparison(session: Session, cohort: Cohort, *, by: str, outcome: str, min_n: int) -> SubgroupResult:
    dataset = load_dataset(session, [cohort])
    outcomes = {o.name: o for o in behaviour_outcomes(dataset)}
    if outcome not in outcomes:
        raise InvalidInput(f"unknown outcome {outcome!r}; choose one of {', '.join(outcomes) or 'none yet'}",
                           errors={"outcome": outcome})
    scores = outcomes[outcome].scores
    if not {"pre", "post"} <= set(scores.columns):
        raise InvalidInput("subgroups compare pre and post; this cohort has no post scores yet")
    frame = scores[["pre", "post"]].join(dataset.profile[[by]], how="left").dropna(subset=["pre", "post"])
    frame[by] = frame[by].fillna("(not given)")
    return by_group(frame, by, paired, columns={"pre": "pre", "post": "post"}, min_n=min_n)

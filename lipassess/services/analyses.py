"""Use case: the analyses staff pages and the REST API show, stored once per data version for every host.

Analyses take about a second per cohort, so their results are kept in the
store (:mod:`lipassess.services.analysis_store`) and every staff page and API
call answers from there: the evaluation of a set of cohorts, its impact
figures, a subgroup comparison, a rendered summary. Each comes back as a
:class:`~lipassess.services.analysis_store.Stored` with ``computed_at``, which
the pages and the API show. A result whose data changed since is computed
again before it is served (never served stale). :func:`refresh` computes what
changed ahead of time; ``lipassess sync``, ``lipassess dispatch`` and
``lipassess analyze refresh`` run it, so pages rarely wait.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis import by_group, paired
from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import SubgroupResult, protect_attrition, protect_subgroups
from lipassess.errors import InvalidInput
from lipassess.services import analysis_store, dashboard
from lipassess.services.analysis_store import Stored
from lipassess.services.data_version import closed_waves, cohort_versions
from lipassess.services.dataset import behaviour_outcomes, load_dataset
from lipassess.store.models import Cohort
from lipassess.store.types import utcnow

if TYPE_CHECKING:
    from lipassess.services.impact import ImpactFigures, ImpactReport

T = TypeVar("T")
SUBGROUP_COLUMNS = ("ministry", "province", "language")
EVALUATION, FIGURES = "evaluation", "figures"


def stored(session: Session, kind: str, cohorts: Sequence[Cohort], compute: Callable[[], T], *variant: Any,
           extra_version: Sequence[object] = ()) -> Stored[T]:
    """``compute()`` for ``kind``, ``cohorts`` and ``variant``, from the store while its data are unchanged."""
    return analysis_store.fetch(session, kind, cohorts, compute, *variant, extra_version=extra_version)


def evaluation(session: Session, cohorts: Sequence[Cohort], *,
               versions: Mapping[int, str] | None = None) -> Stored[dashboard.Evaluation]:
    """The evaluation and subgroup changes of ``cohorts`` together (stored)."""
    chosen = list(cohorts)
    return analysis_store.fetch(session, EVALUATION, chosen,
                                lambda: dashboard.evaluate_for_dashboard(session, chosen), versions=versions)


def figures_version(session: Session, scope: Sequence[Cohort]) -> tuple[object, ...]:
    """What impact figures read besides the data: how many of the scope's waves have closed by now."""
    return ("closed waves", closed_waves(session, [c.id for c in scope], utcnow()))


def figures(session: Session, cohorts: list[Cohort] | None, *, scope: Sequence[Cohort],
            min_group_size: int) -> Stored[ImpactFigures]:
    """The impact figures of ``cohorts`` (None: the whole program, whose cohorts are ``scope``), stored."""
    from lipassess.services.impact import impact_figures

    return analysis_store.fetch(session, FIGURES, scope,
                                lambda: impact_figures(session, cohorts, min_group_size=min_group_size),
                                cohorts is None, min_group_size, extra_version=figures_version(session, scope))


def evaluation_and_figures(session: Session, cohorts: list[Cohort] | None, *, scope: Sequence[Cohort],
                           min_group_size: int, versions: Mapping[int, str] | None = None
                           ) -> tuple[Stored[dashboard.Evaluation], Stored[ImpactFigures]]:
    """The evaluation and the impact figures of a scope together, as a dashboard shows them (stored).

    ``cohorts`` None is the whole program (whose cohorts are ``scope``). When
    either is stale, both are computed from one analysis and stored.
    """
    from lipassess.services.impact import impact_report

    ids = [c.id for c in scope]
    keys = report_keys(session, scope, program=cohorts is None, min_group_size=min_group_size, versions=versions)
    found = {kind: analysis_store.read(session, key, version) for kind, (key, version) in keys.items()}
    evaluation, figures = found[EVALUATION], found[FIGURES]
    if evaluation is not None and figures is not None:
        return evaluation, figures  # type: ignore[return-value]  # stored under these kinds by this code
    computed_at, started = utcnow(), time.perf_counter()
    report = impact_report(session, cohorts, min_group_size=min_group_size)
    seconds = time.perf_counter() - started
    store_report(session, keys, ids, report, computed_at=computed_at, seconds=seconds)
    return (Stored(value=dashboard.evaluation_of(report.dataset, report.analysis), computed_at=computed_at,
                   from_store=False, seconds=seconds),
            Stored(value=report.figures, computed_at=computed_at, from_store=False, seconds=seconds))


@dataclasses.dataclass(frozen=True, slots=True)
class Refreshed:
    """One scope :func:`refresh` looked at: ``computed`` False when its stored results were fresh."""

    scope: str
    computed: bool
    seconds: float


def refresh(session: Session, *, min_group_size: int, cohorts: Sequence[Cohort] | None = None,
            progress: Callable[[str], None] | None = None) -> list[Refreshed]:
    """Compute and store the evaluation and impact figures of each cohort and of the program, where stale.

    ``cohorts`` None: every cohort in the store, then the program (all of them
    together); otherwise those cohorts only. A scope whose stored results are
    fresh costs a few queries; one that is stale is analysed once for both
    results. Rows computed by older code are deleted.
    """
    from lipassess.services.impact import impact_report

    whole = cohorts is None
    chosen = list(session.scalars(select(Cohort).order_by(Cohort.start_at, Cohort.id))) if cohorts is None \
        else list(cohorts)
    analysis_store.prune_other_code(session)
    versions = cohort_versions(session, [c.id for c in chosen])
    scopes: list[tuple[str, list[Cohort], bool]] = [(c.shortname, [c], False) for c in chosen]
    if whole and chosen:
        scopes.append(("program", chosen, True))
    done = []
    for label, scope, program in scopes:
        keys = report_keys(session, scope, program=program, min_group_size=min_group_size, versions=versions)
        if fresh(session, keys):
            done.append(Refreshed(scope=label, computed=False, seconds=0.0))
            continue
        if progress is not None:
            progress(f"analysing {label}")
        computed_at, started = utcnow(), time.perf_counter()
        report = impact_report(session, None if program else scope, min_group_size=min_group_size)
        seconds = time.perf_counter() - started
        store_report(session, keys, [c.id for c in scope], report, computed_at=computed_at, seconds=seconds)
        done.append(Refreshed(scope=label, computed=True, seconds=seconds))
    return done


ReportKeys = dict[str, tuple[str, str]]


def report_keys(session: Session, scope: Sequence[Cohort], *, program: bool, min_group_size: int,
                versions: Mapping[int, str] | None = None) -> ReportKeys:
    """Row key and data version of the evaluation and the figures of ``scope``, as the pages ask for them.

    ``program`` marks the whole program (every cohort); ``versions`` the cohorts'
    fingerprints when already read.
    """
    ids = [c.id for c in scope]
    # the program's evaluation is labelled "program" even when it has one cohort: its own row
    return {EVALUATION: (analysis_store.row_key(EVALUATION, ids, ("program",) if program else ()),
                         analysis_store.version_of(session, scope, versions=versions)),
            FIGURES: (analysis_store.row_key(FIGURES, ids, (program, min_group_size)),
                      analysis_store.version_of(session, scope, *figures_version(session, scope), versions=versions))}


def fresh(session: Session, keys: ReportKeys) -> bool:
    """Whether every result under ``keys`` (from :func:`report_keys`) is stored and fresh."""
    return all(analysis_store.read(session, key, version) is not None for key, version in keys.values())


def store_report(session: Session, keys: ReportKeys, cohort_ids: list[int], report: ImpactReport, *,
                 computed_at: datetime, seconds: float) -> None:
    """Store the evaluation and the figures of ``report`` under ``keys`` (from :func:`report_keys`).

    For callers that build impact reports anyway (the demo): take the keys
    before computing, so data changed meanwhile leave the rows stale.
    """
    results = {EVALUATION: dashboard.evaluation_of(report.dataset, report.analysis), FIGURES: report.figures}
    for kind, (key, version) in keys.items():
        analysis_store.write(session, key=key, kind=kind, cohort_ids=cohort_ids, version=version, value=results[kind],
                             computed_at=computed_at, seconds=seconds)


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


def subgroup_comparison(session: Session, cohort: Cohort, *, by: str, outcome: str, min_n: int,
                        for_managers: bool = False) -> Stored[SubgroupResult]:
    """Pre/post change of one behaviour ``outcome`` per value of the profile field ``by`` (stored).

    Groups under ``min_n`` are suppressed; ``for_managers`` also hides the groups the one
    small-group rule names (:func:`lipassess.analysis.subgroups.protect_subgroups`), so a
    suppressed group's change cannot be worked out from the others and the cohort's total.

    Raises
    ------
    InvalidInput
        ``by`` is not a profile field, ``outcome`` is unknown, or the cohort has no post scores yet.
    """
    check_subgroup_column(by)
    result = analysis_store.fetch(
        session, "subgroups", [cohort],
        lambda: _subgroup_comparison(session, cohort, by=by, outcome=outcome, min_n=min_n), by, outcome, min_n)
    if not for_managers:
        return result
    return dataclasses.replace(result, value=protect_subgroups(result.value, min_n))


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

"""Use case: what the staff dashboard shows for a cohort or the program, read from the store.

The web layer asks for a :class:`CohortDashboard` (progress, retention, the
evaluation, subgroup changes, response curves) or for the overview rows of the
cohort list; it never queries the store itself. The analyses behind it are
stored by :mod:`lipassess.services.analyses`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lipassess.analysis import by_group, paired
from lipassess.analysis.cohort import CohortAnalysis
from lipassess.analysis.subgroups import SubgroupResult
from lipassess.errors import LipassessError, NotFound
from lipassess.instruments import TOTAL
from lipassess.reports import tables as report_tables
from lipassess.services.cohort_data import by_a_student
from lipassess.services.dataset import BEHAVIOUR, Dataset, behaviour_outcomes, load_dataset
from lipassess.services.demo_data import scope_is_synthetic
from lipassess.services.evaluation import evaluate
from lipassess.services.progress import WaveProgress, active_students, wave_progress
from lipassess.store.models import (
    Cohort,
    Response,
    ResponseStatus,
    Wave,
    WaveKind,
)
from lipassess.vocabulary import FOLLOWUP, PRE, wave_sort_key

SUBGROUP_DIMENSIONS = ("ministry", "province")
#: Smallest subgroup worth computing at all (a paired comparison of one person says nothing).
MIN_COMPUTABLE_GROUP = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Retention:
    """Pre respondents, and how many of them answered the follow-up."""

    n_pre: int
    n_retained: int

    @property
    def rate(self) -> float | None:
        return self.n_retained / self.n_pre if self.n_pre else None


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortOverview:
    """One row of the cohort list."""

    cohort: Cohort
    active_students: int
    waves: tuple[WaveProgress, ...]
    retention: Retention
    synthetic: bool

    def wave(self, kind: str) -> WaveProgress | None:
        return next((w for w in self.waves if w.kind == kind), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseCurve:
    """Cumulative response rate of one wave: (days since it opened, share of active students)."""

    kind: str
    opens_at: datetime | None
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubgroupChange:
    """Pre/post change of the behaviour total per value of one profile field (every group >= 2 people)."""

    dimension: str
    result: SubgroupResult | None
    missing: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """The analysis of a set of cohorts and its subgroup changes (role-independent; cache it)."""

    analysis: CohortAnalysis
    subgroups: tuple[SubgroupChange, ...]
    reverse_keyed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortDashboard:
    """Everything the evaluator dashboard of one cohort shows."""

    cohort: Cohort
    synthetic: bool
    progress: tuple[WaveProgress, ...]
    retention: Retention
    curves: tuple[ResponseCurve, ...]
    evaluation: Evaluation

    @property
    def analysis(self) -> CohortAnalysis:
        return self.evaluation.analysis


def visible_cohorts(session: Session, cohort_ids: Iterable[int] | None) -> list[Cohort]:
    """Cohorts in start order; only ``cohort_ids`` when given (None = every cohort)."""
    query = select(Cohort).order_by(Cohort.start_at, Cohort.id)
    if cohort_ids is not None:
        query = query.where(Cohort.id.in_(list(cohort_ids)))
    return list(session.scalars(query))


def get_cohort(session: Session, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"There is no cohort with id {cohort_id}. Pick one from the cohort list.")
    return cohort


def _submitted_kinds(session: Session, cohort_ids: Sequence[int]) -> dict[int, dict[int, set[str]]]:
    """cohort id -> participant id -> wave kinds with a submitted response (students only)."""
    rows = session.execute(
        select(Wave.cohort_id, Response.participant_id, Wave.kind)
        .join(Wave, Wave.id == Response.wave_id)
        .where(Wave.cohort_id.in_(cohort_ids), Response.status == ResponseStatus.SUBMITTED,
               by_a_student(Wave.cohort_id))
    ).all()
    out: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cohort_id, participant_id, kind in rows:
        out[cohort_id][participant_id].add(WaveKind(kind).value)
    return out


def _retention(kinds: dict[int, set[str]]) -> Retention:
    pre = [k for k in kinds.values() if PRE in k]
    return Retention(n_pre=len(pre), n_retained=sum(FOLLOWUP in k for k in pre))


def retention(session: Session, cohort: Cohort) -> Retention:
    """How many pre respondents of ``cohort`` also answered the follow-up."""
    return _retention(_submitted_kinds(session, [cohort.id]).get(cohort.id, {}))


def cohort_overviews(session: Session, cohorts: Sequence[Cohort]) -> list[CohortOverview]:
    """Response rates per wave and retention of each cohort, for the cohort list."""
    kinds = _submitted_kinds(session, [c.id for c in cohorts])
    synthetic = {c.id: scope_is_synthetic(session, [c]) for c in cohorts}
    return [
        CohortOverview(cohort=c, active_students=active_students(session, c),
                       waves=tuple(wave_progress(session, c)), retention=_retention(kinds.get(c.id, {})),
                       synthetic=synthetic[c.id])
        for c in cohorts
    ]


def response_curves(session: Session, cohort: Cohort, *, students: int | None = None) -> list[ResponseCurve]:
    """Cumulative share of active students who submitted, by day since each wave opened.

    A wave that has not opened (no ``opened_at``/``opens_at``) or has no submission yet
    gets an empty curve. Days are counted from ``opened_at`` when dispatch recorded it,
    else from the planned ``opens_at``.
    """
    students = active_students(session, cohort) if students is None else students
    waves = list(session.scalars(select(Wave).where(Wave.cohort_id == cohort.id)))
    submitted = session.execute(
        select(Response.wave_id, Response.submitted_at)
        .where(Response.wave_id.in_([w.id for w in waves]), Response.status == ResponseStatus.SUBMITTED,
               Response.submitted_at.is_not(None), by_a_student(cohort.id))
    ).all() if waves else []
    times: dict[int, list[datetime]] = defaultdict(list)
    for wave_id, at in submitted:
        if at is not None:  # always: the query keeps only rows with submitted_at set
            times[wave_id].append(at)
    curves = []
    for wave in sorted(waves, key=lambda w: wave_sort_key(w.kind.value)):
        start = wave.opened_at or wave.opens_at
        stamps = sorted(times.get(wave.id, []))
        points: list[tuple[float, float]] = []
        if start is not None and stamps and students:
            start_naive = _naive(start)
            points.append((0.0, 0.0))
            for count, at in enumerate(stamps, start=1):
                day = max(0.0, (_naive(at) - start_naive).total_seconds() / 86400)
                if points and points[-1][0] == day:
                    points[-1] = (day, count / students)
                else:
                    points.append((day, count / students))
        curves.append(ResponseCurve(kind=wave.kind.value, opens_at=start, points=tuple(points)))
    return curves


def _naive(moment: datetime) -> datetime:
    """SQLite returns naive UTC datetimes, PostgreSQL aware ones: compare them as naive UTC."""
    if moment.tzinfo is not None:
        from datetime import UTC

        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def subgroup_changes(dataset: Dataset) -> tuple[SubgroupChange, ...]:
    """Pre/post change of the behaviour total per ministry and per province.

    Every group of at least :data:`MIN_COMPUTABLE_GROUP` people is computed; the
    presentation suppresses groups under the minimum size for managers.
    """
    total = next((o for o in behaviour_outcomes(dataset) if o.name == TOTAL), None)
    out = []
    for dimension in SUBGROUP_DIMENSIONS:
        if total is None or not {"pre", "post"} <= set(total.scores.columns):
            out.append(SubgroupChange(dimension=dimension, result=None,
                                      missing="subgroups compare pre and post scores, and there are none yet"))
            continue
        frame = total.scores[["pre", "post"]].join(dataset.profile[[dimension]], how="left")
        frame = frame.dropna(subset=["pre", "post"])
        frame[dimension] = frame[dimension].fillna("(not given)")
        try:
            result = by_group(frame, dimension, paired, columns={"pre": "pre", "post": "post"},
                              min_n=MIN_COMPUTABLE_GROUP)
        except LipassessError as exc:
            out.append(SubgroupChange(dimension=dimension, result=None, missing=exc.message))
            continue
        out.append(SubgroupChange(dimension=dimension, result=result, missing=None))
    return tuple(out)


def evaluation_of(dataset: Dataset, analysis: CohortAnalysis | None = None) -> Evaluation:
    """The evaluation and subgroup changes of ``dataset``; pass its ``analysis`` when already computed."""
    reverse = frozenset(item.id for (instrument_id, _wave), sheet in dataset.sheets.items()
                        if instrument_id == BEHAVIOUR for item in sheet.instrument.items if item.reverse)
    return Evaluation(analysis=analysis if analysis is not None else evaluate(dataset),
                      subgroups=subgroup_changes(dataset), reverse_keyed=reverse)


def evaluate_for_dashboard(session: Session, cohorts: Sequence[Cohort]) -> Evaluation:
    """The evaluation and subgroup changes of ``cohorts`` together."""
    return evaluation_of(load_dataset(session, cohorts))


def cohort_dashboard(session: Session, cohort: Cohort, *, evaluation: Evaluation | None = None) -> CohortDashboard:
    """Progress, retention, response curves and the evaluation of one cohort.

    Pass a cached ``evaluation`` to skip the analysis (the rest is a few cheap queries).
    """
    students = active_students(session, cohort)
    return CohortDashboard(
        cohort=cohort,
        synthetic=scope_is_synthetic(session, [cohort]),
        progress=tuple(wave_progress(session, cohort)),
        retention=retention(session, cohort),
        curves=tuple(response_curves(session, cohort, students=students)),
        evaluation=evaluation or evaluate_for_dashboard(session, [cohort]),
    )


def _subgroup_args(evaluation: Evaluation) -> list[tuple[str, SubgroupResult | None, str | None]]:
    return [(s.dimension, s.result, s.missing) for s in evaluation.subgroups]


def cohort_tables(board: CohortDashboard, *, sees_individuals: bool,
                  min_group_size: int) -> dict[str, report_tables.Table]:
    """The tables of a cohort dashboard by name (:func:`lipassess.reports.tables.cohort_tables`), for one audience."""
    return report_tables.cohort_tables(
        board.analysis, sees_individuals=sees_individuals, min_group_size=min_group_size,
        subgroups=_subgroup_args(board.evaluation), progress=[p.to_dict() for p in board.progress],
        retention=(board.retention.n_pre, board.retention.n_retained),
        reverse_keyed=board.evaluation.reverse_keyed,
    )


def comparison_table(per_cohort: Sequence[tuple[CohortOverview, CohortAnalysis]]) -> report_tables.Table:
    """The program page's cohorts side by side, from each cohort's overview row and its own analysis."""
    return report_tables.cohort_comparison_table([
        {"cohort": o.cohort.shortname, "students": o.active_students,
         "response_rates": {w.kind: w.response_rate for w in o.waves}, "n_pre": o.retention.n_pre,
         "n_retained": o.retention.n_retained, "analysis": analysis}
        for o, analysis in per_cohort])


def program_tables(evaluation: Evaluation, comparison: report_tables.Table, *, sees_individuals: bool,
                   min_group_size: int) -> dict[str, report_tables.Table]:
    """The tables of the program page by name: the cohort comparison, then the pooled analysis's tables."""
    tables = {comparison.name: comparison}
    tables.update(report_tables.cohort_tables(
        evaluation.analysis, sees_individuals=sees_individuals, min_group_size=min_group_size,
        subgroups=_subgroup_args(evaluation), reverse_keyed=evaluation.reverse_keyed))
    return tables


"""REST endpoints. Each answer is dumped through its schema; errors use the one JSON shape."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from lipassess.analysis import by_group, paired
from lipassess.db import get_session
from lipassess.errors import InvalidInput, NotFound
from lipassess.services.dataset import behaviour_outcomes, load_dataset
from lipassess.services.evaluation import evaluate
from lipassess.services.progress import wave_progress
from lipassess.store.models import Cohort
from lipassess.web.api import bp
from lipassess.web.api.openapi import build_spec
from lipassess.web.api.schemas import (
    AnalysisSchema,
    CohortDetailSchema,
    CohortListSchema,
    SubgroupsSchema,
)
from lipassess.web.auth import Principal, current_principal, staff_required

SUBGROUP_COLUMNS = ("ministry", "province", "language")


def aggregate_only(data: Any) -> Any:
    """Drop per-participant rows (``participants`` lists) for principals who see aggregates only."""
    if isinstance(data, dict):
        return {k: aggregate_only(v) for k, v in data.items() if k != "participants"}
    if isinstance(data, list):
        return [aggregate_only(v) for v in data]
    return data


def _visible_cohorts(principal: Principal) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.start_at, Cohort.id)
    if principal.cohort_ids is not None:
        query = query.where(Cohort.id.in_(principal.cohort_ids))
    return list(get_session().scalars(query))


def _cohort(cohort_id: int) -> Cohort:
    cohort = get_session().get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"no cohort with id {cohort_id}; list them at /api/v1/cohorts")
    return cohort


def _analysis_payload(cohorts: list[Cohort], principal: Principal) -> dict[str, Any]:
    result = evaluate(load_dataset(get_session(), cohorts)).to_dict()
    payload = result if principal.sees_individuals else aggregate_only(result)
    return AnalysisSchema().dump(payload)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_spec())


@bp.get("/cohorts")
@staff_required(api=True)
def cohorts() -> Response:
    return jsonify(CohortListSchema().dump({"cohorts": _visible_cohorts(current_principal())}))


@bp.get("/cohorts/<int:cohort_id>")
@staff_required(api=True)
def cohort_detail(cohort_id: int) -> Response:
    cohort = _cohort(cohort_id)
    data = {column: getattr(cohort, column) for column in
            ("id", "moodle_course_id", "shortname", "fullname", "start_at", "end_at")}
    data["waves"] = [p.to_dict() for p in wave_progress(get_session(), cohort)]
    return jsonify(CohortDetailSchema().dump(data))


@bp.get("/cohorts/<int:cohort_id>/analysis")
@staff_required(api=True)
def cohort_analysis(cohort_id: int) -> Response:
    return jsonify(_analysis_payload([_cohort(cohort_id)], current_principal()))


@bp.get("/program/analysis")
@staff_required(api=True)
def program_analysis() -> Response:
    principal = current_principal()
    cohorts = _visible_cohorts(principal)
    if not cohorts:
        raise NotFound("no cohorts yet; run 'lipassess sync' to pull them from Moodle")
    return jsonify(_analysis_payload(cohorts, principal))


@bp.get("/cohorts/<int:cohort_id>/subgroups")
@staff_required(api=True)
def cohort_subgroups(cohort_id: int) -> Response:
    by = request.args.get("by", "ministry")
    outcome = request.args.get("outcome", "total")
    if by not in SUBGROUP_COLUMNS:
        raise InvalidInput(f"'by' must be one of {', '.join(SUBGROUP_COLUMNS)}", errors={"by": by})
    dataset = load_dataset(get_session(), [_cohort(cohort_id)])
    outcomes = {o.name: o for o in behaviour_outcomes(dataset)}
    if outcome not in outcomes:
        raise InvalidInput(f"unknown outcome {outcome!r}; choose one of {', '.join(outcomes) or 'none yet'}",
                           errors={"outcome": outcome})
    scores = outcomes[outcome].scores
    if not {"pre", "post"} <= set(scores.columns):
        raise InvalidInput("subgroups compare pre and post; this cohort has no post scores yet")
    frame = scores[["pre", "post"]].join(dataset.profile[[by]], how="left").dropna(subset=["pre", "post"])
    frame[by] = frame[by].fillna("(not given)")
    min_n = int(current_app.config["MIN_GROUP_SIZE"])
    result = by_group(frame, by, paired, columns={"pre": "pre", "post": "post"}, min_n=min_n)
    rows = [{"group": str(g.group), "n": g.n, "suppressed": g.suppressed,
             "result": None if g.result is None else g.result.to_dict()} for g in result.groups]
    return jsonify(SubgroupsSchema().dump({"by": by, "outcome": outcome, "min_n": min_n, "groups": rows}))

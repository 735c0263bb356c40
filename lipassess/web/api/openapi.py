"""The OpenAPI 3 document of ``/api/v1``, built from the marshmallow schemas (apispec)."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from lipassess.web.api.schemas import (
    AnalysisSchema,
    CohortDetailSchema,
    CohortListSchema,
    ErrorSchema,
    SubgroupsSchema,
)

COHORT_ID = {"name": "cohort_id", "in": "path", "required": True, "schema": {"type": "integer"},
             "description": "Cohort id (see /cohorts)."}

ERRORS = {
    "401": {"description": "No or unknown API token.", "content": {"application/json": {"schema": "Error"}}},
    "403": {"description": "Role or cohort not allowed.", "content": {"application/json": {"schema": "Error"}}},
}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _not_found() -> dict[str, Any]:
    return {"description": "Unknown cohort.", "content": {"application/json": {"schema": "Error"}}}


#: (path, summary, parameters, responses) of every documented GET endpoint.
ENDPOINTS: tuple[tuple[str, str, list[dict[str, Any]], dict[str, Any]], ...] = (
    ("/cohorts", "Cohorts visible to the caller.", [], {"200": _ok("CohortList", "The cohorts.")}),
    ("/cohorts/{cohort_id}", "A cohort with the progress of each wave.", [COHORT_ID],
     {"200": _ok("CohortDetail", "Cohort and waves."), "404": _not_found()}),
    ("/cohorts/{cohort_id}/analysis",
     "Every analysis of the cohort (per-participant rows only for evaluators and admins).", [COHORT_ID],
     {"200": _ok("Analysis", "CohortAnalysis.to_dict()."), "404": _not_found()}),
    ("/program/analysis", "The analysis of every cohort the caller may see, together.", [],
     {"200": _ok("Analysis", "CohortAnalysis.to_dict()."), "404": _not_found()}),
    ("/cohorts/{cohort_id}/subgroups", "Pre/post change per subgroup; groups under the minimum size suppressed.",
     [COHORT_ID,
      {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["ministry", "province", "language"],
                                               "default": "ministry"}},
      {"name": "outcome", "in": "query", "schema": {"type": "string", "default": "total"}}],
     {"200": _ok("Subgroups", "One row per group."), "404": _not_found(),
      "400": {"description": "Unknown grouping or outcome.", "content": {"application/json": {"schema": "Error"}}}}),
)


@cache
def build_spec() -> dict[str, Any]:
    """The OpenAPI document as a dict (cached: it never changes while the process runs)."""
    spec = APISpec(
        title="lipassess API", version="1.0.0", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Read-only API for evaluators and program managers. "
                             "Authenticate with 'Authorization: Bearer <token>' "
                             "(create one with 'lipassess staff add NAME --role ... --api-token')."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, schema in (("Error", ErrorSchema), ("CohortList", CohortListSchema),
                         ("CohortDetail", CohortDetailSchema), ("Analysis", AnalysisSchema),
                         ("Subgroups", SubgroupsSchema)):
        spec.components.schema(name, schema=schema)
    for path, summary, parameters, responses in ENDPOINTS:
        spec.path(path=path, operations={"get": {
            "summary": summary, "parameters": parameters, "security": [{"bearer": []}],
            "responses": {**responses, **ERRORS},
        }})
    return spec.to_dict()

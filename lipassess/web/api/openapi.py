"""The OpenAPI 3 document of ``/api/v1``, built from the marshmallow schemas (apispec)."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from lipassess.services.exports import EXPORT_FORMATS, MEDIA_TYPES
from lipassess.vocabulary import LANGUAGES, TOTAL
from lipassess.web.api.schemas import (
    AnalysisSchema,
    CohortDetailSchema,
    CohortListSchema,
    ErrorSchema,
    NeedsSchema,
    SubgroupsSchema,
    SummarySchema,
)

COHORT_ID = {"name": "cohort_id", "in": "path", "required": True, "schema": {"type": "integer"},
             "description": "Cohort id (see /cohorts)."}

ERRORS = {
    "401": {"description": "No or unknown API token.", "content": {"application/json": {"schema": "Error"}}},
    "403": {"description": "Role or cohort not allowed.", "content": {"application/json": {"schema": "Error"}}},
}


LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": list(LANGUAGES), "default": "en"},
        "description": "Language of the narrative (summaries) or of the SPSS labels (exports)."}
FMT = {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": list(EXPORT_FORMATS)},
       "description": "long_csv: one row per answer; wide_csv: one row per participant; xlsx: wide data with a "
                      "codebook sheet; sav: SPSS with variable and value labels."}
WITH_IDENTITIES = {"name": "with_identities", "in": "query",
                   "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
                   "description": "1 adds names and e-mail addresses: admins only, written to the audit log."}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _file() -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"description": "The file (an attachment); pseudonyms only unless with_identities=1.",
            "content": {media: binary for media in dict.fromkeys(MEDIA_TYPES.values())}}


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
      {"name": "outcome", "in": "query", "schema": {"type": "string", "default": TOTAL}}],
     {"200": _ok("Subgroups", "One row per group."), "404": _not_found(),
      "400": {"description": "Unknown grouping or outcome.", "content": {"application/json": {"schema": "Error"}}}}),
    ("/cohorts/{cohort_id}/summary",
     "The impact summary of a cohort: ImpactFigures.to_dict() plus the narrative in the chosen language.",
     [COHORT_ID, LANG],
     {"200": _ok("Summary", "Figures, with a reason for every missing number, and the narrative."),
      "400": _error("Unknown language."), "404": _not_found()}),
    ("/program/summary", "The impact summary of every cohort the caller may see, together, with per-cohort effects.",
     [LANG],
     {"200": _ok("Summary", "Figures and narrative."), "400": _error("Unknown language."),
      "404": _error("No cohorts yet.")}),
    ("/cohorts/{cohort_id}/needs",
     "The training-needs assessment of a cohort (Borich MWDS, CIs, ranks, Locus for Focus quadrants, groups, the "
     "loop against later change) and the recommendations in the chosen language.",
     [COHORT_ID, LANG],
     {"200": _ok("Needs", "NeedsAnalysis.to_dict() and the recommendations."), "400": _error("Unknown language."),
      "404": _not_found(), "422": _error("Nobody in the cohort has answered the needs assessment yet.")}),
    ("/program/needs", "The training-needs assessment of every cohort the caller may see, together.", [LANG],
     {"200": _ok("Needs", "NeedsAnalysis.to_dict() and the recommendations."), "400": _error("Unknown language."),
      "404": _error("No cohorts yet."), "422": _error("Nobody has answered the needs assessment yet.")}),
    ("/cohorts/{cohort_id}/exports/{fmt}",
     "The cohort's answers and scale scores as a file (evaluators and admins; managers see aggregates only). "
     "Every export is written to the audit log.",
     [COHORT_ID, FMT, WITH_IDENTITIES, LANG],
     {"200": _file(), "400": _error("Unknown format, language or with_identities value."), "404": _not_found(),
      "422": _error("Nobody in the cohort has submitted answers yet.")}),
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
                         ("Subgroups", SubgroupsSchema), ("Summary", SummarySchema), ("Needs", NeedsSchema)):
        spec.components.schema(name, schema=schema)
    for path, summary, parameters, responses in ENDPOINTS:
        spec.path(path=path, operations={"get": {
            "summary": summary, "parameters": parameters, "security": [{"bearer": []}],
            "responses": {**responses, **ERRORS},
        }})
    return spec.to_dict()

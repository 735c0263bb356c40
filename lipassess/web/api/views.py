"""REST endpoints. Each answer is dumped through its schema; errors use the one JSON shape."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app, jsonify, request, send_file
from werkzeug.wrappers import Response

from lipassess.db import get_session
from lipassess.errors import InvalidInput, NotFound, PermissionDenied
from lipassess.reports.narrative import Narrative, build_narrative
from lipassess.services import analyses, exports
from lipassess.services.dashboard import get_cohort, visible_cohorts
from lipassess.services.progress import wave_progress
from lipassess.store.models import Cohort, StaffRole
from lipassess.vocabulary import LANGUAGES, TOTAL
from lipassess.web.api import bp
from lipassess.web.api.openapi import build_spec
from lipassess.web.api.schemas import (
    AnalysisSchema,
    CohortDetailSchema,
    CohortListSchema,
    SubgroupsSchema,
    SummarySchema,
)
from lipassess.web.auth import Principal, current_principal, staff_required

_TRUE, _FALSE = {"1", "true", "yes"}, {"0", "false", "no", ""}


def aggregate_only(data: Any) -> Any:
    """Drop per-participant rows (``participants`` lists) for principals who see aggregates only."""
    if isinstance(data, dict):
        return {k: aggregate_only(v) for k, v in data.items() if k != "participants"}
    if isinstance(data, list):
        return [aggregate_only(v) for v in data]
    return data


def _principal() -> Principal:
    """The signed-in principal of a view behind :func:`staff_required` (which answers 401 without one)."""
    principal = current_principal()
    if principal is None:
        raise RuntimeError("an API view behind staff_required ran without a signed-in principal")
    return principal


def _visible_cohorts(principal: Principal) -> list[Cohort]:
    return visible_cohorts(get_session(), principal.cohort_ids)


def _cohort(cohort_id: int) -> Cohort:
    return get_cohort(get_session(), cohort_id)


def _min_group_size() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def _analysis_payload(cohorts: list[Cohort] | None, scope: list[Cohort], principal: Principal) -> dict[str, Any]:
    # with its figures, as the staff pages ask for them: one analysis serves both
    stored, _figures = analyses.evaluation_and_figures(get_session(), cohorts, scope=scope,
                                                       min_group_size=_min_group_size())
    analysis = stored.value.analysis
    if principal.sees_individuals:
        return AnalysisSchema().dump({**analysis.to_dict(), "computed_at": stored.computed_at})
    data = aggregate_only(analyses.for_managers(analysis, _min_group_size()).to_dict())
    return AnalysisSchema().dump({**data, "computed_at": stored.computed_at})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_spec())


@bp.get("/cohorts")
@staff_required(api=True)
def cohorts() -> Response:
    return jsonify(CohortListSchema().dump({"cohorts": _visible_cohorts(_principal())}))


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
    cohort = _cohort(cohort_id)
    return jsonify(_analysis_payload([cohort], [cohort], _principal()))


@bp.get("/program/analysis")
@staff_required(api=True)
def program_analysis() -> Response:
    principal = _principal()
    cohorts = _visible_cohorts(principal)
    if not cohorts:
        raise NotFound("no cohorts yet; run 'lipassess sync' to pull them from Moodle")
    return jsonify(_analysis_payload(None if principal.cohort_ids is None else cohorts, cohorts, principal))


@bp.get("/cohorts/<int:cohort_id>/subgroups")
@staff_required(api=True)
def cohort_subgroups(cohort_id: int) -> Response:
    by = analyses.check_subgroup_column(request.args.get("by", "ministry"))
    outcome = request.args.get("outcome", TOTAL)
    min_n = _min_group_size()
    stored = analyses.subgroup_comparison(get_session(), _cohort(cohort_id), by=by, outcome=outcome, min_n=min_n,
                                          for_managers=not _principal().sees_individuals)
    rows = [{"group": str(g.group), "n": g.n, "suppressed": g.suppressed,
             "result": None if g.result is None else g.result.to_dict()} for g in stored.value.groups]
    return jsonify(SubgroupsSchema().dump({"by": by, "outcome": outcome, "min_n": min_n, "groups": rows,
                                           "computed_at": stored.computed_at}))


def _lang() -> str:
    lang = request.args.get("lang", "en")
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; use 'en' (English) or 'km' (Khmer)", errors={"lang": lang})
    return lang


def narrative_payload(narrative: Narrative) -> dict[str, Any]:
    """The narrative's words as plain data, every sentence with the rule that produced it."""
    def sentences(items: Any) -> list[dict[str, str]]:
        return [{"key": s.key, "text": s.text} for s in items]

    return {
        "lang": narrative.lang, "title": narrative.title, "synthetic_notice": narrative.synthetic_notice,
        "sections": [{"key": s.key, "heading": s.heading, "text": s.text, "sentences": sentences(s.sentences)}
                     for s in narrative.sections],
        "caveats": sentences(narrative.caveats), "missing": sentences(narrative.missing),
        "method": {"key": narrative.method.key, "text": narrative.method.text},
        "references": list(narrative.references),
    }


def _summary_payload(cohorts: list[Cohort] | None, scope: list[Cohort], lang: str) -> dict[str, Any]:
    stored = analyses.figures(get_session(), cohorts, scope=scope, min_group_size=_min_group_size())
    figures = stored.value
    payload = {**figures.to_dict(), "computed_at": stored.computed_at, "lang": lang,
               "narrative": narrative_payload(build_narrative(figures, lang))}
    return SummarySchema().dump(payload)


@bp.get("/cohorts/<int:cohort_id>/summary")
@staff_required(api=True)
def cohort_summary(cohort_id: int) -> Response:
    lang = _lang()
    cohort = _cohort(cohort_id)
    return jsonify(_summary_payload([cohort], [cohort], lang))


@bp.get("/program/summary")
@staff_required(api=True)
def program_summary() -> Response:
    lang = _lang()
    principal = _principal()
    cohorts = _visible_cohorts(principal)
    if not cohorts:
        raise NotFound("no cohorts yet; run 'lipassess sync' to pull them from Moodle")
    return jsonify(_summary_payload(None if principal.cohort_ids is None else cohorts, cohorts, lang))


def _flag(name: str) -> bool:
    raw = request.args.get(name, "0").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise InvalidInput(f"{name} must be 1 or 0, got {raw!r}", errors={name: raw})
    return raw in _TRUE


@bp.get("/cohorts/<int:cohort_id>/exports/<fmt>")
@staff_required(StaffRole.EVALUATOR, api=True)
def cohort_export(cohort_id: int, fmt: str) -> Response:
    """The cohort's answers as a file; evaluators and admins only, identities for admins only (audited)."""
    principal = _principal()
    exports.check_format(fmt)
    lang = _lang()
    with_identities = _flag("with_identities")
    if with_identities and principal.role is not StaffRole.ADMIN:
        raise PermissionDenied("Only admins may export names and e-mail addresses; "
                               "leave out with_identities for a pseudonymous export.")
    cohort = _cohort(cohort_id)
    actor = principal.name if principal.via != "lti" else f"lti:{principal.name}"
    name = f"{cohort.shortname}{'-identities' if with_identities else ''}{exports.FILE_SUFFIXES[fmt]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export"
        exports.export(get_session(), [cohort], fmt, path, include_identities=with_identities, actor=actor,
                       lang=lang)
        data = path.read_bytes()
    response = send_file(io.BytesIO(data), mimetype=exports.MEDIA_TYPES[fmt], as_attachment=True,
                         download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response

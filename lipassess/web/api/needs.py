"""``GET /cohorts/{cohort_id}/needs`` and ``GET /program/needs``: the training-needs assessment as JSON.

``NeedsAnalysis.to_dict()`` (the ranked ``competencies`` at the top, ``groups``,
``loop``) plus ``computed_at``, ``lang`` and ``recommendations`` (each sentence
with the rule that wrote it) in the chosen language. Managers get the groups
through the one small-group rule.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.wrappers import Response

from lipassess.db import get_session
from lipassess.errors import NotFound
from lipassess.reports.needs import recommendations
from lipassess.services.needs import stored_needs
from lipassess.store.models import Cohort
from lipassess.web.api import bp
from lipassess.web.api.schemas import NeedsSchema
from lipassess.web.api.views import _cohort, _lang, _min_group_size, _principal, _visible_cohorts
from lipassess.web.auth import staff_required


def _payload(cohorts: list[Cohort] | None, scope: list[Cohort], lang: str) -> dict[str, Any]:
    stored = stored_needs(get_session(), cohorts, scope=scope, min_group_size=_min_group_size(),
                          for_managers=not _principal().sees_individuals)
    advice = [{"key": s.key, "text": s.text} for s in recommendations(stored.value, lang)]
    return NeedsSchema().dump({**stored.value.to_dict(), "computed_at": stored.computed_at, "lang": lang,
                               "recommendations": advice})


@bp.get("/cohorts/<int:cohort_id>/needs")
@staff_required(api=True)
def cohort_needs(cohort_id: int) -> Response:
    lang = _lang()
    cohort = _cohort(cohort_id)
    return jsonify(_payload([cohort], [cohort], lang))


@bp.get("/program/needs")
@staff_required(api=True)
def program_needs() -> Response:
    lang = _lang()
    principal = _principal()
    cohorts = _visible_cohorts(principal)
    if not cohorts:
        raise NotFound("no cohorts yet; run 'lipassess sync' to pull them from Moodle")
    return jsonify(_payload(None if principal.cohort_ids is None else cohorts, cohorts, lang))

"""REST API: access per role, aggregates for managers, suppression, the OpenAPI contract."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from lipassess.services import staff as staff_service
from lipassess.web.api.openapi import ENDPOINTS
from lipassess.web.api.schemas import (
    AnalysisSchema,
    CohortDetailSchema,
    CohortListSchema,
    ErrorSchema,
    NeedsSchema,
    SubgroupsSchema,
    SummarySchema,
)
from tests.factories import bundled_versions, make_cohort, make_participant, make_wave, submit
from tests.needs_world import needs_answers

ITEMS = [f"{p}{i}" for p in ("AL", "CM", "CF", "PD", "CS", "SW") for i in range(1, 6)]


@pytest.fixture
def world(app, session):
    """Two cohorts; cohort 6 has 8 participants with pre, post and needs answers (6 Health, 2 Interior)."""
    versions = bundled_versions(session)
    behaviour = versions["lip-leadership-behaviour"]
    c6 = make_cohort(session, 3, "LIP-C6-2024")
    c5 = make_cohort(session, 2, "LIP-C5-2023")
    pre, post = make_wave(session, c6, "pre", [behaviour]), make_wave(session, c6, "post", [behaviour])
    needs = make_wave(session, c6, "needs", [versions["lip-needs-assessment"]])
    for k in range(8):
        person = make_participant(session, 100 + k, c6, ministry="Health" if k < 6 else "Interior")
        submit(session, person, pre, {behaviour: dict.fromkeys(ITEMS, 2 + k % 2)})
        submit(session, person, needs, {versions["lip-needs-assessment"]: needs_answers(k)})
        submit(session, person, post, {behaviour: dict.fromkeys(ITEMS, 3 + (k % 3 == 0))})
    tokens = {}
    for name, role in [("ana", "admin"), ("eva", "evaluator"), ("max", "manager")]:
        user = staff_service.add_staff_user(session, username=name, role=role, password=f"{name}-password-123")
        tokens[name] = staff_service.issue_api_token(session, user)
    session.commit()
    return {"tokens": tokens, "c6": c6.id, "c5": c5.id}


def get(client, path: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", headers=headers)


def test_openapi_document_is_valid(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {path for path, *_ in ENDPOINTS}


SCHEMAS = {
    "/cohorts": CohortListSchema, "/cohorts/{cohort_id}": CohortDetailSchema,
    "/cohorts/{cohort_id}/analysis": AnalysisSchema, "/program/analysis": AnalysisSchema,
    "/cohorts/{cohort_id}/subgroups": SubgroupsSchema,
    "/cohorts/{cohort_id}/summary": SummarySchema, "/program/summary": SummarySchema,
    "/cohorts/{cohort_id}/needs": NeedsSchema, "/program/needs": NeedsSchema,
}
DOCUMENTED = {path: responses for path, _, _, responses in ENDPOINTS}


@pytest.mark.parametrize("path", [path for path, *_ in ENDPOINTS])
def test_every_documented_endpoint_answers_as_documented(client, world, path) -> None:
    concrete = path.replace("{cohort_id}", str(world["c6"])).replace("{fmt}", "long_csv")
    response = get(client, concrete, world["tokens"]["eva"])
    assert response.status_code == 200, response.get_json()
    content = DOCUMENTED[path]["200"]["content"]
    if "application/json" in content:
        assert SCHEMAS[path]().validate(response.get_json()) == {}
    else:
        assert response.mimetype in content and response.data
    anonymous = get(client, concrete, None)
    assert anonymous.status_code == 401 and ErrorSchema().validate(anonymous.get_json()) == {}


def test_analysis_numbers(client, world) -> None:
    data = get(client, f"/cohorts/{world['c6']}/analysis", world["tokens"]["eva"]).get_json()
    total = data["outcomes"]["total"]
    # Every item answered v: 24 items keyed v, the 6 reversed keyed 6 - v -> total (18 v + 36) / 30.
    def total_of(v: int) -> float:
        return (18 * v + 36) / 30

    pre = [total_of(2 + k % 2) for k in range(8)]
    post = [total_of(3 + (k % 3 == 0)) for k in range(8)]
    assert total["pre_post"]["n_obs"] == 8
    assert total["pre_post"]["mean_diff"] == pytest.approx(sum(post) / 8 - sum(pre) / 8)
    assert total["pre_post"]["mean_pre"] == pytest.approx(sum(pre) / 8)
    assert "participants" in total["change"]


def test_manager_sees_aggregates_only(client, world) -> None:
    data = get(client, f"/cohorts/{world['c6']}/analysis", world["tokens"]["max"]).get_json()
    assert "participants" not in data["outcomes"]["total"]["change"]
    assert data["outcomes"]["total"]["change"]["improved"]["share"] is not None


def test_small_subgroups_are_suppressed(client, world) -> None:
    data = get(client, f"/cohorts/{world['c6']}/subgroups?by=ministry", world["tokens"]["eva"]).get_json()
    groups = {g["group"]: g for g in data["groups"]}
    assert groups["Health"]["suppressed"] is False and groups["Health"]["result"]["n_obs"] == 6
    assert groups["Interior"] == {"group": "Interior", "n": "<5", "suppressed": True, "result": None}
    # a manager: Health's 6 next to the cohort's 8 would give Interior's 2 away, so Health is hidden too
    data = get(client, f"/cohorts/{world['c6']}/subgroups?by=ministry", world["tokens"]["max"]).get_json()
    groups = {g["group"]: g for g in data["groups"]}
    assert groups["Interior"] == {"group": "Interior", "n": "<5", "suppressed": True, "result": None}
    assert groups["Health"] == {"group": "Health", "n": "hidden", "suppressed": True, "result": None}


@pytest.mark.parametrize(
    ("query", "field"), [("by=salary", "by"), ("outcome=charisma", "outcome")],
)
def test_bad_query_is_a_400_with_reason(client, world, query, field) -> None:
    response = get(client, f"/cohorts/{world['c6']}/subgroups?{query}", world["tokens"]["eva"])
    body = response.get_json()
    assert response.status_code == 400 and field in body["errors"] and body["code"] == "invalid_input"


def test_unknown_cohort_is_404_json(client, world) -> None:
    response = get(client, "/cohorts/999/analysis", world["tokens"]["ana"])
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_cohort_without_answers_explains_missing(client, world) -> None:
    data = get(client, f"/cohorts/{world['c5']}/analysis", world["tokens"]["eva"]).get_json()
    assert data["outcomes"] == {} and data["n_participants"] == 0
    assert "follow-up" in data["missing"]["attrition"] or "baseline" in data["missing"]["attrition"]

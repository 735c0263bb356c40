"""The staff pages and the REST API share one analysis cache: what one computed, the other reuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lipassess.services import evaluation
from lipassess.services import staff as staff_service
from lipassess.store.models import Participant, StaffUser
from tests.web.staff_world import build_world, sign_in


@pytest.fixture
def world(app, session):
    data = build_world(session)
    user = session.scalars(select(StaffUser).where(StaffUser.username == "eva")).one()
    data["token"] = staff_service.issue_api_token(session, user)
    session.commit()
    return data


@pytest.fixture
def computed(monkeypatch):
    """The scope of every cohort analysis actually computed (a cache hit computes nothing)."""
    calls: list[str] = []
    original = evaluation.analyze_cohort

    def counting(*args, **kwargs):
        calls.append(kwargs["scope"])
        return original(*args, **kwargs)

    monkeypatch.setattr(evaluation, "analyze_cohort", counting)
    return calls


def api_analysis(client, world):
    response = client.get(f"/api/v1/cohorts/{world['a']}/analysis",
                          headers={"Authorization": f"Bearer {world['token']}"})
    assert response.status_code == 200, response.data
    return response


def test_the_api_reuses_what_the_staff_page_computed(client, world, computed) -> None:
    sign_in(client, "eva")
    assert client.get(f"/staff/cohorts/{world['a']}").status_code == 200
    assert computed == ["LIP-A"]
    api_analysis(client, world)
    api_analysis(client, world)
    assert computed == ["LIP-A"]


def test_the_staff_page_reuses_what_the_api_computed(client, world, computed) -> None:
    api_analysis(client, world)
    assert computed == ["LIP-A"]
    sign_in(client, "eva")
    assert client.get(f"/staff/cohorts/{world['a']}").status_code == 200
    assert computed == ["LIP-A"]


def test_a_profile_change_computes_again(client, session, world, computed) -> None:
    api_analysis(client, world)
    person = session.get(Participant, world["participant"])
    person.ministry = "Planning"  # a profile change is a new data version
    session.commit()
    api_analysis(client, world)
    assert computed == ["LIP-A", "LIP-A"]
